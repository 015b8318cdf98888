-- Behaviour of istio/lua/edge-tagging.lua under the Envoy harness: the cases of
-- edge_tagging_cases.json, the table the wasm module (istio/wasm) is tested against as well.
local check = require("check")
local harness = require("envoy_harness")
local json = require("json")
local cases, case = check.cases()

local here = string.match(arg[0], "^(.*)/[^/]*$") or "."
local SCRIPT = here .. "/../edge-tagging.lua"
local TABLE = json.read(here .. "/edge_tagging_cases.json")

local LEVELS = { warn = "Warn", error = "Err" }
local UUID_V7 = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"

-- A name or value of the table: a piece, or a list of pieces joined; a piece is a string or
-- {repeat = s, times = n}.
local function piece_text(piece)
  if type(piece) == "string" then
    return piece
  end
  assert(type(piece["repeat"]) == "string" and type(piece.times) == "number", "a piece is a string or {repeat, times}")
  return string.rep(piece["repeat"], piece.times)
end

local function text(v, i)
  local s
  if type(v) == "string" or v["repeat"] ~= nil then
    s = piece_text(v)
  else
    local out = {}
    for _, piece in ipairs(v) do
      out[#out + 1] = piece_text(piece)
    end
    s = table.concat(out)
  end
  if i ~= nil then
    s = string.gsub(s, "{i}", tostring(i))
  end
  return s
end

local function header_list(list, out, i)
  for _, h in ipairs(list or {}) do
    if h["for"] ~= nil then
      for n = h["for"][1], h["for"][2] do
        header_list(h.headers, out, n)
      end
    else
      out[#out + 1] = { text(h[1], i), text(h[2], i) }
    end
  end
  return out
end

local function request_headers(request)
  local out = {}
  if request.base then
    header_list(TABLE.base_request, out)
  end
  return header_list(request.headers, out)
end

local function sent_value(headers, name)
  local found
  for _, h in ipairs(headers) do
    if string.lower(h[1]) == name then
      found = h[2]
    end
  end
  return found
end

local function expect(where, headers, e, sent, now)
  if e == nil then
    return
  end
  for name, want in pairs(e.headers or {}) do
    local expected = want ~= json.null and text(want) or nil
    check.eq(headers:get(name), expected, where .. " header " .. name)
  end
  for name, n in pairs(e.count or {}) do
    check.eq(headers:getNumValues(name), n, where .. " count of " .. name)
  end
  for _, prefix in ipairs(e.no_prefix or {}) do
    for _, entry in ipairs(harness.entries(headers)) do
      check.truthy(string.sub(entry[1], 1, #prefix) ~= prefix, where .. " header " .. entry[1] .. " survived")
    end
  end
  if e.request_id == "kept" then
    check.eq(headers:getNumValues("x-request-id"), 1, where .. " x-request-id values")
    check.eq(headers:get("x-request-id"), sent_value(sent, "x-request-id"), where .. " x-request-id kept")
  elseif e.request_id == "fresh" then
    check.eq(headers:getNumValues("x-request-id"), 1, where .. " x-request-id values")
    local id = headers:get("x-request-id")
    check.matches(id, UUID_V7, where .. " generated id")
    check.eq(string.gsub(string.sub(id, 1, 13), "%-", ""), string.format("%012x", now % 281474976710656),
        where .. " id starts with the edge time")
  end
end

local function expect_logs(where, stream, e)
  check.eq(#stream.errors, 0, where .. " script errors (" .. tostring(stream.errors[1]) .. ")")
  local last = e and e.last_log
  if last == nil then
    for _, log in ipairs(stream.logs) do
      check.truthy(log.level ~= "Err" and log.level ~= "Warn" and log.level ~= "Critical",
          where .. ": no warning or error logged, got " .. log.message)
    end
    return
  end
  local log = stream.logs[#stream.logs]
  check.truthy(log ~= nil, where .. ": a log line")
  check.eq(log.level, LEVELS[last.level], where .. " level of the last log line")
  check.eq(string.sub(log.message, 1, #last.starts_with), last.starts_with, where .. " last log line")
end

local function expect_reply(where, stream, e)
  local want = e and e.local_reply
  if want == nil then
    check.eq(stream.responded, nil, where .. ": no local reply")
    return
  end
  check.truthy(stream.responded ~= nil, where .. ": a local reply was sent")
  check.eq(stream.responded.headers[":status"], tostring(want.status), where .. " local reply status")
  check.eq(stream.responded.headers["content-type"], want.content_type, where .. " local reply content-type")
  check.truthy(string.find(stream.responded.body, want.body_contains, 1, true) ~= nil, where .. " local reply body")
end

local function run(c)
  local script = harness.load(SCRIPT)
  local runs = {}
  for n, s in ipairs(c.streams) do
    local sent = s.request and request_headers(s.request) or {}
    local clock = { now = (s.request and s.request.now) or TABLE.now }
    local stream = harness.stream(script, { request_headers = sent, clock = clock,
      fail_on = s.request and s.request.fail_on })
    local where = "stream " .. n .. " request"
    if s.request then
      stream:request()
      expect(where, stream.request_headers, s.expect_request, sent, clock.now)
      expect_reply(where, stream, s.expect_request)
    end
    expect_logs(where, stream, s.expect_request)
    runs[n] = { stream = stream, spec = s }
  end
  for n, r in ipairs(runs) do
    local s = r.spec
    if s.response then
      local where = "stream " .. n .. " response"
      local before = #r.stream.logs
      r.stream:response(header_list(s.response.headers, {}), s.response.now or TABLE.now)
      expect(where, r.stream.response_headers, s.expect_response)
      local fresh = { errors = r.stream.errors, logs = { unpack(r.stream.logs, before + 1) } }
      expect_logs(where, fresh, s.expect_response)
    end
  end
  if c.distinct_request_ids then
    local seen = {}
    for n, r in ipairs(runs) do
      local id = r.stream.request_headers:get("x-request-id")
      check.truthy(seen[id] == nil, "stream " .. n .. " reuses the x-request-id of stream " .. tostring(seen[id]))
      seen[id] = n
    end
  end
end

for _, c in ipairs(TABLE.cases) do
  case(c.name, function()
    run(c)
  end)
end

return cases
