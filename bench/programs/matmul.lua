-- Benchmark peer (fengari): 120×120 Int matrix multiply over flat 0-based
-- tables, as wasm_matmul.lm and jsMatmul. Every value stays below 2^31
-- (the final sum is at most 25200 · 14400), so fengari's 32-bit integers
-- give the exact result.
local n = 120
local a, b = {}, {}
for i = 0, n * n - 1 do
  a[i] = i % 7 + 1
  b[i] = i % 5 + 2
end
local c = {}
local len = 0
for i = 0, n - 1 do
  for j = 0, n - 1 do
    local s = 0
    for k = 0, n - 1 do
      s = s + a[i * n + k] * b[k * n + j]
    end
    c[len] = s
    len = len + 1
  end
end
local sum = 0
for i = 0, n * n - 1 do
  sum = sum + c[i] * (i % 3 + 1)
end
print(sum)
