// Lexer, parser and module-loading diagnostics: codes E0001–E0099.
import type { CatalogueEntry } from '../diagnostics.js';

export const SYNTAX_DIAGNOSTICS: readonly CatalogueEntry[] = [
  { code: 'E0001', severity: 'error', name: 'unexpected-character', template: 'unexpected character `{0}`' },
  { code: 'E0002', severity: 'error', name: 'unterminated-string', template: 'unterminated string literal' },
  { code: 'E0003', severity: 'error', name: 'invalid-number', template: 'invalid number literal `{0}`' },
  { code: 'E0004', severity: 'error', name: 'invalid-escape', template: 'invalid escape sequence `{0}`' },
  { code: 'E0005', severity: 'error', name: 'int-literal-too-large', template: 'integer literal `{0}` does not fit in a 64-bit Int' },
  { code: 'E0006', severity: 'error', name: 'unsupported-version', template: 'unsupported language version `@lumen {0}`; this compiler accepts `@lumen 1`' },
  { code: 'E0010', severity: 'error', name: 'expected-token', template: 'expected {0}, found {1}' },
  { code: 'E0011', severity: 'error', name: 'expected-expression', template: 'expected an expression, found {0}' },
  { code: 'E0012', severity: 'error', name: 'expected-declaration', template: 'expected a declaration (`cell`, `record`, `enum`, `type`, `effect`, `typestate`, `import`), found {0}' },
  { code: 'E0013', severity: 'error', name: 'missing-end', template: '`{0}` block is not closed by `end`' },
  { code: 'E0014', severity: 'error', name: 'expected-pattern', template: 'expected a pattern, found {0}' },
  { code: 'E0015', severity: 'error', name: 'expected-type', template: 'expected a type, found {0}' },
  { code: 'E0016', severity: 'error', name: 'misplaced-clause', template: '`{0}` must come {1}' },
  { code: 'E0017', severity: 'error', name: 'invalid-assignment-target', template: 'cannot assign to this expression' },
  { code: 'E0018', severity: 'error', name: 'misplaced-keyword', template: '`{0}` is not allowed here' },
  { code: 'E0019', severity: 'error', name: 'nesting-too-deep', template: 'expression or block nested too deeply (more than {0} levels)' },
  { code: 'E0020', severity: 'error', name: 'typestate-missing-initial', template: 'typestate `{0}` has no `initial` state', help: 'add a line `initial <State>` naming the state of a newly constructed value' },
  { code: 'E0021', severity: 'error', name: 'duplicate-clause', template: '`{0}` may appear only once {1}' },
  { code: 'E0050', severity: 'error', name: 'module-not-found', template: 'module `{0}` not found (looked for {1})' },
  { code: 'E0051', severity: 'error', name: 'import-cycle', template: 'import cycle: {0}' },
  { code: 'E0052', severity: 'error', name: 'import-not-exported', template: '`{0}` is not a public name of module `{1}`' },
  { code: 'E0053', severity: 'error', name: 'import-unknown-name', template: 'module `{0}` has no declaration named `{1}`' },
  { code: 'E0054', severity: 'error', name: 'io-error', template: 'cannot read `{0}`: {1}' },
];
