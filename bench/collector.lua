-- wrk script for bench/collector.sh: signed Customer.io reporting webhooks.
--
--   wrk -t T -c C -d 60s -s bench/collector.lua URL -- REQUESTS_FILE [RATE THREADS]
--
-- REQUESTS_FILE has one request per line, "<X-CIO-Timestamp>\t<X-CIO-Signature>\t<body>",
-- signed by bench/collector.sh just before this run (the server accepts a timestamp up to
-- 300 s from its clock, so signatures made at the start stay valid for a run of up to 4 minutes).
-- Each connection cycles through the lines from its own offset; the same body is sent many
-- times, which the collector stores each time (it does not de-duplicate: the report does).
--
-- RATE > 0 paces the requests: each wrk thread sends RATE/THREADS requests per second on a
-- fixed schedule (one slot every THREADS/RATE s, shared by the thread's connections), through
-- wrk's delay() hook. wrk stays a closed loop: a connection sends its next request only after
-- the previous response, and wrk's latency is measured from the moment the request is written,
-- not from its scheduled slot. When the server stalls and every connection of a thread is
-- waiting, the slots pass unsent and the stall is counted once per connection instead of once
-- per request that should have been sent (coordinated omission). The script counts those late
-- sends: `late` is the number of requests written more than 1 ms after their slot, `late_max_ms`
-- the largest lag; with few late sends the percentiles are those of an open-loop client.
--
-- done() prints one line "WRKJSON {...}" that bench/collector.sh parses.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } holdout_timespec;
  int clock_gettime(int clock, holdout_timespec *ts);
]]
local clock_now = ffi.new("holdout_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock_now) -- CLOCK_MONOTONIC
  return tonumber(clock_now.tv_sec) * 1000 + tonumber(clock_now.tv_nsec) / 1e6
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

local requests = {}
local cursor = 0
late = 0
late_max_ms = 0
scheduled = 0
local interval_ms = 0
local next_slot = nil

function init(args)
  -- args[0] is the URL, then the arguments after "--".
  local file = assert(io.open(args[1], "r"), "cannot open " .. tostring(args[1]))
  for line in file:lines() do
    local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    if ts then
      requests[#requests + 1] = wrk.format("POST", "/v1/customerio", {
        ["Host"] = wrk.host,
        ["Content-Type"] = "application/json",
        ["X-CIO-Timestamp"] = ts,
        ["X-CIO-Signature"] = sig,
      }, body)
    end
  end
  file:close()
  assert(#requests > 0, "no request in " .. args[1])
  -- Spread the threads over the list so they do not send the same bodies in step.
  cursor = ((id or 1) - 1) * math.floor(#requests / 2)
  local rate = tonumber(args[2] or "0") or 0
  local per_thread = rate / (tonumber(args[3] or "1") or 1)
  if per_thread > 0 then
    interval_ms = 1000 / per_thread
    -- Defined only when pacing: wrk checks for a delay() function after init().
    function delay()
      local now = now_ms()
      if next_slot == nil then next_slot = now end
      local slot = next_slot
      next_slot = next_slot + interval_ms
      scheduled = scheduled + 1
      if slot >= now then
        return slot - now
      end
      local lag = now - slot
      if lag > 1 then
        late = late + 1
        if lag > late_max_ms then late_max_ms = lag end
      end
      return 0
    end
  end
end

function request()
  cursor = cursor + 1
  if cursor > #requests then cursor = 1 end
  return requests[cursor]
end

function done(summary, latency, requests_stats)
  local late_total, late_max, scheduled_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    late_total = late_total + (thread:get("late") or 0)
    scheduled_total = scheduled_total + (thread:get("scheduled") or 0)
    local m = thread:get("late_max_ms") or 0
    if m > late_max then late_max = m end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"duration_us": %d, "requests": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"p999_us": %d, "max_us": %d, "mean_us": %.1f, "late": %d, "late_max_ms": %.1f, "scheduled": %d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, late_total, late_max, scheduled_total))
end
