#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULTS, EmulatorOptions, startEmulator } from "./server";
import { formatFaultMode, parseFaultSpec } from "./faults";

export const USAGE = `usage: edgeai-emulator [--host 127.0.0.1] [--port 8787] [--data .edgeai-emulator]
  [--access-key AK] [--secret-key SK] [--project-id PID]
  [--user-name U --password P --domain-name D] [--tensorbay-access-key Accesskey-… (repeatable)]
  [--control-token TOKEN]   token the /__emulator/* control routes require in X-Emulator-Token (default: generated and printed)
  [--faults SPEC]           e.g. 'rate=0.1,seed=42,kinds=429,500,503,reset,lost,latency=20ms'`;

/** `edgeai-emulator …` arguments → the options of `startEmulator` (throws on a bad argument or fault spec). */
export function parseCli(argv: string[]): { help: true } | { help: false; options: EmulatorOptions } {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: DEFAULTS.host },
      port: { type: "string", default: String(DEFAULTS.port) },
      data: { type: "string", default: DEFAULTS.dataDir },
      "access-key": { type: "string", default: DEFAULTS.accessKey },
      "secret-key": { type: "string", default: DEFAULTS.secretKey },
      "project-id": { type: "string", default: DEFAULTS.projectId },
      "user-name": { type: "string", default: DEFAULTS.userName },
      password: { type: "string", default: DEFAULTS.password },
      "domain-name": { type: "string", default: DEFAULTS.domainName },
      "tensorbay-access-key": { type: "string", multiple: true, default: [DEFAULTS.tensorbayAccessKey] },
      "control-token": { type: "string" },
      faults: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return { help: true };
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port number`);
  if (values["control-token"] === "") throw new Error("--control-token must not be empty");
  return {
    help: false,
    options: {
      host: values.host!,
      port,
      dataDir: values.data!,
      credentials: [{ accessKey: values["access-key"]!, secretKey: values["secret-key"]!, projectId: values["project-id"]! }],
      users: [{ name: values["user-name"]!, password: values.password!, domain: values["domain-name"]! }],
      tensorbayAccessKeys: values["tensorbay-access-key"],
      ...(values["control-token"] !== undefined ? { controlToken: values["control-token"] } : {}),
      ...(values.faults !== undefined ? { faults: parseFaultSpec(values.faults) } : {}),
    },
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`edgeai-emulator: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const { options } = parsed;
  const emu = await startEmulator(options);
  // The secret key is never printed; the control token is, unless it was given (the caller has it).
  const project = options.credentials[0].projectId;
  console.log(`edgeai-emulator listening on ${emu.url} (project ${project}, data ${options.dataDir})`);
  if (options.controlToken === undefined) console.log(`edgeai-emulator control token: ${emu.controlToken} (send it as X-Emulator-Token to /__emulator/* routes)`);
  if (emu.faults) console.log(`edgeai-emulator faults: ${formatFaultMode(emu.faults)} (log: ${options.dataDir}/faults.jsonl)`);
  const stop = () => emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`edgeai-emulator: ${(err as Error).message}`);
    process.exit(1);
  });
}
