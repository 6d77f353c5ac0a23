-- wrk script: GET with a bearer token (env BENCH_TOKEN); the path comes from the command line.
local token = os.getenv("BENCH_TOKEN")
if token and #token > 0 then
  wrk.headers["Authorization"] = "Bearer " .. token
end
