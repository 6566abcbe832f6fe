// One corpus of queries run on every back-end: always on Z3-in-WASM, and on
// native z3 / cvc5 only when they are installed (`describe.runIf`, so a
// machine without them runs no native tests rather than skipped ones).
// The queries check the whole path: printed SMT-LIB in, values read back out,
// deadlines enforced, and the back-end still usable after a timeout or an error.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printScript } from '../smtlib/printer.js';
import { app, eq, int, IntSort, namedSort, str, StringSort, sym, type Command } from '../smtlib/term.js';
import { showModelValue } from '../smtlib/model.js';
import { createSolver, nativeAvailable, type SolverBackend, type SolverName, type SolverQuery } from './index.js';

const PRELUDE = `
(declare-datatypes ((Shape 0)) (((Circle (radius Int)) (Square (side Int)) (Empty))))
(declare-const x Int)
(declare-const s String)
(declare-const sh Shape)
(declare-const a (Array Int Int))
(declare-const f (_ FloatingPoint 11 53))
(declare-const n Int)
(declare-const r Int)
`;

const q = (id: string, body: string, getValues: string[] = []): SolverQuery => ({ id, body, getValues });

/** Built with the term language and printer, so the round trip printer → solver → model reader is covered. */
const SAT_BODY = printScript([
  { kind: 'Assert', term: eq(sym('x', IntSort), int(-6)) },
  { kind: 'Assert', term: eq(sym('s', StringSort), str('a\u00e9"b\n')) },
  { kind: 'Assert', term: eq(sym('sh', namedSort('Shape')), app('Circle', [sym('x', IntSort)], namedSort('Shape'))) },
] satisfies Command[]);

const UNSAT_BODY = '(assert (> x 0))\n(assert (< x 0))';

/** The variant of an integer square root loop decreases: needs nonlinear reasoning. */
const NONLINEAR_BODY = `
(assert (>= r 0))
(assert (<= (* r r) n))
(assert (<= (* (+ r 1) (+ r 1)) n))
(assert (not (< (- n (* (+ r 1) (+ r 1))) (- n (* r r)))))`;

/** No cubes add up to a cube (Fermat, n = 3): far beyond any solver in a second. */
const FERMAT_BODY = `
(declare-const fx Int)
(declare-const fy Int)
(declare-const fz Int)
(assert (and (>= fx 1) (<= fx 100000) (>= fy 1) (<= fy 100000) (>= fz 1) (<= fz 100000)))
(assert (= (+ (* fx fx fx) (* fy fy fy)) (* fz fz fz)))`;

/** A counter loop `x := 0; while x < 10 { x := x + step }; assert x == expected`, as Horn clauses. */
const hornLoop = (step: number, expected: number) => `
(declare-fun inv (Int) Bool)
(assert (forall ((x Int)) (=> (= x 0) (inv x))))
(assert (forall ((x Int)) (=> (and (inv x) (< x 10)) (inv (+ x ${step})))))
(assert (forall ((x Int)) (=> (and (inv x) (>= x 10)) (= x ${expected}))))`;

const BACKENDS: SolverName[] = ['wasm', 'z3', 'cvc5'];

for (const name of BACKENDS) {
  describe.runIf(name === 'wasm' || nativeAvailable(name))(`${name} back-end`, () => {
    let solver: SolverBackend;
    beforeAll(() => {
      solver = createSolver(name);
    });
    afterAll(async () => {
      await solver.close();
    });

    it('reports its version', async () => {
      expect(await solver.version()).toMatch(name === 'cvc5' ? /cvc5/ : /Z3/);
    });

    it('answers sat with values and unsat, in order', async () => {
      const results = await solver.run(
        PRELUDE,
        [
          q('sat', SAT_BODY, ['x', 's', 'sh', '(- x 1)']),
          q('unsat', UNSAT_BODY),
          q('array', '(assert (= (select a 3) 7))\n(assert (= f ((_ to_fp 11 53) RNE (- 0.1))))', ['(select a 3)', 'f', 'a']),
        ],
        { timeoutMs: 5000 },
      );
      expect(results.map((r) => [r.id, r.status])).toEqual([
        ['sat', 'sat'],
        ['unsat', 'unsat'],
        ['array', 'sat'],
      ]);
      const [sat, , array] = results;
      if (sat?.status !== 'sat' || array?.status !== 'sat') throw new Error('expected sat');
      expect(sat.values.map(showModelValue)).toEqual(['-6', JSON.stringify('a\u00e9"b\n'), 'Circle(-6)', '-7']);
      expect(array.values[0]).toEqual({ kind: 'int', value: 7n });
      expect(array.values[1]).toEqual({ kind: 'float', value: -0.1 });
      expect(array.values[2]!.kind).toBe('array');
      for (const r of results) expect(r.timeMs).toBeGreaterThanOrEqual(0);
    });

    it('proves a nonlinear goal with (check-sat-using smt)', async () => {
      const [r] = await solver.run(PRELUDE, [q('variant', NONLINEAR_BODY)], { timeoutMs: 5000, tactic: 'smt' });
      expect(r?.status).toBe('unsat');
      expect(r!.timeMs).toBeLessThan(2000);
    });

    it('solves Horn clauses: invariants with Spacer on Z3, counterexamples only on cvc5', async () => {
      const results = await solver.run('(set-logic HORN)', [q('safe', hornLoop(1, 10)), q('unsafe', hornLoop(2, 11))], { timeoutMs: 5000 });
      // sat: an invariant exists, the assertion holds; unsat: a counterexample trace exists.
      // cvc5 has no Horn engine: it finds the counterexample by instantiation but cannot find invariants.
      expect(results.map((r) => r.status)).toEqual([name === 'cvc5' ? 'unknown' : 'sat', 'unsat']);
    });

    it('reads a long query with non-ASCII text intact', async () => {
      // 1,000 chained constants (about 60 kB): the first goal is unsat only if every line arrived unchanged.
      const n = 1000;
      const lines: string[] = ['(declare-const c0 Int)', '(assert (= c0 0))'];
      for (let i = 1; i <= n; i++) lines.push(`(declare-const c${i} Int) ; ünïcödé ${i}`, `(assert (= c${i} (+ c${i - 1} 1)))`);
      lines.push(`(assert (not (= c${n} ${n})))`);
      const results = await solver.run(PRELUDE, [q('long', lines.join('\n')), q('long-sat', `${lines.slice(0, -1).join('\n')}\n(assert (= c${n} ${n}))`, [`c${n}`])], {
        timeoutMs: 10_000,
      });
      expect(results.map((r) => r.status)).toEqual(['unsat', 'sat']);
      expect(results[1]!.status === 'sat' && results[1]!.values[0]).toEqual({ kind: 'int', value: BigInt(n) });
    });

    it('turns a solver error into unknown after one retry, and keeps working', async () => {
      const results = await solver.run(PRELUDE, [q('bad', '(assert (> undeclared_y 0))'), q('good', UNSAT_BODY)], { timeoutMs: 5000 });
      expect(results[0]).toMatchObject({ id: 'bad', status: 'unknown' });
      expect(results[0]!.status === 'unknown' && results[0]!.reason).toMatch(/^solver error: /);
      expect(results[1]).toMatchObject({ id: 'good', status: 'unsat' });
    });

    it('stops a hard query at the deadline and answers the next one', async () => {
      const timeoutMs = 1000;
      const started = performance.now();
      const results = await solver.run(PRELUDE, [q('fermat', FERMAT_BODY), q('after', UNSAT_BODY)], { timeoutMs });
      expect(results[0]).toMatchObject({ id: 'fermat', status: 'unknown', reason: 'timeout' });
      // Deadline + grace (300 ms) + slack for a loaded machine.
      expect(results[0]!.timeMs).toBeLessThan(timeoutMs + 300 + 1200);
      expect(results[1]).toMatchObject({ id: 'after', status: 'unsat' });
      expect(performance.now() - started).toBeLessThan(6000);
    });
  });

  describe.runIf(name === 'wasm' || nativeAvailable(name))(`${name} back-end without the solver's own timeout`, () => {
    it('kills the solver at the deadline, restarts it with the prelude, and continues', async () => {
      // With the internal timeout off, only the external deadline can stop Fermat.
      const solver = createSolver(name, { internalTimeout: false, graceMs: 100 });
      try {
        const timeoutMs = 400;
        const results = await solver.run(
          PRELUDE,
          [q('warm-up', UNSAT_BODY), q('fermat', FERMAT_BODY), q('after', SAT_BODY, ['sh'])],
          { timeoutMs },
        );
        expect(results.map((r) => r.status)).toEqual(['unsat', 'unknown', 'sat']);
        expect(results[1]).toMatchObject({ reason: 'timeout' });
        expect(results[1]!.timeMs).toBeGreaterThanOrEqual(timeoutMs);
        expect(results[1]!.timeMs).toBeLessThan(timeoutMs + 100 + 700);
        // The prelude (the Shape datatype) was reloaded into the new solver.
        expect(results[2]!.status === 'sat' && results[2]!.values.map(showModelValue)).toEqual(['Circle(-6)']);
      } finally {
        await solver.close();
      }
    });
  });
}

describe('createSolver', () => {
  it('does not start anything before the first query', async () => {
    const solver = createSolver('wasm');
    await solver.close();
    expect(await solver.run('', [q('a', UNSAT_BODY)], { timeoutMs: 1000 })).toMatchObject([{ status: 'unknown' }]);
  });

  it('throws a clear error when a native solver is missing', () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      expect(nativeAvailable('cvc5')).toBe(false);
      expect(() => createSolver('cvc5')).toThrow(/The native solver 'cvc5' was not found on PATH/);
    } finally {
      process.env['PATH'] = path;
    }
  });
});
