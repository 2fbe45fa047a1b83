import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { hilens } from "pulumi-edgeai";
import { FleetFileError, deploymentsOf, loadFleet } from "./fleet";

const config = new pulumi.Config();
// The manifests: every fleet.d/*.yaml (one per site or device group), merged and validated as a whole.
const file = config.get("fleet") ?? join(__dirname, "fleet.d");

function load() {
  try {
    return loadFleet(file);
  } catch (err) {
    // A clear "file:line:column: field: rule" instead of a stack trace.
    if (err instanceof FleetFileError) throw new pulumi.RunError(`invalid fleet manifests:\n${err.message}`);
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

// A device is hardware with a certificate: deleting its entry only removes it from the stack
// (retainOnDelete) and it stays registered. `retired: true` lifts that protection and takes it
// out of its deployment; deleting the entry afterwards deregisters it.
const devices = Object.fromEntries(
  fleet.devices.map((d) => [
    d.name,
    new hilens.Device(
      d.name,
      {
        name: d.name,
        tags: Object.entries(d.tags).map(([key, value]) => ({ key, value })),
        firmwareVersion: d.firmware,
        enabled: d.enabled,
      },
      { retainOnDelete: !d.retired },
    ),
  ]),
);

// Each model version in use is one deployment on the devices that run it. Moving a device to
// another version adds it to that version's deployment in place (batch deploy) and deletes its
// instance from the deployment it leaves, in place too (see hilens.Deployment `nodeIds`).
// Deployment names are unique and stable: `<model>-<version>` when that is a valid name, else a
// readable prefix and a short hash of the release (fleet.ts `releaseName`).
const deployments = deploymentsOf(fleet).map(({ model, version, name, devices: names }) => {
  const m = fleet.models[model];
  const cm = settings[model];
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
export const retired = fleet.devices.filter((d) => d.retired).map((d) => `${d.name}: deregistered when its entry is deleted`);
export const releases = Object.fromEntries(deployments.map(({ name, deployment }) => [name, deployment.state]));
