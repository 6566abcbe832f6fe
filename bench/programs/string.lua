-- Benchmark peer (fengari): building a 200,000-character string by repeated
-- concatenation, as wasm_string.lm and jsString. Lua strings are immutable
-- byte arrays, so each `..` copies the string built so far.
local s = ""
for i = 0, 200000 - 1 do
  s = s .. tostring(i % 10)
end
print(#s)
print(s:sub(200000, 200000))
