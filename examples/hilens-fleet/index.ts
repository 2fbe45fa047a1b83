import * as pulumi from "@pulumi/pulumi";
import { hilens } from "pulumi-edgeai";

const config = new pulumi.Config();
const sites = ["entrance", "checkout", "stockroom"];

const workspace = new hilens.Workspace("fleet", {
  name: config.get("workspaceName") ?? "store-fleet",
  description: "People counting in the store",
});

// What the app reads at start: tuning from a config map, the upload key from a secret.
const settings = new hilens.ConfigMap("counter-settings", {
  name: "counter-settings",
  configs: [
    { key: "THRESHOLD", value: config.get("threshold") ?? "high" },
    { key: "REPORT_INTERVAL_SECONDS", value: "60" },
  ],
  workspaceId: workspace.workspaceId,
});
const upload = new hilens.Secret("upload-key", {
  name: "upload-key",
  secrets: [{ key: "OBS_SECRET", value: config.getSecret("obsSecret") ?? pulumi.secret("change-me-in-stack-config") }],
  workspaceId: workspace.workspaceId,
});

// One camera per site. Each registration returns a one-time package (certificate and private
// key) to install on the device: a secret output, kept in state.
const cameras = sites.map(
  (site) =>
    new hilens.Device(`camera-${site}`, {
      name: `camera-${site}`,
      description: `Camera at the ${site}`,
      tags: [
        { key: "site", value: site },
        { key: "role", value: "counter" },
      ],
      logConfigs: [{ component: "app", type: "local", size: 100 }],
      firmwareVersion: config.get("firmwareVersion"),
      workspaceId: workspace.workspaceId,
    }),
);

// The app on every camera. `configHash` changes whenever the config map or the secret does, so
// the instances restart and read the new values. `up` waits until every instance is ready.
const counter = new hilens.Deployment(
  "people-counter",
  {
    name: "people-counter",
    description: "Counts people crossing the line",
    nodeIds: cameras.map((c) => c.id),
    replicas: cameras.length,
    configHash: hilens.configHash(settings, upload),
    tags: [{ key: "model", value: "counter-1.4.0" }],
    template: {
      configs: { restartPolicy: "Always" },
      apps: [
        {
          name: "people-counter",
          appUrl: "swr.cn-north-4.myhuaweicloud.com/store-vision/people-counter:1.4.0",
          version: "1.4.0",
          resources: { limits: { cpu: 1, memory: 512 }, requests: { cpu: 0.5, memory: 256 } },
          envs: [
            { name: "THRESHOLD", valueFrom: { configmap: { name: settings.name, key: "THRESHOLD" } } },
            { name: "OBS_SECRET", valueFrom: { secret: { name: upload.name, key: "OBS_SECRET" } } },
            { name: "DEVICE_IP", fieldPath: "status.hostIP" },
          ],
          volumes: [{ name: "settings", type: "configMap", source: settings.name, destination: "/etc/counter", readOnly: true }],
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 } },
        },
      ],
    },
  },
  { customTimeouts: { create: "10m", update: "10m" } },
);

// A task for the entrance camera's stream; results go to DIS.
new hilens.DeploymentJob("entrance-stream", {
  deploymentId: counter.id,
  name: "entrance-stream",
  streams: [{ input: { type: "camera", data: { rtspUrl: "rtsp://192.168.1.20/live" } }, outputs: [{ type: "dis", data: { streamName: "people-entrance" } }] }],
});

export const workspaceId = workspace.workspaceId;
export const cameraIds = cameras.map((c) => c.id);
export const entrancePackage = cameras[0].package; // secret: `pulumi stack output --show-secrets entrancePackage`
export const deploymentState = counter.state;
export const readyReplicas = counter.readyReplicas;
export const instances = hilens.getDeploymentInstancesOutput({ deploymentId: counter.id }).apply((r) => r.instances.map((i) => `${i.name}: ${i.status}`));
export const availableFirmware = hilens.getFirmwaresOutput({ deviceType: cameras[0].type.apply((t) => t ?? "General ARM Device") }).apply((r) => r.firmwares.map((f) => f.version));
