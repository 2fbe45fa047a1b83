import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";

type Row = Record<string, any>;
type Token = { projectId: string; expiresAt: number };
/** Ids of one kind's rows by the value of one field, kept up to date on every put and delete. */
interface Index {
  byValue: Map<unknown, Set<string>>;
  valueOf: Map<string, unknown>;
}

const fieldOf = (row: Row, field: string): unknown => (Object.hasOwn(row, field) ? row[field] : undefined);

/** Everything the emulator holds, as plain JSON objects keyed by project, kind and id (`readState`, and the old state.json's format). */
export interface StateFile {
  projects: Record<string, Record<string, Record<string, Row>>>;
  tokens: Record<string, Token>;
  sequence: number;
}

/** The database in a data directory (with its `-wal` and `-shm` companions while open). */
export const STATE_DB = "state.db";
/** The whole-file format of earlier versions: imported once into `state.db`, then renamed to `state.json.imported`. */
const LEGACY_STATE = "state.json";

/**
 * How long a write waits for a lock held by another process on the same data directory before it
 * fails (answered 500, and undone). The wait blocks the event loop, so it is short.
 */
const BUSY_TIMEOUT_MS = 250;

/** `node:sqlite` is built into Node ≥ 22.13 (22.5-22.12 behind `--experimental-sqlite`). Loaded on first use, so that the provider never needs it. */
function sqlite(): typeof import("node:sqlite") {
  try {
    return require("node:sqlite");
  } catch (err) {
    throw new Error(`the emulator keeps its state in node:sqlite, which this Node (${process.version}) does not provide without a flag; use Node >= 22.13 (${(err as Error).message})`);
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS objects (
    project TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    row TEXT NOT NULL,
    UNIQUE (project, kind, id)
  );
  CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, project TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
`;

function open(file: string, readOnly = false): DatabaseSync {
  const { DatabaseSync } = sqlite();
  const db = new DatabaseSync(file, { readOnly });
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!readOnly) {
    // WAL: a commit is one append to state.db-wal, written (not fsynced) before the call returns:
    // a killed process loses nothing it acknowledged; the OS writes it out. Checkpoints copy the
    // WAL into the database every ~1,000 pages, a bounded amount of work.
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    db.exec(SCHEMA);
  }
  return db;
}

/**
 * The emulator's state: per project, per kind, objects by id. Reads are served from memory; every
 * mutation is one small SQLite commit to `<dir>/state.db` (WAL mode) before it is applied in
 * memory, so the cost of a write does not grow with the number of objects, a restarted emulator
 * keeps everything, and a write that cannot be made changes nothing (the request is answered 500).
 *
 * Projects, kinds, ids and tokens come from requests, so in memory they live in Maps (an id such
 * as `__proto__`, `constructor` or `toString` is an ordinary key that is simply not there, never a
 * property of `Object.prototype`) and on disk they are bound SQL parameters.
 */
export class Store {
  private readonly projects = new Map<string, Map<string, Map<string, Row>>>();
  private readonly tokens = new Map<string, Token>();
  private sequence = 0;
  /** Per kind's rows, per field: built on the first `findBy` of that field, then maintained. */
  private readonly indexes = new WeakMap<Map<string, Row>, Map<string, Index>>();
  /** The database file (`<dir>/state.db`). */
  readonly file: string;
  private db: DatabaseSync | undefined;
  private readonly sql: {
    put: StatementSync;
    delete: StatementSync;
    sequence: StatementSync;
    token: StatementSync;
    expireTokens: StatementSync;
  };

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, STATE_DB);
    const db = (this.db = open(this.file));
    this.sql = {
      put: db.prepare("INSERT INTO objects (project, kind, id, row) VALUES (?, ?, ?, ?) ON CONFLICT (project, kind, id) DO UPDATE SET row = excluded.row"),
      delete: db.prepare("DELETE FROM objects WHERE project = ? AND kind = ? AND id = ?"),
      sequence: db.prepare("INSERT INTO meta (key, value) VALUES ('sequence', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      token: db.prepare("INSERT INTO tokens (token, project, expires_at) VALUES (?, ?, ?) ON CONFLICT (token) DO UPDATE SET project = excluded.project, expires_at = excluded.expires_at"),
      expireTokens: db.prepare("UPDATE tokens SET expires_at = ? WHERE expires_at > ?"),
    };
    this.importLegacy();
    const state = readDatabase(db);
    for (const { project, kind, id, row } of state.objects) this.rows(project, kind, true).set(id, row);
    for (const [token, t] of state.tokens) this.tokens.set(token, t);
    this.sequence = state.sequence;
  }

  /** A data directory written by an earlier version (one state.json) is imported once, in one transaction. */
  private importLegacy(): void {
    const legacy = join(this.dir, LEGACY_STATE);
    if (!existsSync(legacy)) return;
    const data = JSON.parse(readFileSync(legacy, "utf8")) as Partial<StateFile>;
    this.transaction(() => {
      for (const [project, kinds] of entriesOf<Record<string, Row>>(data.projects)) {
        for (const [kind, rows] of entriesOf<Record<string, Row>>(kinds)) for (const [id, row] of entriesOf<Row>(rows)) this.sql.put.run(project, kind, id, JSON.stringify(row));
      }
      for (const [token, t] of entriesOf<Token>(data.tokens)) this.sql.token.run(token, String(t.projectId), Number(t.expiresAt) || 0);
      this.sql.sequence.run(Number(data.sequence) || 0);
    });
    renameSync(legacy, legacy + ".imported");
  }

  private transaction(body: () => void): void {
    const db = this.open();
    db.exec("BEGIN IMMEDIATE");
    try {
      body();
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    }
  }

  private open(): DatabaseSync {
    if (!this.db) throw new Error(`the emulator's store (${this.file}) is closed`);
    return this.db;
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

  /**
   * The objects of a kind whose top-level `field` equals `value` (e.g. a name taken in its scope):
   * answered from an index, so a create's uniqueness check does not grow with the number of
   * objects. The index is built on a field's first look-up and kept up to date by `put`/`delete`.
   */
  findBy(project: string, kind: string, field: string, value: unknown): Row[] {
    const rows = this.rows(project, kind);
    if (!rows) return [];
    let indexes = this.indexes.get(rows);
    if (!indexes) this.indexes.set(rows, (indexes = new Map()));
    let index = indexes.get(field);
    if (!index) {
      indexes.set(field, (index = { byValue: new Map(), valueOf: new Map() }));
      for (const [id, row] of rows) indexAdd(index, id, fieldOf(row, field));
    }
    const out: Row[] = [];
    // Stryker disable next-line ArrayDeclaration: equivalent, the placeholder id is not in this value's Set, so a row under it was not put with this value and the check below drops it (only a row with that very id, changed in place and not yet put, could tell).
    for (const id of index.byValue.get(value) ?? []) {
      const row = rows.get(id);
      // A row changed in place (and not yet put) is judged by what it holds now.
      if (row && fieldOf(row, field) === value) out.push(row);
    }
    return out;
  }

  private reindex(rows: Map<string, Row>, id: string, row: Row | undefined): void {
    const indexes = this.indexes.get(rows);
    if (!indexes) return;
    for (const [field, index] of indexes) {
      if (index.valueOf.has(id)) {
        const old = index.valueOf.get(id);
        if (row && fieldOf(row, field) === old) continue;
        const ids = index.byValue.get(old)!;
        ids.delete(id);
        // Stryker disable next-line ConditionalExpression,CallExpression: equivalent when an emptied Set is kept (→ false, no delete): it answers no ids and takes the next object of that value; dropping a Set that still has ids (→ true) fails the unit test of objects sharing a name.
        if (!ids.size) index.byValue.delete(old);
        index.valueOf.delete(id);
      }
      if (row) indexAdd(index, id, fieldOf(row, field));
    }
  }

  /** Writes the row (committed before this returns), then keeps it in memory. Throws, changing nothing, when it cannot be written. */
  put(project: string, kind: string, id: string, row: Row): Row {
    this.open();
    this.sql.put.run(project, kind, id, JSON.stringify(row));
    const rows = this.rows(project, kind, true);
    rows.set(id, row);
    this.reindex(rows, id, row);
    return row;
  }

  delete(project: string, kind: string, id: string): boolean {
    const rows = this.rows(project, kind);
    if (!rows?.has(id)) return false;
    this.open();
    this.sql.delete.run(project, kind, id);
    rows.delete(id);
    this.reindex(rows, id, undefined);
    return true;
  }

  /** Monotonic numbers for services with numeric ids (Octopus); a number once answered is never given again, restarts and crashes included. */
  nextNumber(): number {
    this.open();
    this.sql.sequence.run(this.sequence + 1);
    return ++this.sequence;
  }

  /** Objects of every kind in a project: tests assert "destroy leaves the emulator empty". */
  count(project?: string): number {
    const projects = project === undefined ? [...this.projects.values()] : [this.projects.get(project) ?? new Map()];
    let n = 0;
    for (const kinds of projects) for (const rows of kinds.values()) n += rows.size;
    return n;
  }

  saveToken(token: string, projectId: string, expiresAt: number): void {
    this.open();
    this.sql.token.run(token, projectId, expiresAt);
    this.tokens.set(token, { projectId, expiresAt });
  }

  token(token: string): Token | undefined {
    return this.tokens.get(token);
  }

  /** Every issued IAM token expires now (tests of the client's refresh after a 401). */
  expireTokens(now = Date.now()): void {
    this.open();
    this.sql.expireTokens.run(now - 1, now - 1);
    // Stryker disable next-line EqualityOperator: equivalent, `>=` also sets a token that expires at now - 1 to now - 1, which changes nothing.
    for (const t of this.tokens.values()) if (t.expiresAt > now - 1) t.expiresAt = now - 1;
  }

  /** The state held in memory, as plain objects (`Object.fromEntries` defines own properties, so any key is safe). */
  snapshot(): StateFile {
    const projects = Object.fromEntries([...this.projects].map(([project, kinds]) => [project, Object.fromEntries([...kinds].map(([kind, rows]) => [kind, Object.fromEntries(rows)]))]));
    return { projects, tokens: Object.fromEntries([...this.tokens].map(([k, t]) => [k, { ...t }])), sequence: this.sequence };
  }

  /** Copies the write-ahead log into state.db, so the file alone holds everything (e.g. before copying the directory). */
  save(): void {
    this.open().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  /** Closes the database (idempotent); reads still answer from memory, writes throw. */
  close(): void {
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}

function indexAdd(index: Index, id: string, value: unknown): void {
  let ids = index.byValue.get(value);
  if (!ids) index.byValue.set(value, (ids = new Set()));
  ids.add(id);
  index.valueOf.set(id, value);
}

/** Own entries of a parsed JSON object (never inherited ones, so `__proto__` is an ordinary key). */
function entriesOf<T>(value: unknown): [string, T][] {
  return value && typeof value === "object" && !Array.isArray(value) ? (Object.entries(value) as [string, T][]) : [];
}

function readDatabase(db: DatabaseSync): { objects: { project: string; kind: string; id: string; row: Row }[]; tokens: [string, Token][]; sequence: number } {
  // In insertion order (an update keeps its row's place), as the Maps had it before the restart.
  const objects = (db.prepare("SELECT project, kind, id, row FROM objects ORDER BY rowid").all() as { project: string; kind: string; id: string; row: string }[]).map((r) => ({ project: r.project, kind: r.kind, id: r.id, row: JSON.parse(r.row) as Row }));
  const tokens = (db.prepare("SELECT token, project, expires_at FROM tokens").all() as { token: string; project: string; expires_at: number }[]).map((t): [string, Token] => [t.token, { projectId: t.project, expiresAt: Number(t.expires_at) }]);
  const sequence = Number((db.prepare("SELECT value FROM meta WHERE key = 'sequence'").get() as { value: unknown } | undefined)?.value ?? 0) || 0;
  return { objects, tokens, sequence };
}

/**
 * What a data directory holds on disk, as plain objects: every object by project, kind and id,
 * the IAM tokens and the Octopus sequence. Reads `<dir>/state.db` without writing to it, so it
 * also works while an emulator serves that directory (it sees every acknowledged write).
 */
export function readState(dir: string): StateFile {
  const file = join(dir, STATE_DB);
  if (!existsSync(file)) return { projects: {}, tokens: {}, sequence: 0 };
  const db = open(file, true);
  try {
    const { objects, tokens, sequence } = readDatabase(db);
    const projects = new Map<string, Map<string, Map<string, Row>>>();
    for (const { project, kind, id, row } of objects) {
      if (!projects.has(project)) projects.set(project, new Map());
      const kinds = projects.get(project)!;
      if (!kinds.has(kind)) kinds.set(kind, new Map());
      kinds.get(kind)!.set(id, row);
    }
    return {
      projects: Object.fromEntries([...projects].map(([project, kinds]) => [project, Object.fromEntries([...kinds].map(([kind, rows]) => [kind, Object.fromEntries(rows)]))])),
      tokens: Object.fromEntries(tokens),
      sequence,
    };
  } finally {
    db.close();
  }
}
