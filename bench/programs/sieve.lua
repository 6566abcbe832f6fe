-- Benchmark peer (fengari): sieve of Eratosthenes up to 1,000,000, as
-- wasm_sieve.lm and jsSieve. Indices start at 0 like theirs.
local n = 1000000
local flags = {}
for i = 0, n do
  flags[i] = true
end
local i = 2
while i * i <= n do
  if flags[i] then
    local j = i * i
    while j <= n do
      flags[j] = false
      j = j + i
    end
  end
  i = i + 1
end
local count = 0
for k = 2, n do
  if flags[k] then
    count = count + 1
  end
end
print(count)
