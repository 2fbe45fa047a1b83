/**
 * `npm run bench:emulator [-- --levels 0,1000,10000 --samples 400 --concurrency 8]`: create latency of
 * the emulator (HiLens config map POSTs, one at a time on a kept-alive connection) with 0, 1,000 and
 * 10,000 objects already stored. Each level gets a fresh data directory and its own emulator process
 * (the CLI, as users run it); the stored objects are created through the API first. Prints numbers;
 * it is not a test. Target: median and p95 at 10,000 objects within 1.5× of the empty emulator's.
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
    samples: { type: "string", default: "400" },
    warmup: { type: "string", default: "50" },
    concurrency: { type: "string", default: "8" },
  },
});
const levels = values.levels!.split(",").map(Number);
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
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, agent, headers: { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), ...headers } }, (res) => {
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

async function level(stored: number): Promise<{ stored: number; seedSeconds: number; median: number; p95: number; mean: number }> {
  const dir = mkdtempSync(join(tmpdir(), "edgeai-bench-"));
  const { child, url } = await startCli(dir);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const auth = await call(agent, url, "POST", "/v3/auth/tokens", { auth: { identity: { methods: ["password"], password: { user: { name: "edgeai", password: "edgeai-password", domain: { name: "edgeai" } } } }, scope: { project: { id: PROJECT } } } });
    const token = String(auth.headers["x-subject-token"]);
    const path = `/v3/${PROJECT}/ai-mgr/configmaps`;
    const create = async (name: string) => {
      const res = await call(agent, url, "POST", path, configMap(name), { "X-Auth-Token": token });
      if (res.status !== 200) throw new Error(`POST ${path} ${name}: ${res.status} ${res.text}`);
    };
    const seedStart = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < stored) await create(`seed-${next++}`);
    }));
    const seedSeconds = (performance.now() - seedStart) / 1000;
    for (let i = 0; i < warmup; i++) await create(`warmup-${i}`);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await create(`sample-${i}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { stored, seedSeconds, median: at(0.5), p95: at(0.95), mean: times.reduce((a, b) => a + b, 0) / times.length };
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`emulator create latency: ${samples} sequential config map creates per level (after ${warmup} warm-up), node ${process.version}`);
  const rows = [];
  for (const stored of levels) {
    const r = await level(stored);
    rows.push(r);
    const base = rows[0];
    console.log(
      `stored ${String(r.stored).padStart(6)}: median ${r.median.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, mean ${r.mean.toFixed(2)} ms` +
        (r.stored ? `; ×${(r.median / base.median).toFixed(2)} / ×${(r.p95 / base.p95).toFixed(2)} of ${base.stored}; seeding ${r.stored} took ${r.seedSeconds.toFixed(1)} s (${Math.round(r.stored / r.seedSeconds)}/s at concurrency ${concurrency})` : ""),
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
