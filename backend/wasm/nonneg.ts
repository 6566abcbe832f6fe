// A small syntactic analysis: which Int variables of a cell can never hold a
// negative value. An index known to be non-negative needs no adjustment for
// Lumen's negative indexing (`xs[-1]`), which saves a compare and a select
// on every list access in loops such as `for i in 0..len(xs)`.
//
// A variable qualifies when every value assigned to it is built from
// non-negative constants, `len`, other qualifying variables, and operators
// that keep the sign (`+ * / // %` of non-negative operands, `min`, `max`,
// `abs`). Overflow cannot make such a sum or product negative: the overflow
// check traps first, or the verifier proved there is none. Parameters qualify
// through a `requires` (or refinement) conjunct `p >= c` / `p > c` with
// c >= 0 / c >= -1; a host call that breaks the contract could then see a
// negative index reported as out of bounds instead of counted from the end
// (documented in docs/wasm.md).

import type { IrCell, IrExpr, IrVar } from '../../frontend/ir.js';
import { walkBlock } from './walk.js';

export function nonNegativeVars(cell: IrCell): Set<number> {
  const assigned = new Map<number, IrExpr[]>();
  const unknown = new Set<number>();
  const candidates = new Set<number>();
  const note = (v: IrVar, e: IrExpr | null): void => {
    if (v.type.kind !== 'Int') return;
    if (e === null) unknown.add(v.id);
    else {
      const list = assigned.get(v.id) ?? [];
      list.push(e);
      assigned.set(v.id, list);
    }
    candidates.add(v.id);
  };
  const guaranteed = new Set<number>();
  for (const clause of cell.requires) for (const id of nonNegativeFacts(clause.cond)) guaranteed.add(id);
  for (const p of cell.params) {
    if (p.v.type.kind !== 'Int') continue;
    candidates.add(p.v.id);
    if (p.mode === 'mutref' || !guaranteed.has(p.v.id)) unknown.add(p.v.id);
  }
  if (cell.body) {
    walkBlock(cell.body, {
      onStmt: (s) => {
        if (s.kind === 'Let') note(s.v, s.init);
        else if (s.kind === 'Assign') note(s.v, s.value);
      },
      onBinder: (v) => {
        // Pattern variables, quantified and handler variables: not tracked.
        if (v.type.kind === 'Int' && !assigned.has(v.id)) unknown.add(v.id);
      },
      onExpr: (e) => {
        if (e.kind === 'Call') for (const m of e.mutRefs) note(m.v, null);
      },
    });
  }
  const good = new Set([...candidates].filter((id) => !unknown.has(id)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of [...good]) {
      if ((assigned.get(id) ?? []).some((e) => !isNonNegative(e, good))) {
        good.delete(id);
        changed = true;
      }
    }
  }
  return good;
}

/** Whether `e` is certainly >= 0 when the variables in `vars` are. */
export function isNonNegative(e: IrExpr, vars: ReadonlySet<number>): boolean {
  switch (e.kind) {
    case 'Const':
      return e.value.kind === 'Int' && e.value.value >= 0n;
    case 'Var':
      return vars.has(e.v.id);
    case 'Len':
      return true;
    case 'IntOp':
      switch (e.op) {
        case '+':
        case '*':
        case '/':
        case '//':
          return isNonNegative(e.left, vars) && isNonNegative(e.right, vars);
        case '%':
          return isNonNegative(e.left, vars);
        default:
          return false;
      }
    case 'Builtin':
      if (e.name === 'abs') return e.type.kind === 'Int';
      if (e.name === 'min') return e.args.every((a) => isNonNegative(a, vars));
      if (e.name === 'max') return e.args.some((a) => isNonNegative(a, vars));
      return false;
    case 'Block':
      return e.block.stmts.length === 0 && e.block.value !== null && isNonNegative(e.block.value, vars);
    default:
      return false;
  }
}

/** Variables a condition states to be non-negative as top-level conjuncts (`p >= 0`, `p > 0`, `0 <= p`). */
function nonNegativeFacts(e: IrExpr): number[] {
  if (e.kind === 'And') return [...nonNegativeFacts(e.left), ...nonNegativeFacts(e.right)];
  if (e.kind !== 'Cmp' || e.operand.kind !== 'Int') return [];
  const k = (x: IrExpr): bigint | null => (x.kind === 'Const' && x.value.kind === 'Int' ? x.value.value : null);
  const v = (x: IrExpr): number | null => (x.kind === 'Var' ? x.v.id : null);
  const l = v(e.left);
  const r = v(e.right);
  const lk = k(e.left);
  const rk = k(e.right);
  if (l !== null && rk !== null && ((e.op === '>=' && rk >= 0n) || (e.op === '>' && rk >= -1n))) return [l];
  if (r !== null && lk !== null && ((e.op === '<=' && lk >= 0n) || (e.op === '<' && lk >= -1n))) return [r];
  return [];
}
