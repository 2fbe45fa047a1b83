import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";

/**
 * fleet.yaml, loaded and validated. Every problem is reported as `file:line:column: field: rule`,
 * so a typo points at the line to fix before anything is sent to HiLens.
 */
const name = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, "1-32 lowercase letters, digits and '-', starting and ending with a letter or digit");
const tagPart = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, "1-36 letters, digits, '-' or '_'");
const version = z.string().regex(/^[A-Za-z0-9_.-]{1,20}$/, "letters, digits, '.', '-', '_'");
const settingValue = z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^[A-Za-z0-9_-]{1,10000}$/, "letters, digits, '-' and '_' (config map values)"));

const model = z.strictObject({
  image: z.string().min(1, "is required"),
  cpu: z.number().min(0.01).max(1000).default(0.5),
  memory: z.number().min(4).max(1024000).default(256),
  settings: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), settingValue).default({}),
});

const device = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, '_' or '-'"),
  tags: z.record(tagPart, tagPart).default({}),
  runs: z.string().regex(/^[a-z0-9-]+@[A-Za-z0-9_.-]+$/, 'must be "<model>@<version>", e.g. people-counter@1.4.0'),
  firmware: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/, "X.Y.Z").optional(),
  enabled: z.boolean().default(true),
});

const fleetSchema = z
  .strictObject({
    models: z.record(name, model),
    devices: z.array(device).min(1, "list at least one device"),
  })
  .superRefine((fleet, ctx) => {
    const seen = new Set<string>();
    fleet.devices.forEach((d, i) => {
      if (seen.has(d.name)) ctx.addIssue({ code: "custom", path: ["devices", i, "name"], message: `duplicates device ${d.name}` });
      seen.add(d.name);
      const [modelName, modelVersion] = d.runs.split("@");
      if (!fleet.models[modelName]) ctx.addIssue({ code: "custom", path: ["devices", i, "runs"], message: `unknown model ${modelName} (models: ${Object.keys(fleet.models).join(", ")})` });
      else if (!version.safeParse(modelVersion).success) ctx.addIssue({ code: "custom", path: ["devices", i, "runs"], message: `bad version ${modelVersion}` });
    });
  });

export type Fleet = z.infer<typeof fleetSchema>;

export class FleetFileError extends Error {}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "(file)";
}

export function parseFleet(text: string, file: string): Fleet {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length) throw new FleetFileError(doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split("\n")[0]}`).join("\n"));
  const result = fleetSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // The deepest node of the path that exists in the file (a missing key points at its parent).
    let path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    let node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    while (!node?.range && path.length) {
      path = path.slice(0, -1);
      node = (path.length ? doc.getIn(path, true) : doc.contents) as typeof node;
    }
    const where = node?.range ? at(node.range[0]) : `${file}:1:1`;
    return `${where}: ${fieldPath(issue.path)}: ${issue.message}`;
  });
  throw new FleetFileError(problems.join("\n"));
}

export function loadFleet(file: string): Fleet {
  return parseFleet(readFileSync(file, "utf8"), file);
}

/** The deployments the fleet implies: one per model version in use, on the devices that run it. */
export function deploymentsOf(fleet: Fleet): { model: string; version: string; devices: string[] }[] {
  const byRelease = new Map<string, { model: string; version: string; devices: string[] }>();
  for (const d of fleet.devices) {
    const [model, version] = d.runs.split("@");
    const release = byRelease.get(d.runs) ?? { model, version, devices: [] };
    release.devices.push(d.name);
    byRelease.set(d.runs, release);
  }
  return [...byRelease.values()];
}
