// The frame records shared by the dispatch loop (vm.ts) and compiled code
// (jit.ts): Frame.SIZE int32 words per frame in one Int32Array.
//
// `PC` is where the frame resumes (saved when it calls or performs), `BASE`
// and `TOP` its register window, `RET` the absolute register that receives
// its result in the frame below, `CHUNK` its chunk index, `AUX` -1 for a call
// frame and, for a handler body, the index of its marker on the handler stack.

export const enum Frame {
  PC = 0,
  BASE = 1,
  TOP = 2,
  RET = 3,
  CHUNK = 4,
  AUX = 5,
  SIZE = 6,
}

/** A copy of `a` with room for `n` words. */
export function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** Grows the register file and its ownership marks (in V8's generic elements kind: they hold `null`s from the start). */
export function grow(R: unknown[], own: unknown[], need: number): void {
  const target = Math.max(need, R.length * 2, 256);
  while (R.length < target) {
    R.push(null);
    own.push(null);
  }
}
