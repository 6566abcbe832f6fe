// Compile + run tests on hand-built checked IR: every construct, every
// built-in, effects, run-time check failures with their ids, and the limits.

import { describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/compile.js';
import { disassemble } from '../backend/disasm.js';
import { IrBuilder, P, T, type CellHandle } from '../backend/testkit.js';
import type { IrExpr, IrStmt } from '../frontend/ir.js';
import { runCell, runMain, values, type RunOptions, type RunResult } from './vm.js';
import type { Value } from './value.js';

interface Run {
  result: RunResult;
  out: string[];
  disasm: string;
}

function run(b: IrBuilder, opts: { proved?: number[]; cell?: string; args?: Value[]; options?: RunOptions } = {}): Run {
  const prog = compileProgram(b.program(), { proved: new Set(opts.proved ?? []) });
  const out: string[] = [];
  const options: RunOptions = { stdout: (l) => out.push(l), ...opts.options };
  const result = opts.cell ? runCell(prog, opts.cell, opts.args ?? [], options) : runMain(prog, options);
  return { result, out, disasm: disassemble(prog) };
}

/** A `main` that runs the statements and returns null. */
function main(b: IrBuilder, stmts: IrStmt[]): CellHandle {
  return b.cell('main', [], T.Null, () => [...stmts, b.ret(b.nul())]);
}

function expectOk(r: Run): string[] {
  if (r.result.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.result, (_, v) => (typeof v === 'bigint' ? `${v}n` : v), 2)}\n${r.disasm}`);
  return r.out;
}

function expectCheck(r: Run, check: number): Extract<RunResult, { kind: 'check-failed' }> {
  if (r.result.kind !== 'check-failed') throw new Error(`expected check ${check} to fail, got ${JSON.stringify(r.result, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}\n${r.disasm}`);
  expect(r.result.check).toBe(check);
  return r.result;
}

const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);

describe('values and printing', () => {
  it('prints literals of every basic type', () => {
    const b = new IrBuilder();
    const r = run(b.cell('main', [], T.Null, () => [
      b.print(b.int(42)),
      b.print(b.int(-3)),
      b.print(b.int(MAX)),
      b.print(b.int(MIN)),
      b.print(b.flt(1.5)),
      b.print(b.flt(1)),
      b.print(b.flt(-0)),
      b.print(b.flt(1e21)),
      b.print(b.bool(true)),
      b.print(b.nul()),
      b.print(b.str('a "quoted" {text}')),
      b.print(b.list([b.int(1), b.int(2)])),
      b.print(b.list([b.str('a'), b.str('b\n')], T.String)),
      b.print(b.list([b.flt(1), b.flt(2.5)], T.Float)),
      b.print(b.tuple([b.int(1), b.str('a')], T.tuple(T.Int, T.String))),
      b.print(b.list([], T.Int)),
      b.ret(b.nul()),
    ]) && b);
    expect(expectOk(r)).toEqual([
      '42',
      '-3',
      '9223372036854775807',
      '-9223372036854775808',
      '1.5',
      '1.0',
      '-0.0',
      '1e21',
      'true',
      'null',
      'a "quoted" {text}',
      '[1, 2]',
      '["a", "b\\n"]',
      '[1.0, 2.5]',
      '(1, "a")',
      '[]',
    ]);
  });

  it('prints records, enum variants and results', () => {
    const b = new IrBuilder();
    const Point = b.record('Point', [['x', T.Int], ['y', T.Int]]);
    const Shape = b.enum('Shape', [['Circle', [['radius', T.Float]]], ['Rect', [['w', T.Float], ['h', T.Float]]], ['Empty', []]]);
    const Opt = b.enum('Opt', [['Some', [['0', T.Int]]], ['None', []]]);
    const res = T.result(T.Int, T.String);
    main(b, [
      b.print(b.make(Point, [b.int(1), b.int(2)])),
      b.print(b.variant(Shape, 0, [b.flt(1)])),
      b.print(b.variant(Shape, 2)),
      b.print(b.variant(Opt, 0, [b.int(5)])),
      b.print(b.ok(b.int(1), res)),
      b.print(b.err(b.str('bad'), res)),
      b.print(b.interp(b.str('p = '), b.make(Point, [b.int(3), b.int(-4)]), b.str('!'))),
    ]);
    expect(expectOk(run(b))).toEqual(['Point(x: 1, y: 2)', 'Circle(radius: 1.0)', 'Empty', 'Some(5)', 'ok(1)', 'err("bad")', 'p = Point(x: 3, y: -4)!']);
  });

  it('interpolates values of every type with to_string', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    main(b, [
      b.let(x, b.int(7)),
      b.print(b.interp(b.str('x = '), b.ref(x), b.str(', f = '), b.flt(2), b.str(', s = '), b.str('q'), b.str(', l = '), b.list([b.str('q')], T.String))),
      b.print(b.builtin('to_string', [b.list([b.int(1)])], T.String)),
    ]);
    expect(expectOk(run(b))).toEqual(['x = 7, f = 2.0, s = q, l = ["q"]', '[1]']);
  });
});

describe('Int arithmetic', () => {
  it('follows LANGUAGE.md §3 for / // % and traps with the node check id', () => {
    const b = new IrBuilder();
    main(b, [
      b.print(b.op('/', b.int(-7), b.int(2))),
      b.print(b.op('//', b.int(-7), b.int(2))),
      b.print(b.op('%', b.int(-7), b.int(2))),
      b.print(b.op('%', b.int(MIN), b.int(-1))),
      b.print(b.op('**', b.int(2), b.int(62))),
      b.print(b.op('*', b.int(3037000499n), b.int(3037000499n))),
      b.print(b.op('+', b.int(2n ** 53n - 1n), b.int(2))),
    ]);
    expect(expectOk(run(b))).toEqual(['-3', '-4', '-1', '0', '4611686018427387904', '9223372030926249001', '9007199254740993']);
  });

  it('overflow of + reports the check, kind and operand values', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    const add = b.op('+', b.ref(x), b.int(1));
    b.cell('inc', [x], T.Int, () => [b.ret(add)]);
    const r = run(b, { cell: 'inc', args: [MAX] });
    const f = expectCheck(r, add.overflow!);
    expect(f.checkKind).toBe('overflow');
    expect(f.values).toEqual({ x: '9223372036854775807', right: '1' });
    expect(f.stack[0]!.cell).toBe('inc');
    expect(runCell(compileProgram(b.program()), 'inc', [41]).kind).toBe('ok');
  });

  it('traps division by zero, MIN / -1, negation of MIN and negative exponents', () => {
    for (const [op, a, c, kind] of [
      ['/', 1n, 0n, 'div-by-zero'],
      ['//', 1n, 0n, 'div-by-zero'],
      ['%', 1n, 0n, 'div-by-zero'],
      ['/', MIN, -1n, 'overflow'],
      ['//', MIN, -1n, 'overflow'],
      ['**', 2n, -1n, 'overflow'],
      ['**', 2n, 63n, 'overflow'],
      ['*', MIN, -1n, 'overflow'],
      ['-', MIN, 1n, 'overflow'],
    ] as const) {
      const b = new IrBuilder();
      const e = b.op(op, b.int(a), b.int(c));
      main(b, [b.print(e)]);
      const f = expectCheck(run(b), kind === 'overflow' ? e.overflow! : e.divZero!);
      expect(f.checkKind).toBe(kind);
    }
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    const negx = b.neg(b.ref(x)) as Extract<IrExpr, { kind: 'IntNeg' }>;
    b.cell('my_abs', [x], T.Int, () => [b.ret(b.if(b.cmp('<', b.ref(x), b.int(0)), negx, b.ref(x), T.Int))]);
    expectCheck(run(b, { cell: 'my_abs', args: [MIN] }), negx.overflow!);
    expect(run(b, { cell: 'my_abs', args: [-5] }).result).toMatchObject({ kind: 'ok', value: 5 });
  });

  it('keeps values exact beyond 2^53 and normalises back', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    main(b, [
      b.let(x, b.op('*', b.int(2n ** 40n), b.int(2n ** 20n))),
      b.print(b.ref(x)),
      b.print(b.op('-', b.ref(x), b.int(2n ** 60n - 5n))),
      b.print(b.cmp('==', b.op('/', b.ref(x), b.int(2n ** 20n)), b.int(2n ** 40n))),
    ]);
    expect(expectOk(run(b))).toEqual(['1152921504606846976', '5', 'true']);
  });

  it('evaluates specifications over unbounded integers', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    // assert x * x > x  with x = MAX: overflows in code, fine in a specification.
    const a = b.assert(b.cmp('>', b.sop('*', b.ref(x), b.ref(x)), b.ref(x)));
    b.cell('f', [x], T.Int, () => [a, b.ret(b.ref(x))]);
    expect(run(b, { cell: 'f', args: [MAX] }).result.kind).toBe('ok');
  });
});

describe('records, enums and match', () => {
  it('constructs, reads and functionally updates records', () => {
    const b = new IrBuilder();
    const Point = b.record('Point', [['x', T.Int], ['y', T.Int]]);
    const p = b.v('p', Point);
    const q = b.v('q', Point);
    main(b, [
      b.let(p, b.make(Point, [b.int(1), b.int(2)])),
      // Point(..p, x: 3)
      b.let(q, b.make(Point, [b.int(3), b.field(b.ref(p), 'Point', 1, T.Int)])),
      b.print(b.ref(p)),
      b.print(b.ref(q)),
      b.print(b.field(b.ref(q), 'Point', 0, T.Int)),
      b.print(b.cmp('==', b.ref(p), b.make(Point, [b.int(1), b.int(2)]), Point)),
      b.print(b.cmp('==', b.ref(p), b.ref(q), Point)),
    ]);
    expect(expectOk(run(b))).toEqual(['Point(x: 1, y: 2)', 'Point(x: 3, y: 2)', '3', 'true', 'false']);
  });

  it('matches enum variants with payloads and guards', () => {
    const b = new IrBuilder();
    const Shape = b.enum('Shape', [['Circle', [['radius', T.Float]]], ['Rect', [['w', T.Float], ['h', T.Float]]], ['Empty', []]]);
    const s = b.v('s', Shape);
    const r = b.v('r', T.Float);
    const w = b.v('w', T.Float);
    const h = b.v('h', T.Float);
    const area = b.cell('area', [s], T.String, () => [
      b.ret(
        b.match(
          b.ref(s),
          [
            b.arm(P.variant(Shape, 0, [P.bind(r)]), b.interp(b.str('circle '), b.fop('*', b.ref(r), b.ref(r)))),
            b.arm(P.variant(Shape, 1, [P.bind(w), P.bind(h)]), b.str('square'), b.cmp('==', b.ref(w), b.ref(h), T.Float)),
            b.arm(P.variant(Shape, 1, [P.wild(), P.bind(h)]), b.interp(b.str('rect h='), b.ref(h))),
            b.arm(P.variant(Shape, 2), b.str('empty')),
          ],
          T.String,
        ),
      ),
    ]);
    main(b, [
      b.print(b.call(area, [b.variant(Shape, 0, [b.flt(1.5)])])),
      b.print(b.call(area, [b.variant(Shape, 1, [b.flt(2), b.flt(2)])])),
      b.print(b.call(area, [b.variant(Shape, 1, [b.flt(2), b.flt(3)])])),
      b.print(b.call(area, [b.variant(Shape, 2)])),
    ]);
    expect(expectOk(run(b))).toEqual(['circle 2.25', 'square', 'rect h=3.0', 'empty']);
  });

  it('matches Int literals and ranges; a gap fails the match check', () => {
    const b = new IrBuilder();
    const score = b.v('score', T.Int);
    const n = b.v('n', T.Int);
    const check = b.check('match');
    b.cell('grade', [score], T.String, () => [
      b.ret(
        b.match(
          b.ref(score),
          [
            b.arm(P.int(0), b.str('zero')),
            b.arm(P.range(1, 59), b.str('fail')),
            b.arm(P.range(61, 100), b.str('pass')),
            b.arm(P.bind(n), b.str('big'), b.cmp('>', b.ref(n), b.int(100))),
          ],
          T.String,
          check,
        ),
      ),
    ]);
    const grade = (x: number): RunResult => run(b, { cell: 'grade', args: [x] }).result;
    expect(grade(0)).toMatchObject({ value: 'zero' });
    expect(grade(59)).toMatchObject({ value: 'fail' });
    expect(grade(61)).toMatchObject({ value: 'pass' });
    expect(grade(1000)).toMatchObject({ value: 'big' });
    const f = expectCheck(run(b, { cell: 'grade', args: [60] }), check);
    expect(f.checkKind).toBe('match');
    expect(f.values).toEqual({ score: '60' });
  });

  it('matches strings, tuples, results and union members', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.opt(T.Int));
    const i = b.v('i', T.Int);
    const e = b.v('e', T.String);
    const a = b.v('a', T.Int);
    const res = T.result(T.Int, T.String);
    const rv = b.v('rv', res);
    const describe = b.cell('describe', [x], T.String, () => [
      b.ret(b.match(b.ref(x), [b.arm(P.type(T.Int, i), b.interp(b.str('int '), b.ref(i))), b.arm(P.nul(), b.str('null'))], T.String)),
    ]);
    const showRes = b.cell('show', [rv], T.String, () => [
      b.ret(b.match(b.ref(rv), [b.arm(P.ok(P.bind(a)), b.interp(b.str('ok '), b.ref(a))), b.arm(P.err(P.bind(e)), b.ref(e))], T.String)),
    ]);
    const t = b.v('t', T.tuple(T.Int, T.String));
    main(b, [
      b.print(b.call(describe, [b.int(3)])),
      b.print(b.call(describe, [b.nul()])),
      b.print(b.isType(b.nul(), T.Int)),
      b.print(b.call(showRes, [b.ok(b.int(1), res)])),
      b.print(b.call(showRes, [b.err(b.str('boom'), res)])),
      b.let(t, b.tuple([b.int(1), b.str('one')], T.tuple(T.Int, T.String))),
      b.print(b.match(b.ref(t), [b.arm(P.tuple(P.int(2), P.wild()), b.str('two')), b.arm(P.tuple(P.wild(), P.str('one')), b.str('one!'))], T.String)),
      b.print(b.tget(b.ref(t), 1, T.String)),
    ]);
    expect(expectOk(run(b))).toEqual(['int 3', 'null', 'false', 'ok 1', 'boom', 'one!', 'one']);
  });
});

describe('lists and strings', () => {
  it('indexes from the end with negative indices and traps out of bounds', () => {
    const b = new IrBuilder();
    const xs = b.v('xs', T.list(T.Int));
    const i = b.v('i', T.Int);
    const idx = b.index(b.ref(xs), b.ref(i));
    b.cell('get', [xs, i], T.Int, () => [b.ret(idx)]);
    const get = (i: number): RunResult => run(b, { cell: 'get', args: [[10, 20, 30], i] }).result;
    expect(get(0)).toMatchObject({ value: 10 });
    expect(get(2)).toMatchObject({ value: 30 });
    expect(get(-1)).toMatchObject({ value: 30 });
    expect(get(-3)).toMatchObject({ value: 10 });
    for (const bad of [3, -4, 100]) {
      const f = expectCheck(run(b, { cell: 'get', args: [[10, 20, 30], bad] }), idx.check!);
      expect(f.checkKind).toBe('index');
      expect(f.values).toEqual({ i: String(bad), xs: '[10, 20, 30]' });
    }
    expectCheck(run(b, { cell: 'get', args: [[1], 2n ** 60n] }), idx.check!);
  });

  it('gives `xs[i] = v` value semantics', () => {
    const b = new IrBuilder();
    const xs = b.v('xs', T.list(T.Int));
    const ys = b.v('ys', T.list(T.Int));
    const zs = b.v('zs', T.list(T.Int));
    const k = b.v('k', T.Int);
    const touch = b.cell('touch', [zs], T.list(T.Int), () => [b.setIndex(zs, b.int(0), b.int(-1)), b.ret(b.ref(zs))]);
    main(b, [
      b.let(xs, b.list([b.int(1), b.int(2), b.int(3)])),
      b.let(ys, b.ref(xs)),
      b.setIndex(xs, b.int(0), b.int(9)),
      b.setIndex(xs, b.int(-1), b.int(7)),
      b.print(b.ref(xs)),
      b.print(b.ref(ys)),
      // A callee updating its parameter does not change the caller's list.
      b.print(b.call(touch, [b.ref(xs)])),
      b.print(b.ref(xs)),
      // In a loop: repeated updates (in place after the first copy).
      b.let(k, b.int(0)),
      b.while(b.cmp('<', b.ref(k), b.int(3)), [b.setIndex(ys, b.ref(k), b.op('*', b.ref(k), b.int(10))), b.assign(k, b.op('+', b.ref(k), b.int(1)))]),
      b.print(b.ref(ys)),
      b.print(b.ref(xs)),
    ]);
    expect(expectOk(run(b))).toEqual(['[9, 2, 7]', '[1, 2, 3]', '[-1, 2, 7]', '[9, 2, 7]', '[0, 10, 20]', '[9, 2, 7]']);
  });

  it('keeps a list stored in a record or another list unchanged by later updates', () => {
    const b = new IrBuilder();
    const Box = b.record('Box', [['items', T.list(T.Int)]]);
    const xs = b.v('xs', T.list(T.Int));
    const box = b.v('box', Box);
    const all = b.v('all', T.list(T.list(T.Int)));
    main(b, [
      b.let(xs, b.list([b.int(1)])),
      b.assign(xs, b.builtin('push', [b.ref(xs), b.int(2)], T.list(T.Int))),
      b.let(box, b.make(Box, [b.ref(xs)])),
      b.let(all, b.list([b.ref(xs)], T.list(T.Int))),
      b.assign(xs, b.builtin('push', [b.ref(xs), b.int(3)], T.list(T.Int))),
      b.setIndex(xs, b.int(0), b.int(100)),
      b.assign(xs, b.concat(b.ref(xs), b.list([b.int(4)]), T.list(T.Int))),
      b.print(b.ref(xs)),
      b.assign(xs, b.concat(b.ref(xs), b.ref(xs), T.list(T.Int))),
      b.print(b.len(b.ref(xs))),
      b.print(b.ref(box)),
      b.print(b.ref(all)),
    ]);
    expect(expectOk(run(b))).toEqual(['[100, 2, 3, 4]', '8', 'Box(items: [1, 2])', '[[1, 2]]']);
  });

  it('measures and indexes strings in code points', () => {
    const b = new IrBuilder();
    const s = b.v('s', T.String);
    main(b, [
      b.let(s, b.str('hé😀!')),
      b.print(b.len(b.ref(s))),
      b.print(b.index(b.ref(s), b.int(2), T.String)),
      b.print(b.index(b.ref(s), b.int(-1), T.String)),
      b.print(b.concat(b.ref(s), b.str('?'))),
      b.print(b.cmp('<', b.str('abc'), b.str('abd'), T.String)),
    ]);
    expect(expectOk(run(b))).toEqual(['4', '😀', '!', 'hé😀!?', 'true']);
  });
});

describe('built-ins', () => {
  it('len, abs, min, max, to_string, to_float, to_int, push, range', () => {
    const b = new IrBuilder();
    const L = T.list(T.Int);
    main(b, [
      b.print(b.len(b.list([b.int(1), b.int(2)]))),
      b.print(b.builtin('abs', [b.int(-5)], T.Int, b.check('overflow'))),
      b.print(b.builtin('abs', [b.flt(-2.5)], T.Float)),
      b.print(b.builtin('min', [b.int(3), b.int(-1)], T.Int)),
      b.print(b.builtin('max', [b.int(3), b.int(MAX)], T.Int)),
      b.print(b.builtin('max', [b.flt(0.5), b.flt(0.25)], T.Float)),
      b.print(b.builtin('to_string', [b.flt(3)], T.String)),
      b.print(b.builtin('to_float', [b.int(7)], T.Float)),
      b.print(b.builtin('to_int', [b.flt(-7.9)], T.Int, b.check('overflow'))),
      b.print(b.builtin('push', [b.list([b.int(1)]), b.int(2)], L)),
      b.print(b.builtin('range', [b.int(2), b.int(6)], L)),
      b.print(b.builtin('range', [b.int(6), b.int(2)], L)),
      b.print(b.fop('/', b.flt(1), b.flt(4))),
    ]);
    expect(expectOk(run(b))).toEqual(['2', '5', '2.5', '-1', '9223372036854775807', '0.5', '3.0', '7.0', '-7', '[1, 2]', '[2, 3, 4, 5]', '[]', '0.25']);
  });

  it('abs(MIN) and to_int of NaN / out of range trap', () => {
    for (const [name, arg] of [
      ['abs', MIN],
      ['to_int', NaN],
      ['to_int', 1e19],
      ['to_int', -Infinity],
    ] as const) {
      const b = new IrBuilder();
      const check = b.check('overflow');
      const argExpr = typeof arg === 'bigint' ? b.int(arg) : b.flt(arg);
      main(b, [b.print(b.builtin(name, [argExpr], T.Int, check))]);
      expect(expectCheck(run(b), check).checkKind).toBe('overflow');
    }
  });

  it('halt stops the program with its message and check id', () => {
    const b = new IrBuilder();
    const h = b.halt(b.str('unreachable'));
    main(b, [b.print(b.int(1)), b.expr(h), b.print(b.int(2))]);
    const r = run(b);
    expect(r.out).toEqual(['1']);
    expect(r.result).toMatchObject({ kind: 'halt', message: 'unreachable', check: (h as { check: number }).check });
    // Proved unreachable or not, a reached halt still halts.
    expect(run(b, { proved: [(h as { check: number }).check] }).result.kind).toBe('halt');
  });

  it('null assertion traps on null', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.opt(T.Int));
    const nn = b.nonNull(b.ref(x), T.Int);
    b.cell('f', [x], T.Int, () => [b.ret(nn)]);
    expect(run(b, { cell: 'f', args: [4] }).result).toMatchObject({ kind: 'ok', value: 4 });
    expect(expectCheck(run(b, { cell: 'f', args: [null] }), (nn as { check: number }).check).checkKind).toBe('null');
  });
});

describe('calls and contracts', () => {
  it('checks preconditions at the call site over the callee parameters', () => {
    const b = new IrBuilder();
    const v = b.v('v', T.Int);
    const lo = b.v('lo', T.Int);
    const hi = b.v('hi', T.Int);
    const pre = b.cmp('<=', b.ref(lo), b.ref(hi));
    const clamp = b.cell('clamp', [v, lo, hi], T.Int, () => [
      b.ret(b.if(b.cmp('<', b.ref(v), b.ref(lo)), b.ref(lo), b.builtin('min', [b.ref(v), b.ref(hi)], T.Int), T.Int)),
    ], { requires: [pre] });
    const preId = b.check('precondition');
    const limit = b.v('limit', T.Int);
    b.cell('scale', [v, limit], T.Int, () => [b.ret(b.call(clamp, [b.ref(v), b.int(0), b.ref(limit)], { pre: [{ check: preId, cond: pre }] }))]);
    expect(run(b, { cell: 'scale', args: [15, 10] }).result).toMatchObject({ kind: 'ok', value: 10 });
    const f = expectCheck(run(b, { cell: 'scale', args: [5, -1] }), preId);
    expect(f.checkKind).toBe('precondition');
    expect(f.values).toEqual({ lo: '0', hi: '-1' });
    expect(f.stack.map((s) => s.cell)).toEqual(['scale']);
    // Proved: no check, the callee runs.
    expect(run(b, { cell: 'scale', args: [5, -1], proved: [preId] }).result).toMatchObject({ kind: 'ok', value: -1 });
  });

  it('checks postconditions on the result at every return', () => {
    const b = new IrBuilder();
    const a = b.v('a', T.Int);
    let post: IrStmt | undefined;
    const f = b.cell('f', [a], T.Int, (c) => {
      post = b.ret(b.op('-', b.ref(a), b.int(1)), [b.cmp('>', b.ref(c.resultVar), b.int(0))]);
      return [b.expr(b.if(b.cmp('>', b.ref(a), b.int(100)), b.block([b.ret(b.int(100), [b.cmp('>', b.ref(c.resultVar), b.int(0))])]), b.nul(), T.Null)), post];
    });
    expect(run(b, { cell: f.name, args: [500] }).result).toMatchObject({ kind: 'ok', value: 100 });
    expect(run(b, { cell: f.name, args: [5] }).result).toMatchObject({ kind: 'ok', value: 4 });
    const postId = (post as Extract<IrStmt, { kind: 'Return' }>).posts[0]!.check;
    const r = expectCheck(run(b, { cell: f.name, args: [1] }), postId);
    expect(r.checkKind).toBe('postcondition');
    expect(r.values).toMatchObject({ result: '0' });
  });

  it('passes mut ref arguments back and evaluates old()', () => {
    const b = new IrBuilder();
    const xs = b.v('xs', T.list(T.Int));
    const old = b.v('old_xs', T.list(T.Int));
    let postId = -1;
    const bump = b.cell('bump', [xs], T.Null, () => {
      const r = b.ret(b.nul(), [b.cmp('==', b.len(b.ref(xs)), b.sop('+', b.len(b.old(b.ref(xs))), b.int(1)))]);
      postId = (r as Extract<IrStmt, { kind: 'Return' }>).posts[0]!.check;
      return [b.assign(xs, b.builtin('push', [b.ref(xs), b.int(0)], T.list(T.Int))), b.setIndex(xs, b.int(0), b.int(42)), r];
    }, { modes: ['mutref'], oldVars: new Map([[xs.id, old]]) });
    const mine = b.v('mine', T.list(T.Int));
    const copy = b.v('copy', T.list(T.Int));
    main(b, [
      b.let(mine, b.list([b.int(1), b.int(2)])),
      b.let(copy, b.ref(mine)),
      b.expr(b.call(bump, [b.ref(mine)], { mutRefs: [{ arg: 0, v: mine }] })),
      b.expr(b.call(bump, [b.ref(mine)], { mutRefs: [{ arg: 0, v: mine }] })),
      b.print(b.ref(mine)),
      b.print(b.ref(copy)),
    ]);
    expect(postId).toBeGreaterThanOrEqual(0);
    expect(expectOk(run(b))).toEqual(['[42, 2, 0, 0]', '[1, 2]']);
  });

  it('checks a recursive measure at each recursive call', () => {
    const b = new IrBuilder();
    const n = b.v('n', T.Int);
    const term = b.check('termination');
    const countdown = b.declare('countdown', [n], T.Int);
    // decreases 100 - n, recursive call countdown(n - 1): the measure grows.
    b.define(countdown, [
      b.ret(b.if(b.cmp('==', b.ref(n), b.int(0)), b.int(0), b.call(countdown, [b.op('-', b.ref(n), b.int(1))], { termination: term }), T.Int)),
    ], { decreases: b.sop('-', b.int(100), b.ref(n)), recursive: true });
    const f = expectCheck(run(b, { cell: 'countdown', args: [5] }), term);
    expect(f.checkKind).toBe('termination');
    expect(f.values).toEqual({ measure: '96', 'caller measure': '95' });
    expect(run(b, { cell: 'countdown', args: [0] }).result).toMatchObject({ kind: 'ok', value: 0 });

    // gcd with `decreases b` terminates.
    const g = new IrBuilder();
    const x = g.v('a', T.Int);
    const y = g.v('b', T.Int);
    const t2 = g.check('termination');
    const gcd = g.declare('gcd', [x, y], T.Int);
    g.define(gcd, [g.ret(g.if(g.cmp('==', g.ref(y), g.int(0)), g.ref(x), g.call(gcd, [g.ref(y), g.op('%', g.ref(x), g.ref(y))], { termination: t2 }), T.Int))], {
      decreases: g.ref(y),
      recursive: true,
    });
    main(g, [g.print(g.call(gcd, [g.int(1071), g.int(462)], { termination: null }))]);
    expect(expectOk(run(g))).toEqual(['21']);
  });

  it('computes fib recursively', () => {
    const b = new IrBuilder();
    const n = b.v('n', T.Int);
    const fib = b.declare('fib', [n], T.Int);
    b.define(fib, [
      b.ret(
        b.if(
          b.cmp('<', b.ref(n), b.int(2)),
          b.ref(n),
          b.op('+', b.call(fib, [b.op('-', b.ref(n), b.int(1))]), b.call(fib, [b.op('-', b.ref(n), b.int(2))])),
          T.Int,
        ),
      ),
    ]);
    main(b, [b.print(b.call(fib, [b.int(20)]))]);
    expect(expectOk(run(b))).toEqual(['6765']);
  });

  it('propagates err with `?` through the postconditions', () => {
    const b = new IrBuilder();
    const res = T.result(T.Int, T.String);
    const r = b.v('r', res);
    const f = b.cell('f', [r], res, () => [b.ret(b.ok(b.op('+', b.try(b.ref(r), T.Int), b.int(1)), res))]);
    main(b, [b.print(b.call(f, [b.ok(b.int(1), res)])), b.print(b.call(f, [b.err(b.str('e'), res)]))]);
    expect(expectOk(run(b))).toEqual(['ok(2)', 'err("e")']);
  });

  it('calls host externs', () => {
    const b = new IrBuilder();
    const now = b.cell('now_ms', [], T.Int, () => [], { extern: true });
    main(b, [b.print(b.call(now, []))]);
    expect(expectOk(run(b, { options: { externs: (cell) => (cell === 'now_ms' ? 1234 : undefined) } }))).toEqual(['1234']);
    expect(run(b).result.kind).toBe('error');
  });
});

describe('loops and specifications', () => {
  function sumTo(b: IrBuilder, swapped: boolean): { inv: IrStmt } {
    const n = b.v('n', T.Int);
    const i = b.v('i', T.Int);
    const s = b.v('s', T.Int);
    const inv = b.cmp('==', b.sop('*', b.int(2), b.ref(s)), b.sop('*', b.ref(i), b.sop('+', b.ref(i), b.int(1))));
    const incI = b.assign(i, b.op('+', b.ref(i), b.int(1)));
    const incS = b.assign(s, b.op('+', b.ref(s), b.ref(i)));
    const loop = b.while(b.cmp('<', b.ref(i), b.ref(n)), swapped ? [incS, incI] : [incI, incS], { invariants: [inv], decreases: b.sop('-', b.ref(n), b.ref(i)) });
    b.cell('sum_to', [n], T.Int, () => [b.let(i, b.int(0)), b.let(s, b.int(0)), loop, b.ret(b.ref(s))]);
    return { inv: loop };
  }

  it('runs a loop with invariant and measure checks', () => {
    const b = new IrBuilder();
    sumTo(b, false);
    expect(run(b, { cell: 'sum_to', args: [100] }).result).toMatchObject({ kind: 'ok', value: 5050 });
  });

  it('reports a non-preserved invariant with its preserved id', () => {
    const b = new IrBuilder();
    const { inv } = sumTo(b, true);
    const w = inv as Extract<IrStmt, { kind: 'While' }>;
    const f = expectCheck(run(b, { cell: 'sum_to', args: [3] }), w.invariants[0]!.preservedCheck);
    expect(f.checkKind).toBe('invariant-preserved');
    expect(f.values).toEqual({ s: '0', i: '1' });
  });

  it('reports an invariant false on entry', () => {
    const b = new IrBuilder();
    const i = b.v('i', T.Int);
    const loop = b.while(b.cmp('<', b.ref(i), b.int(3)), [b.assign(i, b.op('+', b.ref(i), b.int(1)))], { invariants: [b.cmp('>', b.ref(i), b.int(0))] }) as Extract<IrStmt, { kind: 'While' }>;
    main(b, [b.let(i, b.int(0)), loop]);
    expect(expectCheck(run(b), loop.invariants[0]!.entryCheck).checkKind).toBe('invariant-entry');
  });

  it('reports a loop measure that does not decrease or goes negative', () => {
    const b = new IrBuilder();
    const i = b.v('i', T.Int);
    const loop = b.while(b.cmp('<', b.ref(i), b.int(3)), [b.assign(i, b.op('+', b.ref(i), b.int(1)))], { decreases: b.ref(i) }) as Extract<IrStmt, { kind: 'While' }>;
    main(b, [b.let(i, b.int(0)), loop]);
    const f = expectCheck(run(b), loop.decreases!.check);
    expect(f.values).toEqual({ measure: '1', 'previous measure': '0' });

    const c = new IrBuilder();
    const j = c.v('j', T.Int);
    const l2 = c.while(c.cmp('<', c.ref(j), c.int(3)), [c.assign(j, c.op('+', c.ref(j), c.int(1)))], { decreases: c.sop('-', c.int(1), c.ref(j)) }) as Extract<IrStmt, { kind: 'While' }>;
    main(c, [c.let(j, c.int(0)), l2]);
    expect(expectCheck(run(c), l2.decreases!.check).values).toEqual({ measure: '-1' });
  });

  it('supports break and continue', () => {
    const b = new IrBuilder();
    const i = b.v('i', T.Int);
    main(b, [
      b.let(i, b.int(0)),
      b.while(b.bool(true), [
        b.assign(i, b.op('+', b.ref(i), b.int(1))),
        b.expr(b.if(b.cmp('==', b.op('%', b.ref(i), b.int(2)), b.int(0)), b.block([b.continue()]), b.nul(), T.Null)),
        b.expr(b.if(b.cmp('>', b.ref(i), b.int(7)), b.block([b.break()]), b.nul(), T.Null)),
        b.print(b.ref(i)),
      ]),
    ]);
    expect(expectOk(run(b))).toEqual(['1', '3', '5', '7']);
  });

  it('evaluates quantifiers over ranges and lists', () => {
    const b = new IrBuilder();
    const xs = b.v('xs', T.list(T.Int));
    const k = b.v('k', T.Int);
    const j = b.v('j', T.Int);
    const x = b.v('x', T.Int);
    const sorted = b.forall(k, b.int(0), b.len(b.ref(xs)), b.forall(j, b.ref(k), b.len(b.ref(xs)), b.cmp('<=', b.index(b.ref(xs), b.ref(k)), b.index(b.ref(xs), b.ref(j)))));
    const hasZero = b.exists(k, b.int(0), b.len(b.ref(xs)), b.cmp('==', b.index(b.ref(xs), b.ref(k)), b.int(0)));
    const allSmall = b.quantList('forall', x, b.ref(xs), b.cmp('<', b.ref(x), b.int(10)));
    const s1 = b.assert(sorted);
    const s2 = b.assert(b.implies(hasZero, b.inList(b.int(0), b.ref(xs))));
    const s3 = b.assert(allSmall);
    const s4 = b.assert(b.inRange(b.len(b.ref(xs)), b.int(1), b.int(5), true));
    b.cell('f', [xs], T.Null, () => [s1, s2, s3, s4, b.ret(b.nul())]);
    const id = (s: IrStmt): number => (s as Extract<IrStmt, { kind: 'Check' }>).check;
    expect(run(b, { cell: 'f', args: [[0, 1, 2]] }).result.kind).toBe('ok');
    expect(run(b, { cell: 'f', args: [[1, 1, 9]] }).result.kind).toBe('ok');
    expectCheck(run(b, { cell: 'f', args: [[2, 1]] }), id(s1));
    expectCheck(run(b, { cell: 'f', args: [[1, 20]] }), id(s3));
    expectCheck(run(b, { cell: 'f', args: [[]] }), id(s4));
  });

  it('never traps on an unbounded quantifier', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    const i = b.v('i', T.Int);
    const unbounded = b.quantType('forall', i, b.cmp('<', b.ref(i), b.ref(x)));
    const a1 = b.assert(unbounded); // positive: replaced by true
    const a2 = b.assert(b.implies(unbounded, b.cmp('>', b.ref(x), b.int(0)))); // negative: false, so passes
    const a3 = b.assert(b.and(b.cmp('>', b.ref(x), b.int(0)), unbounded)); // the decidable part is still checked
    const a4 = b.assert(b.cmp('==', unbounded, b.bool(false), T.Bool)); // mixed: skipped
    b.cell('f', [x], T.Null, () => [a1, a2, a3, a4, b.ret(b.nul())]);
    expect(run(b, { cell: 'f', args: [5] }).result.kind).toBe('ok');
    expectCheck(run(b, { cell: 'f', args: [-5] }), (a3 as { check: number }).check);
  });
});

describe('effects', () => {
  function netProgram(b: IrBuilder, handlerBody: (url: IrExpr) => IrExpr): void {
    b.effect('Net', [['get', [T.String], T.String]]);
    const u = b.v('u', T.String);
    const fetch = b.cell('fetch', [u], T.String, () => [b.ret(b.concat(b.perform('Net', 'get', [b.ref(u)], T.String), b.str('.')))], {
      effects: [{ effect: 'Net', maxCalls: null }],
    });
    const url = b.v('url', T.String);
    main(b, [
      b.print(
        b.handle(
          b.block([b.print(b.str('start'))], b.concat(b.call(fetch, [b.str('a')]), b.call(fetch, [b.str('b')]))),
          [b.handler('Net', 'get', [url], handlerBody(b.ref(url)))],
          T.String,
        ),
      ),
      b.print(b.str('after')),
    ]);
  }

  it('resumes the performer with the handler value', () => {
    const b = new IrBuilder();
    netProgram(b, (url) => b.resume(b.concat(b.concat(b.str('<'), url), b.str('>'))));
    expect(expectOk(run(b))).toEqual(['start', '<a>.<b>.', 'after']);
  });

  it('aborts the handled computation when the handler does not resume', () => {
    const b = new IrBuilder();
    netProgram(b, (url) => b.concat(b.str('aborted at '), url));
    expect(expectOk(run(b))).toEqual(['start', 'aborted at a', 'after']);
  });

  it('reports an unhandled effect, or asks the host', () => {
    const b = new IrBuilder();
    b.effect('Net', [['get', [T.String], T.String]]);
    main(b, [b.print(b.perform('Net', 'get', [b.str('x')], T.String))]);
    expect(run(b).result).toMatchObject({ kind: 'effect-unhandled', effect: 'Net', op: 'get' });
    expect(expectOk(run(b, { options: { effects: (e, op, args) => `${e}.${op}(${String(args[0])})` } }))).toEqual(['Net.get(x)']);
  });

  it('uses the innermost handler; a handler body sees the outer ones', () => {
    const b = new IrBuilder();
    b.effect('Log', [['log', [T.String], T.Null]]);
    const m = b.v('m', T.String);
    const m2 = b.v('m2', T.String);
    const count = b.v('count', T.Int);
    main(b, [
      b.let(count, b.int(0)),
      b.expr(
        b.handle(
          b.blockExpr([
            b.expr(
              b.handle(
                b.blockExpr([b.expr(b.perform('Log', 'log', [b.str('one')], T.Null)), b.expr(b.perform('Log', 'log', [b.str('two')], T.Null))]),
                [
                  b.handler('Log', 'log', [m], b.blockExpr([b.assign(count, b.op('+', b.ref(count), b.int(1))), b.expr(b.perform('Log', 'log', [b.concat(b.str('inner: '), b.ref(m))], T.Null))], b.resume(b.nul()))),
                ],
                T.Null,
              ),
            ),
          ]),
          [b.handler('Log', 'log', [m2], b.blockExpr([b.print(b.ref(m2))], b.resume(b.nul())))],
          T.Null,
        ),
      ),
      b.print(b.ref(count)),
    ]);
    expect(expectOk(run(b))).toEqual(['inner: one', 'inner: two', '2']);
  });

  it('counts performs with calls(E) and enforces a budget', () => {
    const b = new IrBuilder();
    b.effect('Net', [['get', [T.String], T.String]]);
    const n = b.v('n', T.Int);
    const i = b.v('i', T.Int);
    const budget = b.check('effect-budget');
    const loop = b.while(b.cmp('<', b.ref(i), b.ref(n)), [b.expr(b.perform('Net', 'get', [b.str('x')], T.String, budget)), b.assign(i, b.op('+', b.ref(i), b.int(1)))], {
      invariants: [b.cmp('==', b.calls('Net'), b.ref(i))],
    });
    const fetchN = b.cell('fetch_n', [n], T.Int, () => [b.let(i, b.int(0)), loop, b.ret(b.calls('Net'))], { effects: [{ effect: 'Net', maxCalls: 3n }] });
    const k = b.v('k', T.Int);
    const url = b.v('url', T.String);
    main(b, [
      b.print(
        b.handle(
          b.blockExpr([b.expr(b.perform('Net', 'get', [b.str('outside')], T.String))], b.call(fetchN, [b.ref(k)])),
          [b.handler('Net', 'get', [url], b.resume(b.ref(url)))],
          T.Int,
        ),
      ),
    ]);
    const withK = (kv: number): Run => {
      const c = new IrBuilder();
      void c;
      const prog = b.program();
      // `k` is a free variable of main: bind it with a Let at the front.
      const mainCell = prog.cells.get('main')!;
      const patched = { ...mainCell, body: { ...mainCell.body!, stmts: [b.let(k, b.int(kv)), ...mainCell.body!.stmts] } };
      const cells = new Map(prog.cells);
      cells.set('main', patched);
      const out: string[] = [];
      const bc = compileProgram({ ...prog, cells });
      return { result: runMain(bc, { stdout: (l) => out.push(l) }), out, disasm: disassemble(bc) };
    };
    expect(expectOk(withK(3))).toEqual(['3']);
    const f = expectCheck(withK(4), budget);
    expect(f.checkKind).toBe('effect-budget');
    expect(f.values).toEqual({ 'calls(Net)': '4' });
    void fetchN;
  });
});

describe('limits', () => {
  it('stops an infinite loop when the fuel runs out', () => {
    const b = new IrBuilder();
    main(b, [b.while(b.bool(true), [])]);
    expect(run(b, { options: { fuel: 10_000 } }).result.kind).toBe('fuel-exhausted');
  });

  it('deep recursion ends in depth-exceeded, not a JS stack overflow', { timeout: 60_000 }, () => {
    const b = new IrBuilder();
    const n = b.v('n', T.Int);
    const down = b.declare('down', [n], T.Int);
    b.define(down, [b.ret(b.if(b.cmp('==', b.ref(n), b.int(0)), b.int(0), b.op('+', b.int(1), b.call(down, [b.op('-', b.ref(n), b.int(1))])), T.Int))]);
    main(b, [b.print(b.call(down, [b.int(1_000_000)]))]);
    const r = run(b);
    expect(r.result.kind).toBe('depth-exceeded');
    // With a generous limit the same recursion completes: frames are not on the JS stack.
    const c = new IrBuilder();
    const m = c.v('n', T.Int);
    const down2 = c.declare('down', [m], T.Int);
    c.define(down2, [c.ret(c.if(c.cmp('==', c.ref(m), c.int(0)), c.int(0), c.op('+', c.int(1), c.call(down2, [c.op('-', c.ref(m), c.int(1))])), T.Int))]);
    main(c, [c.print(c.call(down2, [c.int(300_000)]))]);
    expect(expectOk(run(c, { options: { maxDepth: 400_000 } }))).toEqual(['300000']);
    expect(run(b, { options: { maxDepth: 100 } }).result.kind).toBe('depth-exceeded');
  });
});

describe('check elision', () => {
  it('a proved check emits no checking instruction', () => {
    const b = new IrBuilder();
    const x = b.v('x', T.Int);
    const add = b.op('+', b.ref(x), b.int(1));
    b.cell('inc', [x], T.Int, () => [b.ret(add)]);
    const checked = compileProgram(b.program());
    const elided = compileProgram(b.program(), { proved: new Set([add.overflow!]) });
    expect(disassemble(checked)).toMatch(/ADDI_CHECKED/);
    expect(disassemble(elided)).not.toMatch(/CHECKED/);
    // The unchecked form is exact, not wrapping.
    expect(runCell(elided, 'inc', [MAX])).toMatchObject({ kind: 'ok', value: MAX + 1n });
  });

  it('a proved assertion is not evaluated at all; an unproved one fails', () => {
    const b = new IrBuilder();
    const a = b.assert(b.bool(false));
    main(b, [a, b.print(b.str('reached'))]);
    const id = (a as { check: number }).check;
    expectCheck(run(b), id);
    const r = run(b, { proved: [id] });
    expect(expectOk(r)).toEqual(['reached']);
    expect(r.disasm).not.toMatch(/CHECK /);
  });

  it('proved index and division checks use the unchecked instructions', () => {
    const b = new IrBuilder();
    const xs = b.v('xs', T.list(T.Int));
    const idx = b.index(b.ref(xs), b.int(0));
    const div = b.op('/', b.int(10), b.len(b.ref(xs)));
    b.cell('f', [xs], T.Int, () => [b.ret(b.op('+', idx, div))]);
    const all = [idx.check!, div.divZero!, div.overflow!];
    const d = disassemble(compileProgram(b.program(), { proved: new Set(all) }));
    expect(d).toMatch(/INDEX +r/);
    expect(d).toMatch(/DIV +r/);
    expect(d).not.toMatch(/INDEX_CHECKED|DIV_CHECKED/);
  });
});

describe('disassembly and tracing', () => {
  it('prints one line per instruction with offsets and source lines, and traces execution', () => {
    const b = new IrBuilder();
    main(b, [b.print(b.op('+', b.int(1), b.int(2)))]);
    const prog = compileProgram(b.program());
    const text = disassemble(prog, { sources: new Map([['test.lm', 'line one\nline two']]) });
    expect(text).toMatch(/== main: 0 params/);
    expect(text).toMatch(/^0000 +L1 +LOADI +r\d+, 1$/m);
    expect(text).toMatch(/ADDI_CHECKED +r\d+, r\d+, 2, check \d+\(overflow\)/);
    const lines: string[] = [];
    runMain(prog, { stdout: () => {}, trace: (l) => lines.push(l) });
    expect(lines.some((l) => l.includes('PRINT'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/RET/);
  });
});

describe('host values', () => {
  it('builds records and variants for runCell', () => {
    const b = new IrBuilder();
    const Point = b.record('Point', [['x', T.Int], ['y', T.Int]]);
    const p = b.v('p', Point);
    b.cell('sum', [p], T.Int, () => [b.ret(b.op('+', b.field(b.ref(p), 'Point', 0, T.Int), b.field(b.ref(p), 'Point', 1, T.Int)))]);
    const prog = compileProgram(b.program());
    expect(runCell(prog, 'sum', [values.record(prog, 'Point', [2, 3])])).toMatchObject({ kind: 'ok', value: 5 });
    expect(runCell(prog, 'nope', []).kind).toBe('error');
    expect(runCell(prog, 'sum', []).kind).toBe('error');
  });
});
