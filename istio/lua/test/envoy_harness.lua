-- A stand-in for Envoy's Lua HTTP filter runtime (envoy.filters.http.lua), built from Envoy's
-- documented stream-handle API and the behaviour of its C++ wrappers:
--   * header maps are userdata: ordered entries, lower-case keys, get() joins repeated values
--     with ",", getAtIndex() is 0-based, replace() overwrites only the FIRST entry (HeaderMap::setCopy),
--     remove() drops every entry, a map cannot be modified while pairs() walks it (nor after an
--     early break), nor after the headers went on to the next filter;
--   * pairs() honours __pairs, as Envoy's LuaJIT does (built with LUAJIT_ENABLE_LUA52COMPAT).
--     Debian's luajit is built without it and its pairs() rejects userdata, so scripts run in an
--     environment whose pairs() is the 5.2 one; harness_test.lua proves both halves of this;
--   * envoy_on_request/envoy_on_response run as coroutines; respond() is request-flow only,
--     needs :status and ends the script (the coroutine is never resumed);
--   * streamInfo() with dynamicMetadata():get/set and the address accessors; the log functions.

local M = {}

local function lower_key(key)
  if type(key) ~= "string" and type(key) ~= "number" then
    error("bad argument #1 (string expected, got " .. type(key) .. ")", 3)
  end
  return string.lower(tostring(key))
end

local function check_value(value)
  if type(value) ~= "string" and type(value) ~= "number" then
    error("bad argument #2 (string expected, got " .. type(value) .. ")", 3)
  end
  return tostring(value)
end

-- Lua 5.2 pairs(): what Envoy's LuaJIT build does with LUAJIT_ENABLE_LUA52COMPAT.
function M.pairs52(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__pairs ~= nil then
    return mt.__pairs(t)
  end
  return pairs(t)
end

local function new_header_map(entries, flow)
  local state = { entries = {}, iterating = false, sealed = false, flow = flow }
  for _, e in ipairs(entries or {}) do
    state.entries[#state.entries + 1] = { key = string.lower(e[1]), value = e[2] }
  end

  local function check_modifiable()
    if state.sealed then
      error("header map can no longer be modified", 3)
    end
    if state.iterating then
      error("header map cannot be modified while iterating", 3)
    end
  end

  local methods = {}

  function methods:get(key)
    local k = lower_key(key)
    local values = {}
    for _, e in ipairs(state.entries) do
      if e.key == k then
        values[#values + 1] = e.value
      end
    end
    if #values == 0 then
      return nil
    end
    return table.concat(values, ",")
  end

  function methods:getAtIndex(key, index)
    local k = lower_key(key)
    if type(index) ~= "number" then
      error("bad argument #2 to 'getAtIndex' (number expected, got " .. type(index) .. ")", 2)
    end
    local seen = 0
    for _, e in ipairs(state.entries) do
      if e.key == k then
        if seen == index then
          return e.value
        end
        seen = seen + 1
      end
    end
    return nil
  end

  function methods:getNumValues(key)
    local k = lower_key(key)
    local n = 0
    for _, e in ipairs(state.entries) do
      if e.key == k then
        n = n + 1
      end
    end
    return n
  end

  function methods:add(key, value)
    check_modifiable()
    state.entries[#state.entries + 1] = { key = lower_key(key), value = check_value(value) }
  end

  function methods:replace(key, value)
    check_modifiable()
    local k, v = lower_key(key), check_value(value)
    for _, e in ipairs(state.entries) do
      if e.key == k then
        e.value = v
        return
      end
    end
    state.entries[#state.entries + 1] = { key = k, value = v }
  end

  function methods:remove(key)
    check_modifiable()
    local k = lower_key(key)
    local kept = {}
    for _, e in ipairs(state.entries) do
      if e.key ~= k then
        kept[#kept + 1] = e
      end
    end
    state.entries = kept
  end

  function methods:setHttp1ReasonPhrase(phrase)
    if state.flow ~= "response" then
      error("setHttp1ReasonPhrase() is only valid in the response flow", 2)
    end
    state.reason = check_value(phrase)
  end

  local proxy = newproxy(true)
  local mt = getmetatable(proxy)
  mt.__index = methods
  mt.__pairs = function()
    if state.iterating then
      error("cannot create a second iterator before completing the first", 2)
    end
    state.iterating = true
    local i = 0
    return function()
      i = i + 1
      local e = state.entries[i]
      if e == nil then
        state.iterating = false
        return nil
      end
      return e.key, e.value
    end, proxy, nil
  end
  mt.__tostring = function()
    return "HeaderMap"
  end
  return proxy, state
end

local function new_dynamic_metadata()
  local namespaces = {}
  local dm = {}
  function dm:get(filter_name)
    return namespaces[filter_name]
  end
  function dm:set(filter_name, key, value)
    if type(filter_name) ~= "string" or type(key) ~= "string" then
      error("dynamicMetadata():set expects (string, string, value)", 2)
    end
    local ns = namespaces[filter_name]
    if ns == nil then
      ns = {}
      namespaces[filter_name] = ns
    end
    ns[key] = value
  end
  return dm, namespaces
end

-- Loads a filter script the way Envoy does: once per worker, with its own globals.
function M.load(path)
  local chunk, err = loadfile(path)
  if chunk == nil then
    error("cannot load " .. path .. ": " .. tostring(err))
  end
  local env = setmetatable({ pairs = M.pairs52 }, { __index = _G })
  setfenv(chunk, env)
  chunk()
  return { env = env, path = path }
end

-- One HTTP stream through the filter. options: request_headers (list of {name, value}),
-- clock (a table whose .now is the time in ms that handle:timestamp() returns),
-- protocol, remote_address, fail_on (a header-map method name that raises, to test fail-closed paths).
function M.stream(script, options)
  options = options or {}
  local clock = options.clock or { now = 0 }
  local logs = {}
  local dm, namespaces = new_dynamic_metadata()
  local stream = { logs = logs, metadata = namespaces, responded = nil, errors = {} }

  local request_headers, request_state = new_header_map(options.request_headers, "request")
  stream.request_headers = request_headers
  stream.request_state = request_state
  if options.fail_on ~= nil then
    local mt = getmetatable(request_headers)
    local original = mt.__index
    mt.__index = function(_, name)
      if name == options.fail_on then
        return function()
          error("injected failure in " .. name)
        end
      end
      return original[name]
    end
  end

  local stream_info = {}
  function stream_info:protocol() return options.protocol or "HTTP/1.1" end
  function stream_info:dynamicMetadata() return dm end
  function stream_info:downstreamRemoteAddress() return options.remote_address or "203.0.113.7:50000" end
  function stream_info:downstreamDirectRemoteAddress() return options.remote_address or "203.0.113.7:50000" end
  function stream_info:downstreamLocalAddress() return "10.0.0.5:8080" end
  function stream_info:requestedServerName() return options.sni or "" end
  function stream_info:routeName() return options.route_name or "" end

  local function new_handle(headers, flow)
    local handle = {}
    function handle:headers() return headers end
    function handle:streamInfo() return stream_info end
    function handle:timestamp() return clock.now end
    function handle:timestampString() return string.format("%d", clock.now) end
    for _, level in ipairs({ "Trace", "Debug", "Info", "Warn", "Err", "Critical" }) do
      handle["log" .. level] = function(_, message)
        if type(message) ~= "string" then
          error("log" .. level .. " expects a string", 2)
        end
        logs[#logs + 1] = { level = level, message = message }
      end
    end
    function handle:respond(response_headers, body)
      if flow ~= "request" then
        error("respond() is only valid in the request flow", 2)
      end
      if type(response_headers) ~= "table" or response_headers[":status"] == nil then
        error(":status must be set in respond() headers", 2)
      end
      stream.responded = { headers = response_headers, body = body }
      coroutine.yield("respond")
    end
    return handle
  end

  local function run(fn_name, headers, state, flow)
    local fn = script.env[fn_name]
    if fn == nil then
      return
    end
    local co = coroutine.create(fn)
    local ok, result = coroutine.resume(co, new_handle(headers, flow))
    -- Envoy counts a script error, logs it and lets the stream continue unmodified.
    if not ok then
      stream.errors[#stream.errors + 1] = tostring(result)
    end
    state.sealed = true
  end

  function stream:request()
    run("envoy_on_request", request_headers, request_state, "request")
    return self
  end

  function stream:response(response_headers, now)
    if now ~= nil then
      clock.now = now
    end
    local headers, state = new_header_map(response_headers, "response")
    self.response_headers = headers
    self.response_state = state
    run("envoy_on_response", headers, state, "response")
    return self
  end

  return stream
end

-- Every entry of a header map, in order, as {name, value} pairs (for assertions).
function M.entries(headers)
  local out = {}
  for k, v in M.pairs52(headers) do
    out[#out + 1] = { k, v }
  end
  return out
end

return M
