// Confirms every refuted verdict of a verification report by replaying its
// counterexample on the VM (see replay.ts). The policy:
// * the same check fails on the VM      → refuted, confirmed;
// * the run does something else          → unknown, "counterexample not confirmed";
// * the inputs cannot be built on the VM → refuted, not confirmed, with a note.

import type { IrProgram } from '../frontend/ir.js';
import { compileProgram } from '../backend/index.js';
import type { CheckResult, VerifyReport } from '../verifier/verify.js';
import { replay } from './replay.js';

export function confirmReport(ir: IrProgram, report: VerifyReport): VerifyReport {
  if (!report.results.some((r) => r.verdict.kind === 'refuted')) return report;
  // Every runtime check on: nothing is elided during replay.
  const prog = compileProgram(ir, { proved: new Set() });
  const results: CheckResult[] = report.results.map((r) => {
    const v = r.verdict;
    if (v.kind !== 'refuted') return r;
    const outcome = replay(prog, r.check.cell, r.check.id, v.counterexample);
    switch (outcome.kind) {
      case 'confirmed':
        return { ...r, verdict: { ...v, confirmed: true } };
      case 'not-executable':
        return { ...r, verdict: { ...v, confirmed: false, note: `not replayed: ${outcome.detail}` } };
      case 'not-confirmed':
        return {
          ...r,
          verdict: { kind: 'unknown', reason: `counterexample not confirmed: replaying it on the VM, ${outcome.detail}` },
        };
    }
  });
  return { ...report, results };
}
