// Semantic types and the output of the resolver + type checker. The checker
// never rewrites the AST: it returns a `CheckedProgram` whose side tables are
// keyed by AST node identity. Lowering (`lower.ts`) reads only this interface.

import type * as A from './ast.js';
import type { Span } from './span.js';

// ---------------------------------------------------------------- types

export type Type =
  | { readonly kind: 'Int' }
  | { readonly kind: 'Float' }
  | { readonly kind: 'Bool' }
  | { readonly kind: 'String' }
  | { readonly kind: 'Null' }
  /** The type of `halt`, `return`, `break`, `continue`: no value. */
  | { readonly kind: 'Never' }
  /** Produced after a reported type error, so one mistake gives one diagnostic. */
  | { readonly kind: 'Error' }
  | { readonly kind: 'List'; readonly elem: Type }
  | { readonly kind: 'Map'; readonly key: Type; readonly value: Type }
  | { readonly kind: 'Tuple'; readonly elems: readonly Type[] }
  | { readonly kind: 'Record'; readonly info: RecordInfo; readonly args: readonly Type[] }
  | { readonly kind: 'Enum'; readonly info: EnumInfo; readonly args: readonly Type[] }
  | { readonly kind: 'Result'; readonly ok: Type; readonly err: Type }
  /** Untagged union, flattened, at least two members, no duplicates; `T?` is `Union[T, Null]`. */
  | { readonly kind: 'Union'; readonly members: readonly Type[] }
  /** A generic type parameter of a record, enum, alias or cell. */
  | { readonly kind: 'TypeParam'; readonly name: string };

export const INT: Type = { kind: 'Int' };
export const FLOAT: Type = { kind: 'Float' };
export const BOOL: Type = { kind: 'Bool' };
export const STRING: Type = { kind: 'String' };
export const NULL: Type = { kind: 'Null' };
export const NEVER: Type = { kind: 'Never' };
export const ERROR: Type = { kind: 'Error' };

/**
 * A refinement attached to a position (parameter, field, let, return, alias).
 * `predicate` is the AST expression; names in it are resolved in `names` like
 * any other expression. The value being refined appears as the symbol
 * `binder`: a parameter's or let's `Local`, a `FieldRef` for a field, `SelfRef`
 * in an alias, `ResultRef` in a return type.
 */
export interface Refinement {
  readonly predicate: A.Expr;
  readonly binder: Symbol;
  /** Where the refinement was written (the alias declaration for alias types). */
  readonly span: Span;
}

/** A type together with the refinements its values must satisfy. */
export interface RefinedType {
  readonly type: Type;
  readonly refinements: readonly Refinement[];
  /**
   * Refinements of the parts of a value: a refined alias used inside another
   * type (`list[Nat]`, `Small?`, `(Nat, Int)`, `map[String, Nat]`). Absent
   * when no part is refined, so types without nested refinements cost nothing.
   */
  readonly inner?: InnerRefinements;
}

/**
 * The refined parts of a value of a structural type, mirroring `Type`. Records
 * and enums do not appear: their field refinements belong to the declaration
 * (a record's invariants, a variant's payload refinements), which every value
 * of them satisfies by construction.
 */
export type InnerRefinements =
  | { readonly kind: 'List'; readonly elem: RefinedType }
  | { readonly kind: 'Map'; readonly key: RefinedType; readonly value: RefinedType }
  | { readonly kind: 'Tuple'; readonly elems: readonly RefinedType[] }
  | { readonly kind: 'Result'; readonly ok: RefinedType; readonly err: RefinedType }
  /** One entry per member of the union type, in its order. */
  | { readonly kind: 'Union'; readonly members: readonly RefinedType[] };

/** Whether a value of `t` must satisfy some refinement, of itself or of a part. */
export function isRefined(t: RefinedType): boolean {
  return t.refinements.length > 0 || t.inner !== undefined;
}

// ---------------------------------------------------------------- declarations

export interface LocalSymbol {
  readonly kind: 'Local';
  /** Unique across the whole program. */
  readonly id: number;
  readonly name: string;
  readonly type: Type;
  readonly mutable: boolean;
  readonly span: Span;
  /** Set for parameters. */
  readonly param: { readonly index: number; readonly mode: A.ParamMode } | null;
}

export interface CellInfo {
  /** Module-qualified, unique in the program: `geometry.manhattan`; root-module cells keep their plain name. */
  readonly qualifiedName: string;
  readonly name: string;
  readonly module: string;
  readonly decl: A.CellDecl;
  readonly params: readonly LocalSymbol[];
  readonly paramTypes: readonly RefinedType[];
  readonly ret: RefinedType;
  readonly effects: readonly { readonly effect: EffectInfo; readonly maxCalls: bigint | null; readonly span: Span }[];
  readonly typeParams: readonly string[];
  /** True for operations declared inside an `effect` block. */
  readonly effectOp: EffectInfo | null;
}

export interface FieldInfo {
  readonly name: string;
  readonly index: number;
  readonly type: RefinedType;
  readonly span: Span;
}

export interface RecordInfo {
  readonly qualifiedName: string;
  readonly name: string;
  readonly module: string;
  readonly decl: A.RecordDecl;
  readonly linear: boolean;
  readonly fields: readonly FieldInfo[];
  readonly typeParams: readonly string[];
  /** Set when a `typestate` declaration names this record. */
  typestate: TypestateInfo | null;
}

export interface VariantInfo {
  readonly name: string;
  readonly index: number;
  /** Payload fields; positional payloads get names `0`, `1`, … */
  readonly fields: readonly FieldInfo[];
  readonly span: Span;
}

export interface EnumInfo {
  readonly qualifiedName: string;
  readonly name: string;
  readonly module: string;
  readonly decl: A.EnumDecl;
  readonly variants: readonly VariantInfo[];
  readonly typeParams: readonly string[];
}

export interface EffectInfo {
  readonly qualifiedName: string;
  readonly name: string;
  readonly module: string;
  readonly decl: A.EffectDecl;
  readonly ops: readonly CellInfo[];
}

export interface TypestateInfo {
  readonly record: RecordInfo;
  readonly decl: A.TypestateDecl;
  readonly states: readonly string[];
  readonly initial: string;
  readonly finals: readonly string[];
  readonly transitions: readonly {
    readonly cell: CellInfo;
    readonly from: readonly string[];
    readonly to: string;
    readonly otherwise: string | null;
    readonly span: Span;
  }[];
}

// ---------------------------------------------------------------- resolution

export type BuiltinName =
  | 'print' | 'len' | 'abs' | 'min' | 'max' | 'to_string' | 'to_float' | 'to_int' | 'push' | 'range';

export type Symbol =
  | LocalSymbol
  | { readonly kind: 'Cell'; readonly cell: CellInfo }
  | { readonly kind: 'RecordCtor'; readonly record: RecordInfo }
  | { readonly kind: 'Variant'; readonly enum: EnumInfo; readonly variant: VariantInfo }
  | { readonly kind: 'ResultCtor'; readonly which: 'ok' | 'err' }
  | { readonly kind: 'Builtin'; readonly name: BuiltinName }
  | { readonly kind: 'Effect'; readonly effect: EffectInfo }
  /** A field name inside a field refinement (`balance <= limit`). */
  | { readonly kind: 'FieldRef'; readonly record: RecordInfo; readonly field: FieldInfo }
  /** `self` inside a type alias refinement. */
  | { readonly kind: 'SelfRef' }
  /** `result` inside `ensures` or a return refinement. */
  | { readonly kind: 'ResultRef'; readonly cell: CellInfo }
  /** `calls` / `state` specification functions. */
  | { readonly kind: 'SpecFn'; readonly name: 'calls' | 'state' }
  /** The enum named before a dot in `Shape.Circle(…)` / `Shape.Empty` (not a value; its exprTypes entry is `Null`). */
  | { readonly kind: 'EnumName'; readonly enum: EnumInfo }
  /**
   * A typestate state named in a specification (`state(f) == Open`). `state(x)`
   * and state names are typed `Int`: the state's index in `TypestateInfo.states`.
   */
  | { readonly kind: 'State'; readonly typestate: TypestateInfo; readonly state: string; readonly index: number };

/** What a `CallExpr` turned out to be, with its arguments in declaration order. */
export type CallTarget =
  | { readonly kind: 'Cell'; readonly cell: CellInfo; readonly args: readonly A.Arg[]; readonly typeArgs: readonly Type[] }
  | {
      readonly kind: 'Record';
      readonly record: RecordInfo;
      /** One entry per field in declaration order; null when the field is taken from `spread`. */
      readonly fields: readonly (A.Expr | null)[];
      readonly spread: A.Expr | null;
    }
  | { readonly kind: 'Variant'; readonly enum: EnumInfo; readonly variant: VariantInfo; readonly args: readonly A.Expr[] }
  | { readonly kind: 'ResultCtor'; readonly which: 'ok' | 'err'; readonly arg: A.Expr }
  | { readonly kind: 'Builtin'; readonly name: BuiltinName; readonly args: readonly A.Expr[] }
  | { readonly kind: 'Calls'; readonly effect: EffectInfo }
  | { readonly kind: 'State'; readonly arg: A.Expr; readonly typestate: TypestateInfo };

/** What a `FieldExpr` turned out to be. */
export type FieldTarget =
  | { readonly kind: 'RecordField'; readonly record: RecordInfo; readonly field: FieldInfo }
  | { readonly kind: 'TupleIndex'; readonly index: number }
  /** `Shape.Empty` (a payload-less variant value) or `Shape.Circle` used as a callee. */
  | { readonly kind: 'Variant'; readonly enum: EnumInfo; readonly variant: VariantInfo };

/** What a pattern node turned out to be. Bind patterns map to their local. */
export type PatternTarget =
  | { readonly kind: 'Bind'; readonly local: LocalSymbol }
  | { readonly kind: 'Variant'; readonly enum: EnumInfo; readonly variant: VariantInfo; readonly args: readonly A.Pattern[] }
  | { readonly kind: 'Record'; readonly record: RecordInfo; readonly fields: readonly (A.Pattern | null)[] }
  | { readonly kind: 'ResultCtor'; readonly which: 'ok' | 'err'; readonly arg: A.Pattern }
  | { readonly kind: 'Type'; readonly local: LocalSymbol; readonly type: Type };

export interface ModuleInfo {
  readonly name: string;
  readonly file: string;
  readonly ast: A.Module;
}

export interface CheckedProgram {
  /** In dependency order; the root (the file named on the command line) is last. */
  readonly modules: readonly ModuleInfo[];
  readonly cells: readonly CellInfo[];
  readonly records: readonly RecordInfo[];
  readonly enums: readonly EnumInfo[];
  readonly effects: readonly EffectInfo[];
  readonly typestates: readonly TypestateInfo[];
  /** Type of every expression (after narrowing, for names). */
  readonly exprTypes: ReadonlyMap<A.Expr, Type>;
  /** Every `NameExpr` in executable code and specifications. */
  readonly names: ReadonlyMap<A.NameExpr, Symbol>;
  readonly calls: ReadonlyMap<A.CallExpr, CallTarget>;
  readonly fields: ReadonlyMap<A.FieldExpr, FieldTarget>;
  readonly patterns: ReadonlyMap<A.Pattern, PatternTarget>;
  /** Declared type (with refinements) of `let x: T = …`. */
  readonly letTypes: ReadonlyMap<A.LetStmt, RefinedType>;
  /** The bound variable of each quantifier. */
  readonly quantVars: ReadonlyMap<A.QuantExpr, LocalSymbol>;
  /** The parameters of each effect handler, per `Handler` node. */
  readonly handlerParams: ReadonlyMap<A.Handler, readonly LocalSymbol[]>;
  /** The effect operation each handler or perform refers to. */
  readonly effectOps: ReadonlyMap<A.Handler | A.PerformExpr, CellInfo>;
}
