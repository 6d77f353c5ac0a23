-- wrk script: POST /api/<user>/tasks with a bearer token (env BENCH_TOKEN, BENCH_USER).
local token = os.getenv("BENCH_TOKEN")
local user = os.getenv("BENCH_USER")
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"benchmark task","description":"created by test/bench/bench_api.sh"}'
wrk.path = wrk.path -- set on the command line
