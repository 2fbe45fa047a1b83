import { referenceMarkdown } from "./docs";

process.stdout.write(referenceMarkdown());
