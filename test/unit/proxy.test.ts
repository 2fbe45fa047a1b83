/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as on a CI runner behind a corporate proxy: a local proxy
 * server on loopback records what it forwards.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, Server } from "node:http";
import { connect, AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { resolveConfig } from "../../provider/config";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";

let emu: Emulator;
let dataDir: string;
let proxy: Server;
let proxyUrl: string;
/** What the proxy was asked for: `CONNECT host:port` (tunnels) or `GET http://…` (forwarded requests). */
let seen: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-proxy-"));
  emu = await startEmulator({ dataDir, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
  proxy = createServer((req, res) => {
    // A plain HTTP request in absolute form: forward it.
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on("connect", (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(":");
    if (host !== "127.0.0.1") {
      // The corporate proxy refuses the rest of the world: nothing leaves this machine.
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emu?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

const VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
const saved = Object.fromEntries(VARS.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of VARS) if (saved[name] === undefined) delete process.env[name];
  else process.env[name] = saved[name];
  seen = [];
});
function setProxy(vars: Record<string, string>) {
  for (const name of VARS) delete process.env[name];
  Object.assign(process.env, vars);
}

function client(settings: Record<string, string>): HuaweiServiceClient {
  const cfg = resolveConfig((k) => ({ projectId: DEFAULTS.projectId, accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, maxRetries: "0", ...settings })[k as string], {});
  return new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
}

describe("proxies from the environment", () => {
  it("HTTP_PROXY carries the requests to an http:// endpoint, and they succeed", async () => {
    setProxy({ HTTP_PROXY: proxyUrl });
    const body = await client({ hilensEndpoint: emu.url }).call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(body.configmaps).toEqual([]);
    const emuHost = new URL(emu.url).host;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((line) => line === `CONNECT ${emuHost}` || line.startsWith(`GET http://${emuHost}/`))).toBe(true);
  });

  it("NO_PROXY sends matching hosts directly", async () => {
    setProxy({ HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" });
    const body = await client({ hilensEndpoint: emu.url }).call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(body.configmaps).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("HTTPS_PROXY tunnels https:// endpoints (the region default) through the proxy; a refusal names the endpoint", async () => {
    setProxy({ HTTPS_PROXY: proxyUrl });
    const err = await client({ region: "cn-north-4" })
      .call("GET /v3/{project_id}/ai-mgr/configmaps")
      .catch((e) => e);
    expect(seen).toEqual(["CONNECT hilens.cn-north-4.myhuaweicloud.com:443"]);
    expect(err.message).toContain("cannot reach the hilens endpoint https://hilens.cn-north-4.myhuaweicloud.com (the default for region \"cn-north-4\" set by edgeai:region");
  });

  it("a change of settings applies to the next request, even when a value only moves to another variable", async () => {
    setProxy({ HTTP_PROXY: proxyUrl });
    await client({ hilensEndpoint: emu.url }).call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(seen.length).toBeGreaterThan(0);
    seen = [];
    setProxy({ NO_PROXY: proxyUrl });
    await client({ hilensEndpoint: emu.url }).call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(seen).toEqual([]);
  });

  it("without proxy settings nothing goes through the proxy", async () => {
    setProxy({});
    await client({ hilensEndpoint: emu.url }).call("GET /v3/{project_id}/ai-mgr/configmaps");
    expect(seen).toEqual([]);
  });
});
