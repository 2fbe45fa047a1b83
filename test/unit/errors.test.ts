/** Errors that say what to do: which setting chose an endpoint, which credential was sent, no stack for expected errors. */
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { resolveConfig, huaweiEndpointSource } from "../../provider/config";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";
import { ApiError, EndpointError, InputError, OutcomeUnknownError, hideStack, isAlreadyExists, isExpectedError, isNotFound, unlessNotFound } from "../../provider/client/errors";

describe("an unreachable endpoint", () => {
  it("names the endpoint, the environment variable that set it, and the attempts made", async () => {
    const cfg = resolveConfig(() => undefined, { HW_HILENS_ENDPOINT: "http://127.0.0.1:1", HW_PROJECT_ID: "p1", HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", HW_MAX_RETRIES: "1" });
    const client = new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg));
    (client.endpoint.options as { backoffMs?: number }).backoffMs = 1;
    const err = await client.call("GET /v3/{project_id}/ai-mgr/configmaps").catch((e) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toBe(
      "hilens GET /v3/p1/ai-mgr/configmaps: cannot reach the hilens endpoint http://127.0.0.1:1 (set by HW_HILENS_ENDPOINT): connect ECONNREFUSED 127.0.0.1:1; 2 attempts made",
    );
  });

  it("says when the endpoint is the region's default, which setting gave the region, and how to override it", () => {
    const cfg = resolveConfig((key) => (key === "region" ? "cn-north-4" : undefined), {});
    expect(huaweiEndpointSource(cfg, "octopus")).toBe('the default for region "cn-north-4" set by edgeai:region; override it with edgeai:octopusEndpoint (HW_OCTOPUS_ENDPOINT)');
    const fromEnv = resolveConfig(() => undefined, { HW_REGION_NAME: "cn-north-4", HW_HILENS_ENDPOINT: "" });
    expect(huaweiEndpointSource(fromEnv, "hilens")).toContain("set by HW_REGION_NAME");
  });
});

describe("which credential a request carried", () => {
  it("is the kind and the settings it came from, never a value", () => {
    const aksk = huaweiAuth(resolveConfig(() => undefined, { HW_ACCESS_KEY: "AKVALUE", HW_SECRET_KEY: "SKVALUE", HW_SECURITY_TOKEN: "TOKENVALUE" }));
    expect(aksk.description).toBe("an AK/SK signature with a security token (temporary AK/SK) (from HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN)");
    const token = huaweiAuth(resolveConfig((k) => (k === "authToken" ? "TOKENVALUE" : undefined), {}));
    expect(token.description).toBe("a ready IAM token, X-Auth-Token (from edgeai:authToken)");
    const err = new ApiError("hilens", "GET", "/x", 403, "APIGW.0302", "forbidden", undefined, `The request was sent with ${token.description}`);
    expect(err.message).toBe("hilens GET /x failed: HTTP 403 APIGW.0302: forbidden. The request was sent with a ready IAM token, X-Auth-Token (from edgeai:authToken)");
    expect(err.message).not.toContain("VALUE");
  });
});

describe("expected errors", () => {
  it("are Pulumi RunErrors (the program prints their message alone); bugs are not", () => {
    expect(pulumi.RunError.isInstance(new InputError("bad"))).toBe(true);
    expect(pulumi.RunError.isInstance(new ApiError("hilens", "GET", "/x", 400, "c", "m"))).toBe(true);
    expect(pulumi.RunError.isInstance(new TypeError("x is undefined"))).toBe(false);
  });

  it("an unreachable endpoint is one too, and the marker stays out of what the error serialises to", () => {
    const err = new EndpointError("hilens", "https://h.test", undefined, 2, "ECONNREFUSED", "hilens GET /x");
    expect(pulumi.RunError.isInstance(err)).toBe(true);
    expect(Object.keys(new InputError("bad"))).toEqual(["name"]);
    expect(JSON.stringify(new InputError("bad"))).toBe('{"name":"InputError"}');
  });

  it("hidden twice stay hidden, and code that sets their stack later still can", () => {
    const err = hideStack(hideStack(new InputError("edgeai: bad input"))) as Error;
    expect(String(err)).toBe("InputError");
    err.stack = "set later";
    expect(err.stack).toBe("set later");
  });

  it("print as `Name: message` in the provider, with no stack frames; bugs keep theirs", () => {
    const expected = hideStack(new InputError("edgeai: bad input")) as Error;
    expect(`${expected}: ${expected.stack}`).toBe("InputError: edgeai: bad input");
    const bug = hideStack(new TypeError("oops")) as Error;
    expect(isExpectedError(bug)).toBe(false);
    expect(bug.stack).toMatch(/\n\s+at /);
  });
});

describe("what an error prints as", () => {
  it("its kind and message; the request id and the endpoint's source only when known", () => {
    expect(String(new ApiError("hilens", "GET", "/x", 400, "HIL.1", "bad", "req-1"))).toBe("ApiError: hilens GET /x failed: HTTP 400 HIL.1: bad (request id req-1)");
    expect(String(new ApiError("hilens", "GET", "/x", 400, "HIL.1", "bad"))).toBe("ApiError: hilens GET /x failed: HTTP 400 HIL.1: bad");
    expect(String(new OutcomeUnknownError("octopus", "POST", "/d", "socket hang up"))).toBe("OutcomeUnknownError: octopus POST /d: no usable answer (socket hang up); the request may have been carried out");
    expect(String(new EndpointError("tensorbay", "https://t.test", undefined, 1, "ENOTFOUND", "tensorbay GET /v1"))).toBe("EndpointError: tensorbay GET /v1: cannot reach the tensorbay endpoint https://t.test: ENOTFOUND; 1 attempt made");
    expect(String(hideStack(new OutcomeUnknownError("octopus", "POST", "/d", "x")))).toBe("OutcomeUnknownError");
  });
});

describe("how the provider reads a refusal", () => {
  const answered = (status: number, code: string) => new ApiError("octopus", "GET", "/x", status, code, "m");

  it("not found: any 404, and the codes Octopus datasets and TensorBay answer with other statuses", () => {
    expect(isNotFound(answered(404, "anything"))).toBe(true);
    expect(isNotFound(answered(400, "octopus.202202"))).toBe(true);
    expect(isNotFound(answered(400, "octopus.202205"))).toBe(true);
    expect(isNotFound(answered(400, "ResourceNotExist"))).toBe(true);
    expect(isNotFound(answered(400, "octopus.202201"))).toBe(false);
    expect(isNotFound(Object.assign(new Error("gone"), { status: 404 }))).toBe(false);
  });

  it("an object that is not there reads as undefined; its answer, or any other refusal, stands", async () => {
    expect(await unlessNotFound(Promise.resolve({ id: "x" }))).toEqual({ id: "x" });
    expect(await unlessNotFound(Promise.reject(answered(404, "anything")))).toBeUndefined();
    const denied = answered(403, "octopus.000111");
    await expect(unlessNotFound(Promise.reject(denied))).rejects.toBe(denied);
  });

  it("name taken: any 409, and the codes of Octopus datasets and simulation scenes answered with 400", () => {
    expect(isAlreadyExists(answered(409, "NameConflict"))).toBe(true);
    expect(isAlreadyExists(answered(400, "octopus.202201"))).toBe(true);
    expect(isAlreadyExists(answered(400, "octopus.107001"))).toBe(true);
    expect(isAlreadyExists(answered(400, "octopus.202202"))).toBe(false);
    expect(isAlreadyExists(Object.assign(new Error("taken"), { status: 409 }))).toBe(false);
  });
});
