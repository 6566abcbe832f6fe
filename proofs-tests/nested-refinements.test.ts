// Refinements nested inside other types (`list[Nat]`, `Small?`, `(Nat, Small)`,
// record fields and variant payloads of such types) at run time: with every
// check kept (nothing proved, as `lumen run --no-verify` does), a value that
// breaks one traps with the `refinement` check, on the VM and on WebAssembly
// alike; values that satisfy them run to the end. The verdicts of the same
// constructs are in corpus/nested_refinements/.

import { describe, expect, it } from 'vitest';
import { lowerSource, runOnVm, runOnWasm } from '../backend/wasm/testkit.js';

const NONE: ReadonlySet<number> = new Set();

const PRELUDE = `
type Nat = Int where self >= 0
type Small = Int where self >= 0 and self <= 10

record Bag
  items: list[Small]
end

enum Found
  Some(v: list[Nat])
  Nothing
end

cell total(xs: list[Nat]) -> Int
  len(xs)
end

cell pick(o: list[Small]?) -> Int
  if o == null
    return 0
  end
  len(o)
end

cell pair(p: (Nat, Small)) -> Int
  p.0 + p.1
end

cell deep(xss: list[list[Nat]]) -> Int
  len(xss)
end

cell shifted(xs: list[Int]) -> list[Nat]
  let mut out: list[Int] = []
  for x in xs
    out = push(out, x - 1)
  end
  out
end
`;

/** `main` bodies that break a nested refinement, each on its own line 2 of `main`. */
const BAD: Record<string, string> = {
  'a list argument': 'print(total([1, -5]))',
  'an optional argument': 'print(pick([1, 11]))',
  'a tuple argument': 'print(pair((1, 11)))',
  'a nested list argument': 'print(deep([[1], [2, -3]]))',
  'a record field': 'print(len(Bag(items: [3, 12]).items))',
  'a variant payload': 'let f = Some([1, -1])',
  'a return value': 'print(len(shifted([5, 0])))',
  'a let': 'let ys: list[Nat] = [0, -1]',
  'an element update': 'let mut ys: list[Nat] = [0, 1]\n  ys[1] = -1',
  'a push': 'let mut ys: list[Nat] = []\n  ys = push(ys, -2)',
};

function program(body: string): string {
  return `${PRELUDE}\ncell main() -> Null\n  ${body}\n  print("done")\nend\n`;
}

describe('nested refinements at run time, VM and WebAssembly', () => {
  for (const [what, body] of Object.entries(BAD)) {
    it(`${what} that breaks one fails the refinement check on both`, () => {
      const ir = lowerSource(program(body));
      const vm = runOnVm(ir, NONE);
      const wasm = runOnWasm(ir, NONE);
      expect(vm.kind).toBe('check-failed');
      expect(ir.checks[vm.check!]!.kind).toBe('refinement');
      expect(wasm).toEqual(vm);
      expect(vm.out).not.toContain('done');
    });
  }

  it('values that satisfy them run to the end on both', () => {
    const ir = lowerSource(
      program(
        [
          'print(total([1, 5]) + pick(null) + pick([10]) + pair((4, 3)) + deep([[1], []]))',
          'let f = Some([1, 0])',
          'let mut ys: list[Nat] = [0, 1]',
          'ys[1] = 7',
          'ys = push(ys, 2)',
          'print(len(Bag(items: [3, 10]).items) + len(shifted([5, 1])) + total(ys))',
        ].join('\n  '),
      ),
    );
    const vm = runOnVm(ir, NONE);
    const wasm = runOnWasm(ir, NONE);
    expect(vm.kind).toBe('ok');
    expect(vm.out).toEqual(['12', '7', 'done']);
    expect(wasm).toEqual(vm);
  });

  // The WebAssembly backend has no \`Int?\` yet: the VM alone.
  it('an `Int?` part (`Small?`) is checked on the VM', () => {
    const cell = `${PRELUDE}
cell small(o: Small?) -> Int
  if o == null
    return 0
  end
  o
end
`;
    const bad = lowerSource(`${cell}\ncell main() -> Null\n  print(small(null) + small(10))\n  print(small(11))\nend\n`);
    const vm = runOnVm(bad, NONE);
    expect(vm.kind).toBe('check-failed');
    expect(bad.checks[vm.check!]!.kind).toBe('refinement');
    expect(vm.out).toEqual(['10']);
  });
});
