// The VM's bytecode: one opcode enum, one chunk per cell (packed code,
// constants, a side table of spans), and the program-wide tables the
// instructions index into (cells, check ids, types, record/enum descriptors,
// effect operations).
//
// Instruction encoding: an opcode word followed by a fixed number of int32
// operand words, given by `OP_FORMATS`. Registers are indices into the current
// frame's register window; jump targets are absolute code offsets; a "site"
// operand indexes `Chunk.sites` (the check id plus the registers to report when
// the check fails), -1 meaning "not checked".
//
// Architecture invariant: this file knows nothing of the IR or the verifier;
// it is the contract between backend/compile.ts and vm/vm.ts.

import type { CheckInfo } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import type { Desc, Value } from '../vm/value.js';

export const enum Op {
  NOP,
  MOVE,
  /** `a = b; b = b + imm` (unchecked): the step of a counted `for` loop. */
  MOVE_ADDI,
  LOADK,
  LOADI,
  LOADNULL,
  LOADTRUE,
  LOADFALSE,
  // Int arithmetic. The plain forms are exact and unbounded (used where the
  // check was proved, and inside specifications); the _CHECKED forms trap.
  ADD,
  ADD_CHECKED,
  SUB,
  SUB_CHECKED,
  MUL,
  MUL_CHECKED,
  ADDI,
  ADDI_CHECKED,
  DIV,
  DIV_CHECKED,
  FLOORDIV,
  FLOORDIV_CHECKED,
  MOD,
  MOD_CHECKED,
  POW,
  POW_CHECKED,
  NEG,
  NEG_CHECKED,
  // Float arithmetic.
  FADD,
  FSUB,
  FMUL,
  FDIV,
  FPOW,
  FNEG,
  // Comparisons (Int, Float, String by JS order; EQ/NE structural).
  EQ,
  NE,
  LT,
  LE,
  GT,
  GE,
  NOT,
  // Control flow.
  JMP,
  JMPF,
  JMPT,
  JNLT,
  JNLE,
  JNGT,
  JNGE,
  JNEQ,
  JNNE,
  // Compare a register with an immediate Int and jump when the comparison is false.
  JNLTI,
  JNLEI,
  JNGTI,
  JNGEI,
  JNEQI,
  JNNEI,
  // Jump when the comparison is true (loop back edges).
  JLT,
  JLE,
  JGT,
  JGE,
  JEQ,
  JNE,
  JLTI,
  JLEI,
  JGTI,
  JGEI,
  JEQI,
  JNEI,
  // Strings and lists.
  CONCAT_STR,
  CONCAT_LIST,
  APPEND_VAR,
  LEN_LIST,
  LEN_STR,
  INDEX,
  INDEX_CHECKED,
  SINDEX,
  SINDEX_CHECKED,
  SET_INDEX,
  SET_INDEX_CHECKED,
  PUSH,
  PUSH_VAR,
  DISOWN,
  IN_LIST,
  RANGE,
  // Structs.
  FIELD,
  JNVARIANT,
  JNTAG,
  IS_TYPE,
  MAKE_RECORD,
  MAKE_VARIANT,
  MAKE_TUPLE,
  MAKE_LIST,
  MAKE_RESULT,
  // Built-ins.
  TO_STRING,
  CONCAT_N,
  PRINT,
  ABS,
  ABS_CHECKED,
  FABS,
  MIN,
  MAX,
  TO_FLOAT,
  TO_INT,
  TO_INT_CHECKED,
  // Calls and checks.
  CALL,
  CALL_EXTERN,
  OUTARG,
  RET,
  CHECK,
  /** Loop measure about to run the body: trap unless `m >= 0`; then `prev = m`. */
  MEASURE_START,
  /** Loop measure after an iteration: trap unless `m < prev`. */
  MEASURE_STEP,
  MATCH_FAIL,
  NONNULL,
  HALT,
  UNREACHABLE,
  // Effects.
  HANDLE_PUSH,
  HANDLE_POP,
  PERFORM,
  PERFORM_BUDGET,
  RESUME,
  HANDLER_END,
  SNAP,
  CALLS,
  BUDGET_CHECK,
  // Superinstructions (appended, so that the numbers above stay stable in
  // serialized bytecode).
  /**
   * The back edge of a counted `for` loop: when `ctr < end`, `var = ctr;
   * ctr = ctr + imm` (unchecked) and jump to the body; else fall through.
   */
  FOR_LT,
  /** `d = a * b + c`, exact and unbounded (both checks proved, or a specification). */
  MULADD,
}

/**
 * Operand formats, one letter per operand word:
 * r register (-1: none), k constant, i immediate, j jump target, s check site,
 * c cell, t type, d descriptor, o effect operation, e effect, h handle, n count.
 */
export const OP_FORMATS: readonly (readonly [name: string, format: string])[] = [
  ['NOP', ''],
  ['MOVE', 'rr'],
  ['MOVE_ADDI', 'rri'],
  ['LOADK', 'rk'],
  ['LOADI', 'ri'],
  ['LOADNULL', 'r'],
  ['LOADTRUE', 'r'],
  ['LOADFALSE', 'r'],
  ['ADD', 'rrr'],
  ['ADD_CHECKED', 'rrrs'],
  ['SUB', 'rrr'],
  ['SUB_CHECKED', 'rrrs'],
  ['MUL', 'rrr'],
  ['MUL_CHECKED', 'rrrs'],
  ['ADDI', 'rri'],
  ['ADDI_CHECKED', 'rris'],
  ['DIV', 'rrr'],
  ['DIV_CHECKED', 'rrrss'],
  ['FLOORDIV', 'rrr'],
  ['FLOORDIV_CHECKED', 'rrrss'],
  ['MOD', 'rrr'],
  ['MOD_CHECKED', 'rrrs'],
  ['POW', 'rrr'],
  ['POW_CHECKED', 'rrrs'],
  ['NEG', 'rr'],
  ['NEG_CHECKED', 'rrs'],
  ['FADD', 'rrr'],
  ['FSUB', 'rrr'],
  ['FMUL', 'rrr'],
  ['FDIV', 'rrr'],
  ['FPOW', 'rrr'],
  ['FNEG', 'rr'],
  ['EQ', 'rrr'],
  ['NE', 'rrr'],
  ['LT', 'rrr'],
  ['LE', 'rrr'],
  ['GT', 'rrr'],
  ['GE', 'rrr'],
  ['NOT', 'rr'],
  ['JMP', 'j'],
  ['JMPF', 'rj'],
  ['JMPT', 'rj'],
  ['JNLT', 'rrj'],
  ['JNLE', 'rrj'],
  ['JNGT', 'rrj'],
  ['JNGE', 'rrj'],
  ['JNEQ', 'rrj'],
  ['JNNE', 'rrj'],
  ['JNLTI', 'rij'],
  ['JNLEI', 'rij'],
  ['JNGTI', 'rij'],
  ['JNGEI', 'rij'],
  ['JNEQI', 'rij'],
  ['JNNEI', 'rij'],
  ['JLT', 'rrj'],
  ['JLE', 'rrj'],
  ['JGT', 'rrj'],
  ['JGE', 'rrj'],
  ['JEQ', 'rrj'],
  ['JNE', 'rrj'],
  ['JLTI', 'rij'],
  ['JLEI', 'rij'],
  ['JGTI', 'rij'],
  ['JGEI', 'rij'],
  ['JEQI', 'rij'],
  ['JNEI', 'rij'],
  ['CONCAT_STR', 'rrr'],
  ['CONCAT_LIST', 'rrr'],
  ['APPEND_VAR', 'rr'],
  ['LEN_LIST', 'rr'],
  ['LEN_STR', 'rr'],
  ['INDEX', 'rrr'],
  ['INDEX_CHECKED', 'rrrs'],
  ['SINDEX', 'rrr'],
  ['SINDEX_CHECKED', 'rrrs'],
  ['SET_INDEX', 'rrr'],
  ['SET_INDEX_CHECKED', 'rrrs'],
  ['PUSH', 'rrr'],
  ['PUSH_VAR', 'rr'],
  ['DISOWN', 'r'],
  ['IN_LIST', 'rrr'],
  ['RANGE', 'rrr'],
  ['FIELD', 'rri'],
  ['JNVARIANT', 'rdij'],
  ['JNTAG', 'rij'],
  ['IS_TYPE', 'rrt'],
  ['MAKE_RECORD', 'rdrn'],
  ['MAKE_VARIANT', 'rdirn'],
  ['MAKE_TUPLE', 'rrn'],
  ['MAKE_LIST', 'rrn'],
  ['MAKE_RESULT', 'rir'],
  ['TO_STRING', 'rrt'],
  ['CONCAT_N', 'rrn'],
  ['PRINT', 'rt'],
  ['ABS', 'rr'],
  ['ABS_CHECKED', 'rrs'],
  ['FABS', 'rr'],
  ['MIN', 'rrr'],
  ['MAX', 'rrr'],
  ['TO_FLOAT', 'rr'],
  ['TO_INT', 'rr'],
  ['TO_INT_CHECKED', 'rrs'],
  ['CALL', 'rcrn'],
  ['CALL_EXTERN', 'rcrn'],
  ['OUTARG', 'ri'],
  ['RET', 'r'],
  ['CHECK', 'rs'],
  ['MEASURE_START', 'rrs'],
  ['MEASURE_STEP', 'rrs'],
  ['MATCH_FAIL', 's'],
  ['NONNULL', 'rrs'],
  ['HALT', 'rs'],
  ['UNREACHABLE', ''],
  ['HANDLE_PUSH', 'h'],
  ['HANDLE_POP', ''],
  ['PERFORM', 'rorn'],
  ['PERFORM_BUDGET', 'rornsri'],
  ['RESUME', 'r'],
  ['HANDLER_END', 'r'],
  ['SNAP', 're'],
  ['CALLS', 'rre'],
  ['BUDGET_CHECK', 'resi'],
  ['FOR_LT', 'rrrij'],
  ['MULADD', 'rrrr'],
];

/** Words taken by an instruction (opcode + operands). */
export function instructionLength(op: number): number {
  return 1 + OP_FORMATS[op]![1].length;
}

export function opName(op: number): string {
  return OP_FORMATS[op]?.[0] ?? `OP_${op}`;
}

/** The registers a failing check reports, with the names and types to print them. */
export interface CheckSite {
  readonly check: number;
  /** Each value is read from `reg`, or is the constant `literal` when given (an immediate operand). */
  readonly values: readonly { readonly name: string; readonly reg: number; readonly type: Type; readonly literal?: string }[];
}

/** A `handle` expression: where its value goes, where it continues, and its handlers. */
export interface HandleInfo {
  readonly dst: number;
  readonly endPc: number;
  /** Parallel arrays, one entry per handler: effect operation index, code offset, parameter registers. */
  readonly ops: readonly number[];
  readonly pcs: readonly number[];
  readonly params: readonly (readonly number[])[];
}

export interface Chunk {
  /** Qualified cell name. */
  readonly name: string;
  readonly span: Span;
  readonly code: Int32Array;
  readonly constants: readonly Value[];
  /** Span side table: instruction starting at `spanOffsets[i]` (and up to the next entry) has `spanValues[i]`. */
  readonly spanOffsets: Int32Array;
  readonly spanValues: readonly Span[];
  readonly registerCount: number;
  /**
   * Where CALL enters. Code before it checks the well-definedness of the
   * cell's own `requires` clauses, which only a host call (runCell) needs: a
   * call site has already evaluated those clauses as its precondition checks.
   */
  readonly callEntry: number;
  readonly paramCount: number;
  readonly paramTypes: readonly Type[];
  readonly ret: Type;
  readonly sites: readonly CheckSite[];
  readonly handles: readonly HandleInfo[];
  /** Registers of list variables updated in place (the prologue resets their ownership marks with DISOWN). */
  readonly ownerRegs: Int32Array;
  /** Host-implemented (`extern cell`): no code. */
  readonly extern: boolean;
}

export interface BytecodeProgram {
  readonly chunks: readonly Chunk[];
  readonly cellIndex: ReadonlyMap<string, number>;
  /** Check descriptions, indexed by check id (from the IR). */
  readonly checks: readonly CheckInfo[];
  readonly types: readonly Type[];
  readonly descs: readonly Desc[];
  readonly effects: readonly string[];
  /** Effect operations, indexed by the `o` operands. */
  readonly effectOps: readonly { readonly effect: number; readonly effectName: string; readonly op: string }[];
  /** The ids that were elided because proved. */
  readonly proved: ReadonlySet<number>;
}

/** The span of the instruction covering code offset `pc`. */
export function spanAt(chunk: Chunk, pc: number): Span {
  const offs = chunk.spanOffsets;
  let lo = 0;
  let hi = offs.length - 1;
  if (hi < 0) return chunk.span;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offs[mid]! <= pc) lo = mid;
    else hi = mid - 1;
  }
  return offs[lo]! <= pc ? chunk.spanValues[lo]! : chunk.span;
}
