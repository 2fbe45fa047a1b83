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

/** §4.12 job `status`. */
export const JOB_STATUSES = ["QUEUING", "SUBMIT_FAILED", "RUNNING", "RUN_FAILED", "FINISHED", "STOPPED", "LAUNCHING", "UPLOADING", "UPLOAD_FAILED"] as const;
/** The job statuses after which nothing happens until someone acts (§4.12.6 RESTART / RE_UPLOAD). */
export const JOB_TERMINAL_STATUSES = ["SUBMIT_FAILED", "RUN_FAILED", "FINISHED", "STOPPED", "UPLOAD_FAILED"] as const;
/** The job statuses of work under way: a job in one of them can be stopped (§4.12.6 STOP) but not deleted. */
export const JOB_ACTIVE_STATUSES = ["QUEUING", "LAUNCHING", "RUNNING", "UPLOADING"] as const;
/** §4.12.2 job `data_source`: what `data_id` names. */
export const JOB_DATA_SOURCES = ["DATA_PACKAGE", "DATA_WAREHOUSE", "DATA_SCENARIO"] as const;
/** §4.12.6 job update `action`. */
export const JOB_ACTIONS = ["STOP", "RESTART", "RE_UPLOAD"] as const;
/** §4.12.2 job `priority` bounds (also §4.14.3). */
export const JOB_PRIORITY = { min: -50, max: 50 } as const;

/** §4.14 `queue_type`. */
export const QUEUE_TYPES = ["PROCESSOR", "INTERNAL", "RESIM", "DESENSITIZATION"] as const;
/** §4.14.2 `operation_type`. */
export const QUEUE_OPERATIONS = ["MOVE_TOP", "MOVE_TAIL", "MOVE_UP", "MOVE_DOWN"] as const;

/**
 * The queue an operator's job waits in (§4.14). The document names the queues (算子作业, 回放仿真作业,
 * 脱敏作业) but not which jobs go where; decided: replay-simulation and desensitization operators
 * have their own queues, every other operator's job waits in PROCESSOR.
 */
export function queueTypeOf(outputType: string): (typeof QUEUE_TYPES)[number] {
  return outputType === "REPLAY_SIM" ? "RESIM" : outputType === "DATA_DESENSITIZATION" ? "DESENSITIZATION" : "PROCESSOR";
}

/** §4.10 import task `status`. */
export const IMPORT_STATUSES = ["WAITING_IMPORT", "IMPORTING", "SUCCESS", "FAILED", "DELETING", "DELETE_FAILED", "DELETED"] as const;
/** §4.10.2 `type`: how the data travels. */
export const IMPORT_SOURCE_TYPES = ["OBS"] as const;
