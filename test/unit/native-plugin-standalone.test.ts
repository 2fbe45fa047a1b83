/**
 * The plugin started without an engine address (as `pulumi-resource-edgeai` run by hand, or by a
 * tool that only asks it for its schema): it serves anyway, progress lines stay in its own process.
 * The SDK serves one provider per process, hence a file of its own.
 */
import { describe, expect, it, vi } from "vitest";
import { createRequire } from "node:module";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { main } from "../../provider/native/plugin";
import { reportProgress } from "../../provider/framework/progress";

const grpc = createRequire(require.resolve("@pulumi/pulumi"))("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

describe("the plugin's process without an engine", () => {
  it("serves on the port it prints and answers the engine's calls; a progress line has no engine to go to and is not an error", async () => {
    const printed = vi.spyOn(console, "log").mockImplementation(() => undefined);
    await main(["--logtostderr"]);
    const port = printed.mock.calls.map(([line]) => String(line)).find((line) => /^\d+$/.test(line));
    printed.mockRestore();
    expect(port).toMatch(/^\d+$/);
    reportProgress("no engine to take this");
    const plugin = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const info = await new Promise<provproto.PluginInfo>((resolve, reject) => plugin.getPluginInfo(new Empty(), (err, resp) => (err ? reject(err) : resolve(resp))));
      expect(info.getVersion()).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      plugin.close();
    }
  });
});
