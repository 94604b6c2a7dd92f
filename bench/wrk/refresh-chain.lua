-- Refresh load that follows rotation: every wrk thread drives exactly one connection (-t = -c)
-- and owns one refresh-token chain, so each request presents the token its previous response
-- returned. Replaying one token would measure reuse detection, not refresh.
-- Environment: BENCH_TOKENS (file, one starting token per line, one per thread),
-- BENCH_BODY_TEMPLATE (JSON with %s for the token), BENCH_TOKEN_FIELD (response field to follow).
dofile(os.getenv("BENCH_WRK_DIR") .. "/summary.lua")

local threads = 0
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end

function setup(thread)
  threads = threads + 1
  thread:set("token", tokens[threads])
end

local template = os.getenv("BENCH_BODY_TEMPLATE")
local pattern = '"' .. os.getenv("BENCH_TOKEN_FIELD") .. '"%s*:%s*"([^"]+)"'

function request()
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, string.format(template, token))
end

function response(status, headers, body)
  local next_token = body:match(pattern)
  if status == 200 and next_token then token = next_token end
end
