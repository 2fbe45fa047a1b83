/**
 * `npm run bench -- --resources 100,500,1000 [--latency 20] [--repeat 3]`: the fleet-scale
 * benchmark (a script that prints numbers, not a test). For each N it runs, interleaved, Pulumi's
 * floor (the same graph on a do-nothing dynamic provider), pulumi-edgeai against the emulator
 * (dynamic resources, and `native`: the same program on pulumi-edgeai/native and its plugin), and
 * a plain undici client making the same creates (and the floor once more, making one request per
 * create, for the requests in flight), and prints medians: `up`, no-op `preview` and
 * `destroy` times as ratios to the floor, state bytes per resource, peak RSS per process, and the
 * requests kept in flight while any is (measured by a counting proxy in front of the emulator,
 * under the emulator's added latency).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startEmulator, DEFAULTS, Emulator } from "../emulator";
import { authorization, sdkDate } from "../provider/client/signer";

const ROOT = resolve(__dirname, "..");
const { values } = parseArgs({ options: { resources: { type: "string", default: "100,500" }, latency: { type: "string", default: "0" }, repeat: { type: "string", default: "3" } } });
const sizes = values.resources!.split(",").map(Number);
const latencyMs = Number(values.latency);
const repeat = Number(values.repeat);

type Kind = "floor" | "edgeai" | "native";
const KINDS: Kind[] = ["floor", "edgeai", "native"];
const LABELS: Record<Kind, string> = { floor: "floor", edgeai: "pulumi-edgeai (dynamic)", native: "pulumi-edgeai/native" };
interface Run {
  up: number;
  preview: number;
  destroy: number;
  stateBytesPerResource: number;
  rssMb: Record<string, number>;
  inFlight?: number;
}

/** Peak resident memory per process kind while `work` runs, read from /proc every 100 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<[T, Record<string, number>]> {
  const peaks: Record<string, number> = {};
  const sample = () => {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
        const kind = cmd.includes("dynamic-provider") || cmd.includes("native/plugin.js") ? "provider" : /(^|\/)pulumi-language-nodejs/.test(cmd) ? "language host" : /(^|\/)pulumi (up|preview|destroy)/.test(cmd) ? "engine" : cmd.includes("bench/program") || cmd.includes("run-plugin") ? "program" : undefined;
        if (!kind) continue;
        const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
        peaks[kind] = Math.max(peaks[kind] ?? 0, Math.round(rss));
      } catch {
        // The process ended between listing and reading.
      }
    }
  };
  const timer = setInterval(sample, 100);
  try {
    return [await work(), peaks];
  } finally {
    clearInterval(timer);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * A loopback proxy in front of the emulator that measures concurrency: the average number of
 * requests in flight over the time at least one was (so time the engine spends elsewhere does not
 * count against the client).
 */
async function concurrencyProxy(target: string): Promise<{ url: string; inFlight(): number; close(): Promise<void> }> {
  let active = 0;
  let last = process.hrtime.bigint();
  let weighted = 0;
  let busy = 0;
  const tick = (delta: number) => {
    const now = process.hrtime.bigint();
    const dt = Number(now - last) / 1e9;
    if (active > 0) {
      weighted += active * dt;
      busy += dt;
    }
    last = now;
    active += delta;
  };
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    tick(+1);
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on("end", () => tick(-1));
    });
    forward.on("error", () => {
      tick(-1);
      res.destroy();
    });
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    inFlight: () => (busy ? weighted / busy : 0),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function emulatorWithLatency(): Promise<{ emulator: Emulator; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "edgeai-bench-emu-"));
  const emulator = await startEmulator({ dataDir: dir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
  if (latencyMs > 0) emulator.setFaults({ rate: 0, latencyMs });
  return { emulator, dir };
}

/**
 * One stack's up, preview and destroy. `floorRequests` makes the floor send one request per create
 * to the emulator (through the counting proxy): the requests any dynamic provider can keep in
 * flight under this engine, to compare pulumi-edgeai's with.
 */
async function pulumiRun(kind: Kind, n: number, floorRequests = false): Promise<Run> {
  const { emulator, dir: emuDir } = await emulatorWithLatency();
  const proxy = await concurrencyProxy(emulator.url);
  const dir = mkdtempSync(join(ROOT, ".pulumi-test", `bench-${kind}-`));
  const backend = mkdtempSync(join(tmpdir(), "edgeai-bench-state-"));
  cpSync(join(ROOT, "bench/program"), dir, { recursive: true });
  const envVars = {
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_HOME: join(dir, ".pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    BENCH_KIND: kind,
    // The native plugin, where npm links the package's bin (scripts/link-self.js in this repository).
    PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}`,
    BENCH_RESOURCES: String(n),
    HW_HILENS_ENDPOINT: proxy.url,
    HW_PROJECT_ID: DEFAULTS.projectId,
    HW_ACCESS_KEY: DEFAULTS.accessKey,
    HW_SECRET_KEY: DEFAULTS.secretKey,
    ...(floorRequests ? { BENCH_SINK_URL: proxy.url } : {}),
  };
  try {
    const stack = await LocalWorkspace.createStack({ stackName: "bench", workDir: dir }, { envVars });
    const [up, rss] = await withPeakRss(() => timed(() => stack.up()));
    const inFlight = proxy.inFlight();
    const exported = execFileSync("pulumi", ["stack", "export", "--stack", "bench", "--cwd", dir], { env: { ...process.env, ...envVars }, maxBuffer: 1 << 30 });
    const resources = JSON.parse(exported.toString()).deployment.resources.filter((r: { type: string }) => /^(pulumi-nodejs:dynamic\/)?edgeai:/.test(r.type));
    const stateBytesPerResource = Math.round(resources.reduce((sum: number, r: unknown) => sum + JSON.stringify(r).length, 0) / resources.length);
    const preview = await timed(() => stack.preview());
    const destroy = await timed(() => stack.destroy());
    return { up, preview, destroy, stateBytesPerResource, rssMb: rss, ...(kind !== "floor" || floorRequests ? { inFlight } : {}) };
  } finally {
    await proxy.close();
    await emulator.close();
    for (const d of [dir, backend, emuDir]) rmSync(d, { recursive: true, force: true });
  }
}

/** The same creates as the program, made directly with undici at the engine's default parallelism. */
async function plainClientInFlight(n: number): Promise<number> {
  const { emulator, dir } = await emulatorWithLatency();
  const proxy = await concurrencyProxy(emulator.url);
  const url = new URL(proxy.url);
  const pool = new Pool(proxy.url, { connections: 8 });
  const post = async (path: string, body: unknown) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { host: url.host, "Content-Type": "application/json", "X-Sdk-Date": sdkDate() };
    headers.Authorization = authorization({ method: "POST", path, headers: { ...headers }, body: text }, DEFAULTS.accessKey, DEFAULTS.secretKey);
    const res = await pool.request({ method: "POST", path, headers, body: text });
    return res.body.json() as Promise<any>;
  };
  try {
    const ws = await post(`/v3/${DEFAULTS.projectId}/ai-mgr/workspaces`, { name: "bench", enterprise_project_id: "0", enterprise_project_name: "default" });
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const i = next++;
          await post(`/v3/${DEFAULTS.projectId}/ai-mgr/configmaps`, { configmap: { name: `bench-cm-${i}`, configs: [{ key: "MODEL", value: `m${i}` }] }, workspace_id: ws.workspace_id });
        }
      }),
    );
    return proxy.inFlight();
  } finally {
    await pool.close();
    await proxy.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number, digits = 2) => x.toFixed(digits);

async function main() {
  console.log(`pulumi-edgeai benchmark: N config maps + 1 workspace, ${repeat} interleaved runs each, emulator latency ${latencyMs} ms`);
  for (const n of sizes) {
    const runs: Record<Kind, Run[]> = { floor: [], edgeai: [], native: [] };
    const plain: number[] = [];
    const floorInFlight: number[] = [];
    for (let r = 0; r < repeat; r++) {
      for (const kind of KINDS) runs[kind].push(await pulumiRun(kind, n));
      plain.push(await plainClientInFlight(n));
      floorInFlight.push((await pulumiRun("floor", n, true)).inFlight!);
      process.stderr.write(`  N=${n}: run ${r + 1} of ${repeat} done\n`);
    }
    const m = (kind: Kind, key: "up" | "preview" | "destroy" | "stateBytesPerResource") => median(runs[kind].map((x) => x[key]));
    const rss = (kind: Kind) => {
      const names = [...new Set(runs[kind].flatMap((x) => Object.keys(x.rssMb)))].sort();
      return names.map((name) => `${name} ${median(runs[kind].map((x) => x.rssMb[name] ?? 0))} MB`).join(", ");
    };
    console.log(`\nN = ${n}`);
    // Each kind beside the floor, as a time and its ratio to the floor's.
    const cell = (kind: Kind, key: "up" | "preview" | "destroy" | "stateBytesPerResource", unit = "") =>
      kind === "floor" ? `${fmt(m(kind, key), unit ? 2 : 0)}${unit}` : `${fmt(m(kind, key), unit ? 2 : 0)}${unit} (${fmt(m(kind, key) / m("floor", key))}×)`;
    console.log(`| | ${KINDS.map((k) => LABELS[k]).join(" | ")} |`);
    console.log(`| --- |${KINDS.map(() => " --- |").join("")}`);
    for (const key of ["up", "preview", "destroy"] as const) console.log(`| ${key === "preview" ? "no-op preview" : key} | ${KINDS.map((k) => cell(k, key, " s")).join(" | ")} |`);
    console.log(`| state bytes per resource | ${KINDS.map((k) => cell(k, "stateBytesPerResource")).join(" | ")} |`);
    console.log(`peak RSS (median): ${KINDS.map((k) => `${LABELS[k]}: ${rss(k)}`).join("; ")}`);
    console.log(`requests in flight while any is, under ${latencyMs} ms latency: pulumi-edgeai/native ${fmt(median(runs.native.map((x) => x.inFlight!)), 1)}`);
    const provider = median(runs.edgeai.map((x) => x.inFlight!));
    const floor = median(floorInFlight);
    console.log(`requests in flight while any is, under ${latencyMs} ms latency: pulumi-edgeai ${fmt(provider, 1)}; the floor making one request per create ${fmt(floor, 1)} (pulumi-edgeai ${fmt((100 * provider) / floor, 0)}% of it); a plain undici client (8 connections) ${fmt(median(plain), 1)} (pulumi-edgeai ${fmt((100 * provider) / median(plain), 0)}% of it)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
