import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, DEFAULTS, Emulator } from "../../emulator";
import type { Clock } from "../../emulator/clock";
import { configure } from "../../provider/framework/runtime";
import { contextFor } from "../../provider/framework/context";
import type { Context } from "../../provider/framework/definition";
import { resolveConfig } from "../../provider/config";

/** The `edgeai:` stack config (without the prefix) that points every service at `emu`, with its credentials and no retries. */
export function emulatorSettings(emu: Emulator): Record<string, string> {
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

/** The engine's configure request of a provider whose stack config is `settings`. */
export function configureRequest(settings: Record<string, string>): Parameters<typeof configure>[0] {
  return { config: { get: (key: string) => settings[key.replace(/^edgeai:/, "")] } } as never;
}

/**
 * One in-process emulator for a test file, with the provider's runtime configured against it
 * (HiLens and Octopus with AK/SK, TensorBay with its access key, no retries), the way the engine configures
 * the provider; `options.clock` drives the emulator's time (a `ManualClock` the tests advance). `env.emu` is set
 * once the file's `beforeAll` hooks run.
 */
export function runtimeAgainstEmulator(name: string, options: { clock?: Clock } = {}): { emu: Emulator } {
  const env = {} as { emu: Emulator };
  let dataDir = "";
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `edgeai-${name}-`));
    env.emu = await startEmulator({ dataDir, clock: options.clock, credentials: [{ accessKey: DEFAULTS.accessKey, secretKey: DEFAULTS.secretKey, projectId: DEFAULTS.projectId }] });
    await configure(configureRequest(emulatorSettings(env.emu)));
  });
  afterAll(async () => {
    await env.emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return env;
}

/**
 * The provider's context (its lazy HiLens and Octopus clients) against `url`, e.g. a scripted server's,
 * with the emulator's default project and AK/SK and no retries unless told: for calling a definition's `api`
 * directly on answers the emulator never gives.
 */
export function huaweiContextAt(url: string, options: { maxRetries?: number } = {}): Context {
  const env = { HW_HILENS_ENDPOINT: url, HW_OCTOPUS_ENDPOINT: url, HW_PROJECT_ID: DEFAULTS.projectId, HW_ACCESS_KEY: DEFAULTS.accessKey, HW_SECRET_KEY: DEFAULTS.secretKey, HW_MAX_RETRIES: String(options.maxRetries ?? 0) };
  return contextFor(resolveConfig(() => undefined, env));
}
