-- wrk script of scripts/bench (scripts/lib/bench/wrk.py). The request is described by
-- environment variables, so one script serves every scenario:
--   BENCH_METHOD  GET or POST (default GET)
--   BENCH_PATH    request path, e.g. /notas or /search (default /)
--   BENCH_TOKEN   bearer token sent as Authorization (optional)
--   BENCH_SONGS   none   - no song (GET /notas)
--                 unique - a song never sent before: "<prefix> t<thread> n<counter>"
--                 pool   - one of BENCH_POOL songs "<prefix> <i>" (already searched: cache warm)
--   BENCH_PREFIX  song prefix (letters, digits, spaces, dashes only)
--   BENCH_POOL    size of the pool (pool mode)
--   BENCH_WHERE   body  - the song goes into a JSON body {"cancion": ...} (POST /notas)
--                 query - the song goes into ?q=...&limit=1 (music GET /search)
-- done() prints one line "BENCH_RESULT {json}" with counts, latency percentiles (microseconds)
-- and errors, non-2xx answers counted separately from socket errors.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local token = os.getenv("BENCH_TOKEN")
local songs = os.getenv("BENCH_SONGS") or "none"
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local pool = tonumber(os.getenv("BENCH_POOL") or "1")
local where = os.getenv("BENCH_WHERE") or "body"
-- songs == "list": real titles, "|"-separated (e.g. offline-catalog songs that must match)
local list = {}
for name in string.gmatch(os.getenv("BENCH_LIST") or "", "[^|]+") do
    table.insert(list, name)
end

local headers = { ["Accept"] = "application/json" }
if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
end
if where == "body" and songs ~= "none" then
    headers["Content-Type"] = "application/json"
end

-- setup() runs in the main interpreter once per wrk thread; done() reads the threads' counters.
local threads = {}
function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_id", #threads)
end

-- Per-thread state (each wrk thread has its own interpreter and globals).
counter = 0
non2xx = 0
statuses = {}

local function song()
    counter = counter + 1
    if songs == "unique" then
        return string.format("%s t%d n%d", prefix, thread_id, counter)
    elseif songs == "pool" then
        return string.format("%s %d", prefix, (counter * 7 + thread_id) % pool)
    elseif songs == "list" then
        return list[(counter * 7 + thread_id) % #list + 1]
    end
    return nil
end

function request()
    local name = song()
    if name == nil then
        return wrk.format(method, path, headers, nil)
    end
    if where == "query" then
        local encoded = name:gsub("[^%w%-%._~ ]", function(c) return string.format("%%%02X", string.byte(c)) end)
        return wrk.format(method, path .. "?limit=1&q=" .. (encoded:gsub(" ", "+")), headers, nil)
    end
    return wrk.format(method, path, headers, '{"cancion": "' .. name .. '"}')
end

function response(status, resp_headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        statuses[status] = (statuses[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local bad = 0
    local seen = {}
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("non2xx") or 0)
        local by_status = thread:get("statuses") or {}
        for code, count in pairs(by_status) do
            seen[code] = (seen[code] or 0) + count
        end
    end
    local codes = {}
    for code, count in pairs(seen) do
        table.insert(codes, string.format('"%d": %d', code, count))
    end
    local e = summary.errors
    io.write(string.format(
        'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
            .. '"max_us": %d, "mean_us": %.1f, "non2xx": %d, "statuses": {%s}, "connect": %d, '
            .. '"read": %d, "write": %d, "timeout": %d}\n',
        summary.requests, summary.duration,
        latency:percentile(50), latency:percentile(95), latency:percentile(99),
        latency.max, latency.mean, bad, table.concat(codes, ", "),
        e.connect, e.read, e.write, e.timeout
    ))
end
