// The run-time support library of generated WebAssembly modules, written in
// the WebAssembly text format: the bump allocator, strings (UTF-8, fat
// pointers), lists, and the slow paths of checked Int arithmetic. The
// compiler parses it with binaryen and adds the program's functions to it.
//
// It never reports a check itself: a helper that can fail returns a flag
// (`$flag`) and the generated code at the call site calls `check_failed` with
// the check id, so every trap of a check is visible at its own site.
//
// Static memory map (addresses fixed here and in layout.ts):
//   0..15   never allocated (0 is null)
//   16      the empty list buffer (capacity 0)
//   24      "true", 28 "false", 33 "null"
//   40..    string literals and other static data, then the heap.

export const EMPTY_LIST_ADDR = 16;
export const TRUE_ADDR = 24;
export const FALSE_ADDR = 28;
export const NULL_TEXT_ADDR = 33;
export const STATIC_DATA_START = 40;

/** Codes of the `internal` import: failures that are not checks. */
export const INTERNAL = {
  /** A `match` proved exhaustive had no applicable arm. */
  matchUnreachable: 1,
  /** An Int operation whose check was elided (or that has none) failed. */
  uncheckedInt: 2,
  /** `range(a, b)` would have more than 2^31 - 1 elements. */
  rangeTooLong: 3,
  /** A `**` with a negative exponent inside a specification. */
  specNegativeExponent: 4,
  /** A list or string longer than 2^31 - 1. */
  tooLong: 5,
} as const;

export const RUNTIME_WAT = String.raw`(module
 (import "lumen" "check_failed" (func $check_failed (param i32)))
 (import "lumen" "halt" (func $halt (param i32 i64)))
 (import "lumen" "spec_overflow" (func $spec_overflow))
 (import "lumen" "internal" (func $internal (param i32)))
 (import "lumen" "oom" (func $oom))
 (import "lumen" "print_i64" (func $print_i64 (param i64 i32)))
 (import "lumen" "print_f64" (func $print_f64 (param f64)))
 (import "lumen" "print_i32" (func $print_i32 (param i32 i32)))
 (import "lumen" "fmt_i64" (func $fmt_i64 (param i64 i32) (result i64)))
 (import "lumen" "fmt_f64" (func $fmt_f64 (param f64) (result i64)))
 (import "lumen" "fmt_i32" (func $fmt_i32 (param i32 i32) (result i64)))
 (import "lumen" "fpow" (func $fpow (param f64 f64) (result f64)))
 (memory $mem 1)
 (global $hp (mut i32) (i32.const 4096))
 (global $flag (mut i32) (i32.const 0))
 (global $hs (mut i32) (i32.const 0))

 ;; ------------------------------------------------------------ allocation

 ;; Makes sure the memory covers [0, end).
 (func $grow (param $end i32)
  (local $need i32) (local $have i32) (local $more i32)
  (if (i32.gt_u (local.get $end) (i32.const 0x7FFF0000)) (then (call $oom) (unreachable)))
  (local.set $need (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)))
  (local.set $have (memory.size))
  (if (i32.le_u (local.get $need) (local.get $have)) (then (return)))
  (local.set $more (i32.sub (local.get $need) (local.get $have)))
  ;; Grow by at least doubling, so that a growing heap costs amortised O(1).
  (if (i32.ne (memory.grow (select (local.get $have) (local.get $more) (i32.gt_u (local.get $have) (local.get $more)))) (i32.const -1))
   (then (return)))
  (if (i32.eq (memory.grow (local.get $more)) (i32.const -1)) (then (call $oom) (unreachable))))

 ;; n bytes, 8-aligned.
 (func $alloc (export "alloc") (param $n i32) (result i32)
  (local $p i32) (local $e i32)
  (local.set $p (i32.and (i32.add (global.get $hp) (i32.const 7)) (i32.const -8)))
  (local.set $e (i32.add (local.get $p) (local.get $n)))
  (if (i32.lt_u (local.get $e) (local.get $p)) (then (call $oom) (unreachable)))
  (if (i32.gt_u (local.get $e) (i32.shl (memory.size) (i32.const 16))) (then (call $grow (local.get $e))))
  (global.set $hp (local.get $e))
  (local.get $p))

 ;; n bytes, unaligned (string bytes: consecutive allocations stay adjacent).
 (func $alloc_bytes (export "alloc_bytes") (param $n i32) (result i32)
  (local $p i32) (local $e i32)
  (local.set $p (global.get $hp))
  (local.set $e (i32.add (local.get $p) (local.get $n)))
  (if (i32.lt_u (local.get $e) (local.get $p)) (then (call $oom) (unreachable)))
  (if (i32.gt_u (local.get $e) (i32.shl (memory.size) (i32.const 16))) (then (call $grow (local.get $e))))
  (global.set $hp (local.get $e))
  (local.get $p))

 (func $heap_top (export "heap_top") (result i32) (global.get $hp))

 ;; Byte equality of two regions.
 (func $memeq (param $p i32) (param $q i32) (param $n i32) (result i32)
  (block $done
   (loop $wide
    (br_if $done (i32.lt_u (local.get $n) (i32.const 8)))
    (if (i64.ne (i64.load (local.get $p)) (i64.load (local.get $q))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (local.set $q (i32.add (local.get $q) (i32.const 8)))
    (local.set $n (i32.sub (local.get $n) (i32.const 8)))
    (br $wide)))
  (block $end
   (loop $narrow
    (br_if $end (i32.eqz (local.get $n)))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.load8_u (local.get $q))) (then (return (i32.const 0))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $narrow)))
  (i32.const 1))

 ;; ------------------------------------------------------------ strings

 (func $str_make (param $p i32) (param $n i32) (result i64)
  (i64.or (i64.extend_i32_u (local.get $p)) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 32))))

 (func $str_bytes (param $s i64) (result i32)
  (i32.and (i32.wrap_i64 (i64.shr_u (local.get $s) (i64.const 32))) (i32.const 0x7FFFFFFF)))

 ;; a ++ b. Appends in place when a ends at the top of the heap, and shares
 ;; the bytes when b directly follows a: strings are immutable slices, so no
 ;; other value can observe the bytes beyond its own length.
 (func $str_concat (param $a i64) (param $b i64) (result i64)
  (local $ap i32) (local $an i32) (local $bp i32) (local $bn i32) (local $n i32) (local $p i32) (local $flags i64)
  (local.set $bn (call $str_bytes (local.get $b)))
  (if (i32.eqz (local.get $bn)) (then (return (local.get $a))))
  (local.set $an (call $str_bytes (local.get $a)))
  (if (i32.eqz (local.get $an)) (then (return (local.get $b))))
  (local.set $ap (i32.wrap_i64 (local.get $a)))
  (local.set $bp (i32.wrap_i64 (local.get $b)))
  (local.set $n (i32.add (local.get $an) (local.get $bn)))
  (if (i32.lt_s (local.get $n) (i32.const 0)) (then (call $internal (i32.const 5)) (unreachable)))
  (local.set $flags (i64.and (i64.or (local.get $a) (local.get $b)) (i64.const 0x8000000000000000)))
  (if (i32.eq (i32.add (local.get $ap) (local.get $an)) (global.get $hp))
   (then
    (local.set $p (call $alloc_bytes (local.get $bn)))
    (memory.copy (local.get $p) (local.get $bp) (local.get $bn))
    (return (i64.or (call $str_make (local.get $ap) (local.get $n)) (local.get $flags)))))
  (if (i32.and
        (i32.eq (i32.add (local.get $ap) (local.get $an)) (local.get $bp))
        (i32.eq (i32.add (local.get $bp) (local.get $bn)) (global.get $hp)))
   (then (return (i64.or (call $str_make (local.get $ap) (local.get $n)) (local.get $flags)))))
  (local.set $p (call $alloc_bytes (local.get $n)))
  (memory.copy (local.get $p) (local.get $ap) (local.get $an))
  (memory.copy (i32.add (local.get $p) (local.get $an)) (local.get $bp) (local.get $bn))
  (i64.or (call $str_make (local.get $p) (local.get $n)) (local.get $flags)))

 (func $str_eq (param $a i64) (param $b i64) (result i32)
  (local $n i32)
  (if (i64.eq (local.get $a) (local.get $b)) (then (return (i32.const 1))))
  (local.set $n (call $str_bytes (local.get $a)))
  (if (i32.ne (local.get $n) (call $str_bytes (local.get $b))) (then (return (i32.const 0))))
  (call $memeq (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b)) (local.get $n)))

 ;; -1, 0 or 1 in the order of JS strings (UTF-16 code units), like the VM.
 ;; UTF-8 bytes sort by code point; the two orders differ only between
 ;; U+E000..U+FFFF (lead bytes EE, EF) and supplementary characters (F0..F4).
 (func $str_cmp (param $a i64) (param $b i64) (result i32)
  (local $ap i32) (local $an i32) (local $bp i32) (local $bn i32) (local $m i32) (local $i i32) (local $x i32) (local $y i32)
  (local.set $ap (i32.wrap_i64 (local.get $a)))
  (local.set $bp (i32.wrap_i64 (local.get $b)))
  (local.set $an (call $str_bytes (local.get $a)))
  (local.set $bn (call $str_bytes (local.get $b)))
  (local.set $m (select (local.get $an) (local.get $bn) (i32.lt_u (local.get $an) (local.get $bn))))
  (block $done
   (loop $next
    (br_if $done (i32.ge_u (local.get $i) (local.get $m)))
    (local.set $x (i32.load8_u (i32.add (local.get $ap) (local.get $i))))
    (local.set $y (i32.load8_u (i32.add (local.get $bp) (local.get $i))))
    (if (i32.ne (local.get $x) (local.get $y))
     (then
      (if (i32.and
            (i32.and (i32.ge_u (local.get $x) (i32.const 0xEE)) (i32.ge_u (local.get $y) (i32.const 0xEE)))
            (i32.ne (i32.ge_u (local.get $x) (i32.const 0xF0)) (i32.ge_u (local.get $y) (i32.const 0xF0))))
       (then (return (select (i32.const -1) (i32.const 1) (i32.ge_u (local.get $x) (i32.const 0xF0))))))
      (return (select (i32.const -1) (i32.const 1) (i32.lt_u (local.get $x) (local.get $y))))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $next)))
  (select (i32.const -1) (i32.gt_u (local.get $an) (local.get $bn)) (i32.lt_u (local.get $an) (local.get $bn))))

 ;; len(s) in code points.
 (func $str_len (param $s i64) (result i64)
  (local $p i32) (local $e i32) (local $n i32)
  (if (i64.ge_s (local.get $s) (i64.const 0)) (then (return (i64.extend_i32_u (call $str_bytes (local.get $s))))))
  (local.set $p (i32.wrap_i64 (local.get $s)))
  (local.set $e (i32.add (local.get $p) (call $str_bytes (local.get $s))))
  (block $done
   (loop $next
    (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
    (if (i32.ne (i32.and (i32.load8_u (local.get $p)) (i32.const 0xC0)) (i32.const 0x80))
     (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (br $next)))
  (i64.extend_i32_u (local.get $n)))

 ;; s[i] for 0 <= i < len(s): the code point as a one-character slice of s.
 (func $str_at (param $s i64) (param $i i64) (result i64)
  (local $p i32) (local $e i32) (local $k i32) (local $start i32) (local $q i32)
  (local.set $p (i32.wrap_i64 (local.get $s)))
  (if (i64.ge_s (local.get $s) (i64.const 0))
   (then (return (call $str_make (i32.add (local.get $p) (i32.wrap_i64 (local.get $i))) (i32.const 1)))))
  (local.set $e (i32.add (local.get $p) (call $str_bytes (local.get $s))))
  (local.set $k (i32.const -1))
  (local.set $q (local.get $p))
  ;; Find the lead byte of code point i.
  (block $found
   (loop $next
    (if (i32.ne (i32.and (i32.load8_u (local.get $q)) (i32.const 0xC0)) (i32.const 0x80))
     (then
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $found (i32.eq (local.get $k) (i32.wrap_i64 (local.get $i))))))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $next)))
  (local.set $start (local.get $q))
  (local.set $q (i32.add (local.get $q) (i32.const 1)))
  (block $end
   (loop $more
    (br_if $end (i32.ge_u (local.get $q) (local.get $e)))
    (br_if $end (i32.ne (i32.and (i32.load8_u (local.get $q)) (i32.const 0xC0)) (i32.const 0x80)))
    (local.set $q (i32.add (local.get $q) (i32.const 1)))
    (br $more)))
  (i64.or
   (call $str_make (local.get $start) (i32.sub (local.get $q) (local.get $start)))
   (select (i64.const 0x8000000000000000) (i64.const 0) (i32.ge_u (i32.load8_u (local.get $start)) (i32.const 0x80)))))

 ;; Decimal text of an Int.
 (func $itoa (param $v i64) (result i64)
  (local $neg i32) (local $u i64) (local $t i64) (local $n i32) (local $p i32) (local $e i32)
  (local.set $neg (i64.lt_s (local.get $v) (i64.const 0)))
  (local.set $u (select (i64.sub (i64.const 0) (local.get $v)) (local.get $v) (local.get $neg)))
  (local.set $n (i32.const 1))
  (local.set $t (local.get $u))
  (block $counted
   (loop $count
    (br_if $counted (i64.lt_u (local.get $t) (i64.const 10)))
    (local.set $t (i64.div_u (local.get $t) (i64.const 10)))
    (local.set $n (i32.add (local.get $n) (i32.const 1)))
    (br $count)))
  (local.set $n (i32.add (local.get $n) (local.get $neg)))
  (local.set $p (call $alloc_bytes (local.get $n)))
  (local.set $e (i32.add (local.get $p) (local.get $n)))
  (loop $digit
   (local.set $e (i32.sub (local.get $e) (i32.const 1)))
   (i32.store8 (local.get $e) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $u) (i64.const 10)))))
   (local.set $u (i64.div_u (local.get $u) (i64.const 10)))
   (br_if $digit (i64.ne (local.get $u) (i64.const 0))))
  (if (local.get $neg) (then (i32.store8 (local.get $p) (i32.const 45))))
  (call $str_make (local.get $p) (local.get $n)))

 ;; ------------------------------------------------------------ lists

 (func $list_len (param $xs i64) (result i32)
  (i32.wrap_i64 (i64.shr_u (local.get $xs) (i64.const 32))))

 (func $list_make (param $p i32) (param $n i32) (result i64)
  (i64.or (i64.extend_i32_u (local.get $p)) (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 32))))

 ;; A buffer with room for cap slots.
 (func $list_buf (param $cap i32) (result i32)
  (local $p i32)
  (if (i32.gt_u (local.get $cap) (i32.const 0x0FFFFFF0)) (then (call $oom) (unreachable)))
  (local.set $p (call $alloc (i32.add (i32.const 8) (i32.shl (local.get $cap) (i32.const 3)))))
  (i32.store (local.get $p) (local.get $cap))
  (local.get $p))

 ;; A copy of xs in a new buffer of capacity cap (>= len).
 (func $list_copy (param $xs i64) (param $cap i32) (result i64)
  (local $n i32) (local $p i32)
  (local.set $n (call $list_len (local.get $xs)))
  (local.set $p (call $list_buf (local.get $cap)))
  (memory.copy (i32.add (local.get $p) (i32.const 8)) (i32.add (i32.wrap_i64 (local.get $xs)) (i32.const 8)) (i32.shl (local.get $n) (i32.const 3)))
  (call $list_make (local.get $p) (local.get $n)))

 ;; Makes room for n more slots in the buffer of an owner variable: in place
 ;; when the variable owns its buffer (own == address) and there is room or
 ;; the buffer ends at the top of the heap; otherwise in a fresh copy. The
 ;; caller then owns the returned buffer.
 (func $list_reserve (param $xs i64) (param $own i32) (param $more i32) (result i64)
  (local $p i32) (local $n i32) (local $cap i32) (local $want i32) (local $newcap i32)
  (local.set $p (i32.wrap_i64 (local.get $xs)))
  (local.set $n (call $list_len (local.get $xs)))
  (local.set $want (i32.add (local.get $n) (local.get $more)))
  (if (i32.lt_s (local.get $want) (i32.const 0)) (then (call $internal (i32.const 5)) (unreachable)))
  (local.set $newcap (select (local.get $want) (i32.const 4) (i32.gt_u (local.get $want) (i32.const 4))))
  (local.set $newcap (select (local.get $newcap) (i32.shl (local.get $n) (i32.const 1)) (i32.gt_u (local.get $newcap) (i32.shl (local.get $n) (i32.const 1)))))
  (if (i32.eq (local.get $own) (local.get $p))
   (then
    (local.set $cap (i32.load (local.get $p)))
    (if (i32.le_u (local.get $want) (local.get $cap)) (then (return (local.get $xs))))
    (if (i32.eq (i32.add (i32.add (local.get $p) (i32.const 8)) (i32.shl (local.get $cap) (i32.const 3))) (global.get $hp))
     (then
      (if (i32.gt_u (local.get $newcap) (i32.const 0x0FFFFFF0)) (then (call $oom) (unreachable)))
      (drop (call $alloc (i32.shl (i32.sub (local.get $newcap) (local.get $cap)) (i32.const 3))))
      (i32.store (local.get $p) (local.get $newcap))
      (return (local.get $xs))))))
  (call $list_copy (local.get $xs) (local.get $newcap)))

 ;; a ++ b, always in a new buffer.
 (func $list_concat (param $a i64) (param $b i64) (result i64)
  (local $an i32) (local $bn i32) (local $n i32) (local $p i32)
  (local.set $an (call $list_len (local.get $a)))
  (local.set $bn (call $list_len (local.get $b)))
  (local.set $n (i32.add (local.get $an) (local.get $bn)))
  (if (i32.lt_s (local.get $n) (i32.const 0)) (then (call $internal (i32.const 5)) (unreachable)))
  (local.set $p (call $list_buf (local.get $n)))
  (memory.copy (i32.add (local.get $p) (i32.const 8)) (i32.add (i32.wrap_i64 (local.get $a)) (i32.const 8)) (i32.shl (local.get $an) (i32.const 3)))
  (memory.copy (i32.add (i32.add (local.get $p) (i32.const 8)) (i32.shl (local.get $an) (i32.const 3)))
               (i32.add (i32.wrap_i64 (local.get $b)) (i32.const 8)) (i32.shl (local.get $bn) (i32.const 3)))
  (call $list_make (local.get $p) (local.get $n)))

 ;; xs ++ more for an owner variable xs (more may be xs itself).
 (func $list_append_owned (param $xs i64) (param $own i32) (param $more i64) (result i64)
  (local $m i32) (local $ys i64) (local $n i32)
  (local.set $m (call $list_len (local.get $more)))
  (local.set $n (call $list_len (local.get $xs)))
  (local.set $ys (call $list_reserve (local.get $xs) (local.get $own) (local.get $m)))
  (memory.copy
   (i32.add (i32.add (i32.wrap_i64 (local.get $ys)) (i32.const 8)) (i32.shl (local.get $n) (i32.const 3)))
   (i32.add (i32.wrap_i64 (local.get $more)) (i32.const 8))
   (i32.shl (local.get $m) (i32.const 3)))
  (call $list_make (i32.wrap_i64 (local.get $ys)) (i32.add (local.get $n) (local.get $m))))

 ;; range(a, b): [a, a + 1, …, b - 1].
 (func $range (param $a i64) (param $b i64) (result i64)
  (local $d i64) (local $p i32) (local $i i32) (local $n i32)
  (if (i64.le_s (local.get $b) (local.get $a)) (then (return (call $list_make (i32.const 16) (i32.const 0)))))
  (local.set $d (i64.sub (local.get $b) (local.get $a)))
  (if (i32.or (i64.lt_s (local.get $d) (i64.const 0)) (i64.gt_s (local.get $d) (i64.const 0x7FFFFFFF)))
   (then (call $internal (i32.const 3)) (unreachable)))
  (local.set $n (i32.wrap_i64 (local.get $d)))
  (local.set $p (call $list_buf (local.get $n)))
  (block $done
   (loop $next
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (i64.store offset=8 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))
     (i64.add (local.get $a) (i64.extend_i32_u (local.get $i))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $next)))
  (call $list_make (local.get $p) (local.get $n)))

 ;; ------------------------------------------------------------ Int slow paths

 ;; Whether a * b leaves the 64-bit range.
 (func $mul_ovf (param $a i64) (param $b i64) (result i32)
  (if (i32.or (i64.eqz (local.get $a)) (i64.eqz (local.get $b))) (then (return (i32.const 0))))
  (if (i64.eq (local.get $a) (i64.const -1)) (then (return (i64.eq (local.get $b) (i64.const 0x8000000000000000)))))
  (if (i64.eq (local.get $b) (i64.const -1)) (then (return (i64.eq (local.get $a) (i64.const 0x8000000000000000)))))
  (i64.ne (i64.div_s (i64.mul (local.get $a) (local.get $b)) (local.get $b)) (local.get $a)))

 ;; a ** b. Sets $flag: 0 ok, 1 overflow, 2 negative exponent.
 (func $pow (param $a i64) (param $b i64) (result i64)
  (local $r i64)
  (global.set $flag (i32.const 0))
  (if (i64.lt_s (local.get $b) (i64.const 0)) (then (global.set $flag (i32.const 2)) (return (i64.const 0))))
  (if (i64.eqz (local.get $a)) (then (return (i64.extend_i32_u (i64.eqz (local.get $b))))))
  (if (i64.eq (local.get $a) (i64.const 1)) (then (return (i64.const 1))))
  (if (i64.eq (local.get $a) (i64.const -1))
   (then (return (select (i64.const -1) (i64.const 1) (i32.wrap_i64 (i64.and (local.get $b) (i64.const 1)))))))
  (if (i64.ge_s (local.get $b) (i64.const 64)) (then (global.set $flag (i32.const 1)) (return (i64.const 0))))
  (local.set $r (i64.const 1))
  (block $done
   (loop $next
    (br_if $done (i64.eqz (local.get $b)))
    (if (call $mul_ovf (local.get $r) (local.get $a)) (then (global.set $flag (i32.const 1)) (return (i64.const 0))))
    (local.set $r (i64.mul (local.get $r) (local.get $a)))
    (local.set $b (i64.sub (local.get $b) (i64.const 1)))
    (br $next)))
  (local.get $r))

 ;; a // b (floor) for b != 0 and not MIN // -1.
 (func $floordiv (param $a i64) (param $b i64) (result i64)
  (local $q i64)
  (local.set $q (i64.div_s (local.get $a) (local.get $b)))
  (if (result i64)
   (i32.and
    (i64.ne (i64.rem_s (local.get $a) (local.get $b)) (i64.const 0))
    (i64.lt_s (i64.xor (local.get $a) (local.get $b)) (i64.const 0)))
   (then (i64.sub (local.get $q) (i64.const 1)))
   (else (local.get $q))))
)`;
