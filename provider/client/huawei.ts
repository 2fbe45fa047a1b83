import { ConfigKey, ProviderConfig, huaweiEndpoint, huaweiEndpointSource } from "../config";
import { InputError } from "./errors";
import { Endpoint, Family, HttpRequest, PreparedRequest, QueryValue } from "./http";
import { authorization, sdkDate } from "./signer";

/** How a request to a Huawei service proves who it is. */
export interface HuaweiAuth {
  readonly refreshable: boolean;
  /** The kind of credential and the settings it came from, never its value (named by 401/403 errors). */
  description?: string;
  apply(req: PreparedRequest, refresh: boolean): Promise<void>;
}

export class AkSkAuth implements HuaweiAuth {
  readonly refreshable = false;
  constructor(
    private readonly accessKey: string,
    private readonly secretKey: string,
    private readonly securityToken?: string,
  ) {}

  async apply(req: PreparedRequest): Promise<void> {
    req.headers["Host"] = req.url.host;
    req.headers["X-Sdk-Date"] = sdkDate();
    if (this.securityToken) req.headers["X-Security-Token"] = this.securityToken;
    req.headers["Authorization"] = authorization({ method: req.method, path: req.wirePath, query: req.query, headers: { ...req.headers }, body: req.body }, this.accessKey, this.secretKey);
  }
}

export class StaticTokenAuth implements HuaweiAuth {
  readonly refreshable = false;
  constructor(private readonly token: string) {}
  async apply(req: PreparedRequest): Promise<void> {
    req.headers["X-Auth-Token"] = this.token;
  }
}

/** IAM password → project-scoped token, cached until shortly before it expires, refreshed once on 401. */
export class IamPasswordAuth implements HuaweiAuth {
  readonly refreshable = true;
  private cached?: { token: string; expiresAt: number };
  private pending?: Promise<string>;
  /** How many tokens were issued: lets tests see caching and refresh. */
  issued = 0;

  constructor(
    private readonly iam: Endpoint,
    private readonly user: { name: string; password: string; domain: string },
    private readonly projectId: string,
  ) {}

  async apply(req: PreparedRequest, refresh: boolean): Promise<void> {
    req.headers["X-Auth-Token"] = await this.token(refresh);
  }

  private async token(refresh: boolean): Promise<string> {
    if (!refresh && this.cached && this.cached.expiresAt - 60_000 > Date.now()) return this.cached.token;
    this.pending ??= this.issue().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async issue(): Promise<string> {
    const res = await this.iam.request({
      method: "POST",
      path: "/v3/auth/tokens",
      // Issuing a second token is harmless.
      idempotent: true,
      body: {
        auth: {
          identity: { methods: ["password"], password: { user: { name: this.user.name, password: this.user.password, domain: { name: this.user.domain } } } },
          scope: { project: { id: this.projectId } },
        },
      },
    });
    const token = res.headers["x-subject-token"];
    if (!token) throw new Error("IAM answered without an X-Subject-Token header");
    // Stryker disable next-line StringLiteral: equivalent, Date.parse of any text that is not a date is NaN, as of "".
    const expiresAt = Date.parse(res.body?.token?.expires_at ?? "") || Date.now() + 23 * 3600_000;
    this.cached = { token, expiresAt };
    this.issued++;
    return token;
  }
}

/** `{"error_code","error_msg"}` bodies, as every Huawei service (and its API gateway) answers. */
export function huaweiErrorOf(status: number, body: any): [string, string] {
  // Stryker disable next-line ConditionalExpression: equivalent, a string or number body has none of these properties either.
  if (body && typeof body === "object") {
    const code = body.error_code ?? body.code ?? body.error?.code;
    // HiLens deployment operations answer `error_message` (§5.3.1-5.3.5), the rest `error_msg`.
    const msg = body.error_msg ?? body.error_message ?? body.message ?? body.error?.message;
    if (code || msg) return [String(code ?? `HTTP.${status}`), String(msg ?? "")];
  }
  return [`HTTP.${status}`, typeof body === "string" && body ? body.slice(0, 300) : "no error body"];
}

function noAuthFamily(service: string): Family {
  return {
    service,
    refreshable: false,
    authenticate: async () => {},
    errorOf: huaweiErrorOf,
    unwrap: (b) => b,
    requestIdOf: (h) => h["x-request-id"],
  };
}

export function huaweiAuth(config: ProviderConfig, log?: (message: string) => void): HuaweiAuth {
  const from = (...keys: ConfigKey[]) => keys.map((k) => config.sources?.[k] ?? `edgeai:${k}`).join(", ");
  const described = <A extends HuaweiAuth>(auth: A, description: string): A => Object.assign(auth, { description });
  if (config.accessKey && config.secretKey)
    return described(
      new AkSkAuth(config.accessKey, config.secretKey, config.securityToken),
      `an AK/SK signature${config.securityToken ? " with a security token (temporary AK/SK)" : ""} (from ${from("accessKey", "secretKey", ...(config.securityToken ? (["securityToken"] as const) : []))})`,
    );
  if (config.authToken) return described(new StaticTokenAuth(config.authToken), `a ready IAM token, X-Auth-Token (from ${from("authToken")})`);
  if (config.userName && config.password && config.domainName) {
    const iam = new Endpoint(huaweiEndpoint(config, "iam"), noAuthFamily("iam"), { maxRetries: config.maxRetries, timeoutMs: config.requestTimeoutMs, log, source: huaweiEndpointSource(config, "iam") });
    return described(
      new IamPasswordAuth(iam, { name: config.userName, password: config.password, domain: config.domainName }, requireProjectId(config)),
      `an IAM token issued for a user name and password (from ${from("userName", "password", "domainName")})`,
    );
  }
  throw new InputError(
    "edgeai: no Huawei Cloud credentials: set edgeai:accessKey/edgeai:secretKey (HW_ACCESS_KEY/HW_SECRET_KEY), edgeai:authToken (HW_AUTH_TOKEN), or edgeai:userName/password/domainName (HW_USER_NAME/HW_USER_PASSWORD/HW_DOMAIN_NAME)",
  );
}

function requireProjectId(config: ProviderConfig): string {
  if (!config.projectId) throw new InputError("edgeai: projectId is required (edgeai:projectId or HW_PROJECT_ID)");
  return config.projectId;
}

export interface CallOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  idempotent?: boolean;
}

export interface HuaweiFamilyOptions {
  /** Unwraps a success body (Octopus answers inside an envelope). */
  unwrap?: (body: any) => any;
  errorOf?: (status: number, body: any) => [string, string];
}

/**
 * A client for one Huawei service: fills `{project_id}` in paths, signs or tokens every request,
 * retries, and maps errors. Octopus and HiLens differ only in `HuaweiFamilyOptions`.
 */
export class HuaweiServiceClient {
  readonly endpoint: Endpoint;
  readonly projectId: string;

  constructor(config: ProviderConfig, service: "hilens" | "octopus", auth: HuaweiAuth, options: HuaweiFamilyOptions = {}, log?: (message: string) => void) {
    this.projectId = requireProjectId(config);
    const family: Family = {
      service,
      refreshable: auth.refreshable,
      authenticate: (req, refresh) => auth.apply(req, refresh),
      errorOf: options.errorOf ?? huaweiErrorOf,
      unwrap: options.unwrap ?? ((b) => b),
      requestIdOf: (h) => h["x-request-id"] ?? h["x-openstack-request-id"],
      credential: auth.description,
    };
    this.endpoint = new Endpoint(huaweiEndpoint(config, service), family, { maxRetries: config.maxRetries, timeoutMs: config.requestTimeoutMs, log, source: huaweiEndpointSource(config, service) });
  }

  /** `route` is `"METHOD /path/{param}"`; `{project_id}` comes from config, others from `params`. */
  /** `options.idempotent` marks a POST that is safe to repeat (an action such as start or stop). */
  async call(route: string, params: Record<string, string | number> = {}, options: CallOptions = {}): Promise<any> {
    const [method, template] = route.split(" ");
    const path = fillPath(template, { project_id: this.projectId, ...params });
    const req: HttpRequest = { method, path, query: options.query, body: options.body, idempotent: options.idempotent };
    return (await this.endpoint.request(req)).body;
  }

  /**
   * Walks limit/offset pages until `count` (or a short page) says there is no more; `countKey` may be a dotted path (`page_info.total`).
   * `body` is sent with every page, for lists queried by a POST (Octopus §4.5.2), which are reads and so repeated safely.
   */
  async listAll<T>(route: string, itemsKey: string, options: { params?: Record<string, string | number>; query?: Record<string, QueryValue>; body?: unknown; pageSize?: number; countKey?: string } = {}): Promise<T[]> {
    const pageSize = options.pageSize ?? 100;
    const items: T[] = [];
    for (let offset = 0; ; offset += pageSize) {
      // A list is a read, so every page may be asked again, also one queried by POST.
      const body = await this.call(route, options.params, { query: { ...options.query, limit: pageSize, offset }, body: options.body, idempotent: true });
      const page: T[] = body?.[itemsKey] ?? [];
      items.push(...page);
      const total = Number((options.countKey ?? "count").split(".").reduce((v, key) => v?.[key], body));
      if (page.length < pageSize || (Number.isFinite(total) && items.length >= total)) return items;
    }
  }
}

export function fillPath(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === "") throw new InputError(`missing path parameter ${name} for ${template}`);
    return String(value);
  });
}
