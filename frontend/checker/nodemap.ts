// `NodeMap`: the checker's side tables (`CheckedProgram.exprTypes`, `names`,
// `calls`, …), keyed by AST node identity like a `Map`, but cheaper to fill.
//
// A large program has hundreds of thousands of entries. A built-in `Map`
// keyed by objects must first give every node an identity hash, and each time
// it grows it rehashes by reading that hash back from every key, all over the
// heap. Here a key is hashed by its source position instead (where it ends:
// nearly unique per node, and in checking order), the hashes are kept in a
// typed array so that growing never touches the keys, and the lookup
// compares keys by identity, so nodes at the same position (`b` and `a + b`,
// error placeholders, nodes of different files) are still told apart.
//
// It behaves as a `ReadonlyMap` for readers (`get`, `has`, `size`, iteration
// in insertion order; setting an existing key keeps its place). Keys must not
// change their span while in the table (AST nodes never do).

import type { Span } from '../span.js';

export class NodeMap<K extends { readonly span: Span }, V> implements ReadonlyMap<K, V> {
  /** Keys and values in insertion order (the first `count` elements); `hashes[i]` is the hash of `keyList[i]`. */
  private keyList: K[];
  private valueList: V[];
  private count = 0;
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
    // Room for the expected entries up front (filled in order, so never with holes below `count`).
    const room = 16 + Math.ceil(expected);
    this.hashes = new Int32Array(room);
    this.keyList = new Array<K>(room);
    this.valueList = new Array<V>(room);
  }

  get size(): number {
    return this.count;
  }

  /** The file of the last key hashed, and its hash offset (files are few: a key's is nearly always the last one). */
  private lastFile = '';
  private lastFileSalt = 0;
  private fileSalts: Map<string, number> | null = null;

  /**
   * A key's hash: where it ends in its file (keys are compared by identity,
   * so any number of them may share it). It keeps locality on purpose: the
   * checker finishes nodes in source order (children before their parent),
   * so consecutive entries land in nearby slots, and the lowering reads them
   * in about the same order. Each file's positions are offset differently.
   */
  private hashOf(key: K): number {
    const span = key.span;
    if (span.file !== this.lastFile) this.switchFile(span.file);
    return (span.end + this.lastFileSalt) | 0;
  }

  private switchFile(file: string): void {
    const salts = (this.fileSalts ??= new Map());
    let salt = salts.get(file);
    if (salt === undefined) {
      salt = Math.imul(salts.size, 0x9e3779b1);
      salts.set(file, salt);
    }
    this.lastFile = file;
    this.lastFileSalt = salt;
  }

  get(key: K): V | undefined {
    const i = this.indexOf(key, this.hashOf(key));
    return i < 0 ? undefined : this.valueList[i];
  }

  has(key: K): boolean {
    return this.indexOf(key, this.hashOf(key)) >= 0;
  }

  set(key: K, value: V): this {
    const h = this.hashOf(key);
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
    const n = this.count;
    this.keyList[n] = key;
    this.valueList[n] = value;
    if (n === this.hashes.length) {
      const grown = new Int32Array(n * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[n] = h;
    this.count = n + 1;
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
    const n = this.count;
    for (let i = 0; i < n; i++) {
      let s = hashes[i]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = i + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.count; i++) callback.call(thisArg, this.valueList[i]!, this.keyList[i]!, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (let i = 0; i < this.count; i++) yield [this.keyList[i]!, this.valueList[i]!];
    return undefined;
  }

  *keys(): MapIterator<K> {
    for (let i = 0; i < this.count; i++) yield this.keyList[i]!;
    return undefined;
  }

  *values(): MapIterator<V> {
    for (let i = 0; i < this.count; i++) yield this.valueList[i]!;
    return undefined;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'NodeMap';
  }
}

