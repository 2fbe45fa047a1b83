import type { ProviderConfig } from "../config";
import { InputError } from "./errors";
import { Endpoint, Family, QueryValue } from "./http";
import { CallOptions, fillPath } from "./huawei";

/**
 * The documented access-key prefixes and the site each belongs to (TensorBay SDK
 * `client/requests.py`): `Accesskey-` keys live on gas.graviti.cn, `ACCESSKEY-` keys on gas.graviti.com.
 */
const SITES: Record<string, string> = {
  "Accesskey-": "https://gas.graviti.cn/gatewayv2/tensorbay-open-api",
  "ACCESSKEY-": "https://gas.graviti.com/gatewayv2/tensorbay-open-api",
};

/** Page size of every list call: the one the TensorBay SDK uses. */
export const TENSORBAY_PAGE_SIZE = 128;

/**
 * Checks the key locally, before any request. The message never contains the key: it ends up in
 * the engine's output and in CI logs.
 */
export function checkTensorbayAccessKey(accessKey: string | undefined): string {
  if (!accessKey) throw new InputError("edgeai: no TensorBay access key: set edgeai:tensorbayAccessKey (as a secret) or TENSORBAY_ACCESS_KEY");
  if (!Object.keys(SITES).some((prefix) => accessKey.startsWith(prefix)))
    throw new InputError('edgeai:tensorbayAccessKey (TENSORBAY_ACCESS_KEY) is not a TensorBay access key: it must start with "Accesskey-" or "ACCESSKEY-" (the value is not shown)');
  return accessKey;
}

/** The open-API root (without `/v1`): the configured override, else the site of the key's prefix. */
export function tensorbayRoot(config: ProviderConfig, accessKey: string): string {
  return config.endpoints.tensorbay ?? SITES[accessKey.slice(0, "Accesskey-".length)];
}

/** TensorBay errors are `{"code", "message"}` (Open API "Error code description"). */
export function tensorbayErrorOf(status: number, body: any): [string, string] {
  // Stryker disable next-line ConditionalExpression: equivalent, a string or number body has no code or message property either.
  if (body && typeof body === "object" && (body.code || body.message)) return [String(body.code ?? `HTTP.${status}`), String(body.message ?? "")];
  return [`HTTP.${status}`, typeof body === "string" && body ? body.slice(0, 300) : "no error body"];
}

/**
 * MySQL `LIKE` escaping: the name filters of the list calls are LIKE patterns where `_` and `%`
 * are wildcards and `\` escapes (Open API "模糊查询"). An escaped name still matches every name
 * that contains it, so callers compare names exactly afterwards.
 */
export function escapeLike(name: string): string {
  return name.replace(/[\\%_]/g, (c) => "\\" + c);
}

/** The TensorBay open API: `X-Token` auth, `{code, message}` errors, offset/limit paging with `totalCount`. */
export class TensorbayClient {
  readonly endpoint: Endpoint;

  constructor(config: ProviderConfig, log?: (message: string) => void) {
    const accessKey = checkTensorbayAccessKey(config.tensorbayAccessKey);
    const family: Family = {
      service: "tensorbay",
      refreshable: false,
      authenticate: async (req) => {
        req.headers["X-Token"] = accessKey;
      },
      errorOf: tensorbayErrorOf,
      unwrap: (b) => b,
      requestIdOf: (h) => h["x-request-id"],
      credential: `the TensorBay access key, X-Token (from ${config.sources?.tensorbayAccessKey ?? "edgeai:tensorbayAccessKey"})`,
    };
    const source = config.endpoints.tensorbay
      ? `set by ${config.sources?.tensorbayEndpoint ?? "edgeai:tensorbayEndpoint"}`
      : `the site of the access key's prefix; override it with edgeai:tensorbayEndpoint (TENSORBAY_ENDPOINT)`;
    this.endpoint = new Endpoint(tensorbayRoot(config, accessKey), family, { maxRetries: config.maxRetries, timeoutMs: config.requestTimeoutMs, log, source });
  }

  /** `route` is `"METHOD /v1/path/{param}"`. DELETE calls of branches and tags carry a JSON body. */
  async call(route: string, params: Record<string, string | number> = {}, options: CallOptions = {}): Promise<any> {
    const [method, template] = route.split(" ");
    return (await this.endpoint.request({ method, path: fillPath(template, params), query: options.query, body: options.body, idempotent: options.idempotent })).body;
  }

  /** Walks offset/limit pages until `totalCount` (or a short page) says there is no more. */
  async listAll<T>(route: string, itemsKey: string, options: { params?: Record<string, string | number>; query?: Record<string, QueryValue> } = {}): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; offset += TENSORBAY_PAGE_SIZE) {
      const body = await this.call(route, options.params, { query: { ...options.query, offset, limit: TENSORBAY_PAGE_SIZE } });
      const page: T[] = body?.[itemsKey] ?? [];
      items.push(...page);
      const total = Number(body?.totalCount);
      if (page.length < TENSORBAY_PAGE_SIZE || (Number.isFinite(total) && items.length >= total)) return items;
    }
  }

  /**
   * The one object named exactly `name`: the list call's name filter is a LIKE pattern (and a
   * substring match when it holds no wildcard), so the name is escaped and the answer filtered.
   * The TensorBay SDK takes the first element unchecked, which can be another object.
   */
  async findByName<T extends { name: string }>(route: string, itemsKey: string, name: string, params: Record<string, string | number> = {}): Promise<T | undefined> {
    const candidates = await this.listAll<T>(route, itemsKey, { params, query: { name: escapeLike(name) } });
    return candidates.find((item) => item.name === name);
  }
}
