// Human-readable verification results: one rustc-style entry per refuted or
// unknown check (and per proved check with -v), then a summary by verdict and
// by check kind. Rendering of source excerpts is shared with diagnostics.

import type { Diagnostic } from '../frontend/diagnostics.js';
import { renderDiagnostic, renderPlain } from '../frontend/render.js';
import type { SourceFile } from '../frontend/span.js';
import { lineColOf } from '../frontend/span.js';
import type { CheckResult } from '../verifier/verify.js';

export interface TextOptions {
  readonly color: boolean;
  readonly verbose: boolean;
  /** One line per result (pipes and tests) instead of source excerpts. */
  readonly plain: boolean;
}

export function checkToDiagnostic(r: CheckResult): Diagnostic | null {
  const v = r.verdict;
  if (v.kind === 'proved') {
    return { code: r.check.kind, severity: 'note', message: `proved: ${r.check.success}`, span: r.check.span, related: [], notes: [] };
  }
  if (v.kind === 'unknown') {
    return {
      code: r.check.kind,
      severity: 'warning',
      message: `unknown: ${r.check.failure}`,
      span: r.check.span,
      related: r.check.related.map((x) => ({ span: x.span, message: x.message })),
      notes: [`not proved: ${v.reason}; a runtime check is kept`],
    };
  }
  const cx = v.counterexample;
  const notes: string[] = [];
  const inputs = [...cx.inputs.filter((i) => !i.irrelevant).map((i) => `${i.name} = ${i.value}`), ...cx.performs.map((p) => `${p.label} = ${p.value}`)];
  const anyValue = cx.inputs.filter((i) => i.irrelevant).map((i) => `\`${i.name}\``);
  if (anyValue.length > 0) inputs.push(`any ${anyValue.join(', ')}`);
  notes.push(`counterexample${v.confirmed ? ' (confirmed by running it)' : ''}: ${inputs.length ? inputs.join(', ') : '(no inputs)'}`);
  if (cx.calls.length > 0) notes.push(`assuming the callees return: ${cx.calls.map((c) => `${shortName(c.cell)}(…) = ${c.value}`).join(', ')}`);
  if (v.note) notes.push(v.note);
  return {
    code: r.check.kind,
    severity: 'error',
    message: `refuted: ${r.check.failure}`,
    span: r.check.span,
    related: r.check.related.map((x) => ({ span: x.span, message: x.message })),
    notes,
  };
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/** The counterexample path as a short numbered trace of source lines with values. */
export function renderPath(r: CheckResult, files: ReadonlyMap<string, SourceFile>): string {
  if (r.verdict.kind !== 'refuted') return '';
  const steps = r.verdict.counterexample.path;
  if (steps.length === 0) return '';
  const lines = ['    path:'];
  steps.forEach((s, i) => {
    const f = files.get(s.span.file);
    const pos = f ? lineColOf(f, s.span.start) : { line: 0, column: 0 };
    const vals = s.values.length ? `  (${s.values.map((v) => `${v.name} = ${v.value}`).join(', ')})` : '';
    lines.push(`      ${String(i + 1).padStart(2)}. line ${pos.line}: ${s.what}${vals}`);
  });
  const cp = files.get(r.check.span.file);
  const at = cp ? lineColOf(cp, r.check.span.start).line : 0;
  lines.push(`      ${String(steps.length + 1).padStart(2)}. line ${at}: ${r.check.kind} check fails`);
  return lines.join('\n');
}

export function renderResults(results: readonly CheckResult[], files: ReadonlyMap<string, SourceFile>, opts: TextOptions): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.verdict.kind === 'proved' && !opts.verbose) continue;
    const d = checkToDiagnostic(r);
    if (!d) continue;
    out.push(opts.plain ? renderPlain(d, files) + plainNotes(d) : renderDiagnostic(d, files, { color: opts.color }));
    const path = renderPath(r, files);
    if (path) out.push(path);
  }
  out.push(summary(results));
  return out.join('\n') + '\n';
}

function plainNotes(d: Diagnostic): string {
  return d.notes.map((n) => `\n    ${n}`).join('');
}

export function summary(results: readonly CheckResult[]): string {
  const count = (k: string): number => results.filter((r) => r.verdict.kind === k).length;
  const byKind = new Map<string, [number, number, number]>();
  for (const r of results) {
    const e = byKind.get(r.check.kind) ?? [0, 0, 0];
    e[r.verdict.kind === 'proved' ? 0 : r.verdict.kind === 'refuted' ? 1 : 2]++;
    byKind.set(r.check.kind, e);
  }
  const lines = [`${results.length} checks: ${count('proved')} proved, ${count('refuted')} refuted, ${count('unknown')} unknown`];
  for (const [kind, [p, f, u]] of [...byKind].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`  ${kind.padEnd(20)} ${String(p).padStart(4)} proved ${String(f).padStart(4)} refuted ${String(u).padStart(4)} unknown`);
  }
  return lines.join('\n');
}
