/**
 * The fault soak: a fleet across the three services, deployed with the real `pulumi` CLI against
 * the emulator while it injects faults (throttling, 5xx, resets, lost answers), then checked
 * against what the emulator really holds. Used by the bounded e2e test and by `npm run soak`.
 */
import { createHash } from "node:crypto";
import { createStack, cleanup, startEmulatorForTests, ResourceSpec } from "../e2e/harness";
import { DEFAULTS, Emulator } from "../../emulator";

export interface SoakOptions {
  /** Program resources (rounded to whole groups of 10). */
  resources: number;
  /** Probability that a request gets a fault. */
  rate: number;
  seed: number;
  /** `up` runs allowed to converge (the issue asks for 2). */
  maxUps?: number;
  maxDestroys?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  resources: number;
  /** `up` runs until one succeeded (0: none did within maxUps). */
  upRuns: number;
  /** Program resources missing from the state after the last `up`. */
  missingFromState: number;
  /** Objects that exist more than once on the emulator under one identity. */
  duplicates: number;
  /** Objects on the emulator that no state resource names. */
  orphans: number;
  /** State resources whose object is not on the emulator. */
  lost: number;
  destroyRuns: number;
  /** Objects left on the emulator after destroy. */
  leftovers: number;
  /** Lines of the CLI output that report a retry, and a look-up after a lost answer. */
  reported: { retries: number; lookups: number };
  /** Faults the emulator injected, by kind (`lost`, `reset`, `429`, …). */
  faults: Record<string, number>;
  seconds: number;
}

/** How each soaked type is found on the emulator: its store kind, the row field that names it, and the state output that names it. */
const KINDS: Record<string, { kind: string; rowName: (row: any) => string; service: "huawei" | "tensorbay" }> = {
  "hilens:Workspace": { kind: "workspace", rowName: (r) => r.name, service: "huawei" },
  "hilens:ConfigMap": { kind: "configmap", rowName: (r) => r.name, service: "huawei" },
  "hilens:Secret": { kind: "secret", rowName: (r) => r.name, service: "huawei" },
  "octopus:ImageRepo": { kind: "octopus.imageRepo", rowName: (r) => r.name, service: "huawei" },
  "octopus:ImageRepoVersion": { kind: "octopus.imageRepoVersion", rowName: (r) => r.description, service: "huawei" },
  "octopus:DataTag": { kind: "octopus.dataTag", rowName: (r) => r.name, service: "huawei" },
  "tensorbay:Dataset": { kind: "tensorbay.dataset", rowName: (r) => r.name, service: "tensorbay" },
  "tensorbay:StorageConfig": { kind: "tensorbay.storageConfig", rowName: (r) => r.name, service: "tensorbay" },
};

/** Ten resources per group, every service and both identity kinds (unique names, and versions found as the new one). */
export function soakFleet(resources: number): (ResourceSpec & { identity: string })[] {
  const out: (ResourceSpec & { identity: string })[] = [];
  for (let g = 0; g < Math.max(1, Math.round(resources / 10)); g++) {
    const ws = `ws-${g}`;
    const add = (name: string, type: string, args: Record<string, unknown>, identity: string) => out.push({ name, type, args, identity });
    add(ws, "hilens.Workspace", { name: `soak-ws-${g}` }, `soak-ws-${g}`);
    for (const i of [0, 1]) add(`cm-${g}-${i}`, "hilens.ConfigMap", { name: `soak-cm-${g}-${i}`, configs: [{ key: "MODEL", value: `m${g}` }], tags: [{ key: "soak", value: `g${g}` }], workspaceId: { $ref: `${ws}.id` } }, `soak-cm-${g}-${i}`);
    add(`sec-${g}`, "hilens.Secret", { name: `soak-sec-${g}`, secrets: [{ key: "TOKEN", value: { $secret: `s-${g}` } }], workspaceId: { $ref: `${ws}.id` } }, `soak-sec-${g}`);
    add(`repo-${g}`, "octopus.ImageRepo", { name: `soak-repo-${g}`, scope: "DATA_CONVERSION" }, `soak-repo-${g}`);
    add(`ver-${g}`, "octopus.ImageRepoVersion", { repoId: { $ref: `repo-${g}.id` }, description: `soak version ${g}` }, `soak version ${g}`);
    add(`tag-${g}`, "octopus.DataTag", { name: `soak-tag-${g}` }, `soak-tag-${g}`);
    add(`ds-${g}`, "tensorbay.Dataset", { name: `soak-ds-${g}` }, `soak-ds-${g}`);
    add(`store-${g}`, "tensorbay.StorageConfig", { name: `soak-store-${g}`, type: "local", filePath: `soak/${g}`, endpoint: "http://127.0.0.1:9000" }, `soak-store-${g}`);
    add(`tag2-${g}`, "octopus.DataTag", { name: `soak-tag-${g}-b`, description: "second tag" }, `soak-tag-${g}-b`);
  }
  return out;
}

const TENSORBAY_PRINCIPAL = "tensorbay-" + createHash("sha256").update(DEFAULTS.tensorbayAccessKey).digest("hex").slice(0, 16);

/** Every soaked object on the emulator, as `type identity` → how many. */
function onEmulator(emulator: Emulator): Map<string, number> {
  const seen = new Map<string, number>();
  for (const [type, k] of Object.entries(KINDS)) {
    const principal = k.service === "tensorbay" ? TENSORBAY_PRINCIPAL : DEFAULTS.projectId;
    for (const row of emulator.store.list(principal, k.kind)) {
      const key = `${type} ${k.rowName(row)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  return seen;
}

/** The soaked resources in a `pulumi stack export`, as `type identity`. */
function inState(exported: string, fleet: ReturnType<typeof soakFleet>): Set<string> {
  const identities = new Map(fleet.map((r) => [r.name, r.identity]));
  const resources: { type: string; urn: string }[] = JSON.parse(exported).deployment.resources ?? [];
  const out = new Set<string>();
  for (const r of resources) {
    const type = r.type.replace(/^pulumi-nodejs:dynamic\/edgeai:/, "");
    const name = r.urn.split("::").pop()!;
    if (type in KINDS && identities.has(name)) out.add(`${type} ${identities.get(name)}`);
  }
  return out;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const emulator = await startEmulatorForTests("soak");
  const stack = await createStack(emulator, "soak", { "edgeai:maxRetries": { value: "5" }, "edgeai:tensorbayAccessKey": { value: DEFAULTS.tensorbayAccessKey, secret: true } });
  const fleet = soakFleet(options.resources);
  stack.declare(fleet.map(({ identity: _identity, ...spec }) => spec));
  const faults = `rate=${options.rate},seed=${options.seed},kinds=429,500,503,reset,lost`;
  try {
    emulator.setFaults(faults);
    let upRuns = 0;
    for (let run = 1; run <= (options.maxUps ?? 2); run++) {
      try {
        await stack.up();
        upRuns = run;
        log(`up ${run}: succeeded`);
        break;
      } catch (err) {
        log(`up ${run}: failed: ${String((err as Error).message).split("\n").filter((l) => /error:/.test(l)).slice(0, 5).join(" | ")}`);
      }
    }
    emulator.setFaults(undefined);
    const state = inState(await stack.exportState(), fleet);
    const live = onEmulator(emulator);
    const expected = new Set(fleet.filter((r) => r.type.replace(".", ":") in KINDS).map((r) => `${r.type.replace(".", ":")} ${r.identity}`));
    const missingFromState = [...expected].filter((k) => !state.has(k)).length;
    const duplicates = [...live.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
    const orphans = [...live.keys()].filter((k) => !state.has(k)).length;
    const lost = [...state].filter((k) => !live.has(k)).length;
    log(`state: ${state.size} of ${expected.size}; emulator: ${live.size} identities, ${duplicates} duplicates, ${orphans} orphans, ${lost} lost`);

    emulator.setFaults(faults);
    let destroyRuns = 0;
    for (let run = 1; run <= (options.maxDestroys ?? 2); run++) {
      try {
        await stack.destroy();
        destroyRuns = run;
        log(`destroy ${run}: succeeded`);
        break;
      } catch (err) {
        log(`destroy ${run}: failed: ${String((err as Error).message).split("\n").filter((l) => /error:/.test(l)).slice(0, 5).join(" | ")}`);
      }
    }
    emulator.setFaults(undefined);
    const leftovers = [...onEmulator(emulator).values()].reduce((a, b) => a + b, 0);
    return { resources: fleet.length, upRuns, missingFromState, duplicates, orphans, lost, destroyRuns, leftovers, reported: reportedLines(stack.output), faults: countBy(emulator.faultLog.map((f) => f.kind)), seconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    await emulator.close();
    cleanup(stack.dir);
  }
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function reportedLines(output: string[]): { retries: number; lookups: number } {
  const lines = output.join("").split("\n");
  return { retries: lines.filter((l) => /: .*; retrying in [\d.]+s \(attempt \d+ of \d+\)/.test(l)).length, lookups: lines.filter((l) => /: no answer to (POST|PUT|DELETE) .*; (found it|it was not created)/.test(l)).length };
}
