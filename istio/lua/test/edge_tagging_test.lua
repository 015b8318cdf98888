-- Behaviour of istio/lua/edge-tagging.lua under the Envoy harness.
local check = require("check")
local harness = require("envoy_harness")
local cases, case = check.cases()

local here = string.match(arg[0], "^(.*)/[^/]*$") or "."
local SCRIPT = here .. "/../edge-tagging.lua"

local function request(extra, options)
  local headers = { { ":method", "GET" }, { ":path", "/api/orders" }, { ":authority", "shop.example" },
    { "x-request-id", "7c6f0b1e-4a2b-4c3d-9e8f-0123456789ab" } }
  for _, h in ipairs(extra or {}) do
    headers[#headers + 1] = h
  end
  options = options or {}
  options.request_headers = headers
  options.clock = options.clock or { now = 1764090302123 }
  return harness.stream(harness.load(SCRIPT), options):request()
end

local function no_errors(stream)
  check.eq(#stream.errors, 0, "script errors (" .. tostring(stream.errors[1]) .. ")")
  for _, log in ipairs(stream.logs) do
    check.truthy(log.level ~= "Err" and log.level ~= "Warn", "no warning or error logged, got " .. log.message)
  end
end

case("strips inbound x-strangler headers in any case", function()
  local s = request({ { "X-Strangler-Shadow", "true" }, { "x-strangler-route", "orders-api" },
    { "x-STRANGLER-backend", "orders" } })
  no_errors(s)
  for _, entry in ipairs(harness.entries(s.request_headers)) do
    check.truthy(string.find(entry[1], "^x%-strangler%-") == nil, "header " .. entry[1] .. " survived")
  end
end)

case("strips spoofed edge, cohort and dapr headers but keeps ordinary ones", function()
  local s = request({ { "x-edge-received-at", "1" }, { "x-edge-duration-ms", "1" },
    { "x-migration-cohort", "chosen-by-client" }, { "dapr-api-token", "guess" }, { "x-dapr-app-id", "orders-service" },
    { "accept", "application/json" }, { "x-strangler", "no-dash-suffix-is-not-internal" } })
  no_errors(s)
  local h = s.request_headers
  check.eq(h:get("x-migration-cohort"), nil, "client-chosen cohort")
  check.eq(h:get("dapr-api-token"), nil)
  check.eq(h:get("x-dapr-app-id"), nil)
  check.eq(h:get("x-edge-duration-ms"), nil)
  check.eq(h:get("x-edge-received-at"), "1764090302123", "received-at is the edge's own stamp")
  check.eq(h:get("accept"), "application/json")
  check.eq(h:get("x-strangler"), "no-dash-suffix-is-not-internal")
  check.eq(h:get(":path"), "/api/orders")
end)

case("keeps a well-formed x-request-id", function()
  local s = request()
  no_errors(s)
  check.eq(s.request_headers:get("x-request-id"), "7c6f0b1e-4a2b-4c3d-9e8f-0123456789ab")
end)

case("sets x-request-id when it is missing", function()
  local s = harness.stream(harness.load(SCRIPT), { request_headers = { { ":method", "GET" }, { ":path", "/" } },
    clock = { now = 5 } }):request()
  no_errors(s)
  check.eq(s.request_headers:getNumValues("x-request-id"), 1)
  check.matches(s.request_headers:get("x-request-id"),
      "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$", "generated id")
end)

case("a generated x-request-id is a UUID v7 that starts with the edge time and differs per stream", function()
  local script = harness.load(SCRIPT)
  local now = 1764090302123
  local a = harness.stream(script, { request_headers = {}, clock = { now = now } }):request()
  local b = harness.stream(script, { request_headers = {}, clock = { now = now } }):request()
  local id = a.request_headers:get("x-request-id")
  check.eq(string.gsub(string.sub(id, 1, 13), "%-", ""), string.format("%012x", now), "time prefix")
  check.truthy(id ~= b.request_headers:get("x-request-id"), "two streams in the same millisecond get different ids")
end)

case("replaces repeated, empty, huge or malformed x-request-id values with one fresh id", function()
  local bad = {
    { { "x-request-id", "a" }, { "x-request-id", "b" } },
    { { "x-request-id", "" } },
    { { "x-request-id", string.rep("z", 100000) } },
    { { "x-request-id", "has space" } },
    { { "x-request-id", "line\r\nx-injected: 1" } },
  }
  for i, headers in ipairs(bad) do
    local s = harness.stream(harness.load(SCRIPT), { request_headers = headers, clock = { now = 5 } }):request()
    no_errors(s)
    check.eq(s.request_headers:getNumValues("x-request-id"), 1, "case " .. i .. " value count")
    check.matches(s.request_headers:get("x-request-id"), "^%x+%-%x+%-7%x+%-%x+%-%x+$", "case " .. i .. " id")
  end
end)

case("adds x-edge-received-at in milliseconds and remembers it for the response", function()
  local s = request()
  no_errors(s)
  check.eq(s.request_headers:get("x-edge-received-at"), "1764090302123")
  check.eq(s.request_headers:getNumValues("x-edge-received-at"), 1)
  check.eq(s.metadata["envoy.filters.http.lua"].edge_received_at, 1764090302123, "dynamic metadata")
end)

case("sets x-migration-cohort from the strangler_cohort cookie", function()
  local s = request({ { "cookie", "theme=dark; strangler_cohort=k9Qz-71_a; other=1" } })
  no_errors(s)
  check.eq(s.request_headers:get("x-migration-cohort"), "k9Qz-71_a")
  check.eq(s.request_headers:get("cookie"), "theme=dark; strangler_cohort=k9Qz-71_a; other=1", "cookie untouched")
end)

case("finds the cohort cookie in any of several cookie headers (HTTP/2 sends one per cookie)", function()
  local s = request({ { "cookie", "a=1" }, { "cookie", "strangler_cohort=second-header" } }, { protocol = "HTTP/2" })
  no_errors(s)
  check.eq(s.request_headers:get("x-migration-cohort"), "second-header")
end)

case("trims spaces and tabs around cookie names and values, however long the runs", function()
  local pad = string.rep(" ", 20000)
  local s = request({ { "cookie", "a=1;" .. pad .. "strangler_cohort" .. pad .. "=\t" .. pad .. "spaced-1" .. pad .. "\t;b=2" } })
  no_errors(s)
  check.eq(s.request_headers:get("x-migration-cohort"), "spaced-1")
end)

case("accepts a quoted cohort cookie value", function()
  local s = request({ { "cookie", 'strangler_cohort="abc123"' } })
  no_errors(s)
  check.eq(s.request_headers:get("x-migration-cohort"), "abc123")
end)

case("uses the first valid of repeated cohort cookies", function()
  local s = request({ { "cookie", "strangler_cohort=bad value!; strangler_cohort=good-1; strangler_cohort=good-2" } })
  no_errors(s)
  check.eq(s.request_headers:get("x-migration-cohort"), "good-1")
end)

case("sets no cohort without the cookie, with a similar name, or with an empty, huge or odd value", function()
  local odd = {
    {},
    { { "cookie", "" } },
    { { "cookie", ";;; ; =" } },
    { { "cookie", "xstrangler_cohort=abc; strangler_cohortx=abc" } },
    { { "cookie", "strangler_cohort=" } },
    { { "cookie", "strangler_cohort=" .. string.rep("a", 65) } },
    { { "cookie", "strangler_cohort=" .. string.rep("b", 1000000) } },
    { { "cookie", "strangler_cohort=%00%0d%0a" } },
    { { "cookie", "strangler_cohort=a,b" } },
    { { "cookie", "strangler_cohort" } },
    { { "x-migration-cohort", "spoofed" } },
  }
  for i, extra in ipairs(odd) do
    local s = request(extra)
    no_errors(s)
    check.eq(s.request_headers:get("x-migration-cohort"), nil, "case " .. i)
  end
end)

case("handles many repeated headers and a huge cookie line without error", function()
  local extra = {}
  for i = 1, 500 do
    extra[#extra + 1] = { "x-strangler-junk", tostring(i) }
    extra[#extra + 1] = { "cookie", "c" .. i .. "=" .. string.rep("v", 100) }
  end
  extra[#extra + 1] = { "cookie", string.rep("k=v; ", 20000) .. "strangler_cohort=deep" }
  local s = request(extra)
  no_errors(s)
  check.eq(s.request_headers:getNumValues("x-strangler-junk"), 0)
  check.eq(s.request_headers:get("x-migration-cohort"), "deep")
end)

case("adds x-edge-duration-ms on the response", function()
  local clock = { now = 1000 }
  local s = request(nil, { clock = clock })
  s:response({ { ":status", "200" }, { "content-type", "application/json" } }, 1042)
  no_errors(s)
  check.eq(s.response_headers:get("x-edge-duration-ms"), "42")
  check.eq(s.response_headers:get(":status"), "200")
end)

case("overwrites every upstream x-edge-duration-ms value with one", function()
  local s = request(nil, { clock = { now = 1000 } })
  s:response({ { ":status", "200" }, { "x-edge-duration-ms", "1" }, { "x-edge-duration-ms", "2" } }, 1007)
  no_errors(s)
  check.eq(s.response_headers:get("x-edge-duration-ms"), "7")
end)

case("never reports a negative duration when the clock steps back", function()
  local s = request(nil, { clock = { now = 5000 } })
  s:response({ { ":status", "200" } }, 4000)
  no_errors(s)
  check.eq(s.response_headers:get("x-edge-duration-ms"), "0")
end)

case("a response whose request was not tagged gets no duration and no error", function()
  -- A local reply (for example Envoy's own 404) can reach envoy_on_response without the request path.
  local s = harness.stream(harness.load(SCRIPT), { clock = { now = 1 } })
  s:response({ { ":status", "404" } }, 2)
  no_errors(s)
  check.eq(s.response_headers:get("x-edge-duration-ms"), nil)
end)

case("refuses the request with a problem+json 400 when stripping fails, never forwarding it unstripped", function()
  local s = request({ { "x-strangler-shadow", "true" } }, { fail_on = "remove" })
  check.truthy(s.responded ~= nil, "a local reply was sent")
  check.eq(s.responded.headers[":status"], "400")
  check.eq(s.responded.headers["content-type"], "application/problem+json")
  check.matches(s.responded.body, '"status":400', "problem body")
  check.eq(s.logs[#s.logs].level, "Err", "the failure is logged as an error")
  check.matches(s.logs[#s.logs].message, "^event=edge_strip_failed ", "log line")
end)

case("a failure while tagging is logged and the request continues", function()
  local s = request({ { "cookie", "strangler_cohort=abc" } }, { fail_on = "getAtIndex" })
  check.eq(#s.errors, 0, "script error escaped")
  check.eq(s.responded, nil, "no local reply")
  check.eq(s.logs[#s.logs].level, "Warn")
  check.matches(s.logs[#s.logs].message, "^event=edge_tagging_failed ")
end)

case("keeps no handle between streams: two streams on one worker stay independent", function()
  local script = harness.load(SCRIPT)
  local a = harness.stream(script, { request_headers = { { "cookie", "strangler_cohort=a" } }, clock = { now = 100 } }):request()
  local b = harness.stream(script, { request_headers = {}, clock = { now = 200 } }):request()
  a:response({ { ":status", "200" } }, 130)
  b:response({ { ":status", "200" } }, 205)
  check.eq(a.response_headers:get("x-edge-duration-ms"), "30")
  check.eq(b.response_headers:get("x-edge-duration-ms"), "5")
  check.eq(b.request_headers:get("x-migration-cohort"), nil)
end)

return cases
