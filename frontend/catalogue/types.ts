// Resolver and type-checker diagnostics: codes E0100–E0399, warnings W0100–W0199.
// Grouped by area; codes are stable and never reused for another meaning.
import type { CatalogueEntry } from '../diagnostics.js';

export const TYPE_DIAGNOSTICS: readonly CatalogueEntry[] = [
  // Names and types (E0100–E0139).
  { code: 'E0100', severity: 'error', name: 'unknown-name', template: 'cannot find `{0}` in this scope' },
  { code: 'E0101', severity: 'error', name: 'unknown-type', template: 'cannot find type `{0}`' },
  { code: 'E0102', severity: 'error', name: 'duplicate-definition', template: '`{0}` is defined more than once' },
  { code: 'E0103', severity: 'error', name: 'type-mismatch', template: 'mismatched types: expected `{0}`, found `{1}`' },
  { code: 'E0104', severity: 'error', name: 'not-callable', template: '`{0}` is not a cell, constructor or built-in and cannot be called' },
  { code: 'E0105', severity: 'error', name: 'wrong-argument-count', template: '`{0}` takes {1} argument(s) but {2} were given' },
  { code: 'E0106', severity: 'error', name: 'unknown-named-argument', template: '`{0}` has no parameter or field named `{1}`' },
  { code: 'E0107', severity: 'error', name: 'duplicate-argument', template: 'argument `{0}` is given more than once' },
  { code: 'E0108', severity: 'error', name: 'missing-argument', template: 'missing argument `{0}` in call to `{1}`' },
  { code: 'E0109', severity: 'error', name: 'positional-after-named', template: 'a positional argument cannot follow named arguments' },
  { code: 'E0110', severity: 'error', name: 'wrong-type-argument-count', template: 'type `{0}` expects {1} type argument(s), found {2}' },
  { code: 'E0111', severity: 'error', name: 'not-a-value', template: '`{0}` is {1}, not a value' },
  { code: 'E0112', severity: 'error', name: 'ambiguous-variant', template: '`{0}` is a variant of several enums ({1}); write `Enum.{0}`' },
  { code: 'E0113', severity: 'error', name: 'no-such-field', template: 'type `{0}` has no field `{1}`' },
  { code: 'E0114', severity: 'error', name: 'not-indexable', template: 'cannot index into a value of type `{0}`' },
  { code: 'E0115', severity: 'error', name: 'bad-operands', template: 'operator `{0}` cannot be applied to `{1}` and `{2}`' },
  { code: 'E0116', severity: 'error', name: 'bad-operand', template: 'operator `{0}` cannot be applied to `{1}`' },
  { code: 'E0117', severity: 'error', name: 'incompatible-branches', template: 'the branches of this `{0}` have incompatible types `{1}` and `{2}`' },
  { code: 'E0118', severity: 'error', name: 'not-iterable', template: 'cannot iterate over a value of type `{0}`' },
  { code: 'E0119', severity: 'error', name: 'int-literal-out-of-range', template: 'integer literal `{0}` does not fit in a 64-bit Int' },
  { code: 'E0120', severity: 'error', name: 'missing-field', template: 'missing field `{0}` in construction of `{1}`' },
  { code: 'E0121', severity: 'error', name: 'unknown-variant', template: 'enum `{0}` has no variant `{1}`' },
  { code: 'E0122', severity: 'error', name: 'payload-required', template: 'variant `{0}` carries a payload: write `{0}(…)`' },
  { code: 'E0123', severity: 'error', name: 'type-params-on-param', template: 'type parameter `{0}` takes no type arguments' },
  { code: 'E0124', severity: 'error', name: 'recursive-alias', template: 'type alias `{0}` is defined in terms of itself' },
  { code: 'E0125', severity: 'error', name: 'try-outside-result-cell', template: '`?` can only be used in a cell that returns a `result`; `{0}` returns `{1}`' },
  { code: 'E0126', severity: 'error', name: 'try-on-non-result', template: '`?` needs a `result` value, found `{0}`' },
  { code: 'E0127', severity: 'error', name: 'try-error-mismatch', template: 'cannot propagate an error of type `{0}` from a cell whose error type is `{1}`' },
  { code: 'E0128', severity: 'error', name: 'tuple-index-out-of-range', template: 'tuple `{0}` has no element {1}' },
  { code: 'E0129', severity: 'error', name: 'not-comparable', template: 'cannot compare `{0}` with `{1}`' },
  { code: 'E0130', severity: 'error', name: 'nested-refinement', template: 'a `where` refinement may only be written at the top of a parameter, field, `let`, return or alias type' },
  { code: 'E0131', severity: 'error', name: 'module-member-access', template: '`{0}` is a module: import its names with `import {0}: …`' },
  { code: 'E0132', severity: 'error', name: 'not-a-type', template: '`{0}` is not a type' },
  { code: 'E0133', severity: 'error', name: 'named-argument-not-allowed', template: '`{0}` does not take named arguments' },
  { code: 'E0134', severity: 'error', name: 'spread-not-allowed', template: '`..` (functional update) can only be used to construct a record, not in a call to `{0}`' },

  // Patterns and matches (E0140–E0149).
  { code: 'E0140', severity: 'error', name: 'pattern-type-mismatch', template: 'this pattern cannot match a value of type `{0}`' },
  { code: 'E0141', severity: 'error', name: 'non-exhaustive-match', template: 'non-exhaustive match on `{0}`: {1} not covered' },
  { code: 'E0142', severity: 'error', name: 'refutable-pattern', template: 'this `{0}` pattern may fail to match: {1} not covered' },
  { code: 'E0143', severity: 'error', name: 'not-a-constructor', template: '`{0}` is not a variant, record or `ok`/`err`' },
  { code: 'E0144', severity: 'error', name: 'duplicate-binding', template: '`{0}` is bound more than once in this pattern' },

  // Arguments, modes and references (E0150–E0159).
  { code: 'E0150', severity: 'error', name: 'missing-mut-ref', template: 'parameter `{0}` of `{1}` is `mut ref`: write `mut ref` before the argument' },
  { code: 'E0151', severity: 'error', name: 'missing-ref', template: 'parameter `{0}` of `{1}` is `ref`: write `ref` before the argument' },
  { code: 'E0152', severity: 'error', name: 'unexpected-mode-marker', template: '`{0}` marker on an argument for `{1}`, which is not a `{0}` parameter' },
  { code: 'E0153', severity: 'error', name: 'mut-ref-needs-mutable', template: '`mut ref {0}` needs a `let mut` variable or a `mut ref` parameter' },
  { code: 'E0154', severity: 'error', name: 'mut-ref-needs-variable', template: '`mut ref` needs a variable, not an expression' },
  { code: 'E0155', severity: 'error', name: 'reference-escapes', template: 'reference parameter `{0}` cannot be {1}: references are second-class' },

  // Effects and handlers (E0160–E0169).
  { code: 'E0160', severity: 'error', name: 'unknown-effect', template: 'cannot find effect `{0}`' },
  { code: 'E0161', severity: 'error', name: 'unknown-effect-operation', template: 'effect `{0}` has no operation `{1}`' },
  { code: 'E0162', severity: 'error', name: 'perform-outside-row', template: '`perform {0}.{1}` is neither in the effect row of `{2}` nor handled here' },
  { code: 'E0163', severity: 'error', name: 'call-outside-row', template: 'calling `{0}` may perform `{1}`, which is neither in the effect row of `{2}` nor handled here' },
  { code: 'E0164', severity: 'error', name: 'bad-budget', template: '`max_calls` must be a non-negative integer literal' },
  { code: 'E0165', severity: 'error', name: 'operation-without-perform', template: 'effect operation `{0}` must be invoked with `perform`' },
  { code: 'E0166', severity: 'error', name: 'resume-outside-handler', template: '`resume` can only be used inside an effect handler' },
  { code: 'E0167', severity: 'error', name: 'duplicate-handler', template: 'operation `{0}` is handled more than once in this `handle`' },

  // Purity (E0170–E0179).
  { code: 'E0170', severity: 'error', name: 'pure-performs', template: 'pure cell `{0}` cannot perform effects' },
  { code: 'E0171', severity: 'error', name: 'pure-prints', template: 'pure cell `{0}` cannot call `print`' },
  { code: 'E0172', severity: 'error', name: 'pure-calls-impure', template: 'pure cell `{0}` cannot call `{1}`, which is not pure' },
  { code: 'E0173', severity: 'error', name: 'pure-mut-ref', template: 'pure cell `{0}` cannot take the `mut ref` parameter `{1}`' },
  { code: 'E0174', severity: 'error', name: 'pure-effect-row', template: 'pure cell `{0}` cannot declare effects' },

  // Mutability and assignment (E0180–E0189).
  { code: 'E0180', severity: 'error', name: 'assign-to-immutable', template: 'cannot assign to `{0}`: it is not declared with `let mut`' },
  { code: 'E0181', severity: 'error', name: 'assign-to-field', template: 'cannot assign to field `{0}`: records are immutable; use a functional update such as `{1}`' },
  { code: 'E0182', severity: 'error', name: 'invalid-assignment-target', template: 'cannot assign to this expression' },
  { code: 'E0183', severity: 'error', name: 'assign-element-of-immutable', template: 'cannot assign to an element of `{0}`: it is not declared with `let mut`' },

  // Specifications (E0190–E0199).
  { code: 'E0190', severity: 'error', name: 'specification-only', template: '`{0}` is only allowed in specifications (requires, ensures, invariant, assert, assume, where, decreases)' },
  { code: 'E0191', severity: 'error', name: 'old-outside-ensures', template: '`old` is only allowed in `ensures`' },
  { code: 'E0192', severity: 'error', name: 'result-outside-postcondition', template: '`result` is only allowed in `ensures` and return refinements' },
  { code: 'E0193', severity: 'error', name: 'self-outside-alias', template: '`self` is only allowed in the refinement of a type alias' },
  { code: 'E0194', severity: 'error', name: 'impure-call-in-specification', template: 'cannot call `{0}` in a specification: only pure cells and `len`, `abs`, `min`, `max` may be called' },
  { code: 'E0195', severity: 'error', name: 'not-allowed-in-specification', template: '{0} is not allowed in a specification' },
  { code: 'E0196', severity: 'error', name: 'refinement-mentions-later', template: 'the refinement of `{0}` cannot mention `{1}`, which is declared after it' },
  { code: 'E0197', severity: 'error', name: 'calls-needs-effect', template: '`calls` takes the name of an effect' },
  { code: 'E0198', severity: 'error', name: 'state-needs-typestate', template: '`state` needs a value whose record type has a `typestate`, found `{0}`' },

  // Control flow (E0200–E0209).
  { code: 'E0200', severity: 'error', name: 'outside-loop', template: '`{0}` outside of a loop' },
  { code: 'E0201', severity: 'error', name: 'return-outside-cell', template: '`return` is not allowed here' },

  // Typestate (E0210–E0219).
  { code: 'E0210', severity: 'error', name: 'typestate-not-record', template: '`typestate {0}` must name a record declared in this module' },
  { code: 'E0211', severity: 'error', name: 'typestate-unknown-state', template: '`{0}` is not a state of typestate `{1}`' },
  { code: 'E0212', severity: 'error', name: 'typestate-unknown-cell', template: 'cannot find cell `{0}` for a transition of typestate `{1}`' },
  { code: 'E0213', severity: 'error', name: 'typestate-bad-cell', template: 'transition cell `{0}` must take `mut ref {1}` as its first parameter' },
  { code: 'E0214', severity: 'error', name: 'typestate-duplicate', template: 'record `{0}` already has a typestate' },
  { code: 'E0215', severity: 'error', name: 'typestate-result-not-bool', template: 'transition `{0}` depends on `result`, so `{0}` must return `Bool`' },

  // Declarations (E0220–E0229).
  { code: 'E0220', severity: 'error', name: 'extern-with-body', template: 'cell `{0}` has no body; only `extern` cells may omit it' },

  // Internal (E0399): a bug in the checker, reported instead of crashing.
  { code: 'E0399', severity: 'error', name: 'internal-checker-error', template: 'internal error in the type checker: {0}', help: 'this is a bug in Lumen Verify; please report it with the program that triggers it' },

  // Warnings (W0100–W0199).
  { code: 'W0100', severity: 'warning', name: 'unnecessary-null-assertion', template: 'unnecessary `!`: a value of type `{0}` is never null' },
];
