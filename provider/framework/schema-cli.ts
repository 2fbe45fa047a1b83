import { packageSchema } from "./schema";

process.stdout.write(JSON.stringify(packageSchema(), null, 2) + "\n");
