// The host side of a generated WebAssembly module: its imports (check
// failures, halt, printing and formatting, effects, extern cells), reading
// Lumen values out of linear memory and writing them in, and running an
// exported cell to a result that mirrors the VM's `RunResult`.
//
// Printing goes through the same text rules as the VM (vm/value.ts): values
// are read from memory with the module's type table (`WasmMeta.types`) and
// formatted exactly as `formatValue` formats them.
//
// Modules are compiled once (`loadWasm`) and instantiated per run, always
// synchronously: the asynchronous path is much slower after binaryen's
// optimiser (see docs/wasm.md).

import { INT64_MAX, INT64_MIN, intToString, normalize } from '../../vm/int64.js';
import {
  RESULT_DESC,
  Struct,
  TUPLE_DESC,
  enumDesc,
  formatDynamic,
  formatFloat,
  recordDesc,
  type Desc,
  type Value,
} from '../../vm/value.js';
import { META_SECTION, type WasmMeta, type WasmModule } from './compile.js';
import { reprOfL, type LType } from './layout.js';
import { INTERNAL } from './runtime-wat.js';

// The WebAssembly JS API, typed locally: the project's `lib` settings do not include it.
interface WaModule {
  readonly __brand?: 'WebAssembly.Module';
}
interface WaMemory {
  readonly buffer: ArrayBuffer;
}
interface WaApi {
  readonly Module: { new (bytes: Uint8Array): WaModule; customSections(module: WaModule, name: string): ArrayBuffer[] };
  readonly Instance: new (module: WaModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WaApi }).WebAssembly;

export interface WasmRunOptions {
  /** Receives each printed line. Default: process stdout. */
  readonly stdout?: (line: string) => void;
  /** Host handler for effect operations no `handle` intercepts; `undefined` means not handled. */
  readonly effects?: (effect: string, op: string, args: Value[]) => Value | undefined;
  /** Host implementations of `extern` cells; `undefined` means not implemented. */
  readonly externs?: (cell: string, args: Value[]) => Value | undefined;
}

/** The outcome of running a cell, like the VM's `RunResult` without spans and stacks (the host knows only check ids). */
export type WasmRunResult =
  | { readonly kind: 'ok'; readonly value: Value }
  | { readonly kind: 'check-failed'; readonly check: number }
  | { readonly kind: 'halt'; readonly check: number; readonly message: string }
  | { readonly kind: 'effect-unhandled'; readonly effect: string; readonly op: string }
  | { readonly kind: 'depth-exceeded' }
  | { readonly kind: 'error'; readonly message: string };

/** A compiled module ready to be instantiated. */
export interface LoadedWasm {
  readonly module: WaModule;
  readonly meta: WasmMeta;
}

/** Compiles the binary (synchronously). The metadata is read from the module's `lumen.meta` section when not given. */
export function loadWasm(source: WasmModule | Uint8Array): LoadedWasm {
  const binary = source instanceof Uint8Array ? source : source.binary;
  const module = new WA.Module(binary);
  let meta: WasmMeta;
  if (source instanceof Uint8Array) {
    const sections = WA.Module.customSections(module, META_SECTION);
    if (sections.length === 0) throw new Error(`not a Lumen WebAssembly module (no \`${META_SECTION}\` section)`);
    meta = JSON.parse(new TextDecoder().decode(sections[0]!)) as WasmMeta;
  } else meta = source.meta;
  return { module, meta };
}

/** Thrown by an import to stop the program with a result. */
class HostStop extends Error {
  constructor(readonly result: WasmRunResult) {
    super(result.kind);
  }
}

interface Exports {
  readonly memory: WaMemory;
  readonly alloc: (n: number) => number;
  readonly alloc_bytes: (n: number) => number;
  readonly [name: string]: unknown;
}

const INTERNAL_MESSAGES: Record<number, string> = {
  [INTERNAL.matchUnreachable]: 'no match arm applies although the match was proved exhaustive',
  [INTERNAL.uncheckedInt]: 'unchecked Int operation failed; was a check wrongly proved?',
  [INTERNAL.rangeTooLong]: 'range(a, b) would have more than 2^31 - 1 elements',
  [INTERNAL.specNegativeExponent]: '`**` with a negative exponent in a specification',
  [INTERNAL.tooLong]: 'a list or string longer than 2^31 - 1',
};

/** Runs an exported cell (default `main`) in a fresh instance. */
export function runWasmModule(loaded: LoadedWasm, opts: WasmRunOptions = {}, cell = 'main', args: readonly Value[] = []): WasmRunResult {
  return instantiateWasm(loaded, opts).run(cell, args);
}

/** An instance whose exported cells can be called many times (its memory is kept between calls: for tests and tools). */
export interface WasmInstance {
  run(cell: string, args?: readonly Value[]): WasmRunResult;
}

export function instantiateWasm(loaded: LoadedWasm, opts: WasmRunOptions = {}): WasmInstance {
  let session: Session | null = null;
  let instance: { readonly exports: Record<string, unknown> } | null = null;
  return {
    run(cell: string, args: readonly Value[] = []): WasmRunResult {
      const entry = loaded.meta.entries.find((e) => e.cell === cell);
      if (!entry) return { kind: 'error', message: `no exported cell named \`${cell}\`` };
      if (args.length !== entry.params.length) return { kind: 'error', message: `\`${cell}\` takes ${entry.params.length} argument(s), ${args.length} given` };
      try {
        if (!session || !instance) {
          session = new Session(loaded.meta, opts);
          instance = new WA.Instance(loaded.module, { lumen: session.imports() });
          session.exports = instance.exports as unknown as Exports;
        }
        session.reset();
        const fn = instance.exports[entry.export] as (...a: unknown[]) => unknown;
        const raw = fn(...args.map((a, i) => session!.encode(a, entry.params[i]!)));
        return { kind: 'ok', value: session.decode(raw as number | bigint, entry.ret) };
      } catch (err) {
        const r = session ? session.outcome(err) : { kind: 'error' as const, message: String(err) };
        // A trap can leave the instance's globals (the handler stack) mid-update: start afresh next time.
        session = null;
        instance = null;
        return r;
      }
    },
  };
}

class Session {
  exports: Exports | null = null;
  private failedCheck: number | null = null;
  private halted: { check: number; message: string } | null = null;
  private readonly stdout: (line: string) => void;
  private readonly descs = new Map<number, Desc>();

  constructor(
    private readonly meta: WasmMeta,
    private readonly opts: WasmRunOptions,
  ) {
    this.stdout = opts.stdout ?? ((line) => process.stdout.write(line + '\n'));
  }

  reset(): void {
    this.failedCheck = null;
    this.halted = null;
  }

  outcome(err: unknown): WasmRunResult {
    if (this.failedCheck !== null) return { kind: 'check-failed', check: this.failedCheck };
    if (this.halted) return { kind: 'halt', ...this.halted };
    if (err instanceof HostStop) return err.result;
    if (err instanceof RangeError && /call stack/i.test(err.message)) return { kind: 'depth-exceeded' };
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'error', message: `run-time failure: ${message}` };
  }

  imports(): Record<string, (...args: never[]) => unknown> {
    const types = this.meta.types;
    const imports: Record<string, (...args: never[]) => unknown> = {
      check_failed: (id: number) => {
        this.failedCheck = id;
      },
      halt: (id: number, msg: bigint) => {
        this.halted = { check: id, message: msg === 0n ? 'halt' : this.readString(msg) };
      },
      spec_overflow: () => {
        throw new HostStop({ kind: 'error', message: 'a specification evaluated at run time leaves the 64-bit Int range (not supported by the WebAssembly backend)' });
      },
      internal: (code: number) => {
        throw new HostStop({ kind: 'error', message: INTERNAL_MESSAGES[code] ?? `internal failure ${code}` });
      },
      oom: () => {
        throw new HostStop({ kind: 'error', message: 'run-time failure: out of memory' });
      },
      print_i64: (v: bigint, t: number) => this.stdout(this.format(v, t)),
      print_i32: (v: number, t: number) => this.stdout(this.format(v, t)),
      print_f64: (v: number) => this.stdout(formatFloat(v)),
      fmt_i64: (v: bigint, t: number) => this.writeString(this.format(v, t)),
      fmt_i32: (v: number, t: number) => this.writeString(this.format(v, t)),
      fmt_f64: (v: number) => this.writeString(formatFloat(v)),
      fpow: (a: number, b: number) => a ** b,
    };
    this.meta.effectOps.forEach((op, k) => {
      imports[`effect:${k}`] = (...raw: never[]) => {
        const args = (raw as (number | bigint)[]).map((r, i) => this.decode(r, op.params[i]!));
        const v = this.opts.effects?.(op.effect, op.op, args);
        if (v === undefined) throw new HostStop({ kind: 'effect-unhandled', effect: op.effect, op: op.op });
        return this.encode(v, op.ret);
      };
    });
    for (const ex of this.meta.externs) {
      imports[ex.import] = (...raw: never[]) => {
        const args = (raw as (number | bigint)[]).map((r, i) => this.decode(r, ex.params[i]!));
        const v = this.opts.externs?.(ex.cell, args);
        if (v === undefined) throw new HostStop({ kind: 'error', message: `extern cell \`${ex.cell}\` has no host implementation` });
        return this.encode(v, ex.ret);
      };
    }
    void types;
    return imports;
  }

  // ------------------------------------------------------------ memory

  private view(): DataView {
    return new DataView(this.exports!.memory.buffer);
  }

  private readString(fat: bigint): string {
    const u = BigInt.asUintN(64, fat);
    const ptr = Number(u & 0xffffffffn);
    const len = Number((u >> 32n) & 0x7fffffffn);
    return new TextDecoder().decode(new Uint8Array(this.exports!.memory.buffer, ptr, len));
  }

  private writeString(s: string): bigint {
    const bytes = new TextEncoder().encode(s);
    const ptr = this.exports!.alloc_bytes(bytes.length);
    new Uint8Array(this.exports!.memory.buffer, ptr, bytes.length).set(bytes);
    const nonAscii = bytes.some((b) => b >= 0x80);
    return BigInt.asIntN(64, BigInt(ptr) | (BigInt(bytes.length) << 32n) | (nonAscii ? 1n << 63n : 0n));
  }

  private readSlot(addr: number, t: number): number | bigint {
    const dv = this.view();
    switch (reprOfL(this.meta.types[t]!)) {
      case 'i64':
        return dv.getBigInt64(addr, true);
      case 'f64':
        return dv.getFloat64(addr, true);
      case 'i32':
        return dv.getUint32(addr, true);
    }
  }

  private writeSlot(addr: number, t: number, v: number | bigint): void {
    const dv = this.view();
    switch (reprOfL(this.meta.types[t]!)) {
      case 'i64':
        dv.setBigInt64(addr, v as bigint, true);
        return;
      case 'f64':
        dv.setFloat64(addr, v as number, true);
        return;
      case 'i32':
        dv.setUint32(addr, v as number, true);
        return;
    }
  }

  private desc(index: number): Desc {
    let d = this.descs.get(index);
    if (!d) {
      const t = this.meta.types[index]!;
      if (t.k === 'record') d = recordDesc(t.name, t.fields.map((f) => f.name));
      else if (t.k === 'enum') d = enumDesc(t.name, t.variants.map((v) => ({ name: v.name, fieldNames: v.fields.map((f) => f.name) })));
      else d = t.k === 'result' ? RESULT_DESC : TUPLE_DESC;
      this.descs.set(index, d);
    }
    return d;
  }

  /** A Lumen value (in the VM's representation) from its WASM representation. */
  decode(raw: number | bigint, index: number): Value {
    const t = this.meta.types[index]!;
    switch (t.k) {
      case 'int':
        return normalize(BigInt.asIntN(64, BigInt(raw)));
      case 'float':
        return Number(raw);
      case 'bool':
        return raw !== 0;
      case 'null':
      case 'never':
        return null;
      case 'string':
        return this.readString(BigInt(raw));
      case 'list': {
        const u = BigInt.asUintN(64, BigInt(raw));
        const ptr = Number(u & 0xffffffffn);
        const len = Number(u >> 32n);
        const out: Value[] = [];
        for (let i = 0; i < len; i++) out.push(this.decode(this.readSlot(ptr + 8 + 8 * i, t.elem), t.elem));
        return out;
      }
      case 'record':
      case 'tuple': {
        const ptr = Number(raw);
        const fields = t.k === 'record' ? t.fields.map((f) => f.t) : t.elems;
        return new Struct(this.desc(index), 0, fields.map((ft, i) => this.decode(this.readSlot(ptr + 8 * i, ft), ft)));
      }
      case 'enum':
      case 'result': {
        const ptr = Number(raw);
        const tag = this.view().getUint32(ptr, true);
        const fields = t.k === 'enum' ? (t.variants[tag]?.fields.map((f) => f.t) ?? []) : [tag === 0 ? t.ok : t.err];
        return new Struct(this.desc(index), tag, fields.map((ft, i) => this.decode(this.readSlot(ptr + 8 + 8 * i, ft), ft)));
      }
      case 'opt':
        return BigInt(raw) === 0n ? null : this.decode(raw, t.inner);
    }
  }

  /** Writes a Lumen value (VM representation) into the module; returns its WASM representation. */
  encode(v: Value, index: number): number | bigint {
    const t = this.meta.types[index]!;
    const ex = this.exports!;
    switch (t.k) {
      case 'int': {
        const b = typeof v === 'bigint' ? v : BigInt(v as number);
        if (b < INT64_MIN || b > INT64_MAX) throw new HostStop({ kind: 'error', message: `an Int outside the 64-bit range from the host: ${b}` });
        return b;
      }
      case 'float':
        return Number(v);
      case 'bool':
        return v === true ? 1 : 0;
      case 'null':
      case 'never':
        return 0;
      case 'string':
        return this.writeString(String(v));
      case 'list': {
        const xs = v as Value[];
        const ptr = ex.alloc(8 + 8 * xs.length);
        this.view().setUint32(ptr, xs.length, true);
        xs.forEach((x, i) => this.writeSlot(ptr + 8 + 8 * i, t.elem, this.encode(x, t.elem)));
        return BigInt(ptr) | (BigInt(xs.length) << 32n);
      }
      case 'record':
      case 'tuple': {
        const s = v as Struct;
        const fields = t.k === 'record' ? t.fields.map((f) => f.t) : t.elems;
        const values = fields.map((ft, i) => this.encode(s.f[i]!, ft));
        const ptr = ex.alloc(Math.max(8, 8 * fields.length));
        values.forEach((x, i) => this.writeSlot(ptr + 8 * i, fields[i]!, x));
        return ptr;
      }
      case 'enum':
      case 'result': {
        const s = v as Struct;
        const fields = t.k === 'enum' ? (t.variants[s.tag]?.fields.map((f) => f.t) ?? []) : [s.tag === 0 ? t.ok : t.err];
        const values = fields.map((ft, i) => this.encode(s.f[i]!, ft));
        const ptr = ex.alloc(8 + 8 * fields.length);
        this.view().setUint32(ptr, s.tag, true);
        values.forEach((x, i) => this.writeSlot(ptr + 8 + 8 * i, fields[i]!, x));
        return ptr;
      }
      case 'opt':
        return v === null ? (reprOfL(this.meta.types[t.inner]!) === 'i64' ? 0n : 0) : this.encode(v, t.inner);
    }
  }

  // ------------------------------------------------------------ printing

  /** What `print` / `to_string` produce for a value of type index t (a String as is). */
  private format(raw: number | bigint, t: number): string {
    const v = this.decode(raw, t);
    return typeof v === 'string' ? v : formatL(v, t, this.meta.types);
  }
}

/** The Lumen literal text of a value, as vm/value.ts `formatLiteral` prints it. */
export function formatL(v: Value, index: number, types: readonly LType[]): string {
  const t = types[index]!;
  switch (t.k) {
    case 'int':
      return typeof v === 'number' || typeof v === 'bigint' ? intToString(v) : formatDynamic(v);
    case 'float':
      return typeof v === 'number' ? formatFloat(v) : formatDynamic(v);
    case 'list':
      return Array.isArray(v) ? `[${v.map((x) => formatL(x, t.elem, types)).join(', ')}]` : formatDynamic(v);
    case 'tuple': {
      if (!(v instanceof Struct)) return formatDynamic(v);
      const items = v.f.map((x, i) => formatL(x, t.elems[i]!, types));
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    case 'record':
      if (!(v instanceof Struct)) return formatDynamic(v);
      return `${t.display}(${t.fields.map((f, i) => `${f.name}: ${formatL(v.f[i]!, f.t, types)}`).join(', ')})`;
    case 'enum': {
      if (!(v instanceof Struct)) return formatDynamic(v);
      const variant = t.variants[v.tag];
      if (!variant) return formatDynamic(v);
      if (variant.fields.length === 0) return variant.name;
      const positional = variant.fields.every((f, i) => f.name === String(i));
      const items = variant.fields.map((f, i) => {
        const text = formatL(v.f[i]!, f.t, types);
        return positional ? text : `${f.name}: ${text}`;
      });
      return `${variant.name}(${items.join(', ')})`;
    }
    case 'result':
      if (!(v instanceof Struct)) return formatDynamic(v);
      return v.tag === 0 ? `ok(${formatL(v.f[0]!, t.ok, types)})` : `err(${formatL(v.f[0]!, t.err, types)})`;
    case 'opt':
      return v === null ? 'null' : formatL(v, t.inner, types);
    default:
      return formatDynamic(v);
  }
}
