// The untyped syntax tree produced by the parser. Every node is a readonly
// object discriminated on `kind` and carries its span. The type checker does
// not rewrite this tree: it returns side tables keyed by node identity
// (see `types.ts`), so one tree serves parsing, printing and checking.

import type { Span } from './span.js';

// ---------------------------------------------------------------- modules

export interface Module {
  readonly kind: 'Module';
  /** Path of the source file the module came from. */
  readonly file: string;
  readonly decls: readonly Decl[];
  readonly span: Span;
}

export type Decl =
  | CellDecl
  | RecordDecl
  | EnumDecl
  | TypeAliasDecl
  | EffectDecl
  | TypestateDecl
  | ImportDecl;

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export type ParamMode = 'value' | 'owned' | 'ref' | 'mutref';

export interface Param {
  readonly kind: 'Param';
  readonly name: Ident;
  readonly mode: ParamMode;
  /** A `T where P` type is a `TRefined` whose predicate names the parameter. */
  readonly type: TypeExpr;
  readonly span: Span;
}

export interface EffectRef {
  readonly kind: 'EffectRef';
  readonly name: Ident;
  /** `max_calls: N`; null when the effect has no budget. */
  readonly maxCalls: Expr | null;
  readonly span: Span;
}

export interface CellDecl {
  readonly kind: 'Cell';
  readonly name: Ident;
  readonly pub: boolean;
  readonly pure: boolean;
  readonly extern: boolean;
  readonly typeParams: readonly Ident[];
  readonly params: readonly Param[];
  /** Return type; a `TRefined` whose predicate names `result` for `-> T where P`. Null means `Null`. */
  readonly ret: TypeExpr | null;
  readonly effects: readonly EffectRef[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  readonly decreases: Expr | null;
  /** Null for `extern` cells and effect operations. */
  readonly body: Block | null;
  readonly span: Span;
}

export interface FieldDecl {
  readonly kind: 'Field';
  readonly name: Ident;
  /** A refined field is a `TRefined` whose predicate names the field (and earlier fields). */
  readonly type: TypeExpr;
  readonly span: Span;
}

export interface RecordDecl {
  readonly kind: 'Record';
  readonly name: Ident;
  readonly pub: boolean;
  readonly linear: boolean;
  readonly typeParams: readonly Ident[];
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

export interface VariantDecl {
  readonly kind: 'Variant';
  readonly name: Ident;
  /** Payload fields; `name` is null for positional payloads such as `Some(T)`. */
  readonly fields: readonly { readonly name: Ident | null; readonly type: TypeExpr; readonly span: Span }[];
  readonly span: Span;
}

export interface EnumDecl {
  readonly kind: 'Enum';
  readonly name: Ident;
  readonly pub: boolean;
  readonly typeParams: readonly Ident[];
  readonly variants: readonly VariantDecl[];
  readonly span: Span;
}

export interface TypeAliasDecl {
  readonly kind: 'TypeAlias';
  readonly name: Ident;
  readonly pub: boolean;
  readonly typeParams: readonly Ident[];
  /** For `type Nat = Int where self >= 0` this is a `TRefined` naming `self`. */
  readonly type: TypeExpr;
  readonly span: Span;
}

export interface EffectDecl {
  readonly kind: 'Effect';
  readonly name: Ident;
  readonly pub: boolean;
  /** Operation signatures (`cell get(url: String) -> String`), with null bodies. */
  readonly ops: readonly CellDecl[];
  readonly span: Span;
}

export interface TypestateTransition {
  readonly kind: 'Transition';
  /** The cell that performs the transition, e.g. `open`. */
  readonly cell: Ident;
  /** The parameter name in the declaration, e.g. `f` in `open(f)`. */
  readonly param: Ident;
  readonly from: readonly Ident[];
  readonly to: Ident;
  /** `Closed -> Open if result, Closed otherwise`: `to` when the cell returns true, `otherwise` when false. */
  readonly otherwise: Ident | null;
  readonly span: Span;
}

export interface TypestateDecl {
  readonly kind: 'Typestate';
  /** The record type whose values carry the state. */
  readonly name: Ident;
  readonly states: readonly Ident[];
  readonly initial: Ident;
  readonly finals: readonly Ident[];
  readonly transitions: readonly TypestateTransition[];
  readonly span: Span;
}

export interface ImportItem {
  readonly name: Ident;
  readonly alias: Ident | null;
}

export interface ImportDecl {
  readonly kind: 'Import';
  readonly module: Ident;
  /** `'*'` for `import m: *`. */
  readonly items: readonly ImportItem[] | '*';
  readonly span: Span;
}

// ---------------------------------------------------------------- types

export type TypeExpr = TName | TTuple | TUnion | TOptional | TRefined;

/** `Int`, `list[T]`, `map[K, V]`, `result[T, E]`, `Point`, `Option[Int]`, `geometry.Point`. */
export interface TName {
  readonly kind: 'TName';
  readonly name: Ident;
  readonly args: readonly TypeExpr[];
  readonly span: Span;
}

export interface TTuple {
  readonly kind: 'TTuple';
  readonly elems: readonly TypeExpr[];
  readonly span: Span;
}

export interface TUnion {
  readonly kind: 'TUnion';
  readonly members: readonly TypeExpr[];
  readonly span: Span;
}

/** `T?` */
export interface TOptional {
  readonly kind: 'TOptional';
  readonly inner: TypeExpr;
  readonly span: Span;
}

/** `T where P`. The name `P` refers to depends on the position (parameter, field, `self`, `result`). */
export interface TRefined {
  readonly kind: 'TRefined';
  readonly base: TypeExpr;
  readonly predicate: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

export interface Block {
  readonly kind: 'Block';
  /** The value of the block is the value of its last statement when that is an `ExprStmt`. */
  readonly stmts: readonly Stmt[];
  readonly span: Span;
}

export type Stmt =
  | LetStmt
  | AssignStmt
  | ExprStmt
  | WhileStmt
  | ForStmt
  | ReturnStmt
  | BreakStmt
  | ContinueStmt
  | AssertStmt
  | AssumeStmt;

export interface LetStmt {
  readonly kind: 'Let';
  readonly pattern: Pattern;
  readonly mutable: boolean;
  readonly type: TypeExpr | null;
  readonly init: Expr;
  readonly span: Span;
}

export type AssignOp = '=' | '+=' | '-=' | '*=';

export interface AssignStmt {
  readonly kind: 'Assign';
  /** A `Name`, `Index` or `Field` expression. */
  readonly target: Expr;
  readonly op: AssignOp;
  readonly value: Expr;
  readonly span: Span;
}

export interface ExprStmt {
  readonly kind: 'ExprStmt';
  readonly expr: Expr;
  readonly span: Span;
}

export interface WhileStmt {
  readonly kind: 'While';
  readonly cond: Expr;
  readonly invariants: readonly Expr[];
  readonly decreases: Expr | null;
  readonly body: Block;
  readonly span: Span;
}

export interface ForStmt {
  readonly kind: 'For';
  /** Loop variable (a pattern, so `for (k, v) in pairs` works). */
  readonly pattern: Pattern;
  /** A range `a..b` / `a..=b` (a `Binary` node) or any list-valued expression. */
  readonly iterable: Expr;
  readonly invariants: readonly Expr[];
  readonly decreases: Expr | null;
  readonly body: Block;
  readonly span: Span;
}

export interface ReturnStmt {
  readonly kind: 'Return';
  readonly value: Expr | null;
  readonly span: Span;
}

export interface BreakStmt {
  readonly kind: 'Break';
  readonly span: Span;
}

export interface ContinueStmt {
  readonly kind: 'Continue';
  readonly span: Span;
}

export interface AssertStmt {
  readonly kind: 'Assert';
  readonly cond: Expr;
  readonly span: Span;
}

export interface AssumeStmt {
  readonly kind: 'Assume';
  readonly cond: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | IntLit
  | FloatLit
  | BoolLit
  | NullLit
  | StringLit
  | NameExpr
  | BinaryExpr
  | UnaryExpr
  | CallExpr
  | IndexExpr
  | FieldExpr
  | TryExpr
  | NonNullExpr
  | ListExpr
  | TupleExpr
  | IfExpr
  | MatchExpr
  | HandleExpr
  | PerformExpr
  | ResumeExpr
  | HaltExpr
  | QuantExpr
  | OldExpr
  | BlockExpr;

export interface IntLit {
  readonly kind: 'Int';
  /** Always non-negative; `-5` is `Unary('-', Int 5)`. May be 2^63 only under unary minus. */
  readonly value: bigint;
  readonly span: Span;
}

export interface FloatLit {
  readonly kind: 'Float';
  readonly value: number;
  /** The literal as written, kept for printing. */
  readonly text: string;
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: 'Bool';
  readonly value: boolean;
  readonly span: Span;
}

export interface NullLit {
  readonly kind: 'Null';
  readonly span: Span;
}

/** A string literal; interpolated parts are expressions. Raw strings have only text parts. */
export interface StringLit {
  readonly kind: 'String';
  readonly parts: readonly (string | Expr)[];
  readonly raw: boolean;
  readonly span: Span;
}

/** Any identifier in expression position, including `result` and `self`. */
export interface NameExpr {
  readonly kind: 'Name';
  readonly name: string;
  readonly span: Span;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '//' | '%' | '**'
  | '++'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | 'in'
  | 'and' | 'or' | 'implies'
  | '..' | '..=';

export interface BinaryExpr {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export type UnaryOp = '-' | 'not';

export interface UnaryExpr {
  readonly kind: 'Unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export type ArgMode = 'plain' | 'ref' | 'mutref';

export interface Arg {
  /** `clamp(v, lo: 0)`: null for positional arguments. */
  readonly name: Ident | null;
  readonly mode: ArgMode;
  readonly value: Expr;
  readonly span: Span;
}

/**
 * A call `f(a, b: 1)`. Also record construction `Point(x: 1, y: 2)`, functional
 * update `Point(..p, x: 3)` (`spread`), enum construction `Circle(1.0)` /
 * `Shape.Circle(1.0)`, and the specification functions `calls(E)`, `state(x)`.
 * The resolver decides which.
 */
export interface CallExpr {
  readonly kind: 'Call';
  readonly callee: Expr;
  readonly args: readonly Arg[];
  readonly spread: Expr | null;
  readonly span: Span;
}

export interface IndexExpr {
  readonly kind: 'Index';
  readonly target: Expr;
  readonly index: Expr;
  readonly span: Span;
}

/** `p.x`, tuple access `t.0` (name `"0"`), and qualified names `Shape.Circle`. */
export interface FieldExpr {
  readonly kind: 'Field';
  readonly target: Expr;
  readonly name: Ident;
  readonly span: Span;
}

/** Postfix `?`: propagates `err`. */
export interface TryExpr {
  readonly kind: 'Try';
  readonly expr: Expr;
  readonly span: Span;
}

/** Postfix `!`: traps on null. */
export interface NonNullExpr {
  readonly kind: 'NonNull';
  readonly expr: Expr;
  readonly span: Span;
}

export interface ListExpr {
  readonly kind: 'List';
  readonly elems: readonly Expr[];
  readonly span: Span;
}

export interface TupleExpr {
  readonly kind: 'Tuple';
  readonly elems: readonly Expr[];
  readonly span: Span;
}

export interface IfExpr {
  readonly kind: 'If';
  readonly cond: Expr;
  readonly then: Block;
  /** `else if` chains nest an `IfExpr` here. */
  readonly else: Block | IfExpr | null;
  readonly span: Span;
}

export interface MatchArm {
  readonly pattern: Pattern;
  readonly guard: Expr | null;
  /** Single-line arms are a block of one `ExprStmt`. */
  readonly body: Block;
  readonly span: Span;
}

export interface MatchExpr {
  readonly kind: 'Match';
  readonly scrutinee: Expr;
  readonly arms: readonly MatchArm[];
  readonly span: Span;
}

export interface Handler {
  readonly effect: Ident;
  readonly op: Ident;
  readonly params: readonly Ident[];
  readonly body: Block;
  readonly span: Span;
}

export interface HandleExpr {
  readonly kind: 'Handle';
  readonly body: Block;
  readonly handlers: readonly Handler[];
  readonly span: Span;
}

export interface PerformExpr {
  readonly kind: 'Perform';
  readonly effect: Ident;
  readonly op: Ident;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface ResumeExpr {
  readonly kind: 'Resume';
  readonly value: Expr | null;
  readonly span: Span;
}

export interface HaltExpr {
  readonly kind: 'Halt';
  readonly message: Expr | null;
  readonly span: Span;
}

/** `forall i in 0..n => P`, `exists x in xs => P`, `forall i: Int => P`. */
export interface QuantExpr {
  readonly kind: 'Quant';
  readonly quantifier: 'forall' | 'exists';
  readonly variable: Ident;
  /** `forall i: Int => …` */
  readonly type: TypeExpr | null;
  /** `forall i in e => …`: a range or a list. Null for unbounded quantifiers. */
  readonly domain: Expr | null;
  readonly body: Expr;
  readonly span: Span;
}

export interface OldExpr {
  readonly kind: 'Old';
  readonly expr: Expr;
  readonly span: Span;
}

/** A parenthesised block is not Lumen syntax; this node is for multi-line match arms used as values. */
export interface BlockExpr {
  readonly kind: 'BlockExpr';
  readonly block: Block;
  readonly span: Span;
}

// ---------------------------------------------------------------- patterns

export type Pattern =
  | WildcardPattern
  | BindPattern
  | LiteralPattern
  | RangePattern
  | CtorPattern
  | TuplePattern
  | TypePattern;

export interface WildcardPattern {
  readonly kind: 'PWild';
  readonly span: Span;
}

/**
 * A bare identifier. The parser cannot tell `Empty` (a variant without payload)
 * from a binder `n`; the resolver treats a bare name that resolves to a
 * variant as a constructor pattern, and anything else as a binding.
 */
export interface BindPattern {
  readonly kind: 'PBind';
  readonly name: Ident;
  readonly span: Span;
}

/** Int (possibly negative), String, Bool or null literal. */
export interface LiteralPattern {
  readonly kind: 'PLit';
  readonly value: bigint | string | boolean | null;
  readonly span: Span;
}

/** `0..=59`, `1..10`. Bounds are Int literals (possibly negative). */
export interface RangePattern {
  readonly kind: 'PRange';
  readonly lo: bigint;
  readonly hi: bigint;
  readonly inclusive: boolean;
  readonly span: Span;
}

export interface CtorPatternArg {
  /** `Token(id:)` binds field `id`; `Rect(w: a, h: b)`; null name for positional. */
  readonly name: Ident | null;
  readonly pattern: Pattern;
}

/** `Circle(r)`, `Shape.Circle(r)`, `Empty`, `ok(v)`, `Token(id:)`, `Point(x: 0, y)` (records too). */
export interface CtorPattern {
  readonly kind: 'PCtor';
  /** `['Shape', 'Circle']` or `['Circle']`. */
  readonly path: readonly Ident[];
  /** Null when written without parentheses (`Empty`). */
  readonly args: readonly CtorPatternArg[] | null;
  readonly span: Span;
}

export interface TuplePattern {
  readonly kind: 'PTuple';
  readonly elems: readonly Pattern[];
  readonly span: Span;
}

/** `n: Int` in a match over a union. */
export interface TypePattern {
  readonly kind: 'PType';
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly span: Span;
}
