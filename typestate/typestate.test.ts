// Typestate as ghost state: hidden state parameters and arguments, `state(f)`
// rewritten everywhere, run-time enforcement on the VM, and the verdicts and
// counterexamples of protocol violations, within a cell and across cells.

import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/index.js';
import { confirmReport } from '../counterexamples/confirm.js';
import type { IrExpr, IrStmt } from '../frontend/ir.js';
import { visitBlock } from '../ownership/irkit.js';
import { compileSource, lineOf, statementsOf, TYPESTATE_KINDS, type CompiledSource } from '../ownership/testkit.js';
import { createSolver } from '../verifier/solver/index.js';
import type { CheckResult } from '../verifier/verify.js';
import { verifyProgram } from '../verifier/verify.js';
import { runMain } from '../vm/index.js';
import { instrumentTypestate } from './index.js';

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

function exprsOf(c: CompiledSource, cell: string): IrExpr[] {
  const out: IrExpr[] = [];
  const body = c.ir.cells.get(cell)!.body;
  if (body) visitBlock(body, { expr: (e) => out.push(e) });
  return out;
}

const FILE = `
record File
  path: String
end

typestate File
  states Closed, Open
  initial Closed
  final Closed
  open(f): Closed -> Open
  read(f): Open -> Open
  close(f): Open -> Closed
  try_open(f): Closed -> Open if result, Closed otherwise
end

extern cell open(f: mut ref File) -> Null
extern cell try_open(f: mut ref File) -> Bool
extern cell read(f: mut ref File) -> String
extern cell close(f: mut ref File) -> Null
`;

/** The same protocol with transitions that have bodies, so programs run on the VM. */
const FILE_WITH_BODIES = `
record File
  path: String
end

typestate File
  states Closed, Open
  initial Closed
  final Closed
  open(f): Closed -> Open
  read(f): Open -> Open
  close(f): Open -> Closed
end

cell open(f: mut ref File) -> Null
  f = File(path: f.path)
end

cell read(f: mut ref File) -> String
  f.path
end

cell close(f: mut ref File) -> Null
  f = File(path: f.path)
end
`;

const READ_ALL = `
cell read_all(f: mut ref File, times: Int where times >= 0 and times <= 10) -> Int
  requires state(f) == Open
  ensures state(f) == Open
  let mut n = 0
  for i in 0..times
    invariant state(f) == Open and n <= 1000 * i
    n += min(len(read(mut ref f)), 1000)
  end
  n
end
`;

describe('signatures', () => {
  it('leaves a program without typestates untouched', () => {
    const c = compileSource('cell f(x: Int) -> Int\n  x\nend\n');
    expect(instrumentTypestate(c.lowered, c.program)).toBe(c.lowered);
  });

  it('adds a hidden `mut ref` state parameter to a cell that borrows a tracked value', () => {
    const c = compileSource(FILE + READ_ALL);
    const cell = c.ir.cells.get('read_all')!;
    expect(cell.params.map((p) => `${p.v.name}:${p.mode}${p.ghost ? `:${p.ghost}:${p.ghostOf}` : ''}`)).toEqual([
      'f:mutref',
      'times:value',
      'state(f):mutref:typestate:0',
    ]);
    expect(cell.oldVars.has(cell.params[2]!.v.id)).toBe(true);
    expect(cell.requires.map((r) => r.text)).toEqual(['times >= 0 and times <= 10', 'state(f) == Open', '-1 <= state(f) and state(f) < 2']);
  });

  it('gives a transition cell a plain state parameter whose entry state is one of its sources', () => {
    const c = compileSource(FILE);
    const read = c.ir.cells.get('read')!;
    expect(read.params.map((p) => `${p.v.name}:${p.mode}`)).toEqual(['f:mutref', 'state(f):value']);
    expect(read.requires.map((r) => r.text)).toEqual(['state(f) == Open']);
  });

  it('leaves no `state(f) == S` node behind: contracts, invariants and call sites compare the ghost variable', () => {
    const c = compileSource(FILE + READ_ALL);
    const found: IrExpr[] = [];
    for (const cell of c.ir.cells.values()) {
      const probe = (e: IrExpr): void => visitBlock({ stmts: [], value: e, span: e.span }, { expr: (x) => x.kind === 'StateIs' && found.push(x) });
      [...cell.requires, ...cell.ensures].forEach((cl) => probe(cl.cond));
      if (cell.body) visitBlock(cell.body, { expr: (x) => x.kind === 'StateIs' && found.push(x) });
    }
    expect(found).toEqual([]);
  });
});

describe('call sites', () => {
  it('passes the state along and receives it back from a `mut ref` callee', () => {
    const c = compileSource(`${FILE}${READ_ALL}
cell use(path: String) -> Int
  let mut f = File(path: path)
  open(mut ref f)
  let n = read_all(mut ref f, 3)
  close(mut ref f)
  n
end
`);
    const calls = exprsOf(c, 'use').filter((e): e is Extract<IrExpr, { kind: 'Call' }> => e.kind === 'Call');
    const readAll = calls.find((x) => x.cell === 'read_all')!;
    expect(readAll.args.length).toBe(3);
    const last = readAll.args[2]!;
    expect(last.kind === 'Var' && last.v.name).toBe('state(f)');
    expect(readAll.mutRefs.map((m) => `${m.arg}:${m.v.name}`)).toEqual(['0:f', '2:state(f)']);
    const open = calls.find((x) => x.cell === 'open')!;
    expect(open.mutRefs.map((m) => m.v.name)).toEqual(['f']);
  });

  it('checks the source state before a transition and sets the target after it, all compiled ghost code', () => {
    const c = compileSource(`${FILE}
cell once(path: String) -> Null
  let mut f = File(path: path)
  open(mut ref f)
  close(mut ref f)
end
`);
    const stmts = statementsOf(c.ir.cells.get('once')!);
    const ghost = stmts.filter((s): s is IrStmt & { ghost?: string } => 'ghost' in s && s.ghost === 'typestate');
    const shown = ghost.map((s) =>
      s.kind === 'Check' ? `check ${c.ir.checks[s.check]!.kind}` : s.kind === 'Let' || s.kind === 'Assign' ? `${s.kind} ${s.v.name}` : s.kind,
    );
    expect(shown).toEqual([
      'Let state(f)',
      'check typestate-transition',
      'Assign state(f)',
      'check typestate-transition',
      'Assign state(f)',
      'check typestate-final',
    ]);
  });
});

describe('run time', () => {
  it('enforces an unproved transition on the VM', () => {
    const c = compileSource(`${FILE_WITH_BODIES}
cell main() -> Null
  let mut f = File(path: "a")
  open(mut ref f)
  print(read(mut ref f))
  close(mut ref f)
  print(read(mut ref f))
end
`);
    const out: string[] = [];
    const run = runMain(compileProgram(c.ir, { proved: new Set() }), { stdout: (l) => out.push(l) });
    expect(out).toEqual(['a']);
    expect(run.kind === 'check-failed' && run.checkKind).toBe('typestate-transition');
  });

  it('elides proved typestate checks', () => {
    const c = compileSource(`${FILE_WITH_BODIES}
cell main() -> Null
  let mut f = File(path: "a")
  open(mut ref f)
  print(read(mut ref f))
  close(mut ref f)
end
`);
    const ids = new Set(c.ir.checks.filter((x) => TYPESTATE_KINDS.includes(x.kind)).map((x) => x.id));
    const prog = compileProgram(c.ir, { proved: ids });
    expect(prog.chunks.flatMap((ch) => ch.sites.map((s) => s.check)).filter((id) => ids.has(id))).toEqual([]);
    const out: string[] = [];
    expect(runMain(prog, { stdout: (l) => out.push(l) }).kind).toBe('ok');
    expect(out).toEqual(['a']);
  });
});

describe('verdicts', () => {
  it('proves result-dependent transitions and a protocol loop with a state invariant', async () => {
    const { c, results } = await verify(`${FILE}${READ_ALL}
cell first_line(path: String) -> String
  let mut f = File(path: path)
  let mut line = ""
  if try_open(mut ref f)
    line = read(mut ref f)
    close(mut ref f)
  end
  line
end
`);
    expect(verdicts(c, results)).toEqual([]);
  });

  it('refutes a call in the wrong state with the path that reaches it', async () => {
    const { c, results } = await verify(`${FILE}
cell read_after_close(path: String, again: Bool) -> String
  let mut f = File(path: path)
  open(mut ref f)
  let a = read(mut ref f)
  close(mut ref f)
  if again
    return a ++ read(mut ref f)
  end
  a
end
`);
    expect(verdicts(c, results)).toEqual(['refuted typestate-transition line 27']);
    const r = results.find((x) => x.verdict.kind === 'refuted')!;
    if (r.verdict.kind !== 'refuted') throw new Error('not refuted');
    expect(Object.fromEntries(r.verdict.counterexample.inputs.map((i) => [i.name, i.value]))).toMatchObject({ again: 'true' });
    expect(r.verdict.confirmed).toBe(true);
    const states = r.verdict.counterexample.path.flatMap((s) => s.values.filter((v) => v.name === 'state(f)').map((v) => v.value));
    expect(states).toEqual(['0', '1', '1', '0']);
  });

  it('refutes a value dropped in a non-final state at the line that introduces it', async () => {
    const { c, results } = await verify(`${FILE}
cell forget_to_close(path: String, quick: Bool) -> String
  let mut f = File(path: path)
  open(mut ref f)
  let a = read(mut ref f)
  if quick
    return a
  end
  close(mut ref f)
  a
end
`);
    expect(verdicts(c, results)).toEqual(['refuted typestate-final line 22']);
  });

  it('replays a violation on the VM when the transitions have bodies', async () => {
    const { c, results } = await verify(`${FILE_WITH_BODIES}
cell twice(path: String, again: Bool) -> Null
  let mut f = File(path: path)
  open(mut ref f)
  if again
    open(mut ref f)
  end
  close(mut ref f)
end
`);
    expect(verdicts(c, results)).toEqual(['refuted typestate-transition line 31']);
    const r = results.find((x) => x.verdict.kind === 'refuted')!;
    expect(r.verdict.kind === 'refuted' && r.verdict.confirmed && r.verdict.note === undefined).toBe(true);
  });

  it('uses a helper’s contract on the state across cells, and refutes a caller that breaks it', async () => {
    const helper = `
cell prepare(f: mut ref File) -> Null
  requires state(f) == Closed
  ensures state(f) == Open
  open(mut ref f)
end
`;
    const ok = await verify(`${FILE_WITH_BODIES}${helper}
cell run(path: String) -> String
  let mut f = File(path: path)
  prepare(mut ref f)
  let s = read(mut ref f)
  close(mut ref f)
  s
end
`);
    expect(verdicts(ok.c, ok.results)).toEqual([]);
    const bad = await verify(`${FILE_WITH_BODIES}${helper}
cell run(path: String) -> String
  let mut f = File(path: path)
  prepare(mut ref f)
  prepare(mut ref f)
  let s = read(mut ref f)
  close(mut ref f)
  s
end
`);
    expect(verdicts(bad.c, bad.results)).toEqual(['refuted precondition line 36']);
  });

  it('does not know the state a helper without a contract leaves behind', async () => {
    const { c, results } = await verify(`${FILE_WITH_BODIES}
cell prepare(f: mut ref File) -> Null
  requires state(f) == Closed
  open(mut ref f)
end

cell run(path: String) -> Null
  let mut f = File(path: path)
  prepare(mut ref f)
  close(mut ref f)
end
`);
    expect(verdicts(c, results)).toEqual(['refuted typestate-transition line 35']);
  });
});
