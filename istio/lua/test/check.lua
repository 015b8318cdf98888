-- Assertions and case registration shared by the Lua test files.
local M = {}

function M.cases()
  local list = {}
  local function case(name, fn)
    list[#list + 1] = { name = name, fn = fn }
  end
  return list, case
end

local function show(v)
  if type(v) == "string" then
    if #v > 80 then
      return string.format("%q", string.sub(v, 1, 80)) .. "...(" .. #v .. " bytes)"
    end
    return string.format("%q", v)
  end
  return tostring(v)
end

function M.eq(actual, expected, what)
  if actual ~= expected then
    error((what or "value") .. ": expected " .. show(expected) .. ", got " .. show(actual), 2)
  end
end

function M.truthy(value, what)
  if not value then
    error((what or "condition") .. " does not hold", 2)
  end
end

function M.matches(actual, pattern, what)
  if type(actual) ~= "string" or string.find(actual, pattern) == nil then
    error((what or "value") .. ": " .. show(actual) .. " does not match " .. pattern, 2)
  end
end

function M.fails(fn, message_part, what)
  local ok, err = pcall(fn)
  if ok then
    error((what or "call") .. " should have raised an error", 2)
  end
  if message_part ~= nil and string.find(tostring(err), message_part, 1, true) == nil then
    error((what or "call") .. " raised " .. show(tostring(err)) .. ", expected it to mention " .. show(message_part), 2)
  end
end

return M
