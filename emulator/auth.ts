/**
 * The emulator's authentication, as the documented services do it: IAM tokens issued by
 * `POST /v3/auth/tokens` (password auth of a configured user, scoped to a configured project; kept
 * in the store until they expire); on the HiLens and Octopus routes an AK/SK signature
 * (SDK-HMAC-SHA256 with an X-Sdk-Date within the allowed skew) or an IAM token in X-Auth-Token; on
 * TensorBay's, an access key in X-Token.
 */
import type { IncomingMessage } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Store } from "./store";
import type { Clock } from "./clock";
import { EmuError, Route, route } from "./http";
import { canonicalRequest, parseAuthorization, parseSdkDate, signature } from "../provider/client/signer";
import { tensorbayPrincipal } from "./tensorbay/common";

export interface Credential {
  accessKey: string;
  secretKey: string;
  projectId: string;
  /** IAM actions this principal's policy does not grant (e.g. `octopus:imageRepo:create`); routes that check them answer 403. */
  deniedActions?: string[];
}

export interface IamUser {
  name: string;
  password: string;
  domain: string;
}

/** The credentials the emulator accepts unless told others (part of `DEFAULTS`). */
export const CREDENTIAL_DEFAULTS = {
  accessKey: "EMULATORACCESSKEY0001",
  secretKey: "emulator-secret-key-0001",
  projectId: "0e1d2c3b4a5968778695a4b3c2d1e0f0",
  userName: "edgeai",
  password: "edgeai-password",
  domainName: "edgeai",
  /** The documented shape: `Accesskey-` plus 32 characters. */
  tensorbayAccessKey: "Accesskey-0123456789abcdef0123456789abcdef",
};

export interface AuthOptions {
  credentials: Credential[];
  users?: IamUser[];
  /** Lifetime of issued IAM tokens (the real service: 24 h). */
  tokenTtlMs?: number;
  /** Allowed X-Sdk-Date skew (documented: 15 minutes). */
  maxClockSkewMs?: number;
  /** TensorBay access keys accepted in `X-Token` (default: `DEFAULTS.tensorbayAccessKey`). */
  tensorbayAccessKeys?: string[];
}

export interface Auth {
  /** `POST /v3/auth/tokens`: a token (in `X-Subject-Token`) for a configured user's password, scoped to a configured project. */
  iamRoute: Route;
  /** Returns the caller's project and the actions its policy denies, or throws the documented 401/403. */
  authenticateHuawei(req: IncomingMessage, wirePath: string, query: URLSearchParams, body: string): { projectId: string; deniedActions: string[] };
  /** Returns the caller's TensorBay namespace: a digest of the key, so the persisted state never holds a key. */
  authenticateTensorbay(req: IncomingMessage): string;
}

/** Whether `given` is `expected`, compared in constant time. */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A header's value, only when the request carries it (never an inherited property). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
  return Array.isArray(v) ? v.join(", ") : v;
}

/** `clock` is the time X-Sdk-Date and token expiry are checked against; `store` keeps the issued tokens. */
export function createAuth(options: AuthOptions, store: Store, clock: Clock): Auth {
  const users = options.users ?? [{ name: CREDENTIAL_DEFAULTS.userName, password: CREDENTIAL_DEFAULTS.password, domain: CREDENTIAL_DEFAULTS.domainName }];
  const tokenTtl = options.tokenTtlMs ?? 24 * 3600_000;
  const skew = options.maxClockSkewMs ?? 15 * 60_000;
  const tensorbayKeys = new Set(options.tensorbayAccessKeys ?? [CREDENTIAL_DEFAULTS.tensorbayAccessKey]);

  const iamRoute = route(
    "POST /v3/auth/tokens",
    (req) => {
      const user = req.body?.auth?.identity?.password?.user;
      const projectId = req.body?.auth?.scope?.project?.id;
      const known = user && users.find((u) => u.name === user.name && u.password === user.password && u.domain === user.domain?.name);
      if (!known) throw new EmuError(401, "IAM.0002", "The username or password is incorrect.");
      if (!options.credentials.some((c) => c.projectId === projectId)) throw new EmuError(400, "IAM.0004", "Invalid project scope.");
      const token = "MIIT" + randomBytes(48).toString("base64url");
      const expiresAt = clock.now() + tokenTtl;
      store.saveToken(token, projectId, expiresAt);
      return { status: 201, headers: { "X-Subject-Token": token }, body: { token: { expires_at: new Date(expiresAt).toISOString(), methods: ["password"], project: { id: projectId } } } };
    },
    // Stryker disable next-line StringLiteral: equivalent, the server authenticates only "huawei" and "tensorbay" routes, so any other scheme is "none".
    "none",
  );

  function authenticateTensorbay(req: IncomingMessage): string {
    const token = header(req, "x-token");
    if (!token) throw new EmuError(401, "Unauthorized", "X-Token header is required.");
    if (!tensorbayKeys.has(token)) throw new EmuError(403, "AccessDenied", "The accesskey is invalid.");
    return tensorbayPrincipal(token);
  }

  function authenticateHuawei(req: IncomingMessage, wirePath: string, query: URLSearchParams, body: string): { projectId: string; deniedActions: string[] } {
    const auth = header(req, "authorization");
    if (auth) {
      const akRefused = "Incorrect IAM authentication information: ak not found or authorization header malformed.";
      const parsed = parseAuthorization(auth);
      if (!parsed) throw new EmuError(401, "APIGW.0301", akRefused);
      const cred = options.credentials.find((c) => c.accessKey === parsed.accessKey);
      if (!cred) throw new EmuError(401, "APIGW.0301", akRefused);
      const sdkDateHeader = header(req, "x-sdk-date");
      // Stryker disable next-line StringLiteral: equivalent, a missing X-Sdk-Date is refused just below whatever string stands in for it (a mutated one does not parse as a date either).
      const sdkDate = sdkDateHeader ?? "";
      const date = parseSdkDate(sdkDate);
      if (!date || Math.abs(clock.now() - date.getTime()) > skew) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date is missing or more than 15 minutes off.");
      const signed: Record<string, string> = Object.create(null);
      for (const name of parsed.signedHeaders) signed[name] = header(req, name) ?? "";
      const queryRecord: Record<string, string[]> = Object.create(null);
      for (const [k, v] of query) (queryRecord[k] ??= []).push(v);
      const { text } = canonicalRequest({ method: req.method!, path: wirePath, query: queryRecord, headers: signed, body });
      if (signature(cred.secretKey, sdkDate, text) !== parsed.signature) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail.");
      // Stryker disable next-line ArrayDeclaration: equivalent, no route checks an action named like the mutant's element, so it denies nothing either.
      return { projectId: cred.projectId, deniedActions: cred.deniedActions ?? [] };
    }
    const token = header(req, "x-auth-token");
    if (token) {
      const known = store.token(token);
      if (!known) throw new EmuError(403, "HIL.0145", "Invalid token.");
      if (known.expiresAt < clock.now()) throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: the token has expired.");
      // Stryker disable next-line ArrayDeclaration: equivalent, no route checks an action named like the mutant's element, so it denies nothing either.
      return { projectId: known.projectId, deniedActions: [] };
    }
    throw new EmuError(401, "APIGW.0301", "Incorrect IAM authentication information: no Authorization or X-Auth-Token header.");
  }

  return { iamRoute, authenticateHuawei, authenticateTensorbay };
}
