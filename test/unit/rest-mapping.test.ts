/**
 * The building blocks resource definitions are made of: REST resources declared as routes
 * (provider/framework/rest.ts), the partial create (definition.ts) and the camelCase ⇄ snake_case
 * mapping of bodies (case.ts). The client is a recording stand-in: these tests are about which
 * calls are made and what the outputs hold, not about HTTP.
 */
import { describe, expect, it } from "vitest";
import { restApi, RestSpec } from "../../provider/framework/rest";
import { afterCreate, NotReadyError, Context } from "../../provider/framework/definition";
import { camelOf, compact, prune, snakeOf, toCamel, toSnake } from "../../provider/framework/case";
import { ApiError } from "../../provider/client/errors";

type Call = { route: string; params: Record<string, string | number>; body?: unknown };

/** A context whose client records each call and answers from `answers` by route. */
function recording(answers: Record<string, (call: Call) => unknown>) {
  const calls: Call[] = [];
  const client = {
    call: async (route: string, params: Record<string, string | number> = {}, options: { body?: unknown } = {}) => {
      const call = { route, params, ...(options.body === undefined ? {} : { body: options.body }) };
      calls.push(call);
      return answers[route]?.(call);
    },
  };
  const ctx = { hilens: client } as unknown as Context;
  return { calls, ctx };
}

interface In extends Record<string, unknown> {
  workspaceId: string;
  name: string;
  value?: string;
}

const spec = (overrides: Partial<RestSpec<In>> = {}): RestSpec<In> => ({
  client: (ctx) => ctx.hilens,
  create: "POST /ws/{workspace_id}/things",
  read: "GET /ws/{workspace_id}/things/{id}",
  update: "PUT /ws/{workspace_id}/things/{id}",
  delete: "DELETE /ws/{workspace_id}/things/{id}",
  params: (i) => ({ workspace_id: i.workspaceId }),
  createBody: (i) => ({ thing: { name: i.name, value: i.value } }),
  idOf: (created) => created.thing.id,
  fromBody: (body) => ({ inputs: { name: body.name, value: body.value }, state: { thingId: body.id, status: body.status } }),
  ...overrides,
});
const inputs: In = { workspaceId: "w1", name: "n", value: "v1" };

describe("a REST resource", () => {
  it("creates, then reads the object back so its outputs are what the server stored", async () => {
    const { calls, ctx } = recording({ "POST /ws/{workspace_id}/things": () => ({ thing: { id: "t1" } }), "GET /ws/{workspace_id}/things/{id}": () => ({ id: "t1", name: "n", value: "v1", status: "ACTIVE" }) });
    expect(await restApi(spec()).create(ctx, inputs)).toEqual({ id: "t1", state: { thingId: "t1", status: "ACTIVE" } });
    expect(calls).toEqual([
      { route: "POST /ws/{workspace_id}/things", params: { workspace_id: "w1" }, body: { thing: { name: "n", value: "v1" } } },
      { route: "GET /ws/{workspace_id}/things/{id}", params: { workspace_id: "w1", id: "t1" } },
    ]);
  });

  it("whose create answers the whole object is not read back", async () => {
    const { calls, ctx } = recording({ "POST /ws/{workspace_id}/things": () => ({ thing: { id: "t2" }, id: "t2", status: "NEW" }) });
    expect(await restApi(spec({ writeAnswersObject: true })).create(ctx, inputs)).toEqual({ id: "t2", state: { thingId: "t2", status: "NEW" } });
    expect(calls).toHaveLength(1);
  });

  it("that fails or vanishes right after its create is a partial create: the ID is kept", async () => {
    const failing = recording({ "POST /ws/{workspace_id}/things": () => ({ thing: { id: "t3" } }), "GET /ws/{workspace_id}/things/{id}": () => { throw new ApiError("hilens", "GET", "/ws/w1/things/t3", 503, "HIL.0503", "busy"); } });
    const err = await restApi(spec()).create(failing.ctx, inputs).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err).toMatchObject({ id: "t3", state: {} });
    expect(err.message).toBe("hilens GET /ws/w1/things/t3 failed: HTTP 503 HIL.0503: busy (the object was created as t3; the next `pulumi up` completes it)");
    const gone = recording({ "POST /ws/{workspace_id}/things": () => ({ thing: { id: "t4" } }) });
    const err2 = await restApi(spec({ read: async () => undefined })).create(gone.ctx, inputs).catch((e) => e);
    expect(err2.message).toBe("POST /ws/{workspace_id}/things: object t4 was not found right after it was written (the object was created as t4; the next `pulumi up` completes it)");
  });

  it("reads by its route, or by a look-up that answers nothing when the object is gone", async () => {
    const { calls, ctx } = recording({ "GET /ws/{workspace_id}/things/{id}": () => ({ id: "t1", name: "n", value: "live", status: "ACTIVE" }) });
    expect(await restApi(spec()).read(ctx, "t1", inputs)).toEqual({ inputs: { name: "n", value: "live" }, state: { thingId: "t1", status: "ACTIVE" } });
    expect(calls[0].params).toEqual({ workspace_id: "w1", id: "t1" });
    const looked: string[] = [];
    const byLookup = spec({ read: async (_client, id, i) => void looked.push(`${i.workspaceId}/${id}`) });
    expect(await restApi(byLookup).read(ctx, "t9", inputs)).toBeUndefined();
    expect(looked).toEqual(["w1/t9"]);
  });

  it("updates with its update body (the create body when it has none), then reads back", async () => {
    const { calls, ctx } = recording({ "GET /ws/{workspace_id}/things/{id}": () => ({ id: "t1", name: "n", value: "v2", status: "UPDATED" }) });
    const news = { ...inputs, value: "v2" };
    expect(await restApi(spec()).update!(ctx, "t1", inputs, news, {})).toEqual({ thingId: "t1", status: "UPDATED" });
    expect(calls[0]).toEqual({ route: "PUT /ws/{workspace_id}/things/{id}", params: { workspace_id: "w1", id: "t1" }, body: { thing: { name: "n", value: "v2" } } });
    calls.length = 0;
    await restApi(spec({ updateBody: (i) => ({ value: i.value }) })).update!(ctx, "t1", inputs, news, {});
    expect(calls[0].body).toEqual({ value: "v2" });
  });

  it("whose update answers the whole object is not read back", async () => {
    const { calls, ctx } = recording({ "PUT /ws/{workspace_id}/things/{id}": () => ({ id: "t1", status: "UPDATED" }) });
    expect(await restApi(spec({ writeAnswersObject: true })).update!(ctx, "t1", inputs, inputs, {})).toEqual({ thingId: "t1", status: "UPDATED" });
    expect(calls).toHaveLength(1);
  });

  it("without an update route has no in-place update; deletes by its route", async () => {
    const { calls, ctx } = recording({});
    const api = restApi(spec({ update: undefined }));
    expect(api.update).toBeUndefined();
    await api.delete(ctx, "t1", inputs, {});
    expect(calls).toEqual([{ route: "DELETE /ws/{workspace_id}/things/{id}", params: { workspace_id: "w1", id: "t1" } }]);
    calls.length = 0;
    await restApi(spec({ params: undefined })).delete(ctx, "t1", inputs, {});
    expect(calls[0].params).toEqual({ id: "t1" });
  });
});

describe("a step after a create", () => {
  it("that fails keeps the ID and the state known so far", async () => {
    const err = await afterCreate("id-1", { a: 1 }, async () => { throw new Error("tagging failed"); }).catch((e) => e);
    expect(err).toBeInstanceOf(NotReadyError);
    expect(err).toMatchObject({ name: "NotReadyError", id: "id-1", state: { a: 1 }, message: "tagging failed (the object was created as id-1; the next `pulumi up` completes it)" });
  });

  it("that reports the object not ready passes that on unchanged", async () => {
    const notReady = new NotReadyError("deployment d1 failed", "d1", { status: "FAILED" });
    expect(await afterCreate("id-1", {}, async () => { throw notReady; }).catch((e) => e)).toBe(notReady);
    expect(await afterCreate("id-1", {}, async () => 5)).toBe(5);
  });
});

describe("API bodies in snake_case, arguments in camelCase", () => {
  it("renames keys at every depth and back, dropping undefined values", () => {
    const args = { workspaceId: "w", nodeList: [{ hostName: "h1", gpuCount: 2 }], labels: { appName: "x" }, skipped: undefined, version2Id: "v" };
    const body = toSnake(args);
    expect(body).toStrictEqual({ workspace_id: "w", node_list: [{ host_name: "h1", gpu_count: 2 }], labels: { app_name: "x" }, version2_id: "v" });
    expect(toCamel(body)).toEqual({ workspaceId: "w", nodeList: [{ hostName: "h1", gpuCount: 2 }], labels: { appName: "x" }, version2Id: "v" });
    expect(snakeOf("createdAt")).toBe("created_at");
    expect(camelOf("page_info_2x")).toBe("pageInfo2x");
    expect(toCamel(null)).toBeNull();
    expect(toSnake("plain")).toBe("plain");
  });

  it("compact drops only null and undefined at the top; prune at every depth", () => {
    expect(compact({ a: null, b: undefined, c: 0, d: "", e: false, f: { g: null } })).toStrictEqual({ c: 0, d: "", e: false, f: { g: null } });
    expect(prune({ a: null, b: [{ c: undefined, d: 0 }, null], e: { f: null, g: "" } })).toStrictEqual({ b: [{ d: 0 }, null], e: { g: "" } });
  });
});
