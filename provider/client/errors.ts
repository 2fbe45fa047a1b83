/**
 * Marks an expected error (the service said no, bad input, an unreachable endpoint): Pulumi's
 * program runner prints only the message of errors carrying this marker (its `RunError` check),
 * and the provider strips their stack (see `hideStack`). Real bugs keep their stack frames.
 */
function expected(err: Error): void {
  Object.defineProperty(err, "__pulumiRunError", { value: true, enumerable: false });
}

export function isExpectedError(err: unknown): boolean {
  return err instanceof Error && (err as { __pulumiRunError?: boolean }).__pulumiRunError === true;
}

/**
 * An expected error's stack is its message alone, so no JavaScript frames are printed with it:
 * the dynamic provider prints `${err}: ${err.stack}`, which becomes `ApiError: <message>`.
 */
export function hideStack(err: unknown): unknown {
  if (!isExpectedError(err)) return err;
  const e = err as Error;
  // Stryker disable next-line BooleanLiteral: configurable/writable keep these properties as ordinary as the ones they replace; only code that redefines them could tell (setting the stack is tested).
  Object.defineProperty(e, "stack", { value: e.message, configurable: true, writable: true });
  // Stryker disable next-line BooleanLiteral: as above.
  Object.defineProperty(e, "toString", { value: () => e.name, configurable: true, writable: true });
  return e;
}

/**
 * An error answered by a vendor API. The message carries the vendor's own code and text
 * (`error_code`/`error_msg` for Huawei, `code`/`message` for TensorBay) and never a request body.
 */
export class ApiError extends Error {
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errorCode: string,
    readonly errorMsg: string,
    readonly requestId?: string,
    /** What the user can do about it (e.g. which credential a 401 was sent with). */
    readonly hint?: string,
  ) {
    super(`${service} ${method} ${path} failed: HTTP ${status} ${errorCode}: ${errorMsg}${requestId ? ` (request id ${requestId})` : ""}${hint ? `. ${hint}` : ""}`);
    this.name = "ApiError";
    expected(this);
  }
}

/**
 * "Not found" answered with another status: Octopus datasets use HTTP 400 and these codes (Octopus
 * §4.3.3, §4.4.3, §7.2 table 7-6); TensorBay's status for ResourceNotExist is only inferred from its SDK.
 */
const NOT_FOUND_CODES = new Set(["octopus.202202", "octopus.202205", "ResourceNotExist"]);

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || NOT_FOUND_CODES.has(err.errorCode));
}

/** The answer, or undefined when the service says the object is not there; any other failure stands. */
export async function unlessNotFound<T>(answer: Promise<T>): Promise<T | undefined> {
  try {
    return await answer;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Raised for bad user input before any request is sent. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
    expected(this);
  }
}

/**
 * Codes that mean "an object with this name already exists" without an HTTP 409: Octopus datasets
 * answer 400 octopus.202201 (table 7-6), simulation scenes 400 octopus.107001 "Scenario Name is already
 * exists" (table 7-3). Octopus repositories, processors and tags answer 409
 * (octopus.000142, .109002, .101005), as do HiLens and TensorBay (NameConflict).
 */
const ALREADY_EXISTS_CODES = new Set(["octopus.202201", "octopus.107001"]);

/** A create refused because the name is taken. */
export function isAlreadyExists(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 409 || ALREADY_EXISTS_CODES.has(err.errorCode));
}

/**
 * A request that may or may not have been carried out: it was sent, but its answer was lost (the
 * connection broke or timed out after sending) or was a 5xx, which gateways also answer after the
 * backend acted. Repeating it blindly could create a second object, so whoever sent it must find
 * out first (see the definitions' `identity`).
 */
export class OutcomeUnknownError extends Error {
  constructor(
    readonly service: string,
    readonly method: string,
    readonly path: string,
    /** What came back instead of an answer, e.g. `HTTP 503 APIGW.0503: …` or `socket hang up`. */
    readonly reason: string,
  ) {
    super(`${service} ${method} ${path}: no usable answer (${reason}); the request may have been carried out`);
    this.name = "OutcomeUnknownError";
    expected(this);
  }
}

/** The endpoint could not be reached: says which endpoint, which setting chose it, and how many attempts were made. */
export class EndpointError extends Error {
  constructor(
    readonly service: string,
    readonly endpoint: string,
    /** How the endpoint was chosen, e.g. `set by HW_HILENS_ENDPOINT`. */
    readonly source: string | undefined,
    readonly attempts: number,
    readonly reason: string,
    what: string,
  ) {
    super(`${what}: cannot reach the ${service} endpoint ${endpoint}${source ? ` (${source})` : ""}: ${reason}; ${attempts} attempt${attempts === 1 ? "" : "s"} made`);
    this.name = "EndpointError";
    expected(this);
  }
}
