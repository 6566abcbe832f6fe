// The documented, versioned JSON report (`--format json`), made from the same
// ReportInput as SARIF. docs/json-format.md describes every field; a change
// that removes or renames a field bumps JSON_SCHEMA_VERSION. Unlike SARIF it
// always lists every check, proved ones included, and is never truncated.

import type { Diagnostic } from '../frontend/diagnostics.js';
import { CATALOGUE } from '../frontend/diagnostics.js';
import type { CheckKind } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import { typeToString } from '../frontend/typeprint.js';
import type { CheckResult } from '../verifier/verify.js';
import type { Position, ReportInput, Summary, VerdictKind } from './model.js';
import {
  checkFingerprints,
  checkHeadline,
  comparePositions,
  counterexampleInputs,
  diagnosticFingerprints,
  isConfirmed,
  Locator,
  roundMs,
  solverLabel,
  summarize,
} from './model.js';

/** Version of the JSON report's shape (`schemaVersion`). */
export const JSON_SCHEMA_VERSION = 1;

export interface JsonLocation {
  /** Path relative to the repository root, `/`-separated. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  /** Exclusive: the column just after the last character. */
  readonly endColumn: number;
}

export interface JsonCounterexample {
  readonly confirmed: boolean;
  /** Why the counterexample could not be replayed, when it could not. */
  readonly note?: string;
  /** Loop unrolling depth at which it was found (0: on an exact path). */
  readonly unrolled: number;
  /** Parameters by name, then `perform#1`, `perform#2`…: Lumen literal text (as in SARIF). */
  readonly inputs: Readonly<Record<string, string>>;
  /** The parameters in order, with their types. */
  readonly parameters: readonly { readonly name: string; readonly type: string; readonly value: string }[];
  readonly performs: readonly { readonly label: string; readonly value: string }[];
  readonly path: readonly {
    readonly location: JsonLocation;
    readonly what: string;
    readonly values: readonly { readonly name: string; readonly value: string }[];
  }[];
}

export interface JsonCheck {
  readonly id: number;
  readonly kind: CheckKind;
  readonly cell: string;
  readonly verdict: VerdictKind;
  readonly location: JsonLocation;
  /** The asserted property in Lumen syntax. */
  readonly expr: string;
  /** One sentence for this verdict (what SARIF shows). */
  readonly message: string;
  readonly failure: string;
  readonly success: string;
  readonly related: readonly { readonly message: string; readonly location: JsonLocation }[];
  readonly timeMs: number;
  readonly solver: string;
  readonly key: string;
  /** Same value as SARIF's `primaryLocationLineHash`. */
  readonly fingerprint: string;
  readonly counterexample?: JsonCounterexample;
  /** Why an unknown check was not decided. */
  readonly reason?: string;
}

export interface JsonDiagnostic {
  readonly code: string;
  readonly name: string;
  readonly severity: Diagnostic['severity'];
  readonly message: string;
  readonly location: JsonLocation;
  readonly related: readonly { readonly message: string; readonly location: JsonLocation }[];
  readonly notes: readonly string[];
  readonly fingerprint: string;
}

export interface JsonReport {
  readonly schemaVersion: typeof JSON_SCHEMA_VERSION;
  readonly tool: { readonly name: string; readonly version: string; readonly solver: string; readonly solverVersion: string };
  readonly summary: Summary;
  readonly checks: readonly JsonCheck[];
  readonly inferred: readonly { readonly cell: string; readonly location: JsonLocation; readonly text: string }[];
  readonly trusted: readonly { readonly kind: 'assume' | 'extern'; readonly cell: string; readonly location: JsonLocation; readonly text: string }[];
  readonly diagnostics: readonly JsonDiagnostic[];
}

function loc(p: Position): JsonLocation {
  return { file: p.path, line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn };
}

export function toJson(input: ReportInput): JsonReport {
  const locator = new Locator(input);
  const at = (span: Span): JsonLocation => loc(locator.position(span));
  const bySpan = <T>(items: readonly T[], span: (x: T) => Span, tie: (x: T) => string) =>
    items
      .map((x) => ({ x, p: locator.position(span(x)) }))
      .sort((a, b) => comparePositions(a.p, b.p) || (tie(a.x) < tie(b.x) ? -1 : tie(a.x) > tie(b.x) ? 1 : 0))
      .map((e) => e.x);

  const checkPrints = checkFingerprints(input.results, locator);
  const checks = [...input.results]
    .map((r) => ({ r, p: locator.position(r.check.span) }))
    .sort((a, b) => comparePositions(a.p, b.p) || a.r.check.id - b.r.check.id)
    .map(({ r, p }) => checkJson(input, locator, r, p, checkPrints.get(r)!));

  const diagPrints = diagnosticFingerprints(input.diagnostics, locator);
  const diags = bySpan(input.diagnostics, (d) => d.span, (d) => `${d.code}\u0000${d.message}`);
  const names = new Map(CATALOGUE.map((e) => [e.code, e.name]));

  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: input.tool.name, version: input.tool.version, solver: input.tool.solver, solverVersion: input.tool.solverVersion },
    summary: summarize(input),
    checks,
    inferred: bySpan(input.inferred, (x) => x.span, (x) => `${x.cell}\u0000${x.text}`).map((x) => ({ cell: x.cell, location: at(x.span), text: x.text })),
    trusted: bySpan(input.trusted, (x) => x.span, (x) => `${x.kind}\u0000${x.text}`).map((x) => ({
      kind: x.kind,
      cell: x.cell,
      location: at(x.span),
      text: x.text,
    })),
    diagnostics: diags.map((d) => ({
      code: d.code,
      name: names.get(d.code) ?? d.code,
      severity: d.severity,
      message: d.message,
      location: at(d.span),
      related: d.related.map((r) => ({ message: r.message, location: at(r.span) })),
      notes: [...d.notes],
      fingerprint: diagPrints.get(d)!,
    })),
  };
}

function checkJson(input: ReportInput, locator: Locator, r: CheckResult, p: Position, fingerprint: string): JsonCheck {
  const c = r.check;
  const v = r.verdict;
  const base = {
    id: c.id,
    kind: c.kind,
    cell: c.cell,
    verdict: v.kind,
    location: loc(p),
    expr: c.expr,
    message: checkHeadline(r),
    failure: c.failure,
    success: c.success,
    related: c.related.map((x) => ({ message: x.message, location: loc(locator.position(x.span)) })),
    timeMs: roundMs(r.timeMs),
    solver: solverLabel(input.tool),
    key: c.key,
    fingerprint,
  };
  if (v.kind === 'refuted') {
    const cx = v.counterexample;
    return {
      ...base,
      counterexample: {
        confirmed: isConfirmed(input, r),
        ...(v.note ? { note: v.note } : {}),
        unrolled: cx.unrolled,
        inputs: counterexampleInputs(cx),
        parameters: cx.inputs.map((x) => ({ name: x.name, type: typeToString(x.type), value: x.value })),
        performs: cx.performs.map((x) => ({ label: x.label, value: x.value })),
        path: cx.path.map((s) => ({ location: loc(locator.position(s.span)), what: s.what, values: s.values.map((x) => ({ name: x.name, value: x.value })) })),
      },
    };
  }
  if (v.kind === 'unknown') return { ...base, reason: v.reason };
  return base;
}

/** Deterministic text of a JSON report: two-space indentation and a final newline. */
export function serializeJson(report: JsonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
