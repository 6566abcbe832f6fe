import { describe, expect, it } from 'vitest';
import { kindCode, lex, lexToBuffer, T, TOKEN_KINDS, type Token } from './lexer.js';
import { makeSourceFile } from './span.js';

function tokens(src: string, path = 't.lm'): Token[] {
  return lex(makeSourceFile(path, src)).tokens;
}

/** `kind` or `kind(value)` for each token, without the final NL/EOF. */
function show(src: string): string {
  const ts = tokens(src);
  const out: string[] = [];
  for (const t of ts) {
    if (t.kind === 'EOF') break;
    if (t.value === null) out.push(t.kind);
    else out.push(`${t.kind}(${typeof t.value === 'string' ? JSON.stringify(t.value) : String(t.value)})`);
  }
  while (out[out.length - 1] === 'NL') out.pop();
  return out.join(' ');
}

function codes(src: string): string[] {
  return lex(makeSourceFile('t.lm', src)).diagnostics.map((d) => d.code);
}

describe('token kinds', () => {
  it('assigns every kind a distinct code', () => {
    expect(new Set(TOKEN_KINDS).size).toBe(TOKEN_KINDS.length);
    expect(TOKEN_KINDS.length).toBeLessThan(256);
    for (const k of TOKEN_KINDS) expect(TOKEN_KINDS[kindCode(k)]).toBe(k);
  });

  it('always ends with EOF, with spans inside the file', () => {
    for (const src of ['', 'x', 'x\n', '  # only a comment', '"unterminated']) {
      const { tokens: b } = lexToBuffer(makeSourceFile('t.lm', src));
      expect(TOKEN_KINDS[b.codes[b.count - 1]!]).toBe('EOF');
      for (let i = 0; i < b.count; i++) {
        expect(0 <= b.starts[i]! && b.starts[i]! <= b.ends[i]! && b.ends[i]! <= src.length).toBe(true);
      }
    }
  });
});

describe('lexer: literals', () => {
  it('lexes decimal, hex, binary and octal integers as bigints', () => {
    expect(show('42 1_000_000 0xFF 0b1010 0o17 0x_ff')).toBe('Int(42) Int(1000000) Int(255) Int(10) Int(15) Int(255)');
  });

  it('allows 2^63 (for the smallest Int) and rejects larger literals', () => {
    expect(show('9223372036854775808')).toBe('Int(9223372036854775808)');
    expect(codes('9223372036854775808')).toEqual([]);
    expect(codes('9223372036854775809')).toEqual(['E0005']);
    expect(codes('0xFFFFFFFFFFFFFFFF')).toEqual(['E0005']);
    expect(codes('0x8000000000000000')).toEqual([]);
  });

  it('reports malformed numbers', () => {
    expect(codes('12abc')).toEqual(['E0003']);
    expect(codes('1__0')).toEqual(['E0003']);
    expect(codes('1_')).toEqual(['E0003']);
    expect(codes('0x')).toEqual(['E0003']);
    expect(codes('0b102')).toEqual(['E0003']);
    expect(codes('1e')).toEqual(['E0003']);
    expect(show('12abc')).toBe('Int(0)');
  });

  it('lexes floats', () => {
    expect(show('3.14 1e-9 2.5e10 1E+3 0.5')).toBe('Float(3.14) Float(1e-9) Float(25000000000) Float(1000) Float(0.5)');
  });

  it('does not read ranges, tuple fields or method-like dots as floats', () => {
    expect(show('0..n')).toBe('Int(0) .. Ident("n")');
    expect(show('0..=9')).toBe('Int(0) ..= Int(9)');
    expect(show('t.0.1')).toBe('Ident("t") . Int(0) . Int(1)');
    expect(show('5.x')).toBe('Int(5) . Ident("x")');
  });

  it('decodes escapes in strings', () => {
    expect(show('"a\\nb\\t\\\\ \\" \\{ \\} \\u{41}\\u{1F600}"')).toBe(`Str(${JSON.stringify('a\nb\t\\ " { } A\u{1F600}')})`);
  });

  it('reports bad escapes and keeps going', () => {
    expect(codes('"a\\qb"')).toEqual(['E0004']);
    expect(codes('"\\u{110000}"')).toEqual(['E0004']);
    expect(codes('"\\u41"')).toEqual(['E0004']);
    expect(show('"a\\qb"')).toBe('Str("aqb")');
  });

  it('reports unterminated strings at the opening quote', () => {
    const r = lex(makeSourceFile('t.lm', 'let s = "abc\nlet t = 1'));
    expect(r.diagnostics.map((d) => [d.code, d.span.start])).toEqual([['E0002', 8]]);
    expect(r.tokens.map((t) => t.kind)).toEqual(['let', 'Ident', '=', 'Str', 'NL', 'let', 'Ident', '=', 'Int', 'NL', 'EOF']);
  });

  it('lexes raw strings without escapes or interpolation', () => {
    expect(show('r"a\\n{x}"')).toBe('RawStr("a\\\\n{x}")');
    expect(codes('r"abc')).toEqual(['E0002']);
    expect(show('r')).toBe('Ident("r")');
  });

  it('lexes keywords, contextual words and identifiers', () => {
    expect(show('cell result calls state states initial final otherwise self _x')).toBe(
      'cell Ident("result") Ident("calls") Ident("state") Ident("states") Ident("initial") Ident("final") Ident("otherwise") self Ident("_x")',
    );
    expect(show('and or not implies forall exists')).toBe('and or not implies forall exists');
  });

  it('lexes operators by longest match', () => {
    expect(show('a // b ** c ++ d -> e => f == g != h <= i >= j += k -= l *= m')).toBe(
      'Ident("a") // Ident("b") ** Ident("c") ++ Ident("d") -> Ident("e") => Ident("f") == Ident("g") != Ident("h") <= Ident("i") >= Ident("j") += Ident("k") -= Ident("l") *= Ident("m")',
    );
    expect(show('x! y? a|b')).toBe('Ident("x") ! Ident("y") ? Ident("a") | Ident("b")');
  });

  it('reports unexpected characters', () => {
    expect(codes('a ; b')).toEqual(['E0001']);
    expect(show('a ; b')).toBe('Ident("a") Ident("b")');
    expect(codes('a $ b ~')).toEqual(['E0001', 'E0001']);
  });
});

describe('lexer: comments and newlines', () => {
  it('skips comments; // is floor division', () => {
    expect(show('a # comment // not division\nb // c')).toBe('Ident("a") NL Ident("b") // Ident("c")');
  });

  it('collapses blank lines into one NL and drops leading ones', () => {
    expect(show('\n\n  a\n\n\n  b\n')).toBe('Ident("a") NL Ident("b")');
  });

  it('suppresses newlines inside brackets', () => {
    expect(show('f(a,\n  b)\nc')).toBe('Ident("f") ( Ident("a") , Ident("b") ) NL Ident("c")');
    expect(show('[1,\n2]')).toBe('[ Int(1) , Int(2) ]');
    expect(show('/ {A,\nB}')).toBe('/ { Ident("A") , Ident("B") }');
  });

  it('continues a line after a trailing backslash', () => {
    expect(show('a +\\\n  b\nc')).toBe('Ident("a") + Ident("b") NL Ident("c")');
    expect(show('a + \\   # why\n  b')).toBe('Ident("a") + Ident("b")');
    expect(codes('a \\ b')).toEqual(['E0001']);
  });

  it('keeps newlines significant in blocks nested inside brackets', () => {
    expect(show('f(match x\n  1 -> 2\nend)')).toBe('Ident("f") ( match Ident("x") NL Int(1) -> Int(2) NL end )');
    // A match guard is not a nested block.
    expect(show('f(match x\n  n if n > 0 -> 2\nend,\n 3)')).toBe(
      'Ident("f") ( match Ident("x") NL Ident("n") if Ident("n") > Int(0) -> Int(2) NL end , Int(3) )',
    );
  });

  it('closes brackets left open when the next line starts a statement', () => {
    expect(show('print(foo(1, 2)\n  let z = 3')).toBe('Ident("print") ( Ident("foo") ( Int(1) , Int(2) ) NL let Ident("z") = Int(3)');
  });
});

describe('lexer: interpolation', () => {
  it('splits interpolated strings into parts around expression tokens', () => {
    expect(show('"a {x + 1} b"')).toBe('StrStart("a ") Ident("x") + Int(1) StrEnd(" b")');
    expect(show('"{x}-{y}"')).toBe('StrStart("") Ident("x") StrMid("-") Ident("y") StrEnd("")');
  });

  it('handles nested strings and braces inside interpolations', () => {
    expect(show('"a {f("n{y}")} b"')).toBe(
      'StrStart("a ") Ident("f") ( StrStart("n") Ident("y") StrEnd("") ) StrEnd(" b")',
    );
  });

  it('gives interpolated tokens their real offsets', () => {
    const src = 'let s = "x = {value}"';
    const t = tokens(src).find((k) => k.kind === 'Ident' && k.value === 'value')!;
    expect(src.slice(t.start, t.end)).toBe('value');
  });

  it('ends an interpolation left open at the end of the line', () => {
    const r = lex(makeSourceFile('t.lm', 'let s = "a {x\nlet t = 1'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0002']);
    expect(r.tokens.map((t) => t.kind).slice(0, 7)).toEqual(['let', 'Ident', '=', 'StrStart', 'Ident', 'StrEnd', 'NL']);
  });
});

describe('lexer: directive', () => {
  it('accepts @lumen 1 and rejects other versions', () => {
    expect(codes('@lumen 1\ncell')).toEqual([]);
    expect(show('@lumen 1\ncell')).toBe('cell');
    expect(codes('# header\n@lumen 1\n')).toEqual([]);
    expect(codes('@lumen 2\n')).toEqual(['E0006']);
    expect(codes('@lumen 1.0\n')).toEqual(['E0006']);
    expect(codes('x\n@lumen 1\n')).toEqual(['E0001']);
  });

  it('finds the directive in the first lumen block of a literate file', () => {
    const md = '# Title\n\n```lumen\n@lumen 3\ncell f() -> Int\n  1\nend\n```\n';
    const r = lex(makeSourceFile('a.lm.md', md));
    expect(r.diagnostics.map((d) => [d.code, d.span.start])).toEqual([['E0006', md.indexOf('@lumen')]]);
  });
});

describe('token codes', () => {
  it('agree between the const enum T and TOKEN_KINDS', () => {
    const pairs: [number, string][] = [
      [T.EOF, 'EOF'],
      [T.NL, 'NL'],
      [T.Ident, 'Ident'],
      [T.StrEnd, 'StrEnd'],
      [T.And, 'and'],
      [T.With, 'with'],
      [T.LParen, '('],
      [T.DotDotEq, '..='],
      [T.StarEq, '*='],
      [T.Pipe, '|'],
    ];
    for (const [code, kind] of pairs) expect(TOKEN_KINDS[code]).toBe(kind);
    expect(T.Pipe).toBe(TOKEN_KINDS.length - 1);
  });
});

describe('lexer: unicode', () => {
  it('accepts letters outside ASCII in identifiers, including astral ones', () => {
    expect(show('é naïve 𝑥1')).toBe('Ident("é") Ident("naïve") Ident("𝑥1")');
    expect(codes('é naïve 𝑥1')).toEqual([]);
  });

  it('reports an unexpected astral character once', () => {
    expect(codes('a 😀 b')).toEqual(['E0001']);
  });
});
