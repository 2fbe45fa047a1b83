import { describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { invokeLookup } from "../../provider/framework/lookup";
import type { Context } from "../../provider/framework/definition";
import { lookupFunctions as hilensLookups } from "../../provider/hilens/functions";
import { configureRequest, emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";

const env = runtimeAgainstEmulator("lookup");

/** A context whose every client access fails: what a look-up would use if it ran despite bad arguments. */
const unusable = new Proxy({} as Context, {
  get: (_, key) => {
    throw new Error(`the look-up ran and used ctx.${String(key)}`);
  },
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

const ARM = { deviceType: "General ARM Device" };
const FIRMWARE_VERSIONS = ["1.0.0", "1.1.0", "2.0.0"];

describe("look-ups", () => {
  it("refuse bad arguments without running, naming the function, the argument's path and the rule", async () => {
    const getDevices = hilensLookups.getDevices.definition;
    const nested = await invokeLookup(getDevices, unusable, { tags: [{ key: "fleet", value: "north" }, { key: "not a tag!", value: "v" }] });
    expect(nested).toEqual({ failures: [{ property: "tags.1.key", reason: expect.stringMatching(/^edgeai:hilens:getDevices: argument "tags\.1\.key": .*pattern/) }] });
    // Arguments that are not an object at all (a JavaScript program's mistake): the rule is about all of them.
    const whole = await invokeLookup(getDevices, unusable, "all devices");
    expect(whole).toEqual({ failures: [{ property: "(args)", reason: expect.stringMatching(/^edgeai:hilens:getDevices: argument "\(args\)": .*object/) }] });
  });

  it("run in the program's process with the stack's `edgeai:` configuration, in the plain and the Output form", async () => {
    const before = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(emulatorSettings(env.emu)).map(([key, value]) => [`edgeai:${key}`, value])));
    try {
      // A fresh copy of the package: its look-ups have not read any configuration yet.
      vi.resetModules();
      const { hilens } = await import("../../provider");
      expect((await hilens.getFirmwares(ARM)).firmwares.map((f) => f.version)).toEqual(FIRMWARE_VERSIONS);
      expect((await output(hilens.getFirmwaresOutput(ARM))).firmwares.map((f) => f.version)).toEqual(FIRMWARE_VERSIONS);
    } finally {
      pulumi.runtime.setAllConfig(before);
    }
  });

  it("of pulumi-edgeai/native are invokes the plugin answers: an object as its properties, a list as the single property `result`, unwrapped", async () => {
    // A fresh copy of the package, its plugin configured as the engine configures it.
    vi.resetModules();
    const runtime = await import("../../provider/framework/runtime");
    await runtime.configure(configureRequest(emulatorSettings(env.emu)));
    const { edgeaiProvider } = await import("../../provider/native/plugin");
    const native = await import("../../provider/native");
    const invokes: { token: string; args: Record<string, unknown>; answered: string[] }[] = [];
    await pulumi.runtime.setMocks({
      newResource: () => {
        throw new Error("this program declares no resources");
      },
      call: async ({ token, inputs }) => {
        const { outputs } = await edgeaiProvider.invoke!(token, inputs);
        invokes.push({ token, args: inputs, answered: Object.keys(outputs) });
        return outputs;
      },
    });
    try {
      const specs = await native.octopus.getResourceSpecs({ usage: "TRAINING_TRAIN" });
      expect(specs).toEqual(expect.arrayContaining([expect.objectContaining({ usage: "TRAINING_TRAIN", gpuType: "Pnt1" })]));
      expect(await output(native.octopus.getResourceSpecsOutput({ usage: "TRAINING_TRAIN" }))).toEqual(specs);
      expect((await native.hilens.getFirmwares(ARM)).firmwares.map((f) => f.version)).toEqual(FIRMWARE_VERSIONS);
      expect((await output(native.hilens.getFirmwaresOutput(ARM))).firmwares.map((f) => f.version)).toEqual(FIRMWARE_VERSIONS);
      const specsInvoke = { token: "edgeai:octopus:getResourceSpecs", args: { usage: "TRAINING_TRAIN" }, answered: ["result"] };
      const firmwaresInvoke = { token: "edgeai:hilens:getFirmwares", args: ARM, answered: ["firmwares"] };
      expect(invokes).toEqual([specsInvoke, specsInvoke, firmwaresInvoke, firmwaresInvoke]);
    } finally {
      pulumi.runtime.resetOptions("project", "stack");
    }
  });
});
