// Confirms every refuted verdict of a verification report by replaying its
// counterexample on the VM (see replay.ts). The policy:
// * the same check fails on the VM      → refuted, confirmed;
// * the run does something else          → unknown, "counterexample not confirmed";
// * the inputs cannot be built on the VM → refuted, not confirmed, with a note.
//
// Ghost-state checks (issue #8) are the documented exception. Ownership
// checks compile to nothing, so the VM cannot see them fail: a refuted one is
// confirmed by construction — the verifier refutes only on an exact path (no
// havoc, no abstraction; bounded unrolling runs loops exactly), which is a
// real execution of the cell, and the ghost state on it is a function of that
// path alone. Typestate checks do run on the VM and are replayed; only when
// the VM cannot execute the counterexample at all (an `extern` cell without a
// host implementation, inputs it cannot build) does the same exact-path
// argument confirm them.

import type { CheckKind, IrProgram } from '../frontend/ir.js';
import { compileProgram } from '../backend/index.js';
import type { CheckResult, VerifyReport } from '../verifier/verify.js';
import { replay } from './replay.js';

/** Checks the backend emits nothing for (ownership is static only). */
export const STATIC_CHECK_KINDS: ReadonlySet<CheckKind> = new Set<CheckKind>(['use-after-move', 'borrow-conflict', 'linear-unconsumed']);

/** Checks over compiled ghost state: replayed, confirmed by the exact path when the VM cannot run the cell. */
const TYPESTATE_CHECK_KINDS: ReadonlySet<CheckKind> = new Set<CheckKind>(['typestate-transition', 'typestate-final']);

const EXACT_PATH = 'the verifier found it on an exact path, which is a real execution of the cell';

export function confirmReport(ir: IrProgram, report: VerifyReport): VerifyReport {
  if (!report.results.some((r) => r.verdict.kind === 'refuted')) return report;
  // Every runtime check on: nothing is elided during replay.
  const prog = compileProgram(ir, { proved: new Set() });
  const results: CheckResult[] = report.results.map((r) => {
    const v = r.verdict;
    if (v.kind !== 'refuted') return r;
    if (STATIC_CHECK_KINDS.has(r.check.kind)) {
      return { ...r, verdict: { ...v, confirmed: true, note: `ownership is checked statically only; ${EXACT_PATH}` } };
    }
    const outcome = replay(prog, r.check.cell, r.check.id, v.counterexample);
    const ghost = TYPESTATE_CHECK_KINDS.has(r.check.kind);
    switch (outcome.kind) {
      case 'confirmed':
        return { ...r, verdict: { ...v, confirmed: true } };
      case 'not-executable':
        if (ghost) return { ...r, verdict: { ...v, confirmed: true, note: `not replayed (${outcome.detail}); ${EXACT_PATH}` } };
        return { ...r, verdict: { ...v, confirmed: false, note: `not replayed: ${outcome.detail}` } };
      case 'not-confirmed':
        if (ghost && outcome.run.kind === 'error') {
          return { ...r, verdict: { ...v, confirmed: true, note: `the VM cannot run it (${outcome.run.message}); ${EXACT_PATH}` } };
        }
        return {
          ...r,
          verdict: { kind: 'unknown', reason: `counterexample not confirmed: replaying it on the VM, ${outcome.detail}` },
        };
    }
  });
  return { ...report, results };
}
