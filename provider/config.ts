import { InputError } from "./client/errors";

/**
 * Provider configuration: stack config under `edgeai:` first, then the Huawei Cloud Terraform
 * provider's `HW_*` environment variables (and TensorBay's own). Read inside the dynamic
 * provider through `configure()`, so credentials are never resource inputs and never reach state.
 */
export interface ProviderConfig {
  region?: string;
  projectId?: string;
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
  authToken?: string;
  userName?: string;
  password?: string;
  domainName?: string;
  endpoints: { hilens?: string; octopus?: string; iam?: string; tensorbay?: string };
  tensorbayAccessKey?: string;
  maxRetries: number;
  /** Per-request timeout. */
  requestTimeoutMs: number;
  /** Where each set value came from: `edgeai:<key>` (stack config) or the environment variable's name. Never the value. */
  sources?: Partial<Record<ConfigKey, string>>;
}

/** One row per setting: drives `resolveConfig`, the README table and `schema.json`'s config section. */
export const CONFIG_KEYS = [
  { key: "region", env: ["HW_REGION_NAME"], secret: false, doc: "Region, e.g. cn-north-4; endpoints default to https://{service}.{region}.myhuaweicloud.com." },
  { key: "projectId", env: ["HW_PROJECT_ID"], secret: false, doc: "Project ID used in every Huawei API path." },
  { key: "accessKey", env: ["HW_ACCESS_KEY"], secret: true, doc: "Access key (AK) for SDK-HMAC-SHA256 request signing." },
  { key: "secretKey", env: ["HW_SECRET_KEY"], secret: true, doc: "Secret key (SK) for request signing." },
  { key: "securityToken", env: ["HW_SECURITY_TOKEN"], secret: true, doc: "Security token of a temporary AK/SK, sent as X-Security-Token." },
  { key: "authToken", env: ["HW_AUTH_TOKEN"], secret: true, doc: "A ready IAM token, sent as X-Auth-Token (used when no AK/SK is set)." },
  { key: "userName", env: ["HW_USER_NAME"], secret: false, doc: "IAM user name, for password → project-scoped token auth." },
  { key: "password", env: ["HW_USER_PASSWORD"], secret: true, doc: "IAM user password." },
  { key: "domainName", env: ["HW_DOMAIN_NAME"], secret: false, doc: "IAM account (domain) name of the user." },
  { key: "hilensEndpoint", env: ["HW_HILENS_ENDPOINT"], secret: false, doc: "HiLens endpoint override (e.g. the emulator's URL)." },
  { key: "octopusEndpoint", env: ["HW_OCTOPUS_ENDPOINT"], secret: false, doc: "Octopus endpoint override." },
  { key: "iamEndpoint", env: ["HW_IAM_ENDPOINT"], secret: false, doc: "IAM endpoint override." },
  { key: "tensorbayEndpoint", env: ["TENSORBAY_ENDPOINT"], secret: false, doc: "TensorBay open-API root override (default from the access key's prefix)." },
  { key: "tensorbayAccessKey", env: ["TENSORBAY_ACCESS_KEY"], secret: true, doc: "TensorBay access key (`Accesskey-…` or `ACCESSKEY-…`), sent as X-Token." },
  { key: "maxRetries", env: ["HW_MAX_RETRIES"], secret: false, doc: "Retries on 429, 5xx and connection errors (default 5)." },
] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number]["key"];

export function resolveConfig(get: (key: ConfigKey) => string | undefined, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const sources: Partial<Record<ConfigKey, string>> = {};
  const value = (key: ConfigKey): string | undefined => {
    const fromConfig = get(key);
    if (fromConfig !== undefined && fromConfig !== "") {
      sources[key] = `edgeai:${key}`;
      return fromConfig;
    }
    const row = CONFIG_KEYS.find((r) => r.key === key)!;
    for (const name of row.env)
      if (env[name]) {
        sources[key] = name;
        return env[name];
      }
    return undefined;
  };
  const maxRetriesText = value("maxRetries");
  const maxRetries = maxRetriesText === undefined ? 5 : Number(maxRetriesText);
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new InputError(`edgeai:maxRetries must be a non-negative integer, got "${maxRetriesText}"`);
  const endpoints = {
    hilens: value("hilensEndpoint"),
    octopus: value("octopusEndpoint"),
    iam: value("iamEndpoint"),
    tensorbay: value("tensorbayEndpoint"),
  };
  for (const [service, url] of Object.entries(endpoints)) if (url) checkEndpoint(service, url);
  return {
    region: value("region"),
    projectId: value("projectId"),
    accessKey: value("accessKey"),
    secretKey: value("secretKey"),
    securityToken: value("securityToken"),
    authToken: value("authToken"),
    userName: value("userName"),
    password: value("password"),
    domainName: value("domainName"),
    endpoints,
    tensorbayAccessKey: value("tensorbayAccessKey"),
    maxRetries,
    requestTimeoutMs: 60_000,
    sources,
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** Plain http:// would send credentials in the clear: allowed only on loopback (the emulator). */
export function checkEndpoint(service: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`edgeai: ${service} endpoint "${url}" is not a valid URL`);
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && LOOPBACK.test(parsed.hostname)) return;
  throw new InputError(`edgeai: ${service} endpoint "${url}" must use https:// (plain http:// is only allowed on loopback)`);
}

/** Default endpoint of a Huawei service in a region. */
export function huaweiEndpoint(config: ProviderConfig, service: "hilens" | "octopus" | "iam"): string {
  const override = config.endpoints[service];
  if (override) return override;
  if (!config.region) throw new InputError(`edgeai: no endpoint for ${service}: set edgeai:region (or HW_REGION_NAME) or edgeai:${service}Endpoint`);
  return `https://${service}.${config.region}.myhuaweicloud.com`;
}

/** Both ways to set a key, for messages: `edgeai:region (HW_REGION_NAME)`. */
export function settingNames(key: ConfigKey): string {
  const row = CONFIG_KEYS.find((r) => r.key === key)!;
  // Stryker disable next-line StringLiteral: equivalent, every key in CONFIG_KEYS has a single environment variable, so the separator never shows.
  const envNames = row.env.join(", ");
  return `edgeai:${key} (${envNames})`;
}

/** Which setting chose a Huawei service's endpoint: the override's config key or env var, or the region default. */
export function huaweiEndpointSource(config: ProviderConfig, service: "hilens" | "octopus" | "iam"): string {
  const key = `${service}Endpoint` as ConfigKey;
  if (config.endpoints[service]) return `set by ${config.sources?.[key] ?? `edgeai:${key}`}`;
  return `the default for region "${config.region}" set by ${config.sources?.region ?? "edgeai:region"}; override it with ${settingNames(key)}`;
}
