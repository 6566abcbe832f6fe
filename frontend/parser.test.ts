import { describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { parse } from './parser.js';
import { makeSourceFile } from './span.js';

// ------------------------------------------------------------ helpers

function parseSrc(src: string): ReturnType<typeof parse> {
  return parse(makeSourceFile('t.lm', src));
}

function parseOk(src: string): A.Module {
  const r = parseSrc(src);
  expect(r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span.start}`)).toEqual([]);
  return r.module;
}

function body(src: string): readonly A.Stmt[] {
  const indented = src
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n');
  const m = parseOk(`cell t()\n${indented}\nend\n`);
  return (m.decls[0] as A.CellDecl).body!.stmts;
}

function stmt(src: string): A.Stmt {
  const ss = body(src);
  expect(ss.length).toBe(1);
  return ss[0]!;
}

function expr(src: string): A.Expr {
  const s = stmt(src);
  if (s.kind !== 'ExprStmt') throw new Error(`not an expression statement: ${s.kind}`);
  return s.expr;
}

/** Compact S-expression of an expression, for precedence tests. */
function sx(e: A.Expr | null): string {
  if (e === null) return '_';
  switch (e.kind) {
    case 'Int':
      return e.value.toString();
    case 'Float':
      return e.text;
    case 'Bool':
      return String(e.value);
    case 'Null':
      return 'null';
    case 'Name':
      return e.name;
    case 'String':
      return `"${e.parts.map((p) => (typeof p === 'string' ? p : `{${sx(p)}}`)).join('')}"`;
    case 'Binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'Unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'Call': {
      const args = e.args.map((a) => `${a.name ? a.name.name + ':' : ''}${a.mode === 'plain' ? '' : a.mode + ' '}${sx(a.value)}`);
      if (e.spread) args.unshift(`..${sx(e.spread)}`);
      return `(call ${sx(e.callee)}${args.map((a) => ' ' + a).join('')})`;
    }
    case 'Index':
      return `(index ${sx(e.target)} ${sx(e.index)})`;
    case 'Field':
      return `(. ${sx(e.target)} ${e.name.name})`;
    case 'Try':
      return `(? ${sx(e.expr)})`;
    case 'NonNull':
      return `(! ${sx(e.expr)})`;
    case 'List':
      return `[${e.elems.map(sx).join(' ')}]`;
    case 'Tuple':
      return `(tuple${e.elems.map((x) => ' ' + sx(x)).join('')})`;
    case 'Quant':
      return `(${e.quantifier} ${e.variable.name}${e.type ? ':' + (e.type.kind === 'TName' ? e.type.name.name : e.type.kind) : ''}${e.domain ? ' in ' + sx(e.domain) : ''} ${sx(e.body)})`;
    case 'Old':
      return `(old ${sx(e.expr)})`;
    case 'Halt':
      return `(halt ${sx(e.message)})`;
    case 'Resume':
      return `(resume ${sx(e.value)})`;
    case 'Perform':
      return `(perform ${e.effect.name}.${e.op.name}${e.args.map((a) => ' ' + sx(a.value)).join('')})`;
    default:
      return `<${e.kind}>`;
  }
}

function ex(src: string): string {
  return sx(expr(src));
}

function errors(src: string): string[] {
  const file = makeSourceFile('t.lm', src);
  return parse(file).diagnostics.map((d) => {
    let line = 1;
    for (let i = 0; i < d.span.start; i++) if (src.charCodeAt(i) === 10) line++;
    return `${line}:${d.code}`;
  });
}

// ------------------------------------------------------------ expressions

describe('parser: precedence and associativity', () => {
  it('orders the logical operators implies < or < and < not < comparison', () => {
    expect(ex('a or b and c')).toBe('(or a (and b c))');
    expect(ex('a and b or c')).toBe('(or (and a b) c)');
    expect(ex('not a == b')).toBe('(not (== a b))');
    expect(ex('not a and b')).toBe('(and (not a) b)');
    expect(ex('a and not b')).toBe('(and a (not b))');
    expect(ex('not not a')).toBe('(not (not a))');
    expect(ex('a or b implies c and d')).toBe('(implies (or a b) (and c d))');
  });

  it('makes implies and ** right-associative, the rest left-associative', () => {
    expect(ex('a implies b implies c')).toBe('(implies a (implies b c))');
    expect(ex('2 ** 3 ** 2')).toBe('(** 2 (** 3 2))');
    expect(ex('a - b - c')).toBe('(- (- a b) c)');
    expect(ex('a / b // c % d')).toBe('(% (// (/ a b) c) d)');
    expect(ex('a ++ b ++ c')).toBe('(++ (++ a b) c)');
    expect(ex('a < b == c')).toBe('(== (< a b) c)');
  });

  it('orders comparison < ++ < ranges < + < * < unary minus < ** < postfix', () => {
    expect(ex('a == b ++ c')).toBe('(== a (++ b c))');
    expect(ex('a ++ b..c')).toBe('(++ a (.. b c))');
    expect(ex('a..b + 1')).toBe('(.. a (+ b 1))');
    expect(ex('0..=n - 1')).toBe('(..= 0 (- n 1))');
    expect(ex('a + b * c')).toBe('(+ a (* b c))');
    expect(ex('-a * b')).toBe('(* (- a) b)');
    expect(ex('-x ** 2')).toBe('(- (** x 2))');
    expect(ex('2 ** -1')).toBe('(** 2 (- 1))');
    expect(ex('-f(x).y')).toBe('(- (. (call f x) y))');
    expect(ex('x in 0..n')).toBe('(in x (.. 0 n))');
    expect(ex('x in xs and y')).toBe('(and (in x xs) y)');
  });

  it('parses postfix chains', () => {
    expect(ex('f(x).y[0]?!')).toBe('(! (? (index (. (call f x) y) 0)))');
    expect(ex('t.0.1')).toBe('(. (. t 0) 1)');
    expect(ex('Shape.Circle(1.0)')).toBe('(call (. Shape Circle) 1.0)');
    expect(ex('x!.y?.z')).toBe('(. (? (. (! x) y)) z)');
  });

  it('parses parentheses and tuples', () => {
    expect(ex('(a + b) * c')).toBe('(* (+ a b) c)');
    expect(ex('(a, b)')).toBe('(tuple a b)');
    expect(ex('(a,)')).toBe('(tuple a)');
    expect(ex('()')).toBe('(tuple)');
    expect(ex('[1, 2, 3,]')).toBe('[1 2 3]');
    expect(ex('[]')).toBe('[]');
  });
});

describe('parser: literals', () => {
  it('keeps negative literals as unary minus', () => {
    const e = expr('-5');
    expect(e.kind).toBe('Unary');
    expect(ex('-9223372036854775808')).toBe('(- 9223372036854775808)');
  });

  it('rejects 2^63 except directly under unary minus', () => {
    expect(errors('cell f() -> Int\n  9223372036854775808\nend')).toEqual(['2:E0005']);
    expect(errors('cell f() -> Int\n  1 - 9223372036854775808\nend')).toEqual(['2:E0005']);
    expect(errors('cell f() -> Int\n  -9223372036854775808\nend')).toEqual([]);
  });

  it('keeps float text for printing', () => {
    const e = expr('2.5e10') as A.FloatLit;
    expect(e.value).toBe(2.5e10);
    expect(e.text).toBe('2.5e10');
  });

  it('parses booleans and null', () => {
    expect(ex('true and false or null == x')).toBe('(or (and true false) (== null x))');
  });

  it('builds string parts with real expressions', () => {
    const src = 'cell t()\n  "sum {a + b} of {f("x{y}")}!"\nend\n';
    const m = parseOk(src);
    const s = ((m.decls[0] as A.CellDecl).body!.stmts[0] as A.ExprStmt).expr as A.StringLit;
    expect(s.raw).toBe(false);
    expect(s.parts.length).toBe(5);
    expect(s.parts[0]).toBe('sum ');
    expect(sx(s.parts[1] as A.Expr)).toBe('(+ a b)');
    expect(s.parts[2]).toBe(' of ');
    expect(sx(s.parts[3] as A.Expr)).toBe('(call f "x{y}")');
    expect(s.parts[4]).toBe('!');
    const sum = s.parts[1] as A.Expr;
    expect(src.slice(sum.span.start, sum.span.end)).toBe('a + b');
    expect(src.slice(s.span.start, s.span.end)).toBe('"sum {a + b} of {f("x{y}")}!"');
  });

  it('keeps a plain string as one text part and omits empty parts around interpolations', () => {
    expect((expr('""') as A.StringLit).parts).toEqual(['']);
    expect((expr('"{x}"') as A.StringLit).parts.length).toBe(1);
    expect(ex('"{x}{y}"')).toBe('"{x}{y}"');
  });

  it('parses raw strings', () => {
    const s = expr('r"a\\n{x}"') as A.StringLit;
    expect(s.raw).toBe(true);
    expect(s.parts).toEqual(['a\\n{x}']);
  });

  it('reports an empty interpolation', () => {
    expect(errors('cell f()\n  "a{}b"\nend')).toEqual(['2:E0011']);
  });
});

describe('parser: expression forms', () => {
  it('parses calls with named arguments, modes and spread', () => {
    expect(ex('clamp(v, lo: 0, hi: 10)')).toBe('(call clamp v lo:0 hi:10)');
    expect(ex('move_into(mut ref xs, ref ys, zs)')).toBe('(call move_into mutref xs ref ys zs)');
    expect(ex('Point(..p, x: 3)')).toBe('(call Point ..p x:3)');
    expect(ex('Point(x: 1, y: 2)')).toBe('(call Point x:1 y:2)');
    expect(ex('f()')).toBe('(call f)');
  });

  it('parses if / else if / else as one expression with one end', () => {
    const e = expr('if a\n  1\nelse if b\n  2\nelse\n  3\nend') as A.IfExpr;
    expect(e.kind).toBe('If');
    expect(sx(e.cond)).toBe('a');
    const elif = e.else as A.IfExpr;
    expect(elif.kind).toBe('If');
    expect(sx(elif.cond)).toBe('b');
    expect((elif.else as A.Block).stmts.length).toBe(1);
    const l = stmt('let x = if c\n  1\nelse\n  2\nend') as A.LetStmt;
    expect(l.init.kind).toBe('If');
  });

  it('parses quantifiers, bounded, typed and nested', () => {
    expect(ex('forall i in 0..len(xs) => xs[i] >= 0')).toBe('(forall i in (.. 0 (call len xs)) (>= (index xs i) 0))');
    expect(ex('exists x in xs => x == key')).toBe('(exists x in xs (== x key))');
    expect(ex('forall i: Int => f(i) >= 0')).toBe('(forall i:Int (>= (call f i) 0))');
    expect(ex('forall i in 0..n => forall j in i..n => a implies b')).toBe(
      '(forall i in (.. 0 n) (forall j in (.. i n) (implies a b)))',
    );
    expect(ex('r == -1 implies (forall i in 0..n => x != k)')).toBe('(implies (== r (- 1)) (forall i in (.. 0 n) (!= x k)))');
  });

  it('parses old, halt, resume, perform', () => {
    expect(ex('old(x) + 1')).toBe('(+ (old x) 1)');
    expect(ex('halt("boom")')).toBe('(halt "boom")');
    expect(ex('halt()')).toBe('(halt _)');
    expect(ex('resume(v)')).toBe('(resume v)');
    expect(ex('resume()')).toBe('(resume _)');
    expect(ex('perform Net.get(urls[i])')).toBe('(perform Net.get (index urls i))');
    expect(ex('calls(Net) == i')).toBe('(== (call calls Net) i)');
    expect(ex('state(f) == Open')).toBe('(== (call state f) Open)');
  });

  it('parses match with guards, single-line and multi-line arms', () => {
    const m = expr(
      [
        'match s',
        '  0 -> "zero"',
        '  n if n > 0 -> "positive"',
        '  Circle(r) ->',
        '    let d = 2.0 * r',
        '    d',
        '  Rect(w, h) -> w * h',
        '  _ ->',
        '    halt("other")',
        'end',
      ].join('\n'),
    ) as A.MatchExpr;
    expect(m.kind).toBe('Match');
    expect(m.arms.map((a) => a.body.stmts.length)).toEqual([1, 1, 2, 1, 1]);
    expect(sx(m.arms[1]!.guard)).toBe('(> n 0)');
    expect(m.arms[2]!.body.stmts[0]!.kind).toBe('Let');
  });

  it('ends a multi-line arm at `end` and nests blocks inside arms', () => {
    const m = expr(['match x', '  1 ->', '    if c', '      a', '    else', '      b', '    end', 'end'].join('\n')) as A.MatchExpr;
    expect(m.arms.length).toBe(1);
    expect(m.arms[0]!.body.stmts[0]!.kind).toBe('ExprStmt');
    // A single-line arm whose body is a multi-line expression.
    const m2 = expr(['match x', '  1 -> if c', '    a', '  else', '    b', '  end', '  _ -> 0', 'end'].join('\n')) as A.MatchExpr;
    expect(m2.arms.length).toBe(2);
  });

  it('parses handle with single-line and multi-line handlers', () => {
    const h = expr(
      [
        'handle',
        '  let pages = fetch_all(["a", "b"])',
        '  print(len(pages))',
        'with',
        '  Net.get(url) => resume("<" ++ url ++ ">")',
        '  Log.write(msg, level) =>',
        '    print(msg)',
        '    resume(null)',
        'end',
      ].join('\n'),
    ) as A.HandleExpr;
    expect(h.kind).toBe('Handle');
    expect(h.body.stmts.length).toBe(2);
    expect(h.handlers.map((x) => `${x.effect.name}.${x.op.name}/${x.params.length}/${x.body.stmts.length}`)).toEqual([
      'Net.get/1/1',
      'Log.write/2/2',
    ]);
  });

  it('allows block expressions inside brackets', () => {
    const e = expr(['print(match x', '  1 -> "one"', '  _ -> "many"', 'end)'].join('\n')) as A.CallExpr;
    expect(e.args[0]!.value.kind).toBe('Match');
  });
});

describe('parser: patterns', () => {
  function pat(p: string): A.Pattern {
    const m = expr(`match v\n  ${p} -> 0\nend`) as A.MatchExpr;
    return m.arms[0]!.pattern;
  }

  it('parses literal, range, wildcard and binding patterns', () => {
    expect(pat('0')).toMatchObject({ kind: 'PLit', value: 0n });
    expect(pat('-5')).toMatchObject({ kind: 'PLit', value: -5n });
    expect(pat('"s"')).toMatchObject({ kind: 'PLit', value: 's' });
    expect(pat('true')).toMatchObject({ kind: 'PLit', value: true });
    expect(pat('null')).toMatchObject({ kind: 'PLit', value: null });
    expect(pat('0..=59')).toMatchObject({ kind: 'PRange', lo: 0n, hi: 59n, inclusive: true });
    expect(pat('-10..-1')).toMatchObject({ kind: 'PRange', lo: -10n, hi: -1n, inclusive: false });
    expect(pat('_')).toMatchObject({ kind: 'PWild' });
    expect(pat('Empty')).toMatchObject({ kind: 'PBind', name: { name: 'Empty' } });
  });

  it('parses constructor patterns', () => {
    const c = pat('Circle(r)') as A.CtorPattern;
    expect(c.path.map((i) => i.name)).toEqual(['Circle']);
    expect(c.args![0]!.pattern).toMatchObject({ kind: 'PBind', name: { name: 'r' } });
    const q = pat('Shape.Circle(r)') as A.CtorPattern;
    expect(q.path.map((i) => i.name)).toEqual(['Shape', 'Circle']);
    expect(pat('Shape.Empty')).toMatchObject({ kind: 'PCtor', args: null });
    const t = pat('Token(id:)') as A.CtorPattern;
    expect(t.args![0]!.name!.name).toBe('id');
    expect(t.args![0]!.pattern).toMatchObject({ kind: 'PBind', name: { name: 'id' } });
    const r = pat('Rect(w: 0, h: b)') as A.CtorPattern;
    expect(r.args!.map((a) => `${a.name!.name}=${a.pattern.kind}`)).toEqual(['w=PLit', 'h=PBind']);
    expect(pat('ok(v)')).toMatchObject({ kind: 'PCtor', path: [{ name: 'ok' }] });
  });

  it('parses tuple and type patterns', () => {
    expect(pat('(a, _)')).toMatchObject({ kind: 'PTuple', elems: [{ kind: 'PBind' }, { kind: 'PWild' }] });
    expect(pat('n: Int')).toMatchObject({ kind: 'PType', name: { name: 'n' }, type: { kind: 'TName' } });
    expect(pat('(n)')).toMatchObject({ kind: 'PBind' });
  });

  it('reports float patterns', () => {
    expect(errors('cell f()\n  match x\n    1.5 -> 0\n  end\nend')).toEqual(['3:E0014']);
  });
});

// ------------------------------------------------------------ statements

describe('parser: statements', () => {
  it('parses let forms', () => {
    expect(stmt('let x = 1')).toMatchObject({ kind: 'Let', mutable: false, type: null, pattern: { kind: 'PBind' } });
    expect(stmt('let mut i = 0')).toMatchObject({ kind: 'Let', mutable: true });
    expect(stmt('let (a, b) = t')).toMatchObject({ pattern: { kind: 'PTuple' } });
    expect(stmt('let Token(id:) = t')).toMatchObject({ pattern: { kind: 'PCtor' } });
    const k = stmt('let k: Nat where k > 0 = n - 1') as A.LetStmt;
    expect(k.type).toMatchObject({ kind: 'TRefined', base: { kind: 'TName' } });
    expect(sx(k.init)).toBe('(- n 1)');
  });

  it('parses assignments to names, indexes and fields', () => {
    expect(stmt('i = i + 1')).toMatchObject({ kind: 'Assign', op: '=', target: { kind: 'Name' } });
    expect(stmt('i += 1')).toMatchObject({ op: '+=' });
    expect(stmt('i -= 1')).toMatchObject({ op: '-=' });
    expect(stmt('i *= 2')).toMatchObject({ op: '*=' });
    expect(stmt('xs[i] = v')).toMatchObject({ target: { kind: 'Index' } });
    expect(stmt('p.x = 3')).toMatchObject({ target: { kind: 'Field' } });
    expect(errors('cell f()\n  f(x) = 3\nend')).toEqual(['2:E0017']);
  });

  it('parses loops with invariants and decreases', () => {
    const w = stmt('while i < n\n  invariant 0 <= i\n  invariant i <= n\n  decreases n - i\n  i += 1\nend') as A.WhileStmt;
    expect(w.invariants.length).toBe(2);
    expect(sx(w.decreases)).toBe('(- n i)');
    expect(w.body.stmts.length).toBe(1);
    const f = stmt('for i in 0..n\n  invariant s >= 0\n  s += i\nend') as A.ForStmt;
    expect(sx(f.iterable)).toBe('(.. 0 n)');
    expect(f.invariants.length).toBe(1);
    const g = stmt('for (k, v) in pairs\n  print(k)\nend') as A.ForStmt;
    expect(g.pattern.kind).toBe('PTuple');
  });

  it('parses return, break, continue, assert, assume', () => {
    expect(body('return\nreturn x + 1\nbreak\ncontinue\nassert x > 0\nassume y != 0').map((s) => s.kind)).toEqual([
      'Return',
      'Return',
      'Break',
      'Continue',
      'Assert',
      'Assume',
    ]);
    expect((body('return')[0] as A.ReturnStmt).value).toBeNull();
  });

  it('reports misplaced specification clauses', () => {
    expect(errors('cell f()\n  let x = 1\n  requires x > 0\nend')).toEqual(['3:E0016']);
    expect(errors('cell f()\n  while c\n    x = 1\n    invariant x > 0\n  end\nend')).toEqual(['4:E0016']);
    expect(errors('cell f()\n  decreases n\n  decreases m\n  1\nend')).toEqual(['3:E0021']);
  });
});

// ------------------------------------------------------------ declarations

describe('parser: declarations', () => {
  it('parses cells with modifiers, generics, modes, refinements, effects and contracts', () => {
    const m = parseOk(
      [
        'pub pure cell f[T](a: Int, b: Int where b != 0, c: owned T, d: ref list[T], e: mut ref Int) -> Int where result >= 0 / {Net, Log(max_calls: 2)}',
        '  requires a > 0',
        '  ensures result == a / b',
        '  ensures old(e) <= e',
        '  decreases a',
        '  a / b',
        'end',
      ].join('\n'),
    );
    const c = m.decls[0] as A.CellDecl;
    expect(c).toMatchObject({ kind: 'Cell', pub: true, pure: true, extern: false, name: { name: 'f' } });
    expect(c.typeParams.map((t) => t.name)).toEqual(['T']);
    expect(c.params.map((p) => `${p.name.name}:${p.mode}:${p.type.kind}`)).toEqual([
      'a:value:TName',
      'b:value:TRefined',
      'c:owned:TName',
      'd:ref:TName',
      'e:mutref:TName',
    ]);
    expect(c.ret).toMatchObject({ kind: 'TRefined', base: { kind: 'TName', name: { name: 'Int' } } });
    expect(c.effects.map((e) => `${e.name.name}:${e.maxCalls === null ? '-' : sx(e.maxCalls)}`)).toEqual(['Net:-', 'Log:2']);
    expect(c.requires.length).toBe(1);
    expect(c.ensures.length).toBe(2);
    expect(sx(c.decreases)).toBe('a');
    expect(c.body!.stmts.length).toBe(1);
  });

  it('parses a return refinement that ends in a division before the effect row', () => {
    const c = parseOk('cell f(x: Int) -> Int where result > x / 2 / {Net}\n  x\nend').decls[0] as A.CellDecl;
    expect(sx((c.ret as A.TRefined).predicate)).toBe('(> result (/ x 2))');
    expect(c.effects.length).toBe(1);
  });

  it('parses extern cells without a body, with contracts', () => {
    const m = parseOk('extern cell now() -> Int where result >= 0\n  ensures result < 100\nextern cell open(f: mut ref File) -> Null\ncell g()\n  1\nend');
    expect(m.decls.map((d) => d.kind)).toEqual(['Cell', 'Cell', 'Cell']);
    expect((m.decls[0] as A.CellDecl).body).toBeNull();
    expect((m.decls[0] as A.CellDecl).ensures.length).toBe(1);
    expect((m.decls[1] as A.CellDecl).params[0]!.mode).toBe('mutref');
    expect((m.decls[2] as A.CellDecl).body).not.toBeNull();
  });

  it('parses records, linear records and field refinements', () => {
    const m = parseOk('pub linear record Tx[T]\n  id: Int where id >= 0\n  items: list[T]\nend\nrecord P\nend');
    const r = m.decls[0] as A.RecordDecl;
    expect(r).toMatchObject({ kind: 'Record', pub: true, linear: true });
    expect(r.fields.map((f) => `${f.name.name}:${f.type.kind}`)).toEqual(['id:TRefined', 'items:TName']);
    expect((m.decls[1] as A.RecordDecl).fields).toEqual([]);
  });

  it('parses enums with named and positional payloads', () => {
    const e = parseOk('enum Shape[T]\n  Circle(radius: Float)\n  Rect(Float, Float)\n  Empty\nend').decls[0] as A.EnumDecl;
    expect(e.typeParams.map((t) => t.name)).toEqual(['T']);
    expect(e.variants.map((v) => `${v.name.name}(${v.fields.map((f) => (f.name ? f.name.name : '_')).join(',')})`)).toEqual([
      'Circle(radius)',
      'Rect(_,_)',
      'Empty()',
    ]);
  });

  it('parses type aliases with refinements and generics', () => {
    const m = parseOk('type Percent = Int where self >= 0 and self <= 100\npub type Pair[A, B] = (A, B)\ntype O = Int? | String');
    expect(m.decls[0]).toMatchObject({ kind: 'TypeAlias', type: { kind: 'TRefined' } });
    expect(m.decls[1]).toMatchObject({ pub: true, type: { kind: 'TTuple' } });
    expect(m.decls[2]).toMatchObject({ type: { kind: 'TUnion', members: [{ kind: 'TOptional' }, { kind: 'TName' }] } });
  });

  it('parses types: generics, tuples, unions, optionals, qualified names', () => {
    const t = (src: string): A.TypeExpr => (parseOk(`type X = ${src}`).decls[0] as A.TypeAliasDecl).type;
    expect(t('map[String, list[Int]]')).toMatchObject({ kind: 'TName', args: [{ kind: 'TName' }, { kind: 'TName', args: [{}] }] });
    expect(t('result[Int, String]')).toMatchObject({ kind: 'TName', name: { name: 'result' } });
    expect(t('geometry.Point')).toMatchObject({ kind: 'TName', name: { name: 'geometry.Point' } });
    expect(t('(Int,)')).toMatchObject({ kind: 'TTuple', elems: [{}] });
    expect(t('(Int)')).toMatchObject({ kind: 'TName' });
    expect(t('()')).toMatchObject({ kind: 'TTuple', elems: [] });
    expect(t('(A | B)?')).toMatchObject({ kind: 'TOptional', inner: { kind: 'TUnion' } });
    expect(t('Int??')).toMatchObject({ kind: 'TOptional', inner: { kind: 'TOptional' } });
  });

  it('parses effect declarations', () => {
    const e = parseOk('effect Net\n  cell get(url: String) -> String\n  cell post(url: String, body: String)\nend').decls[0] as A.EffectDecl;
    expect(e.ops.map((o) => `${o.name.name}/${o.params.length}/${o.body === null}`)).toEqual(['get/1/true', 'post/2/true']);
  });

  it('parses typestate declarations', () => {
    const t = parseOk(
      [
        'typestate File',
        '  states Closed, Open',
        '  initial Closed',
        '  final Closed',
        '  open(f): Closed -> Open',
        '  close(f): Open -> Closed',
        '  try_open(f): Closed -> Open if result, Closed otherwise',
        '  reset(f): Open, Closed -> Closed',
        'end',
      ].join('\n'),
    ).decls[0] as A.TypestateDecl;
    expect(t.states.map((s) => s.name)).toEqual(['Closed', 'Open']);
    expect(t.initial.name).toBe('Closed');
    expect(t.finals.map((s) => s.name)).toEqual(['Closed']);
    expect(
      t.transitions.map((x) => `${x.cell.name}(${x.param.name}) ${x.from.map((f) => f.name).join('|')}->${x.to.name}/${x.otherwise?.name ?? '-'}`),
    ).toEqual(['open(f) Closed->Open/-', 'close(f) Open->Closed/-', 'try_open(f) Closed->Open/Closed', 'reset(f) Open|Closed->Closed/-']);
  });

  it('reports a typestate without an initial state', () => {
    expect(errors('typestate F\n  states A\nend')).toEqual(['1:E0020']);
  });

  it('parses imports', () => {
    const m = parseOk('import utils: clamp, Percent as P\nimport geo: *');
    expect(m.decls[0]).toMatchObject({ kind: 'Import', module: { name: 'utils' } });
    const items = (m.decls[0] as A.ImportDecl).items as A.ImportItem[];
    expect(items.map((i) => `${i.name.name}${i.alias ? ' as ' + i.alias.name : ''}`)).toEqual(['clamp', 'Percent as P']);
    expect((m.decls[1] as A.ImportDecl).items).toBe('*');
  });

  it('rejects modifiers that do not apply', () => {
    expect(errors('pure record R\nend')).toEqual(['1:E0018']);
    expect(errors('linear cell f()\nend')).toEqual(['1:E0018']);
    expect(errors('pub import m: *')).toEqual(['1:E0018']);
  });

  it('accepts the version directive and comments anywhere', () => {
    parseOk('@lumen 1\n# a comment\ncell f() -> Int # trailing\n  # inside\n  1\nend\n');
  });

  it('gives the module and its declarations spans over the source', () => {
    const src = 'cell f() -> Int\n  1\nend\n';
    const m = parseOk(src);
    expect(m.span).toEqual({ file: 't.lm', start: 0, end: src.length });
    expect(src.slice(m.decls[0]!.span.start, m.decls[0]!.span.end)).toBe('cell f() -> Int\n  1\nend');
  });
});

// ------------------------------------------------------------ error recovery

describe('parser: error recovery', () => {
  it('reports several independent errors in one run, each at its line', () => {
    const src = [
      'cell a(x: Int) -> Int', // 1
      '  let y = x +', // 2: missing operand
      '  y',
      'end',
      '',
      'cell b(x: Int y: Int) -> Int', // 6: missing comma
      '  x',
      'end',
      '',
      'record P',
      '  x Int', // 11: missing colon
      'end',
      '',
      'cell c() -> Int',
      '  let = 5', // 15: missing pattern
      '  print(foo(1, 2)', // 16: missing paren
      '  let z = 3',
      '  z',
      'end',
    ].join('\n');
    expect(errors(src)).toEqual(['2:E0011', '6:E0010', '11:E0010', '15:E0014', '16:E0010']);
    // The declarations are still there.
    expect(parseSrc(src).module.decls.map((d) => d.kind)).toEqual(['Cell', 'Cell', 'Record', 'Cell']);
  });

  it('reports a missing end at the block whose end is missing', () => {
    expect(errors('cell a(x: Int) -> Int\n  if x > 0\n    1\nend\n\ncell b()\n  2\nend')).toEqual(['2:E0013']);
    expect(errors('cell a()\n  while x\n    1\n')).toEqual(['2:E0013']);
    expect(errors('record R\n  x: Int\n\ncell f()\nend')).toEqual(['1:E0013']);
  });

  it('skips garbage between declarations', () => {
    const r = parseSrc('cel f()\n  let x = 1\nend\n\ncell g() -> Int\n  1\nend');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E0012']);
    expect(r.module.decls.map((d) => (d as A.CellDecl).name.name)).toEqual(['g']);
  });

  it('never throws and always makes progress on odd inputs', () => {
    const inputs = [
      '',
      'end',
      'end end end',
      ')',
      '(((((',
      '"',
      '"{',
      '"{"{"{',
      'cell',
      'cell f(',
      'cell f(a: ',
      'cell f() -> ',
      'cell f() /',
      'match',
      'cell f()\n  match x\n    ->\n  end\nend',
      'cell f()\n  x = = = 3\nend',
      'cell f()\n  handle\n  with\n    .(',
      'typestate\n  (',
      'import',
      'import m:',
      'pub pub pub',
      'record R\n  x: Int where\nend',
      'enum E\n  A(\nend',
      'cell f()\n  forall\nend',
      'cell f()\n  let x = [1, 2\n  y = 3\nend',
      'cell f()\n  -\nend',
      '@lumen',
      '\\',
      'cell f()\n  else\n  with\n  end\nend',
      '-'.repeat(5000),
      '('.repeat(5000),
      '['.repeat(3000) + ']'.repeat(3000),
      'cell f()\n' + '  if x\n'.repeat(400) + 'end\n'.repeat(401),
    ];
    for (const src of inputs) {
      const file = makeSourceFile('t.lm', src);
      const r = parse(file);
      expect(r.module.kind).toBe('Module');
      for (const d of r.diagnostics) {
        expect(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= src.length).toBe(true);
      }
    }
  });

  it('reports nesting that is too deep instead of overflowing the stack', () => {
    expect(errors('cell f()\n  ' + '('.repeat(5000) + '\nend')).toContain('2:E0019');
  });
});
