// Declarations: collects every module's top-level names (phase 1), wires the
// imports (phase 2), resolves the types of fields, variants, signatures and
// effect rows (phase 3) and the typestate declarations (phase 4). Bodies and
// specifications are checked afterwards (`checkDeclarationBodies`).

import type * as A from '../ast.js';
import type { LoadedModule } from '../modules.js';
import { importCandidates } from '../modules.js';
import { ERROR_NAME } from '../parser.js';
import type {
  CellInfo,
  EffectInfo,
  EnumInfo,
  FieldInfo,
  LocalSymbol,
  RecordInfo,
  RefinedType,
  Refinement,
  Symbol,
  Type,
  TypestateInfo,
  VariantInfo,
} from '../types.js';
import { BOOL, INT, NULL } from '../types.js';
import type { Ctx } from './context.js';
import { EMPTY_SET, setOf } from './context.js';
import type { AliasInfo, ModuleScope, Mutable } from './scope.js';
import { addVariants, didYouMean, exportedEntry, newModuleScope, qualify } from './scope.js';
import { refined, resolveAlias, resolvePart, resolveRefinedType } from './types.js';

export interface Collected {
  readonly scopes: ModuleScope[];
  readonly cells: CellInfo[];
  readonly records: RecordInfo[];
  readonly enums: EnumInfo[];
  readonly effects: EffectInfo[];
  readonly aliases: AliasInfo[];
  readonly typestates: TypestateInfo[];
}

/** Runs phases 1–4 over the modules (given in dependency order, root last). */
export function collectDeclarations(ctx: Ctx, modules: readonly LoadedModule[]): Collected {
  const out: Collected = { scopes: [], cells: [], records: [], enums: [], effects: [], aliases: [], typestates: [] };
  modules.forEach((m, i) => {
    const mod = newModuleScope(m.name, m.file, m.ast, i === modules.length - 1);
    out.scopes.push(mod);
    declareModule(ctx, mod, out);
  });
  const byFile = new Map(out.scopes.map((s) => [s.file, s]));
  for (const mod of out.scopes) wireImports(ctx, mod, byFile);
  for (const mod of out.scopes) {
    ctx.mod = mod;
    resolveSignatures(ctx, mod);
  }
  for (const mod of out.scopes) {
    ctx.mod = mod;
    for (const d of mod.ast.decls) if (d.kind === 'Typestate') declareTypestate(ctx, mod, d, out);
  }
  return out;
}

// ---------------------------------------------------------------- phase 1: names

/** Per module: the info objects being filled, keyed by declaration. */
const recordOf = new WeakMap<A.RecordDecl, Mutable<RecordInfo>>();
const enumOf = new WeakMap<A.EnumDecl, Mutable<EnumInfo>>();
const cellOf = new WeakMap<A.CellDecl, Mutable<CellInfo>>();
const effectOf = new WeakMap<A.EffectDecl, Mutable<EffectInfo>>();
const aliasOf = new WeakMap<A.TypeAliasDecl, AliasInfo>();

export function cellInfoOf(d: A.CellDecl): CellInfo | undefined {
  return cellOf.get(d);
}

export function recordInfoOf(d: A.RecordDecl): RecordInfo | undefined {
  return recordOf.get(d);
}

export function aliasInfoOf(d: A.TypeAliasDecl): AliasInfo | undefined {
  return aliasOf.get(d);
}

function newCell(mod: ModuleScope, d: A.CellDecl, qualifiedName: string, effectOp: EffectInfo | null): Mutable<CellInfo> {
  return {
    qualifiedName,
    name: d.name.name,
    module: mod.name,
    decl: d,
    params: [],
    paramTypes: [],
    ret: refined(NULL),
    effects: [],
    typeParams: d.typeParams.map((p) => p.name),
    effectOp,
  };
}

function declareModule(ctx: Ctx, mod: ModuleScope, out: Collected): void {
  const seen = new Map<string, A.Ident>();
  const claim = (id: A.Ident, pub: boolean): boolean => {
    if (id.name === ERROR_NAME) return false;
    const prev = seen.get(id.name);
    if (prev) {
      ctx.reportRelated('E0102', id.span, [id.name], [{ span: prev.span, message: 'first defined here' }]);
      return false;
    }
    seen.set(id.name, id);
    exportedEntry(mod, id.name).pub = pub;
    return true;
  };
  for (const d of mod.ast.decls) {
    switch (d.kind) {
      case 'Record': {
        const info: Mutable<RecordInfo> = {
          qualifiedName: qualify(mod, d.name.name),
          name: d.name.name,
          module: mod.name,
          decl: d,
          linear: d.linear,
          fields: [],
          typeParams: d.typeParams.map((p) => p.name),
          typestate: null,
        };
        recordOf.set(d, info);
        out.records.push(info);
        if (!claim(d.name, d.pub)) break;
        mod.types.set(d.name.name, { kind: 'Record', record: info });
        mod.values.set(d.name.name, { kind: 'Record', record: info });
        const e = exportedEntry(mod, d.name.name);
        e.type = { kind: 'Record', record: info };
        e.value = { kind: 'Record', record: info };
        break;
      }
      case 'Enum': {
        const seenVariants = new Map<string, A.Ident>();
        const variants: Mutable<VariantInfo>[] = [];
        for (const v of d.variants) {
          const prev = seenVariants.get(v.name.name);
          if (prev) {
            ctx.reportRelated('E0102', v.name.span, [v.name.name], [{ span: prev.span, message: 'first defined here' }]);
            continue;
          }
          seenVariants.set(v.name.name, v.name);
          variants.push({ name: v.name.name, index: variants.length, fields: [], span: v.span });
        }
        const info: Mutable<EnumInfo> = {
          qualifiedName: qualify(mod, d.name.name),
          name: d.name.name,
          module: mod.name,
          decl: d,
          variants,
          typeParams: d.typeParams.map((p) => p.name),
        };
        enumOf.set(d, info);
        out.enums.push(info);
        addVariants(mod, info);
        if (!claim(d.name, d.pub)) break;
        mod.types.set(d.name.name, { kind: 'Enum', enum: info });
        exportedEntry(mod, d.name.name).type = { kind: 'Enum', enum: info };
        break;
      }
      case 'TypeAlias': {
        const alias: AliasInfo = {
          name: d.name.name,
          qualifiedName: qualify(mod, d.name.name),
          module: mod,
          decl: d,
          typeParams: d.typeParams.map((p) => p.name),
          resolved: null,
          state: 'new',
        };
        aliasOf.set(d, alias);
        out.aliases.push(alias);
        if (!claim(d.name, d.pub)) break;
        mod.types.set(d.name.name, { kind: 'Alias', alias });
        exportedEntry(mod, d.name.name).type = { kind: 'Alias', alias };
        break;
      }
      case 'Effect': {
        const info: Mutable<EffectInfo> = { qualifiedName: qualify(mod, d.name.name), name: d.name.name, module: mod.name, decl: d, ops: [] };
        const ops: CellInfo[] = [];
        const seenOps = new Set<string>();
        for (const op of d.ops) {
          if (seenOps.has(op.name.name)) {
            ctx.report('E0102', op.name.span, [op.name.name]);
            continue;
          }
          seenOps.add(op.name.name);
          const c = newCell(mod, op, `${info.qualifiedName}.${op.name.name}`, info);
          cellOf.set(op, c);
          ops.push(c);
        }
        info.ops = ops;
        effectOf.set(d, info);
        out.effects.push(info);
        if (!claim(d.name, d.pub)) break;
        mod.effects.set(d.name.name, info);
        exportedEntry(mod, d.name.name).effect = info;
        break;
      }
      case 'Cell': {
        const c = newCell(mod, d, qualify(mod, d.name.name), null);
        cellOf.set(d, c);
        if (!claim(d.name, d.pub)) {
          // Still checked, under a name that cannot collide.
          c.qualifiedName = `${c.qualifiedName}#${out.cells.length}`;
        } else {
          mod.values.set(d.name.name, { kind: 'Cell', cell: c });
          exportedEntry(mod, d.name.name).value = { kind: 'Cell', cell: c };
        }
        out.cells.push(c);
        break;
      }
      case 'Typestate':
      case 'Import':
        break;
    }
  }
  // Effect operations are cells too (the lowering reads their signatures), after the module's own cells.
  for (const d of mod.ast.decls) if (d.kind === 'Effect') out.cells.push(...(effectOf.get(d)?.ops ?? []));
}

// ---------------------------------------------------------------- phase 2: imports

function wireImports(ctx: Ctx, mod: ModuleScope, byFile: ReadonlyMap<string, ModuleScope>): void {
  for (const d of mod.ast.decls) {
    if (d.kind !== 'Import') continue;
    const target = importCandidates(mod.file, d.module.name)
      .map((f) => byFile.get(f))
      .find((s) => s !== undefined);
    // A missing module was reported by the loader.
    if (!target || target === mod) continue;
    mod.imports.set(d.module.name, target);
    const items: { name: string; as: A.Ident }[] =
      d.items === '*'
        ? [...target.declared.entries()].filter(([, e]) => e.pub).map(([name]) => ({ name, as: { name, span: d.module.span } }))
        : d.items.map((it) => ({ name: it.name.name, as: it.alias ?? it.name }));
    for (const item of items) {
      const e = target.declared.get(item.name);
      // Unknown or private names were reported by the loader.
      if (!e || !e.pub) continue;
      const name = item.as.name;
      const clash = (e.value && mod.values.has(name)) || (e.type && mod.types.has(name)) || (e.effect && mod.effects.has(name));
      if (clash) {
        const sameEntity =
          (e.value && mod.values.get(name) === e.value) || (e.type && mod.types.get(name) === e.type) || (e.effect && mod.effects.get(name) === e.effect);
        // A local declaration silently wins over a name brought by `*`.
        if (!sameEntity && d.items !== '*') ctx.report('E0102', item.as.span, [name]);
        continue;
      }
      if (e.value) mod.values.set(name, e.value);
      if (e.type) {
        mod.types.set(name, e.type);
        if (e.type.kind === 'Enum') addVariants(mod, e.type.enum);
      }
      if (e.effect) mod.effects.set(name, e.effect);
    }
  }
}

// ---------------------------------------------------------------- phase 3: signatures

function env(ctx: Ctx, typeParams: readonly string[]): Ctx {
  ctx.typeParams = setOf(typeParams);
  return ctx;
}

/**
 * Resolves `T where P where Q` with a binder made from the base type: the
 * binder (a parameter's local, a `FieldRef`, …) needs the type first.
 */
export function resolveWithBinder(ctx: Ctx, te: A.TypeExpr, makeBinder: (base: Type) => Symbol): { refined: RefinedType; binder: Symbol } {
  const r = resolveBase(ctx, te);
  const binder = makeBinder(r.type);
  return { refined: withLayers(r, te, binder), binder };
}

/** The written type under its `where` layers, resolved (with an alias's refinements). */
function resolveBase(ctx: Ctx, te: A.TypeExpr): RefinedType {
  let base = te;
  while (base.kind === 'TRefined') base = base.base;
  return resolveRefinedType(ctx, base, null);
}

/** `r` (the resolved base of `te`) with the `where` layers of `te` as refinements of `binder`, innermost first. */
function withLayers(r: RefinedType, te: A.TypeExpr, binder: Symbol): RefinedType {
  const refinements = r.refinements.slice();
  addLayers(te, binder, refinements);
  return r.inner ? { type: r.type, refinements, inner: r.inner } : refined(r.type, refinements);
}

function addLayers(te: A.TypeExpr, binder: Symbol, out: Refinement[]): void {
  if (te.kind !== 'TRefined') return;
  addLayers(te.base, binder, out);
  out.push({ predicate: te.predicate, binder, span: te.span });
}

function resolveSignatures(ctx: Ctx, mod: ModuleScope): void {
  for (const d of mod.ast.decls) {
    switch (d.kind) {
      case 'Record': {
        const info = recordOf.get(d)!;
        env(ctx, info.typeParams);
        const fields: FieldInfo[] = [];
        const seen = new Set<string>();
        for (const f of d.fields) {
          if (seen.has(f.name.name)) {
            ctx.report('E0102', f.name.span, [f.name.name]);
            continue;
          }
          seen.add(f.name.name);
          const field: Mutable<FieldInfo> = { name: f.name.name, index: fields.length, type: refined(NULL), span: f.span };
          field.type = resolveWithBinder(ctx, f.type, () => ({ kind: 'FieldRef', record: info, field })).refined;
          fields.push(field);
        }
        info.fields = fields;
        break;
      }
      case 'Enum': {
        const info = enumOf.get(d)!;
        env(ctx, info.typeParams);
        for (const v of d.variants) {
          const vi = info.variants.find((x) => x.name === v.name.name && x.span === v.span) as Mutable<VariantInfo> | undefined;
          if (!vi) continue;
          vi.fields = v.fields.map((f, i) => ({
            name: f.name ? f.name.name : String(i),
            index: i,
            // A payload has no `where` of its own (E0130), but refined aliases bring theirs.
            type: resolvePart(ctx, f.type),
            span: f.span,
          }));
        }
        break;
      }
      case 'TypeAlias': {
        const alias = aliasOf.get(d)!;
        env(ctx, alias.typeParams);
        resolveAlias(ctx, alias, d.name.span);
        break;
      }
      case 'Effect':
        for (const op of d.ops) {
          const c = cellOf.get(op);
          if (c) resolveCellSignature(ctx, c);
        }
        break;
      case 'Cell':
        resolveCellSignature(ctx, cellOf.get(d)!);
        break;
      default:
        break;
    }
  }
  ctx.typeParams = EMPTY_SET;
}

function resolveCellSignature(ctx: Ctx, c: Mutable<CellInfo>): void {
  const d = c.decl;
  env(ctx, c.typeParams);
  const params: LocalSymbol[] = [];
  const paramTypes: RefinedType[] = [];
  for (let index = 0; index < d.params.length; index++) {
    const p = d.params[index]!;
    for (let j = 0; j < index; j++) {
      if (d.params[j]!.name.name === p.name.name && p.name.name !== ERROR_NAME) {
        ctx.report('E0102', p.name.span, [p.name.name]);
        break;
      }
    }
    const r = resolveBase(ctx, p.type);
    // A `mut ref` parameter can be assigned in the body.
    const binder = ctx.newLocal(p.name.name, r.type, p.mode === 'mutref', p.span, { index, mode: p.mode });
    params.push(binder);
    paramTypes.push(withLayers(r, p.type, binder));
    if (d.pure && p.mode === 'mutref') ctx.report('E0173', p.span, [d.name.name, p.name.name]);
  }
  c.params = params;
  c.paramTypes = paramTypes;
  c.ret = d.ret ? resolveWithBinder(ctx, d.ret, () => ({ kind: 'ResultRef', cell: c })).refined : refined(NULL);
  const effects: Mutable<CellInfo['effects'][number]>[] = [];
  for (const ref of d.effects) {
    let maxCalls: bigint | null = null;
    if (ref.maxCalls) {
      ctx.setType(ref.maxCalls, INT);
      if (ref.maxCalls.kind === 'Int') maxCalls = ref.maxCalls.value;
      else ctx.report('E0164', ref.maxCalls.span);
    }
    const eff = ctx.mod.effects.get(ref.name.name);
    if (!eff) {
      if (ref.name.name !== ERROR_NAME) ctx.report('E0160', ref.name.span, [ref.name.name], didYouMean(ref.name.name, ctx.mod.effects.keys()));
      continue;
    }
    if (effects.some((e) => e.effect === eff)) ctx.report('E0102', ref.name.span, [ref.name.name]);
    else effects.push({ effect: eff, maxCalls, span: ref.span });
  }
  if (d.pure && d.effects.length > 0) ctx.report('E0174', d.effects[0]!.span, [d.name.name]);
  c.effects = effects;
  ctx.typeParams = EMPTY_SET;
}

// ---------------------------------------------------------------- phase 4: typestates

function declareTypestate(ctx: Ctx, mod: ModuleScope, d: A.TypestateDecl, out: Collected): void {
  const name = d.name.name;
  if (name === ERROR_NAME) return;
  const entity = mod.types.get(name);
  const record = entity && entity.kind === 'Record' && entity.record.module === mod.name && entity.record.decl.span.file === mod.file ? entity.record : null;
  if (!record) {
    ctx.report('E0210', d.name.span, [name], didYouMean(name, [...mod.types.keys()]));
    return;
  }
  if (record.typestate) {
    ctx.reportRelated('E0214', d.name.span, [name], [{ span: record.typestate.decl.span, message: 'the first typestate is here' }]);
    return;
  }
  const states: string[] = [];
  for (const s of d.states) {
    if (s.name === ERROR_NAME) continue;
    if (states.includes(s.name)) ctx.report('E0102', s.span, [s.name]);
    else states.push(s.name);
  }
  const stateOk = (id: A.Ident): boolean => {
    if (id.name === ERROR_NAME) return false;
    if (states.includes(id.name)) return true;
    ctx.report('E0211', id.span, [id.name, name], didYouMean(id.name, states));
    return false;
  };
  const initial = stateOk(d.initial) ? d.initial.name : (states[0] ?? d.initial.name);
  const finals = d.finals.filter(stateOk).map((f) => f.name);
  const transitions: Mutable<TypestateInfo['transitions'][number]>[] = [];
  for (const t of d.transitions) {
    const from = t.from.filter(stateOk).map((f) => f.name);
    const toOk = stateOk(t.to);
    const otherwiseOk = t.otherwise === null || stateOk(t.otherwise);
    if (t.cell.name === ERROR_NAME) continue;
    const v = mod.values.get(t.cell.name);
    if (!v || v.kind !== 'Cell') {
      const cells = [...mod.values.entries()].filter(([, e]) => e.kind === 'Cell').map(([n]) => n);
      ctx.report('E0212', t.cell.span, [t.cell.name, name], didYouMean(t.cell.name, cells));
      continue;
    }
    const cell = v.cell;
    const first = cell.params[0];
    const firstType = first ? ctx.prune(first.type) : null;
    if (!first || first.param?.mode !== 'mutref' || !firstType || firstType.kind !== 'Record' || firstType.info !== record) {
      ctx.report('E0213', t.cell.span, [t.cell.name, name]);
      continue;
    }
    if (t.otherwise !== null && cell.ret.type.kind !== BOOL.kind) ctx.report('E0215', t.span, [t.cell.name]);
    if (!toOk || !otherwiseOk) continue;
    transitions.push({ cell, from, to: t.to.name, otherwise: t.otherwise ? t.otherwise.name : null, span: t.span });
  }
  const info: TypestateInfo = { record, decl: d, states, initial, finals, transitions };
  (record as Mutable<RecordInfo>).typestate = info;
  out.typestates.push(info);
  states.forEach((s) => {
    const list = ctx.stateNames.get(s);
    if (list) list.push(info);
    else ctx.stateNames.set(s, [info]);
  });
}
