import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Which resource the provider is working on, so every progress line (waits, retries, look-ups
 * after lost answers) starts with its type and name. The dynamic provider process serves every
 * resource at once and the engine shows its output on the stack's row, so without the prefix a
 * user cannot tell which resource waits.
 */
const current = new AsyncLocalStorage<string>();

export function withResource<T>(label: string, fn: () => Promise<T>): Promise<T> {
  return current.run(label, fn);
}

/** `edgeai:hilens:Deployment "counter": <message>` inside a provider call, the message alone elsewhere. */
export function progressLine(message: string): string {
  const label = current.getStore();
  return label ? `${label}: ${message}` : message;
}

/**
 * Where progress lines go. The dynamic provider prints them (the engine shows a dynamic
 * provider's output on the stack's row, hence the prefix); the native plugin sends them to the
 * engine against the resource's URN instead (native/plugin.ts).
 */
let sink: (message: string) => void = (message) => console.log(progressLine(message));

export function setProgressSink(write: (message: string) => void): void {
  sink = write;
}

export function reportProgress(message: string): void {
  sink(message);
}
