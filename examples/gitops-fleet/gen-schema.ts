// Writes fleet.schema.json, the manifests' JSON Schema, from the same zod schema that validates them:
//   npx ts-node gen-schema.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleetJsonSchema } from "./fleet";

writeFileSync(join(__dirname, "fleet.schema.json"), fleetJsonSchema());
