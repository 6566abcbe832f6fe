// The public entry of the frontend: load, parse and check a program from its
// root file (`checkFile`), and the public APIs of the frontend's stages — the
// AST, spans, diagnostics and their rendering, the printer, module loading,
// the semantic types (`CheckedProgram`), the checked IR and the lowering.

import { checkProgram } from './checker.js';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadProgram, type SourceHost } from './modules.js';
import type { SourceFile } from './span.js';
import type { CheckedProgram } from './types.js';

export interface CheckFileResult {
  /** Every file read, by path (for rendering diagnostics). */
  readonly files: Map<string, SourceFile>;
  /** Null only when the root file could not be loaded. */
  readonly program: CheckedProgram | null;
  /** Loading, parsing and type-checking diagnostics, sorted by position. */
  readonly diagnostics: Diagnostic[];
}

/** Loads `rootPath` and what it imports through `host`, parses and type-checks it. */
export function checkFile(rootPath: string, host: SourceHost): CheckFileResult {
  const loaded = loadProgram(rootPath, host);
  if (loaded.modules.length === 0) return { files: loaded.files, program: null, diagnostics: sortDiagnostics(loaded.diagnostics) };
  const { program, diagnostics } = checkProgram(loaded.modules);
  return { files: loaded.files, program, diagnostics: sortDiagnostics([...loaded.diagnostics, ...diagnostics]) };
}

export { checkProgram, type CheckResult } from './checker.js';
export * from './ast.js';
export * from './types.js';
export * from './span.js';
export * from './diagnostics.js';
export * from './printer.js';
export * from './render.js';
export * from './modules.js';
export * from './ir.js';
export * from './irwalk.js';
export { lowerProgram, irType, guessMeasure, modifiedVars } from './lower.js';
export { typeToString } from './typeprint.js';
export { parse, ERROR_NAME } from './parser.js';
