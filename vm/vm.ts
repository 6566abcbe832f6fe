// The Lumen VM: a single dispatch loop over register bytecode.
//
// * Frame records live in one Int32Array (frames.ts); registers of all frames
//   live in one JS array with a base offset per frame. A call made by the loop
//   never recurses on the JS stack, so deep Lumen recursion ends in
//   `depth-exceeded`, never in a JS stack overflow.
// * The compiling tier (jit.ts) runs most instructions of a chunk as one
//   JavaScript function, entered from the top of the loop at its entry
//   points; whatever it leaves to the loop (frame and effect changes, every
//   failing check) is executed here, so outcomes are decided in one place.
// * Int arithmetic has an inline fast path for safe-integer numbers and falls
//   back to vm/int64.ts (exact, checked) otherwise.
// * Lists are JS arrays with value semantics. `xs[i] = v`, `xs = push(xs, v)`
//   and `xs = xs ++ ys` update the array in place only when the variable's
//   register owns it (`own[slot] === array`): ownership is given by the copy
//   the VM makes on the first update and withdrawn (DISOWN) whenever the
//   compiler lets the value escape the variable.
// * Effects: `handle` pushes an entry on a handler stack. `perform` finds the
//   innermost entry with a handler for the operation (skipping entries hidden
//   while their own handler runs), and runs the handler body as a new frame on
//   the registers of the frame that executed `handle`. `resume(v)` pops that
//   frame and delivers `v` to the perform site (one-shot); a handler body that
//   ends without resuming unwinds every frame above the `handle` and makes its
//   value the value of the `handle` expression. Unhandled operations go to the
//   host handler (`opts.effects`), then fail with `effect-unhandled`.
// * Effect counts: one global counter per effect; a cell that needs
//   `calls(E)` or a budget snapshots the counter at entry, so the difference
//   is the number of performs during this invocation, callees included.

import type { CheckKind } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { spanAt, type BytecodeProgram, type Chunk } from '../backend/bytecode.js';
import { formatInstruction } from '../backend/disasm.js';
import * as I from './int64.js';
import { Frame, grow, growI32 } from './frames.js';
import { jitOf, jitTable, type JitCode, type JitState } from './jit.js';
import { warmupProgram } from './warmup.js';
import {
  RESULT_DESC,
  Struct,
  TUPLE_DESC,
  cpIndex,
  cpLength,
  formatLiteral,
  formatValue,
  valueEquals,
  valueHasType,
  type Desc,
  type Value,
} from './value.js';

/**
 * The opcode numbers of backend/bytecode.ts, mirrored here on purpose: a
 * `const enum` is inlined only inside its own file when tests run the code
 * through esbuild (vitest), and the dispatch switch needs literal case labels
 * to compile to a jump table. vm/opcodes.test.ts fails if the two ever differ.
 */
export const enum Op {
  NOP = 0,
  MOVE = 1,
  MOVE_ADDI = 2,
  LOADK = 3,
  LOADI = 4,
  LOADNULL = 5,
  LOADTRUE = 6,
  LOADFALSE = 7,
  ADD = 8,
  ADD_CHECKED = 9,
  SUB = 10,
  SUB_CHECKED = 11,
  MUL = 12,
  MUL_CHECKED = 13,
  ADDI = 14,
  ADDI_CHECKED = 15,
  DIV = 16,
  DIV_CHECKED = 17,
  FLOORDIV = 18,
  FLOORDIV_CHECKED = 19,
  MOD = 20,
  MOD_CHECKED = 21,
  POW = 22,
  POW_CHECKED = 23,
  NEG = 24,
  NEG_CHECKED = 25,
  FADD = 26,
  FSUB = 27,
  FMUL = 28,
  FDIV = 29,
  FPOW = 30,
  FNEG = 31,
  EQ = 32,
  NE = 33,
  LT = 34,
  LE = 35,
  GT = 36,
  GE = 37,
  NOT = 38,
  JMP = 39,
  JMPF = 40,
  JMPT = 41,
  JNLT = 42,
  JNLE = 43,
  JNGT = 44,
  JNGE = 45,
  JNEQ = 46,
  JNNE = 47,
  JNLTI = 48,
  JNLEI = 49,
  JNGTI = 50,
  JNGEI = 51,
  JNEQI = 52,
  JNNEI = 53,
  JLT = 54,
  JLE = 55,
  JGT = 56,
  JGE = 57,
  JEQ = 58,
  JNE = 59,
  JLTI = 60,
  JLEI = 61,
  JGTI = 62,
  JGEI = 63,
  JEQI = 64,
  JNEI = 65,
  CONCAT_STR = 66,
  CONCAT_LIST = 67,
  APPEND_VAR = 68,
  LEN_LIST = 69,
  LEN_STR = 70,
  INDEX = 71,
  INDEX_CHECKED = 72,
  SINDEX = 73,
  SINDEX_CHECKED = 74,
  SET_INDEX = 75,
  SET_INDEX_CHECKED = 76,
  PUSH = 77,
  PUSH_VAR = 78,
  DISOWN = 79,
  IN_LIST = 80,
  RANGE = 81,
  FIELD = 82,
  JNVARIANT = 83,
  JNTAG = 84,
  IS_TYPE = 85,
  MAKE_RECORD = 86,
  MAKE_VARIANT = 87,
  MAKE_TUPLE = 88,
  MAKE_LIST = 89,
  MAKE_RESULT = 90,
  TO_STRING = 91,
  CONCAT_N = 92,
  PRINT = 93,
  ABS = 94,
  ABS_CHECKED = 95,
  FABS = 96,
  MIN = 97,
  MAX = 98,
  TO_FLOAT = 99,
  TO_INT = 100,
  TO_INT_CHECKED = 101,
  CALL = 102,
  CALL_EXTERN = 103,
  OUTARG = 104,
  RET = 105,
  CHECK = 106,
  MEASURE_START = 107,
  MEASURE_STEP = 108,
  MATCH_FAIL = 109,
  NONNULL = 110,
  HALT = 111,
  UNREACHABLE = 112,
  HANDLE_PUSH = 113,
  HANDLE_POP = 114,
  PERFORM = 115,
  PERFORM_BUDGET = 116,
  RESUME = 117,
  HANDLER_END = 118,
  SNAP = 119,
  CALLS = 120,
  BUDGET_CHECK = 121,
  FOR_LT = 122,
  MULADD = 123,
}

export interface RunOptions {
  /** Maximum number of instructions to execute. */
  readonly fuel?: number;
  /** Maximum call depth (frames, handler bodies included). Default 100_000. */
  readonly maxDepth?: number;
  /** Receives each line printed by `print` (the Console effect). Default: process stdout. */
  readonly stdout?: (line: string) => void;
  /** Receives one line per executed instruction. */
  readonly trace?: (line: string) => void;
  /** Host handler for effect operations no `handle` intercepts; `undefined` means not handled. */
  readonly effects?: (effect: string, op: string, args: Value[]) => Value | undefined;
  /**
   * Counterexample replay: results for the calls made directly by the cell
   * being run (not by its callees); `undefined` runs the callee normally.
   */
  readonly callResults?: (cell: string, args: Value[]) => Value | undefined;
  /** Host implementations of `extern` cells; `undefined` means not implemented. */
  readonly externs?: (cell: string, args: Value[]) => Value | undefined;
  /**
   * Run chunks through the compiling tier (vm/jit.ts). Default true; tracing
   * always interprets. The results are the same either way (only the fuel
   * accounting is coarser: per block instead of per instruction).
   */
  readonly jit?: boolean;
}

export interface StackEntry {
  readonly cell: string;
  readonly span: Span;
}

export type RunResult =
  | { readonly kind: 'ok'; readonly value: Value; readonly type: Type }
  | {
      readonly kind: 'check-failed';
      readonly check: number;
      readonly checkKind: CheckKind;
      readonly span: Span;
      /** The check's failure text. */
      readonly message: string;
      /** The values involved, as Lumen literals, by name. */
      readonly values: Readonly<Record<string, string>>;
      /** Innermost frame first. */
      readonly stack: readonly StackEntry[];
    }
  | { readonly kind: 'halt'; readonly message: string; readonly span: Span; readonly check: number; readonly stack: readonly StackEntry[] }
  | { readonly kind: 'effect-unhandled'; readonly effect: string; readonly op: string; readonly span: Span; readonly stack: readonly StackEntry[] }
  | { readonly kind: 'fuel-exhausted'; readonly stack: readonly StackEntry[] }
  | { readonly kind: 'depth-exceeded'; readonly stack: readonly StackEntry[] }
  /** Not a program error: a missing extern, a proved check that does not hold, an internal failure. */
  | { readonly kind: 'error'; readonly message: string; readonly stack: readonly StackEntry[] };

export const DEFAULT_MAX_DEPTH = 100_000;

/** Runs the root module's `main` cell. */
export function runMain(prog: BytecodeProgram, opts: RunOptions = {}): RunResult {
  return runCell(prog, 'main', [], opts);
}

/** Runs one cell on the given arguments (no precondition is checked: the caller is the host). */
export function runCell(prog: BytecodeProgram, cell: string, args: readonly Value[], opts: RunOptions = {}): RunResult {
  const index = prog.cellIndex.get(cell);
  if (index === undefined) return { kind: 'error', message: `no cell named \`${cell}\``, stack: [] };
  const chunk = prog.chunks[index]!;
  if (args.length !== chunk.paramCount) {
    return { kind: 'error', message: `\`${cell}\` takes ${chunk.paramCount} argument(s), ${args.length} given`, stack: [] };
  }
  if (chunk.extern) {
    const v = opts.externs?.(chunk.name, [...args]);
    if (v === undefined) return { kind: 'error', message: `extern cell \`${chunk.name}\` has no host implementation`, stack: [] };
    return { kind: 'ok', value: v, type: chunk.ret };
  }
  warmUp();
  try {
    return execute(prog, index, args, settings(opts));
  } catch (err) {
    // JS-level failures (out of memory for a huge list, a pathological nesting
    // depth while comparing values) are reported, not thrown.
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'error', message: `run-time failure: ${message}`, stack: [] };
  }
}

/** Value constructors for hosts (tests, fuzzers, counterexample replay). */
export const values = {
  tuple: (items: Value[]): Value => new Struct(TUPLE_DESC, 0, items),
  ok: (v: Value): Value => new Struct(RESULT_DESC, 0, [v]),
  err: (v: Value): Value => new Struct(RESULT_DESC, 1, [v]),
  record(prog: BytecodeProgram, name: string, fields: Value[]): Value {
    const d = prog.descs.find((x) => x.kind === 'record' && x.name === name);
    if (!d) throw new Error(`no record ${name}`);
    return new Struct(d, 0, fields);
  },
  variant(prog: BytecodeProgram, enumName: string, variant: string, fields: Value[]): Value {
    const d = prog.descs.find((x) => x.kind === 'enum' && x.name === enumName);
    if (!d || d.kind !== 'enum') throw new Error(`no enum ${enumName}`);
    const tag = d.variants.findIndex((v) => v.name === variant);
    if (tag < 0) throw new Error(`no variant ${enumName}.${variant}`);
    return new Struct(d, tag, fields);
  },
};

// ---------------------------------------------------------------- the loop

interface HandlerEntry {
  /** A marker hides entries while one of them runs its handler body. */
  readonly marker: boolean;
  /** For a handle entry: the frame that executed `handle`; for a marker: the handler frame. */
  readonly frame: number;
  readonly chunk: Chunk;
  readonly handle: number;
  /** Marker: where the search continues (below the handle entry being served). */
  readonly skipTo: number;
  /** Marker: the index of the handle entry being served. */
  readonly entry: number;
}

/**
 * Literal bounds of the safe-integer fast paths. Written as literals (a
 * `const enum` is inlined) rather than read from a module constant, so that
 * the optimizing compiler sees them: on Smi operands the range tests then
 * fold away entirely.
 */
const enum Int53 {
  MAX = 9007199254740991,
  MIN = -9007199254740991,
}

const MAX_LIST = 2 ** 31 - 1;
/** Fuel is counted down in slices that stay small integers (Smis). */
const FUEL_SLICE = 2 ** 30 - 1;

/**
 * An empty array in V8's most general elements kind. Every list and struct
 * field array the VM builds descends from it (by `slice`), so list accesses
 * see one array shape whatever the elements: a list of Ints and a list of
 * Bools must not make the dispatch loop's element loads polymorphic (each new
 * shape costs a deoptimisation of the whole loop).
 */
const GENERIC_EMPTY: Value[] = [null];
GENERIC_EMPTY.pop();

/**
 * RunOptions with every field present, in one fixed order: whatever options a
 * host passes, the dispatch loop reads them from objects of a single shape.
 */
interface Settings {
  readonly stdout: (line: string) => void;
  readonly trace: ((line: string) => void) | undefined;
  readonly callResults: ((cell: string, args: Value[]) => Value | undefined) | undefined;
  readonly externs: ((cell: string, args: Value[]) => Value | undefined) | undefined;
  readonly effects: ((effect: string, op: string, args: Value[]) => Value | undefined) | undefined;
  readonly fuel: number;
  readonly maxDepth: number;
  readonly jit: boolean;
}

function settings(opts: RunOptions): Settings {
  return {
    stdout: opts.stdout ?? defaultStdout,
    trace: opts.trace,
    callResults: opts.callResults,
    externs: opts.externs,
    effects: opts.effects,
    fuel: opts.fuel ?? Infinity,
    maxDepth: Math.max(1, opts.maxDepth ?? DEFAULT_MAX_DEPTH),
    jit: opts.jit ?? true,
  };
}

let warmedUp = false;

/**
 * Runs vm/warmup.ts's program once per process, before the first real run, so
 * that V8 optimizes the dispatch loop with feedback for every opcode (see that
 * file). Each host callback is called through two closures from different
 * source positions, so its call site is already polymorphic when a host
 * passes a fresh closure on each run.
 */
function warmUp(): void {
  if (warmedUp) return;
  warmedUp = true;
  const prog = warmupProgram();
  const sink: string[] = [];
  const first: RunOptions = { stdout: (l) => sink.push(l), externs: (_c, args) => args[0], effects: (_e, _o, args) => args[0] };
  const second: RunOptions = { stdout: (l) => void sink.unshift(l), externs: () => 0, effects: () => 0 };
  // Interpreted (for the instructions the loop runs when a chunk is not compiled, or while tracing),
  // then compiled. V8 allocates a function's feedback vector only after its first calls have run long
  // enough: the first runs may record nothing.
  const runs = [first, second, first, second, { ...first, jit: true }, { ...second, jit: true }];
  for (const opts of runs) {
    const r = execute(prog, 0, [], settings({ jit: false, ...opts }));
    if (r.kind !== 'ok') throw new Error(`internal: the VM warm-up program ended with ${r.kind}`);
  }
}

function defaultStdout(line: string): void {
  process.stdout.write(line + '\n');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function execute(prog: BytecodeProgram, entry: number, args: readonly Value[], opts: Settings): RunResult {
  const chunks = prog.chunks;
  const types = prog.types;
  const descs = prog.descs;
  const stdout = opts.stdout;
  const trace = opts.trace;
  const callResults = opts.callResults;
  const maxDepth = opts.maxDepth;
  // Fuel: `slice` counts down once per instruction; only when it runs out
  // does the loop look at the rest. While tracing, the slice is kept at zero,
  // so every instruction takes that path and the hot path tests nothing else.
  let fuelRest = opts.fuel;
  let slice = 0;
  if (trace === undefined) {
    slice = Math.min(fuelRest, FUEL_SLICE);
    fuelRest -= slice;
  }

  // Registers of every frame, and the ownership marks of list registers.
  // `any`: the VM trusts the compiler's static types instead of re-checking them.
  const R: any[] = [];
  const own: unknown[] = [];
  let F: Int32Array = new Int32Array(Frame.SIZE * 64);
  const hs: HandlerEntry[] = [];
  const jitState: JitState = { fuel: 0, stdout, F, fp: 0, maxDepth, direct: callResults === undefined, depth: 0, stack: 0, value: null, hs };
  const effCount = new Float64Array(prog.effects.length);

  // The compiled form of each chunk (vm/jit.ts), looked up when a frame of it starts; null: interpret.
  const useJit = opts.jit && trace === undefined;
  const jits = jitTable(prog);

  let chunk = chunks[entry]!;
  let code = chunk.code;
  let jit = useJit ? jitOf(prog, jits, entry) : null;
  let fp = 0;
  let base = 0;
  let top = chunk.registerCount;
  let pc = 0;
  grow(R, own, top);
  for (let i = 0; i < args.length; i++) R[i] = args[i];
  F[Frame.BASE] = 0;
  F[Frame.TOP] = top;
  F[Frame.RET] = -1;
  F[Frame.CHUNK] = entry;
  F[Frame.AUX] = -1;

  for (;;) {
    if (--slice < 0) {
      if (fuelRest <= 0) return { kind: 'fuel-exhausted', stack: stackOf(chunks, F, fp, pc) };
      if (trace === undefined) {
        const s = Math.min(fuelRest, FUEL_SLICE);
        fuelRest -= s;
        slice = s - 1;
      } else {
        fuelRest--;
        slice = 0;
        trace(`${'  '.repeat(Math.min(fp, 20))}${chunk.name} ${String(pc).padStart(4, '0')}  ${formatInstruction(prog, chunk, pc)}`);
      }
    }
    if (jit !== null && jit.entries[pc] === 1) {
      // The compiled code runs up to an instruction it leaves to this loop, which then executes it below,
      // in the innermost frame: compiled calls may have pushed frames.
      jitState.fuel = slice;
      jitState.fp = fp;
      jitState.F = F;
      pc = jit.run(R, own, base, pc, jitState);
      slice = jitState.fuel;
      F = jitState.F;
      if (jitState.fp !== fp) {
        fp = jitState.fp;
        const fo = fp * Frame.SIZE;
        chunk = chunks[F[fo + Frame.CHUNK]!]!;
        code = chunk.code;
        jit = jits[F[fo + Frame.CHUNK]!] ?? null;
        base = F[fo + Frame.BASE]!;
        top = F[fo + Frame.TOP]!;
      }
    }
    switch (code[pc]) {
      case Op.NOP:
        pc += 1;
        break;
      case Op.MOVE:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!];
        pc += 3;
        break;
      case Op.MOVE_ADDI: {
        const src = base + code[pc + 2]!;
        const v = R[src];
        R[base + code[pc + 1]!] = v;
        let r;
        if (typeof v === 'number' && (r = v + code[pc + 3]!) <= Int53.MAX && r >= Int53.MIN) R[src] = r;
        else R[src] = I.addU(v, code[pc + 3]!);
        pc += 4;
        break;
      }
      case Op.LOADK:
        R[base + code[pc + 1]!] = chunk.constants[code[pc + 2]!];
        pc += 3;
        break;
      case Op.LOADI:
        R[base + code[pc + 1]!] = code[pc + 2]!;
        pc += 3;
        break;
      case Op.LOADNULL:
        R[base + code[pc + 1]!] = null;
        pc += 2;
        break;
      case Op.LOADTRUE:
        R[base + code[pc + 1]!] = true;
        pc += 2;
        break;
      case Op.LOADFALSE:
        R[base + code[pc + 1]!] = false;
        pc += 2;
        break;

      // ---- Int arithmetic
      case Op.ADD: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        if (typeof a === 'number' && typeof b === 'number' && (r = a + b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else R[base + code[pc + 1]!] = I.addU(a, b);
        pc += 4;
        break;
      }
      case Op.ADD_CHECKED: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        if (typeof a === 'number' && typeof b === 'number' && (r = a + b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else {
          r = I.add(a, b);
          if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 5;
        break;
      }
      case Op.SUB: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        if (typeof a === 'number' && typeof b === 'number' && (r = a - b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else R[base + code[pc + 1]!] = I.subU(a, b);
        pc += 4;
        break;
      }
      case Op.SUB_CHECKED: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        if (typeof a === 'number' && typeof b === 'number' && (r = a - b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else {
          r = I.sub(a, b);
          if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 5;
        break;
      }
      case Op.MUL: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        // A safe rounded product implies the exact product is below 2^53, hence exact; `+ 0` turns -0 into 0.
        if (typeof a === 'number' && typeof b === 'number' && (r = a * b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r + 0;
        else R[base + code[pc + 1]!] = I.mulU(a, b);
        pc += 4;
        break;
      }
      case Op.MUL_CHECKED: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        let r;
        if (typeof a === 'number' && typeof b === 'number' && (r = a * b) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r + 0;
        else {
          r = I.mul(a, b);
          if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 5;
        break;
      }
      case Op.MULADD: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        const c = R[base + code[pc + 4]!];
        let p, r;
        // Both steps exact as in MUL and ADD; a -0 product plus an Int (never -0) is never -0.
        if (
          typeof a === 'number' &&
          typeof b === 'number' &&
          typeof c === 'number' &&
          (p = a * b) <= Int53.MAX &&
          p >= Int53.MIN &&
          (r = p + c) <= Int53.MAX &&
          r >= Int53.MIN
        ) {
          R[base + code[pc + 1]!] = r;
        } else R[base + code[pc + 1]!] = I.addU(I.mulU(a, b), c);
        pc += 5;
        break;
      }
      case Op.ADDI: {
        const a = R[base + code[pc + 2]!];
        let r;
        if (typeof a === 'number' && (r = a + code[pc + 3]!) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else R[base + code[pc + 1]!] = I.addU(a, code[pc + 3]!);
        pc += 4;
        break;
      }
      case Op.ADDI_CHECKED: {
        const a = R[base + code[pc + 2]!];
        let r;
        if (typeof a === 'number' && (r = a + code[pc + 3]!) <= Int53.MAX && r >= Int53.MIN) R[base + code[pc + 1]!] = r;
        else {
          r = I.add(a, code[pc + 3]!);
          if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 5;
        break;
      }
      case Op.DIV:
      case Op.FLOORDIV: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        const r = code[pc] === Op.DIV ? I.divU(a, b) : I.floorDivU(a, b);
        if (typeof r === 'object') return intTrap(prog, chunk, R, base, r, -1, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 4;
        break;
      }
      case Op.DIV_CHECKED:
      case Op.FLOORDIV_CHECKED: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        const ov = code[pc + 4]!;
        const dz = code[pc + 5]!;
        let r: I.IntResult;
        if (code[pc] === Op.DIV_CHECKED) r = ov >= 0 ? I.div(a, b) : I.divU(a, b);
        else r = ov >= 0 ? I.floorDiv(a, b) : I.floorDivU(a, b);
        if (typeof r === 'object') return intTrap(prog, chunk, R, base, r, r === I.DIV_ZERO ? dz : ov, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 6;
        break;
      }
      case Op.MOD: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        if (typeof a === 'number' && typeof b === 'number' && b !== 0) R[base + code[pc + 1]!] = (a % b) + 0;
        else {
          const r = I.mod(a, b);
          if (typeof r === 'object') return intTrap(prog, chunk, R, base, r, -1, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 4;
        break;
      }
      case Op.MOD_CHECKED: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        if (typeof a === 'number' && typeof b === 'number' && b !== 0) R[base + code[pc + 1]!] = (a % b) + 0;
        else {
          const r = I.mod(a, b);
          if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          R[base + code[pc + 1]!] = r;
        }
        pc += 5;
        break;
      }
      case Op.POW: {
        const r = I.powU(R[base + code[pc + 2]!], R[base + code[pc + 3]!]);
        if (typeof r === 'object') return intTrap(prog, chunk, R, base, r, -1, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 4;
        break;
      }
      case Op.POW_CHECKED: {
        const r = I.pow(R[base + code[pc + 2]!], R[base + code[pc + 3]!]);
        if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 5;
        break;
      }
      case Op.NEG:
        R[base + code[pc + 1]!] = I.negU(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      case Op.NEG_CHECKED: {
        const r = I.neg(R[base + code[pc + 2]!]);
        if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 4;
        break;
      }

      // ---- Float arithmetic
      case Op.FADD:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] + R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.FSUB:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] - R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.FMUL:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] * R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.FDIV:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] / R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.FPOW:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] ** R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.FNEG:
        R[base + code[pc + 1]!] = -R[base + code[pc + 2]!];
        pc += 3;
        break;

      // ---- comparisons
      case Op.EQ: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        R[base + code[pc + 1]!] = a === b || (typeof a === 'object' && a !== null && valueEquals(a, b));
        pc += 4;
        break;
      }
      case Op.NE: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        R[base + code[pc + 1]!] = !(a === b || (typeof a === 'object' && a !== null && valueEquals(a, b)));
        pc += 4;
        break;
      }
      case Op.LT:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] < R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.LE:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] <= R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.GT:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] > R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.GE:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] >= R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.NOT:
        R[base + code[pc + 1]!] = !R[base + code[pc + 2]!];
        pc += 3;
        break;

      // ---- jumps
      case Op.JMP:
        pc = code[pc + 1]!;
        break;
      case Op.JMPF:
        pc = R[base + code[pc + 1]!] === true ? pc + 3 : code[pc + 2]!;
        break;
      case Op.JMPT:
        pc = R[base + code[pc + 1]!] === true ? code[pc + 2]! : pc + 3;
        break;
      case Op.JNLT:
        pc = R[base + code[pc + 1]!] < R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNLE:
        pc = R[base + code[pc + 1]!] <= R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNGT:
        pc = R[base + code[pc + 1]!] > R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNGE:
        pc = R[base + code[pc + 1]!] >= R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNEQ:
        pc = R[base + code[pc + 1]!] === R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNNE:
        pc = R[base + code[pc + 1]!] !== R[base + code[pc + 2]!] ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNLTI:
        pc = R[base + code[pc + 1]!] < code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNLEI:
        pc = R[base + code[pc + 1]!] <= code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNGTI:
        pc = R[base + code[pc + 1]!] > code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNGEI:
        pc = R[base + code[pc + 1]!] >= code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNEQI:
        pc = R[base + code[pc + 1]!] === code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;
      case Op.JNNEI:
        pc = R[base + code[pc + 1]!] !== code[pc + 2]! ? pc + 4 : code[pc + 3]!;
        break;

      case Op.JLT:
        pc = R[base + code[pc + 1]!] < R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JLE:
        pc = R[base + code[pc + 1]!] <= R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JGT:
        pc = R[base + code[pc + 1]!] > R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JGE:
        pc = R[base + code[pc + 1]!] >= R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JEQ:
        pc = R[base + code[pc + 1]!] === R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JNE:
        pc = R[base + code[pc + 1]!] !== R[base + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        break;
      case Op.JLTI:
        pc = R[base + code[pc + 1]!] < code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.JLEI:
        pc = R[base + code[pc + 1]!] <= code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.JGTI:
        pc = R[base + code[pc + 1]!] > code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.JGEI:
        pc = R[base + code[pc + 1]!] >= code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.JEQI:
        pc = R[base + code[pc + 1]!] === code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.JNEI:
        pc = R[base + code[pc + 1]!] !== code[pc + 2]! ? code[pc + 3]! : pc + 4;
        break;
      case Op.FOR_LT: {
        const ctr = base + code[pc + 1]!;
        const k = R[ctr];
        if (k < R[base + code[pc + 2]!]) {
          R[base + code[pc + 3]!] = k;
          let r;
          if (typeof k === 'number' && (r = k + code[pc + 4]!) <= Int53.MAX && r >= Int53.MIN) R[ctr] = r;
          else R[ctr] = I.addU(k, code[pc + 4]!);
          pc = code[pc + 5]!;
        } else pc += 6;
        break;
      }

      // ---- strings and lists
      case Op.CONCAT_STR:
        R[base + code[pc + 1]!] = R[base + code[pc + 2]!] + R[base + code[pc + 3]!];
        pc += 4;
        break;
      case Op.CONCAT_LIST: {
        // Not Array.prototype.concat: its result may take a narrower elements kind than GENERIC_EMPTY's.
        const xs = (R[base + code[pc + 2]!] as Value[]).slice();
        const more = R[base + code[pc + 3]!] as Value[];
        for (let i = 0, n = more.length; i < n; i++) xs.push(more[i]!);
        R[base + code[pc + 1]!] = xs;
        pc += 4;
        break;
      }
      case Op.APPEND_VAR: {
        const slot = base + code[pc + 1]!;
        let xs = R[slot] as Value[];
        const more = R[base + code[pc + 2]!] as Value[];
        if (own[slot] !== xs) {
          xs = xs.slice();
          own[slot] = xs;
          R[slot] = xs;
        }
        // `more` may be `xs` itself (`xs = xs ++ xs`): take its length first.
        for (let i = 0, n = more.length; i < n; i++) xs.push(more[i]!);
        pc += 3;
        break;
      }
      case Op.LEN_LIST:
        R[base + code[pc + 1]!] = (R[base + code[pc + 2]!] as Value[]).length;
        pc += 3;
        break;
      case Op.LEN_STR:
        R[base + code[pc + 1]!] = cpLength(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      case Op.INDEX: {
        const xs = R[base + code[pc + 2]!] as Value[];
        const i = R[base + code[pc + 3]!] as number;
        R[base + code[pc + 1]!] = xs[i < 0 ? i + xs.length : i];
        pc += 4;
        break;
      }
      case Op.INDEX_CHECKED: {
        const xs = R[base + code[pc + 2]!] as Value[];
        const i = R[base + code[pc + 3]!];
        const n = xs.length;
        if (typeof i === 'number' && i >= 0 && i < n) R[base + code[pc + 1]!] = xs[i];
        else if (typeof i === 'number' && i < 0 && i + n >= 0) R[base + code[pc + 1]!] = xs[i + n];
        else return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
        pc += 5;
        break;
      }
      case Op.SINDEX:
      case Op.SINDEX_CHECKED: {
        const s = R[base + code[pc + 2]!] as string;
        let i = R[base + code[pc + 3]!];
        const n = cpLength(s);
        if (typeof i === 'number' && i < 0) i += n;
        if (typeof i !== 'number' || i < 0 || i >= n) {
          if (code[pc] === Op.SINDEX_CHECKED) return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          return internal('string index out of bounds in unchecked code', stackOf(chunks, F, fp, pc));
        }
        R[base + code[pc + 1]!] = cpIndex(s, i);
        pc += code[pc] === Op.SINDEX_CHECKED ? 5 : 4;
        break;
      }
      case Op.SET_INDEX:
      case Op.SET_INDEX_CHECKED: {
        const slot = base + code[pc + 1]!;
        let xs = R[slot] as Value[];
        let i = R[base + code[pc + 2]!];
        if (typeof i === 'number' && i < 0) i += xs.length;
        if (typeof i !== 'number' || i < 0 || i >= xs.length) {
          if (code[pc] === Op.SET_INDEX_CHECKED) return fail(prog, chunk, R, base, code[pc + 4]!, stackOf(chunks, F, fp, pc));
          return internal('list index out of bounds in unchecked code', stackOf(chunks, F, fp, pc));
        }
        if (own[slot] !== xs) {
          xs = xs.slice();
          own[slot] = xs;
          R[slot] = xs;
        }
        xs[i] = R[base + code[pc + 3]!];
        pc += code[pc] === Op.SET_INDEX_CHECKED ? 5 : 4;
        break;
      }
      case Op.PUSH: {
        const xs = (R[base + code[pc + 2]!] as Value[]).slice();
        xs.push(R[base + code[pc + 3]!]);
        R[base + code[pc + 1]!] = xs;
        pc += 4;
        break;
      }
      case Op.PUSH_VAR: {
        const slot = base + code[pc + 1]!;
        let xs = R[slot] as Value[];
        if (own[slot] !== xs) {
          xs = xs.slice();
          own[slot] = xs;
          R[slot] = xs;
        }
        xs.push(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      }
      case Op.DISOWN:
        own[base + code[pc + 1]!] = null;
        pc += 2;
        break;
      case Op.IN_LIST: {
        const x = R[base + code[pc + 2]!];
        const xs = R[base + code[pc + 3]!] as Value[];
        let found = false;
        for (let i = 0; i < xs.length && !found; i++) found = valueEquals(xs[i]!, x);
        R[base + code[pc + 1]!] = found;
        pc += 4;
        break;
      }
      case Op.RANGE: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        const xs = GENERIC_EMPTY.slice();
        if (b > a) {
          if (typeof a !== 'number' || typeof b !== 'number' || b - a > MAX_LIST) return internal('range(a, b) would have more than 2^31 - 1 elements', stackOf(chunks, F, fp, pc));
          for (let i = a; i < b; i++) xs.push(i);
        }
        R[base + code[pc + 1]!] = xs;
        pc += 4;
        break;
      }

      // ---- structs
      case Op.FIELD:
        R[base + code[pc + 1]!] = (R[base + code[pc + 2]!] as Struct).f[code[pc + 3]!];
        pc += 4;
        break;
      case Op.JNVARIANT: {
        const v = R[base + code[pc + 1]!];
        const d = descs[code[pc + 2]!]!;
        const ok = v instanceof Struct && v.tag === code[pc + 3]! && (v.d === d || sameNamedDesc(v.d, d));
        pc = ok ? pc + 5 : code[pc + 4]!;
        break;
      }
      case Op.JNTAG: {
        const v = R[base + code[pc + 1]!];
        const ok = v instanceof Struct && v.tag === code[pc + 2]! && v.d.kind === 'result';
        pc = ok ? pc + 4 : code[pc + 3]!;
        break;
      }
      case Op.IS_TYPE:
        R[base + code[pc + 1]!] = valueHasType(R[base + code[pc + 2]!], types[code[pc + 3]!]!);
        pc += 4;
        break;
      // The register file is in the generic elements kind, so `slice` keeps its elements kind too.
      case Op.MAKE_RECORD: {
        const start = base + code[pc + 3]!;
        R[base + code[pc + 1]!] = new Struct(descs[code[pc + 2]!]!, 0, R.slice(start, start + code[pc + 4]!));
        pc += 5;
        break;
      }
      case Op.MAKE_VARIANT: {
        const start = base + code[pc + 4]!;
        R[base + code[pc + 1]!] = new Struct(descs[code[pc + 2]!]!, code[pc + 3]!, R.slice(start, start + code[pc + 5]!));
        pc += 6;
        break;
      }
      case Op.MAKE_TUPLE: {
        const start = base + code[pc + 2]!;
        R[base + code[pc + 1]!] = new Struct(TUPLE_DESC, 0, R.slice(start, start + code[pc + 3]!));
        pc += 4;
        break;
      }
      case Op.MAKE_LIST: {
        const start = base + code[pc + 2]!;
        R[base + code[pc + 1]!] = R.slice(start, start + code[pc + 3]!);
        pc += 4;
        break;
      }
      case Op.MAKE_RESULT: {
        const f = GENERIC_EMPTY.slice();
        f.push(R[base + code[pc + 3]!]);
        R[base + code[pc + 1]!] = new Struct(RESULT_DESC, code[pc + 2]!, f);
        pc += 4;
        break;
      }

      // ---- built-ins
      case Op.TO_STRING: {
        const v = R[base + code[pc + 2]!];
        // Ints that are numbers print as JS prints them; everything else goes through the formatter.
        R[base + code[pc + 1]!] = typeof v === 'number' && types[code[pc + 3]!]!.kind === 'Int' ? String(v) : formatValue(v, types[code[pc + 3]!]!);
        pc += 4;
        break;
      }
      case Op.CONCAT_N: {
        const start = base + code[pc + 2]!;
        const n = code[pc + 3]!;
        let s = '';
        for (let i = 0; i < n; i++) s += R[start + i];
        R[base + code[pc + 1]!] = s;
        pc += 4;
        break;
      }
      case Op.PRINT:
        stdout(formatValue(R[base + code[pc + 1]!], types[code[pc + 2]!]!));
        pc += 3;
        break;
      case Op.ABS:
        R[base + code[pc + 1]!] = I.absU(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      case Op.ABS_CHECKED: {
        const r = I.abs(R[base + code[pc + 2]!]);
        if (typeof r === 'object') return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += 4;
        break;
      }
      case Op.FABS:
        R[base + code[pc + 1]!] = Math.abs(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      case Op.MIN: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        R[base + code[pc + 1]!] = b < a ? b : a;
        pc += 4;
        break;
      }
      case Op.MAX: {
        const a = R[base + code[pc + 2]!];
        const b = R[base + code[pc + 3]!];
        R[base + code[pc + 1]!] = b > a ? b : a;
        pc += 4;
        break;
      }
      case Op.TO_FLOAT:
        R[base + code[pc + 1]!] = I.toFloat(R[base + code[pc + 2]!]);
        pc += 3;
        break;
      case Op.TO_INT:
      case Op.TO_INT_CHECKED: {
        const r = I.toInt(R[base + code[pc + 2]!]);
        if (typeof r === 'object') return intTrap(prog, chunk, R, base, r, code[pc] === Op.TO_INT_CHECKED ? code[pc + 3]! : -1, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = r;
        pc += code[pc] === Op.TO_INT_CHECKED ? 4 : 3;
        break;
      }

      // ---- calls and checks
      case Op.CALL_EXTERN: {
        const callee = chunks[code[pc + 2]!]!;
        const argStart = base + code[pc + 3]!;
        const hostArgs: Value[] = [];
        for (let i = 0; i < code[pc + 4]!; i++) hostArgs.push(R[argStart + i]);
        const v = opts.externs?.(callee.name, hostArgs);
        if (v === undefined) return internal(`extern cell \`${callee.name}\` has no host implementation`, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = v;
        pc += 5;
        break;
      }
      case Op.CALL: {
        const ci = code[pc + 2]!;
        const callee = chunks[ci]!;
        const argStart = base + code[pc + 3]!;
        const argc = code[pc + 4]!;
        if (callResults !== undefined && fp === 0) {
          // Replay: the calls the replayed cell makes return recorded results.
          const hostArgs: Value[] = [];
          for (let i = 0; i < argc; i++) hostArgs.push(R[argStart + i]);
          const v = callResults(callee.name, hostArgs);
          if (v !== undefined) {
            R[base + code[pc + 1]!] = v;
            pc += 5;
            break;
          }
        }
        if (fp + 1 >= maxDepth) return { kind: 'depth-exceeded', stack: clipStack(stackOf(chunks, F, fp, pc)) };
        const nb = top;
        const need = nb + callee.registerCount;
        if (need > R.length) grow(R, own, need);
        for (let i = 0; i < argc; i++) R[nb + i] = R[argStart + i];
        F[fp * Frame.SIZE + Frame.PC] = pc + 5;
        const ret = base + code[pc + 1]!;
        fp++;
        const fo = fp * Frame.SIZE;
        if (fo + Frame.SIZE > F.length) F = growI32(F, F.length * 2);
        F[fo + Frame.BASE] = nb;
        F[fo + Frame.TOP] = need;
        F[fo + Frame.RET] = ret;
        F[fo + Frame.CHUNK] = ci;
        F[fo + Frame.AUX] = -1;
        chunk = callee;
        code = callee.code;
        if (useJit) jit = jitOf(prog, jits, ci);
        base = nb;
        top = need;
        pc = callee.callEntry;
        break;
      }
      case Op.OUTARG:
        R[base + code[pc + 1]!] = R[top + code[pc + 2]!];
        pc += 3;
        break;
      case Op.RET: {
        const v = R[base + code[pc + 1]!];
        // `return` inside a handler body returns from the cell that executed `handle`.
        if (hs.length > 0) {
          while (F[fp * Frame.SIZE + Frame.AUX]! >= 0) {
            const marker = hs[F[fp * Frame.SIZE + Frame.AUX]!]!;
            const h = hs[marker.entry]!;
            hs.length = marker.entry;
            fp = h.frame;
          }
          while (hs.length > 0 && hs[hs.length - 1]!.frame >= fp) hs.pop();
        }
        if (fp === 0) return { kind: 'ok', value: v, type: chunks[entry]!.ret };
        const dst = F[fp * Frame.SIZE + Frame.RET]!;
        fp--;
        const fo = fp * Frame.SIZE;
        chunk = chunks[F[fo + Frame.CHUNK]!]!;
        code = chunk.code;
        if (useJit) jit = jits[F[fo + Frame.CHUNK]!] ?? null;
        base = F[fo + Frame.BASE]!;
        top = F[fo + Frame.TOP]!;
        pc = F[fo + Frame.PC]!;
        R[dst] = v;
        break;
      }
      case Op.CHECK:
        if (R[base + code[pc + 1]!] !== true) return fail(prog, chunk, R, base, code[pc + 2]!, stackOf(chunks, F, fp, pc));
        pc += 3;
        break;
      case Op.MEASURE_START: {
        const m = R[base + code[pc + 1]!];
        if (!(m >= 0)) return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 2]!] = m;
        pc += 4;
        break;
      }
      case Op.MEASURE_STEP:
        if (!(R[base + code[pc + 1]!] < R[base + code[pc + 2]!])) return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc));
        pc += 4;
        break;
      case Op.MATCH_FAIL:
        return fail(prog, chunk, R, base, code[pc + 1]!, stackOf(chunks, F, fp, pc));
      case Op.NONNULL: {
        const v = R[base + code[pc + 2]!];
        if (v === null) return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc));
        R[base + code[pc + 1]!] = v;
        pc += 4;
        break;
      }
      case Op.HALT: {
        const r = code[pc + 1]!;
        const site = chunk.sites[code[pc + 2]!]!;
        const info = prog.checks[site.check];
        const message = r >= 0 ? String(R[base + r]) : 'halt';
        return { kind: 'halt', message, span: info?.span ?? spanAt(chunk, pc), check: site.check, stack: stackOf(chunks, F, fp, pc) };
      }
      case Op.UNREACHABLE:
        return internal('no match arm applies although the match was proved exhaustive', stackOf(chunks, F, fp, pc));

      // ---- effects
      case Op.HANDLE_PUSH:
        hs.push({ marker: false, frame: fp, chunk, handle: code[pc + 1]!, skipTo: 0, entry: 0 });
        pc += 2;
        break;
      case Op.HANDLE_POP:
        hs.pop();
        pc += 1;
        break;
      case Op.PERFORM:
      case Op.PERFORM_BUDGET: {
        const budgeted = code[pc] === Op.PERFORM_BUDGET;
        const opIndex = code[pc + 2]!;
        const argStart = base + code[pc + 3]!;
        const argc = code[pc + 4]!;
        const eo = prog.effectOps[opIndex]!;
        if (budgeted) {
          const used = effCount[eo.effect]! - R[base + code[pc + 6]!];
          if (used + 1 > code[pc + 7]!) return fail(prog, chunk, R, base, code[pc + 5]!, stackOf(chunks, F, fp, pc), { [`calls(${eo.effectName})`]: String(used + 1) });
        }
        effCount[eo.effect]!++;
        const next = pc + (budgeted ? 8 : 5);
        // Innermost visible handler for this operation.
        let found = -1;
        let slot = -1;
        for (let i = hs.length - 1; i >= 0; ) {
          const h = hs[i]!;
          if (h.marker) {
            i = h.skipTo;
            continue;
          }
          const k = h.chunk.handles[h.handle]!.ops.indexOf(opIndex);
          if (k >= 0) {
            found = i;
            slot = k;
            break;
          }
          i--;
        }
        if (found < 0) {
          const hostArgs: Value[] = [];
          for (let i = 0; i < argc; i++) hostArgs.push(R[argStart + i]);
          const v = opts.effects?.(eo.effectName, eo.op, hostArgs);
          if (v === undefined) {
            const st = stackOf(chunks, F, fp, pc);
            return { kind: 'effect-unhandled', effect: eo.effectName, op: eo.op, span: st[0]!.span, stack: st };
          }
          R[base + code[pc + 1]!] = v;
          pc = next;
          break;
        }
        if (fp + 1 >= maxDepth) return { kind: 'depth-exceeded', stack: clipStack(stackOf(chunks, F, fp, pc)) };
        const h = hs[found]!;
        const info = h.chunk.handles[h.handle]!;
        const hb = F[h.frame * Frame.SIZE + Frame.BASE]!;
        const params = info.params[slot]!;
        for (let i = 0; i < argc && i < params.length; i++) R[hb + params[i]!] = R[argStart + i];
        hs.push({ marker: true, frame: fp + 1, chunk: h.chunk, handle: h.handle, skipTo: found - 1, entry: found });
        F[fp * Frame.SIZE + Frame.PC] = next;
        const ret = base + code[pc + 1]!;
        fp++;
        const fo = fp * Frame.SIZE;
        if (fo + Frame.SIZE > F.length) F = growI32(F, F.length * 2);
        // The handler body runs on the registers of the frame that executed `handle`; its calls go above this frame's.
        F[fo + Frame.BASE] = hb;
        F[fo + Frame.TOP] = top;
        F[fo + Frame.RET] = ret;
        F[fo + Frame.CHUNK] = F[h.frame * Frame.SIZE + Frame.CHUNK]!;
        F[fo + Frame.AUX] = hs.length - 1;
        chunk = h.chunk;
        code = chunk.code;
        if (useJit) jit = jits[F[fo + Frame.CHUNK]!] ?? null;
        base = hb;
        pc = info.pcs[slot]!;
        break;
      }
      case Op.RESUME: {
        const aux = F[fp * Frame.SIZE + Frame.AUX]!;
        if (aux < 0) return internal('`resume` outside a handler body', stackOf(chunks, F, fp, pc));
        const v = R[base + code[pc + 1]!];
        hs.length = aux;
        const dst = F[fp * Frame.SIZE + Frame.RET]!;
        fp--;
        const fo = fp * Frame.SIZE;
        chunk = chunks[F[fo + Frame.CHUNK]!]!;
        code = chunk.code;
        if (useJit) jit = jits[F[fo + Frame.CHUNK]!] ?? null;
        base = F[fo + Frame.BASE]!;
        top = F[fo + Frame.TOP]!;
        pc = F[fo + Frame.PC]!;
        R[dst] = v;
        break;
      }
      case Op.HANDLER_END: {
        const aux = F[fp * Frame.SIZE + Frame.AUX]!;
        if (aux < 0) return internal('handler end outside a handler body', stackOf(chunks, F, fp, pc));
        // The handler did not resume: abandon the handled computation.
        const v = R[base + code[pc + 1]!];
        const marker = hs[aux]!;
        const h = hs[marker.entry]!;
        hs.length = marker.entry;
        fp = h.frame;
        const fo = fp * Frame.SIZE;
        chunk = chunks[F[fo + Frame.CHUNK]!]!;
        code = chunk.code;
        if (useJit) jit = jits[F[fo + Frame.CHUNK]!] ?? null;
        base = F[fo + Frame.BASE]!;
        top = F[fo + Frame.TOP]!;
        const info = chunk.handles[h.handle]!;
        pc = info.endPc;
        R[base + info.dst] = v;
        break;
      }
      case Op.SNAP:
        R[base + code[pc + 1]!] = effCount[code[pc + 2]!];
        pc += 3;
        break;
      case Op.CALLS:
        R[base + code[pc + 1]!] = effCount[code[pc + 3]!]! - R[base + code[pc + 2]!];
        pc += 4;
        break;
      case Op.BUDGET_CHECK: {
        const e = code[pc + 2]!;
        const used = effCount[e]! - R[base + code[pc + 1]!];
        if (used > code[pc + 4]!) return fail(prog, chunk, R, base, code[pc + 3]!, stackOf(chunks, F, fp, pc), { [`calls(${prog.effects[e]})`]: String(used) });
        pc += 5;
        break;
      }
      default:
        return internal(`bad opcode ${code[pc]} at ${chunk.name}:${pc}`, stackOf(chunks, F, fp, pc));
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---------------------------------------------------------------- cold paths
// Plain functions rather than closures, so that the loop's locals stay in registers.

/* eslint-disable @typescript-eslint/no-explicit-any */
function stackOf(chunks: readonly Chunk[], F: Int32Array, fp: number, pc: number): StackEntry[] {
  const out: StackEntry[] = [];
  for (let f = fp; f >= 0; f--) {
    const c = chunks[F[f * Frame.SIZE + Frame.CHUNK]!]!;
    out.push({ cell: c.name, span: spanAt(c, f === fp ? pc : Math.max(0, F[f * Frame.SIZE + Frame.PC]! - 1)) });
  }
  return out;
}

function fail(prog: BytecodeProgram, chunk: Chunk, R: any[], base: number, site: number, stack: StackEntry[], extra?: Record<string, string>): RunResult {
  const s = chunk.sites[site];
  if (!s) return { kind: 'error', message: 'internal: unknown check site', stack };
  const info = prog.checks[s.check];
  const values: Record<string, string> = {};
  for (const v of s.values) values[v.name] = v.literal ?? clip(formatLiteral(R[base + v.reg], v.type));
  if (extra) Object.assign(values, extra);
  return {
    kind: 'check-failed',
    check: s.check,
    checkKind: info?.kind ?? 'assertion',
    span: info?.span ?? stack[0]?.span ?? chunk.span,
    message: info?.failure ?? `check ${s.check} failed`,
    values,
    stack,
  };
}

function internal(message: string, stack: StackEntry[]): RunResult {
  return { kind: 'error', message, stack };
}

/** A trap of an Int operation: the check of `site` when there is one, else an internal error (a proved check did not hold). */
function intTrap(prog: BytecodeProgram, chunk: Chunk, R: any[], base: number, r: I.IntTrap, site: number, stack: StackEntry[]): RunResult {
  if (site >= 0) return fail(prog, chunk, R, base, site, stack);
  return internal(`unchecked Int operation failed (${r.trap}); was a check wrongly proved?`, stack);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function sameNamedDesc(a: Desc, b: Desc): boolean {
  return (a.kind === 'enum' || a.kind === 'record') && a.kind === b.kind && a.name === (b as typeof a).name;
}

function clip(s: string): string {
  return s.length > 500 ? `${s.slice(0, 497)}...` : s;
}

/** A depth-exceeded stack is mostly the same frames: keep its two ends. */
function clipStack(st: StackEntry[]): StackEntry[] {
  return st.length > 40 ? [...st.slice(0, 20), ...st.slice(-20)] : st;
}
