import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

type Row = Record<string, any>;

/**
 * The emulator's state: per project, per kind, objects by id. Every mutation is written through
 * to `<dir>/state.json` (atomically), so a restarted emulator keeps everything.
 */
export class Store {
  private data: { projects: Record<string, Record<string, Record<string, Row>>>; tokens: Record<string, { projectId: string; expiresAt: number }>; sequence: number };
  private readonly file: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "state.json");
    this.data = existsSync(this.file) ? JSON.parse(readFileSync(this.file, "utf8")) : { projects: {}, tokens: {}, sequence: 0 };
  }

  private kind(project: string, kind: string): Record<string, Row> {
    const p = (this.data.projects[project] ??= {});
    return (p[kind] ??= {});
  }

  list(project: string, kind: string): Row[] {
    return Object.values(this.kind(project, kind));
  }

  get(project: string, kind: string, id: string): Row | undefined {
    return this.kind(project, kind)[id];
  }

  put(project: string, kind: string, id: string, row: Row): Row {
    this.kind(project, kind)[id] = row;
    this.save();
    return row;
  }

  delete(project: string, kind: string, id: string): boolean {
    const rows = this.kind(project, kind);
    if (!(id in rows)) return false;
    delete rows[id];
    this.save();
    return true;
  }

  /** Monotonic numbers for services with numeric ids (Octopus). */
  nextNumber(): number {
    this.data.sequence += 1;
    this.save();
    return this.data.sequence;
  }

  /** Objects of every kind in a project: tests assert "destroy leaves the emulator empty". */
  count(project?: string): number {
    const projects = project ? [this.data.projects[project] ?? {}] : Object.values(this.data.projects);
    return projects.reduce((n, kinds) => n + Object.values(kinds).reduce((m, rows) => m + Object.keys(rows).length, 0), 0);
  }

  saveToken(token: string, projectId: string, expiresAt: number): void {
    this.data.tokens[token] = { projectId, expiresAt };
    this.save();
  }

  token(token: string): { projectId: string; expiresAt: number } | undefined {
    return this.data.tokens[token];
  }

  save(): void {
    const tmp = this.file + ".tmp";
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.file);
  }
}
