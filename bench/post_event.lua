-- wrk script: POST a behaviour event for a random one of the seeded leads (ld_seed1..N), so the
-- events spread over many leads like real traffic; types cycle through the standard ones.
local counter = 0
local seeded = tonumber(os.getenv("BENCH_SEEDED") or "1000")
local kinds = {
  '{"type": "page_view", "properties": {"path": "/pricing", "url": "https://acme.com/pricing"}}',
  '{"type": "email_open", "properties": {"campaign": "nov"}}',
  '{"type": "email_click", "properties": {"campaign": "nov", "link": "https://acme.com/demo"}}',
  '{"type": "page_view", "properties": {"path": "/blog/lead-scoring"}}',
  '{"type": "content_download", "properties": {"asset": "ebook"}}',
  '{"type": "form_submit", "properties": {"form": "newsletter"}}',
}
function init(args)
  math.randomseed(os.time() * 100 + math.random(1, 1e6))
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
  local path = string.format("/v1/leads/ld_seed%d/events", math.random(1, seeded))
  return wrk.format(nil, path, nil, kinds[(counter % #kinds) + 1])
end
