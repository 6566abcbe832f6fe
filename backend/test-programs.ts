// Programs for the backend and VM tests (test support, not used by the
// compiler): the shared examples as in-memory files, and random programs
// over lists that alias, update, push and append them — the generator shared
// by the VM's compiling-tier tests and the VM-vs-WebAssembly differential
// tests, each with its own variations.

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';

const EXAMPLES = new URL('../../shared/examples/', import.meta.url);

/** Every shared example (`.lm`, `.lm.md`) as one file, plus `modules/` as one program rooted at `main.lm`; sorted by name. */
export function sharedExamples(): { name: string; files: Map<string, string> }[] {
  const out: { name: string; files: Map<string, string> }[] = [];
  for (const entry of readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (entry.isFile() && (entry.name.endsWith('.lm') || entry.name.endsWith('.lm.md'))) {
      out.push({ name: entry.name, files: new Map([[entry.name, readFileSync(new URL(entry.name, EXAMPLES), 'utf8')]]) });
    }
  }
  const mods = new URL('modules/', EXAMPLES);
  const modFiles = new Map<string, string>();
  for (const f of readdirSync(mods)) modFiles.set(f, readFileSync(new URL(f, mods), 'utf8'));
  if (modFiles.has('main.lm')) out.push({ name: 'main.lm', files: modFiles });
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export type ListVar = 'xs' | 'ys';

/** One statement of a random list program; the program starts with `xs = [1, 2]`, `ys = [3]`, `zs = [4]`. */
export type ListOp =
  | { readonly k: 'push'; readonly v: ListVar; readonly n: number }
  | { readonly k: 'alias'; readonly to: ListVar; readonly from: ListVar }
  | { readonly k: 'set'; readonly v: ListVar; readonly i: number; readonly n: number }
  | { readonly k: 'append'; readonly v: ListVar; readonly other: ListVar }
  | { readonly k: 'print'; readonly v: ListVar | 'zs' }
  | { readonly k: 'copy'; readonly from: ListVar; readonly n: number }
  | { readonly k: 'get'; readonly v: ListVar; readonly i: number }
  /** `zs = xs; xs = ys; ys = zs`: buffers move between variables. */
  | { readonly k: 'swap' }
  /** `for k in 0..3` with `let mut t = xs`, the body, `t[0] = k` and `print(t)`. */
  | { readonly k: 'loop'; readonly body: readonly ListOp[] };

export interface ListProgramOptions {
  /** Indices of `set` and `get` range over -index..index. */
  readonly index: number;
  readonly swap: boolean;
  /** `++` inside loops (appending a list to itself three times per iteration can grow it beyond memory). */
  readonly appendInLoops: boolean;
  /** Loops print `k` before updating `t`. */
  readonly printLoopIndex: boolean;
}

/** Random list programs: 1 to 14 statements, loops one level deep with 1 to 5 statements. */
export function listPrograms(opts: ListProgramOptions): fc.Arbitrary<ListOp[]> {
  const v = fc.constantFrom<ListVar>('xs', 'ys');
  const i = fc.integer({ min: -opts.index, max: opts.index });
  const n = fc.integer({ min: 0, max: 99 });
  const ops: fc.Arbitrary<ListOp>[] = [
    fc.record({ k: fc.constant('push' as const), v, n }),
    fc.record({ k: fc.constant('alias' as const), to: v, from: v }),
    fc.record({ k: fc.constant('set' as const), v, i, n }),
    fc.record({ k: fc.constant('append' as const), v, other: v }),
    fc.record({ k: fc.constant('print' as const), v: fc.constantFrom<ListVar | 'zs'>('xs', 'ys', 'zs') }),
    fc.record({ k: fc.constant('copy' as const), from: v, n }),
    fc.record({ k: fc.constant('get' as const), v, i }),
  ];
  if (opts.swap) ops.push(fc.constant({ k: 'swap' as const }));
  const simple = fc.oneof(...ops);
  const inLoop = opts.appendInLoops ? simple : simple.filter((op) => op.k !== 'append');
  return fc.array(
    fc.oneof({ weight: 6, arbitrary: simple }, { weight: 1, arbitrary: fc.array(inLoop, { minLength: 1, maxLength: 5 }).map((body): ListOp => ({ k: 'loop', body })) }),
    { minLength: 1, maxLength: 14 },
  );
}

/** The Lumen source of a list program: `main` runs it, then prints `xs`, `ys` and `zs`. */
export function listProgramSource(ops: readonly ListOp[], opts: Pick<ListProgramOptions, 'printLoopIndex'>): string {
  return `cell main() -> Null\n  let mut xs = [1, 2]\n  let mut ys = [3]\n  let mut zs = [4]\n${renderListOps(ops, '  ', opts.printLoopIndex)}\n  print(xs)\n  print(ys)\n  print(zs)\nend\n`;
}

function renderListOps(ops: readonly ListOp[], indent: string, printLoopIndex: boolean): string {
  return ops
    .map((op) => {
      switch (op.k) {
        case 'push':
          return `${indent}${op.v} = push(${op.v}, ${op.n})`;
        case 'alias':
          return `${indent}${op.to} = ${op.from}`;
        case 'set':
          return `${indent}${op.v}[${op.i}] = ${op.n}`;
        case 'append':
          return `${indent}${op.v} = ${op.v} ++ ${op.other}`;
        case 'print':
          return `${indent}print(${op.v})`;
        case 'copy':
          return `${indent}zs = push(${op.from}, ${op.n})`;
        case 'get':
          return `${indent}print(${op.v}[${op.i}])`;
        case 'swap':
          // Buffers move between variables instead of being copied (compile.ts, movedList).
          return `${indent}zs = xs\n${indent}xs = ys\n${indent}ys = zs`;
        case 'loop': {
          const k = printLoopIndex ? `${indent}  print(k)\n` : '';
          return `${indent}for k in 0..3\n${indent}  let mut t = xs\n${renderListOps(op.body, indent + '  ', printLoopIndex)}\n${k}${indent}  t[0] = k\n${indent}  print(t)\n${indent}end`;
        }
      }
    })
    .join('\n');
}
