-- Per-request cost of istio/lua/edge-tagging.lua under LuaJIT in the Envoy harness
-- (istio/lua/test/envoy_harness.lua): one request plus its response per iteration, for each profile of
-- requests.json. Also the harness alone (a script without envoy_on_request/envoy_on_response), which is
-- what the emulated header map costs. Prints one tab-separated line per profile:
--   lua <TAB> <profile> <TAB> <median ns per request> <TAB> <harness-only median ns>
-- Usage (from the repository root): luajit bench/edge-filters/lua_cost.lua ITERATIONS ROUNDS
local root = "."
package.path = root .. "/istio/lua/test/?.lua;" .. package.path
local harness = require("envoy_harness")
local json = require("json")

local iterations = tonumber(arg[1] or "20000")
local rounds = tonumber(arg[2] or "5")
local profiles = json.read(root .. "/bench/edge-filters/requests.json").profiles
local script = harness.load(root .. "/istio/lua/edge-tagging.lua")
local empty = { env = {} }

local function pairs_of(list)
  local out = {}
  for i, h in ipairs(list) do
    out[i] = { h[1], h[2] }
  end
  return out
end

local function round(filter, profile, n)
  local clock = { now = 1764090302123 }
  local start = os.clock()
  for _ = 1, n do
    local s = harness.stream(filter, { request_headers = pairs_of(profile.request), clock = clock }):request()
    s:response(pairs_of(profile.response), clock.now + 3)
  end
  return (os.clock() - start) * 1e9 / n
end

local function median(filter, profile)
  round(filter, profile, iterations) -- warm-up: LuaJIT traces the hot loops
  local samples = {}
  for r = 1, rounds do
    samples[r] = round(filter, profile, iterations)
  end
  table.sort(samples)
  return samples[math.floor((rounds + 1) / 2)]
end

for _, profile in ipairs(profiles) do
  print(string.format("lua\t%s\t%.0f\t%.0f", profile.name, median(script, profile), median(empty, profile)))
end
