// Ownership as ghost state: the shape of the instrumented IR (ghost flags,
// check descriptions, ids), what the backend makes of it (nothing), the
// verdicts and counterexamples the verifier derives from it, and the rule-3
// type errors.

import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/index.js';
import type { CheckResult } from '../verifier/verify.js';
import { verifyProgram } from '../verifier/verify.js';
import { createSolver } from '../verifier/solver/index.js';
import { confirmReport } from '../counterexamples/confirm.js';
import type { IrExpr, IrStmt, IrVar } from '../frontend/ir.js';
import { runMain } from '../vm/index.js';
import { visitBlock } from './irkit.js';
import { compileSource, diagnosticsOf, lineOf, OWNERSHIP_KINDS, statementsOf, type CompiledSource } from './testkit.js';

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

async function verify(source: string): Promise<{ c: CompiledSource; results: readonly CheckResult[] }> {
  const c = compileSource(source);
  const report = confirmReport(c.ir, await verifyProgram(c.ir, { solver, timeoutMs: 4000 }));
  return { c, results: report.results };
}

function verdicts(c: CompiledSource, results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.verdict.kind !== 'proved').map((r) => `${r.verdict.kind} ${r.check.kind} line ${lineOf(c, r.check)}`);
}

function inputs(r: CheckResult | undefined): Record<string, string> {
  if (!r || r.verdict.kind !== 'refuted') return {};
  return Object.fromEntries(r.verdict.counterexample.inputs.map((i) => [i.name, i.value]));
}

const TOKEN = `
linear record Token
  id: Int where id >= 0 and id < 1000
end

cell spend(t: owned Token) -> Int where result >= 0 and result < 1000
  let Token(id:) = t
  id
end
`;

describe('the instrumented IR', () => {
  it('adds nothing to a program without moves, linear values or `mut ref` calls', () => {
    const c = compileSource('cell inc(x: Int where x < 100) -> Int\n  x + 1\nend\n');
    expect(c.ir.checks.length).toBe(c.lowered.checks.length);
    const ghosts = statementsOf(c.ir.cells.get('inc')!).filter((s) => 'ghost' in s && s.ghost);
    expect(ghosts).toEqual([]);
  });

  it('appends its checks after the lowering’s, with unique keys and ownership-only ghost code', () => {
    const c = compileSource(`${TOKEN}
cell twice(flag: Bool) -> Int
  let t = Token(id: 1)
  let a = spend(t)
  if flag
    return a + spend(t)
  end
  a
end
`);
    const added = c.ir.checks.slice(c.lowered.checks.length);
    expect(added.length).toBeGreaterThan(0);
    added.forEach((ch, i) => expect(ch.id).toBe(c.lowered.checks.length + i));
    expect(new Set(c.ir.checks.map((x) => x.key)).size).toBe(c.ir.checks.length);
    for (const s of statementsOf(c.ir.cells.get('twice')!)) {
      if (s.kind === 'Check' && OWNERSHIP_KINDS.includes(c.ir.checks[s.check]!.kind)) expect(s.ghost).toBe('ownership');
      if ((s.kind === 'Let' || s.kind === 'Assign') && s.v.name.startsWith('$moved')) expect(s.ghost).toBe('ownership');
    }
    const uses = added.filter((x) => x.kind === 'use-after-move' && x.cell === 'twice');
    expect(uses.map((u) => lineOf(c, u))).toEqual([13, 15]);
    expect(uses[1]!.related.map((r) => r.message)).toEqual(['`t` is moved here']);
  });

  it('keeps variable ids unique across the new ghost variables', () => {
    const c = compileSource(`${TOKEN}
cell loop(n: Int where n >= 0 and n <= 10) -> Int
  let mut t = Token(id: 0)
  let mut s = 0
  for i in 0..n
    s += spend(t)
    t = Token(id: i)
  end
  s + spend(t)
end
`);
    const seen = new Map<number, IrVar>();
    const see = (v: IrVar): void => {
      const prev = seen.get(v.id);
      if (prev) expect(prev).toBe(v);
      seen.set(v.id, v);
    };
    for (const cell of c.ir.cells.values()) {
      cell.params.forEach((p) => see(p.v));
      see(cell.resultVar);
      if (cell.body) {
        visitBlock(cell.body, {
          stmt: (s: IrStmt) => {
            if (s.kind === 'Let' || s.kind === 'Assign') see(s.v);
          },
          expr: (e: IrExpr) => {
            if (e.kind === 'Var') see(e.v);
          },
        });
      }
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it('reports linear-unconsumed at the line that introduces the value, with the exit as related location', () => {
    const c = compileSource(`${TOKEN}
cell leak(flag: Bool) -> Int
  let t = Token(id: 2)
  if flag
    return spend(t)
  end
  0
end
`);
    const leaks = c.ir.checks.filter((x) => x.kind === 'linear-unconsumed' && x.cell === 'leak');
    expect(leaks.length).toBe(2);
    for (const l of leaks) expect(lineOf(c, l)).toBe(12);
    // The callee's own `owned` parameter is checked too, at the parameter.
    const param = c.ir.checks.find((x) => x.kind === 'linear-unconsumed' && x.cell === 'spend')!;
    expect(lineOf(c, param)).toBe(6);
    expect(leaks.map((l) => l.related[0]!.message)).toEqual(['it goes out of scope at this return', 'it goes out of scope at this return']);
  });

  it('pins a flag that rule 5 checks at every iteration end (not loop-carried state)', () => {
    const c = compileSource(`${TOKEN}
cell drain(n: Int where n >= 0 and n <= 10) -> Int
  let mut t = Token(id: 0)
  let mut s = 0
  let mut i = 0
  while i < n
    s += spend(t)
    t = Token(id: i)
    i += 1
  end
  s + spend(t)
end
`);
    const loop = statementsOf(c.ir.cells.get('drain')!).find((s) => s.kind === 'While')!;
    if (loop.kind !== 'While') throw new Error('no loop');
    expect(loop.modified.map((v) => v.name)).not.toContain('$moved(t)');
    expect(loop.modified.map((v) => v.name)).toEqual(expect.arrayContaining(['t', 's', 'i']));
    const iterationEnd = loop.body.stmts[loop.body.stmts.length - 1]!;
    expect(iterationEnd.kind).toBe('Check');
    if (iterationEnd.kind === 'Check') expect(c.ir.checks[iterationEnd.check]!.expr).toBe('moved(t) unchanged by an iteration');
  });

  it('makes borrow-conflict a syntactic condition at the call', () => {
    const c = compileSource(`
cell put(dst: mut ref list[Int], src: ref list[Int]) -> Null
  dst = dst ++ src
end

cell f() -> Int
  let mut xs = [1]
  let ys = [2]
  put(mut ref xs, ref ys)
  put(mut ref xs, ref xs)
  len(xs)
end
`);
    const conds = statementsOf(c.ir.cells.get('f')!)
      .filter((s): s is Extract<IrStmt, { kind: 'Check' }> => s.kind === 'Check' && c.ir.checks[s.check]!.kind === 'borrow-conflict')
      .map((s) => (s.cond.kind === 'Const' && s.cond.value.kind === 'Bool' ? s.cond.value.value : null));
    expect(conds).toEqual([true, false]);
  });
});

describe('the backend', () => {
  it('emits no runtime check for ownership checks, and the program still runs', () => {
    const c = compileSource(`${TOKEN}
cell pick(flag: Bool) -> Int
  let t = Token(id: 7)
  let mut r = 0
  if flag
    r = spend(t)
  end
  if not flag
    r = spend(t) + 1
  end
  r
end

cell main() -> Null
  print(pick(true))
  print(pick(false))
end
`);
    const prog = compileProgram(c.ir, { proved: new Set() });
    const ownershipIds = new Set(c.ir.checks.filter((x) => OWNERSHIP_KINDS.includes(x.kind)).map((x) => x.id));
    expect(ownershipIds.size).toBeGreaterThan(0);
    const siteIds = prog.chunks.flatMap((ch) => ch.sites.map((s) => s.check));
    expect(siteIds.filter((id) => ownershipIds.has(id))).toEqual([]);
    const out: string[] = [];
    const run = runMain(prog, { stdout: (l) => out.push(l) });
    expect(run.kind).toBe('ok');
    expect(out).toEqual(['7', '8']);
  });
});

describe('verdicts', () => {
  it('proves a program that is correct only because two branches exclude each other', async () => {
    const { c, results } = await verify(`${TOKEN}
cell pick(flag: Bool) -> Int
  let t = Token(id: 7)
  let mut r = 0
  if flag
    r = spend(t)
  end
  if not flag
    r = spend(t) + 1
  end
  r
end
`);
    expect(verdicts(c, results)).toEqual([]);
  });

  it('refutes a use after move with the path that reaches it, confirmed by the exact path', async () => {
    const { c, results } = await verify(`${TOKEN}
cell twice(flag: Bool) -> Int
  let t = Token(id: 1)
  let a = spend(t)
  if flag
    return a + spend(t)
  end
  a
end
`);
    expect(verdicts(c, results)).toEqual(['refuted use-after-move line 15']);
    const r = results.find((x) => x.verdict.kind === 'refuted')!;
    expect(inputs(r)).toEqual({ flag: 'true' });
    if (r.verdict.kind !== 'refuted') throw new Error('not refuted');
    expect(r.verdict.confirmed).toBe(true);
    expect(r.verdict.note).toContain('exact path');
    expect(r.verdict.counterexample.path.map((s) => s.what)).toContain('condition is true');
  });

  it('refutes a leak on the path that skips the consumption', async () => {
    const { c, results } = await verify(`${TOKEN}
cell leak(flag: Bool) -> Int
  let t = Token(id: 2)
  if flag
    return spend(t)
  end
  0
end
`);
    expect(verdicts(c, results)).toEqual(['refuted linear-unconsumed line 12']);
    expect(inputs(results.find((x) => x.verdict.kind === 'refuted'))).toEqual({ flag: 'false' });
  });

  it('orders moves within one expression: only the second spend is a use after move', async () => {
    const { c, results } = await verify(`${TOKEN}
cell greedy() -> Int
  let t = Token(id: 8)
  let a = spend(t) + 1
  a + spend(t)
end
`);
    const uses = results.filter((r) => r.check.kind === 'use-after-move' && r.check.cell === 'greedy');
    expect(uses.map((r) => `${r.verdict.kind} line ${lineOf(c, r.check)}`)).toEqual(['proved line 13', 'refuted line 14']);
  });

  it('reports a move in a loop without reassignment (rule 5) with a two-iteration counterexample', async () => {
    const { c, results } = await verify(`${TOKEN}
cell drain(n: Int where n >= 0 and n <= 10) -> Int
  let t = Token(id: 0)
  let mut s = 0
  let mut i = 0
  while i < n
    s += spend(t)
    i += 1
  end
  s
end
`);
    expect(verdicts(c, results)).toContain('refuted use-after-move line 16');
    const rule5 = results.find((r) => r.check.expr === 'moved(t) unchanged by an iteration')!;
    expect(rule5.verdict.kind).toBe('refuted');
  });

  it('accepts a loop that replaces what it moves, without any invariant about it', async () => {
    const { c, results } = await verify(`${TOKEN}
cell drain(n: Int where n >= 0 and n <= 10) -> Int
  let mut t = Token(id: 0)
  let mut s = 0
  for i in 0..n
    invariant s <= 1000 * i
    s += spend(t)
    t = Token(id: i)
  end
  s + spend(t)
end
`);
    expect(verdicts(c, results)).toEqual([]);
  });
});

describe('rule 3: references are second-class (type errors)', () => {
  it('rejects moving, returning through a branch, storing in a result and copying a borrowed linear value', () => {
    expect(
      diagnosticsOf(`
linear record Token
  id: Int
end

cell keep(xs: owned list[Int]) -> Int
  len(xs)
end

cell a(xs: ref list[Int]) -> Int
  keep(xs)
end

cell b(xs: ref list[Int], c: Bool) -> list[Int]
  if c
    xs
  else
    []
  end
end

cell d(xs: mut ref list[Int]) -> result[list[Int], Int]
  ok(xs)
end

cell e(t: ref Token) -> Int
  let Token(id:) = t
  id
end
`),
    ).toEqual(['E0155 11', 'E0155 16', 'E0155 23', 'E0155 27']);
  });

  it('still allows reading through references and passing them on as references', () => {
    expect(
      diagnosticsOf(`
cell total(xs: ref list[Int]) -> Int
  len(xs)
end

cell twice(xs: ref list[Int]) -> Int
  total(ref xs) + len(xs)
end
`),
    ).toEqual([]);
  });
});
