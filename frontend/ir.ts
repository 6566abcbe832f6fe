// The checked IR: the typed AST lowered to a resolved, tree-shaped form in
// which every check of LANGUAGE.md §6.5 is explicit and carries a stable id.
//
// It is read by two consumers:
// * the verifier, which turns it into SMT queries (one per check emission);
// * the backends, which compile it; a node that carries a check id is compiled
//   as its checked form (trapping with that id) unless the verifier proved the
//   check, in which case the unchecked form is emitted.
//
// Conventions:
// * Every binder is an `IrVar` with a program-unique id. Parameters, `result`,
//   the fields of a record (inside field refinements) and quantified variables
//   are `IrVar`s too, so a specification is evaluated by binding vars.
// * Specification expressions (`requires`, `ensures`, invariants, refinements,
//   `assert`) use the same node kinds as code, but are evaluated over
//   mathematical integers: their `Arith` nodes have no overflow check. Their
//   well-definedness checks (`index`, `div-by-zero`) are still present.
// * Check ids are assigned in source order per cell during lowering and are
//   stable for the same program.

import type { Span } from './span.js';
import type { Type, TypestateInfo } from './types.js';

// ---------------------------------------------------------------- checks

export const CHECK_KINDS = [
  'overflow',
  'div-by-zero',
  'index',
  'null',
  'refinement',
  'record-invariant',
  'precondition',
  'postcondition',
  'assertion',
  'invariant-entry',
  'invariant-preserved',
  'termination',
  'halt',
  'match',
  'effect-budget',
  'use-after-move',
  'borrow-conflict',
  'linear-unconsumed',
  'typestate-transition',
  'typestate-final',
] as const;

export type CheckKind = (typeof CHECK_KINDS)[number];

export type CheckId = number;

/** The description object every check is created with. */
export interface CheckInfo {
  readonly id: CheckId;
  readonly kind: CheckKind;
  /** Qualified name of the cell containing the check. */
  readonly cell: string;
  /** Where the check is reported. */
  readonly span: Span;
  /** The asserted property, pretty-printed in Lumen syntax (e.g. `b != 0`). */
  readonly expr: string;
  /** Shown when the check is refuted, e.g. "division by zero: `b` may be 0". */
  readonly failure: string;
  /** Shown when proved. */
  readonly success: string;
  /** E.g. the callee's `requires` clause for a precondition, the return for a postcondition. */
  readonly related: readonly { readonly span: Span; readonly message: string }[];
  /** Stable key for fingerprints: cell, kind, and the text of the checked source, with an occurrence index. */
  readonly key: string;
}

// ---------------------------------------------------------------- program

export interface IrVar {
  readonly id: number;
  readonly name: string;
  readonly type: Type;
}

export interface IrProgram {
  readonly cells: ReadonlyMap<string, IrCell>;
  readonly records: ReadonlyMap<string, IrRecord>;
  readonly enums: ReadonlyMap<string, IrEnum>;
  readonly effects: ReadonlyMap<string, IrEffect>;
  /** Indexed by check id. */
  readonly checks: readonly CheckInfo[];
  /** `assume` statements and `extern` contracts: the trusted base. */
  readonly trusted: readonly { readonly kind: 'assume' | 'extern'; readonly cell: string; readonly span: Span; readonly text: string }[];
  /** Cells of the root module, in source order (what `verify` reports on). */
  readonly rootCells: readonly string[];
}

/** A clause of a contract, over the cell's parameter vars (and `result`). */
export interface IrClause {
  readonly cond: IrExpr;
  readonly span: Span;
  /** Lumen text of the clause. */
  readonly text: string;
  /** `requires`/`ensures` clause, or a parameter/return refinement. */
  readonly origin: 'contract' | 'refinement';
}

export interface IrParam {
  readonly v: IrVar;
  readonly mode: 'value' | 'owned' | 'ref' | 'mutref';
  readonly span: Span;
  /**
   * Set on hidden parameters added by an instrumentation pass (issue #8): the
   * typestate pass gives every parameter of a typestate record type a hidden
   * Int parameter `state(f)` carrying its protocol state (see typestate/).
   */
  readonly ghost?: GhostKind;
  /** For a ghost parameter: the index of the real parameter it describes. */
  readonly ghostOf?: number;
}

/**
 * Ghost code added by the ownership and typestate passes (issue #8), after
 * lowering. `ownership` ghosts are static only: backends emit nothing for a
 * `Let`/`Assign`/`Check` marked so (the verifier executes them like any other
 * statement). `typestate` ghosts are ordinary code (cheap Int operations) and
 * are compiled, so an unproved typestate check is enforced at run time.
 */
export type GhostKind = 'ownership' | 'typestate';

export interface IrCell {
  readonly name: string;
  readonly span: Span;
  readonly params: readonly IrParam[];
  readonly ret: Type;
  /** Bound to the return value inside `ensures` and the return refinement. */
  readonly resultVar: IrVar;
  /** For `mut ref` params: var holding the value at entry, used by `old(x)`. */
  readonly oldVars: ReadonlyMap<number, IrVar>;
  /**
   * Parameter refinements and `requires`, assumed at entry. Their own
   * well-definedness checks (index, division inside the clause) carry ids and
   * are emitted when the clause is evaluated at entry; at call sites the
   * clauses are evaluated silently (they are the caller's `pre` checks).
   */
  readonly requires: readonly IrClause[];
  /** Return refinement and `ensures`, checked at every return (see `Return.posts`). */
  readonly ensures: readonly IrClause[];
  readonly decreases: IrExpr | null;
  /** Effect row with budgets. */
  readonly effects: readonly { readonly effect: string; readonly maxCalls: bigint | null; readonly span: Span }[];
  readonly pure: boolean;
  readonly extern: boolean;
  /** Null for `extern` cells and effect operations. */
  readonly body: IrBlock | null;
  readonly module: string;
  /** Whether this cell can reach itself through calls (needs `decreases`). */
  readonly recursive: boolean;
}

export interface IrRecord {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: Type; readonly v: IrVar }[];
  /** Field refinements over the field vars, in field order. */
  readonly invariants: readonly IrClause[];
  readonly linear: boolean;
  readonly typestate: TypestateInfo | null;
}

export interface IrEnum {
  readonly name: string;
  readonly variants: readonly IrVariant[];
}

export interface IrVariant {
  readonly name: string;
  /** `v` binds the field inside `invariants`. */
  readonly fields: readonly { readonly name: string; readonly type: Type; readonly v?: IrVar }[];
  /**
   * The refinements that refined aliases bring to payload fields
   * (`Some(v: list[Nat])`), over the field vars: checked at every
   * construction (`refinement` checks placed before the `MakeVariant`, like a
   * record's), assumed whenever a payload is matched. Absent when none.
   */
  readonly invariants?: readonly IrClause[];
}

export interface IrEffect {
  readonly name: string;
  readonly ops: readonly { readonly name: string; readonly params: readonly IrVar[]; readonly ret: Type; readonly ensures: readonly IrClause[] }[];
}

// ---------------------------------------------------------------- statements

export interface IrBlock {
  readonly stmts: readonly IrStmt[];
  /** The block's value; null means `null`. */
  readonly value: IrExpr | null;
  readonly span: Span;
}

export interface IrInvariant {
  readonly cond: IrExpr;
  readonly text: string;
  readonly span: Span;
  readonly entryCheck: CheckId;
  readonly preservedCheck: CheckId;
}

export type IrStmt =
  | { readonly kind: 'Let'; readonly v: IrVar; readonly init: IrExpr; readonly span: Span; readonly ghost?: GhostKind }
  | { readonly kind: 'Assign'; readonly v: IrVar; readonly value: IrExpr; readonly span: Span; readonly ghost?: GhostKind }
  /** `xs[i] = v` on a `let mut` list (or `mut ref` param). */
  | {
      readonly kind: 'SetIndex';
      readonly v: IrVar;
      readonly index: IrExpr;
      readonly value: IrExpr;
      readonly check: CheckId;
      readonly span: Span;
    }
  | { readonly kind: 'Expr'; readonly expr: IrExpr; readonly span: Span }
  /** A specification obligation: `assert`, refinements, record invariants, pre/postconditions… */
  | { readonly kind: 'Check'; readonly check: CheckId; readonly cond: IrExpr; readonly span: Span; readonly ghost?: GhostKind }
  /** `assume P`: trusted, never checked. */
  | { readonly kind: 'Assume'; readonly cond: IrExpr; readonly span: Span }
  | {
      readonly kind: 'While';
      readonly cond: IrExpr;
      readonly invariants: readonly IrInvariant[];
      /** Facts the lowering knows hold at the loop head (e.g. `a <= i` for `for i in a..b`); checked like invariants but never reported. */
      readonly facts: readonly IrExpr[];
      /**
       * The termination measure and its check. `expr` is null when none was
       * given and none could be guessed (termination is then `unknown`);
       * the whole field is null for counted (`for`) loops, which need none.
       */
      readonly decreases: { readonly expr: IrExpr | null; readonly check: CheckId; readonly guessed: boolean } | null;
      readonly body: IrBlock;
      /** Vars assigned in the body (loop-carried state). */
      readonly modified: readonly IrVar[];
      /** Lowered from a `for` loop: the body runs a known number of times. */
      readonly counted: boolean;
      readonly span: Span;
    }
  | {
      readonly kind: 'Return';
      readonly value: IrExpr;
      /** Postcondition and return-refinement checks, over the cell's `resultVar`. */
      readonly posts: readonly { readonly check: CheckId; readonly cond: IrExpr }[];
      readonly span: Span;
    }
  | { readonly kind: 'Break'; readonly span: Span }
  | { readonly kind: 'Continue'; readonly span: Span };

// ---------------------------------------------------------------- expressions

export type IntOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type ConstValue =
  | { readonly kind: 'Int'; readonly value: bigint }
  | { readonly kind: 'Float'; readonly value: number }
  | { readonly kind: 'Bool'; readonly value: boolean }
  | { readonly kind: 'String'; readonly value: string }
  | { readonly kind: 'Null' };

export interface PreCheck {
  readonly check: CheckId;
  /** Over the callee's parameter vars. */
  readonly cond: IrExpr;
}

export type IrExpr =
  | { readonly kind: 'Const'; readonly value: ConstValue; readonly type: Type; readonly span: Span }
  | { readonly kind: 'Var'; readonly v: IrVar; readonly span: Span }
  /** Int arithmetic. In code, `overflow`/`divZero` carry check ids; in specifications overflow is null. */
  | {
      readonly kind: 'IntOp';
      readonly op: IntOp;
      readonly left: IrExpr;
      readonly right: IrExpr;
      readonly overflow: CheckId | null;
      readonly divZero: CheckId | null;
      readonly span: Span;
    }
  | { readonly kind: 'IntNeg'; readonly operand: IrExpr; readonly overflow: CheckId | null; readonly span: Span }
  | { readonly kind: 'FloatOp'; readonly op: '+' | '-' | '*' | '/' | '**'; readonly left: IrExpr; readonly right: IrExpr; readonly span: Span }
  | { readonly kind: 'FloatNeg'; readonly operand: IrExpr; readonly span: Span }
  /** Comparison; `operand` is the (common) type of both sides. */
  | { readonly kind: 'Cmp'; readonly op: CmpOp; readonly left: IrExpr; readonly right: IrExpr; readonly operand: Type; readonly span: Span }
  | { readonly kind: 'Not'; readonly operand: IrExpr; readonly span: Span }
  /** Short-circuit. */
  | { readonly kind: 'And' | 'Or' | 'Implies'; readonly left: IrExpr; readonly right: IrExpr; readonly span: Span }
  /** `++` on strings or lists. */
  | { readonly kind: 'Concat'; readonly left: IrExpr; readonly right: IrExpr; readonly type: Type; readonly span: Span }
  /** `len(x)` of a list, string or map. */
  | { readonly kind: 'Len'; readonly operand: IrExpr; readonly span: Span }
  /** `xs[i]` (list or string) with Lumen's negative indexing; `check` is the bounds check. */
  | { readonly kind: 'Index'; readonly target: IrExpr; readonly index: IrExpr; readonly check: CheckId | null; readonly type: Type; readonly span: Span }
  | { readonly kind: 'Field'; readonly target: IrExpr; readonly record: string; readonly field: number; readonly type: Type; readonly span: Span }
  | { readonly kind: 'TupleGet'; readonly target: IrExpr; readonly index: number; readonly type: Type; readonly span: Span }
  /**
   * Record construction. Its record-invariant and field-refinement checks are
   * explicit `Check` statements placed before it by the lowering (inside a
   * `Block`), over temporaries holding the field values.
   */
  | { readonly kind: 'MakeRecord'; readonly record: string; readonly fields: readonly IrExpr[]; readonly type: Type; readonly span: Span }
  | { readonly kind: 'MakeVariant'; readonly enum: string; readonly variant: number; readonly args: readonly IrExpr[]; readonly type: Type; readonly span: Span }
  | { readonly kind: 'MakeResult'; readonly which: 'ok' | 'err'; readonly arg: IrExpr; readonly type: Type; readonly span: Span }
  | { readonly kind: 'MakeList'; readonly elems: readonly IrExpr[]; readonly type: Type; readonly span: Span }
  | { readonly kind: 'MakeTuple'; readonly elems: readonly IrExpr[]; readonly type: Type; readonly span: Span }
  /** Interpolated string: parts are converted with `to_string` and concatenated. */
  | { readonly kind: 'Interp'; readonly parts: readonly IrExpr[]; readonly span: Span }
  /**
   * A call of a user cell. `pre` are the precondition/parameter-refinement
   * checks at this call site, over the callee's parameter vars. `measure` is
   * the termination check of a recursive call. `mutRefs` lists, per argument
   * passed `mut ref`, the caller var that receives the updated value.
   */
  | {
      readonly kind: 'Call';
      readonly cell: string;
      readonly args: readonly IrExpr[];
      readonly pre: readonly PreCheck[];
      readonly termination: CheckId | null;
      /** Effect-budget checks of the caller that this call's own budgets could exceed. */
      readonly budgets: readonly { readonly effect: string; readonly check: CheckId }[];
      readonly mutRefs: readonly { readonly arg: number; readonly v: IrVar }[];
      /** The call is part of a specification (a pure cell in `ensures`, an invariant…). */
      readonly spec?: boolean;
      readonly type: Type;
      readonly span: Span;
    }
  /** A built-in; `check` guards `abs` (overflow) and `to_int` (overflow / NaN). */
  | { readonly kind: 'Builtin'; readonly name: BuiltinOp; readonly args: readonly IrExpr[]; readonly check: CheckId | null; readonly type: Type; readonly span: Span }
  | { readonly kind: 'If'; readonly cond: IrExpr; readonly then: IrBlock; readonly else: IrBlock; readonly type: Type; readonly span: Span }
  /** `scrutinee` is evaluated once. `check` is the exhaustiveness check (null when the arms are exhaustive by type). */
  | { readonly kind: 'Match'; readonly scrutinee: IrExpr; readonly arms: readonly IrArm[]; readonly check: CheckId | null; readonly type: Type; readonly span: Span }
  | { readonly kind: 'Block'; readonly block: IrBlock; readonly span: Span }
  | { readonly kind: 'Halt'; readonly message: IrExpr | null; readonly check: CheckId; readonly span: Span }
  | { readonly kind: 'NonNull'; readonly operand: IrExpr; readonly check: CheckId; readonly type: Type; readonly span: Span }
  /** Postfix `?`: returns `err(e)` from the cell (through its postconditions). */
  | { readonly kind: 'Try'; readonly operand: IrExpr; readonly posts: readonly { readonly check: CheckId; readonly cond: IrExpr }[]; readonly type: Type; readonly span: Span }
  | {
      readonly kind: 'Perform';
      readonly effect: string;
      readonly op: string;
      readonly args: readonly IrExpr[];
      /** The effect-budget check, when the enclosing cell has a budget for this effect. */
      readonly budget: CheckId | null;
      readonly type: Type;
      readonly span: Span;
    }
  | { readonly kind: 'Handle'; readonly body: IrBlock; readonly handlers: readonly IrHandler[]; readonly type: Type; readonly span: Span }
  | { readonly kind: 'Resume'; readonly value: IrExpr | null; readonly span: Span }
  /**
   * A union-typed value used where the checker has narrowed it to one member
   * (after `x != null`, in a `match` arm…): the member's value. It holds by
   * construction, so it carries no check; at run time it is the value itself.
   */
  | { readonly kind: 'Narrow'; readonly operand: IrExpr; readonly type: Type; readonly span: Span }
  /**
   * A value flowing into a union-typed place (`let x: Int? = 3`, returning an
   * Int from a cell returning `Int?`, an `if` without `else`): the union value
   * holding it. At run time values are untagged, so it is the value itself.
   */
  | { readonly kind: 'Inject'; readonly operand: IrExpr; readonly type: Type; readonly span: Span }
  /** Is the value of a union-typed expression of this member type (for narrowing `x != null`). */
  | { readonly kind: 'IsType'; readonly operand: IrExpr; readonly type: Type; readonly span: Span }
  // ---- specification-only
  /** `forall v in lo..hi => body`, `forall v in xs => body` (over elements), `forall v: T => body`. */
  | {
      readonly kind: 'Quant';
      readonly quantifier: 'forall' | 'exists';
      readonly v: IrVar;
      readonly domain:
        | { readonly kind: 'range'; readonly lo: IrExpr; readonly hi: IrExpr; readonly inclusive: boolean }
        | { readonly kind: 'list'; readonly list: IrExpr }
        | { readonly kind: 'type' };
      readonly body: IrExpr;
      readonly span: Span;
    }
  /** `x in a..b` / `x in xs`. */
  | { readonly kind: 'In'; readonly element: IrExpr; readonly range: { readonly lo: IrExpr; readonly hi: IrExpr; readonly inclusive: boolean } | null; readonly list: IrExpr | null; readonly span: Span }
  | { readonly kind: 'Old'; readonly expr: IrExpr; readonly span: Span }
  /** `calls(E)`: performs of E so far in this cell (ghost). */
  | { readonly kind: 'Calls'; readonly effect: string; readonly span: Span }
  /** `state(x) == S` compares against a state name. */
  | { readonly kind: 'StateIs'; readonly v: IrVar; readonly typestate: string; readonly state: string; readonly span: Span };

export type BuiltinOp = 'print' | 'abs' | 'min' | 'max' | 'to_string' | 'to_float' | 'to_int' | 'push' | 'range';

export interface IrArm {
  readonly pattern: IrPattern;
  readonly guard: IrExpr | null;
  readonly body: IrBlock;
  readonly span: Span;
}

export type IrPattern =
  | { readonly kind: 'Wild' }
  | { readonly kind: 'Bind'; readonly v: IrVar }
  | { readonly kind: 'Lit'; readonly value: ConstValue }
  | { readonly kind: 'Range'; readonly lo: bigint; readonly hi: bigint; readonly inclusive: boolean }
  | { readonly kind: 'Variant'; readonly enum: string; readonly variant: number; readonly args: readonly IrPattern[] }
  | { readonly kind: 'Record'; readonly record: string; readonly fields: readonly IrPattern[] }
  | { readonly kind: 'Tuple'; readonly elems: readonly IrPattern[] }
  | { readonly kind: 'Result'; readonly which: 'ok' | 'err'; readonly arg: IrPattern }
  /** Matches a union member of the given type and binds it. */
  | { readonly kind: 'Type'; readonly type: Type; readonly v: IrVar };

export interface IrHandler {
  readonly effect: string;
  readonly op: string;
  readonly params: readonly IrVar[];
  readonly body: IrBlock;
  readonly span: Span;
}

export function exprSpan(e: IrExpr): Span {
  return e.span;
}
