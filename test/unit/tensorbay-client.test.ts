import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import { likeMatcher } from "../../emulator/tensorbay/common";
import { TensorbayClient, escapeLike, tensorbayRoot } from "../../provider/client/tensorbay";
import { ApiError, InputError } from "../../provider/client/errors";
import { resolveConfig, ProviderConfig } from "../../provider/config";

const ROOT = "/gatewayv2/tensorbay-open-api";
let emu: Emulator;
let dataDir: string;

function config(accessKey: string | undefined, withEndpoint = true): ProviderConfig {
  const values: Record<string, string | undefined> = { tensorbayAccessKey: accessKey, tensorbayEndpoint: withEndpoint ? emu.url + ROOT : undefined, maxRetries: "0" };
  return resolveConfig((k) => values[k], {});
}
const client = (accessKey = DEFAULTS.tensorbayAccessKey) => new TensorbayClient(config(accessKey));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "edgeai-tensorbay-"));
  emu = await startEmulator({ dataDir, credentials: [], tensorbayAccessKeys: [DEFAULTS.tensorbayAccessKey, "ACCESSKEY-11111111111111111111111111111111"] });
});
afterAll(async () => {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("TensorBay access key", () => {
  it("a key without a documented prefix is refused before any request, and the message does not show it", () => {
    const before = emu.requests.length;
    const err = (() => {
      try {
        client("sk-live-not-a-tensorbay-key");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toMatch(/must start with "Accesskey-" or "ACCESSKEY-"/);
    expect(err!.message).not.toContain("sk-live");
    expect(emu.requests.length).toBe(before);
    expect(() => client("")).toThrow(/no TensorBay access key: set edgeai:tensorbayAccessKey/);
  });

  it("the key's prefix picks the site when no endpoint is configured", () => {
    const noEndpoint = (key: string) => tensorbayRoot(config(key, false), key);
    expect(noEndpoint("Accesskey-" + "1".repeat(32))).toBe("https://gas.graviti.cn/gatewayv2/tensorbay-open-api");
    expect(noEndpoint("ACCESSKEY-" + "1".repeat(32))).toBe("https://gas.graviti.com/gatewayv2/tensorbay-open-api");
  });

  it("an unknown key gets AccessDenied as an ApiError that does not contain the key", async () => {
    const wrongKey = "Accesskey-ffffffffffffffffffffffffffffffff";
    const err = await client(wrongKey).call("GET /v1/datasets").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 403, errorCode: "AccessDenied" });
    expect(err.message).not.toContain(wrongKey);
  });

  it("each key sees only its own datasets", async () => {
    await client().call("POST /v1/datasets", {}, { body: { name: "isolated-one" } });
    const other = await client("ACCESSKEY-11111111111111111111111111111111").listAll<{ name: string }>("GET /v1/datasets", "datasets");
    expect(other.map((d) => d.name)).not.toContain("isolated-one");
  });
});

describe("TensorBay errors and paging", () => {
  it("errors are {code, message}: a duplicate name is a 409 NameConflict", async () => {
    await client().call("POST /v1/datasets", {}, { body: { name: "twice" } });
    const err = await client().call("POST /v1/datasets", {}, { body: { name: "twice" } }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, errorCode: "NameConflict" });
    expect(err.message).toContain("dataset twice already exists");
  });

  it("a missing body field is RequestParamsMissing, a bad value InvalidParamsValue, an unknown id ResourceNotExist", async () => {
    await expect(client().call("POST /v1/datasets", {}, { body: {} })).rejects.toMatchObject({ status: 400, errorCode: "RequestParamsMissing" });
    await expect(client().call("POST /v1/datasets", {}, { body: { name: "bad-type", type: 7 } })).rejects.toMatchObject({ status: 400, errorCode: "InvalidParamsValue" });
    await expect(client().call("GET /v1/datasets/{datasetId}", { datasetId: "0".repeat(32) })).rejects.toMatchObject({ status: 404, errorCode: "ResourceNotExist" });
    await expect(client().call("GET /v1/datasets", {}, { query: { limit: 129 } })).rejects.toMatchObject({ status: 400, errorCode: "InvalidParamsValue" });
  });

  it("a branch on a dataset with no commit is Forbidden", async () => {
    const { id } = await client().call("POST /v1/datasets", {}, { body: { name: "empty-one" } });
    await expect(client().call("POST /v1/datasets/{datasetId}/branches", { datasetId: id }, { body: { name: "dev", commit: "main" } })).rejects.toMatchObject({ status: 403, errorCode: "Forbidden" });
  });

  it("listAll walks 128-item pages until totalCount", async () => {
    const c = client("ACCESSKEY-11111111111111111111111111111111");
    for (let i = 0; i < 130; i++) await c.call("POST /v1/datasets", {}, { body: { name: `paged-${i}` } });
    const start = emu.requests.length;
    const all = await c.listAll<{ name: string }>("GET /v1/datasets", "datasets");
    expect(all).toHaveLength(130);
    expect(emu.requests.slice(start).map((r) => r.query)).toEqual(["?offset=0&limit=128", "?offset=128&limit=128"]);
  });
});

describe("name filters are MySQL LIKE patterns", () => {
  it("reproduces the Open API's fuzzy-query examples", () => {
    const names = ["graviti_1", "great_graviti_1", "graviti%1"];
    const query = (filter: string) => names.filter(likeMatcher(filter));
    expect(query("graviti")).toEqual(names);
    expect(query("graviti\\_")).toEqual([]);
    expect(query("graviti%")).toEqual(["graviti_1", "graviti%1"]);
    expect(query("graviti\\%%")).toEqual(["graviti%1"]);
    expect(query("graviti\\%")).toEqual([]);
    expect(query("graviti\\%1")).toEqual(["graviti%1"]);
    expect(query("%graviti")).toEqual([]);
  });

  it("escapeLike turns a name into a pattern that matches it literally", () => {
    expect(escapeLike("a_b%c\\d")).toBe("a\\_b\\%c\\\\d");
    expect(["a_b%c\\d", "aXbYc\\d", "a_b%c\\dx"].filter(likeMatcher(escapeLike("a_b%c\\d")))).toEqual(["a_b%c\\d"]);
  });

  it("an unescaped '_' collides with other names; findByName still returns the exact one", async () => {
    const c = client();
    for (const name of ["cars-2024", "cars_2024", "cars_2024_v2"]) await c.call("POST /v1/datasets", {}, { body: { name } });
    const raw = await c.call("GET /v1/datasets", {}, { query: { name: "cars_2024" } });
    expect(raw.datasets.map((d: { name: string }) => d.name)).toEqual(["cars-2024", "cars_2024"]);
    expect((await c.findByName("GET /v1/datasets", "datasets", "cars_2024"))?.name).toBe("cars_2024");
    // Without wildcards the filter is a substring match: exact comparison is still needed.
    expect((await c.findByName("GET /v1/datasets", "datasets", "cars-2024"))?.name).toBe("cars-2024");
    expect(await c.findByName("GET /v1/datasets", "datasets", "cars")).toBeUndefined();
  });
});
