import { appendFile } from "node:fs/promises";

/**
 * Appends JSON lines to a file without blocking the event loop: lines queue in memory and one
 * asynchronous append at a time writes everything queued so far. The file is opened by path on
 * each append, so a data directory removed (or recreated) under a running emulator is survived.
 * While appends fail or lag, at most `maxQueued` lines wait; older ones are dropped (and counted).
 */
export class JsonlWriter {
  private queued: string[] = [];
  private writing: Promise<void> | undefined;
  private dropped = 0;
  private failing = false;

  constructor(
    readonly file: string,
    private readonly maxQueued = 100_000,
  ) {}

  write(entry: unknown): void {
    this.queued.push(JSON.stringify(entry) + "\n");
    if (this.queued.length > this.maxQueued) {
      this.queued.shift();
      this.dropped++;
    }
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Lets the lines of the current tick gather into one append.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queued.length) {
      const text = this.queued.join("");
      this.queued = [];
      try {
        await appendFile(this.file, text);
        if (this.failing) console.error(`edgeai-emulator: appending to ${this.file} again`);
        this.failing = false;
      } catch (err) {
        if (!this.failing) console.error(`edgeai-emulator: cannot append to ${this.file}: ${(err as Error).message}`);
        this.failing = true;
      }
      if (this.dropped) {
        console.error(`edgeai-emulator: ${this.dropped} lines for ${this.file} dropped while appends lagged`);
        this.dropped = 0;
      }
    }
    this.writing = undefined;
  }

  /** Resolves once every line written so far is in the file (or its append failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}

/**
 * The request log: the most recent `capacity` entries in memory (a ring), every entry appended to
 * a file. Indexes are absolute and never reused: `length` counts every entry ever logged, and
 * `slice(start)` / `since(start)` answer the entries from absolute index `start` on that are still
 * held, so `const start = log.length; …; log.slice(start)` reads exactly what came in between
 * (as long as fewer than `capacity` entries came). It reads like an array of the held entries
 * (`at`, `filter`, `map`, `find`, `some`, iteration, JSON).
 */
export class RequestLog<T> implements Iterable<T> {
  private readonly ring: T[] = [];
  /** Where the oldest held entry sits in `ring` once it is full (entries before `first` were dropped). */
  private head = 0;
  private total = 0;
  readonly writer: JsonlWriter | undefined;

  constructor(
    readonly capacity = 10_000,
    file?: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`request log capacity ${capacity}: must be a positive integer`);
    this.writer = file === undefined ? undefined : new JsonlWriter(file);
  }

  /** Entries logged since the emulator started, including those no longer held in memory. */
  get length(): number {
    return this.total;
  }

  /** Absolute index of the oldest entry still held. */
  get first(): number {
    return this.total - this.ring.length;
  }

  push(entry: T): number {
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else {
      this.ring[this.head] = entry;
      this.head = (this.head + 1) % this.capacity;
    }
    this.total++;
    this.writer?.write(entry);
    return this.total;
  }

  /** The held entry at absolute index `index` (negative: from the end, as `Array.prototype.at`). */
  at(index: number): T | undefined {
    const i = Math.trunc(index) < 0 ? this.total + Math.trunc(index) : Math.trunc(index);
    if (i < this.first || i >= this.total) return undefined;
    return this.ring[(this.head + (i - this.first)) % this.ring.length];
  }

  /** Held entries with absolute indexes in [start, end), as `Array.prototype.slice` over every entry ever logged. */
  slice(start = 0, end = this.total): T[] {
    const clamp = (n: number) => {
      const i = Math.trunc(n);
      return i < 0 ? Math.max(0, this.total + i) : Math.min(i, this.total);
    };
    const from = Math.max(clamp(start), this.first);
    const to = clamp(end);
    const out: T[] = [];
    for (let i = from; i < to; i++) out.push(this.ring[(this.head + (i - this.first)) % this.ring.length]);
    return out;
  }

  /** Held entries from absolute index `start` on. */
  since(start: number): T[] {
    return this.slice(Math.max(0, start));
  }

  toArray(): T[] {
    return this.slice();
  }

  toJSON(): T[] {
    return this.slice();
  }

  [Symbol.iterator](): Iterator<T> {
    return this.slice()[Symbol.iterator]();
  }

  filter(predicate: (entry: T, index: number) => unknown): T[] {
    return this.slice().filter(predicate);
  }

  map<U>(fn: (entry: T, index: number) => U): U[] {
    return this.slice().map(fn);
  }

  find(predicate: (entry: T, index: number) => unknown): T | undefined {
    return this.slice().find(predicate);
  }

  findLast(predicate: (entry: T, index: number) => unknown): T | undefined {
    return this.slice().findLast(predicate);
  }

  some(predicate: (entry: T, index: number) => unknown): boolean {
    return this.slice().some(predicate);
  }

  every(predicate: (entry: T, index: number) => unknown): boolean {
    return this.slice().every(predicate);
  }

  forEach(fn: (entry: T, index: number) => void): void {
    this.slice().forEach(fn);
  }

  /** Resolves once every entry logged so far is in the file. */
  async flush(): Promise<void> {
    await this.writer?.flush();
  }
}
