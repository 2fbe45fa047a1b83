/**
 * Crash safety of the emulator's state: the CLI is killed with SIGKILL in the middle of a stream
 * of creates, three times, and restarted on the same data directory each time. Every create that
 * was answered 2xx before a kill is still there afterwards, nothing is there twice, and Octopus
 * numeric ids are never handed out again. Bounded: three rounds of at most a few hundred creates.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULTS, startEmulator } from "../../emulator";
import { send } from "./raw-http";

const P = DEFAULTS.projectId;
const CONFIGMAPS = `/v3/${P}/ai-mgr/configmaps`;
const TAGS = `/v1.0/${P}/data/tags`;
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The emulator as users run it: the CLI in its own process. */
async function startCli(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/cli.ts", "--port", "0", "--data", dataDir, "--control-token", "crash-test"], { cwd: resolve(__dirname, "../.."), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  const url = await new Promise<string>((ok, fail) => {
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /listening on (http\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    child.on("exit", (code, signal) => fail(new Error(`the CLI exited (${code ?? signal}) before listening: ${out}`)));
  });
  return { child, url };
}

async function token(url: string): Promise<string> {
  const res = await send(url, "POST", "/v3/auth/tokens", {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user: { name: DEFAULTS.userName, password: DEFAULTS.password, domain: { name: DEFAULTS.domainName } } } }, scope: { project: { id: P } } } }),
  });
  expect(res.status).toBe(201);
  return String(res.headers!["x-subject-token"]);
}

const headers = (t: string) => ({ "Content-Type": "application/json", "X-Auth-Token": t });

interface Acked {
  /** Config map id → name, for every create answered 200. */
  configMaps: Map<string, string>;
  /** Octopus tag id → name, for every create answered 201. */
  tags: Map<number, string>;
}

/**
 * Eight writers create config maps and Octopus tags as fast as the emulator answers; once
 * `killAfter` creates of this round were acknowledged, the process is killed (SIGKILL) at once,
 * with the other writers' requests in flight.
 */
async function writeUntilKilled(child: ChildProcess, url: string, t: string, round: number, killAfter: number, acked: Acked): Promise<number> {
  let n = 0;
  let ackedThisRound = 0;
  let killed = false;
  const exited = new Promise((ok) => child.once("exit", ok));
  const writer = async () => {
    while (!killed) {
      const i = n++;
      const name = `crash-r${round}-n${i}`;
      if (i % 2 === 0) {
        const res = await send(url, "POST", CONFIGMAPS, { headers: headers(t), body: JSON.stringify({ configmap: { name, configs: [{ key: "ROUND", value: String(round) }], tags: [] } }) });
        if (res.status === 200) {
          acked.configMaps.set(res.json.configmap.id, name);
          ackedThisRound++;
        } else if (res.status !== undefined) throw new Error(`POST ${CONFIGMAPS}: ${res.status} ${res.text}`);
      } else {
        const res = await send(url, "POST", TAGS, { headers: headers(t), body: JSON.stringify({ name, is_tag: true }) });
        if (res.status === 201) {
          const id = res.json.payload.item;
          // An Octopus id is never handed out twice, across crashes too.
          expect(acked.tags.has(id), `tag id ${id} answered twice`).toBe(false);
          acked.tags.set(id, name);
          ackedThisRound++;
        } else if (res.status !== undefined) throw new Error(`POST ${TAGS}: ${res.status} ${res.text}`);
      }
      if (ackedThisRound >= killAfter && !killed) {
        killed = true;
        child.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  await exited;
  expect(child.signalCode).toBe("SIGKILL");
  return n;
}

/** Every config map and tag the emulator at `url` holds, by id. */
async function holdings(url: string, t: string): Promise<{ configMaps: Map<string, string>; configMapNames: string[]; tags: Map<number, string>; tagNames: string[] }> {
  const cms = await send(url, "GET", `${CONFIGMAPS}?limit=1000`, { headers: headers(t) });
  expect(cms.status).toBe(200);
  expect(cms.json.count).toBeLessThanOrEqual(1000);
  const tagRows: { id: number; name: string; is_build_in: boolean }[] = [];
  for (let offset = 0; ; offset += 300) {
    const page = await send(url, "GET", `${TAGS}?limit=300&offset=${offset}`, { headers: headers(t) });
    expect(page.status).toBe(200);
    tagRows.push(...page.json.payload.list);
    if (offset + 300 >= page.json.payload.page_info.total) break;
  }
  const own = tagRows.filter((r) => !r.is_build_in);
  return {
    configMaps: new Map(cms.json.configmaps.map((c: any) => [c.id, c.name])),
    configMapNames: cms.json.configmaps.map((c: any) => c.name),
    tags: new Map(own.map((r) => [r.id, r.name])),
    tagNames: own.map((r) => r.name),
  };
}

function expectAllAcknowledgedPresent(held: Awaited<ReturnType<typeof holdings>>, acked: Acked): void {
  const missingConfigMaps = [...acked.configMaps].filter(([id, name]) => held.configMaps.get(id) !== name);
  const missingTags = [...acked.tags].filter(([id, name]) => held.tags.get(id) !== name);
  expect(missingConfigMaps).toEqual([]);
  expect(missingTags).toEqual([]);
  // Nothing twice (a create is applied once or not at all).
  expect(new Set(held.configMapNames).size).toBe(held.configMapNames.length);
  expect(new Set(held.tagNames).size).toBe(held.tagNames.length);
}

describe("kill -9 of the emulator during a stream of writes", () => {
  it("loses no acknowledged write: after each restart on the same data directory every create answered 2xx is there, once, and Octopus ids are not reused", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "edgeai-crash-"));
    dirs.push(dataDir);
    const acked: Acked = { configMaps: new Map(), tags: new Map() };
    let sent = 0;
    let firstToken: string | undefined;
    for (const [round, killAfter] of [[1, 60], [2, 45], [3, 90]] as const) {
      const { child, url } = await startCli(dataDir);
      const t = await token(url);
      firstToken ??= t;
      if (round > 1) {
        // What the previous rounds acknowledged survived the kill; so did the IAM token issued before it.
        expectAllAcknowledgedPresent(await holdings(url, firstToken), acked);
      }
      sent += await writeUntilKilled(child, url, t, round, killAfter, acked);
    }
    expect(acked.configMaps.size + acked.tags.size).toBeGreaterThanOrEqual(60 + 45 + 90);

    // The last restart, in-process this time.
    const emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: P }] });
    try {
      const held = await holdings(emu.url, firstToken!);
      expectAllAcknowledgedPresent(held, acked);
      // Creates in flight at a kill may have landed or not; nothing else appeared.
      expect(held.configMaps.size + held.tags.size).toBeLessThanOrEqual(sent);
      // And it keeps working: the next tag gets an id above every id answered before.
      const next = await send(emu.url, "POST", TAGS, { headers: headers(firstToken!), body: JSON.stringify({ name: "after-the-crashes", is_tag: true }) });
      expect(next.status).toBe(201);
      expect(next.json.payload.item).toBeGreaterThan(Math.max(...acked.tags.keys()));
    } finally {
      await emu.close();
    }
  });
});
