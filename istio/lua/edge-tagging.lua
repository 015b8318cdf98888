-- Edge tagging on the Istio ingress gateway (Envoy's envoy.filters.http.lua, inlined into
-- istio/envoyfilter-edge-tagging.yaml; a test keeps the two identical).
--
-- Request:  drop internal headers an outside caller must not choose, make sure x-request-id is
--           usable, stamp x-edge-received-at (ms since epoch) and derive x-migration-cohort from the
--           strangler_cohort cookie (the gateway's canary can use stickyBy: header:x-migration-cohort).
-- Response: add x-edge-duration-ms.
--
-- Envoy lets a request through unmodified when a script errors, which would forward spoofed internal
-- headers; so the stripping step fails closed (400) and the tagging steps fail open.

local FILTER = "envoy.filters.http.lua"

-- Outside callers may not set these; the gateway and the mesh set them.
local INTERNAL_PREFIXES = { "x-strangler-", "x-edge-", "x-dapr-", "dapr-" }
local INTERNAL_NAMES = { ["x-migration-cohort"] = true }

local COHORT_COOKIE = "strangler_cohort"
local MAX_COHORT_LENGTH = 64
local MAX_REQUEST_ID_LENGTH = 128

local function is_internal(name)
  local lower = string.lower(name)
  if INTERNAL_NAMES[lower] then
    return true
  end
  for _, prefix in ipairs(INTERNAL_PREFIXES) do
    if string.sub(lower, 1, #prefix) == prefix then
      return true
    end
  end
  return false
end

local function strip_internal_headers(headers)
  -- Envoy forbids modifying a header map while pairs() walks it, so collect first.
  local doomed = {}
  for name, _ in pairs(headers) do
    if is_internal(name) then
      doomed[#doomed + 1] = name
    end
  end
  for _, name in ipairs(doomed) do
    headers:remove(name)
  end
  return #doomed
end

-- LuaJIT seeds math.random identically in every worker and every restart, so the random part is
-- seeded once per worker from the first stream it sees, and the id starts with the time (UUID v7).
local seeded = false

local function seed_once(handle, now)
  if seeded then
    return
  end
  local mix = now
  local address = handle:streamInfo():downstreamDirectRemoteAddress() or ""
  for i = 1, #address do
    mix = (mix * 31 + string.byte(address, i)) % 2147483647
  end
  math.randomseed(mix)
  seeded = true
end

local function random_hex(n)
  local out = {}
  for i = 1, n do
    out[i] = string.format("%x", math.random(0, 15))
  end
  return table.concat(out)
end

local function new_request_id(handle, now)
  seed_once(handle, now)
  local ms = string.format("%012x", now % 281474976710656)
  return string.sub(ms, 1, 8) .. "-" .. string.sub(ms, 9, 12) .. "-7" .. random_hex(3) .. "-" ..
      string.format("%x", math.random(8, 11)) .. random_hex(3) .. "-" .. random_hex(12)
end

local function usable_request_id(headers)
  if headers:getNumValues("x-request-id") ~= 1 then
    return false
  end
  local id = headers:getAtIndex("x-request-id", 0)
  return id ~= nil and #id > 0 and #id <= MAX_REQUEST_ID_LENGTH and string.find(id, "^[%w%-_.:]+$") ~= nil
end

-- Envoy's replace() only overwrites the first of repeated values, so a single value is set by
-- remove plus add.
local function set_single(headers, name, value)
  headers:remove(name)
  headers:add(name, value)
end

local function ensure_request_id(handle, headers, now)
  if not usable_request_id(headers) then
    set_single(headers, "x-request-id", new_request_id(handle, now))
  end
end

-- The gateway draws cohort keys itself, so anything that does not look like one is ignored
-- rather than passed on as a routing key.
local function valid_cohort(value)
  return value ~= nil and #value > 0 and #value <= MAX_COHORT_LENGTH and string.find(value, "^[%w%-_]+$") ~= nil
end

-- Linear in the input: a pattern such as "^%s*(.-)%s*$" backtracks quadratically over long runs
-- of whitespace, which a client controls in its Cookie header.
local function trim(s)
  local first = string.find(s, "%S")
  if first == nil then
    return ""
  end
  local last = #s
  local byte = string.byte
  while last > first do
    local b = byte(s, last)
    if b ~= 32 and b ~= 9 then
      break
    end
    last = last - 1
  end
  return string.sub(s, first, last)
end

local function cohort_from_cookies(headers)
  local count = headers:getNumValues("cookie")
  for i = 0, count - 1 do
    local line = headers:getAtIndex("cookie", i) or ""
    for pair in string.gmatch(line, "[^;]+") do
      local eq = string.find(pair, "=", 1, true)
      local name = eq and trim(string.sub(pair, 1, eq - 1))
      local value = eq and trim(string.sub(pair, eq + 1))
      if name == COHORT_COOKIE then
        if string.sub(value, 1, 1) == '"' and string.sub(value, -1) == '"' and #value >= 2 then
          value = string.sub(value, 2, -2)
        end
        if valid_cohort(value) then
          return value
        end
      end
    end
  end
  return nil
end

local function tag_request(handle, headers)
  local now = handle:timestamp()
  ensure_request_id(handle, headers, now)
  set_single(headers, "x-edge-received-at", string.format("%d", now))
  handle:streamInfo():dynamicMetadata():set(FILTER, "edge_received_at", now)
  local cohort = cohort_from_cookies(headers)
  if cohort ~= nil then
    set_single(headers, "x-migration-cohort", cohort)
  end
end

function envoy_on_request(handle)
  local headers = handle:headers()
  local stripped_ok, stripped = pcall(strip_internal_headers, headers)
  if not stripped_ok then
    handle:logErr("event=edge_strip_failed error=" .. tostring(stripped))
    handle:respond({ [":status"] = "400", ["content-type"] = "application/problem+json" },
        '{"type":"about:blank","title":"Bad Request","status":400,"detail":"request headers could not be checked"}')
    return
  end
  if stripped > 0 then
    handle:logDebug("event=edge_internal_headers_stripped count=" .. stripped)
  end
  local tagged_ok, err = pcall(tag_request, handle, headers)
  if not tagged_ok then
    handle:logWarn("event=edge_tagging_failed error=" .. tostring(err))
  end
end

local function tag_response(handle)
  local meta = handle:streamInfo():dynamicMetadata():get(FILTER)
  local received = meta and meta["edge_received_at"]
  if type(received) ~= "number" then
    return
  end
  local elapsed = handle:timestamp() - received
  if elapsed < 0 then
    elapsed = 0
  end
  set_single(handle:headers(), "x-edge-duration-ms", string.format("%d", elapsed))
end

function envoy_on_response(handle)
  local ok, err = pcall(tag_response, handle)
  if not ok then
    handle:logWarn("event=edge_duration_failed error=" .. tostring(err))
  end
end
