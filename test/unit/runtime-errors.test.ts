/**
 * Which API errors the runtime treats as "gone" or "name taken", against the in-process emulator:
 * only a not-found answer makes read report the object gone and delete succeed; only a name
 * conflict turns a failed create into the importId hint. Everything else reaches the user as the
 * vendor's error. Server state is read by raw HTTP on the documented paths.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS } from "../../emulator";
import { handlers } from "../../provider/framework/runtime";
import { ApiError, InputError, OutcomeUnknownError, isAlreadyExists, isNotFound } from "../../provider/client/errors";
import { iamToken, send, withToken } from "./raw-http";
import { runtimeAgainstEmulator } from "./runtime-emulator";

const WORKSPACE = "edgeai:hilens:Workspace";
const CONFIG_MAP = "edgeai:hilens:ConfigMap";
const PROVIDER = { __provider: "serialized provider" };
const P = DEFAULTS.projectId;
const env = runtimeAgainstEmulator("runtime-errors");
let token: string;

beforeAll(async () => {
  token = await iamToken(env.emu);
});

const rawGet = (path: string) => send(env.emu.url, "GET", `/v3/${P}/ai-mgr${path}`, { headers: withToken(token) });

async function workspaceWithConfigMap(name: string) {
  const ws = await handlers.create(WORKSPACE, (await handlers.check(WORKSPACE, {}, { name, ...PROVIDER })).inputs!);
  const cm = await handlers.create(CONFIG_MAP, (await handlers.check(CONFIG_MAP, {}, { name: `${name}-cm`, configs: [{ key: "K", value: "v" }], workspaceId: ws.id, ...PROVIDER })).inputs!);
  return { ws, cm };
}

describe("delete", () => {
  it("fails with the vendor's error when the service refuses (409: the workspace still holds resources), and the object stays", async () => {
    const { ws } = await workspaceWithConfigMap("holds-things");
    const err = await handlers.delete(WORKSPACE, ws.id, ws.outs!).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, errorCode: "HIL.0409" });
    expect(err.message).toMatch(/^hilens DELETE \/v3\/.*HTTP 409 HIL\.0409: The workspace .* still holds 1 resource/);
    expect((await rawGet(`/workspaces/${ws.id}`)).status).toBe(200);
  });

  it("of an object already gone (404) succeeds", async () => {
    const { cm } = await workspaceWithConfigMap("gone-twice");
    await handlers.delete(CONFIG_MAP, cm.id, cm.outs!);
    await expect(handlers.delete(CONFIG_MAP, cm.id, cm.outs!)).resolves.toBeUndefined();
  });
});

describe("read", () => {
  it("reports an object gone only on a not-found answer; a failing service is an error, not a deletion", async () => {
    const { cm } = await workspaceWithConfigMap("read-errors");
    env.emu.inject({ pathPattern: `/ai-mgr/configmaps/${cm.id}$`, method: "GET", status: 403, count: 1 });
    const denied = await handlers.read(CONFIG_MAP, cm.id, cm.outs!).catch((e) => e);
    expect(denied).toBeInstanceOf(ApiError);
    expect(denied.status).toBe(403);
    env.emu.inject({ pathPattern: `/ai-mgr/configmaps/${cm.id}$`, method: "GET", status: 503, count: 1 });
    await expect(handlers.read(CONFIG_MAP, cm.id, cm.outs!)).rejects.toMatchObject({ status: 503 });
    expect((await handlers.read(CONFIG_MAP, cm.id, cm.outs!)).id).toBe(cm.id);
    expect(await handlers.read(CONFIG_MAP, "00000000-0000-0000-0000-000000000000", cm.outs!)).toEqual({});
  });
});

describe("create", () => {
  it("answers the vendor's error, not the importId hint, when refused for another reason than the name", async () => {
    const err = await handlers.create(CONFIG_MAP, { name: "no-such-workspace", configs: [{ key: "K", value: "v" }], workspaceId: "ffffffffffffffffffffffffffffffff", ...PROVIDER }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).not.toContain("already exists");
    expect(err.message).not.toContain("importId");
  });

  it("a taken name gives the hint with the existing object's id", async () => {
    const { cm, ws } = await workspaceWithConfigMap("taken");
    const err = await handlers.create(CONFIG_MAP, { name: "taken-cm", configs: [{ key: "K", value: "v" }], workspaceId: ws.id, ...PROVIDER }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.name).toBe("InputError");
    expect(err.message).toContain(`an object named "taken-cm" already exists (id ${cm.id}): set \`importId: "${cm.id}"\``);
  });
});

describe("error classification", () => {
  const api = (status: number, code: string) => new ApiError("octopus", "GET", "/x", status, code, "m");
  it("not found: 404, or the codes Octopus and TensorBay answer with another status; nothing else", () => {
    expect([api(404, "HIL.0404"), api(400, "octopus.202202"), api(400, "octopus.202205"), api(400, "ResourceNotExist")].map(isNotFound)).toEqual([true, true, true, true]);
    expect([api(400, "octopus.000001"), api(409, "HIL.0409"), api(500, "x"), new Error("404"), Object.assign(new Error("x"), { status: 404 })].map(isNotFound)).toEqual([false, false, false, false, false]);
  });
  it("name taken: 409, or Octopus datasets' 400 octopus.202201; nothing else", () => {
    expect([api(409, "HIL.0409"), api(400, "octopus.202201")].map(isAlreadyExists)).toEqual([true, true]);
    expect([api(400, "octopus.000001"), api(404, "x"), api(500, "x"), Object.assign(new Error("x"), { status: 409 })].map(isAlreadyExists)).toEqual([false, false, false, false]);
  });
  it("errors name themselves when printed", () => {
    expect(String(new OutcomeUnknownError("hilens", "POST", "/p", "socket hang up"))).toBe("OutcomeUnknownError: hilens POST /p: no usable answer (socket hang up); the request may have been carried out");
    expect(String(new InputError("bad"))).toBe("InputError: bad");
    expect(String(new ApiError("hilens", "GET", "/p", 404, "HIL.0404", "gone", "r1"))).toBe("ApiError: hilens GET /p failed: HTTP 404 HIL.0404: gone (request id r1)");
    expect(new ApiError("hilens", "GET", "/p", 404, "HIL.0404", "gone").message).toBe("hilens GET /p failed: HTTP 404 HIL.0404: gone");
  });
});
