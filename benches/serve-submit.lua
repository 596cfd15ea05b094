-- wrk script for benches/serve.sh: every request submits a whole intake, each with its own
-- form token (so each is a new submission, kept in the store), with the CSRF cookie and field.
local csrf = "0123456789abcdef0123456789abcdef"
local answers = os.getenv("ANSWERS_FORM")
local counter = 0

request = function()
  counter = counter + 1
  local token = string.format("%08x%08x%016x", math.random(0, 0x7fffffff), counter, os.time())
  local body = "csrf=" .. csrf .. "&token=" .. token .. "&lang=en&at=review&go=submit&" .. answers
  return wrk.format("POST", "/intake", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrf=" .. csrf,
  }, body)
end

setup = function(thread)
  thread:set("id", math.random(1, 1000000))
end

init = function(args)
  math.randomseed(os.time() + (id or 0))
end
