import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { hilens } from "pulumi-edgeai";
import { FleetFileError, deploymentsOf, loadFleet } from "./fleet";

const config = new pulumi.Config();
const file = config.get("fleetFile") ?? join(__dirname, "fleet.yaml");

function load() {
  try {
    return loadFleet(file);
  } catch (err) {
    // A clear "file:line:column: field: rule" instead of a stack trace.
    if (err instanceof FleetFileError) throw new pulumi.RunError(`invalid fleet file:\n${err.message}`);
    throw err;
  }
}
const fleet = load();

// One config map per model with settings: what its app reads at start.
const settings = Object.fromEntries(
  Object.entries(fleet.models)
    .filter(([, m]) => Object.keys(m.settings).length > 0)
    .map(([model, m]) => [model, new hilens.ConfigMap(`${model}-settings`, { name: `${model}-settings`, configs: Object.entries(m.settings).map(([key, value]) => ({ key, value })) })]),
);

const devices = Object.fromEntries(
  fleet.devices.map((d) => [
    d.name,
    new hilens.Device(d.name, {
      name: d.name,
      tags: Object.entries(d.tags).map(([key, value]) => ({ key, value })),
      firmwareVersion: d.firmware,
      enabled: d.enabled,
    }),
  ]),
);

// Each model version in use is one deployment on the devices that run it. Moving a device to
// another version adds it to that version's deployment in place (batch deploy), and replaces the
// deployment it leaves (see hilens.Deployment `nodeIds`).
const deployments = deploymentsOf(fleet).map(({ model, version, devices: names }) => {
  const m = fleet.models[model];
  const cm = settings[model];
  const name = `${model}-${version.replace(/[._]/g, "-")}`.slice(0, 32).replace(/-+$/, "");
  const deployment = new hilens.Deployment(name, {
    name,
    description: `${model} ${version}`,
    nodeIds: names.map((n) => devices[n].id),
    replicas: names.length,
    configHash: cm ? hilens.configHash(cm) : undefined,
    tags: [
      { key: "model", value: model },
      { key: "version", value: version },
    ],
    template: {
      configs: { restartPolicy: "Always" },
      apps: [
        {
          name: model,
          appUrl: `${m.image}:${version}`,
          version,
          resources: { limits: { cpu: m.cpu, memory: m.memory } },
          envs: cm ? Object.keys(m.settings).map((key) => ({ name: key, valueFrom: { configmap: { name: cm.name, key } } })) : undefined,
        },
      ],
    },
  });
  return { name, deployment };
});

export const deviceStates = Object.fromEntries(Object.entries(devices).map(([n, d]) => [n, d.state]));
export const releases = Object.fromEntries(deployments.map(({ name, deployment }) => [name, deployment.state]));
