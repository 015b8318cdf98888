-- The harness must behave like Envoy where the filter depends on it; these cases pin that down,
-- including the __pairs difference between Envoy's LuaJIT and Debian's.
local check = require("check")
local harness = require("envoy_harness")
local cases, case = check.cases()

local function map_of(entries)
  local script = { env = {} }
  return harness.stream(script, { request_headers = entries }).request_headers
end

case("this luajit ignores __pairs, so a plain pairs() cannot stand in for Envoy's", function()
  local called = false
  local t = setmetatable({}, { __pairs = function(self)
    called = true
    return next, self, nil
  end })
  for _ in pairs(t) do end
  check.eq(called, false, "native pairs() called __pairs")
end)

case("native pairs() over a header map fails, as it would in a LuaJIT without 5.2 compat", function()
  local headers = map_of({ { "a", "1" } })
  check.fails(function()
    for _ in pairs(headers) do end
  end, "table expected")
end)

case("pairs() in a loaded script honours __pairs like Envoy's LUA52COMPAT build", function()
  local headers = map_of({ { ":path", "/x" }, { "A", "1" }, { "a", "2" } })
  local seen = {}
  for k, v in harness.pairs52(headers) do
    seen[#seen + 1] = k .. "=" .. v
  end
  check.eq(table.concat(seen, " "), ":path=/x a=1 a=2", "iteration order and repeated entries")
end)

case("get is case-insensitive and joins repeated values with a comma", function()
  local headers = map_of({ { "X-Test", "one" }, { "x-test", "two" } })
  check.eq(headers:get("X-TEST"), "one,two")
  check.eq(headers:get("missing"), nil)
end)

case("getAtIndex is zero-based and getNumValues counts entries", function()
  local headers = map_of({ { "x-test", "one" }, { "x-test", "two" } })
  check.eq(headers:getAtIndex("x-test", 0), "one")
  check.eq(headers:getAtIndex("x-test", 1), "two")
  check.eq(headers:getAtIndex("x-test", 2), nil)
  check.eq(headers:getNumValues("X-Test"), 2)
  check.eq(headers:getNumValues("absent"), 0)
end)

case("replace overwrites only the first of repeated values and adds when absent", function()
  local headers = map_of({ { "x-test", "one" }, { "x-test", "two" } })
  headers:replace("x-test", "new")
  check.eq(headers:get("x-test"), "new,two")
  headers:replace("x-other", "v")
  check.eq(headers:get("x-other"), "v")
end)

case("remove drops every value", function()
  local headers = map_of({ { "x-test", "one" }, { "X-Test", "two" }, { "keep", "k" } })
  headers:remove("x-test")
  check.eq(headers:getNumValues("x-test"), 0)
  check.eq(headers:get("keep"), "k")
end)

case("modifying a header map while iterating raises", function()
  local headers = map_of({ { "a", "1" }, { "b", "2" } })
  check.fails(function()
    for k in harness.pairs52(headers) do
      headers:remove(k)
    end
  end, "while iterating")
end)

case("a header map stays locked after an iteration left early with break", function()
  local headers = map_of({ { "a", "1" }, { "b", "2" } })
  for _ in harness.pairs52(headers) do
    break
  end
  check.fails(function() headers:add("c", "3") end, "while iterating")
end)

case("respond is refused in the response flow and needs :status", function()
  local script = { env = {
    envoy_on_request = function(handle)
      handle:respond({ ["content-type"] = "text/plain" }, "no status")
    end,
    envoy_on_response = function(handle)
      handle:respond({ [":status"] = "200" }, "late")
    end,
  } }
  local stream = harness.stream(script, {}):request()
  check.matches(stream.errors[1], ":status must be set", "request-flow error")
  stream:response({ { ":status", "200" } })
  check.matches(stream.errors[2], "only valid in the request flow", "response-flow error")
end)

case("respond ends the script: code after it never runs", function()
  local after = false
  local script = { env = {
    envoy_on_request = function(handle)
      handle:respond({ [":status"] = "403" }, "denied")
      after = true
    end,
  } }
  local stream = harness.stream(script, {}):request()
  check.eq(stream.responded.headers[":status"], "403")
  check.eq(after, false, "code after respond ran")
end)

case("headers cannot be modified after they went to the next filter", function()
  local kept
  local script = { env = { envoy_on_request = function(handle) kept = handle:headers() end } }
  harness.stream(script, {}):request()
  check.fails(function() kept:add("x-late", "1") end, "no longer be modified")
end)

return cases
