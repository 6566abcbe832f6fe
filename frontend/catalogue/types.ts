// Resolver and type-checker diagnostics: codes E0100–E0399, warnings W0100–W0199.
import type { CatalogueEntry } from '../diagnostics.js';

export const TYPE_DIAGNOSTICS: readonly CatalogueEntry[] = [
  { code: 'E0100', severity: 'error', name: 'unknown-name', template: 'cannot find `{0}` in this scope' },
  { code: 'E0101', severity: 'error', name: 'unknown-type', template: 'cannot find type `{0}`' },
  { code: 'E0102', severity: 'error', name: 'duplicate-definition', template: '`{0}` is defined more than once' },
  { code: 'E0103', severity: 'error', name: 'type-mismatch', template: 'mismatched types: expected `{0}`, found `{1}`' },
];
