// Human-readable fuzz reports: each failure rendered exactly as `lumen verify`
// renders a refuted check (reports/text.ts), each disagreement of
// differential mode, then a campaign summary; and the soundness-bug report of
// `--soundness`. Pure: returns text.

import { renderDiagnostic, renderPlain } from '../frontend/render.js';
import type { SourceFile } from '../frontend/span.js';
import { lineColOf } from '../frontend/span.js';
import { checkToDiagnostic } from '../reports/text.js';
import type { CellStats, FuzzFailure, FuzzMismatch, FuzzReport } from './report.js';
import { fuzzResults } from './report.js';

export interface FuzzTextOptions {
  readonly color: boolean;
  /** One line per failure instead of source excerpts. */
  readonly plain: boolean;
}

export function renderFuzzText(report: FuzzReport, files: ReadonlyMap<string, SourceFile>, opts: FuzzTextOptions): string {
  const out: string[] = [];
  for (const r of fuzzResults(report)) {
    const d = checkToDiagnostic(r);
    if (!d) continue;
    out.push(opts.plain ? renderPlain(d, files) + d.notes.map((n) => `\n    ${n}`).join('') : renderDiagnostic(d, files, { color: opts.color }).trimEnd());
  }
  for (const m of report.mismatches) out.push(renderMismatch(m));
  out.push(renderFuzzSummary(report));
  return out.join('\n') + '\n';
}

/** A disagreement between the VM and another backend, with its shrunk input. */
export function renderMismatch(m: FuzzMismatch): string {
  const cx = m.counterexample;
  const inputs = [...cx.inputs.map((i) => `${i.name} = ${i.value}`), ...cx.performs.map((p) => `${p.label} = ${p.value}`), ...cx.calls.map((c) => `${c.cell}(…) = ${c.value}`)];
  return [
    `error[differential]: the VM and the ${m.against} backend disagree on \`${m.entry}\``,
    `    input: ${inputs.length > 0 ? inputs.join(', ') : '(no inputs)'}`,
    `    VM: ${m.vm}`,
    `    ${m.against}: ${m.other}`,
  ].join('\n');
}

export function renderFuzzSummary(report: FuzzReport): string {
  const n = report.failures.length;
  const fuzzed = report.cells.filter((c) => c.skipped === null).length;
  const lines = [
    `fuzz: ${fuzzed} cell${fuzzed === 1 ? '' : 's'}, ${report.runs} runs, ${n} distinct failure${n === 1 ? '' : 's'} in ${(report.timeMs / 1000).toFixed(1)} s (seed ${report.seed})`,
  ];
  if (report.against) {
    const a = report.against;
    const k = report.mismatches.length;
    lines.push(
      a.unavailable !== null
        ? `differential: the ${a.backend} backend cannot run this program (${a.unavailable}); compared nothing`
        : `differential: compared with the ${a.backend} backend, ${k} disagreement${k === 1 ? '' : 's'}`,
    );
  }
  const width = Math.max(4, ...report.cells.map((c) => c.cell.length));
  for (const c of report.cells) lines.push(`  ${c.cell.padEnd(width)}  ${describeCell(c, report.failures)}`);
  if (report.interrupted) lines.push('the time limit cut the campaign short: rerunning it with the same seed may not give the same result');
  lines.push(`replay this campaign with --seed ${report.seed}`);
  return lines.join('\n');
}

function describeCell(c: CellStats, failures: readonly FuzzFailure[]): string {
  if (c.skipped !== null) return `not fuzzed: ${c.skipped}`;
  const parts = [`${c.runs} run${c.runs === 1 ? '' : 's'}`];
  const mine = failures.filter((f) => f.entry === c.cell).length;
  if (mine > 0) parts.push(`${mine} failure${mine === 1 ? '' : 's'}`);
  const rejected = Object.entries(c.rejected).filter(([, k]) => k > 0);
  if (rejected.length > 0) parts.push(`rejected: ${rejected.map(([why, k]) => `${k} (${REJECT_TEXT[why] ?? why})`).join(', ')}`);
  if (c.solverSeeds > 0) parts.push(`${c.solverSeeds} solver seed${c.solverSeeds === 1 ? '' : 's'}`);
  if (c.inconclusive > 0) parts.push(`${c.inconclusive} without verdict (${c.inconclusiveExample})`);
  if (c.gaveUp) parts.push('gave up: inputs satisfying the preconditions are too rare');
  return parts.join(', ');
}

const REJECT_TEXT: Record<string, string> = {
  requires: 'preconditions',
  'record-invariant': 'record invariants',
  assume: '`assume` did not hold',
  'effect-contract': 'effect or extern contract',
};

/** The `--soundness` report of one bug: the check, the input and the program. */
export function renderSoundnessBug(bug: FuzzFailure, files: ReadonlyMap<string, SourceFile>, programFile: string): string {
  const f = files.get(bug.check.span.file);
  const pos = f ? lineColOf(f, bug.check.span.start) : { line: 0, column: 0 };
  const cx = bug.counterexample;
  const inputs = [...cx.inputs.map((i) => `${i.name} = ${i.value}`), ...cx.performs.map((p) => `${p.label} = ${p.value}`), ...cx.calls.map((c) => `${c.cell}(…) = ${c.value}`)];
  const lines = [
    `error: verifier soundness bug: check #${bug.check.id} (${bug.check.kind}) was proved, but it fails at run time`,
    `  check:   ${bug.check.span.file}:${pos.line}:${pos.column} in \`${bug.check.cell}\`: ${bug.check.failure}`,
    `  entry:   \`${bug.entry}\``,
    `  input:   ${inputs.length > 0 ? inputs.join(', ') : '(no inputs)'}`,
    `  program: ${programFile}`,
  ];
  const src = files.get(programFile);
  if (src) {
    const text = src.text.endsWith('\n') ? src.text.slice(0, -1) : src.text;
    const numbered = text.split('\n').map((l, i) => `  ${String(i + 1).padStart(4)} | ${l}`);
    lines.push(...numbered);
  }
  return lines.join('\n');
}
