/**
 * Plain HTTP against the emulator for its own tests: one fresh connection per request (no pool,
 * no retries), so a dropped connection shows as exactly that request's `error`.
 */
import { request } from "node:http";
import { connect } from "node:net";
import { DEFAULTS, Emulator } from "../../emulator";

export interface RawAnswer {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  text?: string;
  json?: any;
  /** Set when the connection failed instead (ECONNRESET, "socket hang up", …). */
  error?: string;
}

/** A header given as a list is sent once per value (as Node sends `Set-Cookie`). */
export function send(baseUrl: string, method: string, path: string, opts: { headers?: Record<string, string | string[]>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  // Node sends a GET/DELETE body without framing unless told its length.
  const headers = opts.body !== undefined && !Object.keys(opts.headers ?? {}).some((h) => /^(content-length|transfer-encoding)$/i.test(h)) ? { ...opts.headers, "Content-Length": String(Buffer.byteLength(opts.body)) } : opts.headers;
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(opts.body);
  });
}

/** Writes raw bytes on a new TCP connection and answers everything the server sends before it closes (or `timeoutMs`). */
export function rawTcp(port: number, data: string | Buffer, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", done);
    socket.on("close", done);
    socket.on("connect", () => socket.write(data));
  });
}

/** An IAM token for the default project, fetched with faults off. */
export async function iamToken(emu: Emulator, projectId = DEFAULTS.projectId): Promise<string> {
  const res = await send(emu.url, "POST", "/v3/auth/tokens", {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user: { name: DEFAULTS.userName, password: DEFAULTS.password, domain: { name: DEFAULTS.domainName } } } }, scope: { project: { id: projectId } } } }),
  });
  if (res.status !== 201) throw new Error(`no IAM token: ${res.status} ${res.text ?? res.error}`);
  return String(res.headers!["x-subject-token"]);
}

/** JSON request headers with an IAM token. */
export const withToken = (token: string) => ({ "Content-Type": "application/json", "X-Auth-Token": token });
