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
  ) {
    super(`${service} ${method} ${path} failed: HTTP ${status} ${errorCode}: ${errorMsg}${requestId ? ` (request id ${requestId})` : ""}`);
    this.name = "ApiError";
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

/** Raised for bad user input before any request is sent. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
