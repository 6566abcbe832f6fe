// Checked IR → a WebAssembly module (through binaryen), with the same checks
// as the bytecode backend: a node carrying a check id compiles to its checked
// form — the test, then `check_failed(id)` (a host import) and `unreachable` —
// unless the id is in the proved set, in which case the unchecked form is
// emitted. Specification conditions (preconditions, postconditions,
// invariants, assertions, measures) are evaluated at run time exactly where the
// VM evaluates them, with the same rules for undecidable atoms
// (`analyzeUnknowns` of backend/compile.ts is reused).
//
// Differences from the VM, all documented in docs/wasm.md:
// * Specification arithmetic is done in 64 bits and stops the program with an
//   `error` when it would leave that range (the VM computes it exactly).
// * Deep recursion ends in `depth-exceeded` at the JS engine's stack limit.
// * There is no fuel limit.
//
// A construct the backend cannot compile raises `Unsupported` internally and
// comes out of `compileWasm` as a `WasmUnsupported` value naming it; nothing is
// ever miscompiled silently: the generated module is validated.
//
// Architecture invariant: reads verdicts only as the set of proved check ids.

import binaryen from 'binaryen';
import type { CheckId, ConstValue, IrBlock, IrCell, IrExpr, IrHandler, IrPattern, IrProgram, IrStmt, IrVar } from '../../frontend/ir.js';
import type { Span } from '../../frontend/span.js';
import type { Type } from '../../frontend/types.js';
import { analyzeUnknowns, typeOf } from '../compile.js';
import {
  fieldTypesOfRecord,
  fieldTypesOfVariant,
  optionalInner,
  reprOf,
  TypeTable,
  typeKey,
  typeText,
  Unsupported,
  type LType,
  type Repr,
  type WasmUnsupported,
} from './layout.js';
import { EMPTY_LIST_ADDR, FALSE_ADDR, INTERNAL, NULL_TEXT_ADDR, RUNTIME_WAT, STATIC_DATA_START, TRUE_ADDR } from './runtime-wat.js';
import { isNonNegative, nonNegativeVars } from './nonneg.js';
import { isSelfAppend, isSelfPush, walkBlock, walkExpr } from './walk.js';

type X = binaryen.ExpressionRef;
type BT = binaryen.Type;

export interface WasmCompileOptions {
  /** Check ids proved by the verifier: their run-time checks are elided. */
  readonly proved: ReadonlySet<number>;
  /** Run binaryen's optimiser (default true). */
  readonly optimize?: boolean;
  /** Cells exported for the host (default: `main`, or every cell of the root module with a body when there is no `main`). */
  readonly entries?: readonly string[];
}

/** What the host needs to run a module: the type table and the signatures of the imports and exports. */
export interface WasmMeta {
  readonly format: 'lumen-wasm/1';
  readonly types: readonly LType[];
  /** Effect operations, indexed like the `effect:<k>` imports. */
  readonly effectOps: readonly { readonly effect: string; readonly op: string; readonly params: readonly number[]; readonly ret: number }[];
  readonly externs: readonly { readonly cell: string; readonly import: string; readonly params: readonly number[]; readonly ret: number }[];
  readonly entries: readonly { readonly cell: string; readonly export: string; readonly params: readonly number[]; readonly ret: number }[];
  /** Ids of the checks that have at least one trap in the module (before optimisation). */
  readonly trapChecks: readonly number[];
  /** Check ids elided because proved. */
  readonly proved: readonly number[];
}

export interface WasmModule {
  readonly binary: Uint8Array;
  readonly meta: WasmMeta;
}

export type WasmCompileResult = { readonly ok: true; readonly module: WasmModule } | { readonly ok: false; readonly error: WasmUnsupported };

const FEATURES =
  binaryen.Features.MVP |
  binaryen.Features.MutableGlobals |
  binaryen.Features.NontrappingFPToInt |
  binaryen.Features.SignExt |
  binaryen.Features.BulkMemory |
  binaryen.Features.BulkMemoryOpt;

/** The custom section holding the JSON `WasmMeta` in an emitted module. */
export const META_SECTION = 'lumen.meta';

const INT_T: Type = { kind: 'Int' };
const STRING_T: Type = { kind: 'String' };
const NULL_T: Type = { kind: 'Null' };

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export function compileWasm(ir: IrProgram, opts: WasmCompileOptions): WasmCompileResult {
  let gen: ModuleGen | null = null;
  try {
    gen = new ModuleGen(ir, opts);
    return { ok: true, module: gen.build() };
  } catch (e) {
    if (e instanceof Unsupported) {
      const cell = gen?.currentCell ?? '';
      const where = cell ? ` (in \`${cell}\`)` : '';
      return { ok: false, error: { kind: 'wasm-unsupported', construct: e.construct, cell, span: e.span, message: `${e.message}${where}` } };
    }
    throw e;
  } finally {
    gen?.dispose();
  }
}

// ---------------------------------------------------------------- module

class ModuleGen {
  readonly m: binaryen.Module;
  readonly types = new TypeTable();
  readonly proved: ReadonlySet<number>;
  currentCell = '';
  readonly trapChecks = new Set<number>();

  private readonly data: number[] = [];
  private readonly strings = new Map<string, bigint>();
  private readonly singletons = new Map<string, number>();
  private readonly eqFuncs = new Map<string, string>();
  private readonly eqQueue: { name: string; type: Type }[] = [];
  private readonly compiled = new Set<string>();
  private readonly cellQueue: string[] = [];
  readonly effectOps: { effect: string; op: string; params: Type[]; ret: Type }[] = [];
  private readonly effectOpIndex = new Map<string, number>();
  private readonly usedEffectOps = new Set<number>();
  readonly handleFuncs: (string | null)[][] = [];
  private readonly handlerTable: string[] = [];
  private readonly effectCounters = new Set<string>();
  private readonly outGlobals = new Set<string>();
  private readonly externs: WasmMeta['externs'][number][] = [];
  private disposed = false;

  constructor(
    readonly ir: IrProgram,
    readonly opts: WasmCompileOptions,
  ) {
    this.proved = opts.proved;
    this.m = binaryen.parseText(RUNTIME_WAT);
    this.m.setFeatures(FEATURES);
    for (let i = 0; i < STATIC_DATA_START; i++) this.data.push(0);
    // "true", "false", "null" at their fixed addresses.
    writeBytes(this.data, TRUE_ADDR, utf8('true'));
    writeBytes(this.data, FALSE_ADDR, utf8('false'));
    writeBytes(this.data, NULL_TEXT_ADDR, utf8('null'));
    for (const e of ir.effects.values()) {
      for (const op of e.ops) {
        this.effectOpIndex.set(`${e.name}.${op.name}`, this.effectOps.length);
        this.effectOps.push({ effect: e.name, op: op.name, params: op.params.map((p) => p.type), ret: op.ret });
      }
    }
  }

  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.m.dispose();
    }
  }

  isProved(id: CheckId): boolean {
    return this.proved.has(id);
  }

  build(): WasmModule {
    const entries =
      this.opts.entries ?? (this.ir.cells.has('main') ? ['main'] : this.ir.rootCells.filter((c) => this.ir.cells.get(c)?.body && !this.ir.cells.get(c)?.extern));
    const entryMeta: WasmMeta['entries'][number][] = [];
    for (const name of entries) {
      const cell = this.ir.cells.get(name);
      if (!cell) throw new Unsupported(`a program without a \`${name}\` cell to export`);
      this.requireCell(name);
      entryMeta.push(this.entryWrapper(cell));
    }
    while (this.cellQueue.length > 0) {
      const name = this.cellQueue.shift()!;
      const cell = this.ir.cells.get(name)!;
      this.currentCell = name;
      if (cell.extern || cell.body === null) this.externImport(cell);
      else new CellGen(this, cell, null).compileCell();
    }
    this.currentCell = '';
    this.finishEffects();
    while (this.eqQueue.length > 0) {
      const { name, type } = this.eqQueue.shift()!;
      this.emitEq(name, type);
    }
    this.finishMemory();

    const meta: WasmMeta = {
      format: 'lumen-wasm/1',
      types: this.types.entries,
      effectOps: this.effectOps.map((o) => ({
        effect: o.effect,
        op: o.op,
        params: o.params.map((t) => this.typeIdOrNever(t)),
        ret: this.typeIdOrNever(o.ret),
      })),
      externs: this.externs,
      entries: entryMeta,
      trapChecks: [...this.trapChecks].sort((a, b) => a - b),
      proved: [...this.proved].sort((a, b) => a - b),
    };
    if (!this.m.validate()) {
      throw new Error('internal: the WebAssembly backend produced an invalid module');
    }
    if (this.opts.optimize !== false) {
      binaryen.setOptimizeLevel(3);
      binaryen.setShrinkLevel(0);
      this.m.optimize();
    }
    this.m.addCustomSection(META_SECTION, utf8(JSON.stringify(meta)));
    return { binary: this.m.emitBinary(), meta };
  }

  private typeIdOrNever(t: Type): number {
    try {
      return this.types.id(t);
    } catch (e) {
      if (e instanceof Unsupported) return this.types.id({ kind: 'Never' });
      throw e;
    }
  }

  // ------------------------------------------------------------ cells

  cellFunc(name: string): string {
    return `cell:${name}`;
  }

  requireCell(name: string): void {
    if (this.compiled.has(name)) return;
    if (!this.ir.cells.has(name)) throw new Error(`internal: call of unknown cell ${name}`);
    this.compiled.add(name);
    this.cellQueue.push(name);
  }

  signature(cell: IrCell): { params: BT; results: BT; paramTypes: BT[] } {
    const paramTypes = cell.params.map((p) => bt(reprOf(p.v.type, p.span)));
    return { params: binaryen.createType(paramTypes), results: bt(reprOf(cell.ret, cell.span)), paramTypes };
  }

  private externImport(cell: IrCell): void {
    const sig = this.signature(cell);
    const imp = `extern:${this.externs.length}`;
    this.m.addFunctionImport(this.cellFunc(cell.name), 'lumen', imp, sig.params, sig.results);
    this.externs.push({ cell: cell.name, import: imp, params: cell.params.map((p) => this.types.id(p.v.type, p.span)), ret: this.types.id(cell.ret, cell.span) });
  }

  /** The exported function for a host call: the well-definedness checks of the cell's own `requires`, then the cell. */
  private entryWrapper(cell: IrCell): WasmMeta['entries'][number] {
    this.currentCell = cell.name;
    if (cell.extern || cell.body === null) throw new Unsupported(`exporting the extern cell \`${cell.name}\``, cell.span);
    const sig = this.signature(cell);
    const gen = new CellGen(this, cell, null);
    const body = gen.entryBody();
    this.m.addFunction(`entry:${cell.name}`, sig.params, sig.results, gen.varTypes(), body);
    this.m.addFunctionExport(`entry:${cell.name}`, cell.name);
    return {
      cell: cell.name,
      export: cell.name,
      params: cell.params.map((p) => this.types.id(p.v.type, p.span)),
      ret: this.types.id(cell.ret, cell.span),
    };
  }

  outGlobal(cell: IrCell, arg: number): string {
    const name = `out:${cell.name}:${arg}`;
    if (!this.outGlobals.has(name)) {
      this.outGlobals.add(name);
      const r = reprOf(cell.params[arg]!.v.type);
      this.m.addGlobal(name, bt(r), true, zero(this.m, r));
    }
    return name;
  }

  effectCounter(effect: string): string {
    const name = `ec:${effect}`;
    if (!this.effectCounters.has(effect)) {
      this.effectCounters.add(effect);
      this.m.addGlobal(name, binaryen.i64, true, this.m.i64.const(0n));
    }
    return name;
  }

  // ------------------------------------------------------------ effects

  effectOp(effect: string, op: string): number {
    const k = this.effectOpIndex.get(`${effect}.${op}`);
    if (k === undefined) throw new Error(`internal: unknown effect operation ${effect}.${op}`);
    this.usedEffectOps.add(k);
    return k;
  }

  performFunc(k: number): string {
    this.usedEffectOps.add(k);
    return `perform:${k}`;
  }

  /** Registers a `handle` expression's handlers; returns the handle id. */
  addHandle(handlers: readonly IrHandler[], cell: IrCell): number {
    const id = this.handleFuncs.length;
    const funcs: (string | null)[] = this.effectOps.map(() => null);
    this.handleFuncs.push(funcs);
    handlers.forEach((h, j) => {
      const k = this.effectOp(h.effect, h.op);
      const name = `handler:${id}:${j}`;
      funcs[k] = name;
      this.handlerTable.push(name);
      new CellGen(this, cell, { handler: h, op: this.effectOps[k]!, name }).compileHandler();
    });
    return id;
  }

  /** The handler map (handle id × operation → table index) lives in static data. */
  private handlerMapAddr = 0;

  private finishEffects(): void {
    const K = this.effectOps.length;
    if (this.handleFuncs.length > 0) {
      this.handlerMapAddr = align(this.data, 4);
      for (const funcs of this.handleFuncs) {
        for (let k = 0; k < K; k++) {
          const f = funcs[k];
          pushI32(this.data, f ? this.handlerTable.indexOf(f) : -1);
        }
      }
      this.m.addTable('handlers', this.handlerTable.length, this.handlerTable.length);
      this.m.addActiveElementSegment('handlers', 'handler-elems', this.handlerTable, this.m.i32.const(0));
    }
    const m = this.m;
    for (const k of [...this.usedEffectOps].sort((a, b) => a - b)) {
      const op = this.effectOps[k]!;
      const reprs = op.params.map((t) => reprOf(t));
      const ret = reprOf(op.ret);
      const params = binaryen.createType(reprs.map(bt));
      const args = (): X[] => reprs.map((r, i) => m.local.get(i, bt(r)));
      m.addFunctionImport(`effect:${k}`, 'lumen', `effect:${k}`, params, bt(ret));
      const n = reprs.length;
      const rec = n;
      const f = n + 1;
      const saved = n + 2;
      const res = n + 3;
      let body: X;
      if (this.handleFuncs.length === 0) {
        body = m.return(m.call(`effect:${k}`, args(), bt(ret)));
      } else {
        // Walk the handler stack for the innermost handle with a handler for
        // this operation; while it runs, only the handles below it are visible.
        body = m.block(null, [
          m.local.set(rec, m.global.get('hs', binaryen.i32)),
          m.loop(
            'search',
            m.block(null, [
              m.if(m.i32.eqz(m.local.get(rec, binaryen.i32)), m.return(m.call(`effect:${k}`, args(), bt(ret)))),
              m.local.set(
                f,
                m.i32.load(
                  this.handlerMapAddr,
                  4,
                  m.i32.shl(m.i32.add(m.i32.mul(m.i32.load(4, 4, m.local.get(rec, binaryen.i32)), m.i32.const(K)), m.i32.const(k)), m.i32.const(2)),
                ),
              ),
              m.if(
                m.i32.ge_s(m.local.get(f, binaryen.i32), m.i32.const(0)),
                m.block(null, [
                  m.local.set(saved, m.global.get('hs', binaryen.i32)),
                  m.global.set('hs', m.i32.load(0, 4, m.local.get(rec, binaryen.i32))),
                  m.local.set(res, m.call_indirect('handlers', m.local.get(f, binaryen.i32), args(), params, bt(ret))),
                  m.global.set('hs', m.local.get(saved, binaryen.i32)),
                  m.return(m.local.get(res, bt(ret))),
                ]),
              ),
              m.local.set(rec, m.i32.load(0, 4, m.local.get(rec, binaryen.i32))),
              m.br('search'),
            ]),
          ),
        ]);
      }
      m.addFunction(`perform:${k}`, params, bt(ret), [binaryen.i32, binaryen.i32, binaryen.i32, bt(ret)], body);
    }
  }

  // ------------------------------------------------------------ static data

  /** The fat pointer of a string literal. */
  stringLit(s: string): bigint {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    const bytes = utf8(s);
    const addr = bytes.length === 0 ? TRUE_ADDR : this.data.length;
    for (const b of bytes) this.data.push(b);
    const nonAscii = bytes.some((b) => b >= 0x80);
    const v = BigInt(addr) | (BigInt(bytes.length) << 32n) | (nonAscii ? 1n << 63n : 0n);
    const signed = BigInt.asIntN(64, v);
    this.strings.set(s, signed);
    return signed;
  }

  /** The shared block of a variant without payload. */
  singleton(enumName: string, tag: number): number {
    const key = `${enumName}#${tag}`;
    const known = this.singletons.get(key);
    if (known !== undefined) return known;
    const addr = align(this.data, 8);
    pushI32(this.data, tag);
    pushI32(this.data, 0);
    this.singletons.set(key, addr);
    return addr;
  }

  private finishMemory(): void {
    align(this.data, 8);
    const heapStart = this.data.length;
    const pages = Math.max(2, Math.ceil((heapStart + (1 << 20)) / 65536));
    this.m.setMemory(pages, 32768, 'memory', [{ offset: this.m.i32.const(0), data: Uint8Array.from(this.data), passive: false }], false, false, 'mem');
    this.m.removeGlobal('hp');
    this.m.addGlobal('hp', binaryen.i32, true, this.m.i32.const(heapStart));
  }

  // ------------------------------------------------------------ structural equality

  /** The name of the function deciding `a == b` for values of type t. */
  eqFunc(t: Type): string {
    const key = typeKey(t);
    let name = this.eqFuncs.get(key);
    if (name === undefined) {
      name = `eq:${key}`;
      this.eqFuncs.set(key, name);
      this.eqQueue.push({ name, type: t });
    }
    return name;
  }

  /** `a == b` for two values of type t already compiled. */
  equals(t: Type, a: X, b: X): X {
    const m = this.m;
    switch (t.kind) {
      case 'Int':
        return m.i64.eq(a, b);
      case 'Float':
        return m.f64.eq(a, b);
      case 'Bool':
        return m.i32.eq(a, b);
      case 'Null':
        return m.block(null, [m.drop(a), m.drop(b), m.i32.const(1)], binaryen.i32);
      case 'String':
        return m.call('str_eq', [a, b], binaryen.i32);
      case 'Never':
        return m.block(null, [m.drop(a), m.drop(b), m.unreachable()]);
      default: {
        reprOf(t);
        return m.call(this.eqFunc(t), [a, b], binaryen.i32);
      }
    }
  }

  private emitEq(name: string, t: Type): void {
    const m = this.m;
    const r = bt(reprOf(t));
    const a = (): X => m.local.get(0, r);
    const b = (): X => m.local.get(1, r);
    const vars: BT[] = [];
    const local = (ty: BT): number => {
      vars.push(ty);
      return 1 + vars.length;
    };
    const same = m.if(r === binaryen.i64 ? m.i64.eq(a(), b()) : m.i32.eq(a(), b()), m.return(m.i32.const(1)));
    const slot = (base: X, offset: number, ft: Type): X => loadSlot(m, ft, base, offset);
    let body: X;
    switch (t.kind) {
      case 'List': {
        const i = local(binaryen.i32);
        const n = local(binaryen.i32);
        const elem = (v: X): X => loadSlot(m, t.elem, m.i32.add(m.i32.wrap(v), m.i32.shl(m.local.get(i, binaryen.i32), m.i32.const(3))), 8);
        body = m.block(null, [
          same,
          m.local.set(n, m.i32.wrap(m.i64.shr_u(a(), m.i64.const(32n)))),
          m.if(m.i32.ne(m.local.get(n, binaryen.i32), m.i32.wrap(m.i64.shr_u(b(), m.i64.const(32n)))), m.return(m.i32.const(0))),
          m.block('done', [
            m.loop(
              'next',
              m.block(null, [
                m.br('done', m.i32.ge_u(m.local.get(i, binaryen.i32), m.local.get(n, binaryen.i32))),
                m.if(m.i32.eqz(this.equals(t.elem, elem(a()), elem(b()))), m.return(m.i32.const(0))),
                m.local.set(i, m.i32.add(m.local.get(i, binaryen.i32), m.i32.const(1))),
                m.br('next'),
              ]),
            ),
          ]),
          m.i32.const(1),
        ], binaryen.i32);
        break;
      }
      case 'Record':
      case 'Tuple': {
        const fts = t.kind === 'Record' ? fieldTypesOfRecord(t) : [...t.elems];
        const tests = fts.map((ft, i) => m.if(m.i32.eqz(this.equals(ft, slot(a(), 8 * i, ft), slot(b(), 8 * i, ft))), m.return(m.i32.const(0))));
        body = m.block(null, [same, ...tests, m.i32.const(1)], binaryen.i32);
        break;
      }
      case 'Enum':
      case 'Result': {
        const variants: Type[][] =
          t.kind === 'Enum' ? t.info.variants.map((_, vi) => fieldTypesOfVariant(t, vi)) : [[t.ok], [t.err]];
        const tag = local(binaryen.i32);
        const cases = variants.map((fts, vi) =>
          m.if(
            m.i32.eq(m.local.get(tag, binaryen.i32), m.i32.const(vi)),
            m.block(null, [
              ...fts.map((ft, i) => m.if(m.i32.eqz(this.equals(ft, slot(a(), 8 + 8 * i, ft), slot(b(), 8 + 8 * i, ft))), m.return(m.i32.const(0)))),
              m.return(m.i32.const(1)),
            ]),
          ),
        );
        body = m.block(null, [
          same,
          m.local.set(tag, m.i32.load(0, 4, a())),
          m.if(m.i32.ne(m.local.get(tag, binaryen.i32), m.i32.load(0, 4, b())), m.return(m.i32.const(0))),
          ...cases,
          m.i32.const(1),
        ], binaryen.i32);
        break;
      }
      case 'Union': {
        const inner = optionalInner(t)!;
        const isNull = (v: X): X => (r === binaryen.i64 ? m.i64.eqz(v) : m.i32.eqz(v));
        body = m.block(null, [
          same,
          m.if(m.i32.or(isNull(a()), isNull(b())), m.return(m.i32.const(0))),
          this.equals(inner, a(), b()),
        ], binaryen.i32);
        break;
      }
      default:
        throw new Unsupported(`\`==\` on values of type \`${typeText(t)}\``);
    }
    m.addFunction(name, binaryen.createType([r, r]), binaryen.i32, vars, body);
  }
}

// ---------------------------------------------------------------- cells

interface LoopCtx {
  readonly brk: string;
  readonly cont: string;
  readonly handleDepth: number;
}

interface HandlerCtx {
  readonly handler: IrHandler;
  readonly op: { effect: string; op: string; params: Type[]; ret: Type };
  readonly name: string;
}

class CellGen {
  private readonly m: binaryen.Module;
  private readonly localTypes: BT[] = [];
  private readonly nParams: number;
  private readonly localOf = new Map<number, number>();
  private readonly overrides: Map<number, number>[] = [];
  private readonly ownLocal = new Map<number, number>();
  private labels = 0;
  private loops: LoopCtx[] = [];
  /** Locals holding `$hs` as it was before each enclosing `handle` of this function. */
  private readonly handleSaves: number[] = [];
  private spec = false;
  private silent = -1;
  private unknowns = new Map<IrExpr, boolean>();
  private measureLocal = -1;
  private readonly snapLocals = new Map<string, number>();
  /** Int variables that are never negative (nonneg.ts). */
  private readonly nonNeg: ReadonlySet<number>;

  constructor(
    private readonly gen: ModuleGen,
    private readonly cell: IrCell,
    private readonly handler: HandlerCtx | null,
  ) {
    this.m = gen.m;
    this.nonNeg = handler ? new Set() : nonNegativeVars(cell);
    if (handler) {
      handler.handler.params.forEach((p, i) => {
        this.localTypes.push(bt(reprOf(handler.op.params[i] ?? p.type, handler.handler.span)));
        this.localOf.set(p.id, i);
      });
      this.nParams = handler.handler.params.length;
    } else {
      cell.params.forEach((p, i) => {
        this.localTypes.push(bt(reprOf(p.v.type, p.span)));
        this.localOf.set(p.v.id, i);
      });
      this.nParams = cell.params.length;
    }
  }

  varTypes(): BT[] {
    return this.localTypes.slice(this.nParams);
  }

  // ------------------------------------------------------------ drivers

  compileCell(): void {
    const cell = this.cell;
    const body = cell.body!;
    const sig = this.gen.signature(cell);
    const snapEffects = new Set<string>();
    let needsMeasure = false;
    this.prepareOwners(body);
    walkBlock(body, {
      onExpr: (e) => {
        if (e.kind === 'Calls') snapEffects.add(e.effect);
        if (e.kind === 'Perform' && e.budget !== null && !this.gen.isProved(e.budget)) snapEffects.add(e.effect);
        if (e.kind === 'Call') {
          for (const b of e.budgets) if (!this.gen.isProved(b.check)) snapEffects.add(b.effect);
          if (e.termination !== null && !this.gen.isProved(e.termination)) needsMeasure = true;
        }
      },
    });
    const prologue: X[] = [];
    for (const [pid, ov] of cell.oldVars) prologue.push(this.m.local.set(this.varLocal(ov), this.m.local.get(this.localOf.get(pid)!, this.localTypes[this.localOf.get(pid)!]!)));
    for (const eff of snapEffects) {
      const l = this.newLocal(binaryen.i64);
      this.snapLocals.set(eff, l);
      prologue.push(this.m.local.set(l, this.m.global.get(this.gen.effectCounter(eff), binaryen.i64)));
    }
    if (needsMeasure && cell.decreases) {
      const v = this.specValue(cell.decreases);
      if (v !== null) {
        this.measureLocal = this.newLocal(binaryen.i64);
        prologue.push(this.m.local.set(this.measureLocal, v));
      }
    }
    const stmts = this.blockStmts(body);
    let tail: X;
    if (body.value !== null) tail = this.exit(this.exprAs(body.value, cell.ret));
    else if (body.stmts[body.stmts.length - 1]?.kind === 'Return') tail = this.m.unreachable();
    else tail = this.exit(this.coerce(this.m.i32.const(0), NULL_T, cell.ret, cell.span));
    this.m.addFunction(this.gen.cellFunc(cell.name), sig.params, sig.results, this.varTypes(), this.m.block(null, [...prologue, ...stmts, tail], sig.results));
  }

  /**
   * List variables updated in place (`xs[i] = v`, `xs = push(xs, v)`,
   * `xs = xs ++ ys`) get an ownership local: the address of the buffer the
   * variable owns exclusively, 0 when none (as the VM's ownership marks).
   */
  private prepareOwners(body: IrBlock): void {
    // Every list variable gets one, before any code is generated: a buffer
    // can move between variables (see \`movedList\`), and every read that lets
    // it escape must give up ownership.
    const params = this.handler ? this.handler.handler.params : this.cell.params.map((p) => p.v);
    for (const p of params) if (p.type.kind === 'List') this.ownOf(p);
    walkBlock(body, { onVar: (v) => void (v.type.kind === 'List' && this.ownOf(v)) });
  }

  /** Body of the exported wrapper of an entry cell. */
  entryBody(): X {
    const cell = this.cell;
    const m = this.m;
    const parts: X[] = [];
    for (const clause of cell.requires) {
      if (!this.hasUnprovedCheck(clause.cond)) continue;
      const unknowns = new Map<IrExpr, boolean>();
      if (!analyzeUnknowns(clause.cond, 1, unknowns)) continue;
      parts.push(this.withSpec(-1, unknowns, () => this.dropped(this.expr(clause.cond, false))));
    }
    const sig = this.gen.signature(cell);
    const call = m.call(this.gen.cellFunc(cell.name), cell.params.map((_, i) => m.local.get(i, sig.paramTypes[i]!)), sig.results);
    return m.block(null, [...parts, call], sig.results);
  }

  compileHandler(): void {
    const h = this.handler!;
    const m = this.m;
    checkHandler(h.handler, (id) => this.isProved(id));
    this.prepareOwners(h.handler.body);
    const body = this.block(h.handler.body, null);
    const reprs = h.op.params.map((t) => bt(reprOf(t, h.handler.span)));
    const ret = bt(reprOf(h.op.ret, h.handler.span));
    // Every path of a supported handler ends in `resume`, which returns.
    m.addFunction(h.name, binaryen.createType(reprs), ret, this.varTypes(), m.block(null, [body, m.unreachable()], ret));
  }

  // ------------------------------------------------------------ locals

  private newLocal(t: BT): number {
    this.localTypes.push(t);
    return this.localTypes.length - 1;
  }

  private varLocal(v: IrVar): number {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const l = this.overrides[i]!.get(v.id);
      if (l !== undefined) return l;
    }
    let l = this.localOf.get(v.id);
    if (l === undefined) {
      l = this.newLocal(bt(reprOf(v.type)));
      this.localOf.set(v.id, l);
    }
    return l;
  }

  private get(l: number): X {
    return this.m.local.get(l, this.localTypes[l]!);
  }

  private withOverrides<T>(map: Map<number, number>, f: () => T): T {
    this.overrides.push(map);
    try {
      return f();
    } finally {
      this.overrides.pop();
    }
  }

  private withSpec<T>(silent: number, unknowns: Map<IrExpr, boolean>, f: () => T): T {
    const saved = { spec: this.spec, silent: this.silent, unknowns: this.unknowns };
    this.spec = true;
    this.silent = silent;
    this.unknowns = unknowns;
    try {
      return f();
    } finally {
      this.spec = saved.spec;
      this.silent = saved.silent;
      this.unknowns = saved.unknowns;
    }
  }

  private label(prefix: string): string {
    return `${prefix}${this.labels++}`;
  }

  private dropped(x: X): X {
    const t = binaryen.getExpressionType(x);
    return t === binaryen.none || t === binaryen.unreachable ? x : this.m.drop(x);
  }

  /** An index that cannot be negative needs no adjustment for negative indexing (only in code, where variables are the cell's own). */
  private knownNonNegative(e: IrExpr): boolean {
    return !this.spec && this.overrides.length === 0 && isNonNegative(e, this.nonNeg);
  }

  // ------------------------------------------------------------ checks

  private isProved(id: CheckId): boolean {
    return this.gen.isProved(id);
  }

  /** The id a check node reports, or -1 when it has none or it was proved (inside a silent specification: the enclosing check). */
  private site(id: CheckId | null): number {
    if (id === null || this.isProved(id)) return -1;
    return this.silent >= 0 ? this.silent : id;
  }

  /** `check_failed(id); unreachable`. */
  private fail(id: number): X {
    this.gen.trapChecks.add(id);
    return this.m.block(null, [this.m.call('check_failed', [this.m.i32.const(id)], binaryen.none), this.m.unreachable()]);
  }

  /** Traps with `id` when `bad` holds. */
  private guard(bad: X, id: number): X {
    return this.m.if(bad, this.fail(id));
  }

  private internal(code: number): X {
    return this.m.block(null, [this.m.call('internal', [this.m.i32.const(code)], binaryen.none), this.m.unreachable()]);
  }

  private hasUnprovedCheck(e: IrExpr): boolean {
    let found = false;
    walkExpr(e, {
      onExpr: (x) => {
        const ids: (CheckId | null)[] =
          x.kind === 'IntOp' ? [x.overflow, x.divZero] : x.kind === 'Index' ? [x.check] : x.kind === 'NonNull' ? [x.check] : x.kind === 'Builtin' ? [x.check] : [];
        for (const id of ids) if (id !== null && !this.isProved(id)) found = true;
      },
    });
    return found;
  }

  /** `if not cond: fail(id)` for a specification (nothing when proved or undecidable at run time). */
  private specCheck(cond: IrExpr, id: CheckId, silent: boolean): X[] {
    if (this.isProved(id)) return [];
    const unknowns = new Map<IrExpr, boolean>();
    if (!analyzeUnknowns(cond, 1, unknowns)) return [];
    return [this.withSpec(silent ? id : -1, unknowns, () => this.guard(this.m.i32.eqz(this.expr(cond, false)), id))];
  }

  /** An Int specification value (a measure), or null when not decidable at run time. */
  private specValue(e: IrExpr): X | null {
    const unknowns = new Map<IrExpr, boolean>();
    if (!analyzeUnknowns(e, 0, unknowns)) return null;
    return this.withSpec(-1, unknowns, () => this.expr(e, false));
  }

  // ------------------------------------------------------------ statements

  private blockStmts(b: IrBlock): X[] {
    const out: X[] = [];
    const declared = new Set<number>();
    b.stmts.forEach((s, k) => {
      const moved = this.movedList(b, k, declared);
      if (s.kind === 'Let') declared.add(s.v.id);
      out.push(...(moved ? this.moveList(s as Extract<IrStmt, { kind: 'Let' | 'Assign' }>, moved) : this.stmt(s)));
    });
    return out;
  }

  /**
   * \`x = y\` of a list variable y that is dead afterwards: overwritten by the
   * next statement (which does not read it), or a \`let\` of this block not
   * mentioned again. The buffer y owned can then be owned by x instead of
   * being copied at x's first in-place update (the swap \`let t = a; a = b;
   * b = t\` keeps both buffers). Returns y, or null.
   */
  private movedList(b: IrBlock, k: number, declared: ReadonlySet<number>): IrVar | null {
    const s = b.stmts[k]!;
    if (s.kind !== 'Let' && s.kind !== 'Assign') return null;
    const value = s.kind === 'Let' ? s.init : s.value;
    if (value.kind !== 'Var' || value.v.type.kind !== 'List' || value.v.id === s.v.id || s.v.type.kind !== 'List') return null;
    const y = value.v;
    if (!this.ownLocal.has(y.id)) return null;
    const next = b.stmts[k + 1];
    if (next?.kind === 'Assign' && next.v.id === y.id && !mentions(next.value, y)) return y;
    if (declared.has(y.id) && !b.stmts.slice(k + 1).some((t) => mentionsStmt(t, y)) && !(b.value && mentions(b.value, y))) return y;
    return null;
  }

  private moveList(s: Extract<IrStmt, { kind: 'Let' | 'Assign' }>, y: IrVar): X[] {
    const m = this.m;
    const x = this.varLocal(s.v);
    const ownY = this.ownLocal.get(y.id)!;
    const ownX = this.ownOf(s.v);
    return [
      m.local.set(x, this.coerce(this.get(this.varLocal(y)), y.type, s.v.type, s.span)),
      m.local.set(ownX, this.get(ownY)),
      m.local.set(ownY, m.i32.const(0)),
    ];
  }

  /** The ownership local of a list variable (created for a variable that receives a moved buffer). */
  private ownOf(v: IrVar): number {
    let l = this.ownLocal.get(v.id);
    if (l === undefined) {
      l = this.newLocal(binaryen.i32);
      this.ownLocal.set(v.id, l);
    }
    return l;
  }

  /** A block as an expression of `type` (null: as a statement). */
  private block(b: IrBlock, type: Type | null): X {
    const m = this.m;
    const stmts = this.blockStmts(b);
    if (type === null) {
      if (b.value !== null) stmts.push(this.dropped(this.expr(b.value)));
      return stmts.length === 0 ? m.nop() : m.block(null, stmts, binaryen.none);
    }
    const value = b.value !== null ? this.exprAs(b.value, type) : this.coerce(m.i32.const(0), NULL_T, type, b.span);
    return m.block(null, [...stmts, value], bt(reprOf(type, b.span)));
  }

  private stmt(s: IrStmt): X[] {
    const m = this.m;
    switch (s.kind) {
      case 'Let':
        return [m.local.set(this.varLocal(s.v), this.exprAs(s.init, s.v.type))];
      case 'Assign':
        return this.assign(s.v, s.value);
      case 'SetIndex':
        return this.setIndex(s);
      case 'Expr':
        return [this.dropped(this.expr(s.expr))];
      case 'Check':
        return this.specCheck(s.cond, s.check, false);
      case 'Assume':
        return [];
      case 'While':
        return this.whileLoop(s);
      case 'Return':
        return [this.ret(s.value, s.posts)];
      case 'Break':
      case 'Continue': {
        const loop = this.loops[this.loops.length - 1];
        if (!loop) throw new Unsupported(`\`${s.kind.toLowerCase()}\` outside a loop of the same cell or handler`, s.span);
        const out: X[] = [];
        if (this.handleSaves.length > loop.handleDepth) out.push(m.global.set('hs', this.get(this.handleSaves[loop.handleDepth]!)));
        out.push(m.br(s.kind === 'Break' ? loop.brk : loop.cont));
        return out;
      }
      default:
        throw new Unsupported(`the statement \`${(s as { kind: string }).kind}\``, (s as { span?: Span }).span ?? null);
    }
  }

  private assign(v: IrVar, value: IrExpr): X[] {
    const m = this.m;
    const l = this.varLocal(v);
    const own = this.ownLocal.get(v.id);
    if (own !== undefined && isSelfPush(v, value)) {
      const arg = (value as Extract<IrExpr, { kind: 'Builtin' }>).args[1]!;
      const elemT = (v.type as Extract<Type, { kind: 'List' }>).elem;
      const x = this.newLocal(bt(reprOf(elemT)));
      return [
        m.local.set(x, this.exprAs(arg, elemT)),
        m.local.set(l, m.call('list_reserve', [this.get(l), this.get(own), m.i32.const(1)], binaryen.i64)),
        m.local.set(own, m.i32.wrap(this.get(l))),
        storeSlot(m, elemT, m.i32.add(m.i32.wrap(this.get(l)), m.i32.shl(m.call('list_len', [this.get(l)], binaryen.i32), m.i32.const(3))), 8, this.get(x)),
        m.local.set(l, m.i64.add(this.get(l), m.i64.const((1n << 32n)))),
      ];
    }
    if (own !== undefined && isSelfAppend(v, value)) {
      const more = this.newLocal(binaryen.i64);
      return [
        m.local.set(more, this.exprAs((value as Extract<IrExpr, { kind: 'Concat' }>).right, v.type, false)),
        m.local.set(l, m.call('list_append_owned', [this.get(l), this.get(own), this.get(more)], binaryen.i64)),
        m.local.set(own, m.i32.wrap(this.get(l))),
      ];
    }
    return [m.local.set(l, this.exprAs(value, v.type))];
  }

  private setIndex(s: Extract<IrStmt, { kind: 'SetIndex' }>): X[] {
    const m = this.m;
    if (s.v.type.kind !== 'List') throw new Unsupported(`\`x[i] = v\` on a value of type \`${typeText(s.v.type)}\``, s.span);
    const elemT = s.v.type.elem;
    const l = this.varLocal(s.v);
    const own = this.ownLocal.get(s.v.id)!;
    const i = this.newLocal(binaryen.i64);
    const x = this.newLocal(bt(reprOf(elemT, s.span)));
    const n = this.newLocal(binaryen.i64);
    const out: X[] = [m.local.set(i, this.exprAs(s.index, INT_T, false)), m.local.set(x, this.exprAs(s.value, elemT))];
    out.push(m.local.set(n, m.i64.shr_u(this.get(l), m.i64.const(32n))));
    if (!this.knownNonNegative(s.index)) out.push(m.if(m.i64.lt_s(this.get(i), m.i64.const(0n)), m.local.set(i, m.i64.add(this.get(i), this.get(n)))));
    const id = this.site(s.check);
    if (id >= 0) out.push(this.guard(m.i64.ge_u(this.get(i), this.get(n)), id));
    out.push(
      m.if(
        m.i32.ne(this.get(own), m.i32.wrap(this.get(l))),
        m.block(null, [
          m.local.set(l, m.call('list_copy', [this.get(l), m.i32.wrap(this.get(n))], binaryen.i64)),
          m.local.set(own, m.i32.wrap(this.get(l))),
        ]),
      ),
    );
    out.push(storeSlot(m, elemT, m.i32.add(m.i32.wrap(this.get(l)), m.i32.shl(m.i32.wrap(this.get(i)), m.i32.const(3))), 8, this.get(x)));
    return out;
  }

  /** Leaves the function with `value` (already of the cell's representation). */
  private exit(value: X): X {
    const m = this.m;
    if (this.handler) throw new Unsupported('`return` inside an effect handler', this.handler.handler.span);
    const parts: X[] = [];
    const ret = bt(reprOf(this.cell.ret));
    const r = this.newLocal(ret);
    parts.push(m.local.set(r, value));
    if (this.handleSaves.length > 0) parts.push(m.global.set('hs', this.get(this.handleSaves[0]!)));
    this.cell.params.forEach((p, i) => {
      if (p.mode === 'mutref') parts.push(m.global.set(this.gen.outGlobal(this.cell, i), this.get(i)));
    });
    parts.push(m.return(this.get(r)));
    return m.block(null, parts);
  }

  private ret(value: IrExpr, posts: readonly { check: CheckId; cond: IrExpr }[]): X {
    const m = this.m;
    if (this.handler) throw new Unsupported('`return` inside an effect handler', value.span);
    const checked = posts.filter((p) => !this.isProved(p.check));
    if (checked.length === 0) return this.exit(this.exprAs(value, this.cell.ret));
    const result = this.varLocal(this.cell.resultVar);
    return m.block(null, [
      m.local.set(result, this.exprAs(value, this.cell.ret)),
      ...this.checkPosts(posts),
      this.exit(this.get(result)),
    ]);
  }

  private checkPosts(posts: readonly { check: CheckId; cond: IrExpr }[]): X[] {
    const out: X[] = [];
    for (const p of posts) out.push(...this.specCheck(p.cond, p.check, true));
    return out;
  }

  /**
   * Same order of evaluation as the VM: the guard is tested before the first
   * measure; then per iteration: `measure >= 0`, the body, the preserved
   * invariants (where `continue` goes), the new measure, `measure < previous`,
   * the guard.
   */
  private whileLoop(s: Extract<IrStmt, { kind: 'While' }>): X[] {
    const m = this.m;
    const out: X[] = [];
    for (const inv of s.invariants) out.push(...this.specCheck(inv.cond, inv.entryCheck, false));
    let dec = s.decreases !== null && s.decreases.expr !== null && !this.isProved(s.decreases.check) ? s.decreases : null;
    if (dec && !analyzeUnknowns(dec.expr!, 0, new Map())) dec = null;
    const brk = this.label('brk');
    const cont = this.label('cont');
    const top = this.label('top');
    const loop: LoopCtx = { brk, cont, handleDepth: this.handleSaves.length };
    const cond = (): X => this.expr(s.cond, false);
    this.loops.push(loop);
    const bodyStmts = this.blockStmts(s.body);
    if (s.body.value !== null) bodyStmts.push(this.dropped(this.expr(s.body.value)));
    this.loops.pop();
    const preserved: X[] = [];
    for (const inv of s.invariants) preserved.push(...this.specCheck(inv.cond, inv.preservedCheck, false));
    if (dec) {
      const cur = this.newLocal(binaryen.i64);
      const prev = this.newLocal(binaryen.i64);
      const measure = (): X => m.local.set(cur, this.specValue(dec!.expr!)!);
      out.push(
        m.block(brk, [
          m.br(brk, m.i32.eqz(cond())),
          measure(),
          m.loop(
            top,
            m.block(null, [
              this.guard(m.i64.lt_s(this.get(cur), m.i64.const(0n)), dec.check),
              m.local.set(prev, this.get(cur)),
              m.block(cont, bodyStmts),
              ...preserved,
              measure(),
              this.guard(m.i32.eqz(m.i64.lt_s(this.get(cur), this.get(prev))), dec.check),
              m.br(top, cond()),
            ]),
          ),
        ]),
      );
    } else {
      out.push(
        m.block(brk, [
          m.loop(top, m.block(null, [m.br(brk, m.i32.eqz(cond())), m.block(cont, bodyStmts), ...preserved, m.br(top)])),
        ]),
      );
    }
    return out;
  }

  // ------------------------------------------------------------ expressions

  /** Compiles `e` and converts it to the representation of `target`. */
  private exprAs(e: IrExpr, target: Type, retain = true): X {
    return this.coerce(this.expr(e, retain), typeOf(e), target, e.span);
  }

  /**
   * Converts a value of type `from` to type `to`. Only representation-preserving
   * conversions exist (a member into its `T?`, a narrowed `T?` into T, Never
   * anywhere); `null` into `T?` is the zero of T's representation.
   */
  private coerce(x: X, from: Type, to: Type, span: Span): X {
    const m = this.m;
    if (from.kind === 'Never' || to.kind === 'Never') return x;
    if (to.kind === 'Null') {
      if (from.kind === 'Null') return x;
      return m.block(null, [this.dropped(x), m.i32.const(0)], binaryen.i32);
    }
    if (from.kind === 'Null') {
      const r = reprOf(to, span);
      if (optionalInner(to)) return m.block(null, [this.dropped(x), zero(m, r)], bt(r));
    }
    if (compatible(from, to)) return x;
    throw new Unsupported(`the conversion of a \`${typeText(from)}\` value to \`${typeText(to)}\``, span);
  }

  expr(e: IrExpr, retain = true): X {
    const m = this.m;
    switch (e.kind) {
      case 'Const':
        return this.constant(e.value, e.type, e.span);
      case 'Var': {
        const l = this.varLocal(e.v);
        const own = this.ownLocal.get(e.v.id);
        if (retain && own !== undefined) return m.block(null, [m.local.set(own, m.i32.const(0)), this.get(l)], this.localTypes[l]!);
        return this.get(l);
      }
      case 'IntOp':
        return this.intOp(e);
      case 'IntNeg': {
        const a = this.newLocal(binaryen.i64);
        const id = this.spec ? -1 : this.site(e.overflow);
        const parts: X[] = [m.local.set(a, this.exprAs(e.operand, INT_T, false))];
        const isMin = m.i64.eq(this.get(a), m.i64.const(I64_MIN));
        if (id >= 0) parts.push(this.guard(isMin, id));
        else if (this.spec) parts.push(m.if(isMin, this.specOverflow()));
        parts.push(m.i64.sub(m.i64.const(0n), this.get(a)));
        return m.block(null, parts, binaryen.i64);
      }
      case 'FloatOp': {
        const a = this.expr(e.left, false);
        const b = this.expr(e.right, false);
        switch (e.op) {
          case '+':
            return m.f64.add(a, b);
          case '-':
            return m.f64.sub(a, b);
          case '*':
            return m.f64.mul(a, b);
          case '/':
            return m.f64.div(a, b);
          case '**':
            return m.call('fpow', [a, b], binaryen.f64);
        }
        throw new Unsupported(`the Float operator \`${(e as { op: string }).op}\``, (e as { span: Span }).span);
      }
      case 'FloatNeg':
        return m.f64.neg(this.expr(e.operand, false));
      case 'Cmp':
        return this.compare(e);
      case 'Not':
        return m.i32.eqz(this.expr(e.operand, false));
      case 'And':
        return m.if(this.expr(e.left, false), this.expr(e.right, false), m.i32.const(0));
      case 'Or':
        return m.if(this.expr(e.left, false), m.i32.const(1), this.expr(e.right, false));
      case 'Implies':
        return m.if(this.expr(e.left, false), this.expr(e.right, false), m.i32.const(1));
      case 'Concat': {
        const t = typeOf(e);
        if (t.kind === 'String') return m.call('str_concat', [this.exprAs(e.left, STRING_T, false), this.exprAs(e.right, STRING_T, false)], binaryen.i64);
        if (t.kind === 'List') return m.call('list_concat', [this.exprAs(e.left, t, false), this.exprAs(e.right, t, false)], binaryen.i64);
        throw new Unsupported(`\`++\` on \`${typeText(t)}\``, e.span);
      }
      case 'Len': {
        const t = typeOf(e.operand);
        if (t.kind === 'String') return m.call('str_len', [this.expr(e.operand, false)], binaryen.i64);
        if (t.kind === 'List') return m.i64.shr_u(this.expr(e.operand, false), m.i64.const(32n));
        throw new Unsupported(`\`len\` of \`${typeText(t)}\``, e.span);
      }
      case 'Index':
        return this.index(e);
      case 'Field': {
        const t = typeOf(e.target);
        const rec = t.kind === 'Union' ? optionalInner(t) : t;
        if (!rec || rec.kind !== 'Record') throw new Unsupported(`field access on \`${typeText(t)}\``, e.span);
        const ft = fieldTypesOfRecord(rec)[e.field]!;
        return this.coerce(loadSlot(m, ft, this.expr(e.target, false), 8 * e.field), ft, e.type, e.span);
      }
      case 'TupleGet': {
        const t = typeOf(e.target);
        if (t.kind !== 'Tuple') throw new Unsupported(`\`.${e.index}\` on \`${typeText(t)}\``, e.span);
        const ft = t.elems[e.index]!;
        return this.coerce(loadSlot(m, ft, this.expr(e.target, false), 8 * e.index), ft, e.type, e.span);
      }
      case 'MakeRecord': {
        if (e.type.kind !== 'Record') throw new Unsupported(`a record value of type \`${typeText(e.type)}\``, e.span);
        return this.makeStruct(null, e.fields, fieldTypesOfRecord(e.type), e.span);
      }
      case 'MakeTuple': {
        if (e.type.kind !== 'Tuple') throw new Unsupported(`a tuple of type \`${typeText(e.type)}\``, e.span);
        return this.makeStruct(null, e.elems, [...e.type.elems], e.span);
      }
      case 'MakeVariant': {
        if (e.type.kind !== 'Enum') throw new Unsupported(`a variant of type \`${typeText(e.type)}\``, e.span);
        reprOf(e.type, e.span);
        if (e.args.length === 0) return m.i32.const(this.gen.singleton(e.enum, e.variant));
        return this.makeStruct(e.variant, e.args, fieldTypesOfVariant(e.type, e.variant), e.span);
      }
      case 'MakeResult': {
        if (e.type.kind !== 'Result') throw new Unsupported(`a result of type \`${typeText(e.type)}\``, e.span);
        return this.makeStruct(e.which === 'ok' ? 0 : 1, [e.arg], [e.which === 'ok' ? e.type.ok : e.type.err], e.span);
      }
      case 'MakeList':
        return this.makeList(e);
      case 'Interp': {
        let acc: X | null = null;
        for (const p of e.parts) {
          const s = this.toStringOf(this.expr(p, false), typeOf(p), p.span);
          acc = acc === null ? s : m.call('str_concat', [acc, s], binaryen.i64);
        }
        return acc ?? m.i64.const(this.gen.stringLit(''));
      }
      case 'Call':
        return this.call(e);
      case 'Builtin':
        return this.builtin(e);
      case 'If': {
        const t = e.type;
        if (t.kind === 'Null' || t.kind === 'Never') {
          const then = this.block(e.then, null);
          const els = this.block(e.else, null);
          const x = m.if(this.expr(e.cond, false), then, els);
          return t.kind === 'Null' ? m.block(null, [x, m.i32.const(0)], binaryen.i32) : m.block(null, [x, m.unreachable()]);
        }
        return m.if(this.expr(e.cond, false), this.block(e.then, t), this.block(e.else, t));
      }
      case 'Match':
        return this.match(e);
      case 'Block':
        return this.block(e.block, typeOf(e));
      case 'Halt': {
        const msg = e.message ? this.toStringOf(this.expr(e.message, false), typeOf(e.message), e.span) : m.i64.const(0n);
        return m.block(null, [m.call('halt', [m.i32.const(e.check), msg], binaryen.none), m.unreachable()]);
      }
      case 'NonNull': {
        const t = typeOf(e.operand);
        if (this.isProved(e.check)) return this.coerce(this.expr(e.operand), t, e.type, e.span);
        const r = reprOf(t, e.span);
        const x = this.newLocal(bt(r));
        const id = this.site(e.check);
        return m.block(
          null,
          [m.local.set(x, this.expr(e.operand)), ...(id >= 0 ? [this.guard(isZero(m, r, this.get(x)), id)] : []), this.coerce(this.get(x), t, e.type, e.span)],
          bt(reprOf(e.type, e.span)),
        );
      }
      case 'Try':
        return this.tryExpr(e);
      case 'Perform':
        return this.perform(e);
      case 'Handle':
        return this.handle(e);
      case 'Resume': {
        if (!this.handler) throw new Unsupported('`resume` outside a handler', e.span);
        const v = e.value ? this.exprAs(e.value, this.handler.op.ret) : this.coerce(m.i32.const(0), NULL_T, this.handler.op.ret, e.span);
        return m.return(v);
      }
      case 'Narrow':
      case 'Inject':
        return this.coerce(this.expr(e.operand, retain), typeOf(e.operand), e.type, e.span);
      case 'IsType': {
        const t = typeOf(e.operand);
        const x = this.expr(e.operand, false);
        if (t.kind !== 'Union' || !optionalInner(t)) throw new Unsupported(`a type test on \`${typeText(t)}\``, e.span);
        const r = reprOf(t, e.span);
        return e.type.kind === 'Null' ? isZero(m, r, x) : m.i32.eqz(isZero(m, r, x));
      }
      case 'Quant':
        return this.quant(e);
      case 'In': {
        if (e.range) {
          const x = this.newLocal(binaryen.i64);
          return m.block(
            null,
            [
              m.local.set(x, this.exprAs(e.element, INT_T, false)),
              m.if(
                m.i64.le_s(this.exprAs(e.range.lo, INT_T, false), this.get(x)),
                e.range.inclusive ? m.i64.le_s(this.get(x), this.exprAs(e.range.hi, INT_T, false)) : m.i64.lt_s(this.get(x), this.exprAs(e.range.hi, INT_T, false)),
                m.i32.const(0),
              ),
            ],
            binaryen.i32,
          );
        }
        if (e.list) return this.inList(e.element, e.list);
        throw new Unsupported('`in` without a range or list', e.span);
      }
      case 'Old': {
        const map = new Map<number, number>();
        for (const [pid, ov] of this.cell.oldVars) map.set(pid, this.varLocal(ov));
        return this.withOverrides(map, () => this.expr(e.expr, retain));
      }
      case 'Calls': {
        const snap = this.snapLocals.get(e.effect);
        if (snap === undefined) return m.i64.const(0n);
        return m.i64.sub(m.global.get(this.gen.effectCounter(e.effect), binaryen.i64), this.get(snap));
      }
      case 'StateIs':
        return m.i32.const(this.unknowns.get(e) === false ? 0 : 1);
      default:
        throw new Unsupported(`the expression \`${(e as { kind: string }).kind}\``, (e as { span?: Span }).span ?? null);
    }
  }

  private constant(c: ConstValue, type: Type, span: Span): X {
    const m = this.m;
    switch (c.kind) {
      case 'Int':
        return m.i64.const(BigInt.asIntN(64, c.value));
      case 'Float':
        return m.f64.const(c.value);
      case 'Bool':
        return m.i32.const(c.value ? 1 : 0);
      case 'String':
        return m.i64.const(this.gen.stringLit(c.value));
      case 'Null':
        return zero(m, reprOf(type, span));
    }
  }

  private specOverflow(): X {
    return this.m.block(null, [this.m.call('spec_overflow', [], binaryen.none), this.m.unreachable()]);
  }

  private intOp(e: Extract<IrExpr, { kind: 'IntOp' }>): X {
    const m = this.m;
    const a = this.newLocal(binaryen.i64);
    const b = this.newLocal(binaryen.i64);
    const r = this.newLocal(binaryen.i64);
    const A = (): X => this.get(a);
    const B = (): X => this.get(b);
    const R = (): X => this.get(r);
    const k = e.right.kind === 'Const' && e.right.value.kind === 'Int' ? e.right.value.value : null;
    const parts: X[] = [m.local.set(a, this.exprAs(e.left, INT_T, false)), m.local.set(b, this.exprAs(e.right, INT_T, false))];
    const ov = this.spec ? -1 : this.site(e.overflow);
    // In a specification, arithmetic is mathematical: leaving 64 bits stops the program.
    const onOverflow = (bad: X): X[] => (ov >= 0 ? [this.guard(bad, ov)] : this.spec ? [m.if(bad, this.specOverflow())] : []);
    const c64 = (v: bigint): X => m.i64.const(v);
    switch (e.op) {
      case '+':
      case '-': {
        const add = e.op === '+';
        parts.push(m.local.set(r, add ? m.i64.add(A(), B()) : m.i64.sub(A(), B())));
        if (ov >= 0 || this.spec) {
          let bad: X;
          if (k !== null && k !== 0n && k > I64_MIN && k <= I64_MAX) {
            const up = add ? k > 0n : k < 0n;
            const kk = k < 0n ? -k : k;
            bad = up ? m.i64.gt_s(A(), c64(I64_MAX - kk)) : m.i64.lt_s(A(), c64(I64_MIN + kk));
          } else if (add) bad = m.i64.lt_s(m.i64.and(m.i64.xor(A(), R()), m.i64.xor(B(), R())), c64(0n));
          else bad = m.i64.lt_s(m.i64.and(m.i64.xor(A(), B()), m.i64.xor(A(), R())), c64(0n));
          parts.push(...onOverflow(bad));
        }
        parts.push(R());
        break;
      }
      case '*': {
        parts.push(m.local.set(r, m.i64.mul(A(), B())));
        if (ov >= 0 || this.spec) {
          // Fast path: both operands in the 32-bit range cannot overflow.
          const small = m.i64.eqz(m.i64.shr_u(m.i64.or(m.i64.add(A(), c64(0x80000000n)), m.i64.add(B(), c64(0x80000000n))), c64(32n)));
          parts.push(...onOverflow(m.if(small, m.i32.const(0), m.call('mul_ovf', [A(), B()], binaryen.i32))));
        }
        parts.push(R());
        break;
      }
      case '**': {
        parts.push(m.local.set(r, m.call('pow', [A(), B()], binaryen.i64)));
        const flag = m.global.get('flag', binaryen.i32);
        if (ov >= 0) parts.push(this.guard(flag, ov));
        else if (this.spec) {
          parts.push(m.if(m.i32.eq(flag, m.i32.const(2)), this.internal(INTERNAL.specNegativeExponent)));
          parts.push(m.if(m.global.get('flag', binaryen.i32), this.specOverflow()));
        } else parts.push(m.if(flag, this.internal(INTERNAL.uncheckedInt)));
        parts.push(R());
        break;
      }
      case '/':
      case '//':
      case '%': {
        const dz = this.site(e.divZero);
        if (dz >= 0) parts.push(this.guard(m.i64.eqz(B()), dz));
        if (e.op !== '%') {
          const minByMinusOne = m.i32.and(m.i64.eq(A(), c64(I64_MIN)), m.i64.eq(B(), c64(-1n)));
          if (ov >= 0) parts.push(this.guard(minByMinusOne, ov));
          else if (this.spec) parts.push(m.if(minByMinusOne, this.specOverflow()));
        }
        if (dz < 0) parts.push(m.if(m.i64.eqz(B()), this.internal(INTERNAL.uncheckedInt)));
        if (e.op === '/') parts.push(m.i64.div_s(A(), B()));
        else if (e.op === '//') parts.push(m.call('floordiv', [A(), B()], binaryen.i64));
        else parts.push(m.i64.rem_s(A(), B()));
        break;
      }
    }
    return m.block(null, parts, binaryen.i64);
  }

  private compare(e: Extract<IrExpr, { kind: 'Cmp' }>): X {
    const m = this.m;
    const t = e.operand;
    const a = this.exprAs(e.left, t, false);
    const b = this.exprAs(e.right, t, false);
    const ordered = (i: (x: X, y: X) => X): X => i(a, b);
    switch (t.kind) {
      case 'Int':
        return ordered({ '==': m.i64.eq, '!=': m.i64.ne, '<': m.i64.lt_s, '<=': m.i64.le_s, '>': m.i64.gt_s, '>=': m.i64.ge_s }[e.op]);
      case 'Float':
        return ordered({ '==': m.f64.eq, '!=': m.f64.ne, '<': m.f64.lt, '<=': m.f64.le, '>': m.f64.gt, '>=': m.f64.ge }[e.op]);
      case 'Bool':
        return ordered({ '==': m.i32.eq, '!=': m.i32.ne, '<': m.i32.lt_u, '<=': m.i32.le_u, '>': m.i32.gt_u, '>=': m.i32.ge_u }[e.op]);
      case 'String': {
        if (e.op === '==') return m.call('str_eq', [a, b], binaryen.i32);
        if (e.op === '!=') return m.i32.eqz(m.call('str_eq', [a, b], binaryen.i32));
        const c = m.call('str_cmp', [a, b], binaryen.i32);
        const z = m.i32.const(0);
        return { '<': m.i32.lt_s, '<=': m.i32.le_s, '>': m.i32.gt_s, '>=': m.i32.ge_s }[e.op](c, z);
      }
      default: {
        if (e.op === '==') return this.gen.equals(t, a, b);
        if (e.op === '!=') return m.i32.eqz(this.gen.equals(t, a, b));
        throw new Unsupported(`\`${e.op}\` on \`${typeText(t)}\``, e.span);
      }
    }
  }

  private index(e: Extract<IrExpr, { kind: 'Index' }>): X {
    const m = this.m;
    const t = typeOf(e.target);
    const xs = this.newLocal(binaryen.i64);
    const i = this.newLocal(binaryen.i64);
    const n = this.newLocal(binaryen.i64);
    const id = this.site(e.check);
    const parts: X[] = [m.local.set(xs, this.expr(e.target, false)), m.local.set(i, this.exprAs(e.index, INT_T, false))];
    if (t.kind === 'String') {
      parts.push(m.local.set(n, m.call('str_len', [this.get(xs)], binaryen.i64)));
    } else if (t.kind === 'List') {
      parts.push(m.local.set(n, m.i64.shr_u(this.get(xs), m.i64.const(32n))));
    } else throw new Unsupported(`indexing a \`${typeText(t)}\``, e.span);
    if (!this.knownNonNegative(e.index)) parts.push(m.if(m.i64.lt_s(this.get(i), m.i64.const(0n)), m.local.set(i, m.i64.add(this.get(i), this.get(n)))));
    if (id >= 0) parts.push(this.guard(m.i64.ge_u(this.get(i), this.get(n)), id));
    if (t.kind === 'String') {
      parts.push(m.call('str_at', [this.get(xs), this.get(i)], binaryen.i64));
      return m.block(null, parts, binaryen.i64);
    }
    const elemT = (t as Extract<Type, { kind: 'List' }>).elem;
    parts.push(this.coerce(loadSlot(m, elemT, m.i32.add(m.i32.wrap(this.get(xs)), m.i32.shl(m.i32.wrap(this.get(i)), m.i32.const(3))), 8), elemT, e.type, e.span));
    return m.block(null, parts, bt(reprOf(e.type, e.span)));
  }

  /** A record/tuple (tag null) or a variant/result (with tag) from field expressions. */
  private makeStruct(tag: number | null, fields: readonly IrExpr[], types: readonly Type[], span: Span): X {
    const m = this.m;
    const base = tag === null ? 0 : 8;
    const temps = fields.map((f, i) => {
      const ft = types[i]!;
      const l = this.newLocal(bt(reprOf(ft, span)));
      return { l, set: m.local.set(l, this.exprAs(f, ft)), ft };
    });
    const p = this.newLocal(binaryen.i32);
    const parts: X[] = [...temps.map((t) => t.set), m.local.set(p, m.call('alloc', [m.i32.const(base + 8 * fields.length)], binaryen.i32))];
    if (tag !== null) parts.push(m.i32.store(0, 4, this.get(p), m.i32.const(tag)));
    temps.forEach((t, i) => parts.push(storeSlot(m, t.ft, this.get(p), base + 8 * i, this.get(t.l))));
    parts.push(this.get(p));
    return m.block(null, parts, binaryen.i32);
  }

  private makeList(e: Extract<IrExpr, { kind: 'MakeList' }>): X {
    const m = this.m;
    if (e.type.kind !== 'List') throw new Unsupported(`a list of type \`${typeText(e.type)}\``, e.span);
    const elemT = e.type.elem;
    if (e.elems.length === 0) return m.i64.const(BigInt(EMPTY_LIST_ADDR));
    const temps = e.elems.map((x) => {
      const l = this.newLocal(bt(reprOf(elemT, e.span)));
      return { l, set: m.local.set(l, this.exprAs(x, elemT)) };
    });
    const p = this.newLocal(binaryen.i32);
    const parts: X[] = [...temps.map((t) => t.set), m.local.set(p, m.call('list_buf', [m.i32.const(e.elems.length)], binaryen.i32))];
    temps.forEach((t, i) => parts.push(storeSlot(m, elemT, this.get(p), 8 + 8 * i, this.get(t.l))));
    parts.push(m.i64.or(m.i64.extend_u(this.get(p)), m.i64.const((BigInt(e.elems.length) << 32n))));
    return m.block(null, parts, binaryen.i64);
  }

  /** `x in xs` on a list (structural equality). */
  private inList(element: IrExpr, list: IrExpr): X {
    const m = this.m;
    const lt = typeOf(list);
    if (lt.kind !== 'List') throw new Unsupported(`\`in\` on \`${typeText(lt)}\``, list.span);
    const elemT = lt.elem;
    const x = this.newLocal(bt(reprOf(elemT, list.span)));
    const xs = this.newLocal(binaryen.i64);
    const i = this.newLocal(binaryen.i32);
    const n = this.newLocal(binaryen.i32);
    const found = this.newLocal(binaryen.i32);
    const done = this.label('indone');
    const next = this.label('innext');
    return m.block(
      null,
      [
        m.local.set(x, this.exprAs(element, elemT, false)),
        m.local.set(xs, this.expr(list, false)),
        m.local.set(n, m.i32.wrap(m.i64.shr_u(this.get(xs), m.i64.const(32n)))),
        m.local.set(i, m.i32.const(0)),
        m.local.set(found, m.i32.const(0)),
        m.block(done, [
          m.loop(
            next,
            m.block(null, [
              m.br(done, m.i32.ge_u(this.get(i), this.get(n))),
              m.if(
                this.gen.equals(elemT, loadSlot(m, elemT, m.i32.add(m.i32.wrap(this.get(xs)), m.i32.shl(this.get(i), m.i32.const(3))), 8), this.get(x)),
                m.block(null, [m.local.set(found, m.i32.const(1)), m.br(done)]),
              ),
              m.local.set(i, m.i32.add(this.get(i), m.i32.const(1))),
              m.br(next),
            ]),
          ),
        ]),
        this.get(found),
      ],
      binaryen.i32,
    );
  }

  /** `to_string` / interpolation: the text of a value (a String as is). */
  private toStringOf(x: X, t: Type, span: Span): X {
    const m = this.m;
    switch (t.kind) {
      case 'String':
        return x;
      case 'Int':
        return m.call('itoa', [x], binaryen.i64);
      case 'Bool':
        return m.select(x, m.i64.const(this.gen.stringLit('true')), m.i64.const(this.gen.stringLit('false')));
      case 'Null':
        return m.block(null, [this.dropped(x), m.i64.const(this.gen.stringLit('null'))], binaryen.i64);
      case 'Float':
        return m.call('fmt_f64', [x], binaryen.i64);
      case 'Never':
        return m.block(null, [this.dropped(x), m.unreachable()]);
      default: {
        const r = reprOf(t, span);
        const id = this.gen.types.id(t, span);
        return r === 'i64' ? m.call('fmt_i64', [x, m.i32.const(id)], binaryen.i64) : m.call('fmt_i32', [x, m.i32.const(id)], binaryen.i64);
      }
    }
  }

  private call(e: Extract<IrExpr, { kind: 'Call' }>): X {
    const m = this.m;
    const callee = this.gen.ir.cells.get(e.cell);
    if (!callee) throw new Error(`internal: call of unknown cell ${e.cell}`);
    if ([...callee.params.map((p) => p.v.type), callee.ret].some(hasTypeParam)) throw new Unsupported(`generic cells (a call of \`${e.cell}\`)`, e.span);
    this.gen.requireCell(e.cell);
    const sig = this.gen.signature(callee);
    const parts: X[] = [];
    const argLocals = e.args.map((a, i) => {
      const pt = callee.params[i]?.v.type ?? typeOf(a);
      const l = this.newLocal(bt(reprOf(pt, a.span)));
      parts.push(m.local.set(l, this.exprAs(a, pt)));
      return l;
    });
    const argMap = new Map<number, number>();
    callee.params.forEach((p, i) => argMap.set(p.v.id, argLocals[i]!));
    this.withOverrides(argMap, () => {
      for (const pre of e.pre) parts.push(...this.specCheck(pre.cond, pre.check, true));
      if (e.termination !== null && !this.isProved(e.termination) && callee.decreases) {
        const mv = this.specValue(callee.decreases);
        if (mv !== null) {
          const ml = this.newLocal(binaryen.i64);
          parts.push(m.local.set(ml, mv));
          let ok = m.i64.le_s(m.i64.const(0n), this.get(ml));
          if (this.measureLocal >= 0) ok = m.if(ok, m.i64.lt_s(this.get(ml), this.get(this.measureLocal)), m.i32.const(0));
          parts.push(this.guard(m.i32.eqz(ok), e.termination));
        }
      }
    });
    const result = this.newLocal(sig.results);
    parts.push(m.local.set(result, m.call(this.gen.cellFunc(e.cell), argLocals.map((l) => this.get(l)), sig.results)));
    for (const mr of e.mutRefs) {
      const pt = callee.params[mr.arg]!.v.type;
      parts.push(m.local.set(this.varLocal(mr.v), this.coerce(m.global.get(this.gen.outGlobal(callee, mr.arg), bt(reprOf(pt))), pt, mr.v.type, e.span)));
    }
    for (const b of e.budgets) {
      const snap = this.snapLocals.get(b.effect);
      const max = this.budgetOf(b.effect);
      if (snap === undefined || max === null || this.isProved(b.check)) continue;
      const used = m.i64.sub(m.global.get(this.gen.effectCounter(b.effect), binaryen.i64), this.get(snap));
      parts.push(this.guard(m.i64.gt_s(used, m.i64.const(BigInt(max))), b.check));
    }
    parts.push(this.coerce(this.get(result), callee.ret, e.type, e.span));
    return m.block(null, parts, bt(reprOf(e.type, e.span)));
  }

  private budgetOf(effect: string): number | null {
    const row = this.cell.effects.find((x) => x.effect === effect);
    if (!row || row.maxCalls === null) return null;
    return row.maxCalls > 0x7fffffffn ? 0x7fffffff : Number(row.maxCalls);
  }

  private builtin(e: Extract<IrExpr, { kind: 'Builtin' }>): X {
    const m = this.m;
    const arg0 = e.args[0];
    const t0 = arg0 ? typeOf(arg0) : NULL_T;
    switch (e.name) {
      case 'print': {
        const x = this.expr(arg0!, false);
        const r = reprOf(t0, e.span);
        const id = this.gen.types.id(t0, e.span);
        let call: X;
        if (t0.kind === 'Float') call = m.call('print_f64', [x], binaryen.none);
        else if (r === 'i64') call = m.call('print_i64', [x, m.i32.const(id)], binaryen.none);
        else if (r === 'i32') call = m.call('print_i32', [x, m.i32.const(id)], binaryen.none);
        else call = m.call('print_f64', [x], binaryen.none);
        return m.block(null, [call, m.i32.const(0)], binaryen.i32);
      }
      case 'to_string':
        return this.toStringOf(this.expr(arg0!, false), t0, e.span);
      case 'abs': {
        if (t0.kind === 'Float') return m.f64.abs(this.expr(arg0!, false));
        const a = this.newLocal(binaryen.i64);
        const id = this.spec ? -1 : this.site(e.check);
        const isMin = m.i64.eq(this.get(a), m.i64.const(I64_MIN));
        return m.block(
          null,
          [
            m.local.set(a, this.exprAs(arg0!, INT_T, false)),
            ...(id >= 0 ? [this.guard(isMin, id)] : this.spec ? [m.if(isMin, this.specOverflow())] : []),
            m.select(m.i64.lt_s(this.get(a), m.i64.const(0n)), m.i64.sub(m.i64.const(0n), this.get(a)), this.get(a)),
          ],
          binaryen.i64,
        );
      }
      case 'min':
      case 'max': {
        const t = e.type;
        const r = bt(reprOf(t, e.span));
        const a = this.newLocal(r);
        const b = this.newLocal(r);
        const parts = [m.local.set(a, this.exprAs(e.args[0]!, t)), m.local.set(b, this.exprAs(e.args[1]!, t))];
        const min = e.name === 'min';
        let better: X;
        // The VM keeps `a` unless `b` is strictly better (so NaN keeps `a`).
        if (t.kind === 'Int') better = min ? m.i64.lt_s(this.get(b), this.get(a)) : m.i64.gt_s(this.get(b), this.get(a));
        else if (t.kind === 'Float') better = min ? m.f64.lt(this.get(b), this.get(a)) : m.f64.gt(this.get(b), this.get(a));
        else if (t.kind === 'String') {
          const c = m.call('str_cmp', [this.get(b), this.get(a)], binaryen.i32);
          better = min ? m.i32.lt_s(c, m.i32.const(0)) : m.i32.gt_s(c, m.i32.const(0));
        } else throw new Unsupported(`\`${e.name}\` on \`${typeText(t)}\``, e.span);
        return m.block(null, [...parts, m.select(better, this.get(b), this.get(a))], r);
      }
      case 'to_float':
        if (t0.kind !== 'Int') return this.expr(arg0!);
        return m.f64.convert_s.i64(this.expr(arg0!, false));
      case 'to_int': {
        if (t0.kind === 'Int') return this.expr(arg0!);
        const f = this.newLocal(binaryen.f64);
        const id = this.site(e.check);
        const inRange = m.i32.and(m.f64.ge(this.get(f), m.f64.const(-(2 ** 63))), m.f64.lt(this.get(f), m.f64.const(2 ** 63)));
        return m.block(
          null,
          [
            m.local.set(f, this.expr(arg0!, false)),
            ...(id >= 0 ? [this.guard(m.i32.eqz(inRange), id)] : [m.if(m.i32.eqz(inRange), this.internal(INTERNAL.uncheckedInt))]),
            m.i64.trunc_s.f64(this.get(f)),
          ],
          binaryen.i64,
        );
      }
      case 'push': {
        const lt = e.type;
        if (lt.kind !== 'List') throw new Unsupported(`\`push\` returning \`${typeText(lt)}\``, e.span);
        const xs = this.newLocal(binaryen.i64);
        const x = this.newLocal(bt(reprOf(lt.elem, e.span)));
        return m.block(
          null,
          [
            m.local.set(xs, this.exprAs(e.args[0]!, lt)),
            m.local.set(x, this.exprAs(e.args[1]!, lt.elem)),
            m.local.set(xs, m.call('list_reserve', [this.get(xs), m.i32.const(0), m.i32.const(1)], binaryen.i64)),
            storeSlot(m, lt.elem, m.i32.add(m.i32.wrap(this.get(xs)), m.i32.shl(m.call('list_len', [this.get(xs)], binaryen.i32), m.i32.const(3))), 8, this.get(x)),
            m.i64.add(this.get(xs), m.i64.const((1n << 32n))),
          ],
          binaryen.i64,
        );
      }
      case 'range':
        return m.call('range', [this.exprAs(e.args[0]!, INT_T, false), this.exprAs(e.args[1]!, INT_T, false)], binaryen.i64);
      default:
        throw new Unsupported(`the built-in \`${(e as { name: string }).name}\``, e.span);
    }
  }

  private tryExpr(e: Extract<IrExpr, { kind: 'Try' }>): X {
    const m = this.m;
    if (this.handler) throw new Unsupported('`?` inside an effect handler', e.span);
    const t = typeOf(e.operand);
    if (t.kind !== 'Result') throw new Unsupported(`\`?\` on \`${typeText(t)}\``, e.span);
    const r = this.newLocal(binaryen.i32);
    const result = this.varLocal(this.cell.resultVar);
    return m.block(
      null,
      [
        m.local.set(r, this.expr(e.operand)),
        m.if(
          m.i32.eq(m.i32.load(0, 4, this.get(r)), m.i32.const(1)),
          m.block(null, [m.local.set(result, this.get(r)), ...this.checkPosts(e.posts), this.exit(this.get(result))]),
        ),
        this.coerce(loadSlot(m, t.ok, this.get(r), 8), t.ok, e.type, e.span),
      ],
      bt(reprOf(e.type, e.span)),
    );
  }

  private perform(e: Extract<IrExpr, { kind: 'Perform' }>): X {
    const m = this.m;
    const k = this.gen.effectOp(e.effect, e.op);
    const op = this.gen.effectOps[k]!;
    const parts: X[] = [];
    const argLocals = e.args.map((a, i) => {
      const pt = op.params[i] ?? typeOf(a);
      const l = this.newLocal(bt(reprOf(pt, a.span)));
      parts.push(m.local.set(l, this.exprAs(a, pt)));
      return l;
    });
    const counter = this.gen.effectCounter(e.effect);
    const snap = this.snapLocals.get(e.effect);
    const max = this.budgetOf(e.effect);
    if (e.budget !== null && !this.isProved(e.budget) && snap !== undefined && max !== null) {
      const used = m.i64.sub(m.global.get(counter, binaryen.i64), this.get(snap));
      parts.push(this.guard(m.i64.gt_s(m.i64.add(used, m.i64.const(1n)), m.i64.const(BigInt(max))), e.budget));
    }
    parts.push(m.global.set(counter, m.i64.add(m.global.get(counter, binaryen.i64), m.i64.const(1n))));
    const ret = bt(reprOf(op.ret, e.span));
    parts.push(this.coerce(m.call(this.gen.performFunc(k), argLocals.map((l) => this.get(l)), ret), op.ret, e.type, e.span));
    return m.block(null, parts, bt(reprOf(e.type, e.span)));
  }

  private handle(e: Extract<IrExpr, { kind: 'Handle' }>): X {
    const m = this.m;
    const id = this.gen.addHandle(e.handlers, this.cell);
    const rec = this.newLocal(binaryen.i32);
    const saved = this.newLocal(binaryen.i32);
    const parts: X[] = [
      m.local.set(rec, m.call('alloc', [m.i32.const(8)], binaryen.i32)),
      m.i32.store(0, 4, this.get(rec), m.global.get('hs', binaryen.i32)),
      m.i32.store(4, 4, this.get(rec), m.i32.const(id)),
      m.local.set(saved, m.global.get('hs', binaryen.i32)),
      m.global.set('hs', this.get(rec)),
    ];
    this.handleSaves.push(saved);
    const t = e.type;
    const r = bt(reprOf(t, e.span));
    const value = this.newLocal(r);
    parts.push(m.local.set(value, this.block(e.body, t)));
    this.handleSaves.pop();
    parts.push(m.global.set('hs', this.get(saved)));
    parts.push(this.get(value));
    return m.block(null, parts, r);
  }

  private quant(e: Extract<IrExpr, { kind: 'Quant' }>): X {
    const m = this.m;
    if (e.domain.kind === 'type') return m.i32.const(this.unknowns.get(e) === false ? 0 : 1);
    const forall = e.quantifier === 'forall';
    const domain = e.domain;
    const v = this.newLocal(bt(reprOf(e.v.type, e.span)));
    const result = this.newLocal(binaryen.i32);
    const done = this.label('qdone');
    const next = this.label('qnext');
    const map = new Map<number, number>([[e.v.id, v]]);
    return this.withOverrides(map, () => {
      const parts: X[] = [m.local.set(result, m.i32.const(forall ? 1 : 0))];
      let exit: X;
      let bind: X[] = [];
      let step: X;
      if (domain.kind === 'range') {
        const hi = this.newLocal(binaryen.i64);
        parts.push(m.local.set(v, this.exprAs(domain.lo, INT_T, false)));
        parts.push(m.local.set(hi, this.exprAs(domain.hi, INT_T, false)));
        exit = domain.inclusive ? m.i64.gt_s(this.get(v), this.get(hi)) : m.i64.ge_s(this.get(v), this.get(hi));
        // An inclusive range up to the largest Int must not wrap around.
        step = m.block(null, [
          ...(domain.inclusive ? [m.br(done, m.i64.eq(this.get(v), m.i64.const(I64_MAX)))] : []),
          m.local.set(v, m.i64.add(this.get(v), m.i64.const(1n))),
        ]);
      } else if (domain.kind === 'list') {
        const lt = typeOf(domain.list);
        if (lt.kind !== 'List') throw new Unsupported(`a quantifier over \`${typeText(lt)}\``, e.span);
        const xs = this.newLocal(binaryen.i64);
        const i = this.newLocal(binaryen.i32);
        parts.push(m.local.set(xs, this.expr(domain.list, false)));
        parts.push(m.local.set(i, m.i32.const(0)));
        exit = m.i32.ge_u(this.get(i), m.i32.wrap(m.i64.shr_u(this.get(xs), m.i64.const(32n))));
        bind = [m.local.set(v, loadSlot(m, lt.elem, m.i32.add(m.i32.wrap(this.get(xs)), m.i32.shl(this.get(i), m.i32.const(3))), 8))];
        step = m.local.set(i, m.i32.add(this.get(i), m.i32.const(1)));
      } else throw new Unsupported('an unbounded quantifier', e.span);
      const body = this.expr(e.body, false);
      const decided = forall ? m.i32.eqz(body) : body;
      parts.push(
        m.block(done, [
          m.loop(
            next,
            m.block(null, [
              m.br(done, exit),
              ...bind,
              m.if(decided, m.block(null, [m.local.set(result, m.i32.const(forall ? 0 : 1)), m.br(done)])),
              step,
              m.br(next),
            ]),
          ),
        ]),
      );
      parts.push(this.get(result));
      return m.block(null, parts, binaryen.i32);
    });
  }

  // ------------------------------------------------------------ match

  private match(e: Extract<IrExpr, { kind: 'Match' }>): X {
    const m = this.m;
    const st = typeOf(e.scrutinee);
    const s = this.newLocal(bt(reprOf(st, e.span)));
    const t = e.type;
    const asStmt = t.kind === 'Null' || t.kind === 'Never';
    const end = this.label('mend');
    const arms: X[] = [];
    for (const arm of e.arms) {
      const fail = this.label('marm');
      const tests: X[] = [];
      this.pattern(arm.pattern, this.get(s), st, fail, tests);
      if (arm.guard) tests.push(m.br(fail, m.i32.eqz(this.expr(arm.guard, false))));
      const body = asStmt ? this.block(arm.body, null) : this.block(arm.body, t);
      arms.push(m.block(fail, [...tests, asStmt ? m.block(null, [body, m.br(end)]) : m.br(end, undefined, body)]));
    }
    const id = e.check !== null && !this.isProved(e.check) ? this.site(e.check) : -1;
    const noArm = id >= 0 ? this.fail(id) : this.internal(INTERNAL.matchUnreachable);
    if (asStmt) {
      const x = m.block(end, [m.local.set(s, this.expr(e.scrutinee)), ...arms, noArm]);
      return t.kind === 'Null' ? m.block(null, [x, m.i32.const(0)], binaryen.i32) : m.block(null, [x, m.unreachable()]);
    }
    return m.block(end, [m.local.set(s, this.expr(e.scrutinee)), ...arms, noArm], bt(reprOf(t, e.span)));
  }

  /** Tests `value` (of type t) against a pattern; branches to `fail` when it does not match; binds variables. */
  private pattern(p: IrPattern, value: X, t: Type, fail: string, out: X[]): void {
    const m = this.m;
    const inner = t.kind === 'Union' ? optionalInner(t) : null;
    if (inner && p.kind !== 'Wild' && p.kind !== 'Bind' && p.kind !== 'Type' && !(p.kind === 'Lit' && p.value.kind === 'Null')) {
      // A structural pattern on `T?`: null does not match.
      const l = this.newLocal(bt(reprOf(t)));
      out.push(m.local.set(l, value));
      out.push(m.br(fail, isZero(m, reprOf(t), this.get(l))));
      return this.pattern(p, this.get(l), inner, fail, out);
    }
    switch (p.kind) {
      case 'Wild':
        return;
      case 'Bind':
        out.push(m.local.set(this.varLocal(p.v), this.coerce(value, t, p.v.type, this.cell.span)));
        return;
      case 'Lit': {
        const c = p.value;
        let eq: X;
        if (c.kind === 'Null') eq = isZero(m, reprOf(t), value);
        else if (c.kind === 'Int') eq = m.i64.eq(value, m.i64.const(BigInt.asIntN(64, c.value)));
        else if (c.kind === 'Float') eq = m.f64.eq(value, m.f64.const(c.value));
        else if (c.kind === 'Bool') eq = m.i32.eq(value, m.i32.const(c.value ? 1 : 0));
        else eq = m.call('str_eq', [value, m.i64.const(this.gen.stringLit(c.value))], binaryen.i32);
        out.push(m.br(fail, m.i32.eqz(eq)));
        return;
      }
      case 'Range': {
        const l = this.newLocal(binaryen.i64);
        out.push(m.local.set(l, value));
        out.push(m.br(fail, m.i64.lt_s(this.get(l), m.i64.const(BigInt.asIntN(64, p.lo)))));
        const hi = m.i64.const(BigInt.asIntN(64, p.hi));
        out.push(m.br(fail, p.inclusive ? m.i64.gt_s(this.get(l), hi) : m.i64.ge_s(this.get(l), hi)));
        return;
      }
      case 'Variant': {
        if (t.kind !== 'Enum') throw new Unsupported(`a variant pattern on \`${typeText(t)}\``, this.cell.span);
        const l = this.newLocal(binaryen.i32);
        out.push(m.local.set(l, value));
        out.push(m.br(fail, m.i32.ne(m.i32.load(0, 4, this.get(l)), m.i32.const(p.variant))));
        const fts = fieldTypesOfVariant(t, p.variant);
        p.args.forEach((sub, i) => {
          if (sub.kind === 'Wild') return;
          this.pattern(sub, loadSlot(m, fts[i]!, this.get(l), 8 + 8 * i), fts[i]!, fail, out);
        });
        return;
      }
      case 'Record':
      case 'Tuple': {
        const fts = t.kind === 'Record' ? fieldTypesOfRecord(t) : t.kind === 'Tuple' ? [...t.elems] : null;
        if (!fts) throw new Unsupported(`a ${p.kind.toLowerCase()} pattern on \`${typeText(t)}\``, this.cell.span);
        const subs = p.kind === 'Record' ? p.fields : p.elems;
        const l = this.newLocal(binaryen.i32);
        out.push(m.local.set(l, value));
        subs.forEach((sub, i) => {
          if (sub.kind === 'Wild') return;
          this.pattern(sub, loadSlot(m, fts[i]!, this.get(l), 8 * i), fts[i]!, fail, out);
        });
        return;
      }
      case 'Result': {
        if (t.kind !== 'Result') throw new Unsupported(`an ok/err pattern on \`${typeText(t)}\``, this.cell.span);
        const l = this.newLocal(binaryen.i32);
        out.push(m.local.set(l, value));
        out.push(m.br(fail, m.i32.ne(m.i32.load(0, 4, this.get(l)), m.i32.const(p.which === 'ok' ? 0 : 1))));
        const ft = p.which === 'ok' ? t.ok : t.err;
        if (p.arg.kind !== 'Wild') this.pattern(p.arg, loadSlot(m, ft, this.get(l), 8), ft, fail, out);
        return;
      }
      case 'Type': {
        if (!inner) throw new Unsupported(`a type pattern on \`${typeText(t)}\``, this.cell.span);
        const r = reprOf(t);
        const l = this.newLocal(bt(r));
        out.push(m.local.set(l, value));
        out.push(m.br(fail, p.type.kind === 'Null' ? m.i32.eqz(isZero(m, r, this.get(l))) : isZero(m, r, this.get(l))));
        out.push(m.local.set(this.varLocal(p.v), this.coerce(this.get(l), t, p.v.type, this.cell.span)));
        return;
      }
      default:
        throw new Unsupported(`the pattern \`${(p as { kind: string }).kind}\``, this.cell.span);
    }
  }
}

// ---------------------------------------------------------------- handlers

/**
 * A handler compiles to a function when every path of its body ends in
 * `resume` (so `resume(v)` is the function's return) and it uses no variable
 * of the enclosing cell. Aborting handlers (a path without `resume`) would
 * need to unwind the handled computation: not supported yet.
 */
function checkHandler(h: IrHandler, isProved: (id: CheckId) => boolean): void {
  if (!diverges(h.body)) throw new Unsupported(`an effect handler for \`${h.effect}.${h.op}\` that does not always \`resume\``, h.span);
  // On the VM a handler body runs in the frame of the cell that installed it,
  // with that cell's effect snapshots and entry measure: not compiled yet.
  walkBlock(h.body, {
    onExpr: (e) => {
      const frameState =
        e.kind === 'Calls' ||
        (e.kind === 'Perform' && e.budget !== null && !isProved(e.budget)) ||
        (e.kind === 'Call' && (e.budgets.some((b) => !isProved(b.check)) || (e.termination !== null && !isProved(e.termination))));
      if (frameState) throw new Unsupported('an effect handler whose body is subject to the effect budget or termination measure of the enclosing cell', h.span);
    },
  });
  const bound = new Set<number>(h.params.map((p) => p.id));
  const used: IrVar[] = [];
  walkBlock(h.body, { onBinder: (v) => bound.add(v.id), onVarRef: (v) => used.push(v) });
  const free = used.find((v) => !bound.has(v.id));
  if (free) throw new Unsupported(`an effect handler that uses \`${free.name}\` of the enclosing cell`, h.span);
}

/** Whether every path through the block ends in `resume`, `halt` or a trap. */
function diverges(b: IrBlock): boolean {
  if (b.value === null) return false;
  return exprDiverges(b.value);
}

function exprDiverges(e: IrExpr): boolean {
  switch (e.kind) {
    case 'Resume':
    case 'Halt':
      return true;
    case 'If':
      return diverges(e.then) && diverges(e.else);
    case 'Match':
      return e.arms.every((a) => diverges(a.body));
    case 'Block':
      return diverges(e.block);
    default:
      return false;
  }
}

// ---------------------------------------------------------------- helpers

function hasTypeParam(t: Type): boolean {
  switch (t.kind) {
    case 'TypeParam':
      return true;
    case 'List':
      return hasTypeParam(t.elem);
    case 'Map':
      return hasTypeParam(t.key) || hasTypeParam(t.value);
    case 'Tuple':
      return t.elems.some(hasTypeParam);
    case 'Record':
    case 'Enum':
      return t.args.some(hasTypeParam);
    case 'Result':
      return hasTypeParam(t.ok) || hasTypeParam(t.err);
    case 'Union':
      return t.members.some(hasTypeParam);
    default:
      return false;
  }
}

/** Whether an expression reads or writes the variable. */
function mentions(e: IrExpr, v: IrVar): boolean {
  let found = false;
  walkExpr(e, { onVar: (x) => (found ||= x.id === v.id), preconditions: true });
  return found;
}

function mentionsStmt(s: IrStmt, v: IrVar): boolean {
  let found = false;
  walkBlock({ stmts: [s], value: null, span: (s as { span: Span }).span }, { onVar: (x) => (found ||= x.id === v.id), preconditions: true });
  return found;
}

function bt(r: Repr): BT {
  return r === 'i64' ? binaryen.i64 : r === 'f64' ? binaryen.f64 : binaryen.i32;
}

function zero(m: binaryen.Module, r: Repr): X {
  return r === 'i64' ? m.i64.const(0n) : r === 'f64' ? m.f64.const(0) : m.i32.const(0);
}

function isZero(m: binaryen.Module, r: Repr, x: X): X {
  return r === 'i64' ? m.i64.eqz(x) : m.i32.eqz(x);
}

/** Loads an 8-byte slot holding a value of type t. */
function loadSlot(m: binaryen.Module, t: Type, base: X, offset: number): X {
  const r = reprOf(t);
  if (r === 'i64') return m.i64.load(offset, 8, base);
  if (r === 'f64') return m.f64.load(offset, 8, base);
  return m.i32.load(offset, 4, base);
}

function storeSlot(m: binaryen.Module, t: Type, base: X, offset: number, value: X): X {
  const r = reprOf(t);
  if (r === 'i64') return m.i64.store(offset, 8, base, value);
  if (r === 'f64') return m.f64.store(offset, 8, base, value);
  return m.i32.store(offset, 4, base, value);
}

/** Whether a value of `from` can be used as a `to` without any conversion. */
function compatible(from: Type, to: Type): boolean {
  if (from.kind === 'Never' || to.kind === 'Never') return true;
  const fi = from.kind === 'Union' ? optionalInner(from) : null;
  const ti = to.kind === 'Union' ? optionalInner(to) : null;
  if (fi && ti) return compatible(fi, ti);
  if (ti) return from.kind !== 'Null' && compatible(from, ti);
  if (fi) return compatible(fi, to);
  if (from.kind !== to.kind) return false;
  switch (from.kind) {
    case 'List':
      return compatibleElem(from.elem, (to as typeof from).elem);
    case 'Tuple': {
      const t = to as typeof from;
      return from.elems.length === t.elems.length && from.elems.every((e, i) => compatibleElem(e, t.elems[i]!));
    }
    case 'Result': {
      const t = to as typeof from;
      return compatibleElem(from.ok, t.ok) && compatibleElem(from.err, t.err);
    }
    case 'Record':
    case 'Enum': {
      const t = to as typeof from;
      return from.info.qualifiedName === t.info.qualifiedName && from.args.length === t.args.length && from.args.every((a, i) => compatibleElem(a, t.args[i]!));
    }
    case 'Union':
      return typeKey(from) === typeKey(to);
    case 'TypeParam':
      return false;
    default:
      return true;
  }
}

/** Components stored in slots must agree exactly (no conversion can run inside a stored value). */
function compatibleElem(from: Type, to: Type): boolean {
  if (from.kind === 'Never' || to.kind === 'Never') return true;
  if (typeKey(from) === typeKey(to)) return true;
  const fi = from.kind === 'Union' ? optionalInner(from) : null;
  const ti = to.kind === 'Union' ? optionalInner(to) : null;
  if (ti && !fi && from.kind !== 'Null') return compatibleElem(from, ti);
  if (fi && ti) return compatibleElem(fi, ti);
  if (from.kind !== to.kind) return false;
  return compatible(from, to);
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function writeBytes(data: number[], at: number, bytes: Uint8Array): void {
  bytes.forEach((b, i) => (data[at + i] = b));
}

function align(data: number[], n: number): number {
  while (data.length % n !== 0) data.push(0);
  return data.length;
}

function pushI32(data: number[], v: number): void {
  data.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}
