// The compiling tier (jit.ts) against the dispatch loop alone (`jit: false`):
// every program must end the same way, to the last detail of the result
// (value, failed check and its values, stack), and print the same lines.
// Also the new instructions' fast paths (MULADD, FOR_LT) against BigInt
// references, in-place list updates against a model that copies, and the
// limits (fuel, depth, the JavaScript stack) with compiled code.

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OP_FORMATS, instructionLength } from '../backend/bytecode.js';
import { compileProgram } from '../backend/compile.js';
import { disassemble } from '../backend/disasm.js';
import { listProgramSource, listPrograms, type ListOp, type ListVar } from '../backend/test-programs.js';
import { IrBuilder, T } from '../backend/testkit.js';
import { lowerFiles, lowerSource } from '../backend/wasm/testkit.js';
import type { IrProgram } from '../frontend/ir.js';
import { normalize } from './int64.js';
import { jitTable } from './jit.js';
import { runCell, type RunOptions, type RunResult } from './vm.js';
import type { Value } from './value.js';
import { WARMUP_EXCLUDED, warmupProgram } from './warmup.js';

interface Ended {
  readonly result: RunResult;
  readonly out: readonly string[];
}

function runBoth(prog: ReturnType<typeof compileProgram>, cell = 'main', args: readonly Value[] = [], opts: RunOptions = {}): { jit: Ended; loop: Ended } {
  const once = (jit: boolean): Ended => {
    const out: string[] = [];
    const result = runCell(prog, cell, args, { fuel: 50_000_000, ...opts, jit, stdout: (l) => out.push(l) });
    return { result, out };
  };
  return { jit: once(true), loop: once(false) };
}

function expectSame(prog: ReturnType<typeof compileProgram>, cell = 'main', args: readonly Value[] = [], opts: RunOptions = {}): Ended {
  const { jit, loop } = runBoth(prog, cell, args, opts);
  expect(jit).toEqual(loop);
  return jit;
}

function allChecks(ir: IrProgram): Set<number> {
  return new Set(ir.checks.map((_, i) => i));
}

const NONE: ReadonlySet<number> = new Set();

describe('compiled and interpreted runs end the same way', () => {
  const examples = new URL('../../shared/examples/', import.meta.url);
  const testdata = new URL('../backend/wasm/testdata/', import.meta.url);
  const programs: { name: string; ir: () => IrProgram }[] = [];
  for (const f of readdirSync(testdata).filter((x) => x.endsWith('.lm'))) {
    programs.push({ name: `testdata/${f}`, ir: () => lowerSource(readFileSync(new URL(f, testdata), 'utf8'), f) });
  }
  for (const f of readdirSync(examples).filter((x) => x.endsWith('.lm'))) {
    const text = readFileSync(new URL(f, examples), 'utf8');
    if (/^# expect: error/m.test(text)) continue;
    programs.push({ name: `examples/${f}`, ir: () => lowerFiles(f, new Map([[f, text]])) });
  }
  it('has programs', () => expect(programs.length).toBeGreaterThan(30));
  for (const p of programs) {
    it(`${p.name}, with every check at run time, and elided when they all hold`, () => {
      let ir: IrProgram;
      try {
        ir = p.ir();
      } catch {
        return; // an example that does not compile on its own (it belongs to a module set)
      }
      if (!ir.cells.has('main')) return;
      const checked = expectSame(compileProgram(ir, { proved: NONE }));
      // Eliding the checks is sound for a run in which they all hold: the same run without them.
      if (checked.result.kind === 'ok') expectSame(compileProgram(ir, { proved: allChecks(ir) }));
    });
  }

  it('the compiled code is used: every chunk of an ordinary program is compiled after a run', () => {
    const ir = lowerSource(['cell sq(x: Int) -> Int', '  x * x', 'end', 'cell main() -> Null', '  for i in 0..3', '    print(sq(i))', '  end', 'end'].join('\n'));
    const prog = compileProgram(ir, { proved: NONE });
    expect(expectSame(prog).out).toEqual(['0', '1', '4']);
    expect(jitTable(prog).every((j) => j !== null && j !== undefined)).toBe(true);
  });

  it('random Int programs with loops, branches and calls (traps included)', () => {
    // With every check run: any operands (traps compared). With every check elided (unbounded Ints, the
    // MULADD and FOR_LT paths): only growth that stays small, as in a program where that was proved.
    const program = (elided: boolean): fc.Arbitrary<string[]> => {
      const small = fc.oneof(fc.constantFrom('x', 'y', 'a', 'b', 'k'), fc.integer({ min: -9, max: 9 }).map((n) => `(${n})`));
      const atom = elided ? small : fc.oneof(small, fc.constantFrom('4611686018427387904', '9007199254740991', '(-9007199254740993)', '3037000499'));
      const right = elided ? fc.integer({ min: -9, max: 9 }).map((n) => `(${n})`) : atom;
      const assign = fc.record({ v: fc.constantFrom('x', 'y'), op: fc.constantFrom('+', '-', '*', '//', '%'), left: atom, right }).map((a) => `${a.v} = ${a.left} ${a.op} ${a.right}`);
      const stmt = fc.oneof(
        { weight: 4, arbitrary: assign.map((a) => [a]) },
        { weight: 1, arbitrary: fc.tuple(atom, atom, assign, assign).map(([l, r, t, e]) => [`if ${l} < ${r}`, `  ${t}`, 'else', `  ${e}`, 'end']) },
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 4 }), assign, assign).map(([n, s, t]) => [`for j in 0..${n}`, `  ${s}`, `  x = x * j + y`, `  ${t}`, 'end']) },
        { weight: 1, arbitrary: atom.map((e) => [`print(${e})`]) },
      );
      return fc.array(stmt, { minLength: 1, maxLength: 10 }).map((xs) => xs.flat());
    };
    const source = (stmts: string[], seed: number): string =>
      [
        'cell f(a: Int, b: Int) -> Int',
        '  let mut x = a',
        '  let mut y = b',
        '  let k = 1',
        ...stmts.map((l) => `  ${l}`),
        '  x + y',
        'end',
        'cell main() -> Null',
        '  for i in 0..4',
        `    print(f(i * 3 + (${seed}), (${seed}) - i))`,
        '  end',
        'end',
      ].join('\n');
    for (const elided of [false, true]) {
      fc.assert(
        fc.property(program(elided), fc.integer({ min: -50, max: 50 }), (stmts, seed) => {
          const ir = lowerSource(source(stmts, seed));
          expectSame(compileProgram(ir, { proved: elided ? allChecks(ir) : NONE }));
        }),
        { numRuns: 120, seed: 7 },
      );
    }
  });
});

describe('new instructions against exact references', () => {
  const boundary = fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.constantFrom(0n, 1n, -1n, 2n ** 26n + 1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) + 1n, 2n ** 31n, 3037000500n, 2n ** 63n - 1n, -(2n ** 63n)),
    fc.bigInt({ min: -1000n, max: 1000n }),
  );

  it('MULADD: `x * y + z` and `z + x * y` are exact, on both paths', () => {
    const b = new IrBuilder();
    const [x, y, z] = [b.v('x', T.Int), b.v('y', T.Int), b.v('z', T.Int)];
    const m1 = b.op('*', b.ref(x), b.ref(y));
    const s1 = b.op('+', m1, b.ref(z));
    const m2 = b.op('*', b.ref(x), b.ref(y));
    const s2 = b.op('+', b.ref(z), m2);
    b.cell('f', [x, y, z], T.Int, () => [b.ret(s1)]);
    b.cell('g', [x, y, z], T.Int, () => [b.ret(s2)]);
    const prog = compileProgram(b.program(), { proved: new Set([m1.overflow!, s1.overflow!, m2.overflow!, s2.overflow!]) });
    expect(disassemble(prog).match(/MULADD/g)).toHaveLength(2);
    fc.assert(
      fc.property(boundary, boundary, boundary, (p, q, r) => {
        const args = [normalize(p), normalize(q), normalize(r)];
        for (const cell of ['f', 'g']) {
          const { jit } = runBoth(prog, cell, args);
          expect(jit.result).toMatchObject({ kind: 'ok', value: normalize(p * q + r) });
          expectSame(prog, cell, args);
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('FOR_LT: counted loops step exactly across 2^53 and 2^63', () => {
    const ir = lowerSource(['cell f(lo: Int, n: Int) -> Int', '  let mut s = 0', '  for i in lo..lo + n', '    s = s + i', '  end', '  s', 'end'].join('\n'));
    const prog = compileProgram(ir, { proved: allChecks(ir) });
    expect(disassemble(prog)).toMatch(/FOR_LT/);
    fc.assert(
      fc.property(boundary, fc.integer({ min: -3, max: 12 }), (lo, n) => {
        const N = BigInt(n);
        const sum = n > 0 ? N * lo + (N * (N - 1n)) / 2n : 0n;
        const { jit } = runBoth(prog, 'f', [normalize(lo), n]);
        expect(jit.result).toMatchObject({ kind: 'ok', value: normalize(sum) });
        expectSame(prog, 'f', [normalize(lo), n]);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

// ---------------------------------------------------------------- lists against a copying model

const LIST_PROGRAMS = { index: 5, swap: false, appendInLoops: false, printLoopIndex: false } as const;

/** The same program on immutable arrays (every update copies): the printed lines, and whether an index check fails. */
function listModel(ops: readonly ListOp[]): { out: string[]; failed: boolean } {
  const env: Record<ListVar | 'zs' | 't', readonly number[]> = { xs: [1, 2], ys: [3], zs: [4], t: [] };
  const out: string[] = [];
  const show = (xs: readonly number[]): string => `[${xs.join(', ')}]`;
  const at = (xs: readonly number[], i: number): number | null => {
    const j = i < 0 ? i + xs.length : i;
    return j >= 0 && j < xs.length ? j : null;
  };
  const exec = (list: readonly ListOp[]): boolean => {
    for (const op of list) {
      switch (op.k) {
        case 'push':
          env[op.v] = [...env[op.v], op.n];
          break;
        case 'alias':
          env[op.to] = env[op.from];
          break;
        case 'set': {
          const j = at(env[op.v], op.i);
          if (j === null) return false;
          env[op.v] = env[op.v].map((x, i) => (i === j ? op.n : x));
          break;
        }
        case 'append':
          env[op.v] = [...env[op.v], ...env[op.other]];
          break;
        case 'print':
          out.push(show(env[op.v]));
          break;
        case 'copy':
          env.zs = [...env[op.from], op.n];
          break;
        case 'swap':
          env.zs = env.xs;
          env.xs = env.ys;
          env.ys = env.zs;
          break;
        case 'get': {
          const j = at(env[op.v], op.i);
          if (j === null) return false;
          out.push(String(env[op.v][j]));
          break;
        }
        case 'loop':
          for (let k = 0; k < 3; k++) {
            env.t = env.xs;
            if (!exec(op.body)) return false;
            if (env.t.length === 0) return false;
            env.t = env.t.map((x, i) => (i === 0 ? k : x));
            out.push(show(env.t));
          }
          break;
      }
    }
    return true;
  };
  const ok = exec(ops);
  if (ok) out.push(show(env.xs), show(env.ys), show(env.zs));
  return { out, failed: !ok };
}

describe('in-place list updates are observationally identical to copying', () => {
  it('random programs that alias, update, push and append, against a copying model', () => {
    fc.assert(
      fc.property(listPrograms(LIST_PROGRAMS), (ops) => {
        const src = listProgramSource(ops, LIST_PROGRAMS);
        const ir = lowerSource(src);
        const model = listModel(ops);
        for (const proved of [NONE, allChecks(ir)]) {
          if (proved !== NONE && model.failed) continue; // an elided index check would make the failure undefined behaviour
          const prog = compileProgram(ir, { proved });
          const got = expectSame(prog);
          expect(got.out, src).toEqual(model.out);
          expect(got.result.kind, src).toBe(model.failed ? 'check-failed' : 'ok');
        }
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it('`let a = [..]; let mut b = a; b[i] = v` leaves `a` unchanged, in loops and through calls', () => {
    const src = [
      'cell bump(xs: list[Int], i: Int where 0 <= i and i < len(xs)) -> list[Int]',
      '  let mut ys = xs',
      '  ys[i] = ys[i] + 100',
      '  ys',
      'end',
      'cell main() -> Null',
      '  let a = [1, 2, 3]',
      '  let mut b = a',
      '  for i in 0..3',
      '    b[i] = i * 10',
      '    let c = bump(b, i)',
      '    print(c)',
      '  end',
      '  print(a)',
      '  print(b)',
      'end',
    ].join('\n');
    const ir = lowerSource(src);
    for (const proved of [NONE, allChecks(ir)]) {
      expect(expectSame(compileProgram(ir, { proved })).out).toEqual(['[100, 2, 3]', '[0, 110, 3]', '[0, 10, 120]', '[1, 2, 3]', '[0, 10, 20]']);
    }
  });
});

describe('limits with compiled code', () => {
  const down = lowerSource(['cell down(n: Int) -> Int', '  if n == 0', '    0', '  else', '    1 + down(n - 1)', '  end', 'end', 'cell main() -> Null', '  print(down(300_000))', 'end'].join('\n'));

  it('recursion far deeper than the JavaScript stack allows, through compiled calls', { timeout: 60_000 }, () => {
    const prog = compileProgram(down, { proved: allChecks(down) });
    expect(expectSame(prog, 'main', [], { maxDepth: 400_000 }).out).toEqual(['300000']);
  });

  it('depth-exceeded with the same stack', () => {
    const prog = compileProgram(down, { proved: allChecks(down) });
    expect(expectSame(prog, 'main', [], { maxDepth: 1000 }).result.kind).toBe('depth-exceeded');
  });

  it('fuel runs out inside a compiled loop', () => {
    const ir = lowerSource(['cell main() -> Null', '  let mut s = 0', '  for i in 0..1_000_000', '    s = s + i', '  end', '  print(s)', 'end'].join('\n'));
    const prog = compileProgram(ir, { proved: allChecks(ir) });
    for (const jit of [true, false]) {
      expect(runCell(prog, 'main', [], { jit, fuel: 10_000, stdout: () => {} }).kind).toBe('fuel-exhausted');
      const out: string[] = [];
      expect(runCell(prog, 'main', [], { jit, fuel: 10_000_000, stdout: (l) => out.push(l) }).kind).toBe('ok');
      expect(out).toEqual(['499999500000']);
    }
  });

  it('a failing check in a compiled callee reports the interpreter’s values and stack', () => {
    const ir = lowerSource(
      ['cell get(xs: list[Int], i: Int) -> Int', '  xs[i]', 'end', 'cell sum(xs: list[Int]) -> Int', '  let mut s = 0', '  for i in 0..len(xs) + 1', '    s = s + get(xs, i)', '  end', '  s', 'end', 'cell main() -> Null', '  print(sum([1, 2, 3]))', 'end'].join('\n'),
    );
    const r = expectSame(compileProgram(ir, { proved: NONE }));
    expect(r.result).toMatchObject({ kind: 'check-failed', checkKind: 'index', values: { i: '3' } });
    expect((r.result as Extract<RunResult, { kind: 'check-failed' }>).stack.map((s) => s.cell)).toEqual(['get', 'sum', 'main']);
  });

  it('a cell too large to compile is interpreted', () => {
    const lines = ['cell main() -> Null', '  let mut s = 0'];
    for (let i = 0; i < 1500; i++) lines.push(`  s = s + ${i % 7}`);
    lines.push('  print(s)', 'end');
    const ir = lowerSource(lines.join('\n'));
    expect(expectSame(compileProgram(ir, { proved: NONE })).out).toEqual([String(Array.from({ length: 1500 }, (_, i) => i % 7).reduce((a, b) => a + b, 0))]);
  });
});

describe('the warm-up program', () => {
  it('executes every opcode but those that end a run', () => {
    const seen = new Set<number>();
    for (const c of warmupProgram().chunks) for (let pc = 0; pc < c.code.length; pc += instructionLength(c.code[pc]!)) seen.add(c.code[pc]!);
    const missing = OP_FORMATS.map(([name], op) => ({ name, op })).filter(({ op }) => !seen.has(op) && !WARMUP_EXCLUDED.has(op));
    expect(missing.map((m) => m.name)).toEqual([]);
  });

  it('runs to completion, compiled and interpreted', () => {
    const prog = warmupProgram();
    const r = expectSame(prog, 'main', [], { externs: (_c, args) => args[0], effects: () => 0 });
    expect(r.result).toMatchObject({ kind: 'ok', value: 7 });
  });
});
