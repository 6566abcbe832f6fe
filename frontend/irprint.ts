// A readable dump of the checked IR (`lumen verify --dump-ir`, golden tests).
// Checks appear as `⟨kind#id⟩` next to the node that carries them.

import type { IrBlock, IrCell, IrExpr, IrPattern, IrProgram, IrStmt } from './ir.js';

export function printIrProgram(p: IrProgram): string {
  const out: string[] = [];
  for (const cell of p.cells.values()) if (cell.body) out.push(printIrCell(p, cell));
  return out.join('\n');
}

export function printIrCell(p: IrProgram, c: IrCell): string {
  const chk = (id: number | null): string => (id === null ? '' : ` ⟨${p.checks[id]?.kind}#${id}⟩`);
  const lines: string[] = [];
  const params = c.params.map((x) => `${v(x.v)}`).join(', ');
  lines.push(`cell ${c.name}(${params}) result=${v(c.resultVar)}`);
  for (const r of c.requires) lines.push(`  requires ${expr(r.cond)}`);
  for (const e of c.ensures) lines.push(`  ensures ${expr(e.cond)}`);
  if (c.decreases) lines.push(`  decreases ${expr(c.decreases)}`);
  function v(x: { id: number; name: string }): string {
    return `${x.name}.${x.id}`;
  }
  function block(b: IrBlock, ind: string): void {
    for (const s of b.stmts) stmt(s, ind);
    if (b.value) lines.push(`${ind}=> ${expr(b.value)}`);
  }
  function stmt(s: IrStmt, ind: string): void {
    switch (s.kind) {
      case 'Let':
        lines.push(`${ind}let ${v(s.v)} = ${expr(s.init)}`);
        return;
      case 'Assign':
        lines.push(`${ind}${v(s.v)} := ${expr(s.value)}`);
        return;
      case 'SetIndex':
        lines.push(`${ind}${v(s.v)}[${expr(s.index)}] := ${expr(s.value)}${chk(s.check)}`);
        return;
      case 'Expr':
        lines.push(`${ind}${expr(s.expr)}`);
        return;
      case 'Check':
        lines.push(`${ind}check${chk(s.check)} ${expr(s.cond)}`);
        return;
      case 'Assume':
        lines.push(`${ind}assume ${expr(s.cond)}`);
        return;
      case 'While':
        lines.push(`${ind}while ${expr(s.cond)}${s.counted ? ' (counted)' : ''}`);
        for (const f of s.facts) lines.push(`${ind}  fact ${expr(f)}`);
        for (const i of s.invariants) lines.push(`${ind}  invariant${chk(i.entryCheck)}${chk(i.preservedCheck)} ${expr(i.cond)}`);
        if (s.decreases) lines.push(`${ind}  decreases${chk(s.decreases.check)} ${s.decreases.expr ? expr(s.decreases.expr) : '?'}${s.decreases.guessed ? ' (guessed)' : ''}`);
        lines.push(`${ind}  modifies ${s.modified.map(v).join(', ')}`);
        block(s.body, ind + '  ');
        lines.push(`${ind}end`);
        return;
      case 'Return':
        lines.push(`${ind}return ${expr(s.value)}${s.posts.map((x) => chk(x.check)).join('')}`);
        return;
      case 'Break':
      case 'Continue':
        lines.push(`${ind}${s.kind.toLowerCase()}`);
        return;
    }
  }
  function pat(x: IrPattern): string {
    switch (x.kind) {
      case 'Wild':
        return '_';
      case 'Bind':
        return v(x.v);
      case 'Lit':
        return x.value.kind === 'Null' ? 'null' : String(x.value.value);
      case 'Range':
        return `${x.lo}${x.inclusive ? '..=' : '..'}${x.hi}`;
      case 'Variant':
        return `${x.enum}#${x.variant}(${x.args.map(pat).join(', ')})`;
      case 'Record':
        return `${x.record}(${x.fields.map(pat).join(', ')})`;
      case 'Tuple':
        return `(${x.elems.map(pat).join(', ')})`;
      case 'Result':
        return `${x.which}(${pat(x.arg)})`;
      case 'Type':
        return `${v(x.v)}: ${x.type.kind}`;
    }
  }
  function expr(e: IrExpr): string {
    switch (e.kind) {
      case 'Const':
        return e.value.kind === 'Null' ? 'null' : e.value.kind === 'String' ? JSON.stringify(e.value.value) : String(e.value.value);
      case 'Var':
        return v(e.v);
      case 'IntOp':
        return `(${expr(e.left)} ${e.op} ${expr(e.right)})${chk(e.divZero)}${chk(e.overflow)}`;
      case 'IntNeg':
        return `-(${expr(e.operand)})${chk(e.overflow)}`;
      case 'FloatOp':
        return `(${expr(e.left)} ${e.op}. ${expr(e.right)})`;
      case 'FloatNeg':
        return `-.(${expr(e.operand)})`;
      case 'Cmp':
        return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
      case 'Not':
        return `not ${expr(e.operand)}`;
      case 'And':
      case 'Or':
      case 'Implies':
        return `(${expr(e.left)} ${e.kind.toLowerCase()} ${expr(e.right)})`;
      case 'Concat':
        return `(${expr(e.left)} ++ ${expr(e.right)})`;
      case 'Len':
        return `len(${expr(e.operand)})`;
      case 'Index':
        return `${expr(e.target)}[${expr(e.index)}]${chk(e.check)}`;
      case 'Field':
        return `${expr(e.target)}.#${e.field}`;
      case 'TupleGet':
        return `${expr(e.target)}.${e.index}`;
      case 'MakeRecord':
        return `${e.record}{${e.fields.map(expr).join(', ')}}`;
      case 'MakeVariant':
        return `${e.enum}#${e.variant}(${e.args.map(expr).join(', ')})`;
      case 'MakeResult':
        return `${e.which}(${expr(e.arg)})`;
      case 'MakeList':
        return `[${e.elems.map(expr).join(', ')}]`;
      case 'MakeTuple':
        return `(${e.elems.map(expr).join(', ')},)`;
      case 'Interp':
        return `interp(${e.parts.map(expr).join(', ')})`;
      case 'Call':
        return `call ${e.cell}(${e.args.map(expr).join(', ')})${e.pre.map((x) => chk(x.check)).join('')}${chk(e.termination)}${e.budgets.map((b) => chk(b.check)).join('')}`;
      case 'Builtin':
        return `${e.name}(${e.args.map(expr).join(', ')})${chk(e.check)}`;
      case 'If': {
        const start = lines.length;
        void start;
        return `if ${expr(e.cond)} then {${inline(e.then)}} else {${inline(e.else)}}`;
      }
      case 'Match':
        return `match ${expr(e.scrutinee)}${chk(e.check)} {${e.arms.map((a) => `${pat(a.pattern)}${a.guard ? ` if ${expr(a.guard)}` : ''} -> ${inline(a.body)}`).join('; ')}}`;
      case 'Block':
        return `{${inline(e.block)}}`;
      case 'Halt':
        return `halt${chk(e.check)}`;
      case 'NonNull':
        return `${expr(e.operand)}!${chk(e.check)}`;
      case 'Try':
        return `${expr(e.operand)}?`;
      case 'Perform':
        return `perform ${e.effect}.${e.op}(${e.args.map(expr).join(', ')})${chk(e.budget)}`;
      case 'Handle':
        return `handle {${inline(e.body)}} with ${e.handlers.map((h) => `${h.effect}.${h.op}`).join(', ')}`;
      case 'Resume':
        return `resume(${e.value ? expr(e.value) : ''})`;
      case 'IsType':
        return `is ${e.type.kind}(${expr(e.operand)})`;
      case 'Quant':
        return `${e.quantifier} ${v(e.v)} in ${e.domain.kind === 'range' ? `${expr(e.domain.lo)}..${expr(e.domain.hi)}` : e.domain.kind === 'list' ? expr(e.domain.list) : 'type'} => ${expr(e.body)}`;
      case 'In':
        return `${expr(e.element)} in ${e.range ? `${expr(e.range.lo)}..${expr(e.range.hi)}` : expr(e.list!)}`;
      case 'Old':
        return `old(${expr(e.expr)})`;
      case 'Narrow':
      case 'Inject':
        return `(${expr(e.operand)} as ${e.type.kind})`;
      case 'Calls':
        return `calls(${e.effect})`;
      case 'StateIs':
        return `state(${v(e.v)}) == ${e.state}`;
    }
  }
  function inline(b: IrBlock): string {
    const saved = lines.length;
    block(b, '');
    const inner = lines.splice(saved).map((l) => l.trim());
    return inner.join('; ');
  }
  if (c.body) block(c.body, '  ');
  lines.push('end');
  return lines.join('\n');
}
