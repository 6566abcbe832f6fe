// The AST printer: turns a syntax tree back into Lumen source. The output
// re-parses to the same tree (modulo spans) and uses as few parentheses as
// the precedence rules allow, so `printExpr` is also what diagnostics use to
// show an asserted expression in Lumen syntax.
//
// Known limits: a `BlockExpr` (which has no Lumen syntax) is printed as
// `if true … end`, and block-valued expressions (`if`, `match`, `handle`)
// inside string interpolations cannot be printed on one line.

import type * as A from './ast.js';

const INDENT = '  ';

// Binding powers; must agree with parser.ts.
const PREC_QUANT = 0;
const PREC_IMPLIES = 1;
const PREC_OR = 2;
const PREC_AND = 3;
const PREC_NOT = 4;
const PREC_CMP = 5;
const PREC_CONCAT = 6;
const PREC_RANGE = 7;
const PREC_ADD = 8;
const PREC_MUL = 9;
const PREC_UNARY = 10;
const PREC_POW = 11;
const PREC_POSTFIX = 12;
const PREC_PRIMARY = 13;

function binaryPrec(op: A.BinaryOp): number {
  switch (op) {
    case 'implies':
      return PREC_IMPLIES;
    case 'or':
      return PREC_OR;
    case 'and':
      return PREC_AND;
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'in':
      return PREC_CMP;
    case '++':
      return PREC_CONCAT;
    case '..':
    case '..=':
      return PREC_RANGE;
    case '+':
    case '-':
      return PREC_ADD;
    case '*':
    case '/':
    case '//':
    case '%':
      return PREC_MUL;
    case '**':
      return PREC_POW;
    default:
      return assertNever(op);
  }
}

function exprPrec(e: A.Expr): number {
  switch (e.kind) {
    case 'Binary':
      return binaryPrec(e.op);
    case 'Unary':
      return e.op === 'not' ? PREC_NOT : PREC_UNARY;
    case 'Quant':
      return PREC_QUANT;
    case 'Call':
    case 'Index':
    case 'Field':
    case 'Try':
    case 'NonNull':
      return PREC_POSTFIX;
    default:
      return PREC_PRIMARY;
  }
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected node ${JSON.stringify(x)}`);
}

function pad(indent: number): string {
  return INDENT.repeat(indent);
}

// ------------------------------------------------------------ public API

export function printModule(m: A.Module): string {
  const parts: string[] = [];
  for (const d of m.decls) parts.push(printDecl(d));
  return parts.join('\n\n') + (parts.length > 0 ? '\n' : '');
}

export function printDecl(d: A.Decl, indent = 0): string {
  switch (d.kind) {
    case 'Cell':
      return cell(d, indent, false);
    case 'Record':
      return record(d, indent);
    case 'Enum':
      return enumDecl(d, indent);
    case 'TypeAlias':
      return `${pad(indent)}${d.pub ? 'pub ' : ''}type ${d.name.name}${typeParams(d.typeParams)} = ${printType(d.type)}`;
    case 'Effect': {
      const lines = [`${pad(indent)}${d.pub ? 'pub ' : ''}effect ${d.name.name}`];
      for (const op of d.ops) lines.push(cell(op, indent + 1, true));
      lines.push(`${pad(indent)}end`);
      return lines.join('\n');
    }
    case 'Typestate':
      return typestate(d, indent);
    case 'Import': {
      const items =
        d.items === '*' ? '*' : d.items.map((i) => (i.alias ? `${i.name.name} as ${i.alias.name}` : i.name.name)).join(', ');
      return `${pad(indent)}import ${d.module.name}: ${items}`;
    }
    default:
      return assertNever(d);
  }
}

/** An expression on one logical line; nested blocks are indented relative to column 0. */
export function printExpr(e: A.Expr): string {
  return expr(e, 0, PREC_QUANT);
}

/** A statement at the given indentation level (the first line is indented too). */
export function printStmt(s: A.Stmt, indent = 0): string {
  return pad(indent) + stmt(s, indent);
}

export function printType(t: A.TypeExpr): string {
  switch (t.kind) {
    case 'TName':
      return t.args.length === 0 ? t.name.name : `${t.name.name}[${t.args.map(printType).join(', ')}]`;
    case 'TTuple':
      return t.elems.length === 1 ? `(${printType(t.elems[0]!)},)` : `(${t.elems.map(printType).join(', ')})`;
    case 'TUnion':
      return t.members.map((m) => (m.kind === 'TUnion' || m.kind === 'TRefined' ? `(${printType(m)})` : printType(m))).join(' | ');
    case 'TOptional':
      return t.inner.kind === 'TUnion' || t.inner.kind === 'TRefined' ? `(${printType(t.inner)})?` : `${printType(t.inner)}?`;
    case 'TRefined': {
      const base = t.base.kind === 'TRefined' ? `(${printType(t.base)})` : printType(t.base);
      return `${base} where ${expr(t.predicate, 0, PREC_QUANT)}`;
    }
    default:
      return assertNever(t);
  }
}

export function printPattern(p: A.Pattern): string {
  switch (p.kind) {
    case 'PWild':
      return '_';
    case 'PBind':
      return p.name.name;
    case 'PLit':
      return literalPattern(p.value);
    case 'PRange':
      return `${p.lo}${p.inclusive ? '..=' : '..'}${p.hi}`;
    case 'PCtor': {
      const path = p.path.map((i) => i.name).join('.');
      if (p.args === null) return path;
      const args = p.args.map((a) => {
        if (a.name === null) return printPattern(a.pattern);
        if (a.pattern.kind === 'PBind' && a.pattern.name.name === a.name.name) return `${a.name.name}:`;
        return `${a.name.name}: ${printPattern(a.pattern)}`;
      });
      return `${path}(${args.join(', ')})`;
    }
    case 'PTuple':
      return p.elems.length === 1 ? `(${printPattern(p.elems[0]!)},)` : `(${p.elems.map(printPattern).join(', ')})`;
    case 'PType':
      return `${p.name.name}: ${printType(p.type)}`;
    default:
      return assertNever(p);
  }
}

/** Lumen source text of a string literal with the given text. */
export function quoteString(text: string): string {
  return `"${escapeText(text)}"`;
}

// ------------------------------------------------------------ declarations

function typeParams(ps: readonly A.Ident[]): string {
  return ps.length === 0 ? '' : `[${ps.map((p) => p.name).join(', ')}]`;
}

function paramMode(mode: A.ParamMode): string {
  switch (mode) {
    case 'value':
      return '';
    case 'owned':
      return 'owned ';
    case 'ref':
      return 'ref ';
    case 'mutref':
      return 'mut ref ';
    default:
      return assertNever(mode);
  }
}

function cell(d: A.CellDecl, indent: number, isOp: boolean): string {
  const mods = `${d.pub ? 'pub ' : ''}${d.pure ? 'pure ' : ''}${d.extern ? 'extern ' : ''}`;
  const params = d.params.map((p) => `${p.name.name}: ${paramMode(p.mode)}${printType(p.type)}`).join(', ');
  let head = `${pad(indent)}${mods}cell ${d.name.name}${typeParams(d.typeParams)}(${params})`;
  if (d.ret !== null) head += ` -> ${printType(d.ret)}`;
  if (d.effects.length > 0) {
    const effs = d.effects.map((e) => (e.maxCalls === null ? e.name.name : `${e.name.name}(max_calls: ${expr(e.maxCalls, indent, PREC_QUANT)})`));
    head += ` / {${effs.join(', ')}}`;
  }
  const lines = [head];
  const inner = pad(indent + 1);
  for (const r of d.requires) lines.push(`${inner}requires ${expr(r, indent + 1, PREC_QUANT)}`);
  for (const e of d.ensures) lines.push(`${inner}ensures ${expr(e, indent + 1, PREC_QUANT)}`);
  if (d.decreases !== null) lines.push(`${inner}decreases ${expr(d.decreases, indent + 1, PREC_QUANT)}`);
  if (!d.extern && !isOp) {
    if (d.body !== null) for (const s of d.body.stmts) lines.push(inner + stmt(s, indent + 1));
    lines.push(`${pad(indent)}end`);
  }
  return lines.join('\n');
}

function record(d: A.RecordDecl, indent: number): string {
  const lines = [`${pad(indent)}${d.pub ? 'pub ' : ''}${d.linear ? 'linear ' : ''}record ${d.name.name}${typeParams(d.typeParams)}`];
  for (const f of d.fields) lines.push(`${pad(indent + 1)}${f.name.name}: ${printType(f.type)}`);
  lines.push(`${pad(indent)}end`);
  return lines.join('\n');
}

function enumDecl(d: A.EnumDecl, indent: number): string {
  const lines = [`${pad(indent)}${d.pub ? 'pub ' : ''}enum ${d.name.name}${typeParams(d.typeParams)}`];
  for (const v of d.variants) {
    const fields = v.fields.map((f) => (f.name === null ? printType(f.type) : `${f.name.name}: ${printType(f.type)}`));
    lines.push(`${pad(indent + 1)}${v.name.name}${fields.length > 0 ? `(${fields.join(', ')})` : ''}`);
  }
  lines.push(`${pad(indent)}end`);
  return lines.join('\n');
}

function typestate(d: A.TypestateDecl, indent: number): string {
  const inner = pad(indent + 1);
  const names = (xs: readonly A.Ident[]): string => xs.map((x) => x.name).join(', ');
  const lines = [`${pad(indent)}typestate ${d.name.name}`];
  if (d.states.length > 0) lines.push(`${inner}states ${names(d.states)}`);
  lines.push(`${inner}initial ${d.initial.name}`);
  if (d.finals.length > 0) lines.push(`${inner}final ${names(d.finals)}`);
  for (const t of d.transitions) {
    let line = `${inner}${t.cell.name}(${t.param.name}): ${names(t.from)} -> ${t.to.name}`;
    if (t.otherwise !== null) line += ` if result, ${t.otherwise.name} otherwise`;
    lines.push(line);
  }
  lines.push(`${pad(indent)}end`);
  return lines.join('\n');
}

// ------------------------------------------------------------ statements

/** The statement's text; its first line is not indented, later lines are indented absolutely. */
function stmt(s: A.Stmt, indent: number): string {
  switch (s.kind) {
    case 'Let': {
      const type = s.type === null ? '' : `: ${printType(s.type)}`;
      return `let ${s.mutable ? 'mut ' : ''}${printPattern(s.pattern)}${type} = ${expr(s.init, indent, PREC_QUANT)}`;
    }
    case 'Assign':
      return `${expr(s.target, indent, PREC_POSTFIX)} ${s.op} ${expr(s.value, indent, PREC_QUANT)}`;
    case 'ExprStmt':
      return expr(s.expr, indent, PREC_QUANT);
    case 'While':
      return loop(`while ${expr(s.cond, indent, PREC_QUANT)}`, s, indent);
    case 'For':
      return loop(`for ${printPattern(s.pattern)} in ${expr(s.iterable, indent, PREC_QUANT)}`, s, indent);
    case 'Return':
      return s.value === null ? 'return' : `return ${expr(s.value, indent, PREC_QUANT)}`;
    case 'Break':
      return 'break';
    case 'Continue':
      return 'continue';
    case 'Assert':
      return `assert ${expr(s.cond, indent, PREC_QUANT)}`;
    case 'Assume':
      return `assume ${expr(s.cond, indent, PREC_QUANT)}`;
    default:
      return assertNever(s);
  }
}

function loop(head: string, s: A.WhileStmt | A.ForStmt, indent: number): string {
  const inner = pad(indent + 1);
  const lines = [head];
  for (const inv of s.invariants) lines.push(`${inner}invariant ${expr(inv, indent + 1, PREC_QUANT)}`);
  if (s.decreases !== null) lines.push(`${inner}decreases ${expr(s.decreases, indent + 1, PREC_QUANT)}`);
  for (const b of s.body.stmts) lines.push(inner + stmt(b, indent + 1));
  lines.push(`${pad(indent)}end`);
  return lines.join('\n');
}

/** Lines of a block's statements, each indented to `indent`. */
function blockLines(b: A.Block, indent: number, lines: string[]): void {
  const p = pad(indent);
  for (const s of b.stmts) lines.push(p + stmt(s, indent));
}

/** `head -> body` for a match arm or `head => body` for a handler: one line when it fits, else a block. */
function armLines(head: string, arrow: string, body: A.Block, indent: number, lines: string[]): void {
  if (body.stmts.length === 1) {
    const one = stmt(body.stmts[0]!, indent + 1);
    if (one.indexOf('\n') < 0) {
      lines.push(`${pad(indent)}${head} ${arrow} ${one}`);
      return;
    }
  }
  lines.push(`${pad(indent)}${head} ${arrow}`);
  blockLines(body, indent + 1, lines);
}

// ------------------------------------------------------------ expressions

function expr(e: A.Expr, indent: number, minPrec: number): string {
  const s = exprText(e, indent);
  return exprPrec(e) < minPrec ? `(${s})` : s;
}

function exprText(e: A.Expr, indent: number): string {
  switch (e.kind) {
    case 'Int':
      return e.value.toString();
    case 'Float':
      return floatText(e);
    case 'Bool':
      return e.value ? 'true' : 'false';
    case 'Null':
      return 'null';
    case 'String':
      return stringText(e, indent);
    case 'Name':
      return e.name;
    case 'Binary': {
      const p = binaryPrec(e.op);
      let left: string;
      let right: string;
      if (e.op === '**') {
        left = expr(e.left, indent, PREC_POSTFIX);
        right = expr(e.right, indent, PREC_UNARY);
      } else if (e.op === 'implies') {
        left = expr(e.left, indent, p + 1);
        right = expr(e.right, indent, p);
      } else {
        left = expr(e.left, indent, p);
        right = expr(e.right, indent, p + 1);
      }
      if (e.op === '..' || e.op === '..=') return `${left}${e.op}${right}`;
      return `${left} ${e.op} ${right}`;
    }
    case 'Unary': {
      if (e.op === 'not') return `not ${expr(e.operand, indent, PREC_NOT)}`;
      const o = e.operand;
      // `-(-x)` rather than `--x`, and `-(…)` for anything that binds looser.
      if (o.kind === 'Unary' && o.op === '-') return `-(${exprText(o, indent)})`;
      return `-${expr(o, indent, PREC_UNARY)}`;
    }
    case 'Call': {
      const args = e.args.map((a) => arg(a, indent));
      if (e.spread !== null) args.unshift(`..${expr(e.spread, indent, PREC_QUANT)}`);
      return `${expr(e.callee, indent, PREC_POSTFIX)}(${args.join(', ')})`;
    }
    case 'Index':
      return `${expr(e.target, indent, PREC_POSTFIX)}[${expr(e.index, indent, PREC_QUANT)}]`;
    case 'Field': {
      // `(5).0`, not `5.0` (a Float).
      const target = e.target.kind === 'Int' ? `(${exprText(e.target, indent)})` : expr(e.target, indent, PREC_POSTFIX);
      return `${target}.${e.name.name}`;
    }
    case 'Try':
      return `${expr(e.expr, indent, PREC_POSTFIX)}?`;
    case 'NonNull':
      return `${expr(e.expr, indent, PREC_POSTFIX)}!`;
    case 'List':
      return `[${e.elems.map((x) => expr(x, indent, PREC_QUANT)).join(', ')}]`;
    case 'Tuple':
      return e.elems.length === 1
        ? `(${expr(e.elems[0]!, indent, PREC_QUANT)},)`
        : `(${e.elems.map((x) => expr(x, indent, PREC_QUANT)).join(', ')})`;
    case 'If': {
      const lines: string[] = [];
      ifLines(e, indent, lines, true);
      lines.push(`${pad(indent)}end`);
      return lines.join('\n');
    }
    case 'Match': {
      const lines = [`match ${expr(e.scrutinee, indent, PREC_QUANT)}`];
      for (const arm of e.arms) {
        const head = arm.guard === null ? printPattern(arm.pattern) : `${printPattern(arm.pattern)} if ${expr(arm.guard, indent + 1, PREC_QUANT)}`;
        armLines(head, '->', arm.body, indent + 1, lines);
      }
      lines.push(`${pad(indent)}end`);
      return lines.join('\n');
    }
    case 'Handle': {
      const lines = ['handle'];
      blockLines(e.body, indent + 1, lines);
      lines.push(`${pad(indent)}with`);
      for (const h of e.handlers) {
        const head = `${h.effect.name}.${h.op.name}(${h.params.map((p) => p.name).join(', ')})`;
        armLines(head, '=>', h.body, indent + 1, lines);
      }
      lines.push(`${pad(indent)}end`);
      return lines.join('\n');
    }
    case 'Perform':
      return `perform ${e.effect.name}.${e.op.name}(${e.args.map((a) => arg(a, indent)).join(', ')})`;
    case 'Resume':
      return e.value === null ? 'resume()' : `resume(${expr(e.value, indent, PREC_QUANT)})`;
    case 'Halt':
      return e.message === null ? 'halt()' : `halt(${expr(e.message, indent, PREC_QUANT)})`;
    case 'Quant': {
      let head = `${e.quantifier} ${e.variable.name}`;
      if (e.type !== null) {
        // A refinement predicate would swallow a following `in`.
        const t = printType(e.type);
        head += e.domain !== null && e.type.kind === 'TRefined' ? `: (${t})` : `: ${t}`;
      }
      if (e.domain !== null) head += ` in ${expr(e.domain, indent, PREC_IMPLIES)}`;
      return `${head} => ${expr(e.body, indent, PREC_QUANT)}`;
    }
    case 'Old':
      return `old(${expr(e.expr, indent, PREC_QUANT)})`;
    case 'BlockExpr': {
      const b = e.block;
      if (b.stmts.length === 1 && b.stmts[0]!.kind === 'ExprStmt') return `(${expr(b.stmts[0]!.expr, indent, PREC_QUANT)})`;
      const lines = ['if true'];
      blockLines(b, indent + 1, lines);
      lines.push(`${pad(indent)}end`);
      return lines.join('\n');
    }
    default:
      return assertNever(e);
  }
}

function ifLines(e: A.IfExpr, indent: number, lines: string[], first: boolean): void {
  const head = `if ${expr(e.cond, indent, PREC_QUANT)}`;
  if (first) lines.push(head);
  else lines.push(`${pad(indent)}else ${head}`);
  blockLines(e.then, indent + 1, lines);
  if (e.else === null) return;
  if (e.else.kind === 'If') {
    ifLines(e.else, indent, lines, false);
    return;
  }
  lines.push(`${pad(indent)}else`);
  blockLines(e.else, indent + 1, lines);
}

function arg(a: A.Arg, indent: number): string {
  const mode = a.mode === 'plain' ? '' : a.mode === 'ref' ? 'ref ' : 'mut ref ';
  const name = a.name === null ? '' : `${a.name.name}: `;
  return `${name}${mode}${expr(a.value, indent, PREC_QUANT)}`;
}

const FLOAT_TEXT = /^[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9][0-9_]*)?$/;

function floatText(e: A.FloatLit): string {
  const t = e.text;
  if (FLOAT_TEXT.test(t) && /[.eE]/.test(t) && Number(t.replace(/_/g, '')) === e.value) return t;
  const s = String(e.value);
  return /[.eE]/.test(s) ? s.replace('e+', 'e') : `${s}.0`;
}

function stringText(e: A.StringLit, indent: number): string {
  if (e.raw && e.parts.length === 1 && typeof e.parts[0] === 'string' && !/["\n\r]/.test(e.parts[0])) {
    return `r"${e.parts[0]}"`;
  }
  let out = '"';
  for (const part of e.parts) {
    out += typeof part === 'string' ? escapeText(part) : `{${expr(part, indent, PREC_QUANT)}}`;
  }
  return out + '"';
}

function escapeText(s: string): string {
  let out = '';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    switch (c) {
      case 92: rep = '\\\\'; break;
      case 34: rep = '\\"'; break;
      case 123: rep = '\\{'; break;
      case 125: rep = '\\}'; break;
      case 10: rep = '\\n'; break;
      case 9: rep = '\\t'; break;
      case 13: rep = '\\r'; break;
      case 0: rep = '\\0'; break;
      default:
        if (c < 32 || c === 127) rep = `\\u{${c.toString(16)}}`;
    }
    if (rep !== null) {
      out += s.slice(chunk, i) + rep;
      chunk = i + 1;
    }
  }
  return chunk === 0 ? s : out + s.slice(chunk);
}

function literalPattern(v: bigint | string | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return quoteString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.toString();
}
