// The VM's compiling tier: a chunk's bytecode translated to one JavaScript
// function, which V8 then optimizes like any other code. The dispatch loop in
// vm.ts stays the reference and the only executor of effects, host calls and
// failing checks; a compiled function runs the rest of the instructions of
// its frame, calls other compiled chunks directly, and hands control back
// ("bails out") to the loop at the first instruction it does not run itself.
//
// * Each register the chunk's compiled instructions use is a JavaScript local
//   (`r3`), loaded from the register file when the function is entered and
//   written back when it returns, so that V8 keeps loop variables in machine
//   registers.
// * Control flow within the chunk: `switch (pc)` inside a labelled loop, one
//   `case` per entry point (a jump target, the instruction after one the
//   function does not run, a handler or handle end); straight-line code falls
//   through from case to case.
// * Bail-outs: an instruction the function does not run (effects, CALL_EXTERN,
//   HALT…), every failing check or trap, and a call or return it may not
//   make (see CALL and RET below) return its pc; the loop then executes that
//   instruction itself, so a failure is reported exactly as without this tier
//   (same check, values and stack). Nothing is written before such an exit.
// * Calls: CALL pushes the callee's frame record exactly as the loop would and
//   calls the callee's function on the JavaScript stack (bounded, see
//   MAX_JS_DEPTH); when anything inside bails out, every function on the
//   JavaScript stack returns at once and the loop continues in the innermost
//   frame, whose state is already in the register file and frame records.
// * Fuel: charged in advance for straight runs of instructions (from an entry
//   point, or from after a jump or call, to the next such point), which all
//   execute unless one leaves the function: the count stays exact but for the
//   instruction left to the loop, which the loop counts again. When a run
//   does not fit in what is left, the function returns at its start and the
//   loop continues instruction by instruction.
// * Chunks above MAX_WORDS are not compiled (V8 would not optimize so large a
//   function, and unoptimized it would be slower than the dispatch loop).
//
// Every instruction's code below mirrors its case in vm.ts; the differential
// tests in vm/jit.test.ts run programs both ways.
//
// Architecture invariant: like vm.ts, this knows nothing of the compiler or
// the IR; only backend/bytecode.ts and the value helpers.

import { OP_FORMATS, Op, instructionLength, type BytecodeProgram, type Chunk } from '../backend/bytecode.js';
import { Frame, grow, growI32 } from './frames.js';
import * as I from './int64.js';
import { Struct, RESULT_DESC, TUPLE_DESC, cpIndex, cpLength, formatValue, valueEquals, valueHasType, type Desc, type Value } from './value.js';

/** What compiled functions share with the dispatch loop during one run (one object, one shape). */
export interface JitState {
  /** The fuel left; a function reads it on entry and writes it back before it returns. */
  fuel: number;
  readonly stdout: (line: string) => void;
  /** The frame records (frames.ts) and the innermost frame: a compiled call pushes its callee's frame here. */
  F: Int32Array;
  fp: number;
  readonly maxDepth: number;
  /** Compiled calls allowed (not while replaying recorded call results, which only the loop knows). */
  readonly direct: boolean;
  /** Compiled calls currently nested on the JavaScript stack, and the sum of their `weight`s. */
  depth: number;
  stack: number;
  /** The value of a compiled `return` (when `run` returns RETURNED). */
  value: Value;
  /** The loop's handler stack: a `return` while handlers are installed is left to the loop. */
  readonly hs: readonly unknown[];
}

/** `run`'s result when the cell returned to a compiled caller (the value is in `JitState.value`). */
export const RETURNED = -1;

export interface JitCode {
  /** 1 at each pc where `run` can be entered. */
  readonly entries: Uint8Array;
  /** A bound on the JavaScript stack slots of one activation of `run` (its locals). */
  readonly weight: number;
  /**
   * Runs from `pc` (an entry) until an instruction it leaves to the loop, and
   * returns that instruction's pc, in the innermost frame (`JitState.fp`: a
   * compiled call may have pushed frames); or returns RETURNED.
   */
  readonly run: (R: unknown[], own: unknown[], base: number, pc: number, st: JitState) => number;
}

/**
 * Compiled calls nest on the JavaScript stack up to this depth and this many
 * stack slots in all (a few hundred KB at most, well within Node's default
 * stack); a deeper call is left to the loop, which starts again from an empty
 * JavaScript stack, so Lumen recursion depth is still bounded only by `maxDepth`.
 */
const MAX_JS_DEPTH = 48;
const MAX_JS_STACK = 16_384;

/** Code words beyond which a chunk stays interpreted. */
const MAX_WORDS = 4000;
const MAX_LIST = 2 ** 31 - 1;

const GENERIC_EMPTY: Value[] = [null];
GENERIC_EMPTY.pop();

/** Helpers the generated code calls (one object, passed once to each factory). */
const H = {
  ...I,
  Struct,
  RESULT_DESC,
  TUPLE_DESC,
  cpIndex,
  cpLength,
  formatValue,
  valueEquals,
  valueHasType,
  /** An empty list in the VM's one elements kind (see GENERIC_EMPTY in vm.ts). */
  list: (): Value[] => GENERIC_EMPTY.slice(),
  grow,
  /** A compiled call: saves the caller's resume pc and pushes the callee's frame (as vm.ts's CALL). */
  push(st: JitState, fp: number, resume: number, base: number, top: number, ret: number, chunk: number): void {
    let F = st.F;
    F[fp * Frame.SIZE + Frame.PC] = resume;
    const fo = (fp + 1) * Frame.SIZE;
    if (fo + Frame.SIZE > F.length) F = st.F = growI32(F, F.length * 2);
    F[fo + Frame.BASE] = base;
    F[fo + Frame.TOP] = top;
    F[fo + Frame.RET] = ret;
    F[fo + Frame.CHUNK] = chunk;
    F[fo + Frame.AUX] = -1;
    st.fp = fp + 1;
  },
  sameNamedDesc: (a: Desc, b: Desc): boolean => (a.kind === 'enum' || a.kind === 'record') && a.kind === b.kind && a.name === (b as typeof a).name,
};

/** Per program, the compiled form of each chunk: undefined until first needed, null when not compiled. */
type JitTable = (JitCode | null | undefined)[];

const tables = new WeakMap<BytecodeProgram, JitTable>();

/** The program's table of compiled chunks, shared by all its runs (fill it with `jitOf`). */
export function jitTable(prog: BytecodeProgram): JitTable {
  let t = tables.get(prog);
  if (t === undefined) {
    t = new Array<JitCode | null | undefined>(prog.chunks.length).fill(undefined);
    tables.set(prog, t);
  }
  return t;
}

/** The compiled form of chunk `ci` (compiled on first use), or null when it is not worth compiling. */
export function jitOf(prog: BytecodeProgram, table: JitTable, ci: number): JitCode | null {
  let j = table[ci];
  if (j === undefined) j = table[ci] = translate(prog, prog.chunks[ci]!, table);
  return j;
}

/** The operations the loop keeps: they change frames or the handler stack, or read the callee's registers. */
const LEFT_TO_LOOP: ReadonlySet<Op> = new Set([
  Op.CALL_EXTERN,
  Op.HALT,
  Op.MATCH_FAIL,
  Op.UNREACHABLE,
  Op.HANDLE_PUSH,
  Op.HANDLE_POP,
  Op.PERFORM,
  Op.PERFORM_BUDGET,
  Op.RESUME,
  Op.HANDLER_END,
  Op.SNAP,
  Op.CALLS,
  Op.BUDGET_CHECK,
]);

/** Placeholder for the write-back of every register the function assigns (known only at the end). */
const WRITE_BACK = '/*write-back*/';
const MAX = '9007199254740991';
const MIN = '-9007199254740991';

function translate(prog: BytecodeProgram, chunk: Chunk, table: JitTable): JitCode | null {
  const code = chunk.code;
  if (chunk.extern || code.length === 0 || code.length > MAX_WORDS) return null;
  // Instruction starts, and the entry points.
  const starts: number[] = [];
  const entries = new Uint8Array(code.length + 1);
  entries[0] = 1;
  entries[chunk.callEntry] = 1;
  for (const h of chunk.handles) {
    entries[h.endPc] = 1;
    for (const p of h.pcs) entries[p] = 1;
  }
  let compiled = 0;
  for (let pc = 0; pc < code.length; ) {
    const op = code[pc]! as Op;
    if (OP_FORMATS[op] === undefined) return null;
    starts.push(pc);
    const len = instructionLength(op);
    const format = OP_FORMATS[op]![1];
    for (let i = 0; i < format.length; i++) if (format[i] === 'j') entries[code[pc + 1 + i]!] = 1;
    // After an instruction the loop runs (or a call it may run), the loop re-enters the function.
    if (LEFT_TO_LOOP.has(op) || op === Op.CALL || op === Op.RET) entries[pc + len] = 1;
    if (!LEFT_TO_LOOP.has(op)) compiled++;
    pc += len;
  }
  if (compiled === 0) return null;
  entries[code.length] = 0;

  // Fuel is charged at each entry point and after each instruction that may jump (or call): then every
  // instruction charged runs, save the one that leaves the function, and the count stays exact.
  const charge = new Uint8Array(starts.length);
  for (let s = 0; s < starts.length; s++) {
    const op = code[starts[s]!]! as Op;
    if (entries[starts[s]!] === 1) charge[s] = 1;
    if (s + 1 < starts.length && (op === Op.CALL || OP_FORMATS[op]![1].includes('j'))) charge[s + 1] = 1;
  }
  const used = new Set<number>();
  const written = new Set<number>();
  const r = (k: number): string => {
    used.add(k);
    return `r${k}`;
  };
  const w = (k: number): string => {
    used.add(k);
    written.add(k);
    return `r${k}`;
  };
  const types = prog.types;
  const out: string[] = [];
  for (let s = 0; s < starts.length; s++) {
    const pc = starts[s]!;
    const op = code[pc]! as Op;
    const a = code[pc + 1]!;
    const b = code[pc + 2]!;
    const c = code[pc + 3]!;
    const d = code[pc + 4]!;
    const bail = `{ pc = ${pc}; break run; }`;
    const jump = (target: number): string => `{ pc = ${target}; continue run; }`;
    if (entries[pc] === 1) out.push(`case ${pc}:`);
    if (charge[s] === 1) {
      // Fuel for the instructions up to the next charge point, all of which run unless one leaves the function.
      let n = 1;
      while (s + n < starts.length && charge[s + n] !== 1) n++;
      out.push(`if ((fuel -= ${n}) < 0) { fuel += ${n}; pc = ${pc}; break run; }`);
    }
    const intFast = (dst: string, x: string, y: string, expr: string, slow: string): string =>
      `{ const x = ${x}, y = ${y}; let t; if (typeof x === 'number' && typeof y === 'number' && (t = ${expr}) <= ${MAX} && t >= ${MIN}) ${dst} = t; else ${slow} }`;
    const unbounded = (dst: string, fn: string): string => `${dst} = H.${fn}(x, y);`;
    const checked = (dst: string, fn: string): string => `{ t = H.${fn}(x, y); if (typeof t === 'object') ${bail} ${dst} = t; }`;
    // A call of an int64.ts operation that may trap: a trap leaves to the loop, which reports it.
    const trapping = (dst: string, call: string): string => `{ const t = ${call}; if (typeof t === 'object') ${bail} ${dst} = t; }`;
    switch (op) {
      case Op.NOP:
        break;
      case Op.MOVE:
        out.push(`${w(a)} = ${r(b)};`);
        break;
      case Op.MOVE_ADDI:
        out.push(`{ const v = ${r(b)}; ${w(a)} = v; let t; if (typeof v === 'number' && (t = v + ${c}) <= ${MAX} && t >= ${MIN}) ${w(b)} = t; else ${w(b)} = H.addU(v, ${c}); }`);
        break;
      case Op.LOADK:
        out.push(`${w(a)} = K[${b}];`);
        break;
      case Op.LOADI:
        out.push(`${w(a)} = ${b};`);
        break;
      case Op.LOADNULL:
        out.push(`${w(a)} = null;`);
        break;
      case Op.LOADTRUE:
        out.push(`${w(a)} = true;`);
        break;
      case Op.LOADFALSE:
        out.push(`${w(a)} = false;`);
        break;
      case Op.ADD:
        out.push(intFast(w(a), r(b), r(c), 'x + y', unbounded(w(a), 'addU')));
        break;
      case Op.ADD_CHECKED:
        out.push(intFast(w(a), r(b), r(c), 'x + y', checked(w(a), 'add')));
        break;
      case Op.SUB:
        out.push(intFast(w(a), r(b), r(c), 'x - y', unbounded(w(a), 'subU')));
        break;
      case Op.SUB_CHECKED:
        out.push(intFast(w(a), r(b), r(c), 'x - y', checked(w(a), 'sub')));
        break;
      case Op.MUL:
        // `+ 0` turns a -0 product into 0, as in vm.ts.
        out.push(intFast(w(a), r(b), r(c), 'x * y + 0', unbounded(w(a), 'mulU')));
        break;
      case Op.MUL_CHECKED:
        out.push(intFast(w(a), r(b), r(c), 'x * y + 0', checked(w(a), 'mul')));
        break;
      case Op.ADDI:
        out.push(intFast(w(a), r(b), String(c), 'x + y', unbounded(w(a), 'addU')));
        break;
      case Op.ADDI_CHECKED:
        out.push(intFast(w(a), r(b), String(c), 'x + y', checked(w(a), 'add')));
        break;
      case Op.MULADD:
        out.push(
          `{ const x = ${r(b)}, y = ${r(c)}, z = ${r(d)}; let p, t; if (typeof x === 'number' && typeof y === 'number' && typeof z === 'number' && (p = x * y) <= ${MAX} && p >= ${MIN} && (t = p + z) <= ${MAX} && t >= ${MIN}) ${w(a)} = t; else ${w(a)} = H.addU(H.mulU(x, y), z); }`,
        );
        break;
      case Op.DIV:
        out.push(trapping(w(a), `H.divU(${r(b)}, ${r(c)})`));
        break;
      case Op.FLOORDIV:
        out.push(trapping(w(a), `H.floorDivU(${r(b)}, ${r(c)})`));
        break;
      case Op.DIV_CHECKED:
        out.push(trapping(w(a), `H.${d >= 0 ? 'div' : 'divU'}(${r(b)}, ${r(c)})`));
        break;
      case Op.FLOORDIV_CHECKED:
        out.push(trapping(w(a), `H.${d >= 0 ? 'floorDiv' : 'floorDivU'}(${r(b)}, ${r(c)})`));
        break;
      case Op.MOD:
      case Op.MOD_CHECKED:
        out.push(`{ const x = ${r(b)}, y = ${r(c)}; if (typeof x === 'number' && typeof y === 'number' && y !== 0) ${w(a)} = (x % y) + 0; else ${trapping(w(a), 'H.mod(x, y)')} }`);
        break;
      case Op.POW:
        out.push(trapping(w(a), `H.powU(${r(b)}, ${r(c)})`));
        break;
      case Op.POW_CHECKED:
        out.push(trapping(w(a), `H.pow(${r(b)}, ${r(c)})`));
        break;
      case Op.NEG:
        out.push(`${w(a)} = H.negU(${r(b)});`);
        break;
      case Op.NEG_CHECKED:
        out.push(trapping(w(a), `H.neg(${r(b)})`));
        break;
      case Op.ABS:
        out.push(`${w(a)} = H.absU(${r(b)});`);
        break;
      case Op.ABS_CHECKED:
        out.push(trapping(w(a), `H.abs(${r(b)})`));
        break;
      case Op.FADD:
        out.push(`${w(a)} = ${r(b)} + ${r(c)};`);
        break;
      case Op.FSUB:
        out.push(`${w(a)} = ${r(b)} - ${r(c)};`);
        break;
      case Op.FMUL:
        out.push(`${w(a)} = ${r(b)} * ${r(c)};`);
        break;
      case Op.FDIV:
        out.push(`${w(a)} = ${r(b)} / ${r(c)};`);
        break;
      case Op.FPOW:
        out.push(`${w(a)} = ${r(b)} ** ${r(c)};`);
        break;
      case Op.FNEG:
        out.push(`${w(a)} = -${r(b)};`);
        break;
      case Op.FABS:
        out.push(`${w(a)} = Math.abs(${r(b)});`);
        break;
      case Op.EQ:
        out.push(`{ const x = ${r(b)}, y = ${r(c)}; ${w(a)} = x === y || (typeof x === 'object' && x !== null && H.valueEquals(x, y)); }`);
        break;
      case Op.NE:
        out.push(`{ const x = ${r(b)}, y = ${r(c)}; ${w(a)} = !(x === y || (typeof x === 'object' && x !== null && H.valueEquals(x, y))); }`);
        break;
      case Op.LT:
        out.push(`${w(a)} = ${r(b)} < ${r(c)};`);
        break;
      case Op.LE:
        out.push(`${w(a)} = ${r(b)} <= ${r(c)};`);
        break;
      case Op.GT:
        out.push(`${w(a)} = ${r(b)} > ${r(c)};`);
        break;
      case Op.GE:
        out.push(`${w(a)} = ${r(b)} >= ${r(c)};`);
        break;
      case Op.NOT:
        out.push(`${w(a)} = !${r(b)};`);
        break;
      case Op.JMP:
        out.push(jump(a));
        break;
      case Op.JMPF:
        out.push(`if (${r(a)} !== true) ${jump(b)}`);
        break;
      case Op.JMPT:
        out.push(`if (${r(a)} === true) ${jump(b)}`);
        break;
      case Op.JNLT:
      case Op.JNLE:
      case Op.JNGT:
      case Op.JNGE:
      case Op.JNEQ:
      case Op.JNNE:
        out.push(`if (!(${r(a)} ${COMPARE[op]} ${r(b)})) ${jump(c)}`);
        break;
      case Op.JNLTI:
      case Op.JNLEI:
      case Op.JNGTI:
      case Op.JNGEI:
      case Op.JNEQI:
      case Op.JNNEI:
        out.push(`if (!(${r(a)} ${COMPARE[op]} ${b})) ${jump(c)}`);
        break;
      case Op.JLT:
      case Op.JLE:
      case Op.JGT:
      case Op.JGE:
      case Op.JEQ:
      case Op.JNE:
        out.push(`if (${r(a)} ${COMPARE[op]} ${r(b)}) ${jump(c)}`);
        break;
      case Op.JLTI:
      case Op.JLEI:
      case Op.JGTI:
      case Op.JGEI:
      case Op.JEQI:
      case Op.JNEI:
        out.push(`if (${r(a)} ${COMPARE[op]} ${b}) ${jump(c)}`);
        break;
      case Op.FOR_LT:
        out.push(
          `{ const x = ${r(a)}; if (x < ${r(b)}) { ${w(c)} = x; let t; if (typeof x === 'number' && (t = x + ${d}) <= ${MAX} && t >= ${MIN}) ${w(a)} = t; else ${w(a)} = H.addU(x, ${d}); ${jump(code[pc + 5]!)} } }`,
        );
        break;
      case Op.CONCAT_STR:
        out.push(`${w(a)} = ${r(b)} + ${r(c)};`);
        break;
      case Op.CONCAT_LIST:
        out.push(`{ const xs = ${r(b)}.slice(); const m = ${r(c)}; for (let i = 0, n = m.length; i < n; i++) xs.push(m[i]); ${w(a)} = xs; }`);
        break;
      case Op.APPEND_VAR:
        out.push(
          `{ let xs = ${r(a)}; const m = ${r(b)}; if (own[base + ${a}] !== xs) { xs = xs.slice(); own[base + ${a}] = xs; ${w(a)} = xs; } for (let i = 0, n = m.length; i < n; i++) xs.push(m[i]); }`,
        );
        break;
      case Op.LEN_LIST:
        out.push(`${w(a)} = ${r(b)}.length;`);
        break;
      case Op.LEN_STR:
        out.push(`${w(a)} = H.cpLength(${r(b)});`);
        break;
      case Op.INDEX:
        out.push(`{ const xs = ${r(b)}, i = ${r(c)}; ${w(a)} = xs[i < 0 ? i + xs.length : i]; }`);
        break;
      case Op.INDEX_CHECKED:
        out.push(
          `{ const xs = ${r(b)}, i = ${r(c)}, n = xs.length; if (typeof i === 'number' && i >= 0 && i < n) ${w(a)} = xs[i]; else if (typeof i === 'number' && i < 0 && i + n >= 0) ${w(a)} = xs[i + n]; else ${bail} }`,
        );
        break;
      case Op.SINDEX:
      case Op.SINDEX_CHECKED:
        out.push(
          `{ const s = ${r(b)}; let i = ${r(c)}; const n = H.cpLength(s); if (typeof i === 'number' && i < 0) i += n; if (typeof i !== 'number' || i < 0 || i >= n) ${bail} ${w(a)} = H.cpIndex(s, i); }`,
        );
        break;
      case Op.SET_INDEX:
      case Op.SET_INDEX_CHECKED:
        out.push(
          `{ let xs = ${r(a)}; let i = ${r(b)}; if (typeof i === 'number' && i < 0) i += xs.length; if (typeof i !== 'number' || i < 0 || i >= xs.length) ${bail} if (own[base + ${a}] !== xs) { xs = xs.slice(); own[base + ${a}] = xs; ${w(a)} = xs; } xs[i] = ${r(c)}; }`,
        );
        break;
      case Op.PUSH:
        out.push(`{ const xs = ${r(b)}.slice(); xs.push(${r(c)}); ${w(a)} = xs; }`);
        break;
      case Op.PUSH_VAR:
        out.push(`{ let xs = ${r(a)}; if (own[base + ${a}] !== xs) { xs = xs.slice(); own[base + ${a}] = xs; ${w(a)} = xs; } xs.push(${r(b)}); }`);
        break;
      case Op.DISOWN:
        out.push(`own[base + ${a}] = null;`);
        break;
      case Op.IN_LIST:
        out.push(`{ const x = ${r(b)}, xs = ${r(c)}; let f = false; for (let i = 0; i < xs.length && !f; i++) f = H.valueEquals(xs[i], x); ${w(a)} = f; }`);
        break;
      case Op.RANGE:
        out.push(
          `{ const x = ${r(b)}, y = ${r(c)}; const xs = H.list(); if (y > x) { if (typeof x !== 'number' || typeof y !== 'number' || y - x > ${MAX_LIST}) ${bail} for (let i = x; i < y; i++) xs.push(i); } ${w(a)} = xs; }`,
        );
        break;
      case Op.FIELD:
        out.push(`${w(a)} = ${r(b)}.f[${c}];`);
        break;
      case Op.JNVARIANT:
        out.push(`{ const v = ${r(a)}, D = DESCS[${b}]; if (!(v instanceof H.Struct && v.tag === ${c} && (v.d === D || H.sameNamedDesc(v.d, D)))) ${jump(d)} }`);
        break;
      case Op.JNTAG:
        out.push(`{ const v = ${r(a)}; if (!(v instanceof H.Struct && v.tag === ${b} && v.d.kind === 'result')) ${jump(c)} }`);
        break;
      case Op.IS_TYPE:
        out.push(`${w(a)} = H.valueHasType(${r(b)}, TYPES[${c}]);`);
        break;
      case Op.MAKE_RECORD:
        out.push(`{ ${fields(r, c, d)} ${w(a)} = new H.Struct(DESCS[${b}], 0, f); }`);
        break;
      case Op.MAKE_VARIANT:
        out.push(`{ ${fields(r, d, code[pc + 5]!)} ${w(a)} = new H.Struct(DESCS[${b}], ${c}, f); }`);
        break;
      case Op.MAKE_TUPLE:
        out.push(`{ ${fields(r, b, c)} ${w(a)} = new H.Struct(H.TUPLE_DESC, 0, f); }`);
        break;
      case Op.MAKE_LIST:
        out.push(`{ ${fields(r, b, c)} ${w(a)} = f; }`);
        break;
      case Op.MAKE_RESULT:
        out.push(`{ ${fields(r, c, 1)} ${w(a)} = new H.Struct(H.RESULT_DESC, ${b}, f); }`);
        break;
      case Op.TO_STRING:
        // Ints that are numbers print as JS prints them; everything else goes through the formatter.
        out.push(
          types[c]!.kind === 'Int'
            ? `{ const v = ${r(b)}; ${w(a)} = typeof v === 'number' ? String(v) : H.formatValue(v, TYPES[${c}]); }`
            : `${w(a)} = H.formatValue(${r(b)}, TYPES[${c}]);`,
        );
        break;
      case Op.CONCAT_N: {
        const parts = ["''"];
        for (let i = 0; i < c; i++) parts.push(r(b + i));
        out.push(`${w(a)} = ${parts.join(' + ')};`);
        break;
      }
      case Op.PRINT:
        out.push(`st.stdout(H.formatValue(${r(a)}, TYPES[${b}]));`);
        break;
      case Op.MIN:
        out.push(`{ const x = ${r(b)}, y = ${r(c)}; ${w(a)} = y < x ? y : x; }`);
        break;
      case Op.MAX:
        out.push(`{ const x = ${r(b)}, y = ${r(c)}; ${w(a)} = y > x ? y : x; }`);
        break;
      case Op.TO_FLOAT:
        out.push(`${w(a)} = H.toFloat(${r(b)});`);
        break;
      case Op.TO_INT:
      case Op.TO_INT_CHECKED:
        out.push(trapping(w(a), `H.toInt(${r(b)})`));
        break;
      case Op.CALL: {
        // Into the callee's compiled code, on the JavaScript stack, when allowed; else left to the loop.
        // The caller's registers are written back first: if the callee leaves something to the loop,
        // every frame from here inward must be in the register file and frame records.
        const callee = prog.chunks[b]!;
        const args: string[] = [];
        for (let i = 0; i < d; i++) args.push(`R[nb + ${i}] = ${r(c + i)};`);
        out.push(
          `{ const fp0 = st.fp; if (!st.direct || st.depth >= ${MAX_JS_DEPTH} || fp0 + 1 >= st.maxDepth) ${bail} ` +
            `const j = C[${b}] ?? J(${b}); if (j === null || st.stack + j.weight > ${MAX_JS_STACK}) ${bail} ` +
            `${WRITE_BACK} const nb = st.F[fp0 * ${Frame.SIZE} + ${Frame.TOP}], need = nb + ${callee.registerCount}; ` +
            `if (need > R.length) H.grow(R, own, need); ${args.join(' ')} ` +
            `H.push(st, fp0, ${pc + 5}, nb, need, base + ${a}, ${b}); st.fuel = fuel; st.depth++; st.stack += j.weight; ` +
            `const res = j.run(R, own, nb, ${callee.callEntry}, st); st.depth--; st.stack -= j.weight; fuel = st.fuel; ` +
            `if (res !== ${RETURNED}) return res; st.fp = fp0; ${w(a)} = st.value; }`,
        );
        break;
      }
      case Op.OUTARG:
        // A `mut ref` argument's final value, from the register window of the call that just returned
        // (above this frame's), whether the call was compiled or made by the loop.
        out.push(`${w(a)} = R[st.F[st.fp * ${Frame.SIZE} + ${Frame.TOP}] + ${b}];`);
        break;
      case Op.RET:
        // To a compiled caller; from the outermost compiled frame, or with handlers installed, the loop returns.
        // The registers are written back all the same: OUTARG (mut ref arguments) reads them after the call.
        out.push(`if (st.depth === 0 || st.hs.length !== 0) ${bail} st.value = ${r(a)}; ${WRITE_BACK} st.fuel = fuel; return ${RETURNED};`);
        break;
      case Op.CHECK:
        out.push(`if (${r(a)} !== true) ${bail}`);
        break;
      case Op.MEASURE_START:
        out.push(`{ const m = ${r(a)}; if (!(m >= 0)) ${bail} ${w(b)} = m; }`);
        break;
      case Op.MEASURE_STEP:
        out.push(`if (!(${r(a)} < ${r(b)})) ${bail}`);
        break;
      case Op.NONNULL:
        out.push(`{ const v = ${r(b)}; if (v === null) ${bail} ${w(a)} = v; }`);
        break;
      default:
        // Left to the loop (see LEFT_TO_LOOP).
        out.push(bail);
        break;
    }
  }
  // Running off the end is the loop's to report (as a bad opcode), like every other exit.
  out.push(`pc = ${code.length}; break run;`);
  const regs = [...used].sort((x, y) => x - y);
  const load = regs.length > 0 ? `let ${regs.map((k) => `r${k} = R[base + ${k}]`).join(', ')};` : '';
  const store = [...written]
    .sort((x, y) => x - y)
    .map((k) => `R[base + ${k}] = r${k};`)
    .join(' ');
  const source = out.join('\n      ').split(WRITE_BACK).join(store);
  const body = `"use strict";
return function ${jsName(chunk.name)}(R, own, base, pc, st) {
  let fuel = st.fuel;
  ${load}
  run: for (;;) {
    switch (pc) {
      ${source}
      default: break run;
    }
  }
  ${store}
  st.fuel = fuel;
  return pc;
};`;
  let factory: (h: typeof H, k: readonly Value[], t: typeof types, d: readonly Desc[], c: JitTable, j: (ci: number) => JitCode | null) => JitCode['run'];
  try {
    // The source is built above from integers and fixed text only (names pass through jsName).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    factory = new Function('H', 'K', 'TYPES', 'DESCS', 'C', 'J', body) as typeof factory;
  } catch {
    // Code generation disallowed (`--disallow-code-generation-from-strings`): interpret.
    return null;
  }
  // Each local is a stack slot (interpreted frames hold every one); a few more for temporaries and the frame itself.
  const weight = regs.length + 32;
  return { entries, weight, run: factory(H, chunk.constants, types, prog.descs, table, (ci) => jitOf(prog, table, ci)) };
}

/** Declares `f`: the registers `start .. start + n - 1` as a new array in the VM's elements kind. */
function fields(r: (k: number) => string, start: number, n: number): string {
  const pushes: string[] = [];
  for (let i = 0; i < n; i++) pushes.push(`f.push(${r(start + i)});`);
  return `const f = H.list(); ${pushes.join(' ')}`;
}

const COMPARE: Partial<Record<Op, string>> = {
  [Op.JNLT]: '<',
  [Op.JNLE]: '<=',
  [Op.JNGT]: '>',
  [Op.JNGE]: '>=',
  [Op.JNEQ]: '===',
  [Op.JNNE]: '!==',
  [Op.JNLTI]: '<',
  [Op.JNLEI]: '<=',
  [Op.JNGTI]: '>',
  [Op.JNGEI]: '>=',
  [Op.JNEQI]: '===',
  [Op.JNNEI]: '!==',
  [Op.JLT]: '<',
  [Op.JLE]: '<=',
  [Op.JGT]: '>',
  [Op.JGE]: '>=',
  [Op.JEQ]: '===',
  [Op.JNE]: '!==',
  [Op.JLTI]: '<',
  [Op.JLEI]: '<=',
  [Op.JGTI]: '>',
  [Op.JGEI]: '>=',
  [Op.JEQI]: '===',
  [Op.JNEI]: '!==',
};

/** A JavaScript identifier for profiles and stack traces: `lumen_geometry_area`. */
function jsName(cell: string): string {
  return `lumen_${cell.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
