// Public entry of the solver layer: one interface, three back-ends (Z3 in
// WASM by default, native z3 and cvc5 when installed), all fed the same
// SMT-LIB text. This is the only part of the verifier that starts threads or
// processes; it knows nothing about Lumen programs, only SMT-LIB text in and
// plain results out.

import { NativeBackend, nativeAvailable } from './native.js';
import type { BackendOptions, SolverBackend, SolverName } from './types.js';
import { WasmBackend } from './wasm.js';

export type { BackendOptions, QueryResult, RunOptions, SolverBackend, SolverName, SolverQuery } from './types.js';
export type { ModelValue } from '../smtlib/model.js';
export { nativeAvailable };

/**
 * Creates a back-end. Nothing starts until the first query: for 'wasm' the
 * worker and Z3 load lazily. Throws an Error with an installation hint when a
 * native solver is not on PATH.
 */
export function createSolver(name: SolverName, options: BackendOptions = {}): SolverBackend {
  switch (name) {
    case 'wasm':
      return new WasmBackend(options);
    case 'z3':
    case 'cvc5':
      return new NativeBackend(name, options);
    default: {
      const never: never = name;
      throw new Error(`unknown solver back-end: ${String(never)}`);
    }
  }
}
