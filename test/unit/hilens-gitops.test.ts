import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deploymentsOf, parseFleet } from "../../examples/gitops-fleet/fleet";

const EXAMPLE = join(__dirname, "../../examples/gitops-fleet/fleet.yaml");

describe("examples/gitops-fleet: fleet.yaml", () => {
  it("the shipped fleet is valid and implies one deployment per model version in use", () => {
    const fleet = parseFleet(readFileSync(EXAMPLE, "utf8"), "fleet.yaml");
    expect(deploymentsOf(fleet)).toEqual([
      { model: "people-counter", version: "1.4.0", devices: ["store1-entrance", "store1-checkout"] },
      { model: "shelf-monitor", version: "0.9.2", devices: ["store1-aisle3"] },
    ]);
  });

  it("reports file, line, column and field for every problem", () => {
    const text = ["models:", "  counter:", "    image: x", "    cpu: lots", "devices:", "  - name: cam-1", "    runs: counter", "  - name: cam 2", "    runs: counter@1.0.0", ""].join("\n");
    expect(() => parseFleet(text, "fleet.yaml")).toThrow(
      [
        "fleet.yaml:4:10: models.counter.cpu: Invalid input: expected number, received string",
        'fleet.yaml:7:11: devices[0].runs: must be "<model>@<version>", e.g. people-counter@1.4.0',
        "fleet.yaml:8:11: devices[1].name: 1-64 letters, digits, '_' or '-'",
      ].join("\n"),
    );
  });

  it("names the unknown model a device runs, and YAML syntax errors by line", () => {
    const unknown = ["models:", "  counter:", "    image: x", "devices:", "  - name: cam-1", "    runs: tracker@2.0.0", ""].join("\n");
    expect(() => parseFleet(unknown, "fleet.yaml")).toThrow("fleet.yaml:6:11: devices[0].runs: unknown model tracker (models: counter)");
    expect(() => parseFleet("models: {\ndevices: [", "fleet.yaml")).toThrow(/^fleet\.yaml:\d+:\d+: /);
  });
});
