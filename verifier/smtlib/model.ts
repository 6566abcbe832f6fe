// The model reader: turns solver answers to `(get-model)` and `(get-value …)`
// into plain values the counterexample layer can use. It knows the shapes Z3
// (WASM and native) and cvc5 print, among them:
//   ints       5   (- 5)
//   reals      2.5   (- 2.0)   (/ 1.0 3.0)   (- (/ 1 3))
//   strings    "a""b\u{e9}"     (SMT-LIB escapes decoded to JavaScript code points)
//   floats     (fp #b0 #b01111111111 #x8000000000000)   (_ +zero 11 53)   (_ NaN 11 53)   (_ -oo 11 53)
//   sequences  (seq.++ (seq.unit 1) (seq.unit 2))   (as seq.empty (Seq Int))
//   datatypes  nil   (cons 3 nil)   (as nil L)   ((as cons L) 1 nil)
//   arrays     ((as const (Array Int Int)) 0)   (store … i v)   (lambda ((x Int)) (ite (= x 1) 5 0))
//              (_ as-array k!0) with `k!0` defined elsewhere in the same model
//   let        (let ((a!1 …)) …) anywhere inside a value
// Anything else (algebraic numbers `root-obj`, bit-vectors, lambdas that are
// not finite tables) becomes `{ kind: 'unknown', text }` with the solver's
// text, never an exception.

import { headOf, isList, isSymbol, symbolIs, parseSexprs, printSexpr, type SExpr } from './sexpr.js';

export type ModelValue =
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  /** A rational in lowest terms with `den > 0`. */
  | { readonly kind: 'real'; readonly num: bigint; readonly den: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'datatype'; readonly ctor: string; readonly args: readonly ModelValue[] }
  /**
   * A finite table over a default. `default` is null when the solver gave a
   * table without one. Entries are in the order the solver wrote them, each
   * index at most once (a later `store` to the same index replaces the value).
   */
  | {
      readonly kind: 'array';
      readonly entries: readonly (readonly [ModelValue, ModelValue])[];
      readonly default: ModelValue | null;
    }
  /** A sequence `(Seq T)`, from `seq.unit` / `seq.++` / `seq.empty`. */
  | { readonly kind: 'seq'; readonly elems: readonly ModelValue[] }
  | { readonly kind: 'unknown'; readonly text: string };

/** A function definition from a model: `(define-fun name ((x S)…) Sort body)`. */
interface FunDef {
  readonly name: string;
  readonly params: readonly string[];
  readonly sort: SExpr;
  readonly body: SExpr;
}

/** Values of the 0-ary `define-fun`s of a `(get-model)` answer, in the order printed. */
export function readModel(text: string): Map<string, ModelValue> {
  const defs = collectDefinitions(parseSexprs(text));
  const result = new Map<string, ModelValue>();
  for (const def of defs.values()) {
    if (def.params.length !== 0) continue;
    result.set(def.name, decodeTop(def.body, defs, realSortHint(def.sort)));
  }
  return result;
}

/**
 * Values of a `(get-value (t1 t2 …))` answer, in order. `modelText`, when
 * given, is a `(get-model)` answer used to resolve `(_ as-array f)` values.
 */
export function readValues(text: string, modelText?: string): ModelValue[] {
  const defs = modelText === undefined ? new Map<string, FunDef>() : collectDefinitions(parseSexprs(modelText));
  for (const e of parseSexprs(text)) {
    if (!isList(e) || e.items.length === 0) continue;
    if (!e.items.every((p) => isList(p) && p.items.length === 2)) continue;
    return e.items.map((pair) => decodeTop((pair as Extract<SExpr, { kind: 'list' }>).items[1]!, defs, false));
  }
  return [];
}

/** Decodes one value written in SMT-LIB syntax, e.g. `(- 5)` or `(mkA 1 true)`. */
export function readValue(text: string): ModelValue {
  const es = parseSexprs(text);
  if (es.length !== 1) return { kind: 'unknown', text };
  return decodeTop(es[0]!, new Map(), false);
}

/** A compact human-readable rendering, stable across runs (used in reports and test snapshots). */
export function showModelValue(v: ModelValue): string {
  switch (v.kind) {
    case 'int':
      return v.value.toString();
    case 'bool':
      return String(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'real':
      return v.den === 1n ? `${v.num}.0` : `${v.num}/${v.den}`;
    case 'float':
      return Object.is(v.value, -0) ? '-0.0' : Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value);
    case 'datatype':
      return v.args.length === 0 ? v.ctor : `${v.ctor}(${v.args.map(showModelValue).join(', ')})`;
    case 'array': {
      const parts = v.entries.map(([k, x]) => `${showModelValue(k)} -> ${showModelValue(x)}`);
      if (v.default !== null) parts.push(`else -> ${showModelValue(v.default)}`);
      return `[${parts.join(', ')}]`;
    }
    case 'seq':
      return `[${v.elems.map(showModelValue).join(', ')}]`;
    case 'unknown':
      return `<${v.text}>`;
    default:
      return assertNever(v);
  }
}

// ---------------------------------------------------------------- definitions

function collectDefinitions(top: readonly SExpr[]): Map<string, FunDef> {
  const defs = new Map<string, FunDef>();
  const visit = (e: SExpr) => {
    if (!isList(e)) return;
    const head = headOf(e);
    if (head === 'define-fun') {
      const def = toFunDef(e.items);
      if (def !== undefined) defs.set(def.name, def);
    } else if (head === 'model' || head === undefined) {
      // `(model (define-fun …) …)` from older Z3, `((define-fun …) …)` from newer ones and cvc5.
      for (const item of e.items) if (isList(item)) visit(item);
    }
  };
  for (const e of top) visit(e);
  return defs;
}

function toFunDef(items: readonly SExpr[]): FunDef | undefined {
  const [, name, params, sort, body] = items;
  if (!isSymbol(name) || !isList(params) || sort === undefined || body === undefined) return undefined;
  const names: string[] = [];
  for (const p of params.items) {
    if (!isList(p) || !isSymbol(p.items[0])) return undefined;
    names.push(p.items[0].name);
  }
  return { name: name.name, params: names, sort, body };
}

const realSortHint = (sort: SExpr): boolean => symbolIs(sort, 'Real');

// ---------------------------------------------------------------- values

/** A let-bound or lambda-bound name: the expression it stands for and the scope it was written in. */
interface Binding {
  readonly expr: SExpr;
  readonly env: Env;
}
type Env = ReadonlyMap<string, Binding>;
const EMPTY_ENV: Env = new Map();

interface Ctx {
  readonly defs: ReadonlyMap<string, FunDef>;
}

function decodeTop(e: SExpr, defs: ReadonlyMap<string, FunDef>, real: boolean): ModelValue {
  try {
    return decode(e, EMPTY_ENV, { defs }, real);
  } catch (err) {
    // Only a pathologically deep value (a datatype nested thousands deep) can get here.
    if (err instanceof RangeError) return unknown(e);
    throw err;
  }
}

const unknown = (e: SExpr): ModelValue => ({ kind: 'unknown', text: printSexpr(e) });

/** Follows let-bound names to the expression they stand for. */
function resolve(e: SExpr, env: Env): { e: SExpr; env: Env } {
  while (e.kind === 'symbol' && env.has(e.name)) {
    const b = env.get(e.name)!;
    e = b.expr;
    env = b.env;
  }
  return { e, env };
}

/** Heads of theory terms that can show up in values but are not finite data we decode. */
const OPAQUE_HEADS = new Set([
  'root-obj', 'ite', '+', '*', '=', 'and', 'or', 'not', '=>', '<=', '<', '>=', '>', 'select', 'distinct',
  'str.++', 'to_real', 'to_int', 'fp.to_real', 'div', 'mod', 'abs', 'forall', 'exists',
]);

function decode(e0: SExpr, env0: Env, ctx: Ctx, real: boolean): ModelValue {
  const { e, env } = resolve(e0, env0);
  switch (e.kind) {
    case 'numeral':
      return real ? { kind: 'real', num: e.value, den: 1n } : { kind: 'int', value: e.value };
    case 'decimal':
      return decimalToReal(e.text);
    case 'string':
      return { kind: 'string', value: decodeStringLiteral(e.value) };
    case 'symbol':
      if (!e.quoted && e.name === 'true') return { kind: 'bool', value: true };
      if (!e.quoted && e.name === 'false') return { kind: 'bool', value: false };
      // A bare symbol in value position is a nullary constructor (or an
      // uninterpreted-sort element such as `T!val!0`, which reads the same way).
      return { kind: 'datatype', ctor: e.name, args: [] };
    case 'keyword':
    case 'bitvec':
      return unknown(e);
    case 'list':
      return decodeList(e, env, ctx, real);
  }
}

function decodeList(e: Extract<SExpr, { kind: 'list' }>, env: Env, ctx: Ctx, real: boolean): ModelValue {
  const items = e.items;
  const head = items[0];
  if (head === undefined) return unknown(e);

  if (head.kind === 'symbol' && !head.quoted) {
    switch (head.name) {
      case '-': {
        if (items.length !== 2) return unknown(e);
        const v = decode(items[1]!, env, ctx, real);
        if (v.kind === 'int') return { kind: 'int', value: -v.value };
        if (v.kind === 'real') return { kind: 'real', num: -v.num, den: v.den };
        return unknown(e);
      }
      case '/': {
        if (items.length !== 3) return unknown(e);
        const a = asRational(decode(items[1]!, env, ctx, true));
        const b = asRational(decode(items[2]!, env, ctx, true));
        if (a === undefined || b === undefined || b.num === 0n) return unknown(e);
        return makeReal(a.num * b.den, a.den * b.num);
      }
      case 'fp':
        return decodeFpBits(e);
      case '_':
        return decodeIndexed(e, ctx);
      case 'as':
        // `(as seq.empty (Seq Int))`, or `(as nil L)`: a constructor qualified with its sort.
        if (symbolIs(items[1], 'seq.empty')) return { kind: 'seq', elems: [] };
        return isSymbol(items[1]) ? { kind: 'datatype', ctor: items[1].name, args: [] } : unknown(e);
      case 'let':
        return decodeLet(e, env, ctx, real);
      case 'store':
        return decodeStoreChain(e, env, ctx);
      case 'lambda':
        return decodeLambda(e, env, ctx);
      case 'seq.unit':
        return items.length === 2 ? { kind: 'seq', elems: [decode(items[1]!, env, ctx, false)] } : unknown(e);
      case 'seq.++': {
        const elems: ModelValue[] = [];
        for (const part of items.slice(1)) {
          const v = decode(part, env, ctx, false);
          if (v.kind !== 'seq') return unknown(e);
          elems.push(...v.elems);
        }
        return { kind: 'seq', elems };
      }
      default:
        if (OPAQUE_HEADS.has(head.name)) return unknown(e);
        return { kind: 'datatype', ctor: head.name, args: items.slice(1).map((a) => decode(a, env, ctx, false)) };
    }
  }
  if (head.kind === 'symbol') {
    // A quoted constructor name: `(|my ctor| 1 2)`.
    return { kind: 'datatype', ctor: head.name, args: items.slice(1).map((a) => decode(a, env, ctx, false)) };
  }
  if (isList(head)) {
    const hh = headOf(head);
    // `((as const (Array Int Int)) 0)`
    if (hh === 'as' && symbolIs(head.items[1], 'const') && items.length === 2) {
      return { kind: 'array', entries: [], default: decode(items[1]!, env, ctx, arrayElemIsReal(head.items[2])) };
    }
    // `((as cons L) 1 nil)`
    if (hh === 'as' && isSymbol(head.items[1]) && head.items[1].name !== 'const') {
      return { kind: 'datatype', ctor: head.items[1].name, args: items.slice(1).map((a) => decode(a, env, ctx, false)) };
    }
    // `((_ to_fp 11 53) #x3ff8000000000000)`: a float given by its bit pattern.
    if (hh === '_' && symbolIs(head.items[1], 'to_fp') && items.length === 2 && items[1]!.kind === 'bitvec') {
      const eb = numeralOf(head.items[2]);
      const sb = numeralOf(head.items[3]);
      const bv = items[1];
      if (eb !== undefined && sb !== undefined && bv.width === eb + sb) {
        const sign = bv.value >> BigInt(eb + sb - 1);
        const exponent = (bv.value >> BigInt(sb - 1)) & ((1n << BigInt(eb)) - 1n);
        const significand = bv.value & ((1n << BigInt(sb - 1)) - 1n);
        return { kind: 'float', value: floatFromFields(sign, exponent, significand, eb, sb) };
      }
    }
  }
  return unknown(e);
}

function decodeLet(e: Extract<SExpr, { kind: 'list' }>, env: Env, ctx: Ctx, real: boolean): ModelValue {
  const [, bindings, body] = e.items;
  if (!isList(bindings) || body === undefined) return unknown(e);
  // SMT-LIB `let` binds in parallel: every right-hand side sees the outer scope.
  const inner = new Map(env);
  for (const b of bindings.items) {
    if (!isList(b) || b.items.length !== 2 || !isSymbol(b.items[0])) return unknown(e);
    inner.set(b.items[0].name, { expr: b.items[1]!, env });
  }
  return decode(body, inner, ctx, real);
}

/** `(store (store base i1 v1) i2 v2)`: walked iteratively, since chains can be thousands long. */
function decodeStoreChain(e: SExpr, env0: Env, ctx: Ctx): ModelValue {
  const stores: { index: SExpr; value: SExpr; env: Env }[] = [];
  let cur = resolve(e, env0);
  while (headOf(cur.e) === 'store') {
    const items = (cur.e as Extract<SExpr, { kind: 'list' }>).items;
    if (items.length !== 4) return unknown(e);
    stores.push({ index: items[2]!, value: items[3]!, env: cur.env });
    cur = resolve(items[1]!, cur.env);
  }
  const base = decode(cur.e, cur.env, ctx, false);
  if (base.kind !== 'array') return unknown(e);
  const table = new EntryTable(base.entries);
  // Innermost store first: that is the order the solver wrote them, and outer stores win.
  for (let k = stores.length - 1; k >= 0; k--) {
    const s = stores[k]!;
    table.set(decode(s.index, s.env, ctx, false), decode(s.value, s.env, ctx, false));
  }
  return { kind: 'array', entries: table.entries(), default: base.default };
}

function decodeLambda(e: Extract<SExpr, { kind: 'list' }>, env: Env, ctx: Ctx): ModelValue {
  const [, params, body] = e.items;
  if (!isList(params) || params.items.length !== 1 || body === undefined) return unknown(e);
  const p = params.items[0];
  if (!isList(p) || !isSymbol(p.items[0])) return unknown(e);
  return decodeFunctionTable(p.items[0].name, body, env, ctx) ?? unknown(e);
}

/** `(_ as-array f)`, `(_ +zero 11 53)`, `(_ NaN 11 53)`, `(_ +oo 11 53)` … */
function decodeIndexed(e: Extract<SExpr, { kind: 'list' }>, ctx: Ctx): ModelValue {
  const name = e.items[1];
  if (!isSymbol(name)) return unknown(e);
  switch (name.name) {
    case 'as-array': {
      const fn = e.items[2];
      const def = isSymbol(fn) ? ctx.defs.get(fn.name) : undefined;
      if (def === undefined || def.params.length !== 1) return unknown(e);
      return decodeFunctionTable(def.params[0]!, def.body, EMPTY_ENV, ctx) ?? unknown(e);
    }
    case '+zero':
      return { kind: 'float', value: 0 };
    case '-zero':
      return { kind: 'float', value: -0 };
    case '+oo':
      return { kind: 'float', value: Infinity };
    case '-oo':
      return { kind: 'float', value: -Infinity };
    case 'NaN':
      return { kind: 'float', value: NaN };
    default:
      return unknown(e);
  }
}

/**
 * Reads a one-parameter function body as a finite table:
 * `(ite (= x k1) v1 (ite (= k2 x) v2 … default))`, also through `let`s.
 * A Boolean body that is a disjunction of `(= x k)` is the characteristic
 * function of a finite set. Returns undefined for anything else.
 */
function decodeFunctionTable(param: string, body0: SExpr, env0: Env, ctx: Ctx): ModelValue | undefined {
  // The parameter must not resolve to an outer let-binding of the same name.
  const shadow = new Map(env0);
  shadow.delete(param);
  const table = new EntryTable([]);
  let cur = resolve(body0, shadow);
  for (;;) {
    if (headOf(cur.e) === 'let') {
      const items = (cur.e as Extract<SExpr, { kind: 'list' }>).items;
      const bindings = items[1];
      if (!isList(bindings) || items[2] === undefined) return undefined;
      const inner = new Map(cur.env);
      for (const b of bindings.items) {
        if (!isList(b) || !isSymbol(b.items[0]) || b.items[1] === undefined) return undefined;
        inner.set(b.items[0].name, { expr: b.items[1], env: cur.env });
      }
      inner.delete(param);
      cur = resolve(items[2], inner);
      continue;
    }
    if (headOf(cur.e) !== 'ite') break;
    const items = (cur.e as Extract<SExpr, { kind: 'list' }>).items;
    if (items.length !== 4) return undefined;
    const key = equalityKey(items[1]!, param, cur.env);
    if (key === undefined) return undefined;
    const index = decode(key.e, key.env, ctx, false);
    // An earlier branch of the ite shadows a later one for the same index.
    if (!table.has(index)) table.set(index, decode(items[2]!, cur.env, ctx, false));
    cur = resolve(items[3]!, cur.env);
  }
  if (mentions(cur.e, param)) {
    // A set: `(= x k)` or `(or (= x k1) (= x k2) …)` over a default of false.
    const disjuncts = headOf(cur.e) === 'or' ? (cur.e as Extract<SExpr, { kind: 'list' }>).items.slice(1) : [cur.e];
    for (const d of disjuncts) {
      const key = equalityKey(d, param, cur.env);
      if (key === undefined) return undefined;
      const index = decode(key.e, key.env, ctx, false);
      if (!table.has(index)) table.set(index, { kind: 'bool', value: true });
    }
    return { kind: 'array', entries: table.entries(), default: { kind: 'bool', value: false } };
  }
  return { kind: 'array', entries: table.entries(), default: decode(cur.e, cur.env, ctx, false) };
}

/** For `(= x k)` or `(= k x)` with `k` not mentioning `x`, returns `k`. */
function equalityKey(cond0: SExpr, param: string, env0: Env): { e: SExpr; env: Env } | undefined {
  let { e: cond, env } = resolve(cond0, env0);
  // Z3 sometimes wraps a single condition: `(and (= x!0 1))`.
  while (headOf(cond) === 'and' && (cond as Extract<SExpr, { kind: 'list' }>).items.length === 2) {
    ({ e: cond, env } = resolve((cond as Extract<SExpr, { kind: 'list' }>).items[1]!, env));
  }
  if (headOf(cond) !== '=') return undefined;
  const items = (cond as Extract<SExpr, { kind: 'list' }>).items;
  if (items.length !== 3) return undefined;
  const [a, b] = [items[1]!, items[2]!];
  if (symbolIs(a, param) && !mentions(b, param)) return { e: b, env };
  if (symbolIs(b, param) && !mentions(a, param)) return { e: a, env };
  return undefined;
}

function mentions(e: SExpr, name: string): boolean {
  const stack: SExpr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === 'symbol' && x.name === name) return true;
    if (x.kind === 'list') stack.push(...x.items);
  }
  return false;
}

/** Array entries keyed by a canonical rendering of the index, keeping first-insertion order. */
class EntryTable {
  private readonly map = new Map<string, [ModelValue, ModelValue]>();
  constructor(initial: readonly (readonly [ModelValue, ModelValue])[]) {
    for (const [k, v] of initial) this.set(k, v);
  }
  has(k: ModelValue): boolean {
    return this.map.has(valueKey(k));
  }
  set(k: ModelValue, v: ModelValue): void {
    const key = valueKey(k);
    const existing = this.map.get(key);
    if (existing !== undefined) existing[1] = v;
    else this.map.set(key, [k, v]);
  }
  entries(): [ModelValue, ModelValue][] {
    return [...this.map.values()];
  }
}

function valueKey(v: ModelValue): string {
  return v.kind === 'float' ? `float:${Object.is(v.value, -0) ? '-0' : String(v.value)}` : `${v.kind}:${showModelValue(v)}`;
}

// ---------------------------------------------------------------- numbers

const numeralOf = (e: SExpr | undefined): number | undefined => (e !== undefined && e.kind === 'numeral' ? Number(e.value) : undefined);

function arrayElemIsReal(sort: SExpr | undefined): boolean {
  // `(Array Int Real)`
  return isList(sort) && headOf(sort) === 'Array' && symbolIs(sort.items[2], 'Real');
}

function asRational(v: ModelValue): { num: bigint; den: bigint } | undefined {
  if (v.kind === 'int') return { num: v.value, den: 1n };
  if (v.kind === 'real') return v;
  return undefined;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function makeReal(num: bigint, den: bigint): ModelValue {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { kind: 'real', num: num / g, den: den / g } : { kind: 'real', num, den };
}

function decimalToReal(text: string): ModelValue {
  const dot = text.indexOf('.');
  const frac = text.slice(dot + 1);
  return makeReal(BigInt(text.slice(0, dot) + frac), 10n ** BigInt(frac.length));
}

/** `(fp #bS #bEEE #xMMM)` → a JavaScript number (exact for binary64 and smaller formats). */
function decodeFpBits(e: Extract<SExpr, { kind: 'list' }>): ModelValue {
  const [, s, ex, m] = e.items;
  if (e.items.length !== 4 || s?.kind !== 'bitvec' || ex?.kind !== 'bitvec' || m?.kind !== 'bitvec') return unknown(e);
  // The significand field of a binary64 is 52 bits; Z3 prints it as 13 hex digits.
  return { kind: 'float', value: floatFromFields(s.value, ex.value, m.value, ex.width, m.width + 1) };
}

const floatScratch = new DataView(new ArrayBuffer(8));

function floatFromFields(sign: bigint, exponent: bigint, significand: bigint, eb: number, sb: number): number {
  if (eb === 11 && sb === 53) {
    floatScratch.setBigUint64(0, (sign << 63n) | (exponent << 52n) | significand);
    return floatScratch.getFloat64(0);
  }
  // Other formats (Float32, Float16): computed exactly enough for display.
  const maxExp = (1n << BigInt(eb)) - 1n;
  const bias = Number((1n << BigInt(eb - 1)) - 1n);
  const frac = Number(significand) / 2 ** (sb - 1);
  let magnitude: number;
  if (exponent === maxExp) magnitude = significand === 0n ? Infinity : NaN;
  else if (exponent === 0n) magnitude = frac * 2 ** (1 - bias);
  else magnitude = (1 + frac) * 2 ** (Number(exponent) - bias);
  return sign === 1n ? -magnitude : magnitude;
}

// ---------------------------------------------------------------- strings

const STRING_ESCAPE = /\\u\{([0-9a-fA-F]{1,5})\}|\\u([0-9a-fA-F]{4})/g;

/** Decodes the string-theory escapes `\u{X}` and `\uXXXX` of SMT-LIB 2.6; other backslashes are literal. */
export function decodeStringLiteral(raw: string): string {
  if (!raw.includes('\\u')) return raw;
  return raw.replace(STRING_ESCAPE, (_m, braced: string | undefined, plain: string | undefined) =>
    String.fromCodePoint(parseInt(braced ?? plain!, 16)),
  );
}

function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
