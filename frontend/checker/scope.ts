// Scopes and symbol tables of the checker. A `ModuleScope` holds what a module
// can name at the top level: its own declarations plus what it imports
// (`import m: a, b as c` / `import m: *`). A `LocalScope` is one block of
// locals inside a cell, with the narrowed types (`x != null`) that hold there.
//
// Qualified names: declarations of the root module keep their plain name;
// declarations of imported modules are `<module>.<name>`, so every cell,
// record, enum and effect has a program-wide unique name.

import type * as A from '../ast.js';
import type {
  CellInfo,
  EffectInfo,
  EnumInfo,
  LocalSymbol,
  RecordInfo,
  RefinedType,
  Type,
  VariantInfo,
} from '../types.js';

/** Drops `readonly` so that the checker can fill an info object in phases. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A `type X = …` declaration. Resolved lazily, on first use, so order does not matter. */
export interface AliasInfo {
  readonly name: string;
  readonly qualifiedName: string;
  readonly module: ModuleScope;
  readonly decl: A.TypeAliasDecl;
  readonly typeParams: readonly string[];
  resolved: RefinedType | null;
  state: 'new' | 'resolving' | 'done';
}

export type TypeEntity =
  | { readonly kind: 'Record'; readonly record: RecordInfo }
  | { readonly kind: 'Enum'; readonly enum: EnumInfo }
  | { readonly kind: 'Alias'; readonly alias: AliasInfo };

export type ValueEntity =
  | { readonly kind: 'Cell'; readonly cell: CellInfo }
  | { readonly kind: 'Record'; readonly record: RecordInfo };

export interface VariantRef {
  readonly enum: EnumInfo;
  readonly variant: VariantInfo;
}

/** Everything a module exports under one name (a record is both a type and a constructor). */
export interface Exported {
  value: ValueEntity | null;
  type: TypeEntity | null;
  effect: EffectInfo | null;
  pub: boolean;
}

export interface ModuleScope {
  readonly name: string;
  readonly file: string;
  readonly ast: A.Module;
  readonly isRoot: boolean;
  /** Declarations of this module by plain name (for imports from it). */
  readonly declared: Map<string, Exported>;
  /** Values visible at top level: cells and record constructors, declared or imported. */
  readonly values: Map<string, ValueEntity>;
  readonly types: Map<string, TypeEntity>;
  readonly effects: Map<string, EffectInfo>;
  /** Variant name → the enums (visible here) that have a variant of that name. */
  readonly variants: Map<string, VariantRef[]>;
  /** Modules named in an `import` of this module. */
  readonly imports: Map<string, ModuleScope>;
}

export function newModuleScope(name: string, file: string, ast: A.Module, isRoot: boolean): ModuleScope {
  return {
    name,
    file,
    ast,
    isRoot,
    declared: new Map(),
    values: new Map(),
    types: new Map(),
    effects: new Map(),
    variants: new Map(),
    imports: new Map(),
  };
}

/** `name` in the root module, `module.name` elsewhere. */
export function qualify(mod: ModuleScope, name: string): string {
  return mod.isRoot ? name : `${mod.name}.${name}`;
}

export function exportedEntry(mod: ModuleScope, name: string): Exported {
  let e = mod.declared.get(name);
  if (!e) {
    e = { value: null, type: null, effect: null, pub: false };
    mod.declared.set(name, e);
  }
  return e;
}

export function addVariants(mod: ModuleScope, info: EnumInfo): void {
  for (const v of info.variants) {
    const list = mod.variants.get(v.name);
    const ref: VariantRef = { enum: info, variant: v };
    if (!list) mod.variants.set(v.name, [ref]);
    else if (!list.some((r) => r.enum === info)) list.push(ref);
  }
}

/** All the names a module can see at top level (for "did you mean"). */
export function topLevelNames(mod: ModuleScope): string[] {
  return [...mod.values.keys(), ...mod.variants.keys()];
}

// ---------------------------------------------------------------- locals

/**
 * One block of local variables, with the narrowings that hold inside it.
 * Blocks declare few locals, so they are kept in a small array.
 *
 * Narrowings are only ever added to the innermost scope (the checker's
 * current one), so a scope created below one without narrowings knows that
 * no narrowing can apply to it until it gets one itself (`mayNarrow`).
 */
export class LocalScope {
  /** Locals declared in this block, in declaration order (null until the first). */
  private vars: LocalSymbol[] | null = null;
  /** Narrowed types of locals (declared here or in an enclosing scope), by symbol id. */
  narrow: Map<number, Type> | null = null;
  /** False when neither this scope nor an enclosing one has ever held a narrowing. */
  private mayNarrow: boolean;

  constructor(readonly parent: LocalScope | null) {
    this.mayNarrow = parent !== null && parent.mayNarrow;
  }

  /** Declares a local here; a redeclared name replaces the earlier local (keeping its place). */
  declare(sym: LocalSymbol): void {
    const vars = this.vars;
    if (vars === null) {
      this.vars = [sym];
      return;
    }
    for (let i = 0; i < vars.length; i++) {
      if (vars[i]!.name === sym.name) {
        vars[i] = sym;
        return;
      }
    }
    vars.push(sym);
  }

  lookup(name: string): LocalSymbol | undefined {
    for (let s: LocalScope | null = this; s !== null; s = s.parent) {
      const vars = s.vars;
      if (vars === null) continue;
      for (let i = 0; i < vars.length; i++) if (vars[i]!.name === name) return vars[i];
    }
    return undefined;
  }

  /** Is `sym` the local declared here under its name? */
  private declares(sym: LocalSymbol): boolean {
    const vars = this.vars;
    if (vars === null) return false;
    for (let i = 0; i < vars.length; i++) if (vars[i] === sym) return true;
    return false;
  }

  /** The narrowed type of a local here, if some enclosing scope narrowed it. */
  narrowed(sym: LocalSymbol): Type | undefined {
    if (!this.mayNarrow) return undefined;
    for (let s: LocalScope | null = this; s !== null; s = s.parent) {
      const t = s.narrow?.get(sym.id);
      if (t) return t;
      if (s.declares(sym)) return undefined;
    }
    return undefined;
  }

  setNarrow(sym: LocalSymbol, type: Type): void {
    if (!this.narrow) this.narrow = new Map();
    this.narrow.set(sym.id, type);
    this.mayNarrow = true;
  }

  /** Does any scope from here up hold a narrowing? */
  hasNarrowings(): boolean {
    if (!this.mayNarrow) return false;
    for (let s: LocalScope | null = this; s !== null; s = s.parent) if (s.narrow !== null && s.narrow.size > 0) return true;
    return false;
  }

  /** Forgets every narrowing of `sym` from here up to its declaration (after an assignment). */
  forgetNarrowing(sym: LocalSymbol): void {
    if (!this.mayNarrow) return;
    for (let s: LocalScope | null = this; s !== null; s = s.parent) {
      s.narrow?.delete(sym.id);
      if (s.declares(sym)) return;
    }
  }

  /** Every name visible here, innermost first (for "did you mean"). */
  visibleNames(): string[] {
    const out: string[] = [];
    for (let s: LocalScope | null = this; s !== null; s = s.parent) if (s.vars !== null) for (const v of s.vars) out.push(v.name);
    return out;
  }
}

// ---------------------------------------------------------------- suggestions

/** Edit distance with adjacent transpositions (`widht` → `width` is 1), capped at `limit + 1`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[b.length]!, limit + 1);
}

/** The closest candidate to `name` (case-insensitive ties first), or null if none is close. */
export function suggest(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestDist = limit + 1;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name || c.startsWith('<')) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(name, c, limit);
    if (d < bestDist || (d === bestDist && best !== null && c < best)) {
      best = c;
      bestDist = d;
    }
  }
  return bestDist <= limit ? best : null;
}

/** `["did you mean `x`?"]` or no note. */
export function didYouMean(name: string, candidates: Iterable<string>): string[] {
  const s = suggest(name, candidates);
  return s === null ? [] : [`did you mean \`${s}\`?`];
}
