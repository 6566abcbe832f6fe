// The lowering of refinements nested inside other types (a refined alias used
// as a type argument: `list[Nat]`, `Small?`, `(Nat, Int)`): which clauses and
// checks it creates, with which kind and text — and that types without nested
// refinements get none at all.

import { describe, expect, it } from 'vitest';
import { checkFile, lowerProgram, memoryHost, type CheckKind, type IrProgram } from './index.js';

function lower(text: string): IrProgram {
  const checked = checkFile('test.lm', memoryHost(new Map([['test.lm', text]])));
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.message)).toEqual([]);
  return lowerProgram(checked.program!);
}

const ALIASES = `
type Nat = Int where self >= 0
type Small = Int where self >= 0 and self <= 10
`;

function checksOf(ir: IrProgram, kind?: CheckKind): string[] {
  return ir.checks.filter((c) => kind === undefined || c.kind === kind).map((c) => `${c.cell}: ${c.expr}`);
}

describe('nested refinements: parameters and results', () => {
  it('turn into refinement clauses over the parts of the value', () => {
    const ir = lower(`${ALIASES}
cell f(xs: list[Nat], o: Small?, p: (Nat, Int), xss: list[list[Nat]]) -> list[Small]
  []
end
`);
    const f = ir.cells.get('f')!;
    expect(f.requires.map((r) => [r.origin, r.text])).toEqual([
      ['refinement', 'forall x in xs => x >= 0'],
      ['refinement', 'o == null or o >= 0 and o <= 10'],
      ['refinement', 'p.0 >= 0'],
      ['refinement', 'forall x in xss => forall y in x => y >= 0'],
    ]);
    expect(f.ensures.map((r) => [r.origin, r.text])).toEqual([['refinement', 'forall x in result => x >= 0 and x <= 10']]);
    expect(f.requires[0]!.cond.kind).toBe('Quant');
  });

  it('are obligations at call sites, with the check kind `refinement`', () => {
    const ir = lower(`${ALIASES}
cell total(xs: list[Nat]) -> Int
  len(xs)
end

cell caller() -> Int
  total([1, -2])
end
`);
    expect(checksOf(ir, 'refinement')).toEqual(['caller: forall x in xs => x >= 0']);
  });

  it('keep the refinements of a type argument of a generic alias', () => {
    const ir = lower(`${ALIASES}
type Pair[T] = (T, T)

cell f(p: Pair[Nat]) -> Int
  0
end
`);
    expect(ir.cells.get('f')!.requires.map((r) => r.text)).toEqual(['p.0 >= 0 and p.1 >= 0']);
  });

  it('are neither checked nor assumed inside maps and results (no IR form quantifies over them)', () => {
    const ir = lower(`${ALIASES}
cell f(m: map[String, Nat], r: result[Nat, String]) -> Int
  0
end
`);
    expect(ir.cells.get('f')!.requires).toEqual([]);
  });
});

describe('nested refinements: no cost without them', () => {
  it('adds no clause, check or loop fact to a program whose types have no refined parts', () => {
    const ir = lower(`
record Bag
  items: list[Int]
end

enum Shape
  Circle(r: Int)
  Empty
end

cell f(xs: list[Int], o: Int?, p: (Int, Int), b: Bag) -> list[Int]
  let mut out: list[Int] = []
  for x in xs
    out = push(out, x)
  end
  let s = Circle(1)
  let c = Bag(items: out)
  out[0] = 1
  out
end
`);
    const f = ir.cells.get('f')!;
    expect(f.requires).toEqual([]);
    expect(f.ensures).toEqual([]);
    expect(ir.records.get('Bag')!.invariants).toEqual([]);
    expect(ir.enums.get('Shape')!.variants.every((v) => v.invariants === undefined)).toBe(true);
    expect(checksOf(ir, 'refinement')).toEqual([]);
    const loop = f.body!.stmts.find((s) => s.kind === 'While');
    expect(loop?.kind === 'While' && loop.facts.length).toBe(2);
  });
});

describe('nested refinements: records, enums and locals', () => {
  it('a record field `items: list[Small]` is part of the record invariant and checked at construction', () => {
    const ir = lower(`${ALIASES}
record Bag
  items: list[Small]
end

cell make(n: Int) -> Bag
  Bag(items: [n])
end
`);
    expect(ir.records.get('Bag')!.invariants.map((c) => [c.origin, c.text])).toEqual([['refinement', 'forall x in items => x >= 0 and x <= 10']]);
    expect(checksOf(ir, 'refinement')).toEqual(['make: forall x in items => x >= 0 and x <= 10']);
  });

  it('a variant payload carries its refinements, checked at construction', () => {
    const ir = lower(`${ALIASES}
enum Found
  Some(v: list[Nat])
  One(Small)
  Nothing
end

cell make(n: Int) -> Found
  if n > 0
    return One(n)
  end
  Some([n])
end
`);
    const variants = ir.enums.get('Found')!.variants;
    expect(variants.map((v) => v.invariants?.map((c) => c.text))).toEqual([['forall x in v => x >= 0'], ['One.0 >= 0 and One.0 <= 10'], undefined]);
    expect(checksOf(ir, 'refinement')).toEqual(['make: n >= 0 and n <= 10', 'make: forall x in v => x >= 0']);
  });

  it('a `let mut` list checks every update: a self-push only the new element', () => {
    const ir = lower(`${ALIASES}
cell f(n: Int) -> Int
  let mut xs: list[Nat] = []
  xs = push(xs, n)
  xs[0] = n
  xs = [n]
  0
end
`);
    expect(checksOf(ir, 'refinement')).toEqual([
      'f: forall x in xs => x >= 0',
      'f: n >= 0',
      'f: xs[0] >= 0',
      'f: forall x in xs => x >= 0',
    ]);
  });

  it('a loop-carried refined local is assumed at the loop head, unless it is passed `mut ref`', () => {
    const ir = lower(`${ALIASES}
cell touch(xs: mut ref list[Int]) -> Null
  null
end

cell f(n: Int) -> Int
  let mut xs: list[Nat] = []
  let mut ys: list[Nat] = []
  for i in 0..n
    xs = push(xs, i)
    ys = push(ys, i)
    touch(mut ref ys)
  end
  0
end
`);
    const loop = ir.cells.get('f')!.body!.stmts.find((s) => s.kind === 'While');
    if (loop?.kind !== 'While') throw new Error('no loop');
    // `lo <= i`, `i <= hi or i == lo`, then the refinement of `xs` only.
    expect(loop.facts.length).toBe(3);
    expect(loop.facts[2]!.kind).toBe('Quant');
  });
});
