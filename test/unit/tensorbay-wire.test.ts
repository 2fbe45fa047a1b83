/**
 * The TensorBay client against a scripted loopback server: the key it sends, what error bodies
 * become, where a refusal says the key came from, and paging by `totalCount`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TensorbayClient, TENSORBAY_PAGE_SIZE } from "../../provider/client/tensorbay";
import { EndpointError, InputError } from "../../provider/client/errors";
import { resolveConfig } from "../../provider/config";
import { startScriptedServer, ScriptedServer } from "./scripted-server";
import { invokeLookup } from "../../provider/framework/lookup";
import { contextFor } from "../../provider/framework/context";
import { lookupFunctions } from "../../provider/tensorbay/functions";
import { datasetNoteDefinition } from "../../provider/tensorbay/datasetNote";
import { commitDefinition } from "../../provider/tensorbay/commit";
import { labelCatalogDefinition } from "../../provider/tensorbay/labelCatalog";
import { sensorDefinition } from "../../provider/tensorbay/sensor";
import { segmentDefinition } from "../../provider/tensorbay/segment";

const KEY = "Accesskey-" + "a".repeat(32);
let srv: ScriptedServer;
beforeAll(async () => {
  srv = await startScriptedServer();
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.seen.length = 0;
});

const client = (env: Record<string, string> = {}) => new TensorbayClient(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: KEY, TENSORBAY_ENDPOINT: srv.url + "/open-api", HW_MAX_RETRIES: "0", ...env }));
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("the request succeeded"), (e: Error) => e);

describe("the TensorBay access key", () => {
  it("is required, and must have a documented prefix; neither failure shows the value", () => {
    expect(() => new TensorbayClient(resolveConfig(() => undefined, {}))).toThrow(new InputError("edgeai: no TensorBay access key: set edgeai:tensorbayAccessKey (as a secret) or TENSORBAY_ACCESS_KEY"));
    expect(() => client({ TENSORBAY_ACCESS_KEY: "accesskey-lowercase-prefix" })).toThrow(
      new InputError('edgeai:tensorbayAccessKey (TENSORBAY_ACCESS_KEY) is not a TensorBay access key: it must start with "Accesskey-" or "ACCESSKEY-" (the value is not shown)'),
    );
  });

  it("picks the site by its prefix when no endpoint is set", () => {
    const site = (key: string) => new TensorbayClient(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: key })).endpoint.baseUrl;
    expect(site("Accesskey-" + "b".repeat(32))).toBe("https://gas.graviti.cn/gatewayv2/tensorbay-open-api");
    expect(site("ACCESSKEY-" + "b".repeat(32))).toBe("https://gas.graviti.com/gatewayv2/tensorbay-open-api");
  });

  it("and the endpoint, set in code without their sources, are named by their config keys", () => {
    const { sources: _, ...inCode } = resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: KEY, TENSORBAY_ENDPOINT: srv.url });
    const c = new TensorbayClient(inCode);
    expect(c.endpoint.family.credential).toBe("the TensorBay access key, X-Token (from edgeai:tensorbayAccessKey)");
    expect(c.endpoint.options.source).toBe("set by edgeai:tensorbayEndpoint");
  });
});

describe("TensorBay requests", () => {
  it("carry the access key as X-Token under the configured root", async () => {
    await client().call("GET /v1/datasets/{datasetId}", { datasetId: "d1" });
    expect(srv.seen[0].url).toBe("/open-api/v1/datasets/d1");
    expect(srv.seen[0].headers["x-token"]).toBe(KEY);
  });

  it("a refused key is final (no token to renew) and the error names the setting it came from, not the key", async () => {
    srv.answer({ status: 401, headers: { "X-Request-Id": "tb-1" }, body: { code: "Unauthorized", message: "bad key" } });
    const err = await failure(client().call("GET /v1/datasets"));
    expect(err.message).toBe("tensorbay GET /v1/datasets failed: HTTP 401 Unauthorized: bad key (request id tb-1). The request was sent with the TensorBay access key, X-Token (from TENSORBAY_ACCESS_KEY)");
    expect(srv.seen).toHaveLength(1);
    srv.answer({ status: 403, body: { code: "AccessDenied", message: "no" } });
    const fromStack = new TensorbayClient(resolveConfig((k) => ({ tensorbayAccessKey: KEY, tensorbayEndpoint: srv.url, maxRetries: "0" })[k as string], {}));
    expect((await failure(fromStack.call("GET /v1/datasets"))).message).toContain("(from edgeai:tensorbayAccessKey)");
  });

  it("an unreachable endpoint names the setting that chose it, or says the key's prefix did", async () => {
    const set = await failure(client({ TENSORBAY_ENDPOINT: "http://127.0.0.1:1" }).call("GET /v1/datasets"));
    expect(set).toBeInstanceOf(EndpointError);
    expect(set.message).toMatch(/^tensorbay GET \/v1\/datasets: cannot reach the tensorbay endpoint http:\/\/127\.0\.0\.1:1 \(set by TENSORBAY_ENDPOINT\): /);
    const byPrefix = new TensorbayClient(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: KEY }));
    expect(byPrefix.endpoint.options.source).toBe("the site of the access key's prefix; override it with edgeai:tensorbayEndpoint (TENSORBAY_ENDPOINT)");
  });
});

describe("TensorBay error bodies", () => {
  it.each([
    ["code and message", { code: "NameConflict", message: "taken" }, "NameConflict: taken"],
    ["a message without a code", { message: "only text" }, "HTTP.400: only text"],
    ["a code without a message", { code: "Forbidden" }, "Forbidden: "],
    ["neither", { success: false }, "HTTP.400: no error body"],
    ["plain text", "gateway says no", "HTTP.400: gateway says no"],
    ["long plain text, cut to 300 characters", "y".repeat(301), `HTTP.400: ${"y".repeat(300)}`],
    ["a JSON null", "null", "HTTP.400: no error body"],
    ["no body", undefined, "HTTP.400: no error body"],
  ])("%s", async (_title, body, expected) => {
    srv.answer({ status: 400, body });
    expect((await failure(client().call("POST /v1/datasets"))).message).toBe(`tensorbay POST /v1/datasets failed: HTTP 400 ${expected}`);
  });
});

describe("TensorBay lists", () => {
  const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ name: `d${from + i}` }));

  it("stop at totalCount even after a full page", async () => {
    srv.answer({ body: { datasets: page(0, TENSORBAY_PAGE_SIZE), totalCount: TENSORBAY_PAGE_SIZE } });
    expect(await client().listAll("GET /v1/datasets", "datasets", { query: { name: "d" } })).toHaveLength(TENSORBAY_PAGE_SIZE);
    expect(srv.seen.map((r) => r.url)).toEqual(["/open-api/v1/datasets?name=d&offset=0&limit=128"]);
  });

  it("without totalCount walk until a short page; an empty answer is an empty list", async () => {
    srv.answer({ body: { datasets: page(0, TENSORBAY_PAGE_SIZE) } }, { body: { datasets: page(TENSORBAY_PAGE_SIZE, 1) } });
    expect(await client().listAll("GET /v1/datasets", "datasets")).toHaveLength(TENSORBAY_PAGE_SIZE + 1);
    expect(srv.seen.map((r) => r.url)).toEqual(["/open-api/v1/datasets?offset=0&limit=128", "/open-api/v1/datasets?offset=128&limit=128"]);
    srv.answer({ status: 200 });
    expect(await client().listAll("GET /v1/datasets", "datasets")).toEqual([]);
  });

  it("go on after a full page while totalCount is not reached", async () => {
    srv.answer({ body: { datasets: page(0, TENSORBAY_PAGE_SIZE), totalCount: 130 } }, { body: { datasets: page(TENSORBAY_PAGE_SIZE, 2), totalCount: 130 } });
    expect(await client().listAll("GET /v1/datasets", "datasets")).toHaveLength(130);
    expect(srv.seen).toHaveLength(2);
  });

  it("findByName sends the name as an escaped LIKE pattern and returns only the exact name", async () => {
    srv.answer({ body: { datasets: [{ name: "cars-2024" }, { name: "cars_2024" }], totalCount: 2 } });
    expect(await client().findByName("GET /v1/datasets/{id}/branches", "datasets", "cars_2024", { id: "d1" })).toEqual({ name: "cars_2024" });
    expect(srv.seen[0].url).toBe("/open-api/v1/datasets/d1/branches?name=cars%5C_2024&offset=0&limit=128");
  });
});

describe("TensorBay look-ups read sparse answers", () => {
  const run = async (name: keyof typeof lookupFunctions, args: object) => {
    const ctx = contextFor(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: KEY, TENSORBAY_ENDPOINT: srv.url + "/open-api", HW_MAX_RETRIES: "0" }));
    const { result, failures } = await invokeLookup(lookupFunctions[name].definition, ctx, args);
    expect(failures).toEqual([]);
    return result;
  };

  it("getRevisionDiff: actions an answer leaves out are empty, the ones it gives are kept", async () => {
    srv.answer(
      { body: {} },
      { body: { segments: [{ name: "drive", action: "modify" }], totalCount: 1 } },
      { body: { data: [{ remotePath: "a.jpg", action: "add" }, { remotePath: "b.jpg", action: "modify", file: {}, label: {} }], totalCount: 2 } },
    );
    expect(await run("getRevisionDiff", { datasetId: "d1", head: "c2" })).toEqual({
      notes: "",
      catalog: "",
      segments: [{ name: "drive", action: "modify", data: [{ remotePath: "a.jpg", action: "add", fileAction: "", labelAction: "" }, { remotePath: "b.jpg", action: "modify", fileAction: "", labelAction: "" }] }],
    });
    srv.answer({ body: { notes: { action: "modify" }, catalog: { action: "add" } } }, { body: { segments: [], totalCount: 0 } });
    expect(await run("getRevisionDiff", { datasetId: "d1", head: "c2", base: "c1" })).toEqual({ notes: "modify", catalog: "add", segments: [] });
    srv.answer({ body: { notes: {}, catalog: {} } }, { body: { segments: [], totalCount: 0 } });
    expect(await run("getRevisionDiff", { datasetId: "d1", head: "c2" })).toEqual({ notes: "", catalog: "", segments: [] });
    srv.answer({ body: "" }, { body: { segments: [], totalCount: 0 } });
    expect(await run("getRevisionDiff", { datasetId: "d1", head: "c2" })).toEqual({ notes: "", catalog: "", segments: [] });
  });

  it("getCloudFiles: a page without files adds none, and a page without `truncated` is the last", async () => {
    srv.answer({ body: { truncated: true, nextMarker: "m1" } }, { body: { cloudFiles: ["x/1.jpg"], nextMarker: "m2" } });
    expect(await run("getCloudFiles", { configName: "nas" })).toEqual({ files: ["x/1.jpg"] });
    expect(srv.seen).toHaveLength(2);
    srv.answer({ body: { cloudFiles: ["y/1.jpg"], truncated: true } });
    expect(await run("getCloudFiles", { configName: "nas" })).toEqual({ files: ["y/1.jpg"] });
    expect(srv.seen).toHaveLength(3);
    // An empty answer is an empty last page.
    srv.answer({ body: "" });
    expect(await run("getCloudFiles", { configName: "nas" })).toEqual({ files: [] });
  });

  it("getData: a file outside any frame is listed as it is", async () => {
    srv.answer({ body: { dataDetails: [{ remotePath: "a.jpg", url: "https://files/a.jpg", label: {} }], totalCount: 1 } });
    expect(await run("getData", { datasetId: "d1", segmentName: "s" })).toEqual({ data: [{ remotePath: "a.jpg", url: "https://files/a.jpg", label: {} }] });
  });
});

describe("TensorBay resources read sparse answers", () => {
  const ctx = () => contextFor(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: KEY, TENSORBAY_ENDPOINT: srv.url + "/open-api", HW_MAX_RETRIES: "0" }));

  it("dataset notes without isContinuous read as not continuous", async () => {
    srv.answer({ body: {} });
    const live = await datasetNoteDefinition.api.read!(ctx(), "d1", { datasetId: "d1", branchName: "main" } as never);
    expect(live?.inputs).toEqual({ isContinuous: false });
    expect(srv.seen[0].url).toBe("/open-api/v1/datasets/d1/notes?commit=main");
  });

  it("a label catalog: an empty answer has no subcatalog, a sparse one reads with its defaults, one that does not parse is kept as read", async () => {
    const read = () => labelCatalogDefinition.api.read!(ctx(), "d1", { datasetId: "d1", branchName: "dev" } as never);
    srv.answer({ body: "" }, { body: { catalog: { BOX2D: { categories: [{ name: "car" }] }, CLASSIFICATION: { categories: "car" } } } });
    expect(await read()).toEqual({ inputs: {}, state: {} });
    expect(srv.seen[0].url).toBe("/open-api/v1/datasets/d1/labels/catalogs?commit=dev");
    expect(await read()).toEqual({
      inputs: { box2d: { description: "", isTracking: false, categories: [{ name: "car", description: "" }] }, classification: { categories: "car" } },
      state: {},
    });
  });

  it("a sensor: a list without sensors has none; intrinsics without skew read as skew 0, extrinsics that do not parse are kept as read", async () => {
    const read = (name: string) => sensorDefinition.api.read!(ctx(), name, { datasetId: "d1", branchName: "main", segmentName: "drive" } as never);
    const mounted = { translation: { x: 0, y: 0, z: 1.5 }, rotation: { w: 1, x: 0, y: 0, z: 0 } };
    const sensors = {
      sensors: [
        { name: "lidar", type: "LIDAR", description: "", extrinsics: { translation: { x: 0, y: 0, z: 1.8 } } },
        { name: "front", type: "CAMERA", description: "hood", extrinsics: mounted, intrinsics: { cameraMatrix: { fx: 1000, fy: 1000, cx: 960, cy: 540 } } },
      ],
    };
    srv.answer({ body: {} }, { body: sensors }, { body: sensors });
    expect(await read("lidar")).toBeUndefined();
    expect(srv.seen[0].url).toBe("/open-api/v1/datasets/d1/sensors?segmentName=drive&commit=main");
    expect(await read("lidar")).toEqual({ inputs: { name: "lidar", type: "LIDAR", extrinsics: { translation: { x: 0, y: 0, z: 1.8 } } }, state: {} });
    expect(await read("front")).toEqual({
      inputs: { name: "front", type: "CAMERA", description: "hood", extrinsics: mounted, intrinsics: { cameraMatrix: { fx: 1000, fy: 1000, cx: 960, cy: 540, skew: 0 } } },
      state: {},
    });
  });

  it("a segment is the one of its exact name in the list", async () => {
    const read = (name: string) => segmentDefinition.api.read!(ctx(), name, { datasetId: "d1", branchName: "main" } as never);
    const segments = { segments: [{ name: "day" }, { name: "night", description: "dark" }], totalCount: 2 };
    srv.answer({ body: segments }, { body: segments });
    expect(await read("night")).toEqual({ inputs: { name: "night" }, state: { description: "dark" } });
    expect(await read("dusk")).toBeUndefined();
  });

  it("a commit ListCommit does not answer: its create keeps what it knows, its read finds it gone", async () => {
    const commit = { datasetId: "d1", branchName: "main", title: "t" } as never;
    srv.answer({ body: { drafts: [], totalCount: 0 } }, { body: { draftNumber: 4 } }, { body: { commitId: "c1" } }, { body: { commits: [] } });
    expect(await commitDefinition.api.create(ctx(), commit)).toEqual({ id: "c1", state: { commitId: "c1", draftNumber: 4 } });
    srv.answer({ body: { commits: [] } }, { body: {} }, { body: "" });
    for (let i = 0; i < 3; i++) expect(await commitDefinition.api.read!(ctx(), "c1", commit)).toBeUndefined();
  });

  it("a commit's identity is the branch head with its title; a branch without commits has none", async () => {
    const candidates = (title: string) => commitDefinition.identity.candidates!(ctx(), { datasetId: "d1", branchName: "main", title } as never);
    const head = { commits: [{ commitId: "c9", title: "t" }] };
    srv.answer({ body: head }, { body: head }, { status: 404, body: { code: "ResourceNotExist", message: "no commit" } }, { status: 403, body: { code: "AccessDenied", message: "Access denied." } });
    expect(await candidates("t")).toEqual(["c9"]);
    expect(await candidates("other")).toEqual([]);
    expect(await candidates("t")).toEqual([]);
    await expect(candidates("t")).rejects.toThrow("Access denied.");
  });

  it("a draft whose answer was lost is the new open draft of the branch with the commit's title", async () => {
    const commit = { datasetId: "d1", branchName: "main", title: "t" } as never;
    srv.answer(
      { body: { drafts: [{ number: 1, title: "t" }], totalCount: 1 } },
      { drop: true },
      // Besides the draft made, another writer's draft with another title opened meanwhile.
      { body: { drafts: [{ number: 1, title: "t" }, { number: 2, title: "t" }, { number: 3, title: "other" }], totalCount: 3 } },
      { body: { commitId: "c1" } },
      { body: { commits: [] } },
    );
    expect(await commitDefinition.api.create(ctx(), commit)).toEqual({ id: "c1", state: { commitId: "c1", draftNumber: 2 } });
    expect(srv.seen.map((r) => `${r.method} ${r.url}`).slice(0, 4)).toEqual([
      "GET /open-api/v1/datasets/d1/drafts?status=OPEN&branchName=main&offset=0&limit=128",
      "POST /open-api/v1/datasets/d1/drafts",
      "GET /open-api/v1/datasets/d1/drafts?status=OPEN&branchName=main&offset=0&limit=128",
      "POST /open-api/v1/datasets/d1/commits",
    ]);
    expect(JSON.parse(srv.seen[3].body)).toEqual({ title: "t", draftNumber: 2 });
  });
});
