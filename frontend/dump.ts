// A readable dump of the AST for golden tests and `--dump-ast`: an indented
// S-expression without spans. Nodes print as `(Kind field=value …)`; fields
// that are false, null or empty are left out (except literal values), and a
// node that fits in the line width stays on one line.

import type * as A from './ast.js';

const WIDTH = 100;

export function dumpModule(m: A.Module): string {
  return dumpNode(m) + '\n';
}

/** Dump of any AST node (or array / value inside one). */
export function dumpNode(x: unknown): string {
  return render(x, 0);
}

function isIdent(x: object): x is A.Ident {
  const keys = Object.keys(x);
  return keys.length === 2 && 'name' in x && 'span' in x && typeof (x as { name: unknown }).name === 'string';
}

/** Fields whose string values are names or operators, printed without quotes. */
const BARE_STRING_FIELDS = new Set(['name', 'op', 'mode', 'quantifier']);

function fields(x: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(x)) {
    if (k === 'kind' || k === 'span') continue;
    if (k !== 'value' && (v === false || v === null || v === undefined || (Array.isArray(v) && v.length === 0))) continue;
    // Default argument and parameter modes are noise.
    if (k === 'mode' && (v === 'plain' || v === 'value')) continue;
    out.push([k, BARE_STRING_FIELDS.has(k) && typeof v === 'string' && /^[^\s"()[\]{}=]+$/.test(v) ? new Bare(v) : v]);
  }
  return out;
}

class Bare {
  constructor(readonly text: string) {}
}

function atom(x: unknown): string | null {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (x instanceof Bare) return x.text;
  switch (typeof x) {
    case 'string':
      return JSON.stringify(x);
    case 'bigint':
      return x.toString();
    case 'number':
    case 'boolean':
      return String(x);
    default:
      break;
  }
  if (typeof x === 'object' && !Array.isArray(x) && isIdent(x)) return /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(x.name) ? x.name : JSON.stringify(x.name);
  return null;
}

/** One-line rendering. */
function flat(x: unknown): string {
  const a = atom(x);
  if (a !== null) return a;
  if (Array.isArray(x)) return `[${x.map(flat).join(' ')}]`;
  const obj = x as { kind?: string };
  const fs = fields(obj).map(([k, v]) => `${k}=${flat(v)}`);
  if (typeof obj.kind === 'string') return fs.length === 0 ? `(${obj.kind})` : `(${obj.kind} ${fs.join(' ')})`;
  return `{${fs.join(' ')}}`;
}

/** Rendering of a value that starts on a line indented by `indent` spaces. */
function render(x: unknown, indent: number): string {
  const one = flat(x);
  if (one.length + indent <= WIDTH || atom(x) !== null) return one;
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(x)) {
    return `[\n${x.map((e) => pad + render(e, indent + 2)).join('\n')}\n${' '.repeat(indent)}]`;
  }
  const obj = x as { kind?: string };
  const named = typeof obj.kind === 'string';
  const lines = [named ? `(${obj.kind}` : '{'];
  for (const [k, v] of fields(obj)) lines.push(`${pad}${k}=${render(v, indent + 2)}`);
  return lines.join('\n') + (named ? ')' : '}');
}

/**
 * A deep copy of an AST value without its spans (`span` fields, and the
 * `file` of the module), for comparing trees parsed from different text.
 */
export function stripSpans(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(stripSpans);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === 'span') continue;
    out[k] = stripSpans(v);
  }
  return out;
}
