// `NodeMap`: the checker's side tables (`CheckedProgram.exprTypes`, `names`,
// `calls`, …), keyed by AST node identity like a `Map`, but cheaper to fill.
//
// A large program has hundreds of thousands of entries. A built-in `Map`
// keyed by objects must first give every node an identity hash, and each time
// it grows it rehashes by reading that hash back from every key, all over the
// heap. Here a key is hashed by its source position instead (`span.start`,
// `span.end`: nearly unique per node, and the span was just read), the hashes
// are kept in a typed array so that growing never touches the keys, and the
// lookup compares keys by identity, so nodes at the same position (error
// placeholders, nodes of different files) are still told apart.
//
// It behaves as a `ReadonlyMap` for readers (`get`, `has`, `size`, iteration
// in insertion order; setting an existing key keeps its place). Keys must not
// change their span while in the table (AST nodes never do).

import type { Span } from '../span.js';

export class NodeMap<K extends { readonly span: Span }, V> implements ReadonlyMap<K, V> {
  /** Keys and values in insertion order; `hashes[i]` is the hash of `keys[i]`. */
  private keyList: K[] = [];
  private valueList: V[] = [];
  private hashes: Int32Array;
  /** Open addressing with linear probing: entry index + 1, or 0 for an empty slot. Never more than half full. */
  private slots: Int32Array;
  private mask: number;

  /** `expected`: about how many entries there will be (the tables start that large, so they seldom grow). */
  constructor(expected = 0) {
    let size = 32;
    while (size < expected * 2 && size < 1 << 24) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(16, size >> 1));
  }

  get size(): number {
    return this.keyList.length;
  }

  get(key: K): V | undefined {
    const i = this.indexOf(key, hashOf(key));
    return i < 0 ? undefined : this.valueList[i];
  }

  has(key: K): boolean {
    return this.indexOf(key, hashOf(key)) >= 0;
  }

  set(key: K, value: V): this {
    const h = hashOf(key);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) break;
      const i = e - 1;
      if (this.hashes[i] === h && this.keyList[i] === key) {
        this.valueList[i] = value;
        return this;
      }
      s = (s + 1) & mask;
    }
    const n = this.keyList.length;
    this.keyList.push(key);
    this.valueList.push(value);
    if (n === this.hashes.length) {
      const grown = new Int32Array(n * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[n] = h;
    slots[s] = n + 1;
    if ((n + 1) * 2 > mask) this.rehash();
    return this;
  }

  private indexOf(key: K, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[s]!;
      if (e === 0) return -1;
      const i = e - 1;
      if (this.hashes[i] === h && this.keyList[i] === key) return i;
    }
  }

  /** Doubles the slot table, reinserting from the stored hashes (the keys are not read). */
  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const hashes = this.hashes;
    const n = this.keyList.length;
    for (let i = 0; i < n; i++) {
      let s = hashes[i]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.keyList.length; i++) callback.call(thisArg, this.valueList[i]!, this.keyList[i]!, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (let i = 0; i < this.keyList.length; i++) yield [this.keyList[i]!, this.valueList[i]!];
    return undefined;
  }

  *keys(): MapIterator<K> {
    for (let i = 0; i < this.keyList.length; i++) yield this.keyList[i]!;
    return undefined;
  }

  *values(): MapIterator<V> {
    for (let i = 0; i < this.valueList.length; i++) yield this.valueList[i]!;
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'NodeMap';
  }
}

/**
 * A hash of a node's source range (any node may share it: keys are compared
 * by identity). It keeps locality on purpose: the checker visits nodes in
 * source order, so consecutive entries land in nearby slots, and nodes
 * starting at the same offset (`a` in `a + b`) differ by their length.
 */
function hashOf(key: { readonly span: Span }): number {
  const span = key.span;
  return (span.start << 3) + ((span.end - span.start) & 7);
}
