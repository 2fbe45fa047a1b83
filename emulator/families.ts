import { STATUS_CODES } from "node:http";
import { EmuError, FamilyCodes, HILENS_CODES } from "./http";
import { OCTOPUS_CODES } from "./octopus/common";
import { SEXTANT_ROOT, TENSORBAY_FAMILY_CODES, TENSORBAY_ROOT, tensorbayErrorBody } from "./tensorbay/common";

/**
 * The API family a path belongs to, by its prefix: how the server answers the failures it finds
 * itself (unknown paths, bad encodings, oversized bodies, injected faults, crashes), so that every
 * answer under a family's prefix has the shape that family's clients read — also for paths no
 * route matches.
 */
export interface Family {
  name: "hilens" | "octopus" | "iam" | "tensorbay" | "control";
  errorBody(err: EmuError): unknown;
  codes: FamilyCodes;
  /** 429. HiLens documents no code of its own (its gateway's is APIGW.0308); Octopus documents octopus.202230 (§7.2 table 7-4). */
  throttled: string;
  /** Failures an API gateway answers before the service: unknown path (404), wrong method (405), bad request target (400), body too large (413). */
  gateway: { notFound: string; methodNotAllowed: string; badRequest: string; tooLarge: string };
}

/** Huawei's `{error_code, error_msg}` (both documents, §7 / "错误码"). */
export function huaweiErrorBody(err: EmuError): unknown {
  return err.body ?? { error_code: err.code, error_msg: err.message };
}

/** IAM's Keystone-style `{error: {code, title, message}}`, as the emulator's token route answers. */
export function iamErrorBody(err: EmuError): unknown {
  return err.body ?? { error: { code: err.status, title: STATUS_CODES[err.status] ?? "Error", message: err.message } };
}

/**
 * The Huawei API gateway's codes (both documents: "如果遇到“APIGW”开头的错误码，请参见API网关错误码"):
 * APIGW.0101 for an API that does not exist, APIGW.0201 for a request the gateway refuses (bad
 * request, entity too large).
 */
const HUAWEI_GATEWAY = { notFound: "APIGW.0101", methodNotAllowed: "APIGW.0101", badRequest: "APIGW.0201", tooLarge: "APIGW.0201" };

const HILENS: Family = { name: "hilens", errorBody: huaweiErrorBody, codes: HILENS_CODES, throttled: "APIGW.0308", gateway: HUAWEI_GATEWAY };
const OCTOPUS: Family = { name: "octopus", errorBody: huaweiErrorBody, codes: OCTOPUS_CODES, throttled: "octopus.202230", gateway: HUAWEI_GATEWAY };
const IAM: Family = {
  name: "iam",
  errorBody: iamErrorBody,
  codes: { invalidBody: "IAM.0001", wrongProject: { status: 400, code: "IAM.0004", message: "Invalid project scope." }, internal: "IAM.0006" },
  throttled: "APIGW.0308",
  gateway: HUAWEI_GATEWAY,
};
/** The TensorBay body renderer maps every non-TensorBay code to the TensorBay code of its status. */
const TENSORBAY: Family = {
  name: "tensorbay",
  errorBody: tensorbayErrorBody,
  codes: TENSORBAY_FAMILY_CODES,
  throttled: "TooManyRequests",
  gateway: { notFound: "ResourceNotExist", methodNotAllowed: "InvalidParamsValue", badRequest: "InvalidParamsValue", tooLarge: "InvalidParamsValue" },
};
/** The emulator's own control routes (`/__emulator/…`): Huawei's shape with EMU codes. */
const CONTROL: Family = {
  name: "control",
  errorBody: huaweiErrorBody,
  codes: { invalidBody: "EMU.0400", wrongProject: { status: 400, code: "EMU.0400", message: "Invalid project." }, internal: "EMU.0500" },
  throttled: "EMU.0429",
  gateway: { notFound: "EMU.0404", methodNotAllowed: "EMU.0405", badRequest: "EMU.0400", tooLarge: "EMU.0413" },
};

export const CONTROL_PREFIX = "/__emulator";

export function isControlPath(path: string): boolean {
  return path === CONTROL_PREFIX || path.startsWith(CONTROL_PREFIX + "/");
}

/** The family of a request path (HiLens for anything unrecognised: it is the default endpoint). */
export function familyOf(path: string): Family {
  if (isControlPath(path)) return CONTROL;
  if (path === TENSORBAY_ROOT || path.startsWith(TENSORBAY_ROOT + "/") || path.startsWith("/gatewayv2/tensorbay-open-api/") || path.startsWith(SEXTANT_ROOT + "/")) return TENSORBAY;
  if (path.startsWith("/v3/auth/")) return IAM;
  if (path.startsWith("/v1.0/") || path.startsWith("/v2/")) return OCTOPUS;
  return HILENS;
}
