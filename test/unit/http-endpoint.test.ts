/**
 * The HTTP layer every client shares (provider/client/http.ts), against a scripted loopback server:
 * what goes on the wire, which failures are retried and how long it waits, what a failure says.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Endpoint, EndpointOptions, Family } from "../../provider/client/http";
import { huaweiErrorOf } from "../../provider/client/huawei";
import { ApiError, EndpointError, OutcomeUnknownError } from "../../provider/client/errors";
import { startScriptedServer, ScriptedServer } from "./scripted-server";

let srv: ScriptedServer;
beforeAll(async () => {
  srv = await startScriptedServer();
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.seen.length = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
});

function family(overrides: Partial<Family> = {}): Family {
  return { service: "svc", refreshable: false, authenticate: async () => {}, errorOf: huaweiErrorOf, unwrap: (b) => b, requestIdOf: (h) => h["x-request-id"], ...overrides };
}

/** An endpoint on the scripted server whose retry messages land in `log`. */
function endpoint(options: Partial<EndpointOptions> = {}, fam: Family = family(), baseUrl = srv.url) {
  const log: string[] = [];
  const ep = new Endpoint(baseUrl, fam, { maxRetries: 3, timeoutMs: 5_000, backoffMs: 1, source: "set by TEST_ENDPOINT", log: (m) => log.push(m), ...options });
  return { ep, log };
}

const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("the request succeeded"), (e: Error) => e);

describe("what goes on the wire", () => {
  it("path segments are percent-encoded under the endpoint's base path; unset query values are left out", async () => {
    const { ep } = endpoint({}, family(), `${srv.url}/gateway/`);
    await ep.request({ method: "PUT", path: "/v1/a b/数据#1", query: { limit: 10, on: true, name: "x y", skip: undefined, none: null }, headers: { "X-Extra": "kept" }, body: { a: 1 } });
    const [put] = srv.seen;
    expect(put.url).toBe("/gateway/v1/a%20b/%E6%95%B0%E6%8D%AE%231?limit=10&on=true&name=x+y");
    expect(put.headers["x-extra"]).toBe("kept");
    expect(put.headers["content-type"]).toBe("application/json");
    expect(put.body).toBe('{"a":1}');
  });

  it("a request without a body carries no Content-Type", async () => {
    await endpoint().ep.request({ method: "GET", path: "/v1/things" });
    expect(srv.seen[0].headers["content-type"]).toBeUndefined();
    expect(srv.seen[0].body).toBe("");
  });
});

describe("answers", () => {
  it("a JSON body is unwrapped by the family; header names are lower-cased and repeated headers joined", async () => {
    srv.answer({ headers: { "X-Request-Id": "r-1", "X-Multi": ["a", "b"] }, body: { payload: { id: 7 } } });
    const res = await endpoint({}, family({ unwrap: (b) => b.payload })).ep.request({ method: "GET", path: "/x" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 7 });
    expect(res.headers["x-request-id"]).toBe("r-1");
    expect(res.headers["x-multi"]).toBe("a, b");
  });

  it("an empty success body is no body at all", async () => {
    srv.answer({ status: 200 });
    expect((await endpoint().ep.request({ method: "DELETE", path: "/x" })).body).toBeUndefined();
  });

  it("an error body that is not JSON is quoted in the error; an empty one is named as missing", async () => {
    srv.answer({ status: 502, body: "<html>Bad gateway</html>", headers: { "X-Request-Id": "req-9" } }, { status: 400 });
    const { ep } = endpoint({ maxRetries: 0 });
    const html = (await failure(ep.request({ method: "GET", path: "/x" }))) as ApiError;
    expect(html.message).toBe("svc GET /x failed: HTTP 502 HTTP.502: <html>Bad gateway</html> (request id req-9)");
    const empty = await failure(ep.request({ method: "GET", path: "/x" }));
    expect(empty.message).toBe("svc GET /x failed: HTTP 400 HTTP.400: no error body");
  });

  it("a GET answered 500 is retried", async () => {
    srv.answer({ status: 500 });
    expect((await endpoint().ep.request({ method: "GET", path: "/x" })).status).toBe(200);
    expect(srv.seen).toHaveLength(2);
  });

  it("a 4xx other than 429 is reported at once, not retried", async () => {
    srv.answer({ status: 404, body: { error_code: "X.404", error_msg: "no such thing" } });
    const err = (await failure(endpoint().ep.request({ method: "GET", path: "/x" }))) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, errorCode: "X.404", errorMsg: "no such thing" });
    expect(srv.seen).toHaveLength(1);
  });
});

describe("retries", () => {
  it("print each retry with its wait and the attempt count, backing off exponentially with full jitter", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    srv.answer({ status: 503 }, { status: 503 }, { status: 503 });
    const { ep, log } = endpoint({ backoffMs: 200 });
    const started = Date.now();
    await ep.request({ method: "GET", path: "/things" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(log).toEqual([
      "svc GET /things: HTTP 503; retrying in 0.1s (attempt 2 of 4)",
      "svc GET /things: HTTP 503; retrying in 0.2s (attempt 3 of 4)",
      "svc GET /things: HTTP 503; retrying in 0.4s (attempt 4 of 4)",
    ]);
    expect(srv.seen).toHaveLength(4);
  });

  it("wait at most 10 s between attempts, and 250 ms times the jitter by default", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.01);
    srv.answer({ status: 503 });
    const capped = endpoint({ backoffMs: 20_000 });
    await capped.ep.request({ method: "GET", path: "/x" });
    expect(capped.log).toEqual(["svc GET /x: HTTP 503; retrying in 0.1s (attempt 2 of 4)"]);
    vi.spyOn(Math, "random").mockReturnValue(0.4);
    srv.answer({ status: 503 });
    const byDefault = endpoint({ backoffMs: undefined });
    await byDefault.ep.request({ method: "GET", path: "/x" });
    expect(byDefault.log).toEqual(["svc GET /x: HTTP 503; retrying in 0.1s (attempt 2 of 4)"]);
  });

  it("honour a Retry-After given as an HTTP date; one more than a minute away is reported instead", async () => {
    srv.answer({ status: 503, headers: { "Retry-After": new Date(Date.now() - 5_000).toUTCString() } });
    const { ep, log } = endpoint();
    await ep.request({ method: "GET", path: "/x" });
    expect(log).toEqual(["svc GET /x: HTTP 503; retrying in 0.0s (attempt 2 of 4)"]);
    srv.answer({ status: 429, headers: { "Retry-After": new Date(Date.now() + 120_000).toUTCString() } });
    const err = (await failure(ep.request({ method: "GET", path: "/x" }))) as ApiError;
    expect(err.status).toBe(429);
    expect(log).toHaveLength(1);
  });

  it("an empty Retry-After falls back to the backoff", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.8);
    srv.answer({ status: 503, headers: { "Retry-After": "" } });
    const { ep, log } = endpoint({ backoffMs: 500 });
    await ep.request({ method: "GET", path: "/x" });
    expect(log).toEqual(["svc GET /x: HTTP 503; retrying in 0.4s (attempt 2 of 4)"]);
  });

  it("a Retry-After of exactly one minute is still waited for", async () => {
    const realSetTimeout = globalThis.setTimeout;
    const minuteWaits: number[] = [];
    // Only the one-minute wait is shortened, so the test does not take a minute.
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      if (ms === 60_000) minuteWaits.push(ms);
      return realSetTimeout(fn, ms === 60_000 ? 0 : ms);
    }) as typeof setTimeout);
    srv.answer({ status: 429, headers: { "Retry-After": "60" } });
    const { ep, log } = endpoint();
    await ep.request({ method: "GET", path: "/x" });
    expect(log).toEqual(["svc GET /x: HTTP 429; retrying in 60.0s (attempt 2 of 4)"]);
    expect(minuteWaits).toEqual([60_000]);
  });

  it("a 401 asks refreshable auth for a new credential once, for that attempt only", async () => {
    const refreshes: boolean[] = [];
    const fam = family({ refreshable: true, authenticate: async (_req, refresh) => void refreshes.push(refresh) });
    srv.answer({ status: 401 }, { status: 503 });
    await endpoint({}, fam).ep.request({ method: "GET", path: "/x" });
    expect(refreshes).toEqual([false, true, false]);
    refreshes.length = 0;
    srv.answer({ status: 401 }, { status: 401, body: { error_code: "APIGW.0307", error_msg: "token expired" } });
    const err = (await failure(endpoint({}, fam).ep.request({ method: "GET", path: "/x" }))) as ApiError;
    expect(err).toMatchObject({ status: 401, errorCode: "APIGW.0307" });
    expect(refreshes).toEqual([false, true]);
  });

  it("a 401 is final when the auth cannot be refreshed", async () => {
    srv.answer({ status: 401 });
    const err = (await failure(endpoint().ep.request({ method: "GET", path: "/x" }))) as ApiError;
    expect(err.status).toBe(401);
    expect(srv.seen).toHaveLength(1);
  });
});

describe("which credential a refused request carried", () => {
  const fam = family({ credential: "the test key (from TEST_KEY)" });
  it.each([401, 403])("is named by a %i", async (status) => {
    srv.answer({ status, body: { error_code: "APIGW.0301", error_msg: "refused" } });
    const err = await failure(endpoint({}, fam).ep.request({ method: "GET", path: "/x" }));
    expect(err.message).toBe(`svc GET /x failed: HTTP ${status} APIGW.0301: refused. The request was sent with the test key (from TEST_KEY)`);
  });

  it("is not named by other errors, nor when the family does not say", async () => {
    srv.answer({ status: 404, body: { error_code: "X", error_msg: "gone" } }, { status: 403, body: { error_code: "Y", error_msg: "no" } });
    expect((await failure(endpoint({}, fam).ep.request({ method: "GET", path: "/x" }))).message).toBe("svc GET /x failed: HTTP 404 X: gone");
    expect((await failure(endpoint().ep.request({ method: "GET", path: "/x" }))).message).toBe("svc GET /x failed: HTTP 403 Y: no");
  });
});

describe("a POST, which may create a second object when repeated", () => {
  it("answered 500 fails as outcome unknown, sent once", async () => {
    srv.answer({ status: 500, body: { error_code: "E.1", error_msg: "boom" } });
    const err = await failure(endpoint().ep.request({ method: "POST", path: "/things", body: {} }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.message).toBe("svc POST /things: no usable answer (HTTP 500 E.1: boom); the request may have been carried out");
    expect(srv.seen).toHaveLength(1);
  });

  it("is repeated after a 5xx when the caller marks it idempotent", async () => {
    srv.answer({ status: 503 });
    await endpoint().ep.request({ method: "POST", path: "/things/start", idempotent: true });
    expect(srv.seen.map((r) => r.method)).toEqual(["POST", "POST"]);
  });

  it("whose connection broke after sending fails as outcome unknown, sent once", async () => {
    srv.answer({ drop: true });
    const err = await failure(endpoint().ep.request({ method: "POST", path: "/things", body: {} }));
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.message).toMatch(/^svc POST \/things: no usable answer \(.+\); the request may have been carried out$/);
    expect(srv.seen).toHaveLength(1);
  });

  it("that never left (connection refused, even when only the cause says so) is retried, then named as unreachable", async () => {
    const refused = Object.assign(new TypeError(""), { cause: { code: "ECONNREFUSED" } });
    const send = vi.spyOn(Endpoint.prototype as unknown as { send: () => Promise<never> }, "send").mockRejectedValue(refused);
    const err = await failure(endpoint({ maxRetries: 1 }).ep.request({ method: "POST", path: "/things", body: {} }));
    expect(send).toHaveBeenCalledTimes(2);
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toBe(`svc POST /things: cannot reach the svc endpoint ${srv.url} (set by TEST_ENDPOINT): ECONNREFUSED; 2 attempts made`);
  });
});

describe("a slow answer", () => {
  it("whose headers do not come within the timeout fails, naming the timeout", async () => {
    srv.answer({ delayMs: 5_000 });
    const err = await failure(endpoint({ maxRetries: 0, timeoutMs: 200 }).ep.request({ method: "GET", path: "/slow" }));
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toMatch(/^svc GET \/slow: cannot reach the svc endpoint .*: Headers Timeout Error; 1 attempt made$/);
  });

  it("whose body stalls longer than the timeout fails, naming the timeout", async () => {
    srv.answer({ body: { items: [1, 2, 3] }, stallBodyMs: 5_000 });
    const err = await failure(endpoint({ maxRetries: 0, timeoutMs: 200 }).ep.request({ method: "GET", path: "/stalled" }));
    expect(err.message).toMatch(/^svc GET \/stalled: cannot reach the svc endpoint .*: Body Timeout Error; 1 attempt made$/);
  });
});

describe("a failure before any answer", () => {
  const sendFails = (...errors: Error[]) => {
    const send = vi.spyOn(Endpoint.prototype as unknown as { send: () => Promise<never> }, "send");
    for (const err of errors) send.mockRejectedValueOnce(err);
    return send;
  };

  it("that is not a known network failure is reported at once, as it came", async () => {
    const send = sendFails(new Error("certificate has expired"), new Error(""));
    const { ep } = endpoint({ maxRetries: 1 });
    expect((await failure(ep.request({ method: "GET", path: "/x" }))).message).toBe(`svc GET /x: cannot reach the svc endpoint ${srv.url} (set by TEST_ENDPOINT): certificate has expired; 1 attempt made`);
    expect((await failure(ep.request({ method: "GET", path: "/x" }))).message).toBe(`svc GET /x: cannot reach the svc endpoint ${srv.url} (set by TEST_ENDPOINT): ; 1 attempt made`);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("a connection reset by Node itself (not undici) is retried for a GET", async () => {
    const send = sendFails(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    expect((await endpoint().ep.request({ method: "GET", path: "/x" })).status).toBe(200);
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe("a broken connection", () => {
  it("is retried for a GET and then named with the endpoint, the setting that chose it and the attempts", async () => {
    srv.answer({ drop: true }, { drop: true }, { drop: true });
    const err = await failure(endpoint({ maxRetries: 2 }).ep.request({ method: "GET", path: "/x" }));
    expect(err).toBeInstanceOf(EndpointError);
    expect(err.message).toMatch(new RegExp(`^svc GET /x: cannot reach the svc endpoint ${srv.url} \\(set by TEST_ENDPOINT\\): .+; 3 attempts made$`));
    expect(srv.seen).toHaveLength(3);
  });

  it("of a POST marked idempotent is retried", async () => {
    srv.answer({ drop: true });
    const res = await endpoint().ep.request({ method: "POST", path: "/x", idempotent: true });
    expect(res.status).toBe(200);
    expect(srv.seen).toHaveLength(2);
  });

  it("with no retries left is one attempt", async () => {
    srv.answer({ drop: true });
    const err = await failure(endpoint({ maxRetries: 0 }).ep.request({ method: "DELETE", path: "/x" }));
    expect(err.message).toMatch(/; 1 attempt made$/);
  });
});
