// Differential fuzzing (`lumen fuzz --against wasm`): every admissible input
// is run on the VM and on another backend, with the same effect and extern
// answers, and the two outcomes compared. A disagreement is a finding of its
// own (a bug in one of the backends), shrunk like a failing check.
//
// Outcomes are compared by kind and check id, and returned values by their
// Lumen literal text (so NaN equals NaN and -0.0 differs from 0.0, as the
// programs can observe them). A VM run without a verdict (out of fuel, too
// deep, a host-level error) is not compared, and the other backend is not
// run: it has no fuel, so an input the VM could not finish might never end.

import { compileWasm, loadWasm, runWasmModule, type WasmRunResult } from '../backend/wasm/index.js';
import type { IrProgram } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import { formatLiteral, type RunResult, type Value } from '../vm/index.js';
import { cloneValue, type Host } from './harness.js';

/** What another backend reports for a run: the VM's result kinds, without spans and stacks. */
export type OtherResult = WasmRunResult;

/** A backend to compare the VM against. */
export interface OtherBackend {
  /** Shown in reports, e.g. `wasm`. */
  readonly name: string;
  run(cell: string, args: readonly Value[], host: Pick<Host, 'effects' | 'externs'>): OtherResult;
}

/** The WebAssembly backend, with every runtime check on and the given cells exported; or why it cannot run the program. */
export function wasmBackend(ir: IrProgram, cells: readonly string[]): OtherBackend | { readonly unavailable: string } {
  const compiled = compileWasm(ir, { proved: new Set(), entries: cells });
  if (!compiled.ok) return { unavailable: compiled.error.message };
  const loaded = loadWasm(compiled.module);
  return {
    name: 'wasm',
    run: (cell, args, host) => runWasmModule(loaded, { stdout: () => undefined, effects: host.effects, externs: host.externs }, cell, args.map(cloneValue)),
  };
}

/** Whether the VM's result can be compared at all (a run that ended with a verdict). */
export function comparable(vm: RunResult): boolean {
  return vm.kind === 'ok' || vm.kind === 'check-failed' || vm.kind === 'halt' || vm.kind === 'effect-unhandled';
}

/** Short text of a result, e.g. `returns 3`, `fails check #2 (overflow)`. */
export function describeResult(r: RunResult | OtherResult, ret: Type, kindOf: (check: number) => string): string {
  switch (r.kind) {
    case 'ok':
      return `returns ${formatLiteral(r.value, ret)}`;
    case 'check-failed':
      return `fails check #${r.check} (${kindOf(r.check)})`;
    case 'halt':
      return `halts (check #${r.check})`;
    case 'effect-unhandled':
      return `leaves \`${r.effect}.${r.op}\` unhandled`;
    case 'depth-exceeded':
      return 'exceeds the call depth';
    case 'fuel-exhausted':
      return 'runs out of fuel';
    case 'error':
      return `stops with an error: ${r.message}`;
  }
}

/**
 * The class of a result for telling findings apart (`ok`, `check#2`, …):
 * two disagreements with the same pair of classes are the same finding.
 */
export function resultClass(r: RunResult | OtherResult): string {
  switch (r.kind) {
    case 'check-failed':
    case 'halt':
      return `${r.kind}#${r.check}`;
    default:
      return r.kind;
  }
}

/**
 * Null when the two runs agree (or cannot be compared: the other backend ran
 * out of native stack where the VM did not), else the pair of classes.
 */
export function disagreement(vm: RunResult, other: OtherResult, ret: Type): string | null {
  if (other.kind === 'depth-exceeded') return null;
  const a = resultClass(vm);
  const b = resultClass(other);
  if (a !== b) return `${a}/${b}`;
  if (vm.kind === 'ok' && other.kind === 'ok' && formatLiteral(vm.value, ret) !== formatLiteral(other.value, ret)) return 'ok/ok';
  if (vm.kind === 'effect-unhandled' && other.kind === 'effect-unhandled' && (vm.effect !== other.effect || vm.op !== other.op)) return `${a}/${b}`;
  return null;
}
