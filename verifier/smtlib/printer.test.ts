// Unit tests of the SMT-LIB printer: one test per printing rule that is easy to get wrong.

import { describe, expect, it } from 'vitest';
import { printCommand, printFloatLiteral, printScript, printSort, printStringLiteral, printSymbol, printTerm } from './printer.js';
import {
  add, and, app, arraySort, BoolSort, eq, exists, Float64Sort, forall, ge, int, IntSort, namedSort, not, RealSort,
  seqSort, str, StringSort, sym, type Command, type Term,
} from './term.js';

const x = sym('v!x!0', IntSort);
const y = sym('v!y!0', IntSort);
const float = (value: number): Term => ({ kind: 'FloatLit', value });

describe('symbols', () => {
  it('prints simple symbols bare', () => {
    expect(printSymbol('v!x!0')).toBe('v!x!0');
    expect(printSymbol('f!Mod.fn')).toBe('f!Mod.fn');
    expect(printSymbol('+')).toBe('+');
  });

  it('quotes symbols that are not simple, and reserved words', () => {
    expect(printSymbol('weird name')).toBe('|weird name|');
    expect(printSymbol('1abc')).toBe('|1abc|');
    expect(printSymbol('')).toBe('||');
    expect(printSymbol('let')).toBe('|let|');
    expect(printSymbol('assert')).toBe('|assert|');
    expect(printSymbol('é')).toBe('|é|');
  });

  it('throws (a compiler bug) for names that cannot be quoted', () => {
    expect(() => printSymbol('a|b')).toThrow(/cannot be quoted/);
    expect(() => printSymbol('a\\b')).toThrow(/cannot be quoted/);
  });
});

describe('literals', () => {
  it('prints negative integers as (- n)', () => {
    expect(printTerm(int(-5))).toBe('(- 5)');
    expect(printTerm(int(0))).toBe('0');
    expect(printTerm(int(12345678901234567890n))).toBe('12345678901234567890');
    expect(printTerm(int(-12345678901234567890n))).toBe('(- 12345678901234567890)');
  });

  it('escapes strings the SMT-LIB 2.6 way', () => {
    expect(printStringLiteral('plain text')).toBe('"plain text"');
    expect(printStringLiteral('say "hi"')).toBe('"say ""hi"""');
    expect(printStringLiteral('a\nb\t')).toBe('"a\\u{a}b\\u{9}"');
    expect(printStringLiteral('caf\u00e9')).toBe('"caf\\u{e9}"');
    expect(printStringLiteral('\u{1F600}')).toBe('"\\u{1f600}"');
    expect(printStringLiteral('\0')).toBe('"\\u{0}"');
    expect(printStringLiteral('\x7f')).toBe('"\\u{7f}"');
    // A backslash is escaped too, so `\u{41}` typed in a program stays six characters.
    expect(printStringLiteral('\\u{41}')).toBe('"\\u{5c}u{41}"');
    expect(printTerm(str(''))).toBe('""');
  });

  it('prints floats as exact bit patterns', () => {
    expect(printFloatLiteral(1.5)).toBe('(fp #b0 #b01111111111 #x8000000000000)');
    expect(printFloatLiteral(-0.1)).toBe('(fp #b1 #b01111111011 #x999999999999a)');
    expect(printFloatLiteral(Number.MIN_VALUE)).toBe('(fp #b0 #b00000000000 #x0000000000001)');
    expect(printFloatLiteral(Number.MAX_VALUE)).toBe('(fp #b0 #b11111111110 #xfffffffffffff)');
    expect(printTerm(float(0))).toBe('(_ +zero 11 53)');
    expect(printTerm(float(-0))).toBe('(_ -zero 11 53)');
    expect(printTerm(float(Infinity))).toBe('(_ +oo 11 53)');
    expect(printTerm(float(-Infinity))).toBe('(_ -oo 11 53)');
    expect(printTerm(float(NaN))).toBe('(_ NaN 11 53)');
  });
});

describe('sorts and terms', () => {
  it('prints sorts', () => {
    expect(printSort(Float64Sort)).toBe('(_ FloatingPoint 11 53)');
    expect(printSort(arraySort(IntSort, arraySort(IntSort, BoolSort)))).toBe('(Array Int (Array Int Bool))');
    expect(printSort(seqSort(RealSort))).toBe('(Seq Real)');
    expect(printSort(namedSort('R!Point'))).toBe('R!Point');
    expect(printSort({ kind: 'RoundingMode' })).toBe('RoundingMode');
  });

  it('prints applications, indexed identifiers and nullary applications', () => {
    expect(printTerm(add(x, int(-1)))).toBe('(+ v!x!0 (- 1))');
    expect(printTerm(app('(_ is E!Color!Red)', [sym('c', namedSort('E!Color'))], BoolSort))).toBe('((_ is E!Color!Red) c)');
    expect(printTerm(app('E!Color!Red', [], namedSort('E!Color')))).toBe('E!Color!Red');
    expect(printTerm(app('fp.add', [sym('RNE', { kind: 'RoundingMode' }), float(1), float(2)], Float64Sort))).toBe(
      '(fp.add RNE (fp #b0 #b01111111111 #x0000000000000) (fp #b0 #b10000000000 #x0000000000000))',
    );
  });

  it('prints constant arrays with their sort', () => {
    const t: Term = { kind: 'ConstArray', sort: arraySort(IntSort, IntSort), value: int(-3) };
    expect(printTerm(t)).toBe('((as const (Array Int Int)) (- 3))');
  });

  it('prints quantifiers with and without patterns', () => {
    const f = (a: Term) => app('f!g', [a], IntSort);
    const i = sym('i', IntSort);
    const j = sym('j', IntSort);
    expect(printTerm(forall([{ name: 'i', sort: IntSort }], ge(f(i), int(0))))).toBe('(forall ((i Int)) (>= (f!g i) 0))');
    expect(printTerm(forall([{ name: 'i', sort: IntSort }, { name: 'j', sort: IntSort }], eq(f(i), f(j)), [[f(i), f(j)], [f(i)]]))).toBe(
      '(forall ((i Int) (j Int)) (! (= (f!g i) (f!g j)) :pattern ((f!g i) (f!g j)) :pattern ((f!g i))))',
    );
    expect(printTerm(exists([{ name: 'i', sort: IntSort }], eq(i, x)))).toBe('(exists ((i Int)) (= i v!x!0))');
    // No variables: the body alone (SMT-LIB forbids an empty binder list).
    expect(printTerm(forall([], eq(x, y)))).toBe('(= v!x!0 v!y!0)');
  });

  it('prints very deep terms without overflowing the stack', () => {
    let t: Term = int(0);
    for (let k = 0; k < 100_000; k++) t = add(t, int(1));
    const text = printTerm(t);
    expect(text.startsWith('(+ (+ (+ ')).toBe(true);
    expect(text.length).toBe(100_000 * '(+  1)'.length + 1);
  });
});

describe('commands', () => {
  it('declares datatypes in SMT-LIB 2.6 form', () => {
    const c: Command = {
      kind: 'DeclareDatatypes',
      datatypes: [
        { name: 'A', constructors: [{ name: 'mkA', fields: [{ name: 'f', sort: IntSort }] }] },
        { name: 'B', constructors: [{ name: 'C1', fields: [] }, { name: 'C2', fields: [{ name: 'x', sort: IntSort }] }] },
      ],
    };
    expect(printCommand(c)).toBe('(declare-datatypes ((A 0) (B 0)) (((mkA (f Int))) ((C1) (C2 (x Int)))))');
  });

  it('prints every command', () => {
    const cmds: Command[] = [
      { kind: 'Comment', text: 'two\nlines' },
      { kind: 'SetLogic', logic: 'ALL' },
      { kind: 'SetOption', name: 'produce-models', value: 'true' },
      { kind: 'SetOption', name: ':timeout', value: '100' },
      { kind: 'DeclareConst', name: 'v!x!0', sort: IntSort },
      { kind: 'DeclareFun', name: 'f!len', params: [StringSort, IntSort], sort: IntSort },
      { kind: 'DefineFun', name: 'f!inc', params: [{ name: 'a', sort: IntSort }], sort: IntSort, body: add(sym('a', IntSort), int(1)) },
      { kind: 'DefineFunRec', name: 'f!zero', params: [], sort: IntSort, body: int(0) },
      { kind: 'Push' },
      { kind: 'Assert', term: and(ge(x, int(0)), not(eq(x, y))) },
      { kind: 'Assert', term: ge(x, int(0)), name: 'check 1' },
      { kind: 'CheckSat' },
      { kind: 'CheckSatUsing', tactic: 'smt' },
      { kind: 'GetValue', terms: [x, add(x, y)] },
      { kind: 'GetModel' },
      { kind: 'Pop' },
    ];
    expect(printScript(cmds)).toBe(
      [
        '; two',
        '; lines',
        '(set-logic ALL)',
        '(set-option :produce-models true)',
        '(set-option :timeout 100)',
        '(declare-const v!x!0 Int)',
        '(declare-fun f!len (String Int) Int)',
        '(define-fun f!inc ((a Int)) Int (+ a 1))',
        '(define-fun-rec f!zero () Int 0)',
        '(push 1)',
        '(assert (and (>= v!x!0 0) (not (= v!x!0 v!y!0))))',
        '(assert (! (>= v!x!0 0) :named |check 1|))',
        '(check-sat)',
        '(check-sat-using smt)',
        '(get-value (v!x!0 (+ v!x!0 v!y!0)))',
        '(get-model)',
        '(pop 1)',
        '',
      ].join('\n'),
    );
  });
});
