// A small hand-assembled program that executes every opcode of the dispatch
// loop once (the arithmetic ones on both their fast and slow paths), run by
// vm.ts before the first real run of the process.
//
// Why: the dispatch loop is one large function, optimized by V8 from the
// type feedback its interpreter has collected. A case the interpreter has
// never executed is compiled as a deoptimization point; the first time a
// program reaches it (an opcode, or a branch inside one, not seen before),
// the whole loop falls back to the interpreter until V8 recompiles it, a few
// tens of milliseconds later. Without this warm-up every program paid for a
// chain of such round trips in its first runs. The feedback recorded here is
// the common case: small Ints, lists in the VM's one elements kind, one
// record, variant and result shape, and host callbacks seen with two
// different closures (so a host's fresh `stdout` closure is not a surprise).
//
// Architecture invariant: only backend/bytecode.ts (the instruction set) and
// vm/value.ts; nothing of the compiler or the IR.

import { Op, instructionLength, type BytecodeProgram, type Chunk, type CheckSite, type HandleInfo } from '../backend/bytecode.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { enumDesc, recordDesc, type Value } from './value.js';

const SPAN: Span = { file: '<vm warm-up>', start: 0, end: 0 };
const T_INT: Type = { kind: 'Int' };
const T_FLOAT: Type = { kind: 'Float' };
const T_STRING: Type = { kind: 'String' };
const TYPES: readonly Type[] = [T_INT, T_FLOAT, T_STRING];
const [TY_INT, TY_FLOAT, TY_STRING] = [0, 1, 2];

/** Opcodes the warm-up does not execute: each of them ends a run. */
export const WARMUP_EXCLUDED: ReadonlySet<Op> = new Set([Op.MATCH_FAIL, Op.HALT, Op.UNREACHABLE]);

class Asm {
  readonly code: number[] = [];
  here(): number {
    return this.code.length;
  }
  op(op: Op, ...operands: number[]): number {
    const at = this.code.length;
    this.code.push(op, ...operands);
    return at;
  }
  /** A jump whose target is the next instruction, so both outcomes continue in order. */
  jumpNext(op: Op, ...operands: number[]): void {
    this.op(op, ...operands, this.code.length + instructionLength(op));
  }
  /** A jump to be patched; returns the position of its target operand. */
  jumpLater(op: Op, ...operands: number[]): number {
    this.op(op, ...operands, -1);
    return this.code.length - 1;
  }
  patch(at: number): void {
    this.code[at] = this.code.length;
  }
}

function chunk(name: string, asm: Asm, extra: { constants?: Value[]; registers: number; params: number; sites?: CheckSite[]; handles?: HandleInfo[]; owners?: number[]; extern?: boolean }): Chunk {
  // The same properties in the same order as backend/compile.ts's chunks, so that they share one hidden class.
  return {
    name,
    span: SPAN,
    code: Int32Array.from(asm.code),
    constants: extra.constants ?? [],
    spanOffsets: Int32Array.from([0]),
    spanValues: [SPAN],
    registerCount: extra.registers,
    callEntry: 0,
    paramCount: extra.params,
    paramTypes: Array.from({ length: extra.params }, () => T_INT),
    ret: T_INT,
    sites: extra.sites ?? [],
    handles: extra.handles ?? [],
    ownerRegs: Int32Array.from(extra.owners ?? []),
    extern: extra.extern ?? false,
  };
}

/** The warm-up program: `main` (chunk 0) returns 7; it prints, calls an extern and performs an unhandled operation. */
export function warmupProgram(): BytecodeProgram {
  const a = new Asm();
  // Registers of main.
  const [SEVEN, THREE, BIG, HALF, S1, S2, INT, FLT, BOOL, STR, LIST, OWNED, LIST2, ZERO, MINUS1, STRUCT, TRUE, PREV, LOOPV, CTR, RES, PERF, SNAP, HDST, ARG, P_ASK, P_ABORT] = Array.from(
    { length: 27 },
    (_, i) => i,
  );
  const S = 0; // the one check site
  const [K_BIG, K_HALF, K_S1, K_S2] = [0, 1, 2, 3];
  const [D_RECORD, D_ENUM] = [0, 1];
  const [C_INC, C_EXT] = [1, 2];
  const [OP_ASK, OP_ABORT, OP_HOST] = [0, 1, 2];
  const EFFECT = 0;

  a.op(Op.LOADI, SEVEN, 7);
  a.op(Op.LOADI, THREE, 3);
  a.op(Op.LOADK, BIG, K_BIG);
  a.op(Op.LOADK, HALF, K_HALF);
  a.op(Op.LOADK, S1, K_S1);
  a.op(Op.LOADK, S2, K_S2);
  a.op(Op.LOADI, ZERO, 0);
  a.op(Op.LOADI, MINUS1, -1);
  a.op(Op.LOADTRUE, TRUE);
  a.op(Op.LOADFALSE, BOOL);
  a.op(Op.LOADNULL, INT);
  a.op(Op.NOP);
  a.op(Op.MOVE, INT, SEVEN);

  // Int arithmetic: each on safe numbers, then with a bigint operand (the exact slow path).
  for (const op of [Op.ADD, Op.SUB, Op.MUL, Op.MOD, Op.DIV, Op.FLOORDIV]) {
    a.op(op, INT, SEVEN, THREE);
    a.op(op, INT, BIG, THREE);
  }
  for (const op of [Op.ADD_CHECKED, Op.SUB_CHECKED, Op.MUL_CHECKED, Op.MOD_CHECKED]) {
    a.op(op, INT, SEVEN, THREE, S);
    a.op(op, INT, BIG, THREE, S);
  }
  a.op(Op.POW_CHECKED, INT, SEVEN, THREE, S);
  for (const op of [Op.DIV_CHECKED, Op.FLOORDIV_CHECKED]) {
    a.op(op, INT, SEVEN, THREE, S, S);
    a.op(op, INT, BIG, THREE, -1, S);
  }
  a.op(Op.POW, INT, SEVEN, THREE);
  a.op(Op.MULADD, INT, SEVEN, THREE, SEVEN);
  a.op(Op.MULADD, INT, BIG, THREE, SEVEN);
  a.op(Op.ADDI, INT, SEVEN, 5);
  a.op(Op.ADDI, INT, BIG, 5);
  a.op(Op.ADDI_CHECKED, INT, SEVEN, 5, S);
  a.op(Op.ADDI_CHECKED, INT, BIG, 5, S);
  for (const op of [Op.NEG, Op.ABS]) {
    a.op(op, INT, MINUS1);
    a.op(op, INT, BIG);
  }
  for (const op of [Op.NEG_CHECKED, Op.ABS_CHECKED]) {
    a.op(op, INT, MINUS1, S);
    a.op(op, INT, BIG, S);
  }
  a.op(Op.MIN, INT, SEVEN, THREE);
  a.op(Op.MAX, INT, SEVEN, THREE);

  // Floats and conversions.
  for (const op of [Op.FADD, Op.FSUB, Op.FMUL, Op.FDIV, Op.FPOW]) a.op(op, FLT, HALF, HALF);
  a.op(Op.FNEG, FLT, HALF);
  a.op(Op.FABS, FLT, HALF);
  a.op(Op.TO_FLOAT, FLT, SEVEN);
  a.op(Op.TO_INT, INT, HALF);
  a.op(Op.TO_INT_CHECKED, INT, HALF, S);

  // Comparisons and every conditional jump (each continues with the next instruction).
  // Each with a true and a false outcome: the two arms of a jump are separate code with separate feedback.
  for (const op of [Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE]) a.op(op, BOOL, SEVEN, THREE);
  a.op(Op.NOT, BOOL, BOOL);
  a.jumpNext(Op.JMP);
  for (const op of [Op.JMPF, Op.JMPT]) for (const x of [TRUE, BOOL]) a.jumpNext(op, x);
  const pairs = [
    [SEVEN, THREE],
    [THREE, SEVEN],
    [SEVEN, SEVEN],
  ] as const;
  for (const op of [Op.JNLT, Op.JNLE, Op.JNGT, Op.JNGE, Op.JNEQ, Op.JNNE, Op.JLT, Op.JLE, Op.JGT, Op.JGE, Op.JEQ, Op.JNE]) {
    for (const [x, y] of pairs) a.jumpNext(op, x, y);
  }
  for (const op of [Op.JNLTI, Op.JNLEI, Op.JNGTI, Op.JNGEI, Op.JNEQI, Op.JNNEI, Op.JLTI, Op.JLEI, Op.JGTI, Op.JGEI, Op.JEQI, Op.JNEI]) {
    for (const k of [3, 7, 9]) a.jumpNext(op, SEVEN, k);
  }

  // Strings.
  a.op(Op.CONCAT_STR, STR, S1, S2);
  a.op(Op.LEN_STR, INT, STR);
  a.op(Op.SINDEX, STR, S1, ZERO);
  a.op(Op.SINDEX_CHECKED, STR, S1, MINUS1, S);
  a.op(Op.TO_STRING, STR, SEVEN, TY_INT);
  a.op(Op.TO_STRING, STR, HALF, TY_FLOAT);
  a.op(Op.CONCAT_N, STR, S1, 2);
  a.op(Op.PRINT, STR, TY_STRING);
  a.op(Op.PRINT, SEVEN, TY_INT);

  // Lists: a literal, an owned variable updated in place after its first copy, and the pure operations.
  a.op(Op.MAKE_LIST, LIST, SEVEN, 2);
  a.op(Op.DISOWN, OWNED);
  a.op(Op.MAKE_LIST, OWNED, SEVEN, 0);
  a.op(Op.PUSH_VAR, OWNED, SEVEN);
  a.op(Op.PUSH_VAR, OWNED, THREE);
  for (const op of [Op.SET_INDEX, Op.SET_INDEX_CHECKED, Op.APPEND_VAR]) {
    // Once on a copy (the variable does not own its list yet), then in place; at both ends of the list.
    a.op(Op.DISOWN, OWNED);
    for (const i of [ZERO, MINUS1]) {
      if (op === Op.APPEND_VAR) a.op(op, OWNED, LIST);
      else if (op === Op.SET_INDEX) a.op(op, OWNED, i, THREE);
      else a.op(op, OWNED, i, THREE, S);
    }
  }
  a.op(Op.PUSH, LIST2, LIST, SEVEN);
  a.op(Op.CONCAT_LIST, LIST2, LIST, LIST);
  a.op(Op.INDEX, INT, LIST, ZERO);
  a.op(Op.INDEX, INT, LIST, MINUS1);
  a.op(Op.INDEX_CHECKED, INT, LIST, ZERO, S);
  a.op(Op.INDEX_CHECKED, INT, LIST, MINUS1, S);
  a.op(Op.LEN_LIST, INT, LIST);
  a.op(Op.IN_LIST, BOOL, THREE, LIST);
  a.op(Op.RANGE, LIST2, ZERO, THREE);
  a.op(Op.EQ, BOOL, LIST, LIST2);

  // Structs.
  a.op(Op.MAKE_TUPLE, STRUCT, SEVEN, 2);
  a.op(Op.FIELD, INT, STRUCT, 1);
  a.op(Op.MAKE_RECORD, STRUCT, D_RECORD, SEVEN, 2);
  a.op(Op.FIELD, INT, STRUCT, 0);
  a.op(Op.MAKE_VARIANT, STRUCT, D_ENUM, 1, SEVEN, 1);
  a.jumpNext(Op.JNVARIANT, STRUCT, D_ENUM, 1);
  a.jumpNext(Op.JNVARIANT, STRUCT, D_ENUM, 0);
  a.op(Op.MAKE_RESULT, STRUCT, 0, SEVEN);
  a.jumpNext(Op.JNTAG, STRUCT, 0);
  a.jumpNext(Op.JNTAG, STRUCT, 1);
  a.op(Op.IS_TYPE, BOOL, SEVEN, TY_INT);

  // Checks that pass.
  a.op(Op.NONNULL, INT, SEVEN, S);
  a.op(Op.CHECK, TRUE, S);
  a.op(Op.MEASURE_START, SEVEN, PREV, S);
  a.op(Op.MEASURE_STEP, THREE, PREV, S);

  // A counted loop of three iterations.
  a.op(Op.MOVE, CTR, ZERO);
  a.op(Op.MOVE_ADDI, LOOPV, CTR, 0);
  const toTest = a.jumpLater(Op.JMP);
  const body = a.here();
  a.op(Op.NOP);
  a.patch(toTest);
  a.op(Op.FOR_LT, CTR, THREE, LOOPV, 1, body);

  // Calls: a cell, an extern, and a mut-ref write-back.
  a.op(Op.MOVE, ARG, SEVEN);
  a.op(Op.CALL, RES, C_INC, ARG, 1);
  a.op(Op.OUTARG, INT, 0);
  a.op(Op.CALL_EXTERN, RES, C_EXT, ARG, 1);

  // Effects: a handler that resumes (its handled body makes a call, so RET runs with a handler installed),
  // one that does not, an operation the host handles, and the effect counters.
  a.op(Op.SNAP, SNAP, EFFECT);
  a.op(Op.HANDLE_PUSH, 0);
  a.op(Op.PERFORM, PERF, OP_ASK, ARG, 1);
  a.op(Op.PERFORM_BUDGET, PERF, OP_ASK, ARG, 1, S, SNAP, 1000);
  a.op(Op.CALL, RES, C_INC, ARG, 1);
  a.op(Op.HANDLE_POP);
  const toEnd0 = a.jumpLater(Op.JMP);
  const askPc = a.here();
  a.op(Op.RESUME, P_ASK);
  a.patch(toEnd0);
  const end0 = a.here();
  a.op(Op.HANDLE_PUSH, 1);
  a.op(Op.PERFORM, PERF, OP_ABORT, ARG, 1);
  a.op(Op.HANDLE_POP);
  const toEnd1 = a.jumpLater(Op.JMP);
  const abortPc = a.here();
  a.op(Op.HANDLER_END, P_ABORT);
  a.patch(toEnd1);
  const end1 = a.here();
  a.op(Op.PERFORM, PERF, OP_HOST, ARG, 1);
  a.op(Op.CALLS, INT, SNAP, EFFECT);
  a.op(Op.BUDGET_CHECK, SNAP, EFFECT, S, 1000);
  a.op(Op.RET, SEVEN);

  const handles: HandleInfo[] = [
    { dst: HDST, endPc: end0, ops: [OP_ASK], pcs: [askPc], params: [[P_ASK]] },
    { dst: HDST, endPc: end1, ops: [OP_ABORT], pcs: [abortPc], params: [[P_ABORT]] },
  ];
  const main = chunk('main', a, {
    constants: [2n ** 60n, 1.5, 'ab', 'cd'],
    registers: 32,
    params: 0,
    sites: [{ check: 0, values: [] }],
    handles,
    owners: [OWNED],
  });

  const inc = new Asm();
  inc.op(Op.ADDI, 1, 0, 1);
  inc.op(Op.RET, 1);
  const chunks = [main, chunk('inc', inc, { registers: 2, params: 1 }), chunk('ext', new Asm(), { registers: 1, params: 1, extern: true })];
  return {
    chunks,
    cellIndex: new Map(chunks.map((c, i) => [c.name, i])),
    checks: [],
    types: TYPES,
    descs: [recordDesc('warmup.Pair', ['x', 'y']), enumDesc('warmup.Opt', [{ name: 'None', fieldNames: [] }, { name: 'Some', fieldNames: ['0'] }])],
    effects: ['Warm'],
    effectOps: [
      { effect: EFFECT, effectName: 'Warm', op: 'ask' },
      { effect: EFFECT, effectName: 'Warm', op: 'abort' },
      { effect: EFFECT, effectName: 'Warm', op: 'host' },
    ],
    proved: new Set(),
  };
}
