-- wrk script: GET one of the paths in BENCH_PATHS ("|"-separated), picked at random per request,
-- with the key in BENCH_KEY (empty for the baseline).
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/v1/leads", "[^|]+") do
  paths[#paths + 1] = path
end
function init(args)
  math.randomseed(os.time() * 100 + math.random(1, 1e6))
end
local key = os.getenv("BENCH_KEY") or ""
if key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
