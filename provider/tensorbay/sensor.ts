import { z } from "zod";
import { defineResource, importIdField } from "../framework/definition";
import type { Context } from "../framework/definition";
import { InputError } from "../client/errors";
import { compact } from "../framework/case";
import { branchNameField, commitDraft, datasetIdField } from "./common";
import { fieldIssue } from "../framework/validate";
import { segmentNameRule } from "./segment";

/** SDK `sensor/sensor.py` SensorType. */
const SENSOR_TYPES = ["LIDAR", "RADAR", "CAMERA", "FISHEYE_CAMERA"] as const;
const CAMERAS = new Set<string>(["CAMERA", "FISHEYE_CAMERA"]);

const coordinate = (axis: string) => z.number().describe(`${axis} coordinate.`);

/** SDK `geometry/transform.py` `Transform3D.dumps`: translation and rotation quaternion. */
const extrinsics = z
  .object({
    translation: z.object({ x: coordinate("x"), y: coordinate("y"), z: coordinate("z") }).describe("Position of the sensor in the vehicle frame."),
    rotation: z.object({ w: coordinate("w"), x: coordinate("x"), y: coordinate("y"), z: coordinate("z") }).describe("Orientation as a quaternion (w, x, y, z)."),
  })
  .describe("Where the sensor is mounted (UploadSensor `extrinsics`).");

const coefficient = (name: string) => z.number().optional().describe(`Distortion coefficient ${name}.`);

/** SDK `sensor/intrinsics.py` `CameraIntrinsics.dumps`: camera matrix and distortion coefficients. */
const intrinsics = z
  .object({
    cameraMatrix: z
      .object({
        fx: z.number().describe("Focal length along x, in pixels."),
        fy: z.number().describe("Focal length along y, in pixels."),
        cx: z.number().describe("x of the principal point, in pixels."),
        cy: z.number().describe("y of the principal point, in pixels."),
        skew: z.number().default(0).describe("Skew (default 0)."),
      })
      .describe("The camera matrix."),
    distortionCoefficients: z
      .object({ p1: coefficient("p1 (tangential)"), p2: coefficient("p2 (tangential)"), k1: coefficient("k1 (radial)"), k2: coefficient("k2 (radial)"), k3: coefficient("k3 (radial)"), k4: coefficient("k4 (radial)"), k5: coefficient("k5 (radial)"), k6: coefficient("k6 (radial)") })
      .optional()
      .describe("Lens distortion coefficients."),
  })
  .describe("Camera intrinsics (UploadSensor `intrinsics`): CAMERA and FISHEYE_CAMERA only.");

const inputs = z
  .object({
    datasetId: datasetIdField,
    branchName: branchNameField,
    segmentName: segmentNameRule.describe("The fusion segment the sensor belongs to (a `tensorbay.Segment`'s `name`; UploadSensor `segmentName`). Changing it replaces the sensor."),
    name: z.string().min(1, { message: "is required" }).describe("Sensor name, unique in its segment (UploadSensor `name`). Changing it replaces the sensor."),
    type: z.enum(SENSOR_TYPES).describe('"LIDAR", "RADAR", "CAMERA" or "FISHEYE_CAMERA" (UploadSensor `type`). Updated in place.'),
    description: z.string().min(1, { message: "must not be empty (omit it instead)" }).optional().describe("Sensor description. Updated in place."),
    extrinsics: extrinsics.optional(),
    intrinsics: intrinsics.optional(),
    importId: importIdField,
  })
  .superRefine((sensor, issues) => {
    if (sensor.intrinsics !== undefined && !CAMERAS.has(sensor.type)) fieldIssue(issues, ["intrinsics"], `applies only to CAMERA and FISHEYE_CAMERA sensors, not ${sensor.type}`);
  });

const outputs = z.object({
  commitId: z.string().optional().describe("The commit that last uploaded the sensor (unknown for an imported one)."),
});

type Inputs = z.infer<typeof inputs>;
type WireSensor = { name: string; type: Inputs["type"]; description?: string; extrinsics?: unknown; intrinsics?: unknown };

/** The sensor at the branch head: ListSensor with the branch as revision (SDK `FusionSegmentClient.get_sensors`; not paged). */
async function find(ctx: Context, sensor: Pick<Inputs, "datasetId" | "branchName" | "segmentName">, name: string) {
  const body = await ctx.tensorbay.call("GET /v1/datasets/{datasetId}/sensors", { datasetId: sensor.datasetId }, { query: { segmentName: sensor.segmentName, commit: sensor.branchName } });
  const found = (body?.sensors as WireSensor[] | undefined)?.find((s) => s.name === name);
  if (!found) return undefined;
  // Read through the schemas, so defaults the server leaves out (skew 0) compare equal.
  const live = { name: found.name, type: found.type, description: found.description || undefined, extrinsics: extrinsics.safeParse(found.extrinsics).data ?? found.extrinsics, intrinsics: intrinsics.safeParse(found.intrinsics).data ?? found.intrinsics };
  return { inputs: live as Partial<Inputs>, state: {} };
}

/**
 * UploadSensor in a draft, committed (SDK `upload_sensor`: `Sensor.dumps()` plus `segmentName`
 * and the draft). An upload replaces the sensor of that name, so it is also the in-place update.
 */
async function upload(ctx: Context, sensor: Inputs, title: string): Promise<{ commitId: string }> {
  const { datasetId } = sensor;
  const body = compact({ name: sensor.name, type: sensor.type, description: sensor.description, extrinsics: sensor.extrinsics, intrinsics: sensor.intrinsics, segmentName: sensor.segmentName });
  const { commitId } = await commitDraft(ctx.tensorbay, datasetId, { branchName: sensor.branchName, title }, (draftNumber) => ctx.tensorbay.call("POST /v1/datasets/{datasetId}/sensors", { datasetId }, { body: { ...body, draftNumber } }));
  return { commitId };
}

export const sensorDefinition = defineResource({
  service: "tensorbay",
  name: "Sensor",
  description:
    "A sensor of a fusion segment of a TensorBay dataset (type 1) on a branch (Open API UploadSensor, ListSensor, DeleteSensor): its type, mounting (extrinsics) and, for cameras, intrinsics. Sensors are versioned: creating or changing one opens a draft on the branch, uploads it and commits; an upload replaces the sensor of that name, so `type`, `description`, `extrinsics` and `intrinsics` change in place. Destroying it commits its removal, with the files recorded for it. The ID is the sensor name; `importId` takes a name (with `datasetId`, `branchName` and `segmentName` set), and `pulumi import` takes `<datasetId>/<branchName>/<segmentName>/<name>` (e.g. `…/main/drive/lidar`).",
  inputs,
  outputs,
  importScope: ["datasetId", "branchName", "segmentName"],
  immutable: ["datasetId", "branchName", "segmentName", "name"],
  uniqueName: "name",
  identity: { by: "name", doc: "its name, unique in its segment", find: async (ctx, sensor) => ((await find(ctx, sensor, sensor.name)) ? sensor.name : undefined) },
  api: {
    async create(ctx, sensor) {
      // An upload would silently replace a sensor someone else made: refuse, and say how to adopt it.
      if (await find(ctx, sensor, sensor.name))
        throw new InputError(`edgeai:tensorbay:Sensor: segment "${sensor.segmentName}" already has a sensor "${sensor.name}" at the head of branch ${sensor.branchName}: set \`importId: "${sensor.name}"\` to adopt it, or choose another name`);
      return { id: sensor.name, state: await upload(ctx, sensor, `Add sensor ${sensor.name}`) };
    },
    read: (ctx, id, sensor) => find(ctx, sensor, id),
    update: (ctx, _id, _olds, sensor) => upload(ctx, sensor, `Update sensor ${sensor.name}`),
    async delete(ctx, id, sensor) {
      const { datasetId } = sensor;
      await commitDraft(ctx.tensorbay, datasetId, { branchName: sensor.branchName, title: `Remove sensor ${id}` }, (draftNumber) =>
        ctx.tensorbay.call("DELETE /v1/datasets/{datasetId}/sensors", { datasetId }, { body: { segmentName: sensor.segmentName, sensorName: id, draftNumber } }),
      );
    },
  },
});
