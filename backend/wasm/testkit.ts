// Helpers for the WASM backend's tests: lower a program from source held in
// memory, and run it on the VM and on WebAssembly to outcomes that can be
// compared directly (result kind, check id, printed lines).

import { checkFile, lowerProgram, memoryHost, type IrProgram } from '../../frontend/index.js';
import { runCell, type RunOptions, type RunResult } from '../../vm/vm.js';
import type { Value } from '../../vm/value.js';
import { compileProgram } from '../compile.js';
import { compileWasm, type WasmCompileOptions, type WasmModule } from './compile.js';
import { loadWasm, runWasmModule, type WasmRunOptions, type WasmRunResult } from './host.js';

/** What both backends must agree on. */
export interface Outcome {
  readonly kind: string;
  /** The failed check (check-failed, halt). */
  readonly check?: number;
  /** The halt message, the unhandled operation. */
  readonly detail?: string;
  /** The value returned, as JSON-ish text (ok). */
  readonly value?: string;
  readonly out: readonly string[];
}

export function lowerFiles(root: string, files: ReadonlyMap<string, string>): IrProgram {
  const checked = checkFile(root, memoryHost(new Map(files)));
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !checked.program) throw new Error(`${root}: ${errors.map((d) => d.message).join('; ')}`);
  const lowered = lowerProgram(checked.program) as IrProgram | { ir: IrProgram };
  return 'ir' in lowered ? lowered.ir : lowered;
}

export function lowerSource(text: string, name = 'test.lm'): IrProgram {
  return lowerFiles(name, new Map([[name, text]]));
}

function show(v: Value): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && !Number.isSafeInteger(x) ? `f${x}` : x));
}

/** The part of a run's result both backends must agree on. */
function outcomeOf(r: RunResult | WasmRunResult, out: string[]): Outcome {
  switch (r.kind) {
    case 'ok':
      return { kind: 'ok', value: show(r.value), out };
    case 'check-failed':
      return { kind: r.kind, check: r.check, out };
    case 'halt':
      return { kind: r.kind, check: r.check, detail: r.message, out };
    case 'effect-unhandled':
      return { kind: r.kind, detail: `${r.effect}.${r.op}`, out };
    default:
      return { kind: r.kind, out };
  }
}

export function runOnVm(ir: IrProgram, proved: ReadonlySet<number>, opts: RunOptions & { cell?: string; args?: readonly Value[] } = {}): Outcome {
  const out: string[] = [];
  const prog = compileProgram(ir, { proved });
  const r = runCell(prog, opts.cell ?? 'main', opts.args ?? [], { fuel: 200_000_000, ...opts, stdout: (l) => out.push(l) });
  return outcomeOf(r, out);
}

export function compileForTest(ir: IrProgram, opts: WasmCompileOptions): WasmModule {
  const r = compileWasm(ir, opts);
  if (!r.ok) throw new Error(r.error.message);
  return r.module;
}

export function runOnWasm(
  ir: IrProgram | WasmModule,
  proved: ReadonlySet<number>,
  opts: WasmRunOptions & { cell?: string; args?: readonly Value[]; optimize?: boolean } = {},
): Outcome {
  const cell = opts.cell ?? 'main';
  const module = 'binary' in ir ? ir : compileForTest(ir, { proved, entries: [cell], ...(opts.optimize === false ? { optimize: false } : {}) });
  const out: string[] = [];
  const r = runWasmModule(loadWasm(module), { ...opts, stdout: (l) => out.push(l) }, cell, opts.args ?? []);
  return outcomeOf(r, out);
}

/** Lines of the form `# output: text`. */
export function expectedOutput(text: string): string[] {
  return [...text.matchAll(/^# output: ?(.*)$/gm)].map((m) => m[1]!);
}
