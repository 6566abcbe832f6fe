// The VM's private opcode mirror must match the backend's single definition.

import { expect, it } from 'vitest';
import { OP_FORMATS, Op as BackendOp } from '../backend/bytecode.js';
import { Op as VmOp } from './vm.js';

it('the VM opcode mirror matches backend/bytecode.ts', () => {
  const names = OP_FORMATS.map(([name]) => name);
  const backend = BackendOp as unknown as Record<string, number>;
  const vm = VmOp as unknown as Record<string, number>;
  names.forEach((name, i) => {
    expect(backend[name], name).toBe(i);
    expect(vm[name], name).toBe(i);
  });
  expect(Object.keys(vm).filter((k) => Number.isNaN(Number(k)))).toEqual(names);
});
