-- One fixed request, set from the environment by bench/lib/load.mjs: BENCH_METHOD, BENCH_BODY,
-- BENCH_AUTHORIZATION, BENCH_COOKIE, BENCH_CLIENT_IP. Prints wrk's summary as one JSON line (see summary.lua).
dofile(os.getenv("BENCH_WRK_DIR") .. "/summary.lua")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end
-- A session cookie (Better Auth's session GET and token mint).
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
-- Cloudflare's edge sets CF-Connecting-IP on every request; the per-client limiter keys on it.
local client_ip = os.getenv("BENCH_CLIENT_IP")
if client_ip and client_ip ~= "" then wrk.headers["CF-Connecting-IP"] = client_ip end
