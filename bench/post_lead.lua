-- wrk script: POST a new lead with a unique email per request (per thread id + counter), so
-- every request exercises the create path, not the merge path.
local counter = 0
local tid = 0
local threads = 0
-- The phone's exchange is drawn per thread, so two threads' numbers do not meet.
local people = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "people.lua")
local exchange = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + wrk.thread:get("tid"))
  tid = tostring(os.time()) .. "-" .. tostring(wrk.thread:get("tid")) .. "-" .. tostring(math.random(1, 1e9))
  exchange = math.random(200, 999)
end
-- Paced (BENCH_DELAY_MS: the bench's --rate): each connection waits that long after a response
-- before its next request; unset, wrk sends as fast as the server answers.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  delay = function() return pause end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")
request = function()
  counter = counter + 1
  local first, last = people.person()
  local body = string.format('{"email": "u%s-%d@acme-%d.com", "first_name": "%s", "last_name": "%s", "company": "Acme", "title": "VP Sales", "country": "FR", "phone": "+1 415 %03d %04d", "website": "https://acme-%d.com", "source": "bench", "tags": ["bench"]}', tid, counter, counter % 50, first, last, exchange, counter % 10000, counter % 50)
  return wrk.format(nil, nil, nil, body)
end
