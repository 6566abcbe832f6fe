// The SMT definitions of Lumen's division operators must agree with the VM's
// exact Int semantics (vm/int64.ts), which the VM tests compare against a
// BigInt reference. Random operands, including the 64-bit boundaries, are
// evaluated by Z3 and by the VM.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as I from '../vm/int64.js';
import { PRELUDE_FUNCTIONS } from './vcgen.js';
import { createSolver } from './solver/index.js';
import { printIntLiteral } from './smtlib/printer.js';

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const operand = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.bigInt({ min: -20n, max: 20n }),
  fc.constantFrom(MIN, MIN + 1n, -1n, 1n, MAX, MAX - 1n, 2n ** 53n, -(2n ** 53n)),
);

describe('Lumen division in SMT agrees with the VM', () => {
  it('l!tdiv, l!trem, l!fdiv match /, %, // on random operands', async () => {
    const pairs = fc.sample(fc.tuple(operand, operand.filter((b) => b !== 0n)), { numRuns: 300, seed: 42 });
    const terms: string[] = [];
    for (const [a, b] of pairs) {
      const A = printIntLiteral(a);
      const B = printIntLiteral(b);
      terms.push(`(l!tdiv ${A} ${B})`, `(l!trem ${A} ${B})`, `(l!fdiv ${A} ${B})`);
    }
    const [answer] = await solver.run(PRELUDE_FUNCTIONS, [{ id: 'div', body: '', getValues: terms }], { timeoutMs: 20_000 });
    expect(answer!.status).toBe('sat');
    if (answer!.status !== 'sat') return;
    pairs.forEach(([a, b], k) => {
      const [q, r, f] = answer.values.slice(3 * k, 3 * k + 3).map((v) => (v.kind === 'int' ? v.value : null));
      const big = (x: I.IntResult): bigint | null => (I.isTrap(x) ? null : I.toBigInt(x));
      // The SMT functions are mathematical: compare where the VM does not trap on overflow.
      const vq = big(I.div(a, b));
      if (vq !== null) expect(q, `${a} / ${b}`).toBe(vq);
      expect(r, `${a} % ${b}`).toBe(big(I.mod(a, b)));
      const vf = big(I.floorDiv(a, b));
      if (vf !== null) expect(f, `${a} // ${b}`).toBe(vf);
    });
  });
});

describe('Lumen `**` in SMT agrees with the VM', () => {
  it('l!pow matches ** where the VM does not trap, on random small operands', async () => {
    const pairs = fc.sample(fc.tuple(fc.bigInt({ min: -12n, max: 12n }), fc.bigInt({ min: 0n, max: 20n })), { numRuns: 120, seed: 7 });
    const terms = pairs.map(([a, n]) => `(l!pow ${printIntLiteral(a)} ${printIntLiteral(n)})`);
    const [answer] = await solver.run(PRELUDE_FUNCTIONS, [{ id: 'pow', body: '', getValues: terms }], { timeoutMs: 20_000 });
    expect(answer!.status).toBe('sat');
    if (answer!.status !== 'sat') return;
    pairs.forEach(([a, n], k) => {
      const v = answer.values[k]!;
      const vm = I.pow(I.fromJs(a), I.fromJs(n));
      expect(v.kind === 'int' ? v.value : null, `${a} ** ${n}`).toBe(I.isTrap(vm) ? a ** n : I.toBigInt(vm));
    });
  });

  it('leaves a negative exponent unconstrained (it traps, so nothing follows from its value)', async () => {
    const answers = await solver.run(
      PRELUDE_FUNCTIONS,
      [
        { id: 'one', body: '(assert (= (l!pow 2 (- 1)) 1))', getValues: [] },
        { id: 'other', body: '(assert (not (= (l!pow 2 (- 1)) 1)))', getValues: [] },
      ],
      { timeoutMs: 20_000 },
    );
    expect(answers.map((a) => a.status)).toEqual(['sat', 'sat']);
  });
});
