-- A strict JSON reader (RFC 8259) for the shared case table; LuaJIT has none built in.
-- Objects become tables, arrays become sequences with .n, JSON null becomes json.null (so that
-- "expect this header absent" survives in a table).
local M = {}

M.null = setmetatable({}, { __tostring = function() return "null" end })

local function fail(text, pos, what)
  local line = 1
  for _ in string.gmatch(string.sub(text, 1, pos - 1), "\n") do
    line = line + 1
  end
  error(string.format("JSON line %d (byte %d): %s", line, pos, what), 0)
end

local function skip(text, pos)
  return string.find(text, "[^ \t\r\n]", pos) or #text + 1
end

local function utf8(code)
  if code < 0x80 then
    return string.char(code)
  elseif code < 0x800 then
    return string.char(0xc0 + math.floor(code / 0x40), 0x80 + code % 0x40)
  elseif code < 0x10000 then
    return string.char(0xe0 + math.floor(code / 0x1000), 0x80 + math.floor(code / 0x40) % 0x40, 0x80 + code % 0x40)
  end
  return string.char(0xf0 + math.floor(code / 0x40000), 0x80 + math.floor(code / 0x1000) % 0x40,
      0x80 + math.floor(code / 0x40) % 0x40, 0x80 + code % 0x40)
end

local ESCAPES = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local value

local function string_at(text, pos)
  local out = {}
  local i = pos + 1
  while true do
    local c = string.sub(text, i, i)
    if c == "" then
      fail(text, pos, "unterminated string")
    elseif c == '"' then
      return table.concat(out), i + 1
    elseif c == "\\" then
      local e = string.sub(text, i + 1, i + 1)
      if ESCAPES[e] then
        out[#out + 1] = ESCAPES[e]
        i = i + 2
      elseif e == "u" then
        local hex = string.sub(text, i + 2, i + 5)
        if not string.find(hex, "^%x%x%x%x$") then
          fail(text, i, "bad \\u escape")
        end
        local code = tonumber(hex, 16)
        i = i + 6
        if code >= 0xd800 and code <= 0xdbff and string.sub(text, i, i + 1) == "\\u" then
          local low = tonumber(string.sub(text, i + 2, i + 5), 16)
          if low and low >= 0xdc00 and low <= 0xdfff then
            code = 0x10000 + (code - 0xd800) * 0x400 + (low - 0xdc00)
            i = i + 6
          end
        end
        out[#out + 1] = utf8(code)
      else
        fail(text, i, "bad escape \\" .. e)
      end
    elseif string.byte(c) < 0x20 then
      fail(text, i, "control character in string")
    else
      -- JSON forbids only bytes below 0x20 unescaped; %c would also match DEL (0x7f) and never advance.
      local j = string.find(text, '["\\%z\1-\31]', i) or #text + 1
      out[#out + 1] = string.sub(text, i, j - 1)
      i = j
    end
  end
end

local function array_at(text, pos)
  local out = { n = 0 }
  pos = skip(text, pos + 1)
  if string.sub(text, pos, pos) == "]" then
    return out, pos + 1
  end
  while true do
    local v
    v, pos = value(text, pos)
    out.n = out.n + 1
    out[out.n] = v
    pos = skip(text, pos)
    local c = string.sub(text, pos, pos)
    if c == "]" then
      return out, pos + 1
    elseif c ~= "," then
      fail(text, pos, "expected , or ] in array")
    end
    pos = skip(text, pos + 1)
  end
end

local function object_at(text, pos)
  local out = {}
  pos = skip(text, pos + 1)
  if string.sub(text, pos, pos) == "}" then
    return out, pos + 1
  end
  while true do
    if string.sub(text, pos, pos) ~= '"' then
      fail(text, pos, "expected a string key")
    end
    local k
    k, pos = string_at(text, pos)
    pos = skip(text, pos)
    if string.sub(text, pos, pos) ~= ":" then
      fail(text, pos, "expected :")
    end
    out[k], pos = value(text, skip(text, pos + 1))
    pos = skip(text, pos)
    local c = string.sub(text, pos, pos)
    if c == "}" then
      return out, pos + 1
    elseif c ~= "," then
      fail(text, pos, "expected , or } in object")
    end
    pos = skip(text, pos + 1)
  end
end

value = function(text, pos)
  local c = string.sub(text, pos, pos)
  if c == "{" then
    return object_at(text, pos)
  elseif c == "[" then
    return array_at(text, pos)
  elseif c == '"' then
    return string_at(text, pos)
  end
  for word, v in pairs({ ["true"] = true, ["false"] = false, null = M.null }) do
    if string.sub(text, pos, pos + #word - 1) == word then
      return v, pos + #word
    end
  end
  local number = string.match(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if number and tonumber(number) then
    return tonumber(number), pos + #number
  end
  fail(text, pos, "unexpected " .. (c == "" and "end of input" or c))
end

function M.decode(text)
  local v, pos = value(text, skip(text, 1))
  pos = skip(text, pos)
  if pos <= #text then
    fail(text, pos, "trailing characters")
  end
  return v
end

function M.read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return M.decode(text)
end

return M
