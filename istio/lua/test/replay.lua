-- Replays request header sets through istio/lua/edge-tagging.lua under the Envoy harness and prints what the
-- filter forwarded, one JSON object per line: {"headers": [[name, value], ...], "logs": [[level, message], ...],
-- "responded": status or null}. EdgeFiltersAgreeTest feeds the same random sets to the wasm module and compares.
-- Usage: luajit istio/lua/test/replay.lua INPUT.json   (INPUT: [{"now": ms, "headers": [[name, value], ...]}, ...])
local here = string.match(arg[0], "^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local harness = require("envoy_harness")
local json = require("json")

local LEVELS = { Trace = "trace", Debug = "debug", Info = "info", Warn = "warn", Err = "error", Critical = "critical" }

local function quote(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

local function pairs_json(list)
  local out = {}
  for i, p in ipairs(list) do
    out[i] = "[" .. quote(p[1]) .. "," .. quote(p[2]) .. "]"
  end
  return "[" .. table.concat(out, ",") .. "]"
end

local script = harness.load(here .. "/../edge-tagging.lua")
for _, input in ipairs(json.read(arg[1])) do
  local headers = {}
  for i, h in ipairs(input.headers) do
    headers[i] = { h[1], h[2] }
  end
  local s = harness.stream(script, { request_headers = headers, clock = { now = input.now } }):request()
  local logs = {}
  for i, log in ipairs(s.logs) do
    logs[i] = { LEVELS[log.level], log.message }
  end
  for _, e in ipairs(s.errors) do
    logs[#logs + 1] = { "script-error", e }
  end
  local responded = s.responded and s.responded.headers[":status"] or nil
  print('{"headers":' .. pairs_json(harness.entries(s.request_headers)) .. ',"logs":' .. pairs_json(logs)
      .. ',"responded":' .. (responded and quote(responded) or "null") .. "}")
end
