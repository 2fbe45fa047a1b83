/** The provider's settings: stack config, the HW_* environment fallbacks, endpoint checks and the texts naming where a value came from. */
import { describe, expect, it } from "vitest";
import { resolveConfig, huaweiEndpoint, huaweiEndpointSource, settingNames, ConfigKey, ProviderConfig } from "../../provider/config";
import { HuaweiServiceClient, huaweiAuth } from "../../provider/client/huawei";
import { InputError } from "../../provider/client/errors";

const fromStack = (settings: Partial<Record<ConfigKey, string>>, env: NodeJS.ProcessEnv = {}) => resolveConfig((key) => settings[key], env);

describe("which value wins", () => {
  it("falls back to the Terraform provider's HW_* variables, stack config first", () => {
    const cfg = fromStack({ region: "cn-north-4" }, { HW_REGION_NAME: "ap-southeast-1", HW_PROJECT_ID: "p", HW_ACCESS_KEY: "ak", HW_SECRET_KEY: "sk", HW_MAX_RETRIES: "7", HW_HILENS_ENDPOINT: "https://hilens.example.test" });
    expect(cfg).toMatchObject({ region: "cn-north-4", projectId: "p", accessKey: "ak", secretKey: "sk", maxRetries: 7, endpoints: { hilens: "https://hilens.example.test" } });
    expect(cfg.sources).toEqual({ region: "edgeai:region", projectId: "HW_PROJECT_ID", accessKey: "HW_ACCESS_KEY", secretKey: "HW_SECRET_KEY", maxRetries: "HW_MAX_RETRIES", hilensEndpoint: "HW_HILENS_ENDPOINT" });
    expect(resolveConfig(() => undefined, {}).maxRetries).toBe(5);
  });

  it("takes an empty stack config value as unset, so the environment variable still applies", () => {
    const cfg = fromStack({ region: "", tensorbayAccessKey: "" }, { HW_REGION_NAME: "cn-north-4", TENSORBAY_ACCESS_KEY: "Accesskey-from-env" });
    expect(cfg).toMatchObject({ region: "cn-north-4", tensorbayAccessKey: "Accesskey-from-env", sources: { region: "HW_REGION_NAME", tensorbayAccessKey: "TENSORBAY_ACCESS_KEY" } });
  });

  it("ignores empty environment variables: HW_MAX_RETRIES= keeps the default of 5 retries, not 0", () => {
    const cfg = resolveConfig(() => undefined, { HW_MAX_RETRIES: "", HW_REGION_NAME: "" });
    expect(cfg.maxRetries).toBe(5);
    expect(cfg.region).toBeUndefined();
    expect(cfg.sources).toEqual({});
  });
});

describe("edgeai:maxRetries", () => {
  it.each(["0", "3"])("accepts the non-negative integer %s", (text) => {
    expect(fromStack({ maxRetries: text }).maxRetries).toBe(Number(text));
  });

  it.each(["-1", "1.5", "x"])("refuses %s, quoting what was given", (text) => {
    expect(() => fromStack({ maxRetries: text })).toThrow(new InputError(`edgeai:maxRetries must be a non-negative integer, got "${text}"`));
  });
});

describe("endpoint overrides", () => {
  it("refuses a value that is not a URL, naming the service", () => {
    expect(() => fromStack({ octopusEndpoint: "octopus.example.test" })).toThrow(new InputError('edgeai: octopus endpoint "octopus.example.test" is not a valid URL'));
  });

  it("refuses plain http:// except on loopback, where the emulator runs", () => {
    expect(() => fromStack({ hilensEndpoint: "http://hilens.example.test" })).toThrow(
      new InputError('edgeai: hilens endpoint "http://hilens.example.test" must use https:// (plain http:// is only allowed on loopback)'),
    );
    expect(() => resolveConfig(() => undefined, { HW_IAM_ENDPOINT: "ftp://127.0.0.1" })).toThrow(/iam endpoint "ftp:\/\/127.0.0.1" must use https:\/\//);
    for (const url of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787", "https://hilens.example.test"]) expect(fromStack({ hilensEndpoint: url }).endpoints.hilens).toBe(url);
  });

  it("default to https://{service}.{region}.myhuaweicloud.com; with neither a region nor an override there is none", () => {
    const cfg = fromStack({ region: "cn-north-4", projectId: "p", accessKey: "a", secretKey: "s" });
    expect(new HuaweiServiceClient(cfg, "hilens", huaweiAuth(cfg)).endpoint.baseUrl).toBe("https://hilens.cn-north-4.myhuaweicloud.com");
    expect(huaweiEndpoint(cfg, "octopus")).toBe("https://octopus.cn-north-4.myhuaweicloud.com");
    expect(() => huaweiEndpoint(fromStack({}), "iam")).toThrow(new InputError("edgeai: no endpoint for iam: set edgeai:region (or HW_REGION_NAME) or edgeai:iamEndpoint"));
  });
});

describe("texts naming a setting", () => {
  it("give the stack config key and its environment variable", () => {
    expect(settingNames("region")).toBe("edgeai:region (HW_REGION_NAME)");
    expect(settingNames("maxRetries")).toBe("edgeai:maxRetries (HW_MAX_RETRIES)");
  });

  it("say which setting chose an endpoint: the override's config key or environment variable, or the region's", () => {
    expect(huaweiEndpointSource(fromStack({ hilensEndpoint: "https://hilens.example.test" }), "hilens")).toBe("set by edgeai:hilensEndpoint");
    expect(huaweiEndpointSource(resolveConfig(() => undefined, { HW_OCTOPUS_ENDPOINT: "https://octopus.example.test" }), "octopus")).toBe("set by HW_OCTOPUS_ENDPOINT");
    expect(huaweiEndpointSource(resolveConfig(() => undefined, { HW_REGION_NAME: "cn-north-4" }), "iam")).toBe(
      'the default for region "cn-north-4" set by HW_REGION_NAME; override it with edgeai:iamEndpoint (HW_IAM_ENDPOINT)',
    );
  });

  it("name the stack config keys for a configuration built in code, which records no sources", () => {
    const inCode: ProviderConfig = { region: "cn-north-4", endpoints: { octopus: "https://octopus.example.test" }, maxRetries: 0, requestTimeoutMs: 1000 };
    expect(huaweiEndpointSource(inCode, "octopus")).toBe("set by edgeai:octopusEndpoint");
    expect(huaweiEndpointSource(inCode, "hilens")).toBe('the default for region "cn-north-4" set by edgeai:region; override it with edgeai:hilensEndpoint (HW_HILENS_ENDPOINT)');
  });
});
