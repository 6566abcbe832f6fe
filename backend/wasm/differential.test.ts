// Differential tests (fast-check): generated programs run on the VM and on
// WebAssembly, and must agree exactly — values, printed lines and the id of
// the check that fails.
//
// * Int expression trees over the 64-bit boundary values, against a BigInt
//   reference evaluator of the checked IR (which knows which check fails
//   first): VM vs WASM vs reference, traps included.
// * Straight-line and looping programs that alias, update, grow and
//   concatenate lists: value semantics must survive the in-place updates.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IrExpr, IrProgram } from '../../frontend/ir.js';
import { normalize } from '../../vm/int64.js';
import { runCell } from '../../vm/vm.js';
import { compileProgram } from '../compile.js';
import { compileWasm, instantiateWasm, loadWasm } from './index.js';
import { listProgramSource, listPrograms } from '../test-programs.js';
import { lowerSource, runOnVm, runOnWasm } from './testkit.js';

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;
const NONE: ReadonlySet<number> = new Set();

// ---------------------------------------------------------------- Int expressions

type E =
  | { readonly k: 'var'; readonly n: 'a' | 'b' | 'c' }
  | { readonly k: 'lit'; readonly v: bigint }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*' | '/' | '//' | '%' | '**'; readonly l: E; readonly r: E }
  | { readonly k: 'neg' | 'abs'; readonly e: E }
  | { readonly k: 'min' | 'max'; readonly l: E; readonly r: E };

const BOUNDARY = [0n, 1n, -1n, 2n, -2n, 3n, 7n, -7n, MIN, MAX, MIN + 1n, MAX - 1n, 1n << 31n, -(1n << 31n), 1n << 32n, 1n << 62n, -(1n << 62n), 3037000499n, 3037000500n, -3037000500n];

const literal = fc.constantFrom(0n, 1n, 2n, 3n, 10n, 63n, 64n, 1_000_000_007n, 1n << 32n, 1n << 62n, MAX);
const exprArb: fc.Arbitrary<E> = fc.letrec<{ e: E }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<'a' | 'b' | 'c'>('a', 'b', 'c').map((n): E => ({ k: 'var', n })),
    literal.map((v): E => ({ k: 'lit', v })),
    fc.record({ op: fc.constantFrom('+', '-', '*', '/', '//', '%', '**' as const), l: tie('e'), r: tie('e') }).map((x): E => ({ k: 'bin', ...x }) as E),
    fc.record({ k: fc.constantFrom('neg', 'abs' as const), e: tie('e') }).map((x): E => x as E),
    fc.record({ k: fc.constantFrom('min', 'max' as const), l: tie('e'), r: tie('e') }).map((x): E => x as E),
  ),
})).e;

function render(e: E): string {
  switch (e.k) {
    case 'var':
      return e.n;
    case 'lit':
      return e.v.toString();
    case 'bin':
      return `(${render(e.l)} ${e.op} ${render(e.r)})`;
    case 'neg':
      return `(-${render(e.e)})`;
    case 'abs':
    case 'min':
    case 'max':
      return e.k === 'abs' ? `abs(${render(e.e)})` : `${e.k}(${render(e.l)}, ${render(e.r)})`;
  }
}

type Ref = { readonly value: bigint } | { readonly trap: number };

/** Reference semantics of LANGUAGE.md §3 over the checked IR: exact BigInt arithmetic, the first failing check in evaluation order. */
function evaluate(e: IrExpr, env: ReadonlyMap<number, bigint>): Ref {
  const inRange = (v: bigint, id: number | null): Ref => (v < MIN || v > MAX ? { trap: id ?? -1 } : { value: v });
  switch (e.kind) {
    case 'Const':
      if (e.value.kind !== 'Int') throw new Error('not an Int');
      return { value: e.value.value };
    case 'Var':
      return { value: env.get(e.v.id)! };
    case 'IntNeg': {
      const a = evaluate(e.operand, env);
      return 'trap' in a ? a : inRange(-a.value, e.overflow);
    }
    case 'IntOp': {
      const l = evaluate(e.left, env);
      if ('trap' in l) return l;
      const r = evaluate(e.right, env);
      if ('trap' in r) return r;
      const a = l.value;
      const b = r.value;
      switch (e.op) {
        case '+':
          return inRange(a + b, e.overflow);
        case '-':
          return inRange(a - b, e.overflow);
        case '*':
          return inRange(a * b, e.overflow);
        case '/':
          return b === 0n ? { trap: e.divZero! } : inRange(a / b, e.overflow);
        case '//': {
          if (b === 0n) return { trap: e.divZero! };
          const q = a / b;
          return inRange(a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q, e.overflow);
        }
        case '%':
          return b === 0n ? { trap: e.divZero! } : { value: a % b };
        case '**':
          if (b < 0n) return { trap: e.overflow! };
          if (a === 0n) return { value: b === 0n ? 1n : 0n };
          if (a === 1n) return { value: 1n };
          if (a === -1n) return { value: b % 2n === 0n ? 1n : -1n };
          if (b >= 64n) return { trap: e.overflow! };
          return inRange(a ** b, e.overflow);
      }
      throw new Error('op');
    }
    case 'Builtin': {
      const args: bigint[] = [];
      for (const x of e.args) {
        const v = evaluate(x, env);
        if ('trap' in v) return v;
        args.push(v.value);
      }
      if (e.name === 'abs') return inRange(args[0]! < 0n ? -args[0]! : args[0]!, e.check);
      if (e.name === 'min') return { value: args[1]! < args[0]! ? args[1]! : args[0]! };
      if (e.name === 'max') return { value: args[1]! > args[0]! ? args[1]! : args[0]! };
      throw new Error(e.name);
    }
    default:
      throw new Error(`unexpected ${e.kind}`);
  }
}

function returned(ir: IrProgram, cell: string): IrExpr {
  const body = ir.cells.get(cell)!.body!;
  const last = body.stmts[body.stmts.length - 1];
  if (last?.kind === 'Return') return last.value;
  return body.value!;
}

function asRef(r: { kind: string; value?: unknown; check?: number }): Ref | string {
  if (r.kind === 'ok') return { value: BigInt(r.value as number | bigint) };
  if (r.kind === 'check-failed') return { trap: r.check! };
  return r.kind;
}

const input = fc.oneof(fc.constantFrom(...BOUNDARY), fc.bigInt({ min: MIN, max: MAX }), fc.bigInt({ min: -100n, max: 100n }));

function checkExpressions(exprs: readonly E[], inputs: readonly (readonly [bigint, bigint, bigint])[], optimize: boolean): void {
  const src = exprs.map((e, i) => `cell f${i}(a: Int, b: Int, c: Int) -> Int\n  ${render(e)}\nend\n`).join('\n');
  const ir = lowerSource(src);
  const names = exprs.map((_, i) => `f${i}`);
  const prog = compileProgram(ir, { proved: NONE });
  const wasm = compileWasm(ir, { proved: NONE, entries: names, optimize });
  if (!wasm.ok) throw new Error(wasm.error.message);
  const instance = instantiateWasm(loadWasm(wasm.module));
  for (const name of names) {
    const params = ir.cells.get(name)!.params.map((p) => p.v.id);
    const body = returned(ir, name);
    for (const args of inputs) {
      const expected = evaluate(body, new Map(params.map((id, i) => [id, args[i]!])));
      const vm = asRef(runCell(prog, name, args.map(normalize)));
      const w = asRef(instance.run(name, args.map(normalize)));
      const context = `${name}(${args.join(', ')}) = ${render(exprs[names.indexOf(name)]!)}`;
      expect(vm, `VM: ${context}`).toEqual(expected);
      expect(w, `WASM: ${context}`).toEqual(expected);
    }
  }
}

describe('Int arithmetic: VM, WebAssembly and a BigInt reference agree (traps included)', () => {
  const triple = fc.tuple(input, input, input);
  it('random expression trees over boundary values (unoptimised modules)', () => {
    fc.assert(
      fc.property(fc.array(exprArb, { minLength: 1, maxLength: 6 }), fc.array(triple, { minLength: 1, maxLength: 12 }), (exprs, inputs) => {
        checkExpressions(exprs, inputs, false);
      }),
      { numRuns: 30, seed: 20_251_122 },
    );
  });

  it('random expression trees over boundary values (optimised by binaryen)', () => {
    fc.assert(
      fc.property(fc.array(exprArb, { minLength: 4, maxLength: 10 }), fc.array(triple, { minLength: 4, maxLength: 12 }), (exprs, inputs) => {
        checkExpressions(exprs, inputs, true);
      }),
      { numRuns: 8, seed: 7 },
    );
  });

  it('every operator at every pair of boundary values', () => {
    const ops = ['+', '-', '*', '/', '//', '%', '**'] as const;
    const exprs: E[] = [
      ...ops.map((op): E => ({ k: 'bin', op, l: { k: 'var', n: 'a' }, r: { k: 'var', n: 'b' } })),
      { k: 'neg', e: { k: 'var', n: 'a' } },
      { k: 'abs', e: { k: 'var', n: 'a' } },
      { k: 'bin', op: '+', l: { k: 'var', n: 'a' }, r: { k: 'lit', v: 1n } },
      { k: 'bin', op: '-', l: { k: 'var', n: 'a' }, r: { k: 'lit', v: 1n } },
      { k: 'bin', op: '+', l: { k: 'var', n: 'a' }, r: { k: 'lit', v: MAX } },
    ];
    const pairs: (readonly [bigint, bigint, bigint])[] = [];
    for (const a of BOUNDARY) for (const b of [...BOUNDARY, 62n, 63n, 64n]) pairs.push([a, b, 0n]);
    checkExpressions(exprs, pairs, true);
  });
});

// ---------------------------------------------------------------- lists

const LIST_PROGRAMS = { index: 6, swap: true, appendInLoops: true, printLoopIndex: true } as const;

describe('lists: value semantics survive in-place updates on both backends', () => {
  it('random programs that alias, update, push and concatenate', () => {
    fc.assert(
      fc.property(listPrograms(LIST_PROGRAMS), (ops) => {
        const src = listProgramSource(ops, LIST_PROGRAMS);
        const ir = lowerSource(src);
        const vm = runOnVm(ir, NONE);
        const wasm = runOnWasm(ir, NONE, { optimize: false });
        expect(wasm, src).toEqual(vm);
      }),
      { numRuns: 80, seed: 42 },
    );
  });
});
