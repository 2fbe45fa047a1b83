#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULTS, startEmulator } from "./server";

/** `edgeai-emulator --port P --data DIR --access-key AK --secret-key SK --project-id PID` */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: String(DEFAULTS.port) },
    data: { type: "string", default: DEFAULTS.dataDir },
    "access-key": { type: "string", default: DEFAULTS.accessKey },
    "secret-key": { type: "string", default: DEFAULTS.secretKey },
    "project-id": { type: "string", default: DEFAULTS.projectId },
    "user-name": { type: "string", default: DEFAULTS.userName },
    password: { type: "string", default: DEFAULTS.password },
    "domain-name": { type: "string", default: DEFAULTS.domainName },
    "tensorbay-access-key": { type: "string", multiple: true, default: [DEFAULTS.tensorbayAccessKey] },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log("usage: edgeai-emulator [--port 8787] [--data .edgeai-emulator] [--access-key AK] [--secret-key SK] [--project-id PID] [--user-name U --password P --domain-name D] [--tensorbay-access-key Accesskey-… (repeatable)]");
  process.exit(0);
}

startEmulator({
  port: Number(values.port),
  dataDir: values.data!,
  credentials: [{ accessKey: values["access-key"]!, secretKey: values["secret-key"]!, projectId: values["project-id"]! }],
  users: [{ name: values["user-name"]!, password: values.password!, domain: values["domain-name"]! }],
  tensorbayAccessKeys: values["tensorbay-access-key"],
}).then((emu) => {
  // The secret key is never printed.
  console.log(`edgeai-emulator listening on ${emu.url} (project ${values["project-id"]}, data ${values.data})`);
  const stop = () => emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
});
