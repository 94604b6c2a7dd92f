-- Refresh load that follows rotation: every request presents a token that no request has
-- presented before, namely the one a previous response returned. Replaying one token would
-- measure reuse detection, not refresh.
-- Each wrk thread owns its share of the chains (BENCH_TOKENS: one starting token per line, two
-- per connection plus one spare per thread, because wrk calls request() once on the first thread
-- to validate the script; lib/scenarios.mjs refreshChains says why two) in a queue: request()
-- takes a token, response() puts back its successor.
-- A connection has one request in flight, so the queue never runs dry while chains succeed; this
-- keeps wrk at 2 threads (with one thread per connection, workerd saw connections reset).
-- Environment: BENCH_THREADS, BENCH_TOKENS, BENCH_BODY_TEMPLATE (JSON with %s for the token),
-- BENCH_TOKEN_FIELD (the response field carrying the successor), BENCH_CLIENT_IP (sent as
-- CF-Connecting-IP, as Cloudflare's edge does).
dofile(os.getenv("BENCH_WRK_DIR") .. "/summary.lua")

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local template = os.getenv("BENCH_BODY_TEMPLATE")
local pattern = '"' .. os.getenv("BENCH_TOKEN_FIELD") .. '"%s*:%s*"([^"]+)"'
local tokens, last = {}, nil
local headers = { ["Content-Type"] = "application/json" }
local client_ip = os.getenv("BENCH_CLIENT_IP")
if client_ip and client_ip ~= "" then headers["CF-Connecting-IP"] = client_ip end

function init(args)
  local threads, line_number = tonumber(os.getenv("BENCH_THREADS")), 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if line_number % threads == id - 1 then tokens[#tokens + 1] = line end
    line_number = line_number + 1
  end
  last = tokens[1]
end

function request()
  -- Only when a chain was broken by an error: its last token again (counted as what it gets).
  local token = table.remove(tokens, 1) or last
  return wrk.format("POST", nil, headers, string.format(template, token))
end

function response(status, headers, body)
  local successor = body:match(pattern)
  if status == 200 and successor then
    tokens[#tokens + 1] = successor
    last = successor
  end
end
