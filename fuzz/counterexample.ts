// A failing fuzz input in the verifier's counterexample format
// (`RawCounterexample`): inputs and effect results as Lumen literal text, plus
// `raw` model values shaped like the solver's, so that
// counterexamples/replay.ts can rebuild and replay them on the VM like any
// counterexample of `lumen verify`.

import type { IrCell } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import type { ModelValue } from '../verifier/smtlib/model.js';
import type { RawCounterexample } from '../verifier/verify.js';
import { formatLiteral, Struct, valueHasType, type Value } from '../vm/index.js';
import { substitute } from '../vm/value.js';
import type { RunRecord } from './harness.js';

/**
 * A VM value as a model value, with the constructor names of
 * verifier/encode.ts where replay reads them (`…!<Variant>`, `…!ok`,
 * `…!<member index>`); lists become sequences.
 */
export function toModelValue(v: Value, t: Type): ModelValue {
  switch (t.kind) {
    case 'Int':
    case 'TypeParam':
      return typeof v === 'number' || typeof v === 'bigint' ? { kind: 'int', value: BigInt(v) } : unknown(v, t);
    case 'Float':
      return typeof v === 'number' ? { kind: 'float', value: v } : unknown(v, t);
    case 'Bool':
      return typeof v === 'boolean' ? { kind: 'bool', value: v } : unknown(v, t);
    case 'String':
      return typeof v === 'string' ? { kind: 'string', value: v } : unknown(v, t);
    case 'Null':
      return { kind: 'datatype', ctor: 'null!', args: [] };
    case 'List':
      return Array.isArray(v) ? { kind: 'seq', elems: v.map((x) => toModelValue(x, t.elem)) } : unknown(v, t);
    case 'Tuple':
      return v instanceof Struct ? { kind: 'datatype', ctor: 'Tuple!mk', args: t.elems.map((et, i) => toModelValue(v.f[i]!, et)) } : unknown(v, t);
    case 'Record': {
      if (!(v instanceof Struct)) return unknown(v, t);
      const info = t.info;
      return {
        kind: 'datatype',
        ctor: `${info.qualifiedName}!mk`,
        args: info.fields.map((f, i) => toModelValue(v.f[i]!, substitute(f.type.type, info.typeParams, t.args))),
      };
    }
    case 'Enum': {
      const variant = v instanceof Struct ? t.info.variants[v.tag] : undefined;
      if (!(v instanceof Struct) || !variant) return unknown(v, t);
      return {
        kind: 'datatype',
        ctor: `${t.info.qualifiedName}!${variant.name}`,
        args: variant.fields.map((f, i) => toModelValue(v.f[i]!, substitute(f.type.type, t.info.typeParams, t.args))),
      };
    }
    case 'Result':
      if (!(v instanceof Struct)) return unknown(v, t);
      return v.tag === 0 ? { kind: 'datatype', ctor: 'Result!ok', args: [toModelValue(v.f[0]!, t.ok)] } : { kind: 'datatype', ctor: 'Result!err', args: [toModelValue(v.f[0]!, t.err)] };
    case 'Union': {
      const i = t.members.findIndex((m) => valueHasType(v, m));
      return i < 0 ? unknown(v, t) : { kind: 'datatype', ctor: `Union!${i}`, args: [toModelValue(v, t.members[i]!)] };
    }
    default:
      return unknown(v, t);
  }
}

function unknown(v: Value, t: Type): ModelValue {
  return { kind: 'unknown', text: formatLiteral(v, t) };
}

/** The counterexample of a failing run: the cell's inputs and what the effects and externs answered. */
export function fuzzCounterexample(cell: IrCell, types: readonly Type[], args: readonly Value[], rec: RunRecord): RawCounterexample {
  return {
    inputs: cell.params.map((p, i) => {
      const t = types[i]!;
      return { name: p.v.name, value: formatLiteral(args[i]!, t), type: t, raw: toModelValue(args[i]!, t) };
    }),
    performs: rec.performs.map((p, k) => ({ label: `perform#${k + 1}`, value: formatLiteral(p.value, p.type), raw: toModelValue(p.value, p.type), type: p.type })),
    calls: rec.calls.map((c) => ({ cell: c.cell, value: formatLiteral(c.value, c.type), raw: toModelValue(c.value, c.type), type: c.type })),
    path: [],
    unrolled: 0,
  };
}
