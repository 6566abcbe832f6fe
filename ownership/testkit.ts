// Test helpers for the ownership and typestate passes: compile a Lumen
// source held in memory through the same stages as `cli/pipeline.ts`
// (check, lower, typestate, ownership), and small queries on the result.

import { checkFile, lowerProgram, memoryHost } from '../frontend/index.js';
import type { CheckInfo, CheckKind, IrBlock, IrCell, IrProgram, IrStmt } from '../frontend/ir.js';
import { lineColOf, type SourceFile } from '../frontend/span.js';
import type { CheckedProgram } from '../frontend/types.js';
import { instrumentTypestate } from '../typestate/index.js';
import { instrumentOwnership } from './index.js';
import { visitBlock } from './irkit.js';

export interface CompiledSource {
  readonly lowered: IrProgram;
  readonly ir: IrProgram;
  readonly program: CheckedProgram;
  readonly file: SourceFile;
}

export const OWNERSHIP_KINDS: readonly CheckKind[] = ['use-after-move', 'borrow-conflict', 'linear-unconsumed'];
export const TYPESTATE_KINDS: readonly CheckKind[] = ['typestate-transition', 'typestate-final'];

/** Compiles `source` (as `test.lm`); throws on frontend errors. */
export function compileSource(source: string): CompiledSource {
  const { files, program, diagnostics } = checkFile('test.lm', memoryHost({ 'test.lm': source }));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!program || errors.length > 0) throw new Error(`frontend errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const lowered = lowerProgram(program);
  const ir = instrumentOwnership(instrumentTypestate(lowered, program), program);
  return { lowered, ir, program, file: files.get('test.lm')! };
}

/** The frontend diagnostics of `source`, as `CODE line`. */
export function diagnosticsOf(source: string): string[] {
  const { files, diagnostics } = checkFile('test.lm', memoryHost({ 'test.lm': source }));
  return diagnostics.map((d) => `${d.code} ${lineColOf(files.get(d.span.file)!, d.span.start).line}`);
}

export function lineOf(c: CompiledSource, check: CheckInfo): number {
  return lineColOf(c.file, check.span.start).line;
}

/** Every statement of a cell body (nested blocks included). */
export function statementsOf(cell: IrCell): IrStmt[] {
  const out: IrStmt[] = [];
  if (cell.body) visitBlock(cell.body as IrBlock, { stmt: (s) => out.push(s) });
  return out;
}
