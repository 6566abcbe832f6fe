// Property: printing an AST and parsing the text gives the same AST back
// (spans aside). Random trees cover every expression, statement, pattern,
// type and declaration form; the printer and the parser must agree on
// precedence, associativity, layout (multi-line match arms) and escapes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { stripSpans } from './dump.js';
import { parse } from './parser.js';
import { printExpr, printModule, printPattern, printType } from './printer.js';
import { makeSourceFile, type Span } from './span.js';

const S: Span = { file: 'gen', start: 0, end: 0 };

const id = (name: string): A.Ident => ({ name, span: S });

// Names: never keywords; contextual words are fine.
const NAMES = ['a', 'b', 'x', 'y2', 'n', 'xs', 'foo_bar', 'Point', 'Circle', 'result', 'state', 'calls', 'initial', 'final', 'states', 'otherwise', 'é'];
const TYPE_NAMES = ['Int', 'Float', 'Bool', 'String', 'Null', 'list', 'map', 'Point', 'T', 'geo.Point', 'result'];
const FLOAT_TEXTS = ['3.14', '0.5', '1e-9', '2.5e10', '1E+3', '1_000.5', '0.0'];

const name = fc.constantFrom(...NAMES);
const ident = name.map(id);
const typeName = fc.constantFrom(...TYPE_NAMES).map(id);

const textChar = fc.oneof(
  fc.constantFrom('a', 'b', ' ', 'z', '0', '#', '"', '\\', '{', '}', '\n', '\t', '\r', '\0', '\u0001', 'é', '😀', '//', '->', "'"),
);
const text = fc.array(textChar, { maxLength: 6 }).map((cs) => cs.join(''));
const nonEmptyText = fc.array(textChar, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
const rawText = fc.array(fc.constantFrom('a', ' ', '\\', '{', '}', 'n', '#', 'é'), { maxLength: 6 }).map((cs) => cs.join(''));

const intValue = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }));

const BINARY_OPS: A.BinaryOp[] = ['+', '-', '*', '/', '//', '%', '**', '++', '==', '!=', '<', '<=', '>', '>=', 'in', 'and', 'or', 'implies', '..', '..='];

const leaf: fc.Arbitrary<A.Expr> = fc.oneof(
  intValue.map((value): A.Expr => ({ kind: 'Int', value, span: S })),
  fc.constantFrom(...FLOAT_TEXTS).map((t): A.Expr => ({ kind: 'Float', value: Number(t.replace(/_/g, '')), text: t, span: S })),
  fc.boolean().map((value): A.Expr => ({ kind: 'Bool', value, span: S })),
  fc.constant<A.Expr>({ kind: 'Null', span: S }),
  text.map((t): A.Expr => ({ kind: 'String', parts: [t], raw: false, span: S })),
  rawText.map((t): A.Expr => ({ kind: 'String', parts: [t], raw: true, span: S })),
  fc.oneof(name, fc.constant('self')).map((n): A.Expr => ({ kind: 'Name', name: n, span: S })),
);

/**
 * Expressions up to a depth. `blocks` allows the block-valued forms (if,
 * match, handle), which need newlines and so cannot sit in string
 * interpolations or type refinements.
 */
function exprs(blocks: boolean): (depth: number) => fc.Arbitrary<A.Expr> {
  const self: (depth: number) => fc.Arbitrary<A.Expr> = fc.memo((depth: number): fc.Arbitrary<A.Expr> => {
    if (depth <= 1) return leaf;
    const sub = self(depth - 1);
    const simpleSub = blocks ? simple(depth - 1) : sub;
    const arg = fc
      .record({ name: fc.option(ident, { freq: 3 }), mode: fc.constantFrom<A.ArgMode>('plain', 'plain', 'ref', 'mutref'), value: sub })
      .map((a): A.Arg => ({ ...a, span: S }));
    const options: fc.Arbitrary<A.Expr>[] = [
      leaf,
      fc.record({ op: fc.constantFrom(...BINARY_OPS), left: sub, right: sub }).map((b): A.Expr => ({ kind: 'Binary', ...b, span: S })),
      fc.record({ op: fc.constantFrom<A.UnaryOp>('-', 'not'), operand: sub }).map((u): A.Expr => ({ kind: 'Unary', ...u, span: S })),
      fc
        .record({ callee: sub, args: fc.array(arg, { maxLength: 3 }), spread: fc.option(sub, { freq: 4 }) })
        .map((c): A.Expr => ({ kind: 'Call', ...c, span: S })),
      fc.record({ target: sub, index: sub }).map((i): A.Expr => ({ kind: 'Index', ...i, span: S })),
      fc
        .record({ target: sub, name: fc.oneof(ident, fc.constantFrom('0', '1', '12').map(id)) })
        .map((f): A.Expr => ({ kind: 'Field', ...f, span: S })),
      sub.map((e): A.Expr => ({ kind: 'Try', expr: e, span: S })),
      sub.map((e): A.Expr => ({ kind: 'NonNull', expr: e, span: S })),
      fc.array(sub, { maxLength: 3 }).map((elems): A.Expr => ({ kind: 'List', elems, span: S })),
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })).chain((k) =>
        fc.array(sub, { minLength: k, maxLength: k }).map((elems): A.Expr => ({ kind: 'Tuple', elems, span: S })),
      ),
      interpolated(simpleSub),
      fc
        .record({ effect: ident, op: ident, args: fc.array(arg, { maxLength: 2 }) })
        .map((p): A.Expr => ({ kind: 'Perform', ...p, span: S })),
      fc.option(sub).map((value): A.Expr => ({ kind: 'Resume', value, span: S })),
      fc.option(sub).map((message): A.Expr => ({ kind: 'Halt', message, span: S })),
      sub.map((e): A.Expr => ({ kind: 'Old', expr: e, span: S })),
      fc
        .record({
          quantifier: fc.constantFrom<'forall' | 'exists'>('forall', 'exists'),
          variable: ident,
          typeAndDomain: fc.oneof(
            fc.tuple(fc.constant(null), sub),
            fc.tuple(type(depth - 1), fc.constant(null)),
            fc.tuple(type(depth - 1), sub),
          ),
          body: sub,
        })
        .map(({ typeAndDomain, ...q }): A.Expr => ({ kind: 'Quant', ...q, type: typeAndDomain[0], domain: typeAndDomain[1], span: S })),
    ];
    if (blocks) {
      const block = blocksOf(depth - 1);
      options.push(ifExpr(sub, block, depth));
      options.push(
        fc
          .record({
            scrutinee: sub,
            arms: fc.array(
              fc.record({ pattern: patterns(true)(3), guard: fc.option(simpleSub, { freq: 3 }), body: block }).map((a): A.MatchArm => ({ ...a, span: S })),
              { maxLength: 3 },
            ),
          })
          .map((m): A.Expr => ({ kind: 'Match', ...m, span: S })),
      );
      options.push(
        fc
          .record({
            body: block,
            handlers: fc.array(
              fc.record({ effect: ident, op: ident, params: fc.array(ident, { maxLength: 2 }), body: block }).map((h): A.Handler => ({ ...h, span: S })),
              { maxLength: 2 },
            ),
          })
          .map((h): A.Expr => ({ kind: 'Handle', ...h, span: S })),
      );
    }
    return fc.oneof(...options);
  });
  return self;
}

const simple = exprs(false);
const full = exprs(true);

/** Operator-heavy expressions, to stress precedence and associativity. */
const operators: (depth: number) => fc.Arbitrary<A.Expr> = fc.memo((depth: number): fc.Arbitrary<A.Expr> => {
  const small = fc.oneof(
    fc.constantFrom('a', 'b', 'c').map((n): A.Expr => ({ kind: 'Name', name: n, span: S })),
    fc.bigInt({ min: 0n, max: 9n }).map((value): A.Expr => ({ kind: 'Int', value, span: S })),
    fc.constant<A.Expr>({ kind: 'Float', value: 1.5, text: '1.5', span: S }),
  );
  if (depth <= 1) return small;
  const sub = operators(depth - 1);
  return fc.oneof(
    small,
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom(...BINARY_OPS), left: sub, right: sub }).map((b): A.Expr => ({ kind: 'Binary', ...b, span: S })) },
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom<A.UnaryOp>('-', 'not'), operand: sub }).map((u): A.Expr => ({ kind: 'Unary', ...u, span: S })) },
    fc
      .record({ variable: fc.constantFrom('i', 'j').map(id), domain: sub, body: sub, quantifier: fc.constantFrom<'forall' | 'exists'>('forall', 'exists') })
      .map((q): A.Expr => ({ kind: 'Quant', type: null, ...q, span: S })),
    fc.record({ target: sub, name: fc.constantFrom('x', '0').map(id) }).map((f): A.Expr => ({ kind: 'Field', ...f, span: S })),
    fc.record({ target: sub, index: sub }).map((i): A.Expr => ({ kind: 'Index', ...i, span: S })),
    sub.map((e): A.Expr => ({ kind: 'Try', expr: e, span: S })),
    sub.map((e): A.Expr => ({ kind: 'NonNull', expr: e, span: S })),
    fc.record({ callee: sub, args: fc.array(sub.map((value): A.Arg => ({ name: null, mode: 'plain', value, span: S })), { maxLength: 2 }) }).map(
      (c): A.Expr => ({ kind: 'Call', ...c, spread: null, span: S }),
    ),
  );
});
const type = types(simple);

function interpolated(sub: fc.Arbitrary<A.Expr>): fc.Arbitrary<A.Expr> {
  // Text and expressions alternate; text parts are never empty.
  return fc
    .tuple(fc.option(nonEmptyText), fc.array(fc.tuple(sub, fc.option(nonEmptyText)), { minLength: 1, maxLength: 3 }))
    .map(([head, rest]): A.Expr => {
      const parts: (string | A.Expr)[] = [];
      if (head !== null) parts.push(head);
      for (const [e, t] of rest) {
        parts.push(e);
        if (t !== null) parts.push(t);
      }
      return { kind: 'String', parts, raw: false, span: S };
    });
}

function ifExpr(sub: fc.Arbitrary<A.Expr>, block: fc.Arbitrary<A.Block>, depth: number): fc.Arbitrary<A.Expr> {
  const elseIf: fc.Arbitrary<A.Block | A.IfExpr | null> =
    depth > 2 ? fc.oneof(fc.constant(null), block, ifExpr(sub, block, depth - 1) as fc.Arbitrary<A.IfExpr>) : fc.oneof(fc.constant(null), block);
  return fc.record({ cond: sub, then: block, else: elseIf }).map((i): A.IfExpr => ({ kind: 'If', ...i, span: S }));
}

// ------------------------------------------------------------ patterns

/** `matchArm` allows `n: T` at the top (it means a let's type annotation elsewhere). */
function patterns(matchArm: boolean): (depth: number) => fc.Arbitrary<A.Pattern> {
  const binder = fc.constantFrom(...NAMES).map(id);
  const leafPattern: fc.Arbitrary<A.Pattern> = fc.oneof(
    fc.constant<A.Pattern>({ kind: 'PWild', span: S }),
    binder.map((n): A.Pattern => ({ kind: 'PBind', name: n, span: S })),
    fc
      .oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), text, fc.boolean(), fc.constant(null))
      .map((value): A.Pattern => ({ kind: 'PLit', value, span: S })),
    fc
      .record({ lo: fc.bigInt({ min: -100n, max: 100n }), hi: fc.bigInt({ min: -100n, max: 100n }), inclusive: fc.boolean() })
      .map((r): A.Pattern => ({ kind: 'PRange', ...r, span: S })),
    fc.array(binder, { minLength: 2, maxLength: 3 }).map((path): A.Pattern => ({ kind: 'PCtor', path, args: null, span: S })),
  );
  const inner = fc.memo((depth: number): fc.Arbitrary<A.Pattern> => {
    if (depth <= 1) return leafPattern;
    const sub = inner(depth - 1);
    return fc.oneof(
      leafPattern,
      fc
        .record({
          path: fc.array(binder, { minLength: 1, maxLength: 2 }),
          args: fc.array(
            fc.oneof(
              sub.map((pattern): A.CtorPatternArg => ({ name: null, pattern })),
              fc.record({ name: binder, pattern: sub }),
              binder.map((n): A.CtorPatternArg => ({ name: n, pattern: { kind: 'PBind', name: n, span: S } })),
            ),
            { maxLength: 3 },
          ),
        })
        .map((c): A.Pattern => ({ kind: 'PCtor', ...c, span: S })),
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })).chain((k) =>
        fc.array(sub, { minLength: k, maxLength: k }).map((elems): A.Pattern => ({ kind: 'PTuple', elems, span: S })),
      ),
    );
  });
  if (!matchArm) return inner;
  return (depth: number) =>
    fc.oneof(
      inner(depth),
      fc.record({ name: binder, type: type(2) }).map((p): A.Pattern => ({ kind: 'PType', ...p, span: S })),
    );
}

// ------------------------------------------------------------ types

function types(predicates: (depth: number) => fc.Arbitrary<A.Expr>): (depth: number) => fc.Arbitrary<A.TypeExpr> {
  const self = fc.memo((depth: number): fc.Arbitrary<A.TypeExpr> => {
    const tname = fc.record({ name: typeName, args: fc.constant([]) }).map((t): A.TypeExpr => ({ kind: 'TName', ...t, span: S }));
    if (depth <= 1) return tname;
    const sub = self(depth - 1);
    return fc.oneof(
      tname,
      fc.record({ name: typeName, args: fc.array(sub, { minLength: 1, maxLength: 2 }) }).map((t): A.TypeExpr => ({ kind: 'TName', ...t, span: S })),
      fc.array(sub, { maxLength: 3 }).map((elems): A.TypeExpr => ({ kind: 'TTuple', elems, span: S })),
      fc.array(sub, { minLength: 2, maxLength: 3 }).map((members): A.TypeExpr => ({ kind: 'TUnion', members, span: S })),
      sub.map((inner): A.TypeExpr => ({ kind: 'TOptional', inner, span: S })),
      fc.record({ base: sub, predicate: predicates(depth - 1) }).map((t): A.TypeExpr => ({ kind: 'TRefined', ...t, span: S })),
    );
  });
  return self;
}

// ------------------------------------------------------------ statements

const stmtsOf: (depth: number) => fc.Arbitrary<A.Stmt> = fc.memo((depth: number): fc.Arbitrary<A.Stmt> => {
  const e = full(Math.max(1, depth));
  const target = fc.oneof(
    name.map((n): A.Expr => ({ kind: 'Name', name: n, span: S })),
    fc.record({ target: simple(2), index: e }).map((i): A.Expr => ({ kind: 'Index', ...i, span: S })),
    fc.record({ target: simple(2), name: ident }).map((f): A.Expr => ({ kind: 'Field', ...f, span: S })),
  );
  const simpleStmts: fc.Arbitrary<A.Stmt>[] = [
    e.map((expr): A.Stmt => ({ kind: 'ExprStmt', expr, span: S })),
    fc
      .record({ pattern: patterns(false)(3), mutable: fc.boolean(), type: fc.option(type(2), { freq: 3 }), init: e })
      .map((l): A.Stmt => ({ kind: 'Let', ...l, span: S })),
    fc
      .record({ target, op: fc.constantFrom<A.AssignOp>('=', '+=', '-=', '*='), value: e })
      .map((a): A.Stmt => ({ kind: 'Assign', ...a, span: S })),
    fc.option(e).map((value): A.Stmt => ({ kind: 'Return', value, span: S })),
    fc.constant<A.Stmt>({ kind: 'Break', span: S }),
    fc.constant<A.Stmt>({ kind: 'Continue', span: S }),
    e.map((cond): A.Stmt => ({ kind: 'Assert', cond, span: S })),
    e.map((cond): A.Stmt => ({ kind: 'Assume', cond, span: S })),
  ];
  if (depth <= 1) return fc.oneof(...simpleStmts);
  const body = blocksOf(depth - 1);
  const specs = { invariants: fc.array(simple(2), { maxLength: 2 }), decreases: fc.option(simple(2)) };
  return fc.oneof(
    ...simpleStmts,
    fc.record({ cond: e, ...specs, body }).map((w): A.Stmt => ({ kind: 'While', ...w, span: S })),
    fc.record({ pattern: patterns(false)(2), iterable: e, ...specs, body }).map((f): A.Stmt => ({ kind: 'For', ...f, span: S })),
  );
});

function blocksOf(depth: number): fc.Arbitrary<A.Block> {
  return fc.array(stmtsOf(depth), { maxLength: 3 }).map((stmts): A.Block => ({ kind: 'Block', stmts, span: S }));
}

// ------------------------------------------------------------ declarations

const param = fc
  .record({ name: ident, mode: fc.constantFrom<A.ParamMode>('value', 'owned', 'ref', 'mutref'), type: type(3) })
  .map((p): A.Param => ({ kind: 'Param', ...p, span: S }));

const effectRef = fc
  .record({ name: fc.constantFrom('Net', 'Log', 'io.Disk').map(id), maxCalls: fc.option(simple(2)) })
  .map((e): A.EffectRef => ({ kind: 'EffectRef', ...e, span: S }));

function cellDecl(kind: 'cell' | 'extern' | 'op'): fc.Arbitrary<A.CellDecl> {
  return fc
    .record({
      name: ident,
      pub: kind === 'op' ? fc.constant(false) : fc.boolean(),
      pure: kind === 'op' ? fc.constant(false) : fc.boolean(),
      typeParams: fc.array(fc.constantFrom('T', 'U').map(id), { maxLength: 2 }),
      params: fc.array(param, { maxLength: 3 }),
      ret: fc.option(type(3)),
      effects: fc.array(effectRef, { maxLength: 2 }),
      requires: fc.array(simple(3), { maxLength: 2 }),
      ensures: fc.array(simple(3), { maxLength: 2 }),
      decreases: fc.option(simple(2), { freq: 3 }),
      body: kind === 'cell' ? blocksOf(3) : fc.constant(null),
    })
    .map((c): A.CellDecl => ({ kind: 'Cell', extern: kind === 'extern', ...c, span: S }));
}

const decl: fc.Arbitrary<A.Decl> = fc.oneof(
  { weight: 4, arbitrary: cellDecl('cell') },
  cellDecl('extern'),
  fc
    .record({
      name: ident,
      pub: fc.boolean(),
      linear: fc.boolean(),
      typeParams: fc.array(fc.constantFrom('T', 'U').map(id), { maxLength: 2 }),
      fields: fc.array(fc.record({ name: ident, type: type(3) }).map((f): A.FieldDecl => ({ kind: 'Field', ...f, span: S })), { maxLength: 3 }),
    })
    .map((r): A.Decl => ({ kind: 'Record', ...r, span: S })),
  fc
    .record({
      name: ident,
      pub: fc.boolean(),
      typeParams: fc.array(fc.constantFrom('T', 'U').map(id), { maxLength: 2 }),
      variants: fc.array(
        fc
          .record({
            name: ident,
            fields: fc.array(fc.record({ name: fc.option(ident), type: type(2) }).map((f) => ({ ...f, span: S })), { maxLength: 2 }),
          })
          .map((v): A.VariantDecl => ({ kind: 'Variant', ...v, span: S })),
        { maxLength: 3 },
      ),
    })
    .map((e): A.Decl => ({ kind: 'Enum', ...e, span: S })),
  fc
    .record({ name: ident, pub: fc.boolean(), typeParams: fc.array(fc.constantFrom('T', 'U').map(id), { maxLength: 2 }), type: type(3) })
    .map((t): A.Decl => ({ kind: 'TypeAlias', ...t, span: S })),
  fc
    .record({ name: ident, pub: fc.boolean(), ops: fc.array(cellDecl('op'), { maxLength: 2 }) })
    .map((e): A.Decl => ({ kind: 'Effect', ...e, span: S })),
  fc
    .record({
      name: ident,
      states: fc.array(ident, { maxLength: 3 }),
      initial: ident,
      finals: fc.array(ident, { maxLength: 2 }),
      transitions: fc.array(
        fc
          .record({ cell: ident, param: ident, from: fc.array(ident, { minLength: 1, maxLength: 2 }), to: ident, otherwise: fc.option(ident) })
          .map((t): A.TypestateTransition => ({ kind: 'Transition', ...t, span: S })),
        { maxLength: 3 },
      ),
    })
    .map((t): A.Decl => ({ kind: 'Typestate', ...t, span: S })),
  fc
    .record({
      module: fc.constantFrom('utils', 'geo.shapes').map(id),
      items: fc.oneof(
        fc.constant<'*'>('*'),
        fc.array(fc.record({ name: ident, alias: fc.option(ident) }), { minLength: 1, maxLength: 3 }),
      ),
    })
    .map((i): A.Decl => ({ kind: 'Import', ...i, span: S })),
);

// ------------------------------------------------------------ properties

function reparse(src: string): { module: A.Module; messages: string[] } {
  const r = parse(makeSourceFile('gen.lm', src));
  return { module: r.module, messages: r.diagnostics.map((d) => `${d.code} ${d.message} @${d.span.start}`) };
}

function wrapStmts(stmts: readonly A.Stmt[]): A.Module {
  const cell: A.CellDecl = {
    kind: 'Cell',
    name: id('t'),
    pub: false,
    pure: false,
    extern: false,
    typeParams: [],
    params: [],
    ret: null,
    effects: [],
    requires: [],
    ensures: [],
    decreases: null,
    body: { kind: 'Block', stmts, span: S },
    span: S,
  };
  return { kind: 'Module', file: 'gen', decls: [cell], span: S };
}

function checkModule(m: A.Module): void {
  const src = printModule(m);
  const r = reparse(src);
  if (r.messages.length > 0) throw new Error(`diagnostics for\n${src}\n${r.messages.join('\n')}`);
  expect(stripSpans(r.module.decls)).toEqual(stripSpans(m.decls));
}

const RUNS = 300;

describe('printer/parser round trip', () => {
  it('operator expressions (precedence, associativity, parentheses)', () => {
    fc.assert(
      fc.property(operators(7), (e) => {
        checkModule(wrapStmts([{ kind: 'ExprStmt', expr: e, span: S }]));
      }),
      { numRuns: RUNS * 3 },
    );
  }, 60_000);

  it('expressions', () => {
    fc.assert(
      fc.property(full(5), (e) => {
        checkModule(wrapStmts([{ kind: 'ExprStmt', expr: e, span: S }]));
      }),
      { numRuns: RUNS * 2 },
    );
  }, 60_000);

  it('statements and blocks', () => {
    fc.assert(
      fc.property(fc.array(stmtsOf(4), { minLength: 1, maxLength: 4 }), (stmts) => {
        checkModule(wrapStmts(stmts));
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('declarations', () => {
    fc.assert(
      fc.property(fc.array(decl, { minLength: 1, maxLength: 3 }), (decls) => {
        checkModule({ kind: 'Module', file: 'gen', decls, span: S });
      }),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('types and patterns print as they parse', () => {
    fc.assert(
      fc.property(type(4), patterns(true)(4), (t, p) => {
        const src = `type X = ${printType(t)}\ncell f()\n  match v\n    ${printPattern(p)} -> 0\n  end\nend\n`;
        const r = reparse(src);
        if (r.messages.length > 0) throw new Error(`diagnostics for\n${src}\n${r.messages.join('\n')}`);
        expect(stripSpans((r.module.decls[0] as A.TypeAliasDecl).type)).toEqual(stripSpans(t));
        const m = ((r.module.decls[1] as A.CellDecl).body!.stmts[0] as A.ExprStmt).expr as A.MatchExpr;
        expect(stripSpans(m.arms[0]!.pattern)).toEqual(stripSpans(p));
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});

describe('printExpr', () => {
  const e = (src: string): A.Expr => {
    const r = reparse(`cell t()\n  ${src}\nend\n`);
    expect(r.messages).toEqual([]);
    return ((r.module.decls[0] as A.CellDecl).body!.stmts[0] as A.ExprStmt).expr;
  };

  it('uses minimal parentheses', () => {
    for (const src of [
      'a + b * c',
      '(a + b) * c',
      'a - (b - c)',
      'a - b - c',
      '-x ** 2',
      '(-x) ** 2',
      '2 ** 3 ** 2',
      '(2 ** 3) ** 2',
      'a implies b implies c',
      '(a implies b) implies c',
      'not a and b',
      'not (a and b)',
      '(not a) == b',
      'a and not b',
      '0..len(xs)',
      'x in 0..n + 1',
      'f(x).y[0]?!',
      '(a + b).c',
      '(5).0',
      '-(-x)',
      'result == -1 implies (forall i in 0..len(xs) => xs[i] != key)',
      '(forall i in xs => i > 0) and b',
      'Point(..p, x: 3, y: mut ref z)',
      '"a {x + 1} b \\{ \\n"',
      'r"raw \\n"',
    ]) {
      expect(printExpr(e(src))).toBe(src);
    }
  });
});
