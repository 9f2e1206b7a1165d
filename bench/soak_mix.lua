-- wrk script for the soak (bench/soak.py): mixed traffic on one key. Of every ten requests, three
-- capture a new lead (unique email), four post a behaviour event to a seeded lead, two list leads
-- and one reads a seeded lead; the webhook subscription turns captures and events into deliveries.
local counter = 0
local seeded = tonumber(os.getenv("BENCH_SEEDED") or "1000")
local thread_tag = 0
function setup(thread)
  thread_tag = thread_tag + 1
  thread:set("tag", thread_tag)
end
function init(args)
  math.randomseed(os.time() * 100 + (tag or 0))
end
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")
request = function()
  counter = counter + 1
  local slot = counter % 10
  if slot < 3 then
    local body = string.format(
      '{"email": "soak-%d-%d-%d@example-corp.com", "title": "VP Sales", "country": "DE"}',
      tag or 0, os.time(), counter)
    return wrk.format("POST", "/v1/leads", nil, body)
  elseif slot < 7 then
    local path = string.format("/v1/leads/ld_seed%d/events", math.random(1, seeded))
    return wrk.format("POST", path, nil, '{"type": "page_view", "properties": {"path": "/pricing"}}')
  elseif slot < 9 then
    return wrk.format("GET", "/v1/leads?limit=50", nil, nil)
  else
    return wrk.format("GET", string.format("/v1/leads/ld_seed%d", math.random(1, seeded)), nil, nil)
  end
end
