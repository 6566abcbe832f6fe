// Helpers for the fuzzer's tests: compile a program of fuzz/testdata (or any
// path), run a campaign, and summarise failures as plain data for assertions.

import { fileURLToPath } from 'node:url';
import { compile } from '../cli/pipeline.js';
import type { IrProgram } from '../frontend/ir.js';
import { fuzzProgram, type FuzzOptions } from './index.js';
import type { FuzzFailure, FuzzReport } from './report.js';

/** Absolute path of a file under fuzz/testdata/. */
export function testdata(name: string): string {
  return fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
}

/** The checked IR of a program; throws with the diagnostics when it does not compile. */
export function irOf(file: string): IrProgram {
  const c = compile(file);
  if (!c.ir) throw new Error(`${file} does not compile: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return c.ir;
}

export async function fuzzFile(file: string, opts: FuzzOptions = {}): Promise<FuzzReport> {
  return fuzzProgram(irOf(file), opts);
}

/** A failure as plain data: check kind and cell, inputs and effect results as Lumen literals. */
export interface FailureSummary {
  readonly kind: string;
  readonly cell: string;
  readonly inputs: Record<string, string>;
}

export function summarise(f: FuzzFailure): FailureSummary {
  const inputs: Record<string, string> = {};
  for (const i of f.counterexample.inputs) inputs[i.name] = i.value;
  for (const p of f.counterexample.performs) inputs[p.label] = p.value;
  for (const [k, c] of f.counterexample.calls.entries()) inputs[`${c.cell}#${k + 1}`] = c.value;
  return { kind: f.check.kind, cell: f.check.cell, inputs };
}

export const MAX = '9223372036854775807';
export const MIN = '-9223372036854775808';
