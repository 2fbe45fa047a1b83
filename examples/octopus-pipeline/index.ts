import * as pulumi from "@pulumi/pulumi";
import { octopus } from "pulumi-edgeai";

const config = new pulumi.Config();

// The container image the pipeline's operators run. The image itself is built and pushed
// outside Pulumi: `docker push <imageUrl>` after logging in with a PUSH account
// (octopus.getImageVersionAccount). Set `waitForPush: true` to make `up` wait until it has landed.
const images = new octopus.ImageRepo("lidar-images", {
  name: "lidar-pipeline",
  scope: "DATA_CONVERSION",
  description: "Operators of the lidar ingestion pipeline",
});

const image = new octopus.ImageRepoVersion("lidar-image", {
  repoId: images.id,
  description: "clean + mark, built from ./docker",
  waitForStatus: config.getBoolean("waitForPush") ? "PUSHED" : undefined,
});

// The data tags the pipeline writes: a category and the tags in it.
const weather = new octopus.DataTag("weather", { name: "lidar-weather", isTag: false, description: "Weather seen by the lidar" });
const rain = new octopus.DataTag("rain", { name: "lidar-rain", parentId: weather.id, description: "Rain in the frame" });
const fog = new octopus.DataTag("fog", { name: "lidar-fog", parentId: weather.id, description: "Fog in the frame" });

// Two operators running the same image: one cleans the raw frames into a dataset, the other
// marks the frames with the weather tags. Taking the repository id and version number from the
// resources above makes `up` create those first.
const clean = new octopus.Operator("clean", {
  name: "lidar-clean",
  description: "Drops empty and corrupt frames",
  outputType: "DATA_SET",
  visibility: "PRIVATE",
  imageRepoId: images.id,
  imageVersion: image.version,
  config: { command: "python /app/clean.py --drop-empty-frames" },
});

const mark = new octopus.Operator("mark-weather", {
  name: "lidar-mark-weather",
  description: "Tags frames with the weather it detects",
  outputType: "DATA_MARK",
  visibility: "PRIVATE",
  imageRepoId: images.id,
  imageVersion: image.version,
  config: { command: pulumi.interpolate`python /app/mark.py --tags ${rain.id},${fog.id}` },
});

// What the operators can run on: the data-processing resource specs of the cluster.
const specs = octopus.getResourceSpecsOutput({ usage: "DATA_PROCESS" });

// The pipeline. 1. Import the drives' rosbag packages from OBS into the project's data warehouse
// (`up` starts the import and waits until it has succeeded). The OBS key pair is only used to
// read the bucket: keep it in secret config (`pulumi config set --secret obsAccessKey …`).
const warehouseId = config.get("warehouseId") ?? "lidar-warehouse";
const drives = new octopus.ImportTask("drives", {
  path: config.get("obsPath") ?? "octopus-user-lidar/rosbag/2026-11",
  ak: config.requireSecret("obsAccessKey"),
  sk: config.requireSecret("obsSecretKey"),
  packages: ["drive-0001", "drive-0002"],
  agreementConfirm: true,
});

// 2. Run the weather-marking operator over what the import brought in (the import task's id
// selects its data in the warehouse), on the cluster's first data-processing spec, and wait until
// the job has FINISHED: a failed job fails `up` with its reason and the end of its log.
const marking = new octopus.Job("mark-drives", {
  processorId: mark.id,
  dataSource: "DATA_WAREHOUSE",
  dataId: warehouseId,
  warehouseFilters: { dataProcessTaskIds: [drives.id], fileTypes: ["POINT_CLOUD"] },
  warehouseId,
  resourceSpec: specs.apply((list) => list[0].spec),
  waitForStatus: "FINISHED",
});

// 3. A dataset of the frames the job marked rain or fog, and a version of it.
const badWeather = new octopus.Dataset("bad-weather", {
  name: "lidar-bad-weather",
  datasetForm: "DATASET",
  dataSource: "HOUSE",
  dataType: "POINT_CLOUD",
  labelFormat: "OCTOPUS",
  dataSourceInfo: { dataWarehouseId: warehouseId },
  description: "Lidar frames seen in rain or fog",
});
const badWeatherV1 = new octopus.DatasetVersion("bad-weather-v1", {
  datasetId: badWeather.id,
  agreementConfirm: true,
  description: "Frames of the marking job tagged rain or fog",
  warehouseParams: { dataProcessTaskIds: [marking.id], fileTypes: ["POINT_CLOUD"], orTags: [rain.id, fog.id] },
});

export const imageRepoId = images.id;
export const imageUrl = image.url;
export const imageStatus = image.status;
export const operatorIds = { clean: clean.id, markWeather: mark.id };
export const weatherTagIds = { category: weather.id, rain: rain.id, fog: fog.id };
export const importStatus = drives.status;
export const markingJob = { id: marking.id, status: marking.status, resourceSpec: marking.resourceSpec };
export const datasetVersion = { id: badWeatherV1.id, name: badWeatherV1.name };
export const processingSpecs = specs.apply((list) => list.map((s) => `${s.cpu} cores, ${s.memory} GiB${s.gpu ? `, ${s.gpu}x ${s.gpuType}` : ""}`));
