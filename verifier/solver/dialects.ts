// How each solver is told about time limits and strategies. Everything else
// in the protocol is plain SMT-LIB 2.6 and shared.

import type { Dialect } from './session.js';

const positiveMs = (ms: number): number => Math.max(1, Math.round(ms));

/** Z3, native or WASM. */
export const Z3_DIALECT: Dialect = {
  setup: '(set-option :produce-models true)',
  setTimeout: (ms) => `(set-option :timeout ${positiveMs(ms)})\n`,
  checkSat: (tactic) => (tactic === undefined ? '(check-sat)' : `(check-sat-using ${tactic})`),
};

/** cvc5, started with `--produce-models` already. */
export const CVC5_DIALECT: Dialect = {
  setup: '',
  setTimeout: (ms) => `(set-option :tlimit-per ${positiveMs(ms)})\n`,
  // cvc5 has no tactics; a tactic is a Z3 strategy hint and is ignored here.
  checkSat: () => '(check-sat)',
};
