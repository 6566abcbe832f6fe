// Model values → Lumen literal text, directed by the Lumen type of the value.
// The solver knows only sorts and datatype constructor names (see
// verifier/encode.ts for the naming scheme); the Lumen type tells how to
// print them: `Point(x: 1, y: 2)`, `Circle(radius: 1.0)`, `[1, 2]`, `ok(3)`.

import type { Type } from '../frontend/types.js';
import type { ModelValue } from '../verifier/smtlib/model.js';

export function renderValue(v: ModelValue, type: Type): string {
  switch (v.kind) {
    case 'int':
      return v.value.toString();
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'string':
      return quoteString(v.value);
    case 'float':
      return renderFloat(v.value);
    case 'real':
      return renderFloat(Number(v.num) / Number(v.den));
    case 'seq': {
      const elem = type.kind === 'List' ? type.elem : { kind: 'Int' as const };
      return `[${v.elems.map((e) => renderValue(e, elem)).join(', ')}]`;
    }
    case 'datatype':
      return renderDatatype(v, type);
    case 'array':
      return '<array>';
    case 'unknown':
      return v.text;
  }
}

/** The elements of a list value `mk(arr, len)` from a model. */
export function listElements(v: ModelValue): ModelValue[] | null {
  if (v.kind === 'seq') return [...v.elems];
  if (v.kind !== 'datatype' || v.args.length !== 2) return null;
  const [arr, len] = v.args;
  if (!arr || !len || len.kind !== 'int' || arr.kind !== 'array') return null;
  const n = Number(len.value);
  if (n < 0 || n > 100_000) return null;
  const out: ModelValue[] = [];
  for (let i = 0; i < n; i++) {
    const hit = arr.entries.find(([k]) => k.kind === 'int' && k.value === BigInt(i));
    const val = hit ? hit[1] : arr.default;
    if (!val) return null;
    out.push(val);
  }
  return out;
}

function renderDatatype(v: Extract<ModelValue, { kind: 'datatype' }>, type: Type): string {
  switch (type.kind) {
    case 'List': {
      const elems = listElements(v);
      return elems ? `[${elems.map((e) => renderValue(e, type.elem)).join(', ')}]` : '?';
    }
    case 'Null':
      return 'null';
    case 'Record': {
      const fields = type.info.fields.map((f, i) => `${f.name}: ${v.args[i] ? renderValue(v.args[i]!, f.type.type) : '?'}`);
      return `${type.info.name}(${fields.join(', ')})`;
    }
    case 'Enum': {
      const variantName = v.ctor.split('!').pop() ?? v.ctor;
      const variant = type.info.variants.find((x) => x.name === variantName);
      if (!variant || variant.fields.length === 0) return variantName;
      const positional = variant.fields.every((f) => /^\d+$/.test(f.name));
      const parts = variant.fields.map((f, i) => {
        const text = v.args[i] ? renderValue(v.args[i]!, f.type.type) : '?';
        return positional ? text : `${f.name}: ${text}`;
      });
      return `${variantName}(${parts.join(', ')})`;
    }
    case 'Tuple':
      return `(${type.elems.map((t, i) => (v.args[i] ? renderValue(v.args[i]!, t) : '?')).join(', ')})`;
    case 'Result': {
      const which = v.ctor.endsWith('!ok') ? 'ok' : 'err';
      return `${which}(${v.args[0] ? renderValue(v.args[0], which === 'ok' ? type.ok : type.err) : '?'})`;
    }
    case 'Union': {
      const idx = Number(v.ctor.split('!').pop());
      const member = type.members[idx];
      return member && v.args[0] ? renderValue(v.args[0], member) : '?';
    }
    default:
      return v.ctor;
  }
}

export function renderFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return `${x}.0`;
  return String(x);
}

export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '{':
        out += '\\{';
        break;
      case '}':
        out += '\\}';
        break;
      default: {
        const cp = ch.codePointAt(0)!;
        out += cp < 0x20 || cp === 0x7f ? `\\u{${cp.toString(16)}}` : ch;
      }
    }
  }
  return out + '"';
}
