// Source → checked IR → bytecode → VM, on the shared examples and on small
// programs written for the backend. Every check stays a run-time check here
// (nothing is proved), so a correct program must run clean and a buggy one
// must trap with the check the example header names.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFile, lowerProgram, memoryHost, type IrProgram } from '../frontend/index.js';
import { runCell, runMain, values, type RunOptions, type RunResult } from '../vm/vm.js';
import type { Value } from '../vm/value.js';
import { compileProgram } from './compile.js';
import { sharedExamples } from './test-programs.js';
import { disassemble } from './disasm.js';
import type { BytecodeProgram } from './bytecode.js';

const EXAMPLES = new URL('../../shared/examples/', import.meta.url);

function lower(root: string, files: Map<string, string>): IrProgram {
  const checked = checkFile(root, memoryHost(files));
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !checked.program) throw new Error(`${root}: ${errors.map((d) => d.message).join('; ')}`);
  // The lowering returns the IR, or (announced) `{ ir, diagnostics }`.
  const lowered = lowerProgram(checked.program) as IrProgram | { ir: IrProgram };
  return 'ir' in lowered ? lowered.ir : lowered;
}

function compileSource(text: string, proved: ReadonlySet<number> = new Set()): BytecodeProgram {
  return compileProgram(lower('test.lm', new Map([['test.lm', text]])), { proved });
}

function runSource(text: string, opts: RunOptions & { cell?: string; args?: Value[] } = {}): { result: RunResult; out: string[] } {
  const prog = compileSource(text);
  const out: string[] = [];
  const options = { stdout: (l: string) => out.push(l), ...opts };
  const result = opts.cell ? runCell(prog, opts.cell, opts.args ?? [], options) : runMain(prog, options);
  return { result, out };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

describe('shared examples on the VM', () => {
  for (const { name, files } of sharedExamples()) {
    const text = files.get(name)!;
    const outputs = [...text.matchAll(/^# output: (.*)$/gm)].map((m) => m[1]!);
    const expectsError = /^# expect: error/m.test(text);
    if (expectsError) continue;
    it(`${name} compiles${outputs.length ? ' and prints its `# output:` lines' : ''}`, () => {
      const ir = lower(name, files);
      const prog = compileProgram(ir, { proved: new Set() });
      expect(disassemble(prog).length).toBeGreaterThan(0);
      if (!prog.cellIndex.has('main') || outputs.length === 0) return;
      const out: string[] = [];
      const result = runMain(prog, { stdout: (l) => out.push(l), fuel: 50_000_000 });
      expect(result.kind, JSON.stringify(result)).toBe('ok');
      expect(out).toEqual(outputs);
    });
  }

  it('percent.lm: the refuted refinement fails at run time at line 13', () => {
    const text = readFileSync(new URL('percent.lm', EXAMPLES), 'utf8');
    const ir = lower('percent.lm', new Map([['percent.lm', text]]));
    const out: string[] = [];
    const r = runMain(compileProgram(ir), { stdout: (l) => out.push(l) });
    expect(out).toEqual(['1500']);
    expect(r.kind).toBe('check-failed');
    if (r.kind !== 'check-failed') return;
    expect(r.checkKind).toBe('refinement');
    expect(lineOf(text, r.span.start)).toBe(13);
    expect(r.values).toMatchObject({ p: '120' });
  });

  // Replaying the counterexamples of the refuted examples makes the named check fail.
  const replays: { file: string; cell: string; args: Value[]; kind: string; line: number }[] = [
    { file: 'abs.lm', cell: 'my_abs', args: [-(2n ** 63n)], kind: 'overflow', line: 6 },
    { file: 'average.lm', cell: 'average', args: [[]], kind: 'div-by-zero', line: 10 },
    { file: 'average.lm', cell: 'average', args: [[2n ** 62n, 2n ** 62n]], kind: 'overflow', line: 8 },
    { file: 'bounds.lm', cell: 'find_positive', args: [[]], kind: 'index', line: 7 },
    { file: 'clamp_call_bug.lm', cell: 'scale', args: [5, -1], kind: 'precondition', line: 14 },
    { file: 'match_gap.lm', cell: 'grade', args: [60], kind: 'match', line: 5 },
    { file: 'sum_to_bug.lm', cell: 'sum_to', args: [2], kind: 'invariant-preserved', line: 8 },
    { file: 'termination_bug.lm', cell: 'countdown', args: [1], kind: 'termination', line: 9 },
  ];
  for (const r of replays) {
    it(`${r.file}: ${r.cell}(${r.args.map(String).join(', ')}) fails the ${r.kind} check on line ${r.line}`, () => {
      const text = readFileSync(new URL(r.file, EXAMPLES), 'utf8');
      const prog = compileProgram(lower(r.file, new Map([[r.file, text]])));
      const result = runCell(prog, r.cell, r.args, { stdout: () => {} });
      expect(result.kind, JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? String(v) : v))).toBe('check-failed');
      if (result.kind !== 'check-failed') return;
      expect(result.checkKind).toBe(r.kind);
      expect(lineOf(text, result.span.start)).toBe(r.line);
    });
  }

  it('modules/main.lm: prints the first distance, then the refuted refinement fails on line 9', () => {
    const files = sharedExamples().find((e) => e.name === 'main.lm')!.files;
    const out: string[] = [];
    const r = runMain(compileProgram(lower('main.lm', files)), { stdout: (l) => out.push(l) });
    expect(out).toEqual(['7']);
    expect(r).toMatchObject({ kind: 'check-failed', checkKind: 'refinement' });
    if (r.kind === 'check-failed') {
      expect(r.span.file).toBe('main.lm');
      expect(lineOf(files.get('main.lm')!, r.span.start)).toBe(9);
    }
  });

  it('effects_budget_bug.lm: the fourth perform exceeds the budget of 3', () => {
    const file = 'effects_budget_bug.lm';
    const text = readFileSync(new URL(file, EXAMPLES), 'utf8');
    const prog = compileProgram(lower(file, new Map([[file, text]])));
    // Every attempt returns an empty page, so all three retries happen.
    const result = runCell(prog, 'fetch_with_retry', ['u'], { effects: () => '' });
    expect(result).toMatchObject({ kind: 'check-failed', checkKind: 'effect-budget' });
    if (result.kind === 'check-failed') expect(lineOf(text, result.span.start)).toBe(16);
    // A first answer that is not empty stays within the budget.
    expect(runCell(prog, 'fetch_with_retry', ['u'], { effects: () => 'page' })).toMatchObject({ kind: 'ok', value: 'page' });
  });

  it('literate_account.lm.md: withdrawing everything violates the second ensures (Markdown line 27)', () => {
    const file = 'literate_account.lm.md';
    const text = readFileSync(new URL(file, EXAMPLES), 'utf8');
    const ir = lower(file, new Map([[file, text]]));
    const prog = compileProgram(ir);
    const accountName = [...ir.records.keys()].find((k) => k.endsWith('Account'))!;
    const acct = (balance: number): Value => values.record(prog, accountName, ['ann', balance]);
    const r = runCell(prog, 'withdraw', [acct(50), 50]);
    expect(r).toMatchObject({ kind: 'check-failed', checkKind: 'postcondition' });
    if (r.kind === 'check-failed') expect(lineOf(text, r.span.start)).toBe(27);
    expect(runCell(prog, 'withdraw', [acct(50), 20])).toMatchObject({ kind: 'ok' });
  });
});

describe('programs on the VM', () => {
  it('records, functional update, enums, match with guards', () => {
    const { result, out } = runSource(`
record Point
  x: Int
  y: Int
end

enum Shape
  Circle(radius: Float)
  Rect(w: Float, h: Float)
  Empty
end

cell describe(s: Shape) -> String
  match s
    Circle(r) if r > 10.0 -> "big circle"
    Circle(r) -> "circle {r}"
    Rect(w, h) ->
      let a = w * h
      "rect {a}"
    Empty -> "empty"
  end
end

cell main() -> Null
  let p = Point(x: 1, y: 2)
  let q = Point(..p, x: 3)
  print(p)
  print(q)
  print(q.x + q.y)
  print(describe(Circle(1.5)))
  print(describe(Shape.Circle(20.0)))
  print(describe(Rect(2.0, 3.0)))
  print(describe(Empty))
  print(Rect(w: 1.0, h: 2.0))
end
`);
    expect(result.kind, JSON.stringify(result)).toBe('ok');
    expect(out).toEqual(['Point(x: 1, y: 2)', 'Point(x: 3, y: 2)', '5', 'circle 1.5', 'big circle', 'rect 6.0', 'empty', 'Rect(w: 1.0, h: 2.0)']);
  });

  it('lists: negative indices, updates, push, ++, for loops, tuples, strings', () => {
    const { result, out } = runSource(`
cell main() -> Null
  let mut xs = [1, 2, 3]
  let ys = xs
  xs[0] = 10
  xs[-1] = 30
  print(xs)
  print(ys)
  print(xs[-2])
  let mut acc = []
  for x in xs
    acc = push(acc, x * 2)
  end
  print(acc ++ [0])
  let mut total = 0
  for i in 0..len(acc)
    total += acc[i]
  end
  print(total)
  let t = (1, "one")
  let (a, b) = t
  print(t)
  print(t.1)
  print("{b}={a}")
  print(len("héllo"))
  print(range(1, 4))
  print(min(3, 4) + max(3, 4) + abs(-5))
  print(to_float(3))
  print(to_int(-2.7))
  print(to_string([true, false]))
  print([["a"], []])
end
`);
    expect(result.kind, JSON.stringify(result)).toBe('ok');
    expect(out).toEqual(['[10, 2, 30]', '[1, 2, 3]', '2', '[20, 4, 60, 0]', '84', '(1, "one")', 'one', 'one=1', '5', '[1, 2, 3]', '12', '3.0', '-2', '[true, false]', '[["a"], []]']);
  });

  it('named arguments, while loops with break/continue, halt', () => {
    const { result, out } = runSource(`
cell clamp(v: Int, lo: Int, hi: Int) -> Int
  requires lo <= hi
  min(max(v, lo), hi)
end

cell main() -> Null
  print(clamp(15, lo: 0, hi: 10))
  let mut i = 0
  while i < 10
    i += 1
    if i % 2 == 0
      continue
    end
    if i > 5
      break
    end
    print(i)
  end
  halt("stop here")
end
`);
    expect(out).toEqual(['10', '1', '3', '5']);
    expect(result).toMatchObject({ kind: 'halt', message: 'stop here' });
  });

  it('effects: handler with resume, abort without resume, unhandled', () => {
    const src = `
effect Ask
  cell number(prompt: String) -> Int
end

cell twice() -> Int / {Ask}
  perform Ask.number("a") + perform Ask.number("b")
end

cell main() -> Null
  let r = handle
    twice()
  with
    Ask.number(p) => resume(len(p) * 10)
  end
  print(r)
  let s = handle
    twice()
  with
    Ask.number(p) => 99
  end
  print(s)
end
`;
    const { result, out } = runSource(src);
    expect(result.kind).toBe('ok');
    expect(out).toEqual(['20', '99']);
    expect(runSource(src, { cell: 'twice' }).result).toMatchObject({ kind: 'effect-unhandled', op: 'number' });
    expect(runSource(src, { cell: 'twice', effects: (_e, _op, args) => (args[0] === 'a' ? 1 : 2) }).result).toMatchObject({ kind: 'ok', value: 3 });
  });

  it('requires: ill-defined on a host call fails its own check; at a call site, the precondition', () => {
    const src = `
cell first_positive(xs: list[Int]) -> Int
  requires xs[0] > 0
  xs[0]
end

cell main() -> Null
  print(first_positive([]))
end
`;
    const ir = lower('test.lm', new Map([['test.lm', src]]));
    const prog = compileProgram(ir);
    const host = runCell(prog, 'first_positive', [[]]);
    expect(host).toMatchObject({ kind: 'check-failed', checkKind: 'index' });
    expect(runCell(prog, 'first_positive', [[5]])).toMatchObject({ kind: 'ok', value: 5 });
    // A host call with a false (but well-defined) requires is not checked: the host is trusted.
    expect(runCell(prog, 'first_positive', [[-5]])).toMatchObject({ kind: 'ok', value: -5 });
    const viaCall = runMain(prog, { stdout: () => {} });
    expect(viaCall).toMatchObject({ kind: 'check-failed', checkKind: 'precondition' });
    expect(disassemble(prog)).toMatch(/call entry/);
  });

  it('Int overflow traps with the operands in the report', () => {
    const { result } = runSource(`
cell square(x: Int) -> Int
  x * x
end

cell main() -> Null
  print(square(3037000500))
end
`);
    expect(result).toMatchObject({ kind: 'check-failed', checkKind: 'overflow', values: { x: '3037000500' } });
    if (result.kind === 'check-failed') expect(result.stack.map((s) => s.cell)).toEqual(['square', 'main']);
  });

  it('deep recursion gives depth-exceeded, and a proved check is elided', () => {
    const src = `
cell down(n: Int) -> Int
  if n == 0
    0
  else
    1 + down(n - 1)
  end
end

cell main() -> Null
  print(down(1000000))
end
`;
    expect(runSource(src).result.kind).toBe('depth-exceeded');
    const assertSrc = `
cell main() -> Null
  let x = 1
  assert x == 2
  print("after")
end
`;
    const ir = lower('test.lm', new Map([['test.lm', assertSrc]]));
    const id = ir.checks.find((c) => c.kind === 'assertion')!.id;
    expect(runMain(compileProgram(ir), { stdout: () => {} }).kind).toBe('check-failed');
    const out: string[] = [];
    expect(runMain(compileProgram(ir, { proved: new Set([id]) }), { stdout: (l) => out.push(l) }).kind).toBe('ok');
    expect(out).toEqual(['after']);
  });
});
