import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { hilens } from "pulumi-edgeai";

/**
 * The fleet, as a directory of manifests (`fleet.d/*.yaml`, one per site or device group), merged
 * and validated as a whole. Every problem is reported once, as `file:line:column: field: rule`, at
 * the offending key's own position, before anything is sent to HiLens.
 *
 * The rules are the provider's own: names, tags, settings, versions and firmware are checked by
 * the zod schemas of `hilens.deviceDefinition`, `hilens.configMapDefinition` and
 * `hilens.deploymentDefinition`, so what this file accepts the provider accepts too.
 */

/** A field of a provider definition, through optional/default wrappers and arrays: `dig(schema, "template", "apps", "version")`. */
function dig(schema: z.ZodType, ...path: string[]): z.ZodType {
  let node: any = schema;
  const unwrap = () => {
    for (;;) {
      const def = node._zod.def;
      if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") node = def.innerType;
      else if (def.type === "array") node = def.element;
      else if (def.type === "pipe") node = def.in;
      else return;
    }
  };
  for (const key of path) {
    unwrap();
    node = node._zod.def.shape[key];
    if (!node) throw new Error(`no field ${path.join(".")} in the provider's schema`);
  }
  return node as z.ZodType;
}

const device = hilens.deviceDefinition.inputs;
const deployment = hilens.deploymentDefinition.inputs;
const configMap = hilens.configMapDefinition.inputs;

/** Model names become app names and the start of deployment names: the provider's deployment name rule. */
const modelName = (dig(deployment, "name") as z.ZodString).describe("Model name: also the app's name and the start of its deployments' names (the provider's deployment name rule).");
const version = dig(deployment, "template", "apps", "version") as z.ZodString;
const image = dig(deployment, "template", "apps", "appUrl") as z.ZodString;
const tagKey = dig(device, "tags", "key") as z.ZodString;
const tagValue = dig(device, "tags", "value") as z.ZodString;
/** A setting is a config map entry that the app reads as an environment variable: both rules apply. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const settingKey = (dig(configMap, "configs", "key") as z.ZodString).regex(ENV_NAME, "must also be an environment variable name (letters, digits, '_', not starting with a digit)");
const settingValue = z.union([z.string(), z.number()]).transform(String).pipe(dig(configMap, "configs", "value") as z.ZodString);

const RUNS = /^([^@\s]+)@([^@\s]+)$/;

const model = z.strictObject({
  image: image.describe("Image address of the app, without the version (the version is the tag)."),
  cpu: z.number().min(0.01).max(1000).default(0.5).describe("CPU cores (limit)."),
  memory: z.number().min(4).max(1024000).default(256).describe("Memory in MB (limit)."),
  settings: z.record(settingKey, settingValue).default({}).describe("Settings the app reads at start: a config map, read as environment variables."),
});

const deviceEntry = z.strictObject({
  name: (dig(device, "name") as z.ZodString).describe("Device name, as registered in HiLens (the provider's rule: 1-64 Chinese characters, letters, digits, '_', '-')."),
  tags: z.record(tagKey, tagValue).default({}).describe("Device tags."),
  runs: z.string().regex(RUNS, 'must be "<model>@<version>", e.g. people-counter@1.4.0').optional().describe('The model version it runs: "<model>@<version>".'),
  firmware: (dig(device, "firmwareVersion") as z.ZodString).optional().describe("Firmware version to upgrade to (X.Y.Z)."),
  enabled: z.boolean().default(true).describe("false stops the device."),
  retired: z
    .boolean()
    .default(false)
    .describe(
      "Deregister this device. Devices whose entry is deleted are kept registered (their certificate stays valid) and only leave the stack; to deregister one, set retired: true and run `pulumi up` (it leaves its deployment), then delete the entry: the next `pulumi up` deregisters it.",
    ),
});

/** One manifest file: any part of the fleet. Its JSON Schema (fleet.schema.json) is what editors check. */
export const fleetFileSchema = z
  .strictObject({
    models: z.record(modelName, model).optional().describe("What can run: one entry per model, keyed by its name."),
    devices: z.array(deviceEntry).optional().describe("The devices and what each runs."),
  })
  .describe("A pulumi-edgeai GitOps fleet manifest (examples/gitops-fleet): one file of fleet.d/, merged with the others.");

export type Fleet = { models: Record<string, z.infer<typeof model>>; devices: z.infer<typeof deviceEntry>[] };

/** The name of a release's deployment: readable, unique and stable (see `releaseName`). */
const DEPLOYMENT_NAME_MAX = 32;

/**
 * `<model>-<version>` when that is a valid deployment name as it stands (lowercase, '-' only, at
 * most 32 characters); otherwise the readable part cut to fit, plus 6 hex digits of the hash of
 * `<model>@<version>`. It depends on the release alone, so adding or removing other releases never
 * renames a deployment, and two releases that would read the same (`1.0.0` and `1.0_0`) differ.
 */
export function releaseName(modelName: string, ver: string): string {
  const plain = `${modelName}-${ver}`;
  if (plain.length <= DEPLOYMENT_NAME_MAX && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(plain)) return plain;
  const hash = createHash("sha256").update(`${modelName}@${ver}`).digest("hex").slice(0, 6);
  const readable = `${modelName}-${ver.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`
    .slice(0, DEPLOYMENT_NAME_MAX - hash.length - 1)
    .replace(/-+$/, "");
  return `${readable}-${hash}`;
}

const fleetSchema = z
  .strictObject({
    models: z.record(z.string(), z.any()),
    devices: z.array(z.any()).min(1, "list at least one device"),
  })
  .superRefine((fleet, ctx) => {
    const seen = new Map<string, number>();
    const releases = new Map<string, { release: string; index: number }>();
    fleet.devices.forEach((d: Fleet["devices"][number], i: number) => {
      if (typeof d?.name === "string") {
        if (seen.has(d.name)) ctx.addIssue({ code: "custom", path: ["devices", i, "name"], message: `duplicates device ${d.name} (devices[${seen.get(d.name)}])` });
        else seen.set(d.name, i);
      }
      // Only a well-formed `runs` is checked further: a malformed one has its own message.
      const runs = typeof d?.runs === "string" ? RUNS.exec(d.runs) : null;
      if (!runs || d.retired) return;
      const [, m, v] = runs;
      if (!fleet.models[m]) {
        ctx.addIssue({ code: "custom", path: ["devices", i, "runs"], message: `unknown model ${m} (models: ${Object.keys(fleet.models).join(", ") || "none"})` });
        return;
      }
      const badVersion = version.safeParse(v);
      if (!badVersion.success) {
        ctx.addIssue({ code: "custom", path: ["devices", i, "runs"], message: `version "${v}": ${badVersion.error.issues[0].message}` });
        return;
      }
      const name = releaseName(m, v);
      const other = releases.get(name);
      if (other && other.release !== `${m}@${v}`) ctx.addIssue({ code: "custom", path: ["devices", i, "runs"], message: `${m}@${v} and ${other.release} (devices[${other.index}]) would both deploy as "${name}"` });
      else releases.set(name, { release: `${m}@${v}`, index: i });
    });
  });

export class FleetFileError extends Error {}

interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
}
/** Where a part of the merged fleet comes from: its file and its path in that file. */
interface Origin {
  source: Source;
  path: (string | number)[];
}

function fieldPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || "(file)";
}

function position(source: Source, offset: number): string {
  const { line, col } = source.lines.linePos(offset);
  return `${source.file}:${line}:${col}`;
}

/** The position of a path in a file: its node, or (for a missing key) the closest existing parent. */
function locate(origin: Origin): string {
  let path = origin.path;
  let node = origin.source.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  while (!node?.range && path.length) {
    path = path.slice(0, -1);
    node = (path.length ? origin.source.doc.getIn(path, true) : origin.source.doc.contents) as typeof node;
  }
  return node?.range ? position(origin.source, node.range[0]) : `${origin.source.file}:1:1`;
}

/** The position of a key itself in a map (an unknown key points at its own line, not its parent's). */
function locateKey(origin: Origin, key: string): string {
  const map = origin.path.length ? origin.source.doc.getIn(origin.path, true) : origin.source.doc.contents;
  if (isMap(map)) {
    const pair = map.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) return position(origin.source, range[0]);
  }
  return locate(origin);
}

/** Reads, merges and validates manifests (`fleet.d/` or one file); throws a FleetFileError listing every problem. */
export function parseFleetFiles(files: { file: string; text: string }[]): Fleet {
  const problems: string[] = [];
  const merged: { models: Record<string, unknown>; devices: unknown[]; [key: string]: unknown } = { models: {}, devices: [] };
  const modelOrigins = new Map<string, Origin>();
  const deviceOrigins: Origin[] = [];
  const topOrigins = new Map<string, Origin>();
  const sources: Source[] = [];
  for (const { file, text } of files) {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const source: Source = { file, doc, lines };
    sources.push(source);
    if (doc.errors.length) {
      problems.push(...doc.errors.map((e) => `${position(source, e.pos[0])}: ${e.message.split("\n")[0]}`));
      continue;
    }
    const raw = doc.toJS() ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${file}:1:1: (file): must be a mapping with models: and/or devices:`);
      continue;
    }
    // Each file on its own: its shape, names, tags, settings and versions.
    const own = fleetFileSchema.safeParse(raw);
    if (!own.success) problems.push(...describe(own.error.issues, (path) => ({ source, path })));
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (key === "models" && value && typeof value === "object") {
        for (const [name, spec] of Object.entries(value)) {
          const origin: Origin = { source, path: ["models", name] };
          const first = modelOrigins.get(name);
          if (first) problems.push(`${locateKey({ source, path: ["models"] }, name)}: models.${name}: defined twice (also at ${locateKey({ source: first.source, path: ["models"] }, name)})`);
          else {
            modelOrigins.set(name, origin);
            merged.models[name] = own.success ? own.data.models?.[name] : spec;
          }
        }
      } else if (key === "devices" && Array.isArray(value)) {
        value.forEach((_, j) => {
          deviceOrigins.push({ source, path: ["devices", j] });
          merged.devices.push(own.success ? own.data.devices?.[j] : value[j]);
        });
      } else if (key !== "models" && key !== "devices") topOrigins.set(key, { source, path: [key] });
    }
  }
  if (problems.length) throw new FleetFileError(problems.join("\n"));

  // The whole fleet: unique device names, models that exist, deployment names that do not clash.
  const whole = fleetSchema.safeParse(merged);
  if (!whole.success) {
    const where = (path: (string | number)[]): Origin => {
      if (path[0] === "devices" && typeof path[1] === "number") return { source: deviceOrigins[path[1]].source, path: [...deviceOrigins[path[1]].path, ...path.slice(2)] };
      if (path[0] === "models" && typeof path[1] === "string" && modelOrigins.has(path[1])) return { source: modelOrigins.get(path[1])!.source, path: [...modelOrigins.get(path[1])!.path, ...path.slice(2)] };
      return { source: sources[0], path };
    };
    throw new FleetFileError(describe(whole.error.issues, where, files.length > 1 ? files.map((f) => f.file) : undefined).join("\n"));
  }
  return { models: merged.models as Fleet["models"], devices: merged.devices as Fleet["devices"] };
}

/** One line per problem, each at its own node (each unknown key at the key). */
function describe(issues: z.core.$ZodIssue[], origin: (path: (string | number)[]) => Origin, allFiles?: string[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)) as (string | number)[];
    const o = origin(path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push(`${locateKey(o, key)}: ${fieldPath([...o.path, key])}: unknown key (expected one of: ${expectedKeys(path).join(", ")})`);
      continue;
    }
    // A fleet-wide problem with no single place (no devices at all) names the files merged.
    if (path.length <= 1 && allFiles) out.push(`${allFiles.join(", ")}: ${fieldPath(path)}: ${issue.message}`);
    else out.push(`${locate(o)}: ${fieldPath(o.path)}: ${issue.message}`);
  }
  return out;
}

function expectedKeys(path: (string | number)[]): string[] {
  if (path.length === 0) return ["models", "devices"];
  if (path[0] === "models") return Object.keys(model.shape);
  return Object.keys(deviceEntry.shape);
}

export function parseFleet(text: string, file: string): Fleet {
  return parseFleetFiles([{ file, text }]);
}

/** A manifest directory (every `*.yaml`/`*.yml`, in name order) or a single file. */
export function loadFleet(path: string): Fleet {
  if (!existsSync(path)) throw new FleetFileError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
    if (!names.length) throw new FleetFileError(`${path}: no *.yaml manifests`);
    return parseFleetFiles(names.map((n) => ({ file: join(basename(path), n), text: readFileSync(join(path, n), "utf8") })));
  }
  return parseFleet(readFileSync(path, "utf8"), basename(path));
}

export interface Release {
  model: string;
  version: string;
  /** The deployment's name: see `releaseName`. */
  name: string;
  devices: string[];
}

/** The deployments the fleet implies: one per model version in use, on the (not retired) devices that run it. */
export function deploymentsOf(fleet: Fleet): Release[] {
  const byRelease = new Map<string, Release>();
  for (const d of fleet.devices) {
    if (d.retired || !d.runs) continue;
    const [, m, v] = RUNS.exec(d.runs)!;
    const release = byRelease.get(d.runs) ?? { model: m, version: v, name: releaseName(m, v), devices: [] };
    release.devices.push(d.name);
    byRelease.set(d.runs, release);
  }
  return [...byRelease.values()];
}

/** The manifests' JSON Schema (fleet.schema.json), for editors: `# yaml-language-server: $schema=../fleet.schema.json`. */
export function fleetJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(fleetFileSchema, { io: "input", unrepresentable: "any" }), null, 2) + "\n";
}
