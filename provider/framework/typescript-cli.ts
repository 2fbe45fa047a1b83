import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedTypescript } from "./typescript";

// Run from the repository root (`npm run types`); the output is compiled with the rest.
for (const [path, text] of Object.entries(generatedTypescript())) {
  writeFileSync(join(process.cwd(), path), text);
  process.stdout.write(`wrote ${path}\n`);
}
