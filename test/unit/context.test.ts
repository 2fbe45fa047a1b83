/** The clients of a configuration (provider/framework/context.ts): built on first use, once, each needing only its own settings. */
import { describe, expect, it } from "vitest";
import { contextFor } from "../../provider/framework/context";
import { InputError } from "../../provider/client/errors";
import { resolveConfig } from "../../provider/config";

describe("the provider's clients", () => {
  it("a stack using only TensorBay needs no Huawei credentials", () => {
    const ctx = contextFor(resolveConfig(() => undefined, { TENSORBAY_ACCESS_KEY: "Accesskey-" + "0".repeat(32) }));
    expect(ctx.tensorbay.endpoint.baseUrl).toBe("https://gas.graviti.cn/gatewayv2/tensorbay-open-api");
    expect(ctx.tensorbay).toBe(ctx.tensorbay);
    expect(() => ctx.hilens).toThrow(InputError);
    expect(() => ctx.octopus).toThrow(/no Huawei Cloud credentials/);
  });

  it("are made once per configuration, each for its service's endpoint", () => {
    const cfg = resolveConfig(() => undefined, { HW_REGION_NAME: "cn-north-4", HW_PROJECT_ID: "p", HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK" });
    const ctx = contextFor(cfg);
    expect(ctx.config).toBe(cfg);
    expect(ctx.hilens).toBe(ctx.hilens);
    expect(ctx.octopus).toBe(ctx.octopus);
    expect(ctx.hilens.endpoint.baseUrl).toBe("https://hilens.cn-north-4.myhuaweicloud.com");
    expect(ctx.octopus.endpoint.baseUrl).toBe("https://octopus.cn-north-4.myhuaweicloud.com");
    expect(() => ctx.tensorbay).toThrow(/no TensorBay access key/);
  });
});
