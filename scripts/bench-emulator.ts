/**
 * `npm run bench:emulator [-- --levels 0,1000,10000 --runs 3 --samples 300]`: create latency of the
 * emulator (HiLens config map POSTs, one at a time on a kept-alive connection) with 0, 1,000 and
 * 10,000 objects already stored. Each level has its own data directory and emulator process (the
 * CLI, as users run it), filled through the API first and warmed up alike (500 creates, deleted
 * again). Runs interleave the levels, each run starting at the next level; a run's samples are
 * deleted after it (not timed), so a level stays at its number of objects. Prints each run and the
 * medians over runs. Numbers, not a test. Target: at 10,000 objects within 1.5×
 * of the empty emulator.
 */
import { spawn, ChildProcess } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const { values } = parseArgs({
  options: {
    levels: { type: "string", default: "0,1000,10000" },
    runs: { type: "string", default: "3" },
    samples: { type: "string", default: "300" },
    warmup: { type: "string", default: "500" },
    concurrency: { type: "string", default: "8" },
  },
});
const levels = values.levels!.split(",").map(Number);
const runs = Number(values.runs);
const samples = Number(values.samples);
const warmup = Number(values.warmup);
const concurrency = Number(values.concurrency);

const PROJECT = "0e1d2c3b4a5968778695a4b3c2d1e0f0"; // the emulator's default project
const CLI = join(__dirname, "..", "dist", "emulator", "cli.js");

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(agent: Agent, base: URL, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const framing: Record<string, string> = body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, agent, headers: { ...framing, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(text);
  });
}

function startCli(dir: string): Promise<{ child: ChildProcess; url: URL }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "--port", "0", "--data", dir, "--control-token", "bench"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: new URL(m[1]) });
    });
    child.on("exit", (code) => reject(new Error(`emulator exited (${code}) before listening: ${out}`)));
  });
}

const configMap = (name: string) => ({ configmap: { name, configs: [{ key: "MODEL_NAME", value: "yolov8n" }, { key: "THRESHOLD", value: "0_5" }], description: "bench", tags: [{ key: "team", value: "vision" }] } });

interface Level {
  stored: number;
  seedSeconds: number;
  measure(run: number): Promise<{ median: number; p95: number }>;
  stop(): Promise<void>;
}

async function level(stored: number): Promise<Level> {
  const dir = mkdtempSync(join(tmpdir(), "edgeai-bench-"));
  const { child, url } = await startCli(dir);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const stop = async () => {
    agent.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const auth = await call(agent, url, "POST", "/v3/auth/tokens", { auth: { identity: { methods: ["password"], password: { user: { name: "edgeai", password: "edgeai-password", domain: { name: "edgeai" } } } }, scope: { project: { id: PROJECT } } } });
    const token = String(auth.headers["x-subject-token"]);
    const path = `/v3/${PROJECT}/ai-mgr/configmaps`;
    const create = async (name: string): Promise<string> => {
      const res = await call(agent, url, "POST", path, configMap(name), { "X-Auth-Token": token });
      if (res.status !== 200) throw new Error(`POST ${path} ${name}: ${res.status} ${res.text}`);
      return JSON.parse(res.text).configmap.id;
    };
    const remove = async (id: string) => {
      const res = await call(agent, url, "DELETE", `${path}/${id}`, undefined, { "X-Auth-Token": token });
      if (res.status >= 300) throw new Error(`DELETE ${path}/${id}: ${res.status} ${res.text}`);
    };
    const seedStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < stored) await create(`seed-${next++}`);
      }),
    );
    const seedSeconds = (performance.now() - seedStart) / 1000;
    // Every process gets the same warm-up (created, then deleted), so the empty one is not the only cold one.
    const warm: string[] = [];
    for (let i = 0; i < warmup; i++) warm.push(await create(`warmup-${i}`));
    for (const id of warm) await remove(id);
    return {
      stored,
      seedSeconds,
      stop,
      async measure(run) {
        const times: number[] = [];
        const ids: string[] = [];
        for (let i = 0; i < samples; i++) {
          const t = performance.now();
          ids.push(await create(`sample-${run}-${i}`));
          times.push(performance.now() - t);
        }
        for (const id of ids) await remove(id);
        times.sort((a, b) => a - b);
        const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
        return { median: at(0.5), p95: at(0.95) };
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function main(): Promise<void> {
  console.log(`emulator create latency (HiLens config map POST): ${runs} interleaved runs × ${samples} sequential creates per level, node ${process.version}`);
  const started: Level[] = [];
  try {
    for (const stored of levels) {
      const l = await level(stored);
      started.push(l);
      if (stored) console.log(`stored ${String(stored).padStart(6)}: filled through the API in ${l.seedSeconds.toFixed(1)} s (${Math.round(stored / l.seedSeconds)} creates/s at concurrency ${concurrency})`);
    }
    const results = new Map<number, { median: number; p95: number }[]>(levels.map((n) => [n, []]));
    for (let run = 1; run <= runs; run++) {
      // Each run starts at another level, so no level always comes first.
      for (const l of started.map((_, i) => started[(i + run - 1) % started.length])) {
        const r = await l.measure(run);
        results.get(l.stored)!.push(r);
        console.log(`run ${run}, stored ${String(l.stored).padStart(6)}: median ${ms(r.median)}, p95 ${ms(r.p95)}`);
      }
    }
    const summary = levels.map((n) => ({ n, median: median(results.get(n)!.map((r) => r.median)), p95: median(results.get(n)!.map((r) => r.p95)) }));
    const base = summary[0];
    console.log(`medians over ${runs} runs:`);
    for (const s of summary) console.log(`stored ${String(s.n).padStart(6)}: median ${ms(s.median)}, p95 ${ms(s.p95)}` + (s === base ? "" : ` (×${(s.median / base.median).toFixed(2)} and ×${(s.p95 / base.p95).toFixed(2)} of ${base.n} stored)`));
  } finally {
    for (const l of started) await l.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
