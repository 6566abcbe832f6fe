// Tests of the model reader on output captured from real solvers:
// Z3 5.1 (z3-solver 5.2.0, WASM), Z3 4.8.12 (native) and cvc5 1.0.3.
// The only hand-written sample is the `(_ as-array k!0)` form, which current
// Z3 versions no longer print but older ones (4.8.x before model compression) did.

import { describe, expect, it } from 'vitest';
import { readModel, readValue, readValues, showModelValue, type ModelValue } from './model.js';

const int = (v: number | bigint): ModelValue => ({ kind: 'int', value: BigInt(v) });
const bool = (value: boolean): ModelValue => ({ kind: 'bool', value });
const real = (num: number, den: number): ModelValue => ({ kind: 'real', num: BigInt(num), den: BigInt(den) });
const show = (m: Map<string, ModelValue>) => Object.fromEntries([...m].map(([k, v]) => [k, showModelValue(v)]));

describe('readValues (get-value answers)', () => {
  it('reads ints, negative ints and bools (Z3 5.1 WASM)', () => {
    const out = 'sat\n((x (- 6))\n ((- x 3) (- 9))\n (true true))\n';
    expect(readValues(out)).toEqual([int(-6), int(-9), bool(true)]);
  });

  it('reads reals: decimals, fractions and negated fractions (Z3 5.1 WASM)', () => {
    const out = 'sat\n((r (- (/ 1.0 3.0)))\n ((/ 1.0 3.0) (/ 1.0 3.0))\n (2.5 (/ 5.0 2.0)))\n';
    expect(readValues(out)).toEqual([real(-1, 3), real(1, 3), real(5, 2)]);
  });

  it('reads reals as cvc5 prints them', () => {
    expect(readValues('((r (/ (- 1) 3)) (q 2.0))')).toEqual([real(-1, 3), real(2, 1)]);
  });

  it('decodes string escapes (Z3 5.1 WASM)', () => {
    const out = 'sat\n((s "a""\\u{7f}\\u{e9}b\\c\\u{1f600}\\u{a}")\n (t "\\u{0}AB"))\n';
    expect(readValues(out)).toEqual([
      { kind: 'string', value: 'a"\x7f\u00e9b\\c\u{1F600}\n' },
      { kind: 'string', value: '\0AB' },
    ]);
  });

  it('reads datatypes (Z3 5.1 WASM, Z3 4.8.12)', () => {
    const out = 'sat\n((a (mkA (- 7) false))\n (l nil))\n';
    expect(readValues(out)).toEqual([
      { kind: 'datatype', ctor: 'mkA', args: [int(-7), bool(false)] },
      { kind: 'datatype', ctor: 'nil', args: [] },
    ]);
    expect(showModelValue(readValue('(cons 0 (cons 5 nil))'))).toBe('cons(0, cons(5, nil))');
    expect(showModelValue(readValue('((as cons L) 1 (as nil L))'))).toBe('cons(1, nil)');
  });

  it('reads arrays from store chains over constant arrays (Z3 5.1 WASM)', () => {
    const out =
      'sat\n((a (store (store ((as const (Array Int Int)) 3) 2 (- 3)) 1 5))\n (b ((as const (Array Int Int)) 7))\n' +
      ' ((store a 9 9) (store (store (store ((as const (Array Int Int)) 3) 2 (- 3)) 1 5) 9 9)))\n';
    const [a, b, c] = readValues(out);
    expect(a).toEqual({ kind: 'array', entries: [[int(2), int(-3)], [int(1), int(5)]], default: int(3) });
    expect(b).toEqual({ kind: 'array', entries: [], default: int(7) });
    expect(showModelValue(c!)).toBe('[2 -> -3, 1 -> 5, 9 -> 9, else -> 3]');
    // A later store to the same index wins.
    expect(showModelValue(readValue('(store (store ((as const (Array Int Int)) 0) 1 5) 1 6)'))).toBe('[1 -> 6, else -> 0]');
  });

  it('reads nested constant arrays (Z3 5.1 WASM)', () => {
    const out = 'sat\n((a ((as const (Array Int (Array Int Int))) ((as const (Array Int Int)) 3))))\n';
    expect(readValues(out)).toEqual([{ kind: 'array', entries: [], default: { kind: 'array', entries: [], default: int(3) } }]);
  });

  it('reads lambda arrays that are finite tables or sets, and keeps others as unknown', () => {
    // Z3 4.8.12 prints a Boolean array that is true only at 2 this way.
    expect(showModelValue(readValue('(lambda ((x!1 Int)) (= x!1 2))'))).toBe('[2 -> true, else -> false]');
    expect(showModelValue(readValue('(lambda ((x Int)) (or (= x 1) (= 3 x)))'))).toBe('[1 -> true, 3 -> true, else -> false]');
    expect(showModelValue(readValue('(lambda ((x!0 Int)) (ite (= x!0 5) (- 7) (ite (= 1 x!0) 2 4)))'))).toBe('[5 -> -7, 1 -> 2, else -> 4]');
    expect(showModelValue(readValue('(lambda ((i Int)) (let ((a!1 (= i 3))) (ite a!1 1 0)))'))).toBe('[3 -> 1, else -> 0]');
    // Z3 5.1 WASM: not a finite table.
    expect(readValue('(lambda ((i Int)) (ite (<= i 0) 0 1))')).toEqual({ kind: 'unknown', text: '(lambda ((i Int)) (ite (<= i 0) 0 1))' });
  });

  it('reads floats: bit patterns and named values (Z3 5.1 WASM, cvc5 1.0.3)', () => {
    const out =
      'sat\n((f (fp #b0 #b01111111111 #x8000000000000))\n (g (_ NaN 11 53))\n (h (_ -oo 11 53))\n (k (_ +zero 11 53))\n' +
      ' ((fp.neg k) (_ -zero 11 53))\n (((_ to_fp 11 53) RNE (- 0.1)) (fp #b1 #b01111111011 #x999999999999a)))\n';
    const values = readValues(out).map((v) => (v.kind === 'float' ? v.value : v));
    expect(values).toEqual([1.5, NaN, -Infinity, 0, -0, -0.1]);
    expect(Object.is(values[4], -0)).toBe(true);
    expect(Object.is(values[3], 0)).toBe(true);
    // cvc5 prints the significand in binary.
    const cvc5 =
      '((x (fp #b1 #b01111111011 #b1001100110011001100110011001100110011001100110011010)) (y (fp #b0 #b11111111111 #b1000000000000000000000000000000000000000000000000000)))';
    expect(readValues(cvc5).map((v) => (v.kind === 'float' ? v.value : v))).toEqual([-0.1, NaN]);
    expect(readValue('(_ +oo 11 53)')).toEqual({ kind: 'float', value: Infinity });
    // Float32: 1.5f.
    expect(readValue('(fp #b0 #b01111111 #b10000000000000000000000)')).toEqual({ kind: 'float', value: 1.5 });
  });

  it('reads sequences (Z3 5.1 WASM)', () => {
    const out = 'sat\n((s (seq.++ (seq.unit (- 4)) (seq.unit 7) (seq.unit 8)))\n (e (as seq.empty (Seq Int)))\n (u (seq.unit 9)))\n';
    expect(readValues(out).map(showModelValue)).toEqual(['[-4, 7, 8]', '[]', '[9]']);
  });

  it('resolves let-bindings inside values', () => {
    expect(showModelValue(readValue('(let ((a!1 (cons 1 nil)) (a!2 (- 3))) (cons a!2 a!1))'))).toBe('cons(-3, cons(1, nil))');
    // Bindings are parallel: the inner a!1 refers to the outer one.
    expect(showModelValue(readValue('(let ((a!1 5)) (let ((a!1 (mk a!1 a!1))) (wrap a!1)))'))).toBe('wrap(mk(5, 5))');
    expect(showModelValue(readValue('(let ((a!1 (store ((as const (Array Int Int)) 0) 1 2))) (store a!1 3 4))'))).toBe(
      '[1 -> 2, 3 -> 4, else -> 0]',
    );
  });

  it('keeps what it cannot decode as unknown text', () => {
    expect(readValues('((r (root-obj (+ (^ x 2) (- 2)) 1)))')).toEqual([{ kind: 'unknown', text: '(root-obj (+ (^ x 2) (- 2)) 1)' }]);
    expect(readValue('#b00000101')).toEqual({ kind: 'unknown', text: '#b00000101' });
    expect(readValues('(error "model is not available")')).toEqual([]);
  });

  it('reads very long store chains', () => {
    let text = '((as const (Array Int Int)) 0)';
    for (let k = 0; k < 20_000; k++) text = `(store ${text} ${k} ${k + 1})`;
    const v = readValue(text);
    expect(v.kind === 'array' && v.entries.length).toBe(20_000);
  });
});

describe('readModel (get-model answers)', () => {
  it('reads 0-ary definitions, skipping functions (Z3 4.8.12 native)', () => {
    const out = `sat
(
  (define-fun l () L
    (cons 0 (cons 5 nil)))
  (define-fun b () (Array Int Bool)
    (lambda ((x!1 Int)) (= x!1 2)))
  (define-fun s () String
    "x\\u{e9}""")
  (define-fun q () Real
    2.0)
  (define-fun r () Real
    (- (/ 1.0 3.0)))
  (define-fun a () (Array Int Int)
    (store ((as const (Array Int Int)) 4) 5 (- 7)))
  (define-fun f ((x!0 Int)) Int
    (ite (= x!0 5) (- 7)
      4))
)
`;
    expect(show(readModel(out))).toEqual({
      l: 'cons(0, cons(5, nil))',
      b: '[2 -> true, else -> false]',
      s: '"xé\\""',
      q: '2.0',
      r: '-1/3',
      a: '[5 -> -7, else -> 4]',
    });
  });

  it('uses the declared sort: an Int numeral in a Real definition is a real (cvc5 1.0.3)', () => {
    const out = `sat
(
(define-fun f ((BOUND_VARIABLE_470 Int)) Int 0)
(define-fun a () (Array Int Int) (store (store ((as const (Array Int Int)) 0) 3 4) 5 (- 7)))
(define-fun b () (Array Int Bool) (store ((as const (Array Int Bool)) false) 2 true))
(define-fun r () Real (/ (- 1) 3))
(define-fun z () Real (- 4))
(define-fun l () L nil)
)
`;
    const m = readModel(out);
    expect(show(m)).toEqual({
      a: '[3 -> 4, 5 -> -7, else -> 0]',
      b: '[2 -> true, else -> false]',
      r: '-1/3',
      z: '-4.0',
      l: 'nil',
    });
    expect(m.get('z')).toEqual(real(-4, 1));
  });

  it('resolves (_ as-array k!0) through the function it names', () => {
    const out = `(model
  (define-fun a () (Array Int Int)
    (_ as-array k!0))
  (define-fun k!0 ((x!0 Int)) Int
    (ite (= x!0 1) 5
    (ite (= x!0 2) (- 3)
      3)))
)`;
    expect(show(readModel(out))).toEqual({ a: '[1 -> 5, 2 -> -3, else -> 3]' });
    // get-value answers can be resolved against a model too.
    expect(readValues('((a (_ as-array k!0)))', out).map(showModelValue)).toEqual(['[1 -> 5, 2 -> -3, else -> 3]']);
    expect(readValues('((a (_ as-array k!0)))')).toEqual([{ kind: 'unknown', text: '(_ as-array k!0)' }]);
  });

  it('reads quoted names (Z3 5.1 WASM)', () => {
    const out = '(\n  (define-fun |weird var| () Int\n    3)\n  (define-fun x!1 () Bool\n    false)\n)\n';
    expect(show(readModel(out))).toEqual({ 'weird var': '3', 'x!1': 'false' });
  });
});
