// Effects: `handle … with Op(x) => … end` (handlers, the effects they
// discharge for the body, `resume` inside handler bodies) and `perform E.op(…)`
// against the effect row of the enclosing cell.

import type * as A from '../ast.js';
import { ERROR_NAME } from '../parser.js';
import type { CellInfo, EffectInfo, Type } from '../types.js';
import { ERROR, NEVER, NULL } from '../types.js';
import { checkArgumentsAgainst } from './calls.js';
import type { Ctx } from './context.js';
import { checkExpr, expectType, joinBranches, reportMismatch, type Expect } from './exprs.js';
import { didYouMean } from './scope.js';
import { branchValueSpan, checkBlock } from './stmts.js';

export function checkHandle(ctx: Ctx, e: A.HandleExpr, expect: Expect): Type {
  if (ctx.spec) ctx.report('E0195', e.span, ['`handle`']);
  const handled: EffectInfo[] = [];
  const ops = e.handlers.map((h) => {
    const op = resolveOperation(ctx, h.effect, h.op);
    if (!op) return null;
    ctx.effectOps.set(h, op);
    if (e.handlers.some((o) => o !== h && ctx.effectOps.get(o) === op)) ctx.report('E0167', h.span, [`${h.effect.name}.${h.op.name}`]);
    if (!handled.includes(op.effectOp!)) handled.push(op.effectOp!);
    return op;
  });
  const cell = ctx.cell;
  const prevHandled = cell.handled;
  cell.handled = [...prevHandled, ...handled];
  let bodyT: Type;
  try {
    bodyT = checkBlock(ctx, e.body, expect);
  } finally {
    cell.handled = prevHandled;
  }
  const branches = [{ type: bodyT, span: branchValueSpan(e.body) }];
  e.handlers.forEach((h, i) => {
    const op = ops[i] ?? null;
    const prevHandler = cell.handler;
    const prevLoops = cell.loopDepth;
    cell.handler = op;
    cell.loopDepth = 0;
    try {
      const t = ctx.inScope(() => {
        const params = h.params.map((p, j) => {
          const local = ctx.newLocal(p.name, op?.params[j] ? op.params[j]!.type : ERROR, false, p.span);
          ctx.declare(local);
          return local;
        });
        ctx.handlerParams.set(h, params);
        if (op && h.params.length !== op.params.length) ctx.report('E0105', h.span, [`${h.effect.name}.${h.op.name}`, op.params.length, h.params.length]);
        return checkBlock(ctx, h.body, expect);
      });
      branches.push({ type: t, span: branchValueSpan(h.body) });
    } finally {
      cell.handler = prevHandler;
      cell.loopDepth = prevLoops;
    }
  });
  return joinBranches(ctx, 'handle', expect, branches);
}

/** `Net.get` → the operation's CellInfo, or null after reporting. */
export function resolveOperation(ctx: Ctx, effect: A.Ident, op: A.Ident): CellInfo | null {
  if (effect.name === ERROR_NAME || op.name === ERROR_NAME) return null;
  const info = ctx.mod.effects.get(effect.name);
  if (!info) {
    ctx.report('E0160', effect.span, [effect.name], didYouMean(effect.name, ctx.mod.effects.keys()));
    return null;
  }
  const cell = info.ops.find((o) => o.name === op.name);
  if (!cell) {
    ctx.report('E0161', op.span, [effect.name, op.name], didYouMean(op.name, info.ops.map((o) => o.name)));
    return null;
  }
  return cell;
}

/** Is the effect in the current row or handled by an enclosing `handle`? */
export function effectAllowed(ctx: Ctx, effect: EffectInfo): boolean {
  return ctx.cell.row.has(effect) || ctx.cell.handled.includes(effect);
}

export function checkPerform(ctx: Ctx, e: A.PerformExpr): Type {
  if (ctx.spec) ctx.report('E0195', e.span, ['`perform`']);
  const op = resolveOperation(ctx, e.effect, e.op);
  if (!op) {
    for (const a of e.args) checkExpr(ctx, a.value, null);
    return ERROR;
  }
  ctx.effectOps.set(e, op);
  checkArgumentsAgainst(ctx, e.args, op, `${e.effect.name}.${e.op.name}`, e.span);
  const cell = ctx.cell;
  if (!ctx.spec && cell.info) {
    if (cell.pure) ctx.report('E0170', e.span, [cell.info.name]);
    else if (!effectAllowed(ctx, op.effectOp!)) ctx.report('E0162', e.span, [e.effect.name, e.op.name, cell.info.name]);
  }
  return op.ret.type;
}

export function checkResume(ctx: Ctx, e: A.ResumeExpr): Type {
  const op = ctx.cell.handler;
  if (!op) {
    if (ctx.spec) ctx.report('E0195', e.span, ['`resume`']);
    else ctx.report('E0166', e.span);
    if (e.value) checkExpr(ctx, e.value, null);
    return NEVER;
  }
  if (e.value) expectType(ctx, e.value, op.ret.type);
  else if (!ctx.u.assignable(op.ret.type, NULL)) reportMismatch(ctx, e, op.ret.type, NULL);
  return NEVER;
}
