import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import type { Clock } from "../../emulator/clock";
import { configure } from "../../provider/framework/runtime";

/** The provider's configuration (keys without `edgeai:`) against an emulator: HiLens and Octopus with AK/SK, TensorBay with its access key, no retries. */
export function emulatorConfig(emu: Emulator): Record<string, string> {
  return {
    hilensEndpoint: emu.url,
    octopusEndpoint: emu.url,
    projectId: DEFAULTS.projectId,
    accessKey: DEFAULTS.accessKey,
    secretKey: DEFAULTS.secretKey,
    tensorbayEndpoint: `${emu.url}/gatewayv2/tensorbay-open-api`,
    tensorbayAccessKey: DEFAULTS.tensorbayAccessKey,
    maxRetries: "0",
  };
}

/**
 * One in-process emulator for a test file, with the provider's runtime configured against it
 * (`emulatorConfig`), the way the engine configures
 * the provider; `options.clock` drives the emulator's time (a `ManualClock` the tests advance). `env.emu` is set
 * once the file's `beforeAll` hooks run.
 */
export function runtimeAgainstEmulator(name: string, options: { clock?: Clock } = {}): { emu: Emulator } {
  const env = {} as { emu: Emulator };
  let dataDir = "";
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `edgeai-${name}-`));
    env.emu = await startEmulator({ dataDir, clock: options.clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
    const values = emulatorConfig(env.emu);
    await configure({ config: { get: (key: string) => values[key.replace(/^edgeai:/, "")] } } as never);
  });
  afterAll(async () => {
    await env.emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}
