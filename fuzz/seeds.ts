// Solver-made seeds: when random inputs almost never satisfy a cell's
// `requires` (more than 90% rejected), ask the SMT solver for inputs that do,
// and mix them into the generator.
//
// The query reuses the verifier's encoding: the VC of a copy of the cell with
// an empty body is exactly "the parameters, their type facts, the
// refinements and `requires` assumed at entry". Its prelude asserts those
// assumptions under activation literals; asserting the highest one and asking
// for the inputs' values gives a model of the preconditions. Further models
// are made distinct by blocking the scalar (Int, Bool) values already seen.
// Each query is a complete script run in a fresh solver context, so that the
// models, and with them the campaign, depend only on the program and the seed.

import type { BytecodeProgram } from '../backend/index.js';
import { toVmValue } from '../counterexamples/replay.js';
import type { IrCell, IrProgram } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import { SortRegistry } from '../verifier/encode.js';
import { readValues, type ModelValue } from '../verifier/smtlib/model.js';
import { printCommand, printIntLiteral, printSort, printTerm } from '../verifier/smtlib/printer.js';
import type { SolverBackend } from '../verifier/solver/types.js';
import { generateCellVC, PRELUDE_FUNCTIONS, type CellVC } from '../verifier/vcgen.js';
import { int64, Struct, type Value } from '../vm/index.js';

export interface SeedOptions {
  readonly solver: SolverBackend;
  readonly timeoutMs: number;
  /** How many distinct models to ask for. */
  readonly count: number;
}

/** Up to `count` argument lists satisfying the cell's preconditions (fewer when the solver runs out or fails). */
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
  const blocks: string[] = [];
  const seeds: Value[][] = [];
  for (let k = 0; k < opts.count; k++) {
    // A complete script in a fresh solver context: the same campaign gets the same models.
    const script = [prelude, `(assert act!${vc.levels - 1})`, ...blocks, '(check-sat)', getValues.length > 0 ? `(get-value (${getValues.join(' ')}))` : ''].join('\n');
    const answer = await opts.solver.runScript(script, opts.timeoutMs);
    if (answer.status !== 'sat') break;
    const vals = readValues(answer.output);
    if (vals.length !== getValues.length) break;
    const args = vals.map((raw, i) => modelToValue(raw, types[i]!, prog));
    if (args.every((a): a is Value => a !== undefined)) seeds.push(args);
    const block = blockingClause(vc, vals);
    if (block === null) break;
    blocks.push(block);
  }
  return seeds;
}

/** The VM value of a model value, or undefined when it cannot be built or an Int leaves the 64-bit range. */
function modelToValue(raw: ModelValue, t: Type, prog: BytecodeProgram): Value | undefined {
  const v = toVmValue(raw, t, prog);
  if (v === null && t.kind !== 'Null') return undefined;
  return intsFit(v) ? v : undefined;
}

function intsFit(v: Value): boolean {
  if (typeof v === 'bigint') return int64.fits64(v);
  if (Array.isArray(v)) return v.every(intsFit);
  if (v instanceof Struct) return v.f.every(intsFit);
  return true;
}

/** `(assert (not (and (= x 1) (= b true) …)))` over the Int and Bool inputs, or null when there are none. */
function blockingClause(vc: CellVC, vals: readonly ModelValue[]): string | null {
  const eqs: string[] = [];
  vc.inputs.forEach((inp, i) => {
    const v = vals[i];
    if (!v) return;
    if (v.kind === 'int') eqs.push(`(= ${printTerm(inp.term)} ${printIntLiteral(v.value)})`);
    else if (v.kind === 'bool') eqs.push(`(= ${printTerm(inp.term)} ${v.value ? 'true' : 'false'})`);
  });
  if (eqs.length === 0) return null;
  return `(assert (not (and ${eqs.join(' ')})))`;
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
