/**
 * What a user reads when something goes wrong, through the real CLI: errors that name the
 * setting to fix, no JavaScript stack frames for expected errors, progress lines that say which
 * resource they are about, and previews that say which input forces a replacement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator";
import { cleanup, createStack, startEmulatorForTests, TestStack } from "./harness";

let emulator: Emulator;
const dirs: string[] = [];
beforeAll(async () => {
  emulator = await startEmulatorForTests("errors");
});
afterAll(async () => {
  await emulator?.close();
  for (const dir of dirs) cleanup(dir);
});

async function stackWith(name: string, config: Record<string, { value: string; secret?: boolean }> = {}): Promise<TestStack> {
  const s = await createStack(emulator, name, config);
  dirs.push(s.dir);
  return s;
}

/** A JavaScript stack frame as Node prints it: `    at fn (file.js:1:2)`. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

async function failure(run: Promise<unknown>): Promise<string> {
  const err = await run.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, "the run should fail").toBeDefined();
  return String(err!.message);
}

const configMap = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "hilens.ConfigMap", args: { name, configs: [{ key: "MODEL", value: "yolo" }], ...extra } });

describe("errors that say what to do", () => {
  it("a preview without credentials for a service the program uses fails, naming the settings", async () => {
    const s = await stackWith("nocreds");
    await s.stack.removeAllConfig(["edgeai:accessKey", "edgeai:secretKey"]);
    s.declare([configMap("settings-cm")]);
    const message = await failure(s.previewChanges());
    expect(message).toContain("resource 'settings-cm' has a problem: edgeai: no Huawei Cloud credentials: set edgeai:accessKey/edgeai:secretKey (HW_ACCESS_KEY/HW_SECRET_KEY)");
    expect(message).not.toMatch(STACK_FRAME);
  });

  it("an unreachable endpoint names the endpoint, the setting that chose it and the attempts; retries show as they happen, prefixed with the resource", async () => {
    const s = await stackWith("unreachable", { "edgeai:hilensEndpoint": { value: "http://127.0.0.1:1" }, "edgeai:maxRetries": { value: "2" } });
    s.declare([configMap("far-away")]);
    const message = await failure(s.up());
    expect(message).toMatch(/cannot reach the hilens endpoint http:\/\/127\.0\.0\.1:1 \(set by edgeai:hilensEndpoint\): connect ECONNREFUSED 127\.0\.0\.1:1; 3 attempts made/);
    const output = s.output.join("");
    expect(output).toMatch(/edgeai:hilens:ConfigMap "far-away": hilens POST \/v3\/.*\/ai-mgr\/configmaps: connect ECONNREFUSED 127\.0\.0\.1:1; retrying in \d+\.\ds \(attempt 2 of 3\)/);
    expect(message + output).not.toMatch(STACK_FRAME);
  });

  it("a 401 says which kind of credential was sent and from which settings, never its value", async () => {
    const s = await stackWith("unauthorized", { "edgeai:secretKey": { value: "not-the-secret-key-42", secret: true } });
    s.declare([configMap("refused")]);
    const message = await failure(s.up());
    expect(message).toContain("HTTP 401 APIGW.0301");
    expect(message).toContain("The request was sent with an AK/SK signature (from edgeai:accessKey, edgeai:secretKey)");
    expect(message + s.output.join("")).not.toContain("not-the-secret-key-42");
    expect(message + s.output.join("")).not.toMatch(STACK_FRAME);
  });

  it("API errors on delete and invalid function arguments print their message without stack frames", async () => {
    const s = await stackWith("apierrors");
    s.declare([configMap("kept")]);
    await s.up();
    emulator.inject({ pathPattern: "/ai-mgr/configmaps/[^/]+$", method: "DELETE", status: 400, count: 1 });
    s.declare([]);
    const deleteMessage = await failure(s.up());
    expect(deleteMessage).toMatch(/hilens DELETE \/v3\/.*\/ai-mgr\/configmaps\/.* failed: HTTP 400/);
    expect(deleteMessage + s.output.join("")).not.toMatch(STACK_FRAME);

    s.declare([], {}, [{ name: "firmwares", fn: "hilens.getFirmwaresOutput", args: {} }]);
    const fnMessage = await failure(s.up());
    expect(fnMessage).toContain('edgeai:hilens:getFirmwares: argument "deviceType"');
    expect(fnMessage).not.toContain("unhandled exception");
    expect(fnMessage + s.output.join("")).not.toMatch(STACK_FRAME);
  });

  it("a replacement preview says which input forces it, for the resource and for those it replaces in turn", async () => {
    const s = await stackWith("replace");
    const declare = (wsName: string) =>
      s.declare([
        { name: "ws", type: "hilens.Workspace", args: { name: wsName } },
        configMap("in-ws", { workspaceId: { $ref: "ws.workspaceId" } }),
      ]);
    declare("line-a");
    await s.up();
    declare("line-b");
    // `pulumi preview` as users run it (the `--diff` display leaves out the run's messages).
    const lines: string[] = [];
    const preview = await s.stack.preview({ onOutput: (line) => lines.push(line) });
    expect(preview.changeSummary).toMatchObject({ replace: 2 });
    const output = lines.join("");
    expect(output).toContain('edgeai:hilens:Workspace "ws": will be replaced: "name" (changes; cannot change in place)');
    expect(output).toContain('edgeai:hilens:ConfigMap "in-ws": will be replaced: "workspaceId" (will change: its new value is known only after its dependency is updated or replaced; cannot change in place)');
  });
});
