import { describe, expect, it } from "vitest";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner";
import { authorization, parseAuthorization, sdkDate, parseSdkDate } from "../../provider/client/signer";

const AK = "HPUAEXAMPLEACCESSKEY";
const SK = "example-secret-key-0123456789";
const DATE = "20261122T101500Z";

/** What the official signer produces for the same request (its `endpoint` carries the raw path). */
function official(method: string, host: string, rawPath: string, query: Record<string, string | string[]>, body?: unknown, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { "X-Sdk-Date": DATE, ...extraHeaders };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const credential = { getAk: () => AK, getSk: () => SK };
  const signed = AKSKSigner.sign({ method, endpoint: `https://${host}${rawPath}`, headers, queryParams: query, data: body } as never, credential as never) as Record<string, string>;
  return signed.Authorization;
}

function ours(method: string, host: string, rawPath: string, query: Record<string, string | string[]>, body?: unknown, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { "X-Sdk-Date": DATE, ...extraHeaders, host };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const wirePath = rawPath.split("/").map(encodeURIComponent).join("/");
  return authorization({ method, path: wirePath, query, headers, body: body === undefined ? undefined : JSON.stringify(body) }, AK, SK);
}

describe("AK/SK signer matches @huaweicloud/huaweicloud-sdk-core byte for byte", () => {
  const host = "hilens.cn-north-4.myhuaweicloud.com";
  const cases: [string, string, string, Record<string, string | string[]>, unknown?, Record<string, string>?][] = [
    ["GET with no body", "GET", "/v3/p1/ai-mgr/configmaps", {}],
    ["GET with a query string", "GET", "/v3/p1/ai-mgr/secrets", { limit: "100", offset: "0", name: "a b&c=d", sort: "created_at:desc" }],
    ["GET with repeated query values", "GET", "/v3/p1/ai-mgr/nodes", { tags: ["b.2", "a.1"] }],
    ["a non-ASCII path", "GET", "/v1/storage-configs/HDFS_本地1", {}],
    ["POST with a JSON body", "POST", "/v3/p1/ai-mgr/configmaps", {}, { configmap: { name: "app-config", configs: [{ key: "k", value: "值" }] } }],
    ["PUT with a body and a security token", "PUT", "/v3/p1/ai-mgr/workspaces/ws-1", { provider: "hilens" }, { description: "d" }, { "X-Security-Token": "tok" }],
    ["DELETE with no body", "DELETE", "/v3/p1/ai-mgr/secrets/0b7c", {}],
  ];
  for (const [title, method, path, query, body, extra] of cases) {
    it(title, () => {
      expect(ours(method, host, path, query, body, extra)).toBe(official(method, host, path, query, body, extra));
    });
  }

  it("changes when any signed part changes", () => {
    const base = ours("GET", host, "/v3/p1/x", { a: "1" });
    expect(ours("GET", host, "/v3/p1/x", { a: "2" })).not.toBe(base);
    expect(ours("GET", host, "/v3/p1/y", { a: "1" })).not.toBe(base);
    expect(ours("POST", host, "/v3/p1/x", { a: "1" }, {})).not.toBe(base);
  });

  it("parses its own Authorization header and X-Sdk-Date", () => {
    const parsed = parseAuthorization(ours("GET", host, "/v3/p1/x", {}));
    expect(parsed?.accessKey).toBe(AK);
    expect(parsed?.signedHeaders).toEqual(["host", "x-sdk-date"]);
    const now = new Date("2026-11-22T10:15:00Z");
    expect(sdkDate(now)).toBe(DATE);
    expect(parseSdkDate(DATE)?.getTime()).toBe(now.getTime());
  });
});

describe("AK/SK signer edge cases, still byte for byte with the official signer", () => {
  const host = "octopus.cn-north-4.myhuaweicloud.com";

  it("encodes the characters encodeURIComponent leaves alone (! ' ( ) *) in paths and queries", () => {
    // Not "'" in the path: the official signer reads the path through url.parse, which escapes it first.
    expect(ours("GET", host, "/v1.0/p1/tags/(1)*!", { name: "it's (a)*!" })).toBe(official("GET", host, "/v1.0/p1/tags/(1)*!", { name: "it's (a)*!" }));
  });

  it("orders signed headers by lower-cased name whatever their case", () => {
    const extra = { "x-Project-Id": "p1", "X-Language": "en-us", "content-MD5": "abc" };
    expect(ours("GET", host, "/v1.0/p1/x", {}, undefined, extra)).toBe(official("GET", host, "/v1.0/p1/x", {}, undefined, extra));
    expect(parseAuthorization(ours("GET", host, "/v1.0/p1/x", {}, undefined, extra))?.signedHeaders).toEqual(["content-md5", "host", "x-language", "x-project-id", "x-sdk-date"]);
  });

  it("orders header names by code unit as the official signer does, '-' before '_' before letters", () => {
    const extra = { "X_Trace": "t", "X-Trace": "u", "Xa": "v", "x-Project-Id": "p1" };
    expect(ours("GET", host, "/v1.0/p1/x", {}, undefined, extra)).toBe(official("GET", host, "/v1.0/p1/x", {}, undefined, extra));
    expect(parseAuthorization(ours("GET", host, "/v1.0/p1/x", {}, undefined, extra))?.signedHeaders).toEqual(["host", "x-project-id", "x-sdk-date", "x-trace", "x_trace", "xa"]);
  });

  it("a path segment that is not valid percent-encoding is signed as it is written", () => {
    const headers = { "X-Sdk-Date": DATE, host };
    const signed = authorization({ method: "GET", path: "/v1/100%zz/a", headers }, AK, SK);
    expect(signed).toBe(authorization({ method: "GET", path: "/v1/100%25zz/a", headers }, AK, SK));
  });

  it("needs X-Sdk-Date, in any case", () => {
    expect(() => authorization({ method: "GET", path: "/", headers: { host } }, AK, SK)).toThrow("X-Sdk-Date header is required for signing");
    expect(authorization({ method: "GET", path: "/", headers: { host, "x-sdk-date": DATE } }, AK, SK)).toMatch(/^SDK-HMAC-SHA256 Access=HPUAEXAMPLEACCESSKEY, SignedHeaders=host;x-sdk-date, Signature=[0-9a-f]{64}$/);
  });
});

describe("reading an Authorization header and an X-Sdk-Date (the emulator's side)", () => {
  const signature = "0123456789abcdef".repeat(4);

  it("tolerates the spacing clients use and surrounding blanks", () => {
    const expected = { accessKey: AK, signedHeaders: ["host", "x-sdk-date"], signature };
    expect(parseAuthorization(`SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${signature}`)).toEqual(expected);
    expect(parseAuthorization(`  SDK-HMAC-SHA256   Access=${AK},SignedHeaders=host;x-sdk-date,  Signature=${signature} `)).toEqual(expected);
  });

  it("refuses anything else: another scheme, text around it, a missing part", () => {
    const good = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${signature}`;
    expect(parseAuthorization(`Bearer ${good}`)).toBeUndefined();
    expect(parseAuthorization(`${good}, Extra=1`)).toBeUndefined();
    expect(parseAuthorization(`SDK-HMAC-SHA256 Access=${AK}, Signature=${signature}`)).toBeUndefined();
    expect(parseAuthorization(`SDK-HMAC-SHA256Access=${AK}, SignedHeaders=host, Signature=${signature}`)).toBeUndefined();
  });

  it("reads every field of an X-Sdk-Date and refuses other date forms", () => {
    expect(parseSdkDate("20261122T101507Z")?.toISOString()).toBe("2026-11-22T10:15:07.000Z");
    expect(parseSdkDate("x20261122T101507Z")).toBeUndefined();
    expect(parseSdkDate("20261122T101507Zx")).toBeUndefined();
    expect(parseSdkDate("2026-11-22T10:15:07Z")).toBeUndefined();
  });
});
