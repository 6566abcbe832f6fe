-- Benchmark peer (fengari): bottom-up merge sort of 100,000 pseudo-random
-- Ints, as wasm_sort.lm and jsSort. The generator computes
-- (x * 1103515245 + 12345) mod 2^31: fengari's integers are 32-bit and wrap
-- like JavaScript's Math.imul, and the low 31 bits of a product do not depend
-- on the higher ones, so `& 0x7fffffff` gives the same numbers as Lumen's
-- 64-bit arithmetic (and as 64-bit Lua).
local xs = {}
local x = 12345
for i = 0, 100000 - 1 do
  x = (x * 1103515245 + 12345) & 0x7fffffff
  xs[i] = x % 1000000
end
local n = 100000
local a, b = {}, {}
for i = 0, n - 1 do
  a[i] = xs[i]
  b[i] = xs[i]
end
local width = 1
while width < n do
  local lo = 0
  while lo < n do
    local mid = math.min(lo + width, n)
    local hi = math.min(lo + 2 * width, n)
    local i, j = lo, mid
    for k = lo, hi - 1 do
      if i < mid and (j >= hi or a[i] <= a[j]) then
        b[k] = a[i]
        i = i + 1
      else
        b[k] = a[j]
        j = j + 1
      end
    end
    lo = hi
  end
  a, b = b, a
  width = width * 2
end
local ok = true
for i = 1, n - 1 do
  if a[i - 1] > a[i] then
    ok = false
  end
end
print(ok)
print(a[0] + a[n // 2] + a[n - 1])
