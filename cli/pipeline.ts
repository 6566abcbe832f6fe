// The compilation pipeline as the CLI drives it: load and check the source,
// lower it to the checked IR, verify it. This is the only layer that chooses
// solvers and reads files (through a SourceHost); the stages below are pure.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFile } from '../frontend/index.js';
import type { Diagnostic } from '../frontend/diagnostics.js';
import { hasErrors } from '../frontend/diagnostics.js';
import type { IrProgram } from '../frontend/ir.js';
import { lowerProgram } from '../frontend/lower.js';
import type { SourceHost } from '../frontend/modules.js';
import type { SourceFile } from '../frontend/span.js';
import type { CheckedProgram } from '../frontend/types.js';
import type { VerifyReport } from '../verifier/verify.js';
import { verifyProgram } from '../verifier/verify.js';
import { confirmReport } from '../counterexamples/confirm.js';
import type { SolverBackend, SolverName } from '../verifier/solver/types.js';
import { createSolver } from '../verifier/solver/index.js';

export const fsHost: SourceHost = {
  readFile(p: string): string | null {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  },
};

export interface Compiled {
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly program: CheckedProgram | null;
  readonly ir: IrProgram | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function compile(file: string, host: SourceHost = fsHost): Compiled {
  const { files, program, diagnostics } = checkFile(file, host);
  if (hasErrors(diagnostics) || !program) return { files, program, ir: null, diagnostics };
  return { files, program, ir: lowerProgram(program), diagnostics };
}

export interface VerifySettings {
  readonly solver: SolverName;
  readonly timeoutMs: number;
  readonly emitSmtDir?: string;
  readonly onProgress?: (done: number, total: number, cell: string) => void;
}

/** One solver per process, started lazily on the first query. */
let sharedSolver: { name: SolverName; backend: SolverBackend } | null = null;

export function solverFor(name: SolverName): SolverBackend {
  if (sharedSolver && sharedSolver.name === name) return sharedSolver.backend;
  const backend = createSolver(name);
  sharedSolver = { name, backend };
  return backend;
}

export async function closeSolver(): Promise<void> {
  if (sharedSolver) await sharedSolver.backend.close();
  sharedSolver = null;
}

export async function verifyCompiled(ir: IrProgram, settings: VerifySettings): Promise<VerifyReport> {
  const solver = solverFor(settings.solver);
  const emitDir = settings.emitSmtDir;
  if (emitDir) fs.mkdirSync(emitDir, { recursive: true });
  const report = await verifyProgram(ir, {
    solver,
    timeoutMs: settings.timeoutMs,
    ...(emitDir
      ? { emitSmt: (name: string, script: string) => fs.writeFileSync(path.join(emitDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.smt2`), script) }
      : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
  return confirmReport(ir, report);
}
