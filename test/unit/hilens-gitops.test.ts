import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { deploymentsOf, fleetJsonSchema, loadFleet, parseFleet, parseFleetFiles, releaseName } from "../../examples/gitops-fleet/fleet";
import { hilens } from "../../provider";

const EXAMPLE = join(__dirname, "../../examples/gitops-fleet");
const lines = (...l: string[]) => l.join("\n") + "\n";
const MODELS = lines("models:", "  counter:", "    image: x");

describe("examples/gitops-fleet: the shipped manifests", () => {
  it("fleet.d/ is valid and implies one deployment per model version in use", () => {
    expect(deploymentsOf(loadFleet(join(EXAMPLE, "fleet.d")))).toEqual([
      { model: "people-counter", version: "1.4.0", name: expect.stringMatching(/^people-counter-1-4-0-[0-9a-f]{6}$/), devices: ["store1-entrance", "store1-checkout"] },
      { model: "shelf-monitor", version: "0.9.2", name: expect.stringMatching(/^shelf-monitor-0-9-2-[0-9a-f]{6}$/), devices: ["store1-aisle3"] },
    ]);
  });

  it("every manifest points editors at fleet.schema.json, which is generated from the zod schema (regenerate: npx ts-node gen-schema.ts)", () => {
    for (const file of readdirSync(join(EXAMPLE, "fleet.d"))) expect(readFileSync(join(EXAMPLE, "fleet.d", file), "utf8").split("\n")[0], file).toBe("# yaml-language-server: $schema=../fleet.schema.json");
    expect(readFileSync(join(EXAMPLE, "fleet.schema.json"), "utf8")).toBe(fleetJsonSchema());
    const schema = JSON.parse(fleetJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.devices.items.properties)).toEqual(["name", "tags", "runs", "firmware", "enabled", "retired"]);
    expect(schema.properties.devices.items.properties.retired.description).toContain("set retired: true");
  });
});

describe("derived deployment names", () => {
  it("are unique where cutting or normalising would make two releases read the same", () => {
    const a = releaseName("people-counter-extended-edition", "1.4.0");
    const b = releaseName("people-counter-extended-edition", "1.5.0");
    expect(a).not.toBe(b);
    expect(releaseName("cam", "1.0.0")).not.toBe(releaseName("cam", "1.0_0"));
    for (const name of [a, b, releaseName("cam", "1.0.0"), releaseName("cam", "1.0_0"), releaseName("x", "V2.RC_1")]) {
      expect(name.length).toBeLessThanOrEqual(32);
      expect(hilens.deploymentDefinition.inputs.shape.name.safeParse(name).success, name).toBe(true);
    }
  });

  it("are stable: they depend on the release alone, and a valid <model>-<version> is kept as is", () => {
    expect(releaseName("cam", "1.0.0")).toBe(releaseName("cam", "1.0.0"));
    expect(releaseName("cam", "v2")).toBe("cam-v2");
    const one = deploymentsOf(parseFleet(MODELS + lines("devices:", "  - name: a", "    runs: counter@1.0.0"), "f.yaml"));
    const two = deploymentsOf(parseFleet(MODELS + lines("devices:", "  - name: b", "    runs: counter@0.9", "  - name: a", "    runs: counter@1.0.0"), "f.yaml"));
    expect(two.find((r) => r.version === "1.0.0")!.name).toBe(one[0].name);
  });
});

describe("the provider's rules, reused", () => {
  it("accepts what the provider accepts (a device named 摄像头1) and rejects what it rejects, with the provider's message", () => {
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: 摄像头1", "    runs: counter@1.0.0"), "f.yaml")).not.toThrow();
    expect(hilens.deviceDefinition.inputs.shape.name.safeParse("摄像头1").success).toBe(true);
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: cam 2", "    runs: counter@1.0.0"), "f.yaml")).toThrow(/^f\.yaml:5:11: devices\[0\]\.name: must be 1-64 Chinese characters, letters, digits, '_' or '-' \(HiLens §5\.1\.2/);
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: cam", "    tags: { site: a.b }", "    runs: counter@1.0.0"), "f.yaml")).toThrow(/^f\.yaml:6:19: devices\[0\]\.tags\.site: must match .*§5\.1\.2/);
  });
});

describe("one error per problem, at the offending key's own line:column", () => {
  it("a malformed `runs` gives one message (no 'bad version undefined'); an unknown key points at itself", () => {
    const text = lines("models:", "  counter:", "    image: x", "    cpu: lots", "devices:", "  - name: cam-1", "    runs: counter", "  - name: cam-2", "    runs: counter@1.0.0", "    colour: red");
    let message = "";
    try {
      parseFleet(text, "fleet.yaml");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "fleet.yaml:4:10: models.counter.cpu: Invalid input: expected number, received string",
      'fleet.yaml:7:11: devices[0].runs: must be "<model>@<version>", e.g. people-counter@1.4.0',
      "fleet.yaml:10:5: devices[1].colour: unknown key (expected one of: name, tags, runs, firmware, enabled, retired)",
    ]);
  });

  it("names the unknown model a device runs, a bad version, and YAML syntax errors by line", () => {
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: cam-1", "    runs: tracker@2.0.0"), "fleet.yaml")).toThrow("fleet.yaml:6:11: devices[0].runs: unknown model tracker (models: counter)");
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: cam-1", "    runs: counter"), "fleet.yaml")).toThrow(/^fleet\.yaml:6:11: devices\[0\]\.runs: must be "<model>@<version>"/);
    expect(() => parseFleet(MODELS + lines("devices:", "  - name: cam-1", "    runs: counter@1/0"), "fleet.yaml")).toThrow(/^fleet\.yaml:6:11: devices\[0\]\.runs: version "1\/0": must match/);
    expect(() => parseFleet("models: {\ndevices: [", "fleet.yaml")).toThrow(/^fleet\.yaml:\d+:\d+: /);
  });
});

describe("a directory of manifests, merged and validated as a whole", () => {
  const files = (...f: [string, string][]) => f.map(([file, text]) => ({ file, text }));

  it("merges models and devices from every file", () => {
    const fleet = parseFleetFiles(files(["fleet.d/models.yaml", MODELS], ["fleet.d/site-a.yaml", lines("devices:", "  - name: a1", "    runs: counter@1.0.0")], ["fleet.d/site-b.yaml", lines("devices:", "  - name: b1", "    runs: counter@1.0.0")]));
    expect(deploymentsOf(fleet).map((r) => r.devices)).toEqual([["a1", "b1"]]);
  });

  it("reports problems across files at their own file, line and column", () => {
    const run = () =>
      parseFleetFiles(
        files(
          ["fleet.d/models.yaml", MODELS],
          ["fleet.d/site-a.yaml", lines("devices:", "  - name: cam-1", "    runs: counter@1.0.0")],
          ["fleet.d/site-b.yaml", lines("# site b", "devices:", "  - name: cam-1", "    runs: counter@1.0.0", "  - name: cam-2", "    runs: tracker@1.0.0")],
        ),
      );
    expect(run).toThrow(["fleet.d/site-b.yaml:3:11: devices[0].name: duplicates device cam-1 (devices[0])", "fleet.d/site-b.yaml:6:11: devices[1].runs: unknown model tracker (models: counter)"].join("\n"));
  });

  it("refuses a model defined in two files, naming both places", () => {
    expect(() => parseFleetFiles(files(["fleet.d/a.yaml", MODELS], ["fleet.d/b.yaml", lines("# again", MODELS.trimEnd())]))).toThrow("fleet.d/b.yaml:3:3: models.counter: defined twice (also at fleet.d/a.yaml:2:3)");
  });

  it("two releases that would deploy under one name are refused at the second device's runs", () => {
    // Only possible when a clean <model>-<version> collides with another release's hashed name: simulated by a
    // model whose name plus version reads exactly like the other release's derived name.
    const hashed = releaseName("cam", "1.0_0");
    const [, version] = /^cam-(.*)$/.exec(hashed)!;
    const text = lines("models:", "  cam:", "    image: x", "devices:", "  - name: a", "    runs: cam@1.0_0", "  - name: b", `    runs: cam@${version}`);
    expect(() => parseFleet(text, "f.yaml")).toThrow(`f.yaml:8:11: devices[1].runs: cam@${version} and cam@1.0_0 (devices[0]) would both deploy as "${hashed}"`);
  });
});

describe("devices are kept unless retired", () => {
  it("a retired device leaves its deployment (and needs no model)", () => {
    const fleet = parseFleet(MODELS + lines("devices:", "  - name: a", "    runs: counter@1.0.0", "  - name: b", "    runs: counter@1.0.0", "    retired: true", "  - name: c", "    retired: true"), "f.yaml");
    expect(deploymentsOf(fleet).map((r) => r.devices)).toEqual([["a"]]);
    expect(fleet.devices.map((d) => [d.name, d.retired])).toEqual([["a", false], ["b", true], ["c", true]]);
  });
});

describe("running it continuously: the CI workflow examples", () => {
  it("GitHub Actions: previews pull requests, applies on merge one at a time, detects drift on a schedule", () => {
    const wf = parse(readFileSync(join(EXAMPLE, "ci/github-actions.yml"), "utf8"));
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(["pull_request", "push", "schedule"]));
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
    const step = (job: string) => wf.jobs[job].steps.find((s: { uses?: string; run?: string }) => s.uses?.startsWith("pulumi/actions") || s.run?.startsWith("pulumi "));
    expect(wf.jobs.preview.if).toContain("pull_request");
    expect(step("preview").with.command).toBe("preview");
    expect(wf.jobs.up.if).toContain("push");
    expect(step("up").with.command).toBe("up");
    expect(wf.jobs.drift.if).toContain("schedule");
    expect(wf.jobs.drift.steps.map((s: { run?: string }) => s.run ?? "").join("\n")).toMatch(/pulumi refresh .*--expect-no-changes/);
  });

  it("GitLab CI: the same three jobs", () => {
    const ci = parse(readFileSync(join(EXAMPLE, "ci/gitlab-ci.yml"), "utf8"));
    expect(ci.preview.script.join("\n")).toContain("pulumi preview");
    expect(ci.up.script.join("\n")).toContain("pulumi up");
    expect(ci.drift.script.join("\n")).toMatch(/pulumi refresh .*--expect-no-changes/);
    expect(ci.drift.rules[0].if).toContain("schedule");
  });
});
