/**
 * A loopback HTTP server that answers from a script and records every request it gets: for tests of
 * what the clients send and how they react to answers no emulator gives on purpose (a bare 500, a
 * non-JSON body, a dropped connection, duplicated headers).
 */
import { createServer, IncomingMessage, Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Sent as is; objects are sent as JSON. */
  body?: string | object;
  /** Close the connection instead of answering. */
  drop?: true;
  /** Answer only after this long. */
  delayMs?: number;
  /** Send the headers and half the body at once, the rest after this long. */
  stallBodyMs?: number;
}

export interface SeenRequest {
  method: string;
  /** Path and query exactly as on the wire. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The client's port: the same one means the same (kept-alive) connection. */
  remotePort: number;
}

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  /** Answers for the next requests, in order; when none is left, 200 `{}`. */
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: ScriptedAnswer[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), remotePort: req.socket.remotePort! });
      const next = queue.shift() ?? { body: {} };
      if (next.drop) return void req.socket.destroy();
      const body = next.body === undefined ? "" : typeof next.body === "string" ? next.body : JSON.stringify(next.body);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(next.status ?? 200, next.headers ?? {});
        if (!next.stallBodyMs) return void res.end(body);
        res.write(body.slice(0, body.length / 2));
        setTimeout(() => res.destroyed || res.end(body.slice(body.length / 2)), next.stallBodyMs);
      };
      if (next.delayMs) setTimeout(send, next.delayMs);
      else send();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    answer: (...answers) => void queue.push(...answers),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
