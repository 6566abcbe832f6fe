// Everything inside declarations, once all signatures are known: the
// refinement predicates of aliases (`self`), record fields (the field and
// earlier fields, as `FieldRef`s), parameters (that parameter and earlier
// ones) and return types (`result`); contracts (`requires`, `ensures`,
// `decreases`); and cell bodies against their return type and effect row.

import type * as A from '../ast.js';
import type { CellInfo, FieldInfo, RecordInfo, Refinement, Type } from '../types.js';
import { BOOL, INT } from '../types.js';
import type { Ctx, SpecCtx, SpecKind } from './context.js';
import { EMPTY_SET, NO_CELL, plainSpec, setOf } from './context.js';
import type { Collected } from './decls.js';
import { aliasInfoOf, cellInfoOf, recordInfoOf } from './decls.js';
import { expectType, reportMismatch } from './exprs.js';
import { checkNotReferenceIn } from './names.js';
import { LocalScope } from './scope.js';
import { checkStmts } from './stmts.js';

export function checkBodies(ctx: Ctx, collected: Collected): void {
  for (const mod of collected.scopes) {
    ctx.mod = mod;
    for (const d of mod.ast.decls) {
      switch (d.kind) {
        case 'TypeAlias':
          checkAlias(ctx, d);
          break;
        case 'Record': {
          const info = recordInfoOf(d);
          if (info) checkFieldRefinements(ctx, info);
          break;
        }
        case 'Effect':
          for (const op of d.ops) {
            const info = cellInfoOf(op);
            if (info) checkCell(ctx, info);
          }
          break;
        case 'Cell': {
          const info = cellInfoOf(d);
          if (info) checkCell(ctx, info);
          break;
        }
        default:
          break;
      }
      ctx.typeParams = EMPTY_SET;
      ctx.flush();
    }
  }
}

function spec(kind: SpecKind, extra: Partial<SpecCtx>): SpecCtx {
  return { kind, result: null, self: null, fields: null, later: null, ...extra };
}

/** The predicates written at the top of a type (`T where P where Q` → [P, Q]). */
function ownPredicates(te: A.TypeExpr): Set<A.Expr> {
  const out = new Set<A.Expr>();
  for (let t = te; t.kind === 'TRefined'; t = t.base) out.add(t.predicate);
  return out;
}

function checkPredicate(ctx: Ctx, s: SpecCtx, e: A.Expr): void {
  checkInSpec(ctx, s, e, BOOL);
}

function checkInSpec(ctx: Ctx, s: SpecCtx, e: A.Expr, type: Type): void {
  const saved = ctx.spec;
  ctx.spec = s;
  expectType(ctx, e, type);
  ctx.spec = saved;
}

function checkAlias(ctx: Ctx, d: A.TypeAliasDecl): void {
  const alias = aliasInfoOf(d);
  if (!alias || !alias.resolved) return;
  ctx.typeParams = setOf(alias.typeParams);
  const own = ownPredicates(d.type);
  ctx.scope = new LocalScope(null);
  for (const r of alias.resolved.refinements) {
    if (own.has(r.predicate)) checkPredicate(ctx, spec('where', { self: alias.resolved.type }), r.predicate);
  }
}

function checkFieldRefinements(ctx: Ctx, record: RecordInfo): void {
  ctx.typeParams = setOf(record.typeParams);
  ctx.scope = new LocalScope(null);
  const visible = new Map<string, { field: FieldInfo; type: Type }>();
  record.fields.forEach((f, i) => {
    visible.set(f.name, { field: f, type: f.type.type });
    const later = new Set(record.fields.slice(i + 1).map((x) => x.name));
    for (const r of f.type.refinements) {
      if (r.binder.kind !== 'FieldRef' || r.binder.field !== f) continue;
      checkPredicate(ctx, spec('where', { fields: { record, visible: new Map(visible) }, later: { owner: f.name, names: later } }), r.predicate);
    }
  });
}

function isOwn(r: Refinement, binder: unknown): boolean {
  return r.binder === binder;
}

/** The names of the parameters after the `from`-th (what a refinement of that parameter must not mention). */
class LaterParams {
  constructor(
    private readonly params: readonly { readonly name: string }[],
    private readonly from: number,
  ) {}

  has(name: string): boolean {
    for (let i = this.from; i < this.params.length; i++) if (this.params[i]!.name === name) return true;
    return false;
  }
}

/** A cell's (or effect operation's) refinements, contract and body. */
export function checkCell(ctx: Ctx, c: CellInfo): void {
  const d = c.decl;
  ctx.typeParams = setOf(c.typeParams);
  ctx.cell = {
    info: c,
    ret: c.ret.type,
    row: c.effects.length === 0 ? EMPTY_SET : new Set(c.effects.map((e) => e.effect)),
    handled: [],
    loopDepth: 0,
    handler: null,
    pure: d.pure,
  };
  try {
    // Each parameter refinement sees that parameter and the earlier ones.
    const params = c.params;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const refinements = c.paramTypes[i]!.refinements;
      let own = false;
      for (const r of refinements) if (isOwn(r, p)) own = true;
      if (!own) continue;
      ctx.scope = new LocalScope(null);
      for (let j = 0; j <= i; j++) ctx.declare(params[j]!);
      const later = { owner: p.name, names: new LaterParams(params, i + 1) };
      const s = spec('where', { later });
      for (const r of refinements) if (isOwn(r, p)) checkPredicate(ctx, s, r.predicate);
    }
    ctx.scope = new LocalScope(null);
    for (const p of params) ctx.declare(p);
    let result: SpecCtx['result'] = null;
    for (const r of c.ret.refinements) {
      if (r.binder.kind === 'ResultRef') checkPredicate(ctx, spec('where', { result: (result ??= { cell: c, type: c.ret.type }) }), r.predicate);
    }
    for (const r of d.requires) checkPredicate(ctx, plainSpec('requires'), r);
    if (d.ensures.length > 0) {
      const ensures = spec('ensures', { result: (result ??= { cell: c, type: c.ret.type }) });
      for (const e of d.ensures) checkPredicate(ctx, ensures, e);
    }
    if (d.decreases) checkInSpec(ctx, plainSpec('decreases'), d.decreases, INT);
    if (d.body) checkCellBody(ctx, c, d.body);
  } finally {
    ctx.cell = NO_CELL;
    ctx.scope = new LocalScope(null);
  }
}

function checkCellBody(ctx: Ctx, c: CellInfo, body: A.Block): void {
  ctx.scope = new LocalScope(ctx.scope);
  const t = checkStmts(ctx, body, c.ret.type);
  const last = body.stmts[body.stmts.length - 1];
  if (!ctx.u.assignable(c.ret.type, t)) {
    if (last && last.kind === 'ExprStmt') reportMismatch(ctx, last.expr, c.ret.type, t);
    else reportMismatch(ctx, { span: last ? last.span : c.decl.name.span }, c.ret.type, t);
  }
  if (last && last.kind === 'ExprStmt') checkNotReferenceIn(ctx, last.expr, 'returned');
}
