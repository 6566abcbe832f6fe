// Diagnostics as data. Every diagnostic the compiler can emit has an entry in
// one catalogue (code, severity, message template), assembled here from the
// per-stage parts in `catalogue/`. A test rejects duplicate codes. Stages
// collect diagnostics and return them; printing is done elsewhere (render.ts).

import type { Span } from './span.js';
import { SYNTAX_DIAGNOSTICS } from './catalogue/syntax.js';
import { TYPE_DIAGNOSTICS } from './catalogue/types.js';

export type Severity = 'error' | 'warning' | 'note';

export interface CatalogueEntry {
  /** Stable code, e.g. `E0101`. Never reused for another meaning. */
  readonly code: string;
  readonly severity: Severity;
  /** Short kebab-case name, used as the SARIF rule name. */
  readonly name: string;
  /** Message template; `{0}`, `{1}`… are replaced by the arguments. */
  readonly template: string;
  /** Optional longer help text shown under the diagnostic. */
  readonly help?: string;
}

export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related: readonly RelatedInfo[];
  readonly notes: readonly string[];
}

export const CATALOGUE: readonly CatalogueEntry[] = [...SYNTAX_DIAGNOSTICS, ...TYPE_DIAGNOSTICS];

const BY_CODE = new Map<string, CatalogueEntry>(CATALOGUE.map((e) => [e.code, e]));

export function catalogueEntry(code: string): CatalogueEntry {
  const entry = BY_CODE.get(code);
  if (!entry) throw new Error(`internal: unknown diagnostic code ${code}`);
  return entry;
}

export function formatTemplate(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** Creates a diagnostic from its catalogue code. */
export function diag(
  code: string,
  span: Span,
  args: readonly (string | number)[] = [],
  extra: { related?: RelatedInfo[]; notes?: string[] } = {},
): Diagnostic {
  const entry = catalogueEntry(code);
  const notes = [...(extra.notes ?? [])];
  if (entry.help) notes.push(entry.help);
  return {
    code,
    severity: entry.severity,
    message: formatTemplate(entry.template, args),
    span,
    related: extra.related ?? [],
    notes,
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, position, then code, for deterministic output. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
