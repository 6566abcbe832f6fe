// Lowering: typed AST (CheckedProgram) → checked IR (ir.ts).
//
// This is where every check of LANGUAGE.md §6.5 is created, with its
// description object. Names are resolved to IrVars, loops are normalised to
// `While` (with `for` loops counted), patterns in `let` are destructured, and
// record construction gets explicit refinement checks. The lowering reports no
// user errors of its own: the checker has already rejected bad programs.

import type * as A from './ast.js';
import type {
  CallTarget,
  CellInfo,
  CheckedProgram,
  EnumInfo,
  LocalSymbol,
  RecordInfo,
  RefinedType,
  Refinement,
  Symbol,
  Type,
  VariantInfo,
} from './types.js';
import { BOOL, INT, isRefined, NULL, STRING } from './types.js';
import type {
  CheckId,
  CheckInfo,
  CheckKind,
  IrArm,
  IrBlock,
  IrCell,
  IrClause,
  IrEffect,
  IrEnum,
  IrExpr,
  IrInvariant,
  IrParam,
  IrPattern,
  IrProgram,
  IrRecord,
  IrStmt,
  IrVar,
  IrVariant,
  PreCheck,
} from './ir.js';
import { printExpr } from './printer.js';
import { typeToString } from './typeprint.js';
import { walkBlock } from './irwalk.js';
import { typeEquals } from './checker/types.js';
import type { Span } from './span.js';

export function lowerProgram(checked: CheckedProgram): IrProgram {
  return new Lowering(checked).run();
}

/** Where a name inside a refinement predicate gets its value. */
interface SpecEnv {
  self: IrExpr | null;
  fields: Map<string, IrExpr> | null;
}

/** A predicate over a value, with its Lumen text (an AST, for printing only). */
interface Pred {
  readonly cond: IrExpr;
  readonly text: A.Expr;
}

interface CellCtx {
  info: CellInfo;
  ir: { resultVar: IrVar; oldVars: Map<number, IrVar>; ensures: IrClause[] };
  /** Effects with budgets in this cell's row. */
  budgets: Map<string, bigint>;
  recursiveGroup: ReadonlySet<string>;
  loopDepth: number;
}

const EMPTY_SPEC_ENV: SpecEnv = { self: null, fields: null };

class Lowering {
  private readonly checks: CheckInfo[] = [];
  private readonly keyCounts = new Map<string, number>();
  private nextVarId = 1;
  private readonly localVars = new Map<number, IrVar>();
  /**
   * Refinements that must hold after every assignment to a local (from
   * `let mut x: T where P`, or a declared type with refined parts), by the
   * local's IrVar id; `span` is the declared type's.
   */
  private readonly localRefinements = new Map<number, { refined: RefinedType; span: Span }>();
  private readonly enums = new Map<string, IrEnum>();
  private readonly cellSigs = new Map<string, { params: IrParam[]; requires: IrClause[]; ensures: IrClause[]; resultVar: IrVar; oldVars: Map<number, IrVar> }>();
  private readonly records = new Map<string, IrRecord>();
  private readonly trusted: IrProgram['trusted'][number][] = [];
  private cell: CellCtx | null = null;
  private specMode = false;
  private specEnv: SpecEnv = EMPTY_SPEC_ENV;
  private readonly sccOf = new Map<string, ReadonlySet<string>>();

  constructor(private readonly p: CheckedProgram) {}

  run(): IrProgram {
    this.computeRecursion();
    for (const r of this.p.records) this.records.set(r.qualifiedName, this.lowerRecordDecl(r));
    for (const e of this.p.enums) this.enums.set(e.qualifiedName, this.lowerEnumDecl(e));
    // Signatures first: call sites need the callee's lowered contract.
    for (const c of this.p.cells) this.lowerSignature(c);
    const cells = new Map<string, IrCell>();
    for (const c of this.p.cells) cells.set(c.qualifiedName, this.lowerCell(c));
    const enums = this.enums;
    const effects = new Map<string, IrEffect>();
    for (const e of this.p.effects) {
      effects.set(e.qualifiedName, {
        name: e.qualifiedName,
        ops: e.ops.map((op) => {
          const sig = this.cellSigs.get(op.qualifiedName)!;
          return { name: op.name, params: sig.params.map((x) => x.v), ret: op.ret.type, ensures: sig.ensures };
        }),
      });
    }
    const root = this.p.modules[this.p.modules.length - 1];
    const rootCells = this.p.cells.filter((c) => c.effectOp === null && root && c.module === root.name).map((c) => c.qualifiedName);
    return { cells, records: this.records, enums, effects, checks: this.checks, trusted: this.trusted, rootCells };
  }

  // ------------------------------------------------------------ helpers

  private fresh(name: string, type: Type): IrVar {
    return { id: this.nextVarId++, name, type };
  }

  private varOf(local: LocalSymbol): IrVar {
    let v = this.localVars.get(local.id);
    if (!v) {
      v = this.fresh(local.name, local.type);
      this.localVars.set(local.id, v);
    }
    return v;
  }

  private newCheck(
    kind: CheckKind,
    span: Span,
    expr: string,
    failure: string,
    success: string,
    related: CheckInfo['related'] = [],
  ): CheckId {
    const cellName = this.cell?.info.qualifiedName ?? '';
    const base = `${cellName}:${kind}:${expr}`;
    const n = this.keyCounts.get(base) ?? 0;
    this.keyCounts.set(base, n + 1);
    const id = this.checks.length;
    this.checks.push({ id, kind, cell: cellName, span, expr, failure, success, related, key: `${base}#${n}` });
    return id;
  }

  private typeOf(e: A.Expr): Type {
    return this.p.exprTypes.get(e) ?? NULL;
  }

  private computeRecursion(): void {
    // Tarjan's SCC over the call graph of cells with bodies.
    const edges = new Map<string, Set<string>>();
    for (const c of this.p.cells) {
      const out = new Set<string>();
      if (c.decl.body) this.collectCallees(c.decl.body, out);
      edges.set(c.qualifiedName, out);
    }
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const strong = (v: string): void => {
      idx.set(v, index);
      low.set(v, index);
      index++;
      stack.push(v);
      onStack.add(v);
      for (const w of edges.get(v) ?? []) {
        if (!idx.has(w)) {
          strong(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, idx.get(w)!));
        }
      }
      if (low.get(v) === idx.get(v)) {
        const comp = new Set<string>();
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.add(w);
        } while (w !== v);
        const recursive = comp.size > 1 || (edges.get(v)?.has(v) ?? false);
        for (const m of comp) this.sccOf.set(m, recursive ? comp : new Set());
      }
    };
    for (const c of this.p.cells) if (!idx.has(c.qualifiedName)) strong(c.qualifiedName);
  }

  private collectCallees(node: unknown, out: Set<string>): void {
    // A generic walk is enough here: it visits every object reachable from the body.
    const seen = new Set<unknown>();
    const walk = (n: unknown): void => {
      if (n === null || typeof n !== 'object' || seen.has(n)) return;
      seen.add(n);
      if ((n as { kind?: string }).kind === 'Call') {
        const t = this.p.calls.get(n as A.CallExpr);
        if (t && t.kind === 'Cell') out.add(t.cell.qualifiedName);
      }
      for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
        if (k === 'span') continue;
        if (Array.isArray(v)) v.forEach(walk);
        else walk(v);
      }
    };
    walk(node);
  }

  // ------------------------------------------------------------ declarations

  private lowerRecordDecl(r: RecordInfo): IrRecord {
    const fields = r.fields.map((f) => ({ name: f.name, type: f.type.type, v: this.fresh(f.name, f.type.type) }));
    const env: SpecEnv = { self: null, fields: new Map(fields.map((f) => [f.name, varExpr(f.v, f.v.type, r.decl.span)])) };
    const invariants: IrClause[] = [];
    r.fields.forEach((f, i) => {
      for (const ref of f.type.refinements) {
        invariants.push({
          cond: this.withSpec(env, () => this.lowerRefinementPred(ref, varExpr(fields[i]!.v, fields[i]!.type, f.span))),
          span: ref.predicate.span,
          text: printExpr(ref.predicate),
          origin: ref.binder.kind === 'SelfRef' ? 'refinement' : 'contract',
        });
      }
      // Refined aliases inside the field's type (`items: list[Small]`): part of the invariant too.
      const inner = this.withSpec(env, () => this.innerPred(f.type, varExpr(fields[i]!.v, fields[i]!.type, f.span), nameText(f.name, f.span), f.span));
      if (inner) invariants.push({ cond: inner.cond, span: f.span, text: printExpr(inner.text), origin: 'refinement' });
    });
    return { name: r.qualifiedName, fields, invariants, linear: r.linear, typestate: r.typestate };
  }

  /**
   * A variant's payload refinements come only from refined aliases (a payload
   * has no `where` of its own): one clause per field whose type is refined,
   * over the field vars.
   */
  private lowerEnumDecl(e: EnumInfo): IrEnum {
    const variants = e.variants.map((v): IrVariant => {
      if (!v.fields.some((f) => isRefined(f.type))) return { name: v.name, fields: v.fields.map((f) => ({ name: f.name, type: f.type.type })) };
      const fields = v.fields.map((f) => ({ name: f.name, type: f.type.type, v: this.fresh(f.name, f.type.type) }));
      const invariants: IrClause[] = [];
      v.fields.forEach((f, i) => {
        const pred = this.spec(() => this.partPred(f.type, varExpr(fields[i]!.v, f.type.type, f.span), nameText(payloadName(v, i), f.span), f.span));
        if (pred) invariants.push({ cond: pred.cond, span: f.span, text: printExpr(pred.text), origin: 'refinement' });
      });
      return { name: v.name, fields, invariants };
    });
    return { name: e.qualifiedName, variants };
  }

  private lowerSignature(c: CellInfo): void {
    const params: IrParam[] = c.params.map((p) => ({ v: this.varOf(p), mode: p.param?.mode ?? 'value', span: p.span }));
    const resultVar = this.fresh('result', c.ret.type);
    const oldVars = new Map<number, IrVar>();
    for (const p of params) if (p.mode === 'mutref') oldVars.set(p.v.id, this.fresh(`old_${p.v.name}`, p.v.type));
    const sig = { params, requires: [] as IrClause[], ensures: [] as IrClause[], resultVar, oldVars };
    this.cellSigs.set(c.qualifiedName, sig);
    const prevCell = this.cell;
    this.cell = { info: c, ir: { resultVar, oldVars, ensures: sig.ensures }, budgets: new Map(), recursiveGroup: new Set(), loopDepth: 0 };
    // Parameter refinements, then `requires`: all assumed at entry, all obligations at call sites.
    c.paramTypes.forEach((pt, i) => {
      const pv = params[i]!.v;
      for (const ref of pt.refinements) {
        sig.requires.push({
          cond: this.lowerRefinementPred(ref, varExpr(pv, pv.type, params[i]!.span)),
          span: ref.predicate.span,
          text: printExpr(ref.predicate),
          origin: 'refinement',
        });
      }
      const typeSpan = c.decl.params[i]?.type.span ?? params[i]!.span;
      const inner = this.spec(() => this.innerPred(pt, varExpr(pv, pv.type, params[i]!.span), nameText(pv.name, params[i]!.span), typeSpan));
      if (inner) sig.requires.push({ cond: inner.cond, span: typeSpan, text: printExpr(inner.text), origin: 'refinement' });
    });
    for (const r of c.decl.requires) {
      sig.requires.push({ cond: this.spec(() => this.lowerExpr(r)), span: r.span, text: printExpr(r), origin: 'contract' });
    }
    for (const ref of c.ret.refinements) {
      sig.ensures.push({
        cond: this.lowerRefinementPred(ref, varExpr(resultVar, resultVar.type, ref.predicate.span)),
        span: ref.predicate.span,
        text: printExpr(ref.predicate),
        origin: 'refinement',
      });
    }
    const retSpan = c.decl.ret?.span ?? c.decl.name.span;
    const retInner = this.spec(() => this.innerPred(c.ret, varExpr(resultVar, resultVar.type, retSpan), nameText('result', retSpan), retSpan));
    if (retInner) sig.ensures.push({ cond: retInner.cond, span: retSpan, text: printExpr(retInner.text), origin: 'refinement' });
    for (const e of c.decl.ensures) {
      sig.ensures.push({ cond: this.spec(() => this.lowerExpr(e)), span: e.span, text: printExpr(e), origin: 'contract' });
    }
    this.cell = prevCell;
  }

  private lowerCell(c: CellInfo): IrCell {
    const sig = this.cellSigs.get(c.qualifiedName)!;
    const budgets = new Map<string, bigint>();
    for (const e of c.effects) if (e.maxCalls !== null) budgets.set(e.effect.qualifiedName, e.maxCalls);
    this.cell = {
      info: c,
      ir: { resultVar: sig.resultVar, oldVars: sig.oldVars, ensures: sig.ensures },
      budgets,
      recursiveGroup: this.sccOf.get(c.qualifiedName) ?? new Set(),
      loopDepth: 0,
    };
    if (c.decl.extern) {
      this.trusted.push({
        kind: 'extern',
        cell: c.qualifiedName,
        span: c.decl.span,
        text: `extern cell ${c.name}: ${[...sig.requires, ...sig.ensures].map((x) => x.text).join('; ') || 'no contract'}`,
      });
    }
    const decreases = c.decl.decreases ? this.spec(() => this.lowerExpr(c.decl.decreases!)) : null;
    let body: IrBlock | null = null;
    if (c.decl.body) body = this.lowerCellBody(c.decl.body);
    const cell: IrCell = {
      name: c.qualifiedName,
      span: c.decl.name.span,
      params: sig.params,
      ret: c.ret.type,
      resultVar: sig.resultVar,
      oldVars: sig.oldVars,
      requires: sig.requires,
      ensures: sig.ensures,
      decreases,
      effects: c.effects.map((e) => ({ effect: e.effect.qualifiedName, maxCalls: e.maxCalls, span: e.span })),
      pure: c.decl.pure,
      extern: c.decl.extern,
      body,
      module: c.module,
      recursive: (this.sccOf.get(c.qualifiedName)?.size ?? 0) > 0,
    };
    this.cell = null;
    return cell;
  }

  /** The body's final value is an implicit `return`, with the postcondition checks. */
  private lowerCellBody(b: A.Block): IrBlock {
    const block = this.lowerBlock(b);
    if (block.value === null && block.stmts.length > 0 && block.stmts[block.stmts.length - 1]!.kind === 'Return') return block;
    const value = block.value ?? constNull(b.span);
    const endSpan = lastStmtSpan(b);
    return { stmts: [...block.stmts, this.makeReturn(value, endSpan)], value: null, span: b.span };
  }

  private makeReturn(value: IrExpr, span: Span): IrStmt {
    return { kind: 'Return', value: coerce(value, this.cell!.info.ret.type), posts: this.postChecks(span), span };
  }

  private postChecks(returnSpan: Span): { check: CheckId; cond: IrExpr }[] {
    const ctx = this.cell!;
    return ctx.ir.ensures.map((clause) => {
      const isRefinement = clause.origin === 'refinement';
      const check = this.newCheck(
        isRefinement ? 'refinement' : 'postcondition',
        isRefinement ? returnSpan : clause.span,
        clause.text,
        isRefinement
          ? `the return value may violate the refinement \`${clause.text}\``
          : `postcondition \`${clause.text}\` may not hold at this return`,
        isRefinement ? `the return value satisfies \`${clause.text}\`` : `postcondition \`${clause.text}\` holds`,
        isRefinement
          ? [{ span: clause.span, message: 'the refinement of the return type' }]
          : [{ span: returnSpan, message: 'the value is returned here' }],
      );
      return { check, cond: clause.cond };
    });
  }

  // ------------------------------------------------------------ specifications

  private spec<T>(f: () => T): T {
    const prev = this.specMode;
    this.specMode = true;
    try {
      return f();
    } finally {
      this.specMode = prev;
    }
  }

  private withSpec<T>(env: SpecEnv, f: () => T): T {
    const prev = this.specEnv;
    this.specEnv = env;
    try {
      return this.spec(f);
    } finally {
      this.specEnv = prev;
    }
  }

  /** Lowers a refinement predicate with its binder bound to `value`. */
  private lowerRefinementPred(ref: Refinement, value: IrExpr): IrExpr {
    const binder = ref.binder;
    if (binder.kind === 'SelfRef') return this.withSpec({ ...this.specEnv, self: value }, () => this.lowerExpr(ref.predicate));
    if (binder.kind === 'Local' && value.kind === 'Var' && this.localVars.get(binder.id) === value.v) {
      return this.spec(() => this.lowerExpr(ref.predicate));
    }
    if (binder.kind === 'Local') {
      // Bind the local to the value for the duration of the predicate.
      const prev = this.localVars.get(binder.id);
      const tmp = value.kind === 'Var' ? value.v : null;
      if (tmp) {
        this.localVars.set(binder.id, tmp);
        try {
          return this.spec(() => this.lowerExpr(ref.predicate));
        } finally {
          if (prev) this.localVars.set(binder.id, prev);
          else this.localVars.delete(binder.id);
        }
      }
    }
    return this.withSpec({ ...this.specEnv, self: value }, () => this.lowerExpr(ref.predicate));
  }

  /**
   * Checks of a value against a refined type (let, assignment): one per
   * top-level refinement, and one for the refined parts (`list[Nat]`), whose
   * text is about `name` (the value as the user wrote it).
   */
  private refinementChecks(refined: RefinedType, value: IrVar, span: Span, what: string, name: A.Expr, typeSpan: Span): IrStmt[] {
    const out: IrStmt[] = refined.refinements.map((ref) =>
      this.refinementCheck(printExpr(ref.predicate), () => this.lowerRefinementPred(ref, varExpr(value, value.type, span)), span, what, {
        span: ref.span,
        message: 'the refinement is declared here',
      }),
    );
    const inner = this.spec(() => this.innerPred(refined, varExpr(value, value.type, span), name, typeSpan));
    if (inner) out.push(this.partCheck(inner, span, what, typeSpan));
    return out;
  }

  /** A `refinement` check of a predicate built by `partPred`/`innerPred`. */
  private partCheck(pred: Pred, span: Span, what: string, typeSpan: Span): IrStmt {
    return this.refinementCheck(printExpr(pred.text), () => pred.cond, span, what, { span: typeSpan, message: 'the refined type is declared here' });
  }

  /**
   * A `refinement` check that `cond` (shown as `text`) holds for `what`. The
   * check is created before `cond` is lowered, so checks inside the predicate
   * get later ids.
   */
  private refinementCheck(text: string, cond: () => IrExpr, span: Span, what: string, related: { span: Span; message: string }): IrStmt {
    const check = this.newCheck('refinement', span, text, `${what} may violate the refinement \`${text}\``, `${what} satisfies \`${text}\``, [related]);
    return { kind: 'Check', check, cond: cond(), span };
  }

  /**
   * The predicate "`value` satisfies the refinements of the parts of `rt`"
   * (refined aliases used inside another type: LANGUAGE.md §6.1 for
   * `list[Nat]`), with its Lumen text about `text`; null when no part is
   * refined, so that types without nested refinements add no check and no
   * assumption. Only IR forms every consumer evaluates are used: a list
   * quantifies over its elements, a union member is tested with `IsType`
   * before it is narrowed, a tuple takes its components. Map contents cannot
   * be quantified over in the IR and results have no test of `ok`/`err`, so
   * refinements inside maps and results are neither checked nor assumed.
   * Records and enums carry their own (`lowerRecordDecl`, `lowerEnumDecl`).
   */
  private innerPred(rt: RefinedType, value: IrExpr, text: A.Expr, span: Span, depth = 0): Pred | null {
    const inner = rt.inner;
    if (!inner) return null;
    switch (inner.kind) {
      case 'List': {
        const name = boundName(depth, text);
        const bv = this.fresh(name, inner.elem.type);
        const body = this.partPred(inner.elem, varExpr(bv, bv.type, span), nameText(name, span), span, depth + 1);
        if (!body) return null;
        return {
          cond: { kind: 'Quant', quantifier: 'forall', v: bv, domain: { kind: 'list', list: value }, body: body.cond, span },
          text: { kind: 'Quant', quantifier: 'forall', variable: { name, span }, type: null, domain: text, body: body.text, span },
        };
      }
      case 'Tuple':
        return conj(
          inner.elems.map((et, i) =>
            this.partPred(et, { kind: 'TupleGet', target: value, index: i, type: et.type, span }, { kind: 'Field', target: text, name: { name: String(i), span }, span }, span, depth),
          ),
          span,
        );
      case 'Union': {
        const members = rt.type.kind === 'Union' ? rt.type.members : [];
        const optional = members.length === 2 && members.some((m) => m.kind === 'Null');
        return conj(
          inner.members.map((mt, i): Pred | null => {
            const m = members[i];
            if (!m) return null;
            const p = this.partPred(mt, { kind: 'Narrow', operand: value, type: m, span }, text, span, depth);
            if (!p) return null;
            const is: IrExpr = { kind: 'IsType', operand: value, type: m, span };
            // `o == null or P(o)` for `T?`; Lumen has no syntax for other type tests.
            const guardText: A.Expr = optional
              ? { kind: 'Binary', op: '==', left: text, right: { kind: 'Null', span }, span }
              : nameText(`not (${printExpr(text)} is ${typeToString(m)})`, span);
            return {
              cond: { kind: 'Implies', left: is, right: p.cond, span },
              text: { kind: 'Binary', op: 'or', left: guardText, right: p.text, span },
            };
          }),
          span,
        );
      }
      case 'Map':
      case 'Result':
        return null;
    }
  }

  /** `value` against a part's type: its own refinements (from an alias, over `self`) and its parts'. */
  private partPred(rt: RefinedType, value: IrExpr, text: A.Expr, span: Span, depth = 0): Pred | null {
    const parts: (Pred | null)[] = rt.refinements.map((ref) => ({ cond: this.lowerRefinementPred(ref, value), text: replaceSelf(ref.predicate, text) }));
    parts.push(this.innerPred(rt, value, text, span, depth));
    return conj(parts, span);
  }

  // ------------------------------------------------------------ statements

  private lowerBlock(b: A.Block): IrBlock {
    const stmts: IrStmt[] = [];
    let value: IrExpr | null = null;
    b.stmts.forEach((s, i) => {
      const last = i === b.stmts.length - 1;
      if (last && s.kind === 'ExprStmt') {
        value = this.lowerExpr(s.expr);
        return;
      }
      this.lowerStmt(s, stmts);
    });
    return { stmts, value, span: b.span };
  }

  private lowerStmt(s: A.Stmt, out: IrStmt[]): void {
    switch (s.kind) {
      case 'Let':
        return this.lowerLet(s, out);
      case 'Assign':
        return this.lowerAssign(s, out);
      case 'ExprStmt':
        out.push({ kind: 'Expr', expr: this.lowerExpr(s.expr), span: s.span });
        return;
      case 'While':
        return this.lowerWhile(s, out);
      case 'For':
        return this.lowerFor(s, out);
      case 'Return': {
        const value = s.value ? this.lowerExpr(s.value) : constNull(s.span);
        out.push(this.makeReturn(value, s.span));
        return;
      }
      case 'Break':
        out.push({ kind: 'Break', span: s.span });
        return;
      case 'Continue':
        out.push({ kind: 'Continue', span: s.span });
        return;
      case 'Assert': {
        const text = printExpr(s.cond);
        const cond = this.spec(() => this.lowerExpr(s.cond));
        const check = this.newCheck('assertion', s.span, text, `assertion \`${text}\` may not hold`, `assertion \`${text}\` holds`);
        out.push({ kind: 'Check', check, cond, span: s.span });
        return;
      }
      case 'Assume': {
        const text = printExpr(s.cond);
        this.trusted.push({ kind: 'assume', cell: this.cell!.info.qualifiedName, span: s.span, text: `assume ${text}` });
        out.push({ kind: 'Assume', cond: this.spec(() => this.lowerExpr(s.cond)), span: s.span });
        return;
      }
    }
  }

  private lowerLet(s: A.LetStmt, out: IrStmt[]): void {
    const init = this.lowerExpr(s.init);
    if (s.pattern.kind === 'PBind') {
      const target = this.p.patterns.get(s.pattern);
      const local = target && target.kind === 'Bind' ? target.local : null;
      const v = local ? this.varOf(local) : this.fresh(s.pattern.name.name, this.typeOf(s.init));
      out.push({ kind: 'Let', v, init: coerce(init, v.type), span: s.span });
      const refined = this.p.letTypes.get(s);
      if (refined && isRefined(refined) && local) {
        const typeSpan = s.type?.span ?? s.span;
        out.push(...this.refinementChecks(refined, v, s.init.span, `the value of \`${local.name}\``, nameText(local.name, s.pattern.span), typeSpan));
        if (s.mutable) this.localRefinements.set(v.id, { refined, span: typeSpan });
      }
      return;
    }
    const refined = this.p.letTypes.get(s);
    const tmp = this.fresh('$let', this.typeOf(s.init));
    out.push({ kind: 'Let', v: tmp, init, span: s.span });
    // `let (a, b): Pair = …`: the declared type's refinements (from aliases) hold for the whole value.
    // (When the value's type only converts to the declared one, the parts do not line up: not checked.)
    if (refined && isRefined(refined) && typeEquals(refined.type, tmp.type)) {
      out.push(...this.refinementChecks(refined, tmp, s.init.span, 'the value', s.init, s.type?.span ?? s.span));
    }
    this.destructure(s.pattern, varExpr(tmp, tmp.type, s.span), out);
  }

  /** Binds the variables of an irrefutable pattern from `value`. */
  private destructure(p: A.Pattern, value: IrExpr, out: IrStmt[]): void {
    const target = this.p.patterns.get(p);
    switch (p.kind) {
      case 'PWild':
        return;
      case 'PBind':
      case 'PType': {
        if (target && (target.kind === 'Bind' || target.kind === 'Type')) {
          out.push({ kind: 'Let', v: this.varOf(target.local), init: value, span: p.span });
        }
        return;
      }
      case 'PTuple': {
        const elemTypes = value.kind !== undefined ? tupleElems(irType(value)) : [];
        p.elems.forEach((e, i) => {
          this.destructure(e, { kind: 'TupleGet', target: value, index: i, type: elemTypes[i] ?? NULL, span: e.span }, out);
        });
        return;
      }
      case 'PCtor': {
        if (target && target.kind === 'Record') {
          const rec = this.records.get(target.record.qualifiedName)!;
          target.fields.forEach((fp, i) => {
            if (!fp) return;
            this.destructure(
              fp,
              { kind: 'Field', target: value, record: rec.name, field: i, type: rec.fields[i]!.type, span: fp.span },
              out,
            );
          });
        }
        return;
      }
      case 'PLit':
      case 'PRange':
        return;
    }
  }

  private lowerAssign(s: A.AssignStmt, out: IrStmt[]): void {
    const t = s.target;
    const rhs = (current: IrExpr): IrExpr => {
      if (s.op === '=') return this.lowerExpr(s.value);
      const op = s.op === '+=' ? '+' : s.op === '-=' ? '-' : '*';
      const right = this.lowerExpr(s.value);
      if (this.typeOf(s.value).kind === 'Float') return { kind: 'FloatOp', op, left: current, right, span: s.span };
      const text = `${printExpr(t)} ${op} ${printExpr(s.value)}`;
      return {
        kind: 'IntOp',
        op,
        left: current,
        right,
        overflow: this.overflowCheck(text, s.span),
        divZero: null,
        span: s.span,
      };
    };
    if (t.kind === 'Name') {
      const sym = this.p.names.get(t);
      if (!sym || sym.kind !== 'Local') return;
      const v = this.varOf(sym);
      const value = coerce(rhs(varExpr(v, v.type, t.span)), v.type);
      out.push({ kind: 'Assign', v, value, span: s.span });
      const refined = this.localRefinements.get(v.id);
      if (!refined) return;
      const what = `the new value of \`${sym.name}\``;
      const elem = refined.refined.inner?.kind === 'List' ? refined.refined.inner.elem : null;
      if (elem && isSelfPush(v, value) && value.kind === 'Builtin') {
        // `xs = push(xs, e)` keeps the elements already checked: only the new last one needs it.
        out.push(...this.refinementChecks({ type: refined.refined.type, refinements: refined.refined.refinements }, v, s.span, what, t, refined.span));
        const pushed = value.args[1];
        const pred = this.spec(() => this.partPred(elem, lastElement(v, s.span), pushed ? this.pushedText(s.value) : t, refined.span));
        if (pred) out.push(this.partCheck(pred, s.span, 'the pushed element', refined.span));
        return;
      }
      out.push(...this.refinementChecks(refined.refined, v, s.span, what, t, refined.span));
      return;
    }
    if (t.kind === 'Index' && t.target.kind === 'Name') {
      const sym = this.p.names.get(t.target);
      if (!sym || sym.kind !== 'Local') return;
      const v = this.varOf(sym);
      const idxTmp = this.fresh('$i', INT);
      out.push({ kind: 'Let', v: idxTmp, init: this.lowerExpr(t.index), span: t.index.span });
      const elemType = this.typeOf(t);
      const current: IrExpr = {
        kind: 'Index',
        target: varExpr(v, v.type, t.span),
        index: varExpr(idxTmp, INT, t.span),
        check: null,
        type: elemType,
        span: t.span,
      };
      const check = this.indexCheck(t);
      const value = s.op === '=' ? this.lowerExpr(s.value) : rhs(current);
      out.push({ kind: 'SetIndex', v, index: varExpr(idxTmp, INT, t.span), value, check, span: s.span });
      const refined = this.localRefinements.get(v.id);
      if (!refined) return;
      // The list's own refinements again (they may be about its elements), and the new element against the
      // element type's, read back after the store (the index is valid once the store succeeded).
      const top = { type: refined.refined.type, refinements: refined.refined.refinements };
      out.push(...this.refinementChecks(top, v, s.span, `the new value of \`${sym.name}\``, t.target, refined.span));
      if (refined.refined.inner?.kind === 'List') {
        const stored: IrExpr = { ...current };
        const pred = this.spec(() => this.partPred((refined.refined.inner as { elem: RefinedType }).elem, stored, t, refined.span));
        if (pred) out.push(this.partCheck(pred, s.span, `the new element of \`${sym.name}\``, refined.span));
      }
    }
  }

  /** The element of `push(xs, e)` as written, for the text of its check. */
  private pushedText(value: A.Expr): A.Expr {
    if (value.kind === 'Call') {
      const t = this.p.calls.get(value);
      if (t && t.kind === 'Builtin' && t.name === 'push' && t.args[1]) return t.args[1];
    }
    return value;
  }

  private lowerInvariants(exprs: readonly A.Expr[]): IrInvariant[] {
    return exprs.map((e) => {
      const text = printExpr(e);
      const cond = this.spec(() => this.lowerExpr(e));
      const entryCheck = this.newCheck(
        'invariant-entry',
        e.span,
        text,
        `loop invariant \`${text}\` may not hold when the loop is entered`,
        `loop invariant \`${text}\` holds on entry`,
      );
      const preservedCheck = this.newCheck(
        'invariant-preserved',
        e.span,
        text,
        `loop invariant \`${text}\` may not be preserved by an iteration`,
        `loop invariant \`${text}\` is preserved`,
      );
      return { cond, text, span: e.span, entryCheck, preservedCheck };
    });
  }

  private lowerDecreases(given: A.Expr | null, cond: A.Expr, loopSpan: Span): { expr: IrExpr | null; check: CheckId; guessed: boolean } {
    if (given) {
      const text = printExpr(given);
      return {
        expr: this.spec(() => this.lowerExpr(given)),
        check: this.newCheck('termination', given.span, text, `the measure \`${text}\` may not decrease or may become negative`, `the loop terminates: \`${text}\` decreases`),
        guessed: false,
      };
    }
    const guess = guessMeasure(cond);
    if (!guess) {
      return {
        expr: null,
        check: this.newCheck(
          'termination',
          loopSpan,
          'decreases',
          'cannot show that the loop terminates: no `decreases` clause, and none could be guessed from the condition',
          'the loop terminates',
        ),
        guessed: true,
      };
    }
    const text = printExpr(guess);
    return {
      expr: this.spec(() => this.lowerExpr(guess)),
      check: this.newCheck(
        'termination',
        loopSpan,
        text,
        `cannot show that the loop terminates (guessed measure \`${text}\`); add a \`decreases\` clause`,
        `the loop terminates: \`${text}\` decreases`,
      ),
      guessed: true,
    };
  }

  /**
   * What a loop head may assume about the loop-carried locals declared (before
   * the loop) with a refined type: every `Assign` and `SetIndex` to them is
   * checked against that type, so it holds at every iteration — their declared
   * type, like a parameter's. A local the body passes `mut ref` is left out:
   * the callee's writes to it are not checked.
   */
  private loopFacts(body: IrBlock, modified: readonly IrVar[], refinedBefore: ReadonlyMap<number, { refined: RefinedType; span: Span }>, span: Span): IrExpr[] {
    const refined = modified.filter((v) => refinedBefore.has(v.id));
    if (refined.length === 0) return [];
    const passed = mutRefVars(body);
    const facts: IrExpr[] = [];
    for (const v of refined) {
      if (passed.has(v.id)) continue;
      const rt = refinedBefore.get(v.id)!.refined;
      this.spec(() => {
        for (const ref of rt.refinements) facts.push(this.lowerRefinementPred(ref, varExpr(v, v.type, span)));
        const inner = this.innerPred(rt, varExpr(v, v.type, span), nameText(v.name, span), span);
        if (inner) facts.push(inner.cond);
      });
    }
    return facts;
  }

  private lowerWhile(s: A.WhileStmt, out: IrStmt[]): void {
    const invariants = this.lowerInvariants(s.invariants);
    const decreases = this.lowerDecreases(s.decreases, s.cond, headSpan(s.span));
    const cond = this.lowerExpr(s.cond);
    const refinedBefore = new Map(this.localRefinements);
    this.cell!.loopDepth++;
    const body = this.lowerBlock(s.body);
    this.cell!.loopDepth--;
    const modified = modifiedVars(body);
    const whileStmt: IrStmt = {
      kind: 'While',
      cond,
      invariants,
      facts: this.loopFacts(body, modified, refinedBefore, s.span),
      decreases,
      body: blockAsStmts(body),
      modified,
      counted: false,
      span: s.span,
    };
    out.push(whileStmt);
  }

  private lowerFor(s: A.ForStmt, out: IrStmt[]): void {
    const it = s.iterable;
    const bindTarget = s.pattern.kind === 'PBind' ? this.p.patterns.get(s.pattern) : undefined;
    const loopLocal = bindTarget && bindTarget.kind === 'Bind' ? bindTarget.local : null;
    if (it.kind === 'Binary' && (it.op === '..' || it.op === '..=')) {
      const inclusive = it.op === '..=';
      const lo = this.fresh('$lo', INT);
      const hi = this.fresh('$hi', INT);
      out.push({ kind: 'Let', v: lo, init: this.lowerExpr(it.left), span: it.left.span });
      out.push({ kind: 'Let', v: hi, init: this.lowerExpr(it.right), span: it.right.span });
      const counter = this.fresh(loopLocal ? loopLocal.name : '$k', INT);
      out.push({ kind: 'Let', v: counter, init: varExpr(lo, INT, s.span), span: s.span });
      // Inside invariants the loop variable denotes the counter (its value at the loop head).
      const prev = loopLocal ? this.localVars.get(loopLocal.id) : undefined;
      if (loopLocal) this.localVars.set(loopLocal.id, counter);
      const invariants = this.lowerInvariants(s.invariants);
      if (loopLocal) {
        if (prev) this.localVars.set(loopLocal.id, prev);
        else this.localVars.delete(loopLocal.id);
      }
      const sp = s.span;
      const k = varExpr(counter, INT, sp);
      const loE = varExpr(lo, INT, sp);
      const hiE = varExpr(hi, INT, sp);
      const cmp = (op: '<' | '<=' | '==', l: IrExpr, r: IrExpr): IrExpr => ({ kind: 'Cmp', op, left: l, right: r, operand: INT, span: sp });
      const facts: IrExpr[] = [
        cmp('<=', loE, k),
        { kind: 'Or', left: cmp('<=', k, inclusive ? { kind: 'IntOp', op: '+', left: hiE, right: constInt(1n, sp), overflow: null, divZero: null, span: sp } : hiE), right: cmp('==', k, loE), span: sp },
      ];
      const bodyStmts: IrStmt[] = [];
      if (loopLocal) bodyStmts.push({ kind: 'Let', v: this.varOf(loopLocal), init: k, span: s.pattern.span });
      bodyStmts.push({
        kind: 'Assign',
        v: counter,
        value: {
          kind: 'IntOp',
          op: '+',
          left: k,
          right: constInt(1n, sp),
          // `k < hi <= MAX` makes `k + 1` safe for `a..b`; `a..=b` may reach MAX.
          overflow: inclusive ? this.overflowCheck(`${printExpr(it.right)} + 1`, it.span) : null,
          divZero: null,
          span: sp,
        },
        span: sp,
      });
      const refinedBefore = new Map(this.localRefinements);
      this.cell!.loopDepth++;
      const inner = this.lowerBlock(s.body);
      this.cell!.loopDepth--;
      bodyStmts.push(...blockAsStmts(inner).stmts);
      const body: IrBlock = { stmts: bodyStmts, value: null, span: s.body.span };
      const modified = modifiedVars(body);
      out.push({
        kind: 'While',
        cond: cmp(inclusive ? '<=' : '<', k, hiE),
        invariants,
        facts: [...facts, ...this.loopFacts(body, modified, refinedBefore, sp)],
        decreases: null,
        body,
        modified,
        counted: true,
        span: s.span,
      });
      return;
    }
    // `for x in xs`: a counted loop over the indices of a snapshot of the list.
    const listType = this.typeOf(it);
    const elemType = listType.kind === 'List' ? listType.elem : listType.kind === 'String' ? STRING : NULL;
    const list = this.fresh('$xs', listType);
    out.push({ kind: 'Let', v: list, init: this.lowerExpr(it), span: it.span });
    const counter = this.fresh('$k', INT);
    const sp = s.span;
    out.push({ kind: 'Let', v: counter, init: constInt(0n, sp), span: sp });
    const k = varExpr(counter, INT, sp);
    const len: IrExpr = { kind: 'Len', operand: varExpr(list, listType, sp), span: sp };
    const invariants = this.lowerInvariants(s.invariants);
    const bodyStmts: IrStmt[] = [];
    const elem: IrExpr = { kind: 'Index', target: varExpr(list, listType, sp), index: k, check: null, type: elemType, span: it.span };
    const elemVar = this.fresh('$x', elemType);
    bodyStmts.push({ kind: 'Let', v: elemVar, init: elem, span: s.pattern.span });
    this.destructure(s.pattern, varExpr(elemVar, elemType, sp), bodyStmts);
    bodyStmts.push({
      kind: 'Assign',
      v: counter,
      value: { kind: 'IntOp', op: '+', left: k, right: constInt(1n, sp), overflow: null, divZero: null, span: sp },
      span: sp,
    });
    const refinedBefore = new Map(this.localRefinements);
    this.cell!.loopDepth++;
    const inner = this.lowerBlock(s.body);
    this.cell!.loopDepth--;
    bodyStmts.push(...blockAsStmts(inner).stmts);
    const body: IrBlock = { stmts: bodyStmts, value: null, span: s.body.span };
    const modified = modifiedVars(body);
    out.push({
      kind: 'While',
      cond: { kind: 'Cmp', op: '<', left: k, right: len, operand: INT, span: sp },
      invariants,
      facts: [
        { kind: 'Cmp', op: '<=', left: constInt(0n, sp), right: k, operand: INT, span: sp },
        { kind: 'Cmp', op: '<=', left: k, right: len, operand: INT, span: sp },
        ...this.loopFacts(body, modified, refinedBefore, sp),
      ],
      decreases: null,
      body,
      modified,
      counted: true,
      span: s.span,
    });
  }

  // ------------------------------------------------------------ expressions

  private overflowCheck(text: string, span: Span): CheckId | null {
    if (this.specMode) return null;
    return this.newCheck(
      'overflow',
      span,
      text,
      `integer overflow: \`${text}\` may leave the 64-bit range`,
      `\`${text}\` stays within the 64-bit range`,
    );
  }

  private divCheck(divisor: A.Expr, whole: A.Expr): CheckId {
    const d = printExpr(divisor);
    return this.newCheck('div-by-zero', whole.span, `${d} != 0`, `division by zero: \`${d}\` may be 0`, `the divisor \`${d}\` is never 0`);
  }

  private indexCheck(e: A.IndexExpr): CheckId {
    const xs = printExpr(e.target);
    const i = printExpr(e.index);
    return this.newCheck(
      'index',
      e.span,
      `-len(${xs}) <= ${i} and ${i} < len(${xs})`,
      `index out of bounds: \`${i}\` may be outside \`${xs}\``,
      `\`${i}\` is a valid index of \`${xs}\``,
    );
  }

  lowerExpr(e: A.Expr): IrExpr {
    switch (e.kind) {
      case 'Int':
        return constInt(e.value, e.span);
      case 'Float':
        return { kind: 'Const', value: { kind: 'Float', value: e.value }, type: { kind: 'Float' }, span: e.span };
      case 'Bool':
        return { kind: 'Const', value: { kind: 'Bool', value: e.value }, type: BOOL, span: e.span };
      case 'Null':
        return constNull(e.span);
      case 'String': {
        if (e.parts.every((x) => typeof x === 'string')) {
          return { kind: 'Const', value: { kind: 'String', value: (e.parts as string[]).join('') }, type: STRING, span: e.span };
        }
        const parts = e.parts.map((x) =>
          typeof x === 'string' ? ({ kind: 'Const', value: { kind: 'String', value: x }, type: STRING, span: e.span } as IrExpr) : this.lowerExpr(x),
        );
        return { kind: 'Interp', parts, span: e.span };
      }
      case 'Name':
        return this.lowerName(e);
      case 'Binary':
        return this.lowerBinary(e);
      case 'Unary': {
        if (e.op === 'not') return { kind: 'Not', operand: this.lowerExpr(e.operand), span: e.span };
        if (e.operand.kind === 'Int') return constInt(-e.operand.value, e.span);
        if (e.operand.kind === 'Float') return { kind: 'Const', value: { kind: 'Float', value: -e.operand.value }, type: { kind: 'Float' }, span: e.span };
        const operand = this.lowerExpr(e.operand);
        if (this.typeOf(e.operand).kind === 'Float') return { kind: 'FloatNeg', operand, span: e.span };
        return { kind: 'IntNeg', operand, overflow: this.overflowCheck(printExpr(e), e.span), span: e.span };
      }
      case 'Call':
        return this.lowerCall(e);
      case 'Index': {
        const target = this.lowerExpr(e.target);
        const index = this.lowerExpr(e.index);
        return { kind: 'Index', target, index, check: this.indexCheck(e), type: this.typeOf(e), span: e.span };
      }
      case 'Field': {
        const t = this.p.fields.get(e);
        if (!t) return constNull(e.span);
        switch (t.kind) {
          case 'RecordField':
            return { kind: 'Field', target: this.lowerExpr(e.target), record: t.record.qualifiedName, field: t.field.index, type: this.typeOf(e), span: e.span };
          case 'TupleIndex':
            return { kind: 'TupleGet', target: this.lowerExpr(e.target), index: t.index, type: this.typeOf(e), span: e.span };
          case 'Variant':
            return { kind: 'MakeVariant', enum: t.enum.qualifiedName, variant: t.variant.index, args: [], type: this.typeOf(e), span: e.span };
        }
        return constNull(e.span);
      }
      case 'Try': {
        const operand = this.lowerExpr(e.expr);
        return { kind: 'Try', operand, posts: this.specMode ? [] : this.postChecks(e.span), type: this.typeOf(e), span: e.span };
      }
      case 'NonNull': {
        const operand = this.lowerExpr(e.expr);
        const text = printExpr(e.expr);
        const check = this.newCheck('null', e.span, `${text} != null`, `\`${text}\` may be null`, `\`${text}\` is never null here`);
        return { kind: 'NonNull', operand, check, type: this.typeOf(e), span: e.span };
      }
      case 'List':
        return { kind: 'MakeList', elems: e.elems.map((x) => this.lowerExpr(x)), type: this.typeOf(e), span: e.span };
      case 'Tuple':
        return { kind: 'MakeTuple', elems: e.elems.map((x) => this.lowerExpr(x)), type: this.typeOf(e), span: e.span };
      case 'If': {
        const cond = this.lowerExpr(e.cond);
        const then = this.lowerBlock(e.then);
        const els: IrBlock =
          e.else === null
            ? { stmts: [], value: null, span: e.span }
            : e.else.kind === 'If'
              ? { stmts: [], value: this.lowerExpr(e.else), span: e.else.span }
              : this.lowerBlock(e.else);
        const ty = this.typeOf(e);
        return { kind: 'If', cond, then: coerceBlock(then, ty), else: coerceBlock(els, ty), type: ty, span: e.span };
      }
      case 'Match':
        return this.lowerMatch(e);
      case 'Handle':
        return {
          kind: 'Handle',
          body: this.lowerBlock(e.body),
          handlers: e.handlers.map((h) => {
            const op = this.p.effectOps.get(h);
            const params = (this.p.handlerParams.get(h) ?? []).map((l) => this.varOf(l));
            return { effect: op?.effectOp?.qualifiedName ?? h.effect.name, op: op?.name ?? h.op.name, params, body: this.lowerBlock(h.body), span: h.span };
          }),
          type: this.typeOf(e),
          span: e.span,
        };
      case 'Perform': {
        const op = this.p.effectOps.get(e);
        const effect = op?.effectOp?.qualifiedName ?? e.effect.name;
        const args = e.args.map((a) => this.lowerExpr(a.value));
        const budget = this.cell?.budgets.get(effect);
        const check =
          budget !== undefined && !this.specMode
            ? this.newCheck(
                'effect-budget',
                e.span,
                `calls(${e.effect.name}) <= ${budget}`,
                `this may exceed the budget of ${budget} calls to \`${e.effect.name}\``,
                `the budget of ${budget} calls to \`${e.effect.name}\` is respected`,
              )
            : null;
        return { kind: 'Perform', effect, op: op?.name ?? e.op.name, args, budget: check, type: this.typeOf(e), span: e.span };
      }
      case 'Resume':
        return { kind: 'Resume', value: e.value ? this.lowerExpr(e.value) : null, span: e.span };
      case 'Halt': {
        const check = this.newCheck('halt', e.span, 'unreachable', 'this `halt` is reachable', 'this `halt` is unreachable');
        return { kind: 'Halt', message: e.message ? this.lowerExpr(e.message) : null, check, span: e.span };
      }
      case 'Quant':
        return this.lowerQuant(e);
      case 'Old':
        return { kind: 'Old', expr: this.lowerExpr(e.expr), span: e.span };
      case 'BlockExpr':
        return { kind: 'Block', block: this.lowerBlock(e.block), span: e.span };
    }
  }

  private lowerName(e: A.NameExpr): IrExpr {
    const sym: Symbol | undefined = this.p.names.get(e);
    if (!sym) return constNull(e.span);
    switch (sym.kind) {
      case 'Local': {
        const v = this.varOf(sym);
        const narrowed = this.typeOf(e);
        if (v.type.kind === 'Union' && narrowed.kind !== 'Union' && narrowed.kind !== 'Null' && narrowed.kind !== 'Error') {
          return { kind: 'Narrow', operand: varExpr(v, v.type, e.span), type: narrowed, span: e.span };
        }
        return varExpr(v, v.type, e.span);
      }
      case 'SelfRef':
        return this.specEnv.self ?? constNull(e.span);
      case 'FieldRef':
        return this.specEnv.fields?.get(sym.field.name) ?? this.specEnv.self ?? constNull(e.span);
      case 'ResultRef': {
        const rv = this.cellSigs.get(sym.cell.qualifiedName)?.resultVar ?? this.cell!.ir.resultVar;
        return varExpr(rv, rv.type, e.span);
      }
      case 'Variant':
        return { kind: 'MakeVariant', enum: sym.enum.qualifiedName, variant: sym.variant.index, args: [], type: this.typeOf(e), span: e.span };
      default:
        return constNull(e.span);
    }
  }

  private lowerBinary(e: A.BinaryExpr): IrExpr {
    const lt = this.typeOf(e.left);
    switch (e.op) {
      case 'and':
        return { kind: 'And', left: this.lowerExpr(e.left), right: this.lowerExpr(e.right), span: e.span };
      case 'or':
        return { kind: 'Or', left: this.lowerExpr(e.left), right: this.lowerExpr(e.right), span: e.span };
      case 'implies':
        return { kind: 'Implies', left: this.lowerExpr(e.left), right: this.lowerExpr(e.right), span: e.span };
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const st = this.stateComparison(e);
        if (st) return st;
        return { kind: 'Cmp', op: e.op, left: this.lowerExpr(e.left), right: this.lowerExpr(e.right), operand: joinOperand(lt, this.typeOf(e.right)), span: e.span };
      }
      case '++':
        return { kind: 'Concat', left: this.lowerExpr(e.left), right: this.lowerExpr(e.right), type: this.typeOf(e), span: e.span };
      case 'in': {
        const r = e.right;
        if (r.kind === 'Binary' && (r.op === '..' || r.op === '..=')) {
          return {
            kind: 'In',
            element: this.lowerExpr(e.left),
            range: { lo: this.lowerExpr(r.left), hi: this.lowerExpr(r.right), inclusive: r.op === '..=' },
            list: null,
            span: e.span,
          };
        }
        return { kind: 'In', element: this.lowerExpr(e.left), range: null, list: this.lowerExpr(r), span: e.span };
      }
      case '..':
      case '..=': {
        // A range used as a value is the list of its elements.
        const lo = this.lowerExpr(e.left);
        let hi = this.lowerExpr(e.right);
        if (e.op === '..=') hi = { kind: 'IntOp', op: '+', left: hi, right: constInt(1n, e.span), overflow: this.overflowCheck(`${printExpr(e.right)} + 1`, e.span), divZero: null, span: e.span };
        return { kind: 'Builtin', name: 'range', args: [lo, hi], check: null, type: { kind: 'List', elem: INT }, span: e.span };
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '//':
      case '%':
      case '**': {
        const left = this.lowerExpr(e.left);
        const right = this.lowerExpr(e.right);
        if (lt.kind === 'Float') {
          const op = e.op === '//' || e.op === '%' ? '/' : e.op;
          return { kind: 'FloatOp', op, left, right, span: e.span };
        }
        const text = printExpr(e);
        const isDiv = e.op === '/' || e.op === '//' || e.op === '%';
        const overflow = e.op === '%' ? null : this.overflowCheck(text, e.span);
        const divZero = isDiv ? this.divCheck(e.right, e) : null;
        return { kind: 'IntOp', op: e.op, left, right, overflow, divZero, span: e.span };
      }
    }
  }

  /** `state(f) == Open`. */
  private stateComparison(e: A.BinaryExpr): IrExpr | null {
    if (e.op !== '==' && e.op !== '!=') return null;
    const call = e.left.kind === 'Call' ? e.left : e.right.kind === 'Call' ? e.right : null;
    const other = call === e.left ? e.right : e.left;
    if (!call || other.kind !== 'Name') return null;
    const target = this.p.calls.get(call);
    if (!target || target.kind !== 'State') return null;
    const arg = target.arg;
    const sym = arg.kind === 'Name' ? this.p.names.get(arg) : undefined;
    if (!sym || sym.kind !== 'Local') return null;
    const is: IrExpr = { kind: 'StateIs', v: this.varOf(sym), typestate: target.typestate.record.qualifiedName, state: other.name, span: e.span };
    return e.op === '==' ? is : { kind: 'Not', operand: is, span: e.span };
  }

  private lowerQuant(e: A.QuantExpr): IrExpr {
    const local = this.p.quantVars.get(e);
    const v = local ? this.varOf(local) : this.fresh(e.variable.name, INT);
    let domain: Extract<IrExpr, { kind: 'Quant' }>['domain'];
    const d = e.domain;
    if (d === null) domain = { kind: 'type' };
    else if (d.kind === 'Binary' && (d.op === '..' || d.op === '..=')) {
      domain = { kind: 'range', lo: this.lowerExpr(d.left), hi: this.lowerExpr(d.right), inclusive: d.op === '..=' };
    } else domain = { kind: 'list', list: this.lowerExpr(d) };
    return { kind: 'Quant', quantifier: e.quantifier, v, domain, body: this.lowerExpr(e.body), span: e.span };
  }

  private lowerCall(e: A.CallExpr): IrExpr {
    const t: CallTarget | undefined = this.p.calls.get(e);
    if (!t) return constNull(e.span);
    const type = this.typeOf(e);
    switch (t.kind) {
      case 'Cell':
        return this.lowerCellCall(e, t.cell, t.args);
      case 'Record':
        return this.lowerRecordCons(e, t.record, t.fields, t.spread);
      case 'Variant':
        return this.lowerVariantCons(e, t.enum, t.variant, t.args, type);
      case 'ResultCtor':
        return { kind: 'MakeResult', which: t.which, arg: this.lowerExpr(t.arg), type, span: e.span };
      case 'Calls':
        return { kind: 'Calls', effect: t.effect.qualifiedName, span: e.span };
      case 'State':
        // `state(x)` outside a comparison with a state name: compare against the initial state.
        return constNull(e.span);
      case 'Builtin': {
        const args = t.args.map((a) => this.lowerExpr(a));
        if (t.name === 'len') return { kind: 'Len', operand: args[0]!, span: e.span };
        let check: CheckId | null = null;
        if (t.name === 'abs' && this.typeOf(t.args[0]!).kind === 'Int') check = this.overflowCheck(printExpr(e), e.span);
        if (t.name === 'to_int' && !this.specMode) check = this.overflowCheck(printExpr(e), e.span);
        return { kind: 'Builtin', name: t.name, args, check, type, span: e.span };
      }
    }
  }

  private lowerCellCall(e: A.CallExpr, callee: CellInfo, args: readonly A.Arg[]): IrExpr {
    const sig = this.cellSigs.get(callee.qualifiedName)!;
    const loweredArgs = args.map((a, i) => coerce(this.lowerExpr(a.value), sig.params[i]?.v.type ?? irType(this.lowerExpr(a.value))));
    const calleeName = callee.name;
    const pre: PreCheck[] = this.specMode
      ? []
      : sig.requires.map((clause) => {
          const isRef = clause.origin === 'refinement';
          const check = this.newCheck(
            isRef ? 'refinement' : 'precondition',
            e.span,
            clause.text,
            isRef
              ? `an argument of \`${calleeName}\` may violate the refinement \`${clause.text}\``
              : `precondition \`${clause.text}\` of \`${calleeName}\` may not hold`,
            isRef ? `the arguments satisfy \`${clause.text}\`` : `precondition \`${clause.text}\` of \`${calleeName}\` holds`,
            [{ span: clause.span, message: isRef ? `the refinement of the parameter of \`${calleeName}\`` : `the precondition of \`${calleeName}\`` }],
          );
          return { check, cond: clause.cond };
        });
    const ctx = this.cell;
    let termination: CheckId | null = null;
    if (!this.specMode && ctx && ctx.recursiveGroup.has(callee.qualifiedName)) {
      const measure = callee.decl.decreases ? printExpr(callee.decl.decreases) : null;
      termination = this.newCheck(
        'termination',
        e.span,
        measure ? `decreases ${measure}` : 'decreases',
        measure
          ? `the measure \`${measure}\` may not decrease at this recursive call`
          : `cannot show that this recursion terminates; add a \`decreases\` clause to \`${calleeName}\``,
        'the recursion terminates',
        callee.decl.decreases ? [{ span: callee.decl.decreases.span, message: 'the measure' }] : [],
      );
    }
    const budgets: { effect: string; check: CheckId }[] = [];
    if (!this.specMode && ctx) {
      for (const eff of callee.effects) {
        const name = eff.effect.qualifiedName;
        const b = ctx.budgets.get(name);
        if (b === undefined) continue;
        budgets.push({
          effect: name,
          check: this.newCheck(
            'effect-budget',
            e.span,
            `calls(${eff.effect.name}) <= ${b}`,
            `this call may exceed the budget of ${b} calls to \`${eff.effect.name}\``,
            `the budget of ${b} calls to \`${eff.effect.name}\` is respected`,
          ),
        });
      }
    }
    const mutRefs: { arg: number; v: IrVar }[] = [];
    args.forEach((a, i) => {
      if (a.mode === 'mutref' && a.value.kind === 'Name') {
        const sym = this.p.names.get(a.value);
        if (sym && sym.kind === 'Local') mutRefs.push({ arg: i, v: this.varOf(sym) });
      }
    });
    return {
      kind: 'Call',
      cell: callee.qualifiedName,
      args: loweredArgs,
      pre,
      termination,
      budgets,
      mutRefs,
      ...(this.specMode ? { spec: true } : {}),
      type: this.typeOf(e),
      span: e.span,
    };
  }

  private lowerRecordCons(e: A.CallExpr, record: RecordInfo, fields: readonly (A.Expr | null)[], spread: A.Expr | null): IrExpr {
    const rec = this.records.get(record.qualifiedName)!;
    const stmts: IrStmt[] = [];
    const sp = e.span;
    let spreadVar: IrVar | null = null;
    if (spread) {
      spreadVar = this.fresh('$base', this.typeOf(spread));
      stmts.push({ kind: 'Let', v: spreadVar, init: this.lowerExpr(spread), span: spread.span });
    }
    const temps: IrVar[] = rec.fields.map((f, i) => {
      const src = fields[i];
      const tmp = this.fresh(`$${f.name}`, f.type);
      const init: IrExpr = src
        ? this.lowerExpr(src)
        : { kind: 'Field', target: varExpr(spreadVar!, spreadVar!.type, sp), record: rec.name, field: i, type: f.type, span: sp };
      stmts.push({ kind: 'Let', v: tmp, init, span: src ? src.span : sp });
      return tmp;
    });
    if (!this.specMode) {
      // Each field refinement is a check: from a refined alias type → `refinement`,
      // from the field's own `where` → `record-invariant`.
      const env: SpecEnv = { self: null, fields: new Map(rec.fields.map((f, i) => [f.name, varExpr(temps[i]!, f.type, sp)])) };
      record.fields.forEach((f, i) => {
        // Only fields given explicitly (or all fields when constructing from scratch) can break an invariant
        // that mentions them; checking all is simplest and still sound.
        for (const ref of f.type.refinements) {
          const text = printExpr(ref.predicate);
          const fromAlias = ref.binder.kind === 'SelfRef';
          const valueSpan = fields[i]?.span ?? sp;
          const check = this.newCheck(
            fromAlias ? 'refinement' : 'record-invariant',
            fromAlias ? valueSpan : sp,
            fromAlias ? text : `${rec.name.split('.').pop()}.${f.name}: ${text}`,
            fromAlias
              ? `field \`${f.name}\` may violate the refinement \`${text}\``
              : `the invariant \`${text}\` of \`${record.name}\` may not hold for this value`,
            fromAlias ? `field \`${f.name}\` satisfies \`${text}\`` : `the invariant \`${text}\` of \`${record.name}\` holds`,
            [{ span: ref.span, message: fromAlias ? 'the refinement is declared here' : 'the field invariant is declared here' }],
          );
          const cond = this.withSpec(env, () => this.lowerRefinementPred(ref, varExpr(temps[i]!, temps[i]!.type, sp)));
          stmts.push({ kind: 'Check', check, cond, span: sp });
        }
        // Refined aliases inside the field's type (`items: list[Small]`) come from an alias: `refinement`.
        const valueSpan = fields[i]?.span ?? sp;
        const inner = this.spec(() => this.innerPred(f.type, varExpr(temps[i]!, temps[i]!.type, sp), nameText(f.name, valueSpan), f.span));
        if (inner) stmts.push(this.partCheck(inner, valueSpan, `field \`${f.name}\``, f.span));
      });
    }
    const make: IrExpr = {
      kind: 'MakeRecord',
      record: rec.name,
      fields: temps.map((t) => varExpr(t, t.type, sp)),
      type: this.typeOf(e),
      span: sp,
    };
    return { kind: 'Block', block: { stmts, value: make, span: sp }, span: sp };
  }

  /**
   * `Some(v)`: when the payload has refined fields (from aliases), each is a
   * `refinement` check over a temporary holding its value, placed before the
   * construction as for records.
   */
  private lowerVariantCons(e: A.CallExpr, en: EnumInfo, variant: VariantInfo, args: readonly A.Expr[], type: Type): IrExpr {
    const lowered = args.map((a) => this.lowerExpr(a));
    const make = (xs: IrExpr[]): IrExpr => ({ kind: 'MakeVariant', enum: en.qualifiedName, variant: variant.index, args: xs, type, span: e.span });
    if (this.specMode || !variant.fields.some((f) => isRefined(f.type))) return make(lowered);
    const sp = e.span;
    const stmts: IrStmt[] = [];
    const temps = lowered.map((x, i) => {
      const f = variant.fields[i];
      // A refined field's value converted to the field's type (`Int` into `Small?`), so its parts line up.
      const init = f && isRefined(f.type) ? coerce(x, f.type.type) : x;
      const tmp = this.fresh(`$${f?.name ?? i}`, irType(init));
      stmts.push({ kind: 'Let', v: tmp, init, span: args[i]!.span });
      return tmp;
    });
    variant.fields.forEach((f, i) => {
      const tmp = temps[i];
      if (!tmp || !isRefined(f.type) || !typeEquals(tmp.type, f.type.type)) return;
      const valueSpan = args[i]!.span;
      // A positional payload is named by the argument as written.
      const text = /^[0-9]+$/.test(f.name) ? args[i]! : nameText(f.name, valueSpan);
      const pred = this.spec(() => this.partPred(f.type, varExpr(tmp, tmp.type, valueSpan), text, f.span));
      if (pred) stmts.push(this.partCheck(pred, valueSpan, `the payload \`${payloadName(variant, i)}\` of \`${variant.name}\``, f.span));
    });
    return { kind: 'Block', block: { stmts, value: make(temps.map((t) => varExpr(t, t.type, sp))), span: sp }, span: sp };
  }

  private lowerMatch(e: A.MatchExpr): IrExpr {
    const scrutinee = this.lowerExpr(e.scrutinee);
    const arms: IrArm[] = e.arms.map((arm) => ({
      pattern: this.lowerPattern(arm.pattern),
      guard: arm.guard ? this.lowerExpr(arm.guard) : null,
      body: coerceBlock(this.lowerBlock(arm.body), this.typeOf(e)),
      span: arm.span,
    }));
    const st = this.typeOf(e.scrutinee);
    const exhaustive = arms.some((a) => a.guard === null && irrefutable(a.pattern)) || coversByType(st, arms);
    const text = printExpr(e.scrutinee);
    const check = exhaustive
      ? null
      : this.newCheck('match', headSpan(e.span), text, `no arm matches some value of \`${text}\``, `the arms cover every value of \`${text}\``);
    return { kind: 'Match', scrutinee, arms, check, type: this.typeOf(e), span: e.span };
  }

  private lowerPattern(p: A.Pattern): IrPattern {
    const t = this.p.patterns.get(p);
    switch (p.kind) {
      case 'PWild':
        return { kind: 'Wild' };
      case 'PBind':
        if (t && t.kind === 'Variant') return { kind: 'Variant', enum: t.enum.qualifiedName, variant: t.variant.index, args: [] };
        if (t && t.kind === 'Bind') return { kind: 'Bind', v: this.varOf(t.local) };
        return { kind: 'Wild' };
      case 'PLit': {
        const v = p.value;
        if (typeof v === 'bigint') return { kind: 'Lit', value: { kind: 'Int', value: v } };
        if (typeof v === 'string') return { kind: 'Lit', value: { kind: 'String', value: v } };
        if (typeof v === 'boolean') return { kind: 'Lit', value: { kind: 'Bool', value: v } };
        return { kind: 'Lit', value: { kind: 'Null' } };
      }
      case 'PRange':
        return { kind: 'Range', lo: p.lo, hi: p.hi, inclusive: p.inclusive };
      case 'PTuple':
        return { kind: 'Tuple', elems: p.elems.map((x) => this.lowerPattern(x)) };
      case 'PType':
        if (t && t.kind === 'Type') return { kind: 'Type', type: t.type, v: this.varOf(t.local) };
        return { kind: 'Wild' };
      case 'PCtor': {
        if (!t) return { kind: 'Wild' };
        switch (t.kind) {
          case 'Variant':
            return { kind: 'Variant', enum: t.enum.qualifiedName, variant: t.variant.index, args: t.args.map((x) => this.lowerPattern(x)) };
          case 'Record':
            return { kind: 'Record', record: t.record.qualifiedName, fields: t.fields.map((x) => (x ? this.lowerPattern(x) : { kind: 'Wild' })) };
          case 'ResultCtor':
            return { kind: 'Result', which: t.which, arg: this.lowerPattern(t.arg) };
          default:
            return { kind: 'Wild' };
        }
      }
    }
  }
}

// ---------------------------------------------------------------- utilities

/** Wraps a value flowing into a union-typed place in an `Inject` (no-op when the types already agree). */
function coerceBlock(b: IrBlock, t: Type): IrBlock {
  if (t.kind !== 'Union') return b;
  if (b.value) return { ...b, value: coerce(b.value, t) };
  // A block without a value is `null`: inject it when the union has a Null member.
  return t.members.some((m) => m.kind === 'Null') ? { ...b, value: coerce(constNull(b.span), t) } : b;
}

export function coerce(e: IrExpr, target: Type): IrExpr {
  if (target.kind !== 'Union') return e;
  const from = irType(e);
  if (from.kind === 'Union' || from.kind === 'Never' || from.kind === 'Error') return e;
  if (e.kind === 'Block') return { ...e, block: { ...e.block, value: e.block.value ? coerce(e.block.value, target) : e.block.value } };
  return { kind: 'Inject', operand: e, type: target, span: e.span };
}

/** A name as an expression, for the text of a generated predicate. */
function nameText(name: string, span: Span): A.Expr {
  return { kind: 'Name', name, span };
}

/** The bound variable of the `depth`-th nested list quantifier in a predicate's text. */
function boundName(depth: number, around: A.Expr): string {
  const names = ['x', 'y', 'z', 'w'];
  const base = depth < names.length ? names[depth]! : `x${depth}`;
  // Keep clear of the value's own name (a parameter called `x`).
  return around.kind === 'Name' && around.name === base ? `${base}_` : base;
}

/** A payload field as the text of a predicate: its name, or `Variant.0` for a positional one. */
function payloadName(v: VariantInfo, i: number): string {
  const f = v.fields[i]!;
  return /^[0-9]+$/.test(f.name) ? `${v.name}.${f.name}` : f.name;
}

/** An alias predicate's AST with `self` replaced by `value` (for text only; `self` is a keyword). */
function replaceSelf(pred: A.Expr, value: A.Expr): A.Expr {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (n === null || typeof n !== 'object') return n;
    const node = n as { kind?: unknown; name?: unknown };
    if (node.kind === 'Name' && node.name === 'self') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) out[k] = k === 'span' ? v : walk(v);
    return out;
  };
  return walk(pred) as A.Expr;
}

/** The conjunction of the non-null predicates; null when there are none. */
function conj(parts: readonly (Pred | null)[], span: Span): Pred | null {
  let acc: Pred | null = null;
  for (const p of parts) {
    if (!p) continue;
    acc = acc === null ? p : { cond: { kind: 'And', left: acc.cond, right: p.cond, span }, text: { kind: 'Binary', op: 'and', left: acc.text, right: p.text, span } };
  }
  return acc;
}

function constInt(value: bigint, span: Span): IrExpr {
  return { kind: 'Const', value: { kind: 'Int', value }, type: INT, span };
}

function constNull(span: Span): IrExpr {
  return { kind: 'Const', value: { kind: 'Null' }, type: NULL, span };
}

function varExpr(v: IrVar, _type: Type, span: Span): IrExpr {
  return { kind: 'Var', v, span };
}

function headSpan(span: Span): Span {
  return { file: span.file, start: span.start, end: span.start + 1 };
}

function lastStmtSpan(b: A.Block): Span {
  const last = b.stmts[b.stmts.length - 1];
  return last ? last.span : b.span;
}

/** A loop body as statements: a trailing value is evaluated for its effects. */
function blockAsStmts(b: IrBlock): IrBlock {
  if (b.value === null) return b;
  return { stmts: [...b.stmts, { kind: 'Expr', expr: b.value, span: b.value.span }], value: null, span: b.span };
}

/** The type of an IR expression, as far as the lowering needs it. */
export function irType(e: IrExpr): Type {
  switch (e.kind) {
    case 'Const':
      return e.type;
    case 'Var':
      return e.v.type;
    case 'IntOp':
    case 'IntNeg':
    case 'Len':
    case 'Calls':
      return INT;
    case 'FloatOp':
    case 'FloatNeg':
      return { kind: 'Float' };
    case 'Cmp':
    case 'Not':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Quant':
    case 'In':
    case 'StateIs':
    case 'IsType':
      return BOOL;
    case 'Interp':
      return STRING;
    case 'Block':
      return e.block.value ? irType(e.block.value) : NULL;
    case 'Old':
      return irType(e.expr);
    case 'Narrow':
    case 'Inject':
      return e.type;
    case 'Halt':
      return { kind: 'Never' };
    case 'Resume':
      return { kind: 'Never' };
    default:
      return e.type;
  }
}

function tupleElems(t: Type): readonly Type[] {
  return t.kind === 'Tuple' ? t.elems : [];
}

function joinOperand(a: Type, b: Type): Type {
  if (a.kind === 'Null' || a.kind === 'Never' || a.kind === 'Error') return b;
  return a;
}

/** The vars passed `mut ref` to some call inside a block. */
function mutRefVars(b: IrBlock): Set<number> {
  const out = new Set<number>();
  const seen = new Set<unknown>();
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== 'object' || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) {
      n.forEach(walk);
      return;
    }
    const node = n as { kind?: unknown; mutRefs?: readonly { v: IrVar }[] };
    if (node.kind === 'Call' && node.mutRefs) for (const m of node.mutRefs) out.add(m.v.id);
    for (const [k, v] of Object.entries(n)) if (k !== 'span' && k !== 'type' && k !== 'v') walk(v);
  };
  walk(b);
  return out;
}

/** `xs = push(xs, e)`. */
function isSelfPush(v: IrVar, value: IrExpr): boolean {
  return value.kind === 'Builtin' && value.name === 'push' && value.args.length === 2 && value.args[0]!.kind === 'Var' && value.args[0]!.v.id === v.id;
}

/** `xs[len(xs) - 1]` in a specification (the list is known to be non-empty). */
function lastElement(xs: IrVar, span: Span): IrExpr {
  const elem = xs.type.kind === 'List' ? xs.type.elem : NULL;
  const list = varExpr(xs, xs.type, span);
  const last: IrExpr = { kind: 'IntOp', op: '-', left: { kind: 'Len', operand: list, span }, right: constInt(1n, span), overflow: null, divZero: null, span };
  return { kind: 'Index', target: list, index: last, check: null, type: elem, span };
}

/**
 * Vars assigned anywhere in a block (loop-carried state). Only code is
 * searched (no specification parts). Every expression is entered, `Inject`
 * included: an `if` whose branches assign and whose value flows into a
 * union-typed place is wrapped in one.
 */
export function modifiedVars(b: IrBlock): IrVar[] {
  const out = new Map<number, IrVar>();
  walkBlock(
    b,
    {
      expr: (e) => {
        if (e.kind === 'Call') for (const m of e.mutRefs) out.set(m.v.id, m.v);
      },
      stmt: (s) => {
        if (s.kind === 'Assign' || s.kind === 'SetIndex') out.set(s.v.id, s.v);
      },
    },
    { specs: false },
  );
  return [...out.values()].sort((x, y) => x.id - y.id);
}

function irrefutable(p: IrPattern): boolean {
  switch (p.kind) {
    case 'Wild':
    case 'Bind':
      return true;
    case 'Tuple':
      return p.elems.every(irrefutable);
    case 'Record':
      return p.fields.every(irrefutable);
    default:
      return false;
  }
}

/** Enum, Bool and result matches whose unguarded arms cover every constructor. */
function coversByType(t: Type, arms: readonly IrArm[]): boolean {
  const unguarded = arms.filter((a) => a.guard === null).map((a) => a.pattern);
  if (t.kind === 'Enum') {
    const covered = new Set<number>();
    for (const p of unguarded) if (p.kind === 'Variant' && p.args.every(irrefutable)) covered.add(p.variant);
    return t.info.variants.every((v) => covered.has(v.index));
  }
  if (t.kind === 'Bool') {
    const vals = new Set(unguarded.flatMap((p) => (p.kind === 'Lit' && p.value.kind === 'Bool' ? [p.value.value] : [])));
    return vals.has(true) && vals.has(false);
  }
  if (t.kind === 'Result') {
    const w = new Set(unguarded.flatMap((p) => (p.kind === 'Result' && irrefutable(p.arg) ? [p.which] : [])));
    return w.has('ok') && w.has('err');
  }
  return false;
}

/**
 * Guesses a termination measure from a loop guard, as Dafny does:
 * `a < b` → `b - a`, `a <= b` → `b - a + 1`, `a > b` → `a - b`, `a >= b` → `a - b + 1`,
 * `a != b` → none; for a conjunction, the first comparison that yields one.
 */
export function guessMeasure(cond: A.Expr): A.Expr | null {
  if (cond.kind === 'Binary' && cond.op === 'and') return guessMeasure(cond.left) ?? guessMeasure(cond.right);
  if (cond.kind !== 'Binary') return null;
  const sp = cond.span;
  const minus = (l: A.Expr, r: A.Expr): A.Expr => ({ kind: 'Binary', op: '-', left: l, right: r, span: sp });
  const plus1 = (x: A.Expr): A.Expr => ({ kind: 'Binary', op: '+', left: x, right: { kind: 'Int', value: 1n, span: sp }, span: sp });
  switch (cond.op) {
    case '<':
      return minus(cond.right, cond.left);
    case '<=':
      return plus1(minus(cond.right, cond.left));
    case '>':
      return minus(cond.left, cond.right);
    case '>=':
      return plus1(minus(cond.left, cond.right));
    default:
      return null;
  }
}
