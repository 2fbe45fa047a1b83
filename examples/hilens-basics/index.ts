import * as pulumi from "@pulumi/pulumi";
import { hilens } from "pulumi-edgeai";

const config = new pulumi.Config();

// The workspace every object of this stack lives in.
const workspace = new hilens.Workspace("inspection", {
  name: config.get("workspaceName") ?? "line-inspection",
  description: "Camera fleet of the inspection line",
});

// Plain settings the edge apps read as environment variables.
const settings = new hilens.ConfigMap("detector-settings", {
  name: "detector-settings",
  configs: [
    { key: "MODEL_NAME", value: "yolov8n" },
    { key: "CONFIDENCE_PERCENT", value: "45" },
  ],
  description: "Detector tuning",
  tags: [{ key: "team", value: "vision" }],
  workspaceId: workspace.workspaceId,
});

// Credentials: secret in state, previews and outputs, whatever the program passes.
const upload = new hilens.Secret("upload-credentials", {
  name: "upload-credentials",
  secrets: [{ key: "OBS_SECRET", value: config.getSecret("obsSecret") ?? pulumi.secret("change-me-in-stack-config") }],
  description: "Where results are uploaded",
  workspaceId: workspace.workspaceId,
});

export const workspaceId = workspace.workspaceId;
export const configMapId = settings.id;
export const configMapUpdatedAt = settings.updatedAt;
export const secretId = upload.id;
export const secretKeys = upload.secrets.apply((entries) => entries.map((e) => e.key));
