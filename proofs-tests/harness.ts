// The corpus harness: reads the `# expect:` / `# output:` header lines of a
// Lumen program (the format of ../shared/examples/README.md), verifies the
// program in-process and reports every mismatch between expected and actual
// verdicts.
//
//   # expect: proved                     every check proved
//   # expect: refuted <check> line <N>   that check, on line N, is refuted (others proved)
//   # expect: unknown <check> line <N>   neither proved nor refuted (proved is accepted)
//   # expect: error <what> line <N>      rejected before verification
//   # output: <text>                     `lumen run` prints this line

import * as fs from 'node:fs';
import { lineColOf } from '../frontend/span.js';
import { compile, fsHost } from '../cli/pipeline.js';
import type { SolverBackend } from '../verifier/solver/types.js';
import { verifyProgram, type CheckResult } from '../verifier/verify.js';
import { confirmReport } from '../counterexamples/confirm.js';
import type { SourceHost } from '../frontend/modules.js';

export interface Expectation {
  readonly verdict: 'proved' | 'refuted' | 'unknown' | 'error';
  readonly check: string | null;
  readonly line: number | null;
}

export interface Expectations {
  readonly expects: readonly Expectation[];
  readonly outputs: readonly string[];
}

export function readExpectations(text: string): Expectations {
  const expects: Expectation[] = [];
  const outputs: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*#\s*expect:\s*(proved|refuted|unknown|error)(?:\s+(\S+))?(?:\s+line\s+(\d+))?/.exec(line);
    if (m) expects.push({ verdict: m[1] as Expectation['verdict'], check: m[2] ?? null, line: m[3] ? Number(m[3]) : null });
    const o = /^\s*#\s*output:\s?(.*)$/.exec(line);
    if (o) outputs.push(o[1]!);
  }
  return { expects, outputs };
}

export interface Outcome {
  readonly mismatches: readonly string[];
  readonly results: readonly CheckResult[];
}

export interface ActualCheck {
  readonly kind: string;
  readonly line: number;
  readonly verdict: 'proved' | 'refuted' | 'unknown';
}

export async function checkProgram(
  file: string,
  solver: SolverBackend,
  opts: { timeoutMs?: number; host?: SourceHost } = {},
): Promise<Outcome> {
  const text = (opts.host ?? fsHost).readFile(file) ?? '';
  const { expects } = readExpectations(text);
  const c = compile(file, opts.host ?? fsHost);
  const mismatches: string[] = [];
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  const expectedErrors = expects.filter((e) => e.verdict === 'error');
  if (!c.ir) {
    const errLines = errors.map((d) => lineColOf(c.files.get(d.span.file)!, d.span.start).line);
    if (expectedErrors.length === 0) {
      mismatches.push(`unexpected frontend errors: ${errors.map((d) => `${d.code} line ${lineColOf(c.files.get(d.span.file)!, d.span.start).line}: ${d.message}`).join('; ')}`);
    }
    for (const e of expectedErrors) if (e.line !== null && !errLines.includes(e.line)) mismatches.push(`expected an error on line ${e.line}, got errors on lines ${errLines.join(', ')}`);
    return { mismatches, results: [] };
  }
  if (expectedErrors.length > 0) mismatches.push('expected a frontend error, but the program was accepted');
  const report = confirmReport(c.ir, await verifyProgram(c.ir, { solver, timeoutMs: opts.timeoutMs ?? 4000 }));
  const actual: (ActualCheck & { r: CheckResult })[] = report.results.map((r) => ({
    kind: r.check.kind,
    line: lineColOf(c.files.get(r.check.span.file)!, r.check.span.start).line,
    verdict: r.verdict.kind,
    r,
  }));
  const claimed = new Set<ActualCheck>();
  for (const e of expects) {
    if (e.verdict === 'proved' || e.verdict === 'error') continue;
    const matching = actual.filter((a) => a.kind === e.check && a.line === e.line);
    if (matching.length === 0) {
      mismatches.push(`expected ${e.verdict} ${e.check} line ${e.line}: no such check (checks on that line: ${actual.filter((a) => a.line === e.line).map((a) => `${a.kind}=${a.verdict}`).join(', ') || 'none'})`);
      continue;
    }
    for (const a of matching) claimed.add(a);
    if (e.verdict === 'refuted' && !matching.some((a) => a.verdict === 'refuted')) {
      mismatches.push(`expected refuted ${e.check} line ${e.line}, got ${matching.map(describe).join(', ')}`);
    }
    // A refutation counts only with a counterexample that replays to the same failure on the VM.
    for (const a of matching) {
      const v = a.r.verdict;
      if (e.verdict === 'refuted' && v.kind === 'refuted' && !v.confirmed) {
        mismatches.push(`refuted ${e.check} line ${e.line} but its counterexample was not confirmed by replay${v.note ? ` (${v.note})` : ''}`);
      }
    }
    if (e.verdict === 'unknown' && matching.some((a) => a.verdict === 'refuted')) {
      mismatches.push(`expected unknown ${e.check} line ${e.line}, got refuted (a false error)`);
    }
  }
  for (const a of actual) {
    if (claimed.has(a) || a.verdict === 'proved') continue;
    mismatches.push(`unexpected ${describe(a)} at line ${a.line}`);
  }
  return { mismatches, results: report.results };
}

function describe(a: ActualCheck & { r: CheckResult }): string {
  const v = a.r.verdict;
  const detail = v.kind === 'unknown' ? ` (${v.reason})` : v.kind === 'refuted' ? ` [${v.counterexample.inputs.map((i) => `${i.name}=${i.value}`).join(', ')}]` : '';
  return `${a.verdict} ${a.kind} "${a.r.check.expr}"${detail}`;
}

/** All `.lm` and `.lm.md` files under a folder, sorted, recursively. */
export function lumenFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.lm') || entry.name.endsWith('.lm.md')) out.push(p);
    }
  };
  walk(dir);
  return out;
}
