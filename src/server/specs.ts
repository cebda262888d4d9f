/**
 * The specs a server serves, by name, with atomic hot reload.
 *
 * `--spec FILE` serves one spec named after the file; `--spec DIR` serves every `*.yaml|yml|json`
 * in it (the name is the file name without its extension) plus an optional `routes.yaml` that
 * maps verl `data_source` values to spec names. A changed file is compiled into a new pipeline
 * next to the old one; only when that succeeds does the name point at it. Each request leases the
 * version it starts on and keeps it until it has its results, so a batch in flight finishes on
 * that version; the old pipeline closes when its last lease is released. A file that fails to
 * compile keeps the previous version serving and shows the error in GET /v1/specs.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, type Stats } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ValidationError } from "../core/errors.ts";
import type { StateStore } from "../core/state.ts";
import { compile } from "../engine.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import { registry } from "../rewards/index.ts";
import { compileSpec, type CompiledSpec } from "../spec/compile.ts";
import { parseSpecText } from "../spec/load.ts";
import { Batcher } from "./batcher.ts";
import { HttpError } from "./errors.ts";

export type SpecVersion = {
  readonly name: string;
  readonly file: string;
  readonly spec: CompiledSpec;
  readonly pipeline: Pipeline;
  readonly batcher: Batcher;
  readonly loadedAt: Date;
  readonly textHash: string;
  refs: number;
  retired: boolean;
};

export type SpecLease = { readonly version: SpecVersion; release(): void };

export type RegistryOptions = {
  workers?: number;
  /** Where stateful combine pieces (running statistics, adaptive weights) persist across restarts. */
  state?: StateStore;
  concurrency?: number;
  /** Poll the files every this many ms for changes (0 = never). */
  reloadMs?: number;
  log?: (level: "info" | "warn" | "error", obj: Record<string, unknown>, msg: string) => void;
  onBatch?: (spec: string, samples: number, ms: number) => void;
  /** A version stopped serving and its pipeline is closed (fold its stats, finish its run). */
  onRetire?: (v: SpecVersion) => void;
  onReload?: (spec: string, result: "ok" | "error" | "removed") => void;
};

type Entry = { name: string; file: string; stamp: string; current?: SpecVersion; error?: { message: string; at: string } };

type Routes = { default?: string; exact: Map<string, string>; prefixes: [string, string][]; file?: string; stamp?: string; error?: { message: string; at: string } };

const SPEC_FILE = /\.(ya?ml|json)$/i;
const ROUTES_NAMES = ["routes.yaml", "routes.yml", "routes.json"];

export type SpecInfo = {
  name: string;
  hash: string;
  file: string;
  loaded_at: string;
  default: boolean;
  description?: string;
  rewards: { name: string; type: string; weight: number; on_error: string; deadline_ms: number; runs: string }[];
  formula?: string;
  in_flight: number;
  error?: { message: string; at: string };
};

export class SpecRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly draining = new Set<SpecVersion>();
  private routes: Routes = { exact: new Map(), prefixes: [] };
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly mode: "file" | "dir",
    private readonly options: RegistryOptions,
  ) {}

  /** Loads every spec (any error is thrown: a server does not start half-configured). */
  static async open(path: string, options: RegistryOptions = {}): Promise<SpecRegistry> {
    const abs = resolve(path);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch {
      throw new ValidationError([{ path: "", message: "cannot read spec: no such file or directory" }], path);
    }
    const reg = new SpecRegistry(abs, st.isDirectory() ? "dir" : "file", options);
    try {
      const files = reg.specFiles();
      if (files.length === 0) throw new ValidationError([{ path: "", message: "no spec files (*.yaml, *.yml, *.json) in this directory" }], path);
      for (const f of files) {
        const e: Entry = { name: specName(f), file: f, stamp: "" };
        const v = await reg.load(e, true);
        e.current = v;
        reg.entries.set(e.name, e);
      }
      if (reg.mode === "dir") reg.loadRoutes(true);
    } catch (err) {
      await reg.close();
      throw err;
    }
    const ms = options.reloadMs ?? 1000;
    if (ms > 0) {
      reg.timer = setInterval(() => void reg.check(), ms);
      reg.timer.unref();
    }
    return reg;
  }

  private specFiles(): string[] {
    if (this.mode === "file") return [this.path];
    return readdirSync(this.path)
      .filter((f) => SPEC_FILE.test(f) && !ROUTES_NAMES.includes(f.toLowerCase()) && !f.startsWith("."))
      .sort()
      .map((f) => join(this.path, f));
  }

  /** Reads, validates and compiles one spec file into a new version. */
  private async load(e: Entry, initial: boolean): Promise<SpecVersion | undefined> {
    const st = statSync(e.file);
    const stamp = stampOf(st);
    const text = readFileSync(e.file, "utf8");
    const textHash = createHash("sha256").update(text).digest("hex");
    e.stamp = stamp;
    if (!initial && e.current?.textHash === textHash) return undefined;
    const spec = compileSpec(parseSpecText(text, e.file), { registry });
    const pipeline = await compile(spec, { workers: this.options.workers, concurrency: this.options.concurrency, state: this.options.state });
    const onBatch = this.options.onBatch;
    return {
      name: e.name,
      file: e.file,
      spec,
      pipeline,
      batcher: new Batcher(pipeline, { onBatch: onBatch ? (n, ms) => onBatch(e.name, n, ms) : undefined }),
      loadedAt: new Date(),
      textHash,
      refs: 0,
      retired: false,
    };
  }

  /** One pass over the files: new, changed and removed specs, and the routes file. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let files: string[];
    try {
      files = this.specFiles();
    } catch (err) {
      this.log("warn", { path: this.path, err: String(err) }, "cannot list specs");
      return;
    }
    const seen = new Set<string>();
    for (const f of files) {
      const name = specName(f);
      seen.add(name);
      let e = this.entries.get(name);
      let stamp: string;
      try {
        stamp = stampOf(statSync(f));
      } catch {
        continue;
      }
      if (e && e.stamp === stamp) continue;
      if (!e) {
        e = { name, file: f, stamp: "" };
        this.entries.set(name, e);
      }
      try {
        const v = await this.load(e, false);
        if (this.closed) {
          await v?.pipeline.close();
          return;
        }
        if (v) {
          const old = e.current;
          e.current = v;
          e.error = undefined;
          if (old) this.retire(old);
          this.options.onReload?.(name, "ok");
          this.log("info", { spec: name, hash: v.spec.hash, previous: old?.spec.hash }, old ? "spec reloaded" : "spec added");
        }
      } catch (err) {
        e.error = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
        this.options.onReload?.(name, "error");
        this.log("error", { spec: name, file: f, error: e.error.message }, e.current ? "spec change rejected; the previous version keeps serving" : "spec failed to load");
      }
    }
    for (const [name, e] of this.entries) {
      if (seen.has(name)) continue;
      this.entries.delete(name);
      if (e.current) this.retire(e.current);
      this.options.onReload?.(name, "removed");
      this.log("info", { spec: name }, "spec removed");
    }
    if (this.mode === "dir") this.loadRoutes(false);
  }

  private loadRoutes(initial: boolean): void {
    const file = ROUTES_NAMES.map((n) => join(this.path, n)).find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (!file) {
      this.routes = { exact: new Map(), prefixes: [] };
      return;
    }
    const stamp = stampOf(statSync(file));
    if (!initial && this.routes.file === file && this.routes.stamp === stamp) return;
    try {
      this.routes = { ...parseRoutes(readFileSync(file, "utf8"), file, new Set(this.entries.keys())), file, stamp };
      if (!initial) this.log("info", { file }, "routes reloaded");
    } catch (err) {
      if (initial) throw err;
      this.routes = { ...this.routes, stamp, error: { message: (err as Error).message, at: new Date().toISOString() } };
      this.log("error", { file, error: (err as Error).message }, "routes change rejected; the previous routes stay");
    }
  }

  private retire(v: SpecVersion): void {
    v.retired = true;
    if (v.refs === 0) void this.closeVersion(v);
    else this.draining.add(v);
  }

  private async closeVersion(v: SpecVersion): Promise<void> {
    this.draining.delete(v);
    try {
      await v.pipeline.close();
    } catch (err) {
      this.log("warn", { spec: v.name, err: String(err) }, "closing a retired pipeline failed");
    }
    this.options.onRetire?.(v);
  }

  /** The spec a request names, or the default one. */
  resolveName(name: string | undefined, param = "spec"): string {
    if (name !== undefined) {
      if (this.entries.get(name)?.current) return name;
      throw new HttpError(404, `unknown spec "${name}" (served: ${this.names().join(", ") || "none"})`, param, "unknown_spec");
    }
    const d = this.defaultName();
    if (d) return d;
    throw new HttpError(400, `required: this server serves several specs (${this.names().join(", ")}) and none is the default (add default: NAME to routes.yaml)`, param, "spec_required");
  }

  defaultName(): string | undefined {
    if (this.routes.default && this.entries.get(this.routes.default)?.current) return this.routes.default;
    const names = this.names();
    if (names.length === 1) return names[0];
    if (names.includes("default")) return "default";
    return undefined;
  }

  names(): string[] {
    return [...this.entries.values()].filter((e) => e.current).map((e) => e.name).sort();
  }

  /**
   * The spec for a verl `data_source`: routes.yaml (exact, then the longest `prefix*`), then a
   * spec named like the data source (characters other than letters, digits, `_ . -` read as `_`,
   * so `openai/gsm8k` finds `openai_gsm8k.yaml`), then the default spec.
   */
  routeDataSource(dataSource: string): string | undefined {
    const exact = this.routes.exact.get(dataSource);
    if (exact && this.entries.get(exact)?.current) return exact;
    for (const [prefix, spec] of this.routes.prefixes) {
      if (dataSource.startsWith(prefix) && this.entries.get(spec)?.current) return spec;
    }
    if (this.entries.get(dataSource)?.current) return dataSource;
    const safe = dataSource.replace(/[^A-Za-z0-9_.-]/g, "_");
    if (this.entries.get(safe)?.current) return safe;
    return this.defaultName();
  }

  /** Holds the current version of a spec until release(): reloads do not close it meanwhile. */
  lease(name: string | undefined, param = "spec"): SpecLease {
    const n = this.resolveName(name, param);
    const v = this.entries.get(n)!.current!;
    v.refs++;
    let released = false;
    return {
      version: v,
      release: () => {
        if (released) return;
        released = true;
        v.refs--;
        if (v.retired && v.refs === 0) void this.closeVersion(v);
      },
    };
  }

  /** Every version with a live pipeline: current ones and retired ones still finishing requests. */
  versions(): SpecVersion[] {
    const out: SpecVersion[] = [];
    for (const e of this.entries.values()) if (e.current) out.push(e.current);
    for (const v of this.draining) out.push(v);
    return out;
  }

  list(): { specs: SpecInfo[]; default: string | null; routes: { file: string | null; data_sources: Record<string, string>; error?: { message: string; at: string } } } {
    const def = this.defaultName();
    const specs: SpecInfo[] = [];
    for (const e of [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const v = e.current;
      if (!v) {
        specs.push({ name: e.name, hash: "", file: e.file, loaded_at: "", default: false, rewards: [], in_flight: 0, ...(e.error ? { error: e.error } : {}) });
        continue;
      }
      specs.push({
        name: e.name,
        hash: v.spec.hash,
        file: e.file,
        loaded_at: v.loadedAt.toISOString(),
        default: e.name === def,
        ...(v.spec.description ? { description: v.spec.description } : {}),
        rewards: v.spec.rewards.map((r) => ({ name: r.name, type: r.type, weight: r.weight, on_error: r.onError, deadline_ms: r.deadlineMs, runs: r.runs })),
        ...(v.spec.formula ? { formula: v.spec.formula } : {}),
        in_flight: v.refs,
        ...(e.error ? { error: e.error } : {}),
      });
    }
    const ds: Record<string, string> = Object.fromEntries(this.routes.exact);
    for (const [p, s] of this.routes.prefixes) ds[`${p}*`] = s;
    return { specs, default: def ?? null, routes: { file: this.routes.file ?? null, data_sources: ds, ...(this.routes.error ? { error: this.routes.error } : {}) } };
  }

  /** Every reward name of every spec, for protocols whose consumers need a fixed key set (verl). */
  allRewardNames(): string[] {
    const s = new Set<string>();
    for (const e of this.entries.values()) for (const r of e.current?.spec.rewards ?? []) s.add(r.name);
    return [...s];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.checking?.catch(() => {});
    const all = this.versions();
    this.entries.clear();
    this.draining.clear();
    await Promise.all(
      all.map(async (v) => {
        v.retired = true;
        await v.pipeline.close().catch(() => {});
        this.options.onRetire?.(v);
      }),
    );
  }

  private log(level: "info" | "warn" | "error", obj: Record<string, unknown>, msg: string): void {
    this.options.log?.(level, obj, msg);
  }
}

function specName(file: string): string {
  return basename(file, extname(file));
}

function stampOf(st: Stats): string {
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

/** routes.yaml: `default: NAME` and `data_sources: {data_source: spec}` (a key ending in `*` is a prefix). */
function parseRoutes(text: string, file: string, specs: ReadonlySet<string>): Omit<Routes, "file" | "stamp"> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ValidationError([{ path: "", message: `not valid YAML/JSON: ${(err as Error).message.split("\n")[0]}` }], file);
  }
  if (doc === null || doc === undefined) return { exact: new Map(), prefixes: [] };
  if (typeof doc !== "object" || Array.isArray(doc)) throw new ValidationError([{ path: "", message: "expected a mapping with `default` and/or `data_sources`" }], file);
  const issues: { path: string; message: string }[] = [];
  const known = [...specs].sort().join(", ");
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== "default" && k !== "data_sources") issues.push({ path: k, message: `unknown key "${k}" (known: default, data_sources)` });
  let def: string | undefined;
  if (o.default !== undefined) {
    if (typeof o.default !== "string") issues.push({ path: "default", message: "expected a spec name" });
    else if (!specs.has(o.default)) issues.push({ path: "default", message: `unknown spec "${o.default}" (known: ${known})` });
    else def = o.default;
  }
  const exact = new Map<string, string>();
  const prefixes: [string, string][] = [];
  if (o.data_sources !== undefined) {
    if (o.data_sources === null || typeof o.data_sources !== "object" || Array.isArray(o.data_sources)) {
      issues.push({ path: "data_sources", message: "expected a mapping from data_source to spec name" });
    } else {
      for (const [ds, spec] of Object.entries(o.data_sources as Record<string, unknown>)) {
        if (typeof spec !== "string") issues.push({ path: `data_sources.${ds}`, message: "expected a spec name" });
        else if (!specs.has(spec)) issues.push({ path: `data_sources.${ds}`, message: `unknown spec "${spec}" (known: ${known})` });
        else if (ds.endsWith("*")) prefixes.push([ds.slice(0, -1), spec]);
        else exact.set(ds, spec);
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, file);
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return { default: def, exact, prefixes };
}
