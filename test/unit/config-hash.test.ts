import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { configHash } from "../../provider/hilens";

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const settings = (threshold: string) => ({ name: "settings", configs: [{ key: "THRESHOLD", value: threshold }], id: "cm-1", updatedAt: "t1" });

describe("hilens.configHash", () => {
  it("changes when a config map's entries change, and only then", async () => {
    const a = await value(configHash(settings("high")));
    expect(await value(configHash(settings("high")))).toBe(a);
    expect(await value(configHash(settings("low")))).not.toBe(a);
  });

  it("counts a secret by its ID and update time, never by its values", async () => {
    const secret = (updatedAt: string, secrets: { key: string; value: string }[]) => ({ name: "creds", id: "s-1", updatedAt, secrets: pulumi.secret(secrets) });
    const before = await value(configHash(secret("t1", [{ key: "PASSWORD", value: "one" }])));
    expect(await value(configHash(secret("t1", [{ key: "PASSWORD", value: "two" }])))).toBe(before);
    expect(await value(configHash(secret("t2", [{ key: "PASSWORD", value: "two" }])))).not.toBe(before);
    expect(await pulumi.isSecret(configHash(secret("t1", [])))).toBe(false);
  });
});
