// The verification cache: hits skip the solver, results are identical to an
// uncached run, keys depend on everything that decides an answer, and a
// corrupt entry is ignored (solved again) rather than trusted.

import { describe, expect, it } from 'vitest';
import { CachingSolver, type CacheStore } from './cache.js';
import type { QueryResult, RunOptions, ScriptResult, SolverBackend, SolverQuery } from './types.js';

class FakeSolver implements SolverBackend {
  readonly name = 'wasm' as const;
  calls = 0;
  async version(): Promise<string> {
    return 'fake';
  }
  async run(_prelude: string, queries: readonly SolverQuery[], _opts: RunOptions): Promise<QueryResult[]> {
    this.calls += queries.length;
    return queries.map((q) =>
      q.body.includes('sat!')
        ? { id: q.id, status: 'sat', values: [{ kind: 'int', value: 2n ** 70n }, { kind: 'bool', value: true }], timeMs: 5 }
        : { id: q.id, status: 'unsat', timeMs: 3 },
    );
  }
  async runScript(_script: string, _timeoutMs: number): Promise<ScriptResult> {
    this.calls++;
    return { status: 'sat', reason: '', output: '(model)', timeMs: 1 };
  }
  async close(): Promise<void> {}
}

function memoryStore(): CacheStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, get: (k) => data.get(k) ?? null, set: (k, v) => void data.set(k, v) };
}

const queries: SolverQuery[] = [
  { id: 'a', body: '(assert sat!)', getValues: ['x', 'b'] },
  { id: 'b', body: '(assert false)', getValues: [] },
];
const opts: RunOptions = { timeoutMs: 1000 };

describe('CachingSolver', () => {
  it('answers a repeated run from the cache, with identical results', async () => {
    const inner = new FakeSolver();
    const cache = new CachingSolver(inner, 'fake@1', memoryStore());
    const first = await cache.run('(prelude)', queries, opts);
    const second = await cache.run('(prelude)', queries, opts);
    expect(inner.calls).toBe(2);
    expect(second).toEqual(first);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 2 });
  });

  it('keys on the prelude, the options and the solver identity', async () => {
    const inner = new FakeSolver();
    const store = memoryStore();
    await new CachingSolver(inner, 'fake@1', store).run('(p1)', queries, opts);
    await new CachingSolver(inner, 'fake@1', store).run('(p2)', queries, opts);
    await new CachingSolver(inner, 'fake@1', store).run('(p1)', queries, { timeoutMs: 2000 });
    await new CachingSolver(inner, 'fake@2', store).run('(p1)', queries, opts);
    await new CachingSolver(inner, 'fake@1', store).run('(p1)', queries, { ...opts, tactic: 'smt' });
    expect(inner.calls).toBe(10);
  });

  it('ignores a corrupt or truncated entry with a warning and solves again', async () => {
    const inner = new FakeSolver();
    const store = memoryStore();
    const warnings: string[] = [];
    const cache = new CachingSolver(inner, 'fake@1', store, (m) => warnings.push(m));
    const clean = await cache.run('(prelude)', queries, opts);
    for (const [k, v] of store.data) store.data.set(k, v.slice(0, Math.floor(v.length / 2)));
    const again = await cache.run('(prelude)', queries, opts);
    expect(again).toEqual(clean);
    expect(warnings).toHaveLength(2);
    expect(inner.calls).toBe(4);
    // Valid JSON that is not a result is not trusted either.
    for (const k of store.data.keys()) store.data.set(k, JSON.stringify({ status: 'maybe', timeMs: 1 }));
    expect(await cache.run('(prelude)', queries, opts)).toEqual(clean);
  });

  it('does not keep solver errors, which may be transient', async () => {
    const inner = new FakeSolver();
    inner.run = async (_p, qs) => {
      inner.calls += qs.length;
      return qs.map((q) => ({ id: q.id, status: 'unknown', reason: 'solver error: boom', timeMs: 1 }) as QueryResult);
    };
    const cache = new CachingSolver(inner, 'fake@1', memoryStore());
    await cache.run('(prelude)', queries, opts);
    await cache.run('(prelude)', queries, opts);
    expect(inner.calls).toBe(4);
  });

  it('does not keep timeouts, which depend on the load of the machine', async () => {
    const inner = new FakeSolver();
    let reason = 'timeout';
    inner.run = async (_p, qs) => {
      inner.calls += qs.length;
      return qs.map((q) => ({ id: q.id, status: 'unknown', reason, timeMs: 1 }) as QueryResult);
    };
    const cache = new CachingSolver(inner, 'fake@1', memoryStore());
    await cache.run('(prelude)', queries, opts);
    await cache.run('(prelude)', queries, opts);
    expect(inner.calls).toBe(4);
    // An unknown the solver gives for a reason of its own is an answer, and is kept.
    reason = '(incomplete quantifiers)';
    await cache.run('(prelude)', queries, opts);
    await cache.run('(prelude)', queries, opts);
    expect(inner.calls).toBe(6);
  });

  it('caches Horn scripts too', async () => {
    const inner = new FakeSolver();
    const cache = new CachingSolver(inner, 'fake@1', memoryStore());
    const a = await cache.runScript('(check-sat)', 1000);
    const b = await cache.runScript('(check-sat)', 1000);
    expect(b).toEqual(a);
    expect(inner.calls).toBe(1);
  });
});
