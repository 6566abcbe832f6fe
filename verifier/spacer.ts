// Loop-invariant inference with constrained Horn clauses, solved by Z3's
// Spacer engine.
//
// For one loop and one check that the havoc encoding could not prove, the
// symbolic execution of the cell already holds everything: the state at loop
// entry, the havocked state at the head, the state at the end of each
// iteration, and the check's path condition. With an unknown predicate
// `Inv(args)` over the cell's Int/Bool inputs and the loop-carried Int/Bool
// state, the clauses are (every constant universally quantified, and every
// definition and assumption made on the way in the premise — the field notes
// say Spacer needs the parameter refinements in every clause):
//
//   entry:     facts ∧ pc_entry                          ⇒ Inv(entry values)
//   step:      facts ∧ pc_end ∧ Inv(head values)          ⇒ Inv(end values)
//   query:     facts ∧ pc_check ∧ ¬cond ∧ Inv(head values) ⇒ false
//
// If Spacer finds an interpretation (`sat` in HORN mode), its `Inv` is an
// inductive invariant strong enough for the check. It is not trusted as
// such: it goes back into the ordinary encoding as a candidate invariant,
// where its entry and preservation are proved again by normal queries.

import type { CellVC, Emission, LoopRecord } from './vcgen.js';
import { PRELUDE_FUNCTIONS } from './vcgen.js';
import type { SortRegistry } from './encode.js';
import type { Sort, Term } from './smtlib/term.js';
import { app, BoolSort, IntSort, int, sym } from './smtlib/term.js';
import { printCommand, printSort, printSymbol, printTerm } from './smtlib/printer.js';
import { parseSexprs, type SExpr } from './smtlib/sexpr.js';

export interface InferredSmt {
  readonly arity: number;
  readonly instantiate: (args: readonly Term[]) => Term;
  /** In Lumen syntax over the argument names. */
  readonly text: string;
}

export function hornScript(vc: CellVC, sorts: SortRegistry, loop: LoopRecord, target: Emission): string | null {
  // Spacer needs quantifier-free clause bodies; recursive definitions and
  // quantified facts (e.g. `forall` specifications) are out of its reach.
  if (vc.pureCommands.some((c) => c.kind === 'DefineFunRec')) return null;
  const facts = [...vc.definitions, ...vc.assumptions.map(([, f]) => f)];
  const out: string[] = ['(set-logic HORN)'];
  const { datatypes, sorts: uninterpreted } = sorts.declarations();
  for (const s of uninterpreted) out.push(`(declare-sort ${s} 0)`);
  if (datatypes.length > 0) out.push(printCommand({ kind: 'DeclareDatatypes', datatypes }));
  out.push(PRELUDE_FUNCTIONS.trim());
  for (const c of vc.pureCommands) out.push(printCommand(c));
  for (const [name, fn] of vc.functions) out.push(`(declare-fun ${name} (${fn.params.map(printSort).join(' ')}) ${printSort(fn.sort)})`);
  out.push(`(declare-fun Inv! (${loop.args.map((a) => printSort(a.sort)).join(' ')}) Bool)`);
  const consts = vc.declarations.flatMap((d) => (d.kind === 'DeclareConst' ? [{ name: d.name, sort: d.sort }] : []));
  const binder = `(${consts.map((c) => `(${printSymbol(c.name)} ${printSort(c.sort)})`).join(' ')})`;
  const inv = (terms: readonly Term[]): string => (terms.length === 0 ? 'Inv!' : `(Inv! ${terms.map(printTerm).join(' ')})`);
  const clause = (premises: string[], head: string): string => {
    const body = premises.length === 0 ? 'true' : premises.length === 1 ? premises[0]! : `(and ${premises.join(' ')})`;
    return consts.length > 0 ? `(assert (forall ${binder} (=> ${body} ${head})))` : `(assert (=> ${body} ${head}))`;
  };
  const factText = (n: number): string[] => [
    ...vc.definitions.map(printTerm),
    ...vc.assumptions.slice(0, n).map(([, f]) => printTerm(f)),
  ];
  void facts;
  if (hasQuantifier([...vc.definitions, ...vc.assumptions.map(([, f]) => f), target.pc, target.cond])) return null;
  out.push(clause([...factText(loop.entryAssumptions), printTerm(loop.entryPc)], inv(loop.args.map((a) => a.entry))));
  for (const end of loop.ends) {
    out.push(clause([...factText(end.assumptions), printTerm(end.pc), inv(loop.args.map((a) => a.head))], inv(end.values)));
  }
  out.push(
    clause(
      [...factText(target.assumptionCount), printTerm(target.pc), `(not ${printTerm(target.cond)})`, inv(loop.args.map((a) => a.head))],
      'false',
    ),
  );
  out.push('(check-sat)', '(get-model)');
  return out.join('\n');
}

function hasQuantifier(terms: readonly Term[]): boolean {
  const walk = (t: Term): boolean => (t.kind === 'Quant' ? true : t.kind === 'App' ? t.args.some(walk) : false);
  return terms.some(walk);
}

/** Reads `(define-fun Inv! ((x!0 Int) …) Bool body)` from Spacer's model. */
export function readInvariant(output: string, loop: LoopRecord): InferredSmt | null {
  for (const top of parseSexprs(output)) {
    const defs = top.kind === 'list' ? (top.items[0]?.kind === 'symbol' && top.items[0].name === 'model' ? top.items.slice(1) : top.items) : [];
    for (const d of defs) {
      if (d.kind !== 'list' || d.items.length !== 5) continue;
      const [kw, name, params, , body] = d.items;
      if (kw?.kind !== 'symbol' || kw.name !== 'define-fun' || name?.kind !== 'symbol' || name.name !== 'Inv!') continue;
      if (params?.kind !== 'list' || !body) continue;
      const names = params.items.map((p) => (p.kind === 'list' && p.items[0]?.kind === 'symbol' ? p.items[0].name : ''));
      if (names.length !== loop.args.length) return null;
      const instantiate = (args: readonly Term[]): Term => toTerm(body, new Map(names.map((n, i) => [n, args[i]!])), new Map());
      // Validate the conversion once, so a shape we cannot read is rejected here.
      try {
        instantiate(loop.args.map((a) => sym(a.name, a.sort)));
      } catch {
        return null;
      }
      return { arity: names.length, instantiate, text: toLumen(body, new Map(names.map((n, i) => [n, loop.args[i]!.name])), new Map()) };
    }
  }
  return null;
}

const INT_FNS = new Set(['+', '-', '*', 'div', 'mod', 'abs']);

function toTerm(e: SExpr, env: ReadonlyMap<string, Term>, lets: Map<string, Term>): Term {
  switch (e.kind) {
    case 'symbol': {
      if (e.name === 'true') return { kind: 'BoolLit', value: true };
      if (e.name === 'false') return { kind: 'BoolLit', value: false };
      const t = env.get(e.name) ?? lets.get(e.name);
      if (!t) throw new Error(`unknown symbol ${e.name}`);
      return t;
    }
    case 'numeral':
      return int(e.value);
    case 'list': {
      const head = e.items[0];
      if (head?.kind === 'symbol' && head.name === 'let') {
        const bindings = e.items[1];
        const inner = new Map(lets);
        if (bindings?.kind === 'list') {
          for (const b of bindings.items) {
            if (b.kind === 'list' && b.items[0]?.kind === 'symbol' && b.items[1]) inner.set(b.items[0].name, toTerm(b.items[1], env, lets));
          }
        }
        return toTerm(e.items[2]!, env, inner);
      }
      if (head?.kind !== 'symbol') throw new Error('unsupported invariant shape');
      const args = e.items.slice(1).map((x) => toTerm(x, env, lets));
      const sort: Sort = INT_FNS.has(head.name) ? IntSort : head.name === 'ite' ? sortOfTerm(args[1]!) : BoolSort;
      return app(head.name, args, sort);
    }
    default:
      throw new Error('unsupported invariant literal');
  }
}

function sortOfTerm(t: Term): Sort {
  return t.kind === 'IntLit' ? IntSort : t.kind === 'BoolLit' || t.kind === 'Quant' ? BoolSort : t.kind === 'Sym' || t.kind === 'App' ? t.sort : IntSort;
}

const LUMEN_OPS: Record<string, string> = { '<=': '<=', '>=': '>=', '<': '<', '>': '>', '=': '==', and: 'and', or: 'or', '=>': 'implies', div: '//', mod: '%' };
const NEGATED: Record<string, string> = { '<=': '>', '>=': '<', '<': '>=', '>': '<=', '=': '!=' };

/** Lumen text of an invariant body, lightly simplified for reading: `not (a <= b)` becomes `a > b`, `x + -2 * y` becomes `x - 2 * y`, and `a > c - 1 and a < c + 1` over Ints becomes `a == c`. */
function toLumen(e: SExpr, names: ReadonlyMap<string, string>, lets: Map<string, string>): string {
  switch (e.kind) {
    case 'symbol':
      return names.get(e.name) ?? lets.get(e.name) ?? e.name;
    case 'numeral':
      return e.value.toString();
    case 'list': {
      const head = e.items[0];
      const rest = e.items.slice(1);
      if (head?.kind !== 'symbol') return '?';
      const sub = (x: SExpr): string => toLumen(x, names, lets);
      if (head.name === 'let' && e.items[1]?.kind === 'list') {
        const inner = new Map(lets);
        for (const b of e.items[1].items) if (b.kind === 'list' && b.items[0]?.kind === 'symbol' && b.items[1]) inner.set(b.items[0].name, sub(b.items[1]));
        return toLumen(e.items[2]!, names, inner);
      }
      if (head.name === 'not') {
        const inner = rest[0];
        if (inner?.kind === 'list' && inner.items[0]?.kind === 'symbol' && NEGATED[inner.items[0].name] && inner.items.length === 3) {
          return `${sub(inner.items[1]!)} ${NEGATED[inner.items[0].name]} ${sub(inner.items[2]!)}`;
        }
        return `not (${sub(inner!)})`;
      }
      if (head.name === 'and') {
        const parts = collapseBounds(rest.map(sub));
        return parts.length === 1 ? parts[0]! : parts.map(wrap).join(' and ');
      }
      if (head.name === '+') return rest.map(sub).reduce((acc, t, i) => (i === 0 ? t : t.startsWith('-') ? `${acc} - ${t.slice(1)}` : `${acc} + ${t}`), '');
      if (head.name === '-' && rest.length === 1) return `-${wrap(sub(rest[0]!))}`;
      if (head.name === '-') return rest.map((x) => wrap(sub(x))).join(' - ');
      if (head.name === '*') {
        const parts = rest.map(sub);
        if (parts[0] === '-1') return `-${parts.slice(1).map(wrap).join(' * ')}`;
        return parts.map(wrap).join(' * ');
      }
      if (head.name === 'ite') return `(if ${sub(rest[0]!)} then ${sub(rest[1]!)} else ${sub(rest[2]!)})`;
      const op = LUMEN_OPS[head.name];
      const parts = rest.map(sub);
      if (!op) return `${head.name}(${parts.join(', ')})`;
      return parts.map(wrap).join(` ${op} `);
    }
    default:
      return '?';
  }
}

/** `x > c - 1` together with `x < c + 1` (Ints) is `x == c`. */
function collapseBounds(parts: string[]): string[] {
  const lower = new Map<string, bigint>();
  const upper = new Map<string, bigint>();
  for (const p of parts) {
    const m = /^(.*) ([<>]) (-?\d+)$/.exec(p);
    if (!m) continue;
    if (m[2] === '>') lower.set(m[1]!, BigInt(m[3]!) + 1n);
    else upper.set(m[1]!, BigInt(m[3]!) - 1n);
  }
  const out: string[] = [];
  const done = new Set<string>();
  for (const p of parts) {
    const m = /^(.*) ([<>]) (-?\d+)$/.exec(p);
    if (m && lower.get(m[1]!) !== undefined && lower.get(m[1]!) === upper.get(m[1]!)) {
      if (!done.has(m[1]!)) out.push(`${m[1]} == ${lower.get(m[1]!)}`);
      done.add(m[1]!);
      continue;
    }
    out.push(p);
  }
  return out;
}

function wrap(s: string): string {
  return /^[A-Za-z0-9_().]+$/.test(s) || /^-?\d+$/.test(s) ? s : `(${s})`;
}
