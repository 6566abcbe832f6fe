// Patterns and `match`: binding locals, constructor patterns for variants,
// records and `ok`/`err`, literal and range patterns, type patterns over
// unions (`n: Int`), the narrowing of a union scrutinee arm after arm, and
// type-level exhaustiveness (enums, results and unions; Int/String/range
// matches are left to the verifier's `match` check).

import type * as A from '../ast.js';
import { ERROR_NAME } from '../parser.js';
import type { Span } from '../span.js';
import { typeToString } from '../typeprint.js';
import type { EnumInfo, RecordInfo, Type, VariantInfo } from '../types.js';
import { ERROR, NEVER } from '../types.js';
import type { Ctx } from './context.js';
import { checkBool, checkExpr, findByName, joinBranches, type Expect } from './exprs.js';
import { pickVariant } from './names.js';
import { didYouMean } from './scope.js';
import { branchValueSpan, checkBlock } from './stmts.js';
import { isNullable, paramMap, removeMember, removeNull, resolveType, substitute, typeEquals } from './types.js';

export interface PatternMode {
  readonly kind: 'let' | 'match' | 'for';
  readonly mutable: boolean;
}

function text(ctx: Ctx, t: Type): string {
  return typeToString(ctx.u.zonk(t, null));
}

/**
 * Checks `p` against a value of type `t`, declaring its bindings in the
 * current scope. `bound` holds the names already bound by the enclosing
 * pattern (created for tuple and constructor patterns, which can repeat one).
 */
export function checkPattern(ctx: Ctx, p: A.Pattern, t: Type, mode: PatternMode, bound: Map<string, A.Ident> | null = null): void {
  const tt = ctx.prune(t);
  switch (p.kind) {
    case 'PWild':
      return;
    case 'PBind': {
      if (p.name.name === ERROR_NAME) return;
      const v = mode.kind === 'match' ? variantForBareName(ctx, p.name.name, tt, p.span) : null;
      if (v) {
        if (v.variant.fields.length > 0) ctx.report('E0122', p.span, [v.variant.name]);
        enumMatch(ctx, tt, v.enum, p.span);
        ctx.patterns.set(p, { kind: 'Variant', enum: v.enum, variant: v.variant, args: [] });
        return;
      }
      bind(ctx, p, p.name, tt, mode, bound);
      return;
    }
    case 'PLit': {
      const v = p.value;
      const ok =
        v === null ? isNullable(tt) || tt.kind === 'Error' : accepts(ctx, tt, typeof v === 'bigint' ? 'Int' : typeof v === 'string' ? 'String' : 'Bool');
      if (!ok) ctx.report('E0140', p.span, [text(ctx, tt)]);
      return;
    }
    case 'PRange':
      if (!accepts(ctx, tt, 'Int')) ctx.report('E0140', p.span, [text(ctx, tt)]);
      return;
    case 'PTuple': {
      let elems: readonly Type[] | null = null;
      if (tt.kind === 'Tuple' && tt.elems.length === p.elems.length) elems = tt.elems;
      else if (tt.kind === 'TypeParam' && tt.name.startsWith('?')) {
        const fresh = p.elems.map(() => ctx.u.fresh());
        ctx.u.unify(tt, { kind: 'Tuple', elems: fresh });
        elems = fresh;
      } else if (tt.kind !== 'Error') ctx.report('E0140', p.span, [text(ctx, tt)]);
      const names = bound ?? new Map<string, A.Ident>();
      for (let i = 0; i < p.elems.length; i++) checkPattern(ctx, p.elems[i]!, elems ? elems[i]! : ERROR, mode, names);
      return;
    }
    case 'PType': {
      const declared = resolveType(ctx, p.type);
      if (tt.kind !== 'Error' && !ctx.u.assignable(tt, declared)) ctx.report('E0140', p.span, [text(ctx, tt)]);
      const local = bind(ctx, p, p.name, declared, mode, bound);
      if (local) ctx.patterns.set(p, { kind: 'Type', local, type: declared });
      return;
    }
    case 'PCtor':
      return checkCtorPattern(ctx, p, tt, mode, bound ?? new Map<string, A.Ident>());
  }
}

function bind(ctx: Ctx, p: A.Pattern, name: A.Ident, t: Type, mode: PatternMode, bound: Map<string, A.Ident> | null) {
  if (name.name === ERROR_NAME) return null;
  if (bound !== null) {
    if (bound.has(name.name)) {
      ctx.report('E0144', name.span, [name.name]);
      return null;
    }
    bound.set(name.name, name);
  }
  const local = ctx.newLocal(name.name, t, mode.mutable, name.span);
  ctx.declare(local);
  if (p.kind === 'PBind') ctx.patterns.set(p, { kind: 'Bind', local });
  return local;
}

/** Does a value of type `t` possibly have the primitive kind? */
function accepts(ctx: Ctx, t: Type, kind: 'Int' | 'String' | 'Bool'): boolean {
  if (t.kind === kind || t.kind === 'Error') return true;
  if (t.kind === 'Union') return t.members.some((m) => ctx.prune(m).kind === kind);
  if (t.kind === 'TypeParam' && t.name.startsWith('?')) return ctx.u.unify(t, { kind } as Type);
  return false;
}

/** A bare name in a match pattern that denotes a variant (of the scrutinee's enum first). */
function variantForBareName(ctx: Ctx, name: string, t: Type, span: Span): { enum: EnumInfo; variant: VariantInfo } | null {
  const n = t.kind === 'Union' ? t.members.length : 1;
  for (let i = 0; i < n; i++) {
    const m = t.kind === 'Union' ? t.members[i]! : t;
    if (m.kind !== 'Enum') continue;
    const variant = findByName(m.info.variants, name);
    if (variant) return { enum: m.info, variant };
  }
  if (!ctx.mod.variants.has(name)) return null;
  return pickVariant(ctx, name, t, span);
}

/** The enum type (with its arguments) that `t` has for a constructor of `info`, or null after reporting. */
function enumMatch(ctx: Ctx, t: Type, info: EnumInfo | RecordInfo, span: Span): Type | null {
  const n = t.kind === 'Union' ? t.members.length : 1;
  for (let i = 0; i < n; i++) {
    const pm = ctx.prune(t.kind === 'Union' ? t.members[i]! : t);
    if ((pm.kind === 'Enum' || pm.kind === 'Record') && pm.info === info) return pm;
  }
  if (t.kind === 'TypeParam' && t.name.startsWith('?')) {
    const args = info.typeParams.map(() => ctx.u.fresh());
    const fresh: Type = 'variants' in info ? { kind: 'Enum', info, args } : { kind: 'Record', info, args };
    ctx.u.unify(t, fresh);
    return fresh;
  }
  if (t.kind !== 'Error') ctx.report('E0140', span, [text(ctx, t)]);
  return null;
}

function checkCtorPattern(ctx: Ctx, p: A.CtorPattern, t: Type, mode: PatternMode, bound: Map<string, A.Ident>): void {
  const path = p.path;
  const first = path[0]!;
  const args = p.args ?? [];
  if (path.length === 1 && (first.name === 'ok' || first.name === 'err')) {
    const which = first.name;
    let inner: Type = ERROR;
    if (t.kind === 'Result') inner = which === 'ok' ? t.ok : t.err;
    else if (t.kind === 'TypeParam' && t.name.startsWith('?')) {
      const r: Type = { kind: 'Result', ok: ctx.u.fresh(), err: ctx.u.fresh() };
      ctx.u.unify(t, r);
      inner = which === 'ok' ? (r as { ok: Type }).ok : (r as { err: Type }).err;
    } else if (t.kind !== 'Error') ctx.report('E0140', p.span, [text(ctx, t)]);
    if (args.length !== 1 || args[0]!.name !== null) {
      ctx.report('E0105', p.span, [which, 1, args.length]);
      checkAllLoosely(ctx, args, mode, bound);
      return;
    }
    checkPattern(ctx, args[0]!.pattern, inner, mode, bound);
    ctx.patterns.set(p, { kind: 'ResultCtor', which, arg: args[0]!.pattern });
    return;
  }
  let variant: { enum: EnumInfo; variant: VariantInfo } | null = null;
  let record: RecordInfo | null = null;
  if (path.length === 2) {
    const te = ctx.mod.types.get(first.name);
    if (te && te.kind === 'Enum') {
      const v = findByName(te.enum.variants, path[1]!.name);
      if (v) variant = { enum: te.enum, variant: v };
      else ctx.report('E0121', path[1]!.span, [te.enum.name, path[1]!.name], didYouMean(path[1]!.name, te.enum.variants.map((x) => x.name)));
    } else ctx.report('E0143', p.span, [path.map((x) => x.name).join('.')]);
  } else if (path.length === 1) {
    const fromType = variantForBareName(ctx, first.name, t, first.span);
    const te = ctx.mod.types.get(first.name);
    if (fromType && !(te && te.kind === 'Record' && !(t.kind === 'Enum' || t.kind === 'Union'))) variant = fromType;
    else if (te && te.kind === 'Record') record = te.record;
    else if (first.name !== ERROR_NAME) {
      const candidates = [...ctx.mod.variants.keys(), ...[...ctx.mod.types.entries()].filter(([, x]) => x.kind === 'Record').map(([n]) => n)];
      ctx.report('E0143', first.span, [first.name], didYouMean(first.name, candidates));
    }
  } else ctx.report('E0143', p.span, [path.map((x) => x.name).join('.')]);

  if (variant) {
    const et = enumMatch(ctx, t, variant.enum, p.span);
    const inst = paramMap(variant.enum.typeParams, et && et.kind === 'Enum' ? et.args : []);
    const fields = variant.variant.fields;
    if (p.args === null) {
      if (fields.length > 0) ctx.report('E0122', p.span, [variant.variant.name]);
      ctx.patterns.set(p, { kind: 'Variant', enum: variant.enum, variant: variant.variant, args: [] });
      return;
    }
    const ordered = matchPatternArgs(ctx, args, ctx.fieldNames(variant.variant), variant.variant.name, p.span, true);
    const full: A.Pattern[] = [];
    for (let i = 0; i < ordered.length; i++) {
      const pat: A.Pattern = ordered[i] ?? { kind: 'PWild', span: p.span };
      checkPattern(ctx, pat, et ? substitute(fields[i]!.type.type, inst) : ERROR, mode, bound);
      full.push(pat);
    }
    ctx.patterns.set(p, { kind: 'Variant', enum: variant.enum, variant: variant.variant, args: full });
    return;
  }
  if (record) {
    const rt = enumMatch(ctx, t, record, p.span);
    const inst = paramMap(record.typeParams, rt && rt.kind === 'Record' ? rt.args : []);
    const ordered = matchPatternArgs(ctx, args, ctx.fieldNames(record), record.name, p.span, false);
    for (let i = 0; i < ordered.length; i++) {
      const x = ordered[i];
      if (x) checkPattern(ctx, x, rt ? substitute(record.fields[i]!.type.type, inst) : ERROR, mode, bound);
    }
    ctx.patterns.set(p, { kind: 'Record', record, fields: ordered });
    return;
  }
  checkAllLoosely(ctx, args, mode, bound);
}

function checkAllLoosely(ctx: Ctx, args: readonly A.CtorPatternArg[], mode: PatternMode, bound: Map<string, A.Ident>): void {
  for (const a of args) checkPattern(ctx, a.pattern, ERROR, mode, bound);
}

/** Positional then named sub-patterns, in field order; unmatched ones are checked loosely. */
function matchPatternArgs(ctx: Ctx, args: readonly A.CtorPatternArg[], names: readonly string[], ctor: string, span: Span, needAllPositional: boolean): (A.Pattern | null)[] {
  const ordered: (A.Pattern | null)[] = new Array<A.Pattern | null>(names.length).fill(null);
  let positional = 0;
  let named = 0;
  for (const a of args) {
    if (a.name) {
      named++;
      const idx = names.indexOf(a.name.name);
      if (idx < 0) ctx.report('E0106', a.name.span, [ctor, a.name.name], didYouMean(a.name.name, names));
      else if (ordered[idx]) ctx.report('E0107', a.name.span, [a.name.name]);
      else {
        ordered[idx] = a.pattern;
        continue;
      }
    } else if (positional < names.length && !ordered[positional]) {
      ordered[positional++] = a.pattern;
      continue;
    } else positional++;
    checkPattern(ctx, a.pattern, ERROR, { kind: 'match', mutable: false });
  }
  if (positional > names.length || (needAllPositional && named === 0 && positional < names.length)) {
    ctx.report('E0105', span, [ctor, names.length, args.length]);
  }
  return ordered;
}

// ---------------------------------------------------------------- refutability

/** A pattern that matches every value of its (checked) type. */
export function isIrrefutable(ctx: Ctx, p: A.Pattern): boolean {
  switch (p.kind) {
    case 'PWild':
      return true;
    case 'PBind': {
      const t = ctx.patterns.get(p);
      return !t || t.kind === 'Bind' || (t.kind === 'Variant' && t.enum.variants.length === 1);
    }
    case 'PTuple':
      return p.elems.every((x) => isIrrefutable(ctx, x));
    case 'PCtor': {
      const t = ctx.patterns.get(p);
      if (!t) return true; // an error was reported
      if (t.kind === 'Record') return t.fields.every((x) => x === null || isIrrefutable(ctx, x));
      if (t.kind === 'Variant') return t.enum.variants.length === 1 && allIrrefutable(ctx, t.args);
      return false;
    }
    default:
      return false;
  }
}

function allIrrefutable(ctx: Ctx, ps: readonly A.Pattern[]): boolean {
  for (let i = 0; i < ps.length; i++) if (!isIrrefutable(ctx, ps[i]!)) return false;
  return true;
}

/** `let`/`for` patterns must be irrefutable (E0142). */
export function requireIrrefutable(ctx: Ctx, p: A.Pattern, what: 'let' | 'for'): void {
  if (!isIrrefutable(ctx, p)) ctx.report('E0142', p.span, [what, describePattern(ctx, p)]);
}

function describePattern(ctx: Ctx, p: A.Pattern): string {
  const t = ctx.patterns.get(p);
  if (t && t.kind === 'Variant') return t.enum.variants.filter((v) => v !== t.variant).map((v) => `\`${v.name}\``).join(', ') || 'other values';
  if (t && t.kind === 'ResultCtor') return t.which === 'ok' ? '`err(_)`' : '`ok(_)`';
  return 'other values';
}

// ---------------------------------------------------------------- match

const MATCH_MODE: PatternMode = { kind: 'match', mutable: false };

export function checkMatch(ctx: Ctx, e: A.MatchExpr, expect: Expect): Type {
  const st = ctx.prune(checkExpr(ctx, e.scrutinee, null));
  let remaining: Type = st;
  const branches: { type: Type; span: Span }[] = [];
  for (const arm of e.arms) {
    const saved = ctx.openScope();
    checkPattern(ctx, arm.pattern, remaining.kind === 'Never' ? st : remaining, MATCH_MODE);
    if (arm.guard) checkBool(ctx, arm.guard);
    const t = checkBlock(ctx, arm.body, expect);
    ctx.scope = saved;
    branches.push({ type: t, span: branchValueSpan(arm.body) });
    if (!arm.guard) remaining = narrowRemaining(ctx, remaining, arm.pattern);
  }
  checkExhaustive(ctx, e, st);
  // A match without arms produces no value.
  if (e.arms.length === 0) return NEVER;
  return joinBranches(ctx, 'match', expect, branches);
}

/** After an unguarded `n: Int` or `null` arm, later arms see the rest of the union. */
function narrowRemaining(ctx: Ctx, remaining: Type, p: A.Pattern): Type {
  const r = ctx.prune(remaining);
  if (r.kind !== 'Union') return remaining;
  if (p.kind === 'PLit' && p.value === null) return removeNull(r);
  const t = ctx.patterns.get(p);
  if (t && t.kind === 'Type') return removeMember(r, ctx.prune(t.type));
  return remaining;
}

function checkExhaustive(ctx: Ctx, e: A.MatchExpr, st: Type): void {
  const unguarded: A.Pattern[] = [];
  for (const a of e.arms) {
    if (a.guard !== null) continue;
    if (isIrrefutable(ctx, a.pattern)) return;
    unguarded.push(a.pattern);
  }
  const missing = missingCases(ctx, st, unguarded, e.arms.map((a) => a.pattern));
  if (missing.length > 0) ctx.report('E0141', e.span, [text(ctx, st), missing.join(', ')], ['add the missing arms, or a `_ ->` arm']);
}

function coversVariant(ctx: Ctx, p: A.Pattern, v: VariantInfo): boolean {
  const t = ctx.patterns.get(p);
  return !!t && t.kind === 'Variant' && t.variant === v && allIrrefutable(ctx, t.args);
}

function someCovers(ctx: Ctx, unguarded: readonly A.Pattern[], v: VariantInfo): boolean {
  for (let i = 0; i < unguarded.length; i++) if (coversVariant(ctx, unguarded[i]!, v)) return true;
  return false;
}

/** What the unguarded patterns leave uncovered, by type (empty for Int, String, Bool…). */
function missingCases(ctx: Ctx, st: Type, unguarded: readonly A.Pattern[], all: readonly A.Pattern[]): string[] {
  switch (st.kind) {
    case 'Enum': {
      const out: string[] = [];
      for (const v of st.info.variants) if (!someCovers(ctx, unguarded, v)) out.push(`\`${v.name}\``);
      return out;
    }
    case 'Result': {
      const out: string[] = [];
      for (const which of ['ok', 'err'] as const) {
        const covered = unguarded.some((p) => {
          const t = ctx.patterns.get(p);
          return t && t.kind === 'ResultCtor' && t.which === which && isIrrefutable(ctx, t.arg);
        });
        if (!covered) out.push(`\`${which}(_)\``);
      }
      return out;
    }
    case 'Union': {
      const out: string[] = [];
      for (const m0 of st.members) {
        const m = ctx.prune(m0);
        const byType = unguarded.some((p) => {
          const t = ctx.patterns.get(p);
          return t && t.kind === 'Type' && typeEquals(ctx.u.zonk(t.type, null), ctx.u.zonk(m, null));
        });
        if (byType) continue;
        let covered = false;
        if (m.kind === 'Null') covered = unguarded.some((p) => p.kind === 'PLit' && p.value === null);
        else if (m.kind === 'Enum') covered = m.info.variants.every((v) => unguarded.some((p) => coversVariant(ctx, p, v)));
        else if (m.kind === 'Record') covered = unguarded.some((p) => ctx.patterns.get(p)?.kind === 'Record' && isIrrefutable(ctx, p));
        // Literal and range arms over Int/String/Bool members are the verifier's business (`match` check).
        else if (m.kind === 'Int') covered = all.some((p) => (p.kind === 'PLit' && typeof p.value === 'bigint') || p.kind === 'PRange');
        else if (m.kind === 'String') covered = all.some((p) => p.kind === 'PLit' && typeof p.value === 'string');
        else if (m.kind === 'Bool') covered = all.some((p) => p.kind === 'PLit' && typeof p.value === 'boolean');
        if (!covered) out.push(`\`${text(ctx, m)}\``);
      }
      return out;
    }
    default:
      return [];
  }
}
