// Counterexample replay: run the refuted check's cell on the VM with the
// model's inputs, every runtime check on, effects answered from the recorded
// perform results, and confirm that the same check fails. Only a confirmed
// counterexample makes a check `refuted`; anything else is `unknown`
// ("counterexample not confirmed"), so the encoding's over-approximations can
// never produce a false error.

import type { Type } from '../frontend/types.js';
import type { BytecodeProgram } from '../backend/index.js';
import { runCell, values, type RunResult, type Value } from '../vm/index.js';
import { int64 } from '../vm/index.js';
import type { ModelValue } from '../verifier/smtlib/model.js';
import type { RawCounterexample } from '../verifier/verify.js';
import { listElements } from './values.js';

const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;

export type ReplayOutcome =
  | { readonly kind: 'confirmed'; readonly run: RunResult }
  | { readonly kind: 'not-confirmed'; readonly detail: string; readonly run: RunResult }
  | { readonly kind: 'not-executable'; readonly detail: string };

/** Marks a model value that cannot be built on the VM (`null` is a Lumen value). */
export const UNBUILDABLE: unique symbol = Symbol('unbuildable');

/**
 * Builds a VM value from a model value of the given Lumen type; UNBUILDABLE
 * when it cannot be built — including an Int outside the 64-bit range, which
 * no Lumen program can receive, so a model using one never confirms a check.
 */
export function toVmValue(v: ModelValue, t: Type, prog: BytecodeProgram): Value | typeof UNBUILDABLE {
  switch (t.kind) {
    case 'Int':
      return v.kind === 'int' && v.value >= INT_MIN && v.value <= INT_MAX ? int64.normalize(v.value) : UNBUILDABLE;
    case 'Bool':
      return v.kind === 'bool' ? v.value : UNBUILDABLE;
    case 'String':
      return v.kind === 'string' ? v.value : UNBUILDABLE;
    case 'Float':
      return v.kind === 'float' ? v.value : v.kind === 'real' ? Number(v.num) / Number(v.den) : UNBUILDABLE;
    case 'Null':
      return null;
    case 'Never':
      return UNBUILDABLE;
    case 'List': {
      const elems = listElements(v);
      if (!elems) return UNBUILDABLE;
      const out: Value[] = [];
      for (const e of elems) {
        const x = toVmValue(e, t.elem, prog);
        if (x === UNBUILDABLE) return UNBUILDABLE;
        out.push(x);
      }
      return out;
    }
    case 'Tuple': {
      if (v.kind !== 'datatype') return UNBUILDABLE;
      const items = buildAll(v.args, t.elems, prog);
      return items ? values.tuple(items) : UNBUILDABLE;
    }
    case 'Record': {
      if (v.kind !== 'datatype') return UNBUILDABLE;
      const items = buildAll(v.args, t.info.fields.map((f) => f.type.type), prog);
      return items ? values.record(prog, t.info.qualifiedName, items) : UNBUILDABLE;
    }
    case 'Enum': {
      if (v.kind !== 'datatype') return UNBUILDABLE;
      const variantName = v.ctor.split('!').pop() ?? '';
      const variant = t.info.variants.find((x) => x.name === variantName);
      if (!variant) return UNBUILDABLE;
      const items = buildAll(v.args, variant.fields.map((f) => f.type.type), prog);
      return items ? values.variant(prog, t.info.qualifiedName, variantName, items) : UNBUILDABLE;
    }
    case 'Result': {
      if (v.kind !== 'datatype' || v.args.length !== 1) return UNBUILDABLE;
      const isOk = v.ctor.endsWith('!ok');
      const inner = toVmValue(v.args[0]!, isOk ? t.ok : t.err, prog);
      if (inner === UNBUILDABLE) return UNBUILDABLE;
      return isOk ? values.ok(inner) : values.err(inner);
    }
    case 'Union': {
      if (v.kind !== 'datatype' || v.args.length !== 1) return UNBUILDABLE;
      const member = t.members[Number(v.ctor.split('!').pop())];
      if (!member) return UNBUILDABLE;
      if (member.kind === 'Null') return null;
      return toVmValue(v.args[0]!, member, prog);
    }
    default:
      return UNBUILDABLE;
  }
}

function buildAll(args: readonly ModelValue[], types: readonly Type[], prog: BytecodeProgram): Value[] | null {
  const out: Value[] = [];
  for (let i = 0; i < types.length; i++) {
    const a = args[i];
    if (!a) return null;
    const x = toVmValue(a, types[i]!, prog);
    if (x === UNBUILDABLE) return null;
    out.push(x);
  }
  return out;
}

/** Fuel for a replay: counterexamples are small, a runaway replay is not a confirmation. */
const REPLAY_FUEL = 5_000_000;

export function replay(prog: BytecodeProgram, cell: string, checkId: number, cx: RawCounterexample): ReplayOutcome {
  const args: Value[] = [];
  for (const input of cx.inputs) {
    const v = toVmValue(input.raw, input.type, prog);
    if (v === UNBUILDABLE) return { kind: 'not-executable', detail: `the value of \`${input.name}\` (${input.value}) cannot be built on the VM` };
    args.push(v);
  }
  let next = 0;
  let nextCall = 0;
  const performs = cx.performs;
  const run = runCell(prog, cell, args, {
    fuel: REPLAY_FUEL,
    stdout: () => undefined,
    callResults: (callee) => {
      const c = cx.calls[nextCall];
      if (!c || c.cell !== callee) return undefined;
      nextCall++;
      const v = toVmValue(c.raw, c.type, prog);
      return v === UNBUILDABLE ? undefined : v;
    },
    // Extern cells have no body to run: they answer from the recording too.
    externs: (callee) => {
      const c = cx.calls[nextCall];
      if (!c || c.cell !== callee) return undefined;
      nextCall++;
      const v = toVmValue(c.raw, c.type, prog);
      return v === UNBUILDABLE ? undefined : v;
    },
    effects: (_effect, _op, _args) => {
      const p = performs[next++];
      if (!p) return undefined;
      const v = toVmValue(p.raw, p.type, prog);
      return v === UNBUILDABLE ? undefined : v;
    },
  });
  if (run.kind === 'check-failed' && run.check === checkId) return { kind: 'confirmed', run };
  if (run.kind === 'halt' && run.check === checkId) return { kind: 'confirmed', run };
  const what =
    run.kind === 'ok'
      ? 'the cell ran to completion'
      : run.kind === 'check-failed'
        ? `a different check failed first (${run.checkKind} at check #${run.check})`
        : run.kind === 'error'
          ? `the run failed: ${run.message}`
          : `the run ended with ${run.kind}`;
  return { kind: 'not-confirmed', detail: what, run };
}
