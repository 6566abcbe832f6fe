// The WebAssembly backend against the VM: the shared examples and the
// programs of testdata/ run on both with identical output and the same
// outcome (same failed check id); host calls of other cells with arguments;
// effects handled by the host; constructs that are not supported yet come
// back as a `WasmUnsupported` value. Nothing is proved here (every check is a
// run-time check) unless a test says so.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IrProgram } from '../../frontend/ir.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
import { sharedExamples } from '../test-programs.js';
import { expectedOutput, lowerFiles, lowerSource, runOnVm, runOnWasm } from './testkit.js';

const EXAMPLES = new URL('../../../shared/examples/', import.meta.url);
const TESTDATA = new URL('./testdata/', import.meta.url);
const NONE: ReadonlySet<number> = new Set();

describe('shared examples: VM and WebAssembly agree', () => {
  for (const { name, files } of sharedExamples()) {
    const text = files.get(name)!;
    if (/^# expect: error/m.test(text)) continue;
    const outputs = expectedOutput(text);
    let ir: IrProgram;
    try {
      ir = lowerFiles(name, files);
    } catch {
      continue;
    }
    if (!ir.cells.has('main')) continue;
    it(`${name}${outputs.length ? ' prints its `# output:` lines' : ''} and ends like the VM`, () => {
      const vm = runOnVm(ir, NONE);
      const wasm = runOnWasm(ir, NONE);
      expect(wasm).toEqual(vm);
      if (outputs.length > 0) {
        expect(wasm.kind).toBe('ok');
        expect(wasm.out).toEqual(outputs);
      }
    });
  }
});

describe('testdata programs: VM and WebAssembly agree', () => {
  const files = readdirSync(TESTDATA).filter((f) => f.endsWith('.lm')).sort();
  it('has programs', () => expect(files.length).toBeGreaterThan(20));
  for (const file of files) {
    const text = readFileSync(new URL(file, TESTDATA), 'utf8');
    const fails = /^# fails: (\S+)/m.exec(text)?.[1];
    it(`${file}: ${fails ? `fails the same \`${fails}\` check` : 'prints its `# output:` lines'}`, () => {
      const ir = lowerSource(text, file);
      const vm = runOnVm(ir, NONE);
      const wasm = runOnWasm(ir, NONE);
      expect(wasm).toEqual(vm);
      expect(wasm.out).toEqual(expectedOutput(text));
      if (fails) {
        expect(wasm.kind).toBe(fails === 'halt' ? 'halt' : 'check-failed');
        expect(ir.checks[wasm.check!]!.kind).toBe(fails);
      } else expect(wasm.kind === 'ok' || wasm.kind === 'halt').toBe(true);
    });
  }
});

describe('host calls with arguments', () => {
  // The counterexamples of the refuted examples, replayed on both backends.
  const replays: { file: string; cell: string; args: unknown[]; kind: string }[] = [
    { file: 'abs.lm', cell: 'my_abs', args: [-(2n ** 63n)], kind: 'overflow' },
    { file: 'average.lm', cell: 'average', args: [[]], kind: 'div-by-zero' },
    { file: 'average.lm', cell: 'average', args: [[2n ** 62n, 2n ** 62n]], kind: 'overflow' },
    { file: 'bounds.lm', cell: 'find_positive', args: [[]], kind: 'index' },
    { file: 'clamp_call_bug.lm', cell: 'scale', args: [5, -1], kind: 'precondition' },
    { file: 'match_gap.lm', cell: 'grade', args: [60], kind: 'match' },
    { file: 'sum_to_bug.lm', cell: 'sum_to', args: [2], kind: 'invariant-preserved' },
    { file: 'termination_bug.lm', cell: 'countdown', args: [1], kind: 'termination' },
  ];
  for (const r of replays) {
    it(`${r.file}: ${r.cell}(…) fails the same ${r.kind} check`, () => {
      const text = readFileSync(new URL(r.file, EXAMPLES), 'utf8');
      const ir = lowerSource(text, r.file);
      const args = r.args as never[];
      const vm = runOnVm(ir, NONE, { cell: r.cell, args });
      const wasm = runOnWasm(ir, NONE, { cell: r.cell, args });
      expect(wasm).toEqual(vm);
      expect(wasm.kind).toBe('check-failed');
      expect(ir.checks[wasm.check!]!.kind).toBe(r.kind);
    });
  }

  it('returns structured values and takes them as arguments', () => {
    const ir = lowerSource(`
record P
  name: String
  tags: list[String]
end

enum T
  Leaf(v: Int)
  Node(l: T, r: T)
end

cell sum(t: T) -> Int
  match t
    Leaf(v) -> v
    Node(l, r) -> sum(l) + sum(r)
  end
end

cell tree(n: Int) -> T
  if n <= 0
    Leaf(1)
  else
    Node(tree(n - 1), Leaf(n))
  end
end

cell rename(p: P, s: String) -> P
  P(..p, name: p.name ++ s)
end
`);
    const vmTree = runOnVm(ir, NONE, { cell: 'tree', args: [3] });
    expect(runOnWasm(ir, NONE, { cell: 'tree', args: [3] })).toEqual(vmTree);
    // A value decoded from WASM memory is a VM value: feed it back in.
    const m = compileWasm(ir, { proved: NONE, entries: ['tree', 'sum', 'rename'] });
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const loaded = loadWasm(m.module);
    const t = runWasmModule(loaded, {}, 'tree', [4]);
    expect(t.kind).toBe('ok');
    if (t.kind !== 'ok') return;
    expect(runWasmModule(loaded, {}, 'sum', [t.value])).toEqual({ kind: 'ok', value: 11 });
    const p = runWasmModule(loaded, {}, 'rename', [{ d: { kind: 'record', name: 'P', display: 'P', fieldNames: ['name', 'tags'] }, tag: 0, f: ['ü', ['x']] } as never, '!']);
    expect(p).toMatchObject({ kind: 'ok', value: { f: ['ü!', ['x']] } });
  });

  it('effects not handled by the program go to the host, or are reported unhandled', () => {
    const src = `
effect Ask
  cell number(prompt: String) -> Int
end

cell twice() -> Int / {Ask}
  perform Ask.number("a") + perform Ask.number("b")
end
`;
    const ir = lowerSource(src);
    const effects = (_e: string, _op: string, args: unknown[]): never => (args[0] === 'a' ? 1 : 2) as never;
    expect(runOnWasm(ir, NONE, { cell: 'twice', effects })).toEqual(runOnVm(ir, NONE, { cell: 'twice', effects }));
    expect(runOnWasm(ir, NONE, { cell: 'twice', effects })).toMatchObject({ kind: 'ok', value: '3' });
    expect(runOnWasm(ir, NONE, { cell: 'twice' })).toEqual(runOnVm(ir, NONE, { cell: 'twice' }));
    expect(runOnWasm(ir, NONE, { cell: 'twice' })).toMatchObject({ kind: 'effect-unhandled', detail: 'Ask.number' });
  });

  it('extern cells are host imports', () => {
    const ir = lowerSource(`
extern cell now_ms() -> Int where result >= 0

cell main() -> Null
  print(now_ms() + 1)
end
`);
    const externs = (cell: string): never => (cell === 'now_ms' ? 41 : undefined) as never;
    expect(runOnWasm(ir, NONE, { externs })).toEqual(runOnVm(ir, NONE, { externs }));
    expect(runOnWasm(ir, NONE, { externs }).out).toEqual(['42']);
    expect(runOnWasm(ir, NONE).kind).toBe('error');
  });

  it('deep recursion ends in depth-exceeded, not a crash', () => {
    const ir = lowerSource(`
cell down(n: Int) -> Int
  if n == 0
    0
  else
    1 + down(n - 1)
  end
end
`);
    expect(runOnWasm(ir, NONE, { cell: 'down', args: [10_000_000] }).kind).toBe('depth-exceeded');
    expect(runOnWasm(ir, NONE, { cell: 'down', args: [1000] })).toMatchObject({ kind: 'ok', value: '1000' });
  });
});

describe('constructs the backend does not support yet', () => {
  const cases: { name: string; src: string; construct: RegExp }[] = [
    {
      name: 'a general union type',
      src: `
cell pick(b: Bool) -> Int | String
  if b
    1
  else
    "one"
  end
end

cell main() -> Null
  print(pick(true))
end
`,
      construct: /union type `Int \| String`/,
    },
    {
      name: 'a handler that does not resume',
      src: `
effect Ask
  cell number() -> Int
end

cell main() -> Null
  let r = handle
    perform Ask.number()
  with
    Ask.number() => 99
  end
  print(r)
end
`,
      construct: /handler for `Ask.number` that does not always `resume`/,
    },
    {
      name: 'a handler that uses a variable of the enclosing cell',
      src: `
effect Ask
  cell number() -> Int
end

cell main() -> Null
  let k = 5
  let r = handle
    perform Ask.number()
  with
    Ask.number() => resume(k)
  end
  print(r)
end
`,
      construct: /uses `k` of the enclosing cell/,
    },
    {
      name: 'a generic cell',
      src: `
cell first[T](xs: list[T]) -> T
  requires len(xs) > 0
  xs[0]
end

cell main() -> Null
  print(first([3, 4]))
end
`,
      construct: /generic cells \(a call of `first`\)/,
    },
    {
      name: 'an optional Int',
      src: `
cell find(xs: list[Int]) -> Int?
  if len(xs) > 0
    xs[0]
  else
    null
  end
end

cell main() -> Null
  print(find([1]))
end
`,
      construct: /union type `Int \| Null`/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: a WasmUnsupported value naming it, with the cell and a span`, () => {
      const ir = lowerSource(c.src);
      const r = compileWasm(ir, { proved: NONE });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.kind).toBe('wasm-unsupported');
      expect(r.error.message).toMatch(c.construct);
      expect(r.error.message).toMatch(/does not support/);
      expect(r.error.cell).not.toBe('');
    });
  }

  it('an unsupported construct in a cell main never calls does not matter', () => {
    const ir = lowerSource(`
cell unused(b: Bool) -> Int | String
  if b
    1
  else
    "x"
  end
end

cell main() -> Null
  print("fine")
end
`);
    expect(runOnWasm(ir, NONE)).toEqual(runOnVm(ir, NONE));
  });
});
