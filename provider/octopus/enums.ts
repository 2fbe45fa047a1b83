/**
 * The enumerations of the Octopus document (000), quoted once: the resources validate against
 * them and the emulator answers by them.
 */

/** §4.1 image repository `scope` (what its images are used for). */
export const REPO_SCOPES = [
  "DATA_CONVERSION",
  "ANNOTATION_AI",
  "ANNOTATION_INSPECTION",
  "TRAINING_TRAIN",
  "TRAINING_COMPILE",
  "TRAINING_DEV",
  "TRAINING_NOTEBOOK",
  "SIMULATION_ALGORITHM",
  "SIMULATION_EVALUATION",
  "SIMULATION_SIMULATOR",
  "SIMULATION_TESTCASE",
  "COMMON_DATASET",
] as const;
/** §4.1 image repository `visibility`. */
export const REPO_VISIBILITIES = ["TEAM", "PUBLIC"] as const;
/** §4.1 image version `status`. */
export const VERSION_STATUSES = ["INIT", "PUSHED", "PUSHING", "SECONDARY_PUSHING", "PUSH_FAILED"] as const;

/** §4.13 operator `output_type`. */
export const OUTPUT_TYPES = ["DATA_MARK", "OPEN_DATA", "DATA_SET", "REPLAY_SIM", "PLOT_DATA", "DATA_DESENSITIZATION"] as const;
/** §4.13 operator `visibility`: PRIVATE or PUBLIC, where repositories say TEAM (§Inconsistencies 9). */
export const OPERATOR_VISIBILITIES = ["PRIVATE", "PUBLIC"] as const;

/** §4.3 dataset enums. */
export const DATA_TYPES = ["IMAGE", "POINT_CLOUD", "TEXT", "VIDEO"] as const;
export const DATASET_FORMS = ["DATASET", "SUBSET"] as const;
export const DATA_SOURCES = ["LABEL", "LOCAL", "OBS", "HOUSE", "DATASET"] as const;
export const LABEL_FORMATS = ["OCTOPUS", "USER_DEFINE"] as const;
/** §4.4.2 `warehouse_params.file_types`. */
export const FILE_TYPES = ["IMAGE", "POINT_CLOUD", "TEXT", "VIDEO", "SCENARIO", "OTHERS"] as const;

/** §4.7.1 resource spec `usage`. */
export const SPEC_USAGES = [
  "SIM_COMPILE",
  "SIM_DOCKER",
  "DATA_PROCESS",
  "DATA_CONVERSION",
  "DATA_RESIM",
  "DATA_DESENSITIZATION",
  "TRAINING_TRAIN",
  "TRAINING_EVALUATE",
  "TRAINING_COMPILE",
  "ANNOTATION_MANUAL",
  "ANNOTATION_AI",
  "ANNOTATION_SEGMENTATION",
  "COMMON_DATASET",
] as const;
