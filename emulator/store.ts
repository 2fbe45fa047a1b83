import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

type Row = Record<string, any>;
type Token = { projectId: string; expiresAt: number };

/** The file format: plain JSON objects keyed by project, kind and id. */
interface StateFile {
  projects: Record<string, Record<string, Record<string, Row>>>;
  tokens: Record<string, Token>;
  sequence: number;
}

/** Own entries of a parsed JSON object (never inherited ones, so `__proto__` is an ordinary key). */
function entriesOf<T>(value: unknown): [string, T][] {
  return value && typeof value === "object" && !Array.isArray(value) ? (Object.entries(value) as [string, T][]) : [];
}

/**
 * The emulator's state: per project, per kind, objects by id. Every mutation is written through
 * to `<dir>/state.json` (atomically), so a restarted emulator keeps everything.
 *
 * Projects, kinds, ids and tokens come from requests, so they live in Maps: an id such as
 * `__proto__`, `constructor` or `toString` is an ordinary key that is simply not there, never a
 * property of `Object.prototype`.
 */
export class Store {
  private readonly projects = new Map<string, Map<string, Map<string, Row>>>();
  private readonly tokens = new Map<string, Token>();
  private sequence = 0;
  private readonly file: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "state.json");
    if (existsSync(this.file)) this.load(JSON.parse(readFileSync(this.file, "utf8")));
  }

  private load(data: StateFile): void {
    for (const [project, kinds] of entriesOf<Record<string, Record<string, Row>>>(data.projects)) {
      const p = new Map<string, Map<string, Row>>();
      for (const [kind, rows] of entriesOf<Record<string, Row>>(kinds)) p.set(kind, new Map(entriesOf<Row>(rows)));
      this.projects.set(project, p);
    }
    for (const [token, t] of entriesOf<Token>(data.tokens)) this.tokens.set(token, t);
    this.sequence = Number(data.sequence) || 0;
  }

  private rows(project: string, kind: string, create: true): Map<string, Row>;
  private rows(project: string, kind: string, create?: false): Map<string, Row> | undefined;
  private rows(project: string, kind: string, create = false): Map<string, Row> | undefined {
    let p = this.projects.get(project);
    if (!p) {
      if (!create) return undefined;
      this.projects.set(project, (p = new Map()));
    }
    let rows = p.get(kind);
    if (!rows && create) p.set(kind, (rows = new Map()));
    return rows;
  }

  list(project: string, kind: string): Row[] {
    return [...(this.rows(project, kind)?.values() ?? [])];
  }

  get(project: string, kind: string, id: string): Row | undefined {
    return this.rows(project, kind)?.get(id);
  }

  put(project: string, kind: string, id: string, row: Row): Row {
    const rows = this.rows(project, kind, true);
    const previous = rows.get(id);
    rows.set(id, row);
    this.saveOrUndo(() => (previous === undefined ? rows.delete(id) : rows.set(id, previous)));
    return row;
  }

  delete(project: string, kind: string, id: string): boolean {
    const rows = this.rows(project, kind);
    const previous = rows?.get(id);
    if (!rows || previous === undefined) return false;
    rows.delete(id);
    this.saveOrUndo(() => rows.set(id, previous));
    return true;
  }

  /** Monotonic numbers for services with numeric ids (Octopus). */
  nextNumber(): number {
    this.sequence += 1;
    this.saveOrUndo(() => (this.sequence -= 1));
    return this.sequence;
  }

  /** Objects of every kind in a project: tests assert "destroy leaves the emulator empty". */
  count(project?: string): number {
    const projects = project === undefined ? [...this.projects.values()] : [this.projects.get(project) ?? new Map()];
    let n = 0;
    for (const kinds of projects) for (const rows of kinds.values()) n += rows.size;
    return n;
  }

  saveToken(token: string, projectId: string, expiresAt: number): void {
    this.tokens.set(token, { projectId, expiresAt });
    this.saveOrUndo(() => this.tokens.delete(token));
  }

  token(token: string): Token | undefined {
    return this.tokens.get(token);
  }

  /** Every issued IAM token expires now (tests of the client's refresh after a 401). */
  expireTokens(now = Date.now()): void {
    for (const t of this.tokens.values()) t.expiresAt = now - 1;
    this.save();
  }

  /** The state as written to state.json. `Object.fromEntries` defines own properties, so any key is safe. */
  private snapshot(): StateFile {
    const projects = Object.fromEntries([...this.projects].map(([project, kinds]) => [project, Object.fromEntries([...kinds].map(([kind, rows]) => [kind, Object.fromEntries(rows)]))]));
    return { projects, tokens: Object.fromEntries(this.tokens), sequence: this.sequence };
  }

  /** A change that cannot be written is undone, so a failed request (answered 500) changed nothing. */
  private saveOrUndo(undo: () => unknown): void {
    try {
      this.save();
    } catch (err) {
      undo();
      throw err;
    }
  }

  save(): void {
    const tmp = this.file + ".tmp";
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.file);
  }
}
