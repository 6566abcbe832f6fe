// Tests of the S-expression reader on solver-output shapes.

import { describe, expect, it } from 'vitest';
import { findUnbalanced, parseSexprs, parseSexprsWithErrors, printSexpr } from './sexpr.js';

describe('parseSexprs', () => {
  it('reads atoms of every kind', () => {
    expect(parseSexprs('sat 42 2.50 #x0f #b101 :reason-unknown foo!1 |weird sym| "a""b"')).toEqual([
      { kind: 'symbol', name: 'sat', quoted: false },
      { kind: 'numeral', value: 42n },
      { kind: 'decimal', text: '2.50' },
      { kind: 'bitvec', text: '#x0f', width: 8, value: 15n },
      { kind: 'bitvec', text: '#b101', width: 3, value: 5n },
      { kind: 'keyword', name: 'reason-unknown' },
      { kind: 'symbol', name: 'foo!1', quoted: false },
      { kind: 'symbol', name: 'weird sym', quoted: true },
      { kind: 'string', value: 'a"b' },
    ]);
  });

  it('reads nested lists, skipping comments, and leaves \\u escapes to the model reader', () => {
    const text = '; a comment with ( and "\n((x (- 5)) ; trailing\n (s "\\u{e9}"""))\n';
    const [e] = parseSexprs(text);
    expect(printSexpr(e!)).toBe('((x (- 5)) (s "\\u{e9}"""))');
  });

  it('keeps string contents, including newlines and parentheses, as written', () => {
    expect(parseSexprs('(error "line 1 column 2: unexpected (\nmore")')).toEqual([
      {
        kind: 'list',
        items: [
          { kind: 'symbol', name: 'error', quoted: false },
          { kind: 'string', value: 'line 1 column 2: unexpected (\nmore' },
        ],
      },
    ]);
  });

  it('never fails: it recovers and reports problems', () => {
    const r = parseSexprsWithErrors(') (a (b "open');
    expect(r.errors).toEqual(["unmatched ')' at offset 0", 'unterminated string literal at offset 8', 'unclosed list at end of input', 'unclosed list at end of input']);
    expect(printSexpr(r.sexprs[0]!)).toBe('(a (b "open"))');
  });

  it('reads deep output iteratively', () => {
    const depth = 50_000;
    const text = '('.repeat(depth) + ')'.repeat(depth);
    const r = parseSexprsWithErrors(text);
    expect(r.errors).toEqual([]);
    expect(printSexpr(r.sexprs[0]!).length).toBe(2 * depth);
  });
});

describe('findUnbalanced', () => {
  it('accepts balanced text with parentheses inside strings, quoted symbols and comments', () => {
    expect(findUnbalanced('(assert (= s ")(""")) (declare-const |a)| Int) ; (\n')).toBeUndefined();
  });

  it('reports the first problem', () => {
    expect(findUnbalanced('(assert (> x 0)')).toBe("1 unclosed '(' at end of text");
    expect(findUnbalanced('(a))')).toBe("unmatched ')' at offset 3");
    expect(findUnbalanced('(a "b)')).toBe('unterminated string literal at offset 3');
  });
});
