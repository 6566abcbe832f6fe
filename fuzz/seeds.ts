// Solver-made seeds: when random inputs almost never satisfy a cell's
// `requires` (more than 90% rejected), ask the SMT solver for inputs that do,
// and mix them into the generator.
//
// The query reuses the verifier's encoding: the VC of a copy of the cell with
// an empty body is exactly "the parameters, their type facts, the
// refinements and `requires` assumed at entry". Its prelude asserts those
// assumptions under activation literals; asserting the highest one and asking
// for the inputs' values gives a model of the preconditions. Further models
// are steered elsewhere by random hints on one Int input (`x >= 1000`, …);
// a hint that makes the query unsatisfiable just gives no model.

import type { BytecodeProgram } from '../backend/index.js';
import { UNBUILDABLE, toVmValue } from '../counterexamples/replay.js';
import type { IrCell, IrProgram } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import { SortRegistry } from '../verifier/encode.js';
import type { ModelValue } from '../verifier/smtlib/model.js';
import { printCommand, printIntLiteral, printSort, printTerm } from '../verifier/smtlib/printer.js';
import type { SolverBackend, SolverQuery } from '../verifier/solver/types.js';
import { generateCellVC, PRELUDE_FUNCTIONS, type CellVC } from '../verifier/vcgen.js';
import { formatLiteral, int64, Struct, type Value } from '../vm/index.js';

export interface SeedOptions {
  readonly solver: SolverBackend;
  readonly timeoutMs: number;
  /** How many models to ask for (the first without a hint). */
  readonly count: number;
  /** A deterministic source of numbers in [0, 1), for the hints. */
  readonly random: () => number;
}

const PIVOTS = [0n, 1n, 10n, 100n, 1000n, 10n ** 6n, 10n ** 9n, 10n ** 12n, 10n ** 18n];

/** Up to `count` argument lists satisfying the cell's preconditions (fewer when the solver finds fewer or fails). */
export async function solverSeeds(ir: IrProgram, cell: IrCell, prog: BytecodeProgram, types: readonly Type[], opts: SeedOptions): Promise<Value[][]> {
  const entryOnly: IrCell = { ...cell, body: { stmts: [], value: null, span: cell.span }, ensures: [], decreases: null };
  const sorts = new SortRegistry(ir);
  let vc: CellVC;
  try {
    vc = generateCellVC(ir, entryOnly, sorts, { kind: 'havoc' });
  } catch {
    return [];
  }
  const prelude = buildPrelude(vc, sorts);
  const getValues = vc.inputs.map((x) => printTerm(x.term));
  const ints = vc.inputs.filter((x) => x.type.kind === 'Int').map((x) => printTerm(x.term));
  const queries: SolverQuery[] = [];
  for (let k = 0; k < (ints.length > 0 ? opts.count : 1); k++) {
    const body = [`(assert act!${vc.levels - 1})`];
    if (k > 0) body.push(hint(ints, opts.random));
    queries.push({ id: `seed.${k}`, body: body.join('\n'), getValues });
  }
  // A fresh solver context (runScript forgets the loaded prelude), so that the
  // models, and with them the campaign, depend only on the program and the seed.
  await opts.solver.runScript('(check-sat)', opts.timeoutMs);
  const answers = await opts.solver.run(prelude, queries, { timeoutMs: opts.timeoutMs });
  const seeds: Value[][] = [];
  const seen = new Set<string>();
  for (const a of answers) {
    if (a.status !== 'sat' || a.values.length !== types.length) continue;
    const args = a.values.map((raw, i) => modelToValue(raw, types[i]!, prog));
    if (!args.every((x): x is Value => x !== undefined)) continue;
    const key = args.map((x, i) => formatLiteral(x, types[i]!)).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    seeds.push(args);
  }
  return seeds;
}

/** `(assert (>= x 1000))` and the like, on a random Int input: steers the solver to other models. */
function hint(ints: readonly string[], random: () => number): string {
  const x = ints[Math.floor(random() * ints.length)]!;
  const magnitude = PIVOTS[Math.floor(random() * PIVOTS.length)]!;
  const pivot = random() < 0.5 ? -magnitude : magnitude;
  const op = random() < 0.5 ? '>=' : '<=';
  return `(assert (${op} ${x} ${printIntLiteral(pivot)}))`;
}

/** The VM value of a model value, or undefined when it cannot be built or an Int leaves the 64-bit range. */
function modelToValue(raw: ModelValue, t: Type, prog: BytecodeProgram): Value | undefined {
  const v = toVmValue(raw, t, prog);
  if (v === UNBUILDABLE) return undefined;
  return intsFit(v) ? v : undefined;
}

function intsFit(v: Value): boolean {
  if (typeof v === 'bigint') return int64.fits64(v);
  if (Array.isArray(v)) return v.every(intsFit);
  if (v instanceof Struct) return v.f.every(intsFit);
  return true;
}

/**
 * The prelude of a cell's queries, as verifier/verify.ts builds it (that
 * function is private there; this copy must follow it).
 */
function buildPrelude(vc: CellVC, sorts: SortRegistry): string {
  const out: string[] = ['(set-option :produce-models true)'];
  const { datatypes, sorts: uninterpreted } = sorts.declarations();
  for (const s of uninterpreted) out.push(`(declare-sort ${s} 0)`);
  if (datatypes.length > 0) out.push(printCommand({ kind: 'DeclareDatatypes', datatypes }));
  out.push(PRELUDE_FUNCTIONS.trim());
  for (const c of vc.pureCommands) out.push(printCommand(c));
  for (const [name, fn] of vc.functions) out.push(`(declare-fun ${name} (${fn.params.map(printSort).join(' ')}) ${printSort(fn.sort)})`);
  for (const d of vc.declarations) out.push(printCommand(d));
  for (let l = 0; l < vc.levels; l++) {
    out.push(`(declare-const act!${l} Bool)`);
    if (l > 0) out.push(`(assert (=> act!${l} act!${l - 1}))`);
  }
  for (const d of vc.definitions) out.push(`(assert ${printTerm(d)})`);
  for (const [level, fact] of vc.assumptions) out.push(`(assert (=> act!${level} ${printTerm(fact)}))`);
  return out.join('\n');
}
