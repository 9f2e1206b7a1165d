-- wrk script: the MCP create_lead tool over streamable HTTP (stateless, JSON answers), with the
-- same unique lead per request as post_lead.lua: what an agent's capture costs next to REST's.
local counter = 0
local tid = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + tid)
  tid = tostring(os.time()) .. "-" .. tostring(wrk.thread:get("tid")) .. "-" .. tostring(math.random(1, 1e9))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")
request = function()
  counter = counter + 1
  local lead = string.format('{"email": "m%s-%d@acme-%d.com", "first_name": "Ada", "last_name": "Lovelace", "company": "Acme", "title": "VP Sales", "country": "FR", "phone": "+1 415 555 %04d", "website": "https://acme-%d.com", "source": "bench", "tags": ["bench"]}', tid, counter, counter % 50, counter % 10000, counter % 50)
  local body = string.format('{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "create_lead", "arguments": {"lead": %s}}}', counter, lead)
  return wrk.format(nil, nil, nil, body)
end
