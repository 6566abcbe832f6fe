// `runScript` runs a whole script in a fresh context: here a Horn system
// solved by Spacer, whose model is the inferred invariant.
import { afterAll, describe, expect, it } from 'vitest';
import { createSolver } from './index.js';

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

describe('runScript', () => {
  it('solves a Horn system and returns the invariant model', async () => {
    const script = `(set-logic HORN)
(declare-fun inv (Int Int) Bool)
(assert (forall ((n Int)) (=> (>= n 0) (inv 0 n))))
(assert (forall ((i Int) (n Int)) (=> (and (inv i n) (< i n)) (inv (+ i 1) n))))
(assert (forall ((i Int) (n Int)) (=> (and (inv i n) (>= i n) (>= n 0)) (= i n))))
(check-sat)
(get-model)`;
    const r = await solver.runScript(script, 10_000);
    expect(r.status).toBe('sat');
    expect(r.output).toContain('define-fun inv');
  });

  it('leaves the solver usable for ordinary queries afterwards', async () => {
    const [a] = await solver.run('(declare-const x Int)', [{ id: 'q', body: '(assert (> x 1))', getValues: ['x'] }], { timeoutMs: 5000 });
    expect(a!.status).toBe('sat');
  });
});
