/**
 * The enumerations of the Octopus document (000) for data packages, scenes and maps, quoted once:
 * the resources validate against them and the emulator answers by them.
 */

/** §4.9.1 data package `status` (the first eight when `is_recycle=false`, the last five when true). */
export const PACKAGE_STATUSES = [
  "CREATED",
  "SCANNING",
  "NORMAL",
  "ABNORMAL",
  "PRE_DESENSITIZATION",
  "IN_DESENSITIZATION",
  "DESENSITIZATION_SUCCESS",
  "DESENSITIZATION_FAILED",
  "NOT_RECYCLED",
  "RECYCLED",
  "DELETING",
  "FAILED",
  "DELETED",
] as const;
/** §4.9.1 `sort`. */
export const PACKAGE_SORTS = ["CREATE_AT_ASC", "CREATE_AT_DESC", "UPDATE_AT_ASC", "UPDATE_AT_DESC", "STORAGE_SIZE_ASC", "STORAGE_SIZE_DESC"] as const;
/** §4.9.1 `data_source`. */
export const PACKAGE_SOURCES = ["OBS", "DES"] as const;
/** §4.9.5: at most 50 tags on a data package. */
export const MAX_PACKAGE_TAGS = 50;
/** §4.9.2 / §4.16.2: a data package id is "DPK" and 7-13 digits. */
export const PACKAGE_ID_PATTERN = /^DPK\d{7,13}$/;

/** §4.16 / §4.11 time fields: UTC milliseconds within [1000000000000, 2000000000000]. */
export const MIN_TIME_MS = 1_000_000_000_000;
export const MAX_TIME_MS = 2_000_000_000_000;

/** §4.6.1 custom attribute `order`. */
export const ATTRIBUTE_ORDERS = ["KEY", "CREATE_TIME"] as const;

/** §4.18 simulation scene `simulator`. */
export const SIMULATORS = ["VTD", "SimPro"] as const;
/** §4.18 OpenSCENARIO `version` of a simulation scene. */
export const SCENARIO_VERSIONS = ["vtd", "v0.9.1", "v1.0.0", "v1.1.0", "v1.1.1"] as const;
/** §4.18.2 `priority`: 120 S, 100 A, 80 B, 60 C, 40 D. */
export const SCENARIO_PRIORITIES = [120, 100, 80, 60, 40] as const;
/** §4.18 `source`: generalization, road, user upload, built in. */
export const SCENARIO_SOURCES = ["UPLOAD", "ROAD", "GENERALIZATION", "BUILT_IN"] as const;
/** §4.19.1 OpenDRIVE `version` of a scene map. */
export const MAP_VERSIONS = ["v1.4.0", "v1.5.0", "v1.6.0", "v1.6.1", "v1.7.0"] as const;
/** §4.18.3 / §4.19.1: a file's sha256 is exactly 64 characters (hex digits, as a sha256 is written). */
export const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
/** §4.18.3 / §4.19.1: a presigned upload link expires after this many seconds by default. */
export const UPLOAD_EXPIRE_SECONDS = 600;
