// A verification cache as a solver back-end wrapper. The key of a query is a
// hash of exactly what decides its answer: the solver's identity (name and
// version), the options (timeout, tactic), the prelude and the query itself.
// A hit returns the stored result (with its model values) without starting a
// solver. Storage is behind `CacheStore` (the CLI gives a directory); a
// corrupt or truncated entry is ignored with a warning and solved again — it
// can never change a verdict.

import { createHash } from 'node:crypto';
import type { ModelValue } from '../smtlib/model.js';
import type { QueryResult, RunOptions, ScriptResult, SolverBackend, SolverQuery } from './types.js';

export interface CacheStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export interface CacheStats {
  hits: number;
  misses: number;
  corrupt: number;
}

const FORMAT = 'lumen-cache-1';

export class CachingSolver implements SolverBackend {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0 };

  constructor(
    private readonly inner: SolverBackend,
    /** Name and version of the solver, e.g. `wasm z3-solver@5.2.0`; part of every key. */
    private readonly identity: string,
    private readonly store: CacheStore,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  get name(): SolverBackend['name'] {
    return this.inner.name;
  }

  version(): Promise<string> {
    return this.inner.version();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async run(prelude: string, queries: readonly SolverQuery[], opts: RunOptions): Promise<QueryResult[]> {
    const base = hash([FORMAT, this.identity, String(opts.timeoutMs), opts.tactic ?? '', prelude]);
    const keys = queries.map((q) => hash([base, q.body, ...q.getValues]));
    const results: (QueryResult | null)[] = keys.map((k, i) => this.lookup(k, queries[i]!));
    const missing = queries.filter((_, i) => results[i] === null);
    if (missing.length > 0) {
      const answers = await this.inner.run(prelude, missing, opts);
      let j = 0;
      for (let i = 0; i < queries.length; i++) {
        if (results[i] !== null) continue;
        const a = answers[j++]!;
        results[i] = a;
        if (worthKeeping(a)) this.store.set(keys[i]!, encode(a));
      }
    }
    return results as QueryResult[];
  }

  async runScript(script: string, timeoutMs: number): Promise<ScriptResult> {
    const key = hash([FORMAT, this.identity, 'script', String(timeoutMs), script]);
    const raw = this.store.get(key);
    if (raw !== null) {
      try {
        const r = JSON.parse(raw) as ScriptResult;
        if (typeof r.status === 'string' && typeof r.output === 'string') {
          this.stats.hits++;
          return r;
        }
      } catch {
        // fall through: corrupt
      }
      this.stats.corrupt++;
      this.warn(`ignoring a corrupt cache entry (${key.slice(0, 12)}…)`);
    }
    this.stats.misses++;
    const r = await this.inner.runScript(script, timeoutMs);
    if (r.status !== 'unknown' || keepUnknown(r.reason)) this.store.set(key, JSON.stringify(r));
    return r;
  }

  private lookup(key: string, q: SolverQuery): QueryResult | null {
    const raw = this.store.get(key);
    if (raw === null) {
      this.stats.misses++;
      return null;
    }
    const r = decode(raw, q);
    if (r === null) {
      this.stats.corrupt++;
      this.stats.misses++;
      this.warn(`ignoring a corrupt cache entry (${key.slice(0, 12)}…)`);
      return null;
    }
    this.stats.hits++;
    return r;
  }
}

function hash(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(String(p.length));
    h.update(':');
    h.update(p);
  }
  return h.digest('hex');
}

function encode(r: QueryResult): string {
  return JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

/** Parses a stored result; null when it is not a complete, well-formed entry for this query. */
function decode(raw: string, q: SolverQuery): QueryResult | null {
  let v: unknown;
  try {
    v = JSON.parse(raw, (_k, x) => (x && typeof x === 'object' && typeof x.$bigint === 'string' ? BigInt(x.$bigint) : x));
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const r = v as { status?: unknown; timeMs?: unknown; values?: unknown; reason?: unknown };
  if (typeof r.timeMs !== 'number') return null;
  switch (r.status) {
    case 'unsat':
      return { id: q.id, status: 'unsat', timeMs: r.timeMs };
    case 'sat':
      if (!Array.isArray(r.values) || r.values.length !== q.getValues.length || !r.values.every(isModelValue)) return null;
      return { id: q.id, status: 'sat', values: r.values as ModelValue[], timeMs: r.timeMs };
    case 'unknown':
      if (typeof r.reason !== 'string') return null;
      return { id: q.id, status: 'unknown', reason: r.reason, timeMs: r.timeMs };
    default:
      return null;
  }
}

function isModelValue(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string';
}

/**
 * Only answers that the same query would get again are kept. A solver error
 * may be transient, and a timeout depends on how loaded the machine was: kept,
 * one slow run would turn a check unknown in every later run until the cache
 * is cleared. (Genuinely hard checks therefore pay their timeout on every run.)
 */
function worthKeeping(a: QueryResult): boolean {
  return a.status !== 'unknown' || keepUnknown(a.reason);
}

function keepUnknown(reason: string): boolean {
  return reason !== 'timeout' && !reason.startsWith('solver error');
}
