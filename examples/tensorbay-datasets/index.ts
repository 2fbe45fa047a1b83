import * as pulumi from "@pulumi/pulumi";
import { tensorbay } from "pulumi-edgeai";

// The TensorBay access key comes from `pulumi config set --secret edgeai:tensorbayAccessKey …`
// or TENSORBAY_ACCESS_KEY; it never reaches the state.
const config = new pulumi.Config();

// Where the frames live: an OSS bucket. The credentials are secret in state, previews and outputs.
const storage = new tensorbay.StorageConfig("frames-bucket", {
  name: "frames_oss",
  type: "oss",
  filePath: "datasets/street-scenes",
  endpoint: "oss-cn-qingdao.aliyuncs.com",
  accesskeyId: config.get("ossAccessKeyId") ?? "LTAI-example-id",
  accesskeySecret: config.getSecret("ossAccessKeySecret") ?? pulumi.secret("change-me-in-stack-config"),
  bucketName: "street-frames",
});

const dataset = new tensorbay.Dataset("street-scenes", {
  name: "street_scenes",
  alias: "Street scenes",
  configName: storage.name,
});

// A new dataset has no commit, and branches and tags need one: the first commit is made the
// documented way, a draft on "main" that is then committed.
const initial = new tensorbay.Commit("initial", {
  datasetId: dataset.id,
  title: "Initial commit",
  description: "Empty dataset, ready for the first upload",
});

// Notes are versioned too: they are recorded by a commit of their own on "main".
const notes = new tensorbay.DatasetNote("notes", {
  datasetId: dataset.id,
  isContinuous: true,
}, { dependsOn: [initial] });

const release = new tensorbay.Branch("release", {
  datasetId: dataset.id,
  name: "release",
  commit: initial.commitId,
});

const v1 = new tensorbay.Tag("v1.0", {
  datasetId: dataset.id,
  name: "v1.0",
  commit: initial.commitId,
});

export const datasetId = dataset.id;
export const releaseCommit = release.commitId;
export const taggedCommit = v1.commitId;
export const notesCommit = notes.commitId;
// Functions read the API directly, in plain async and Output form.
export const mainHistory = tensorbay.getCommitsOutput({ datasetId: notes.datasetId, revision: "main" }).apply((r) => r.commits.map((c) => c.title));
export const sameNameDatasets = tensorbay.getDatasetsOutput({ name: dataset.name }).apply((r) => r.datasets.map((d) => d.id));
