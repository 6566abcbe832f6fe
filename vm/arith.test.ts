// Random Int expression trees, compiled and run on the VM, against a BigInt
// reference evaluated left to right: same value, or the same check failing
// first. This covers the VM's inline fast paths, immediates and compare jumps.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/compile.js';
import { IrBuilder, T } from '../backend/testkit.js';
import type { IntOp, IrExpr } from '../frontend/ir.js';
import { runCell } from './vm.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

type Tree = { leaf: bigint } | { param: 0 | 1 } | { op: IntOp; l: Tree; r: Tree } | { neg: Tree } | { cmp: '<' | '<=' | '==' | '!='; l: Tree; r: Tree; t: Tree; e: Tree };

const leafValue = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.constantFrom(MIN, MIN + 1n, -1n, 0n, 1n, 2n, MAX - 1n, MAX, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 3037000500n, 62n, 63n, 64n),
  fc.bigInt({ min: -100n, max: 100n }),
);

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafValue.map((v) => ({ leaf: v })),
    fc.constantFrom<0 | 1>(0, 1).map((p) => ({ param: p })),
    fc.record({ op: fc.constantFrom<IntOp>('+', '-', '*', '/', '//', '%', '**'), l: tie('t'), r: tie('t') }),
    tie('t').map((x) => ({ neg: x })),
    fc.record({ cmp: fc.constantFrom<'<' | '<=' | '==' | '!='>('<', '<=', '==', '!='), l: tie('t'), r: tie('t'), t: tie('t'), e: tie('t') }),
  ),
})).t;

/** The reference: a value, or the path of the node whose check fails first. */
function evaluate(t: Tree, params: [bigint, bigint], path = 'r'): { value: bigint } | { fails: string } {
  if ('leaf' in t) return { value: t.leaf };
  if ('param' in t) return { value: params[t.param] };
  if ('neg' in t) {
    const x = evaluate(t.neg, params, path + 'n');
    if ('fails' in x) return x;
    return inRange(-x.value) ? { value: -x.value } : { fails: path };
  }
  if ('cmp' in t) {
    const l = evaluate(t.l, params, path + 'a');
    if ('fails' in l) return l;
    const r = evaluate(t.r, params, path + 'b');
    if ('fails' in r) return r;
    const c = t.cmp === '<' ? l.value < r.value : t.cmp === '<=' ? l.value <= r.value : t.cmp === '==' ? l.value === r.value : l.value !== r.value;
    return c ? evaluate(t.t, params, path + 't') : evaluate(t.e, params, path + 'e');
  }
  const l = evaluate(t.l, params, path + 'l');
  if ('fails' in l) return l;
  const r = evaluate(t.r, params, path + 'r');
  if ('fails' in r) return r;
  const a = l.value;
  const b = r.value;
  let v: bigint;
  switch (t.op) {
    case '+': v = a + b; break;
    case '-': v = a - b; break;
    case '*': v = a * b; break;
    case '/':
      if (b === 0n) return { fails: path + '/0' };
      v = a / b;
      break;
    case '//': {
      if (b === 0n) return { fails: path + '/0' };
      v = a / b;
      if (v * b !== a && (a < 0n) !== (b < 0n)) v -= 1n;
      break;
    }
    case '%':
      if (b === 0n) return { fails: path + '/0' };
      return { value: a % b };
    case '**':
      if (b < 0n) return { fails: path };
      if (b > 200n && a !== 0n && a !== 1n && a !== -1n) return { fails: path };
      v = a ** b;
      break;
  }
  return inRange(v) ? { value: v } : { fails: path };
}

function inRange(v: bigint): boolean {
  return v >= MIN && v <= MAX;
}

/** Builds the IR, recording the check id of each node's path. */
function build(b: IrBuilder, t: Tree, params: IrExpr[], ids: Map<number, string>, path = 'r'): IrExpr {
  if ('leaf' in t) return b.int(t.leaf);
  if ('param' in t) return params[t.param]!;
  if ('neg' in t) {
    const inner = build(b, t.neg, params, ids, path + 'n');
    const e = b.neg(inner) as Extract<IrExpr, { kind: 'IntNeg' }>;
    ids.set(e.overflow!, path);
    return e;
  }
  if ('cmp' in t) {
    const l = build(b, t.l, params, ids, path + 'a');
    const r = build(b, t.r, params, ids, path + 'b');
    return b.if(b.cmp(t.cmp, l, r), build(b, t.t, params, ids, path + 't'), build(b, t.e, params, ids, path + 'e'), T.Int);
  }
  const l = build(b, t.l, params, ids, path + 'l');
  const r = build(b, t.r, params, ids, path + 'r');
  const e = b.op(t.op, l, r);
  if (e.overflow !== null) ids.set(e.overflow, path);
  if (e.divZero !== null) ids.set(e.divZero, path + '/0');
  return e;
}

describe('VM Int arithmetic agrees with a BigInt reference', () => {
  it('on random expression trees', () => {
    fc.assert(
      fc.property(tree, leafValue, leafValue, (t, p0, p1) => {
        const b = new IrBuilder();
        const x = b.v('x', T.Int);
        const y = b.v('y', T.Int);
        const ids = new Map<number, string>();
        const body = build(b, t, [b.ref(x), b.ref(y)], ids);
        b.cell('f', [x, y], T.Int, () => [b.ret(body)]);
        const prog = compileProgram(b.program());
        const norm = (v: bigint): number | bigint => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v);
        const got = runCell(prog, 'f', [norm(p0), norm(p1)], { fuel: 1_000_000 });
        // The compiling tier (the default) and the dispatch loop alone end the same way.
        expect(runCell(prog, 'f', [norm(p0), norm(p1)], { fuel: 1_000_000, jit: false })).toEqual(got);
        const want = evaluate(t, [p0, p1]);
        if ('value' in want) {
          expect(got.kind).toBe('ok');
          if (got.kind === 'ok') expect(BigInt(got.value as number | bigint)).toBe(want.value);
        } else {
          expect(got.kind).toBe('check-failed');
          if (got.kind === 'check-failed') expect(ids.get(got.check)).toBe(want.fails);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
