-- Runs the Lua test files under luajit and prints one TAP-like line per case:
--   ok <file> :: <case>        or        not ok <file> :: <case> :: <reason>
-- then "N passed, M failed". Exits 1 when any case fails.
-- Usage (from the repository root): luajit istio/lua/test/run.lua
-- EdgeTaggingLuaTest runs it from `mvn verify`.

local here = string.match(arg[0], "^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path

local files = { "harness_test", "edge_tagging_test" }
local passed, failed = 0, 0

for _, file in ipairs(files) do
  local cases = require(file)
  for _, case in ipairs(cases) do
    local ok, err = xpcall(case.fn, debug.traceback)
    if ok then
      passed = passed + 1
      print("ok " .. file .. " :: " .. case.name)
    else
      failed = failed + 1
      local reason = string.gsub(tostring(err), "\n", " | ")
      print("not ok " .. file .. " :: " .. case.name .. " :: " .. reason)
    end
  end
end

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
