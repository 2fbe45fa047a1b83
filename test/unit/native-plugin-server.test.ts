/**
 * The plugin as its process runs it (`main`), here in the test's process: the SDK's provider server
 * with the calls of `served` in place of its own, progress lines sent to the engine against the
 * resource's URN. The SDK serves one provider per process (hence a file of its own, and one test
 * that starts it and talks to it), and a fake engine takes the log lines.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRequire } from "node:module";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { main } from "../../provider/native/plugin";
import { reportProgress } from "../../provider/framework/progress";
import { emulatorSettings, runtimeAgainstEmulator } from "./runtime-emulator";
import { until } from "./wait";

// The gRPC library of the installed @pulumi/pulumi, whose server the plugin's calls are registered with.
const grpc = createRequire(require.resolve("@pulumi/pulumi"))("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

const env = runtimeAgainstEmulator("native-plugin-server");
const logged: engproto.LogRequest.AsObject[] = [];
let engine: InstanceType<typeof grpc.Server>;
let engineAddress = "";
const clients: { close(): void }[] = [];

beforeAll(async () => {
  engine = new grpc.Server();
  engine.addService(engrpc.EngineService, {
    log: (call: { request: engproto.LogRequest }, callback: (err: null, value: Empty) => void) => {
      logged.push(call.request.toObject());
      callback(null, new Empty());
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) => engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
  engineAddress = `127.0.0.1:${port}`;
});

afterAll(() => {
  for (const client of clients) client.close();
  engine.forceShutdown();
});

/** Starts the plugin as the engine does, with its flags first, then the engine's address; answers a client of the port it prints. */
async function startPlugin(): Promise<InstanceType<typeof provrpc.ResourceProviderClient>> {
  const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
  await main(["--logtostderr", "-v=9", engineAddress]);
  const port = printed.mock.calls.map(([line]) => String(line)).find((line) => /^\d+$/.test(line));
  printed.mockRestore();
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  clients.push(client);
  return client;
}

/** One unary call to the plugin, as the engine makes it. */
function call<Resp>(plugin: InstanceType<typeof provrpc.ResourceProviderClient>, method: "configure" | "create" | "delete", request: unknown): Promise<Resp> {
  return new Promise((resolve, reject) => (plugin[method] as (req: unknown, cb: (err: unknown, resp: Resp) => void) => void).call(plugin, request, (err, resp) => (err ? reject(err) : resolve(resp))));
}

const OBS = { type: "OBS", path: "octopus-user-0123/rosbag/DO202302010834046875241", ak: "ABCTUKMSXXXXXXXXXOKY", sk: "012345jPI3YpmVRVTIbExxxxxxxxx4Pvmkhp0L1s", agreementConfirm: true, packages: ["drive-1"] };

describe("the plugin's process", () => {
  it("serves the SDK's server with the calls served here (configure takes no secrets, resources or outputs; the SDK's would take all three); progress lines go to the engine against the resource's URN, in order, and a line outside a resource's call against none", async () => {
    const plugin = await startPlugin();
    const configure = new provproto.ConfigureRequest();
    for (const [key, value] of Object.entries(emulatorSettings(env.emu))) configure.getVariablesMap().set(`edgeai:config:${key}`, value);
    const configured = await call<provproto.ConfigureResponse>(plugin, "configure", configure);
    expect(configured.toObject()).toMatchObject({ acceptsecrets: false, acceptresources: false, acceptoutputs: false });

    await env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 0, import_outcome: "SUCCESS" });
    const urn = "urn:pulumi:dev::fleet::edgeai:octopus:ImportTask::logged";
    const create = new provproto.CreateRequest();
    create.setUrn(urn);
    create.setProperties(structproto.Struct.fromJavaScript(OBS));
    const made = await call<provproto.CreateResponse>(plugin, "create", create);
    await env.emu.control("PUT", "/__emulator/octopus/timing", { duration_ms: 2000 });
    reportProgress("between calls");
    const lines = await until("the progress lines and the one between calls at the engine", () => logged.some((line) => line.message === "between calls") && logged);
    // The import's wait reports its end on the task's row; the line sent after it comes after it.
    expect(lines.filter((line) => line.urn === urn).map((line) => line.message)).toEqual([expect.stringMatching(/^import task DCL\d{13} \(1 package\(s\) from octopus-user-0123\/rosbag\/DO202302010834046875241\): SUCCESS \(1\/1 imported\) \(\d+s\)$/)]);
    expect(lines.at(-1)).toMatchObject({ severity: engproto.LogSeverity.INFO, message: "between calls", urn: "" });
    expect(lines.every((line) => line.severity === engproto.LogSeverity.INFO)).toBe(true);

    const remove = new provproto.DeleteRequest();
    remove.setId(made.getId());
    remove.setUrn(urn);
    remove.setProperties(made.getProperties());
    await call(plugin, "delete", remove);
  });
});
