// Ownership (LANGUAGE.md §8) as ghost state in the checked IR.
//
// `instrumentOwnership` runs after lowering (and after the typestate pass).
// Every variable the scope owns (a local, an `owned` or plain parameter) that
// is ever moved, and every linear one, gets a ghost Bool `$moved(x)`; moves
// set it, assignments clear it, and ordinary `Check` statements state the
// rules, so the verifier's path-sensitive symbolic execution decides them
// like any other check:
// * use-after-move (rule 1): before each use of a variable that is moved
//   somewhere in the cell, `not $moved(x)`;
// * borrow-conflict (rule 2): at each call with a `mut ref` argument, that
//   no other argument mentions the same variable (syntactic: `true`/`false`,
//   so it is reported exactly when the call is reachable);
// * linear-unconsumed (rule 4): `$moved(t)` for a linear `t` at every exit of
//   its scope (block end, `return`, `break`, `continue`) and before it is
//   overwritten, reported at the line that introduces it (§6.5);
// * rule 5: at the end of every iteration, a variable declared outside the
//   loop and moved inside it is in the same state as when the loop was
//   entered (so it was assigned again); reported as use-after-move at the
//   move. Because that is checked, the flag is not loop-carried state: it is
//   left out of the loop's havoc, so no invariant is needed.
// A move is: an argument for an `owned` parameter; for a linear value also
// `let`/assignment from it, `return`, storing it in an aggregate, passing it
// to a plain parameter, matching on it, and destructuring (`let T(..) = t`).
// Reading a field, `ref` and `mut ref` arguments are uses, not moves. Rule 3
// (second-class references) is a type error in the checker.
//
// All of this is static: the ghost statements carry `ghost: 'ownership'` and
// backends emit nothing for them.

import type { CheckId, IrBlock, IrCell, IrExpr, IrProgram, IrStmt, IrVar } from '../frontend/ir.js';
import type { CheckedProgram } from '../frontend/types.js';
import type { Span } from '../frontend/span.js';
import { modifiedVars } from '../frontend/lower.js';
import { GhostRewriter, type Declared, type Exit, type Position } from './engine.js';
import {
  assignStmt,
  boolConst,
  boolEq,
  checkStmt,
  IrKit,
  letStmt,
  mentionsVar,
  not,
  varRef,
  type AssignStmt,
  type CallExpr,
  type VarExpr,
  type WhileStmt,
} from './irkit.js';

export { IrKit } from './irkit.js';
export { GhostRewriter, flowOn, type Declared, type Exit, type Position } from './engine.js';

/** Adds the ownership ghost state and checks to every cell with a body. */
export function instrumentOwnership(ir: IrProgram, checked: CheckedProgram | null = null): IrProgram {
  const kit = new IrKit(ir);
  const wildLets = checked ? wildLetSpans(checked) : new Set<string>();
  const cells = new Map<string, IrCell>();
  for (const [name, cell] of ir.cells) {
    if (!cell.body) {
      cells.set(name, cell);
      continue;
    }
    // First a dry run to learn which variables are moved (and in which loops),
    // then the real rewrite, which needs that before it meets the declarations.
    const facts = new MoveFacts();
    new OwnershipPass(kit, ir.cells, facts, wildLets, true).rewriteBody(cell);
    const body = new OwnershipPass(kit, ir.cells, facts, wildLets, false).rewriteBody(cell);
    cells.set(name, { ...cell, body });
  }
  return kit.finish(cells);
}

function spanKey(s: Span): string {
  return `${s.file}:${s.start}:${s.end}`;
}

/**
 * The spans of `let _ = …` statements. The IR cannot tell them from a
 * destructuring whose fields are all `_` (both lower to an unused `$let`), but
 * only the latter takes the value apart, so only it consumes a linear value.
 */
function wildLetSpans(checked: CheckedProgram): Set<string> {
  const out = new Set<string>();
  const seen = new Set<object>();
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    const node = n as { kind?: unknown; pattern?: { kind?: unknown }; span?: Span };
    if (node.kind === 'Let' && node.pattern?.kind === 'PWild' && node.span) out.add(spanKey(node.span));
    for (const [k, v] of Object.entries(n)) {
      if (k === 'span') continue;
      if (Array.isArray(v)) v.forEach(walk);
      else walk(v);
    }
  };
  for (const m of checked.modules) walk(m.ast);
  return out;
}

/** What the dry run learns about one cell. */
class MoveFacts {
  /** Move sites per variable id. */
  readonly moves = new Map<number, Span[]>();
  /** Per loop: variables declared outside it and moved inside it, with the first move site. */
  readonly loopMoves = new Map<WhileStmt, Map<number, { v: IrVar; site: Span }>>();
}

interface LoopFlag {
  readonly v: IrVar;
  readonly flag: IrVar;
  readonly entry: IrVar;
  readonly check: CheckId;
}

class OwnershipPass extends GhostRewriter {
  /** `$moved(x)` per tracked variable id. */
  private readonly flags = new Map<number, IrVar>();
  private readonly loopFlags = new Map<WhileStmt, LoopFlag[]>();

  constructor(
    kit: IrKit,
    cells: ReadonlyMap<string, IrCell>,
    private readonly facts: MoveFacts,
    /** Statements `let _ = …` (see `wildLetSpans`). */
    private readonly wildLets: ReadonlySet<string>,
    private readonly scanning: boolean,
  ) {
    super(kit, cells);
  }

  // ------------------------------------------------------------ classification

  private isLinear(v: IrVar): boolean {
    const t = v.type;
    return t.kind === 'Record' && (this.program.records.get(t.info.qualifiedName)?.linear ?? t.info.linear);
  }

  /** Variables the scope owns: user locals and pattern variables, `owned` and plain parameters. */
  private owns(d: Declared): boolean {
    if (d.origin === 'param') return d.param !== null && (d.param.mode === 'owned' || d.param.mode === 'value');
    return !d.v.name.startsWith('$');
  }

  private isMove(v: IrVar, pos: Position): boolean {
    switch (pos.kind) {
      case 'arg':
        if (!pos.param) return false;
        return pos.param.mode === 'owned' || (pos.param.mode === 'value' && this.isLinear(v));
      case 'init':
        // `let _ = t` binds nothing and takes nothing apart: not a move (the lowering's `$let`).
        if (pos.target.name === '$let' && pos.at && this.wildLets.has(spanKey(pos.at))) return false;
        return this.isLinear(v);
      case 'return':
      case 'store':
        return this.isLinear(v);
      case 'scrutinee':
        return pos.destructures && this.isLinear(v);
      default:
        return false;
    }
  }

  private tracked(d: Declared): boolean {
    return this.owns(d) && (this.isLinear(d.v) || this.facts.moves.has(d.v.id));
  }

  private name(v: IrVar): string {
    return v.name;
  }

  // ------------------------------------------------------------ hooks

  protected onParam(d: Declared): IrStmt[] {
    return this.declareFlag(d);
  }

  protected onDeclare(d: Declared, _init: IrExpr | null): IrStmt[] {
    return this.declareFlag(d);
  }

  private declareFlag(d: Declared): IrStmt[] {
    if (this.scanning || !this.tracked(d)) return [];
    let flag = this.flags.get(d.v.id);
    if (!flag) {
      flag = this.kit.fresh(`$moved(${d.v.name})`, { kind: 'Bool' });
      this.flags.set(d.v.id, flag);
    }
    return [letStmt(flag, boolConst(false, d.span), d.span, 'ownership')];
  }

  protected onVar(e: VarExpr, pos: Position): IrStmt[] {
    const v = e.v;
    const move = this.isMove(v, pos);
    if (this.scanning) {
      const d = this.declaredOf(v);
      if (move && d && this.owns(d)) this.recordMove(v, e.span);
      return [];
    }
    const flag = this.flags.get(v.id);
    if (!flag) return [];
    const out: IrStmt[] = [];
    const sites = this.facts.moves.get(v.id);
    if (sites) {
      const n = this.name(v);
      const check = this.kit.newCheck(
        this.cell.name,
        'use-after-move',
        e.span,
        `not moved(${n})`,
        move ? `\`${n}\` may be moved again after it was already moved` : `\`${n}\` may be used after it was moved`,
        `\`${n}\` is not moved before this ${move ? 'move' : 'use'}`,
        sites.filter((s) => s !== e.span).map((s) => ({ span: s, message: `\`${n}\` is moved here` })),
      );
      out.push(checkStmt(check, not(varRef(flag, e.span), e.span), e.span, 'ownership'));
    }
    if (move) out.push(assignStmt(flag, boolConst(true, e.span), e.span, 'ownership'));
    return out;
  }

  private recordMove(v: IrVar, site: Span): void {
    const sites = this.facts.moves.get(v.id) ?? [];
    if (!sites.includes(site)) sites.push(site);
    this.facts.moves.set(v.id, sites);
    const depth = this.depthOf(v);
    for (const loop of this.currentLoops()) {
      if (depth >= loop.bodyDepth) continue;
      const m = this.facts.loopMoves.get(loop.stmt) ?? new Map<number, { v: IrVar; site: Span }>();
      if (!m.has(v.id)) m.set(v.id, { v, site });
      this.facts.loopMoves.set(loop.stmt, m);
    }
  }

  protected onAssign(s: AssignStmt, d: Declared | null): { before: IrStmt[]; after: IrStmt[] } {
    if (this.scanning || !d) return { before: [], after: [] };
    const flag = this.flags.get(d.v.id);
    if (!flag) return { before: [], after: [] };
    const after: IrStmt[] = [];
    if (this.isLinear(d.v)) after.push(...this.unconsumed(d, flag, s.span, 'the old value is overwritten here'));
    after.push(assignStmt(flag, boolConst(false, s.span), s.span, 'ownership'));
    return { before: [], after };
  }

  protected onCall(call: CallExpr, original: CallExpr): IrExpr {
    if (this.scanning) return call;
    const callee = this.cells.get(call.cell);
    if (!callee) return call;
    const real = (i: number): boolean => i < original.args.length && !callee.params[i]?.ghost;
    const exclusive: { v: IrVar; others: Span[] }[] = [];
    original.args.forEach((a, i) => {
      if (!real(i) || callee.params[i]?.mode !== 'mutref' || a.kind !== 'Var') return;
      const others = original.args.flatMap((b, j) => (j !== i && real(j) && mentionsVar(b, a.v.id) ? [b.span] : []));
      exclusive.push({ v: a.v, others });
    });
    if (exclusive.length === 0) return call;
    const conflict = exclusive.find((x) => x.others.length > 0);
    const short = call.cell.split('.').pop()!;
    const names = exclusive.map((x) => `mut ref ${x.v.name}`).join(', ');
    const check = this.kit.newCheck(
      this.cell.name,
      'borrow-conflict',
      call.span,
      `exclusive(${names})`,
      conflict
        ? `\`${conflict.v.name}\` is passed \`mut ref\` to \`${short}\` and also in another argument: a \`mut ref\` borrow must be exclusive`
        : `a \`mut ref\` argument of \`${short}\` may be aliased`,
      `the \`mut ref\` arguments of \`${short}\` are not aliased`,
      conflict ? conflict.others.map((s) => ({ span: s, message: `\`${conflict.v.name}\` appears again here` })) : [],
    );
    return this.kit.wrap([checkStmt(check, boolConst(!conflict, call.span), call.span, 'ownership')], call, call.span);
  }

  protected onExit(d: Declared, exit: Exit): IrStmt[] {
    if (this.scanning || !this.isLinear(d.v)) return [];
    const flag = this.flags.get(d.v.id);
    if (!flag) return [];
    const where =
      exit.kind === 'return' ? 'it goes out of scope at this return' : exit.kind === 'block-end' ? 'it goes out of scope here' : `it goes out of scope at this \`${exit.kind}\``;
    return this.unconsumed(d, flag, exit.span, where);
  }

  private unconsumed(d: Declared, flag: IrVar, at: Span, where: string): IrStmt[] {
    const n = d.v.name;
    const t = d.v.type.kind === 'Record' ? d.v.type.info.name : 'linear';
    const check = this.kit.newCheck(
      this.cell.name,
      'linear-unconsumed',
      d.span,
      `consumed(${n})`,
      `linear value \`${n}\` (a \`${t}\`) may be dropped without being consumed`,
      `linear value \`${n}\` is consumed exactly once on every path`,
      [{ span: at, message: where }],
    );
    return [checkStmt(check, varRef(flag, at), at, 'ownership')];
  }

  protected onLoopEntry(loop: WhileStmt): IrStmt[] {
    if (this.scanning) return [];
    const moves = this.facts.loopMoves.get(loop);
    if (!moves) return [];
    const out: IrStmt[] = [];
    const flags: LoopFlag[] = [];
    for (const { v, site } of moves.values()) {
      const flag = this.flags.get(v.id);
      if (!flag) continue;
      const entry = this.kit.fresh(`$moved@loop(${v.name})`, { kind: 'Bool' });
      out.push(letStmt(entry, varRef(flag, loop.span), loop.span, 'ownership'));
      const check = this.kit.newCheck(
        this.cell.name,
        'use-after-move',
        site,
        `moved(${v.name}) unchanged by an iteration`,
        `\`${v.name}\` is moved inside this loop and may not be assigned again before the next iteration`,
        `\`${v.name}\` is assigned again before the next iteration whenever this loop moves it`,
        [{ span: { file: loop.span.file, start: loop.span.start, end: loop.span.start + 1 }, message: 'the loop' }],
      );
      flags.push({ v, flag, entry, check });
    }
    this.loopFlags.set(loop, flags);
    return out;
  }

  protected onIterationEnd(loop: WhileStmt, at: Span): IrStmt[] {
    const flags = this.loopFlags.get(loop) ?? [];
    return flags.map((f) => checkStmt(f.check, boolEq(varRef(f.flag, at), varRef(f.entry, at), at), at, 'ownership'));
  }

  protected loopModified(loop: WhileStmt, body: IrBlock): readonly IrVar[] {
    // A flag checked at every iteration end (rule 5) has its entry value at the loop head.
    const pinned = new Set((this.loopFlags.get(loop) ?? []).map((f) => f.flag.id));
    const out = new Map<number, IrVar>();
    for (const v of [...loop.modified, ...modifiedVars(body)]) if (!pinned.has(v.id)) out.set(v.id, v);
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  protected rewriteSpec(e: IrExpr): IrExpr {
    return e;
  }
}
