package mock

import "github.com/redis/go-redis/v9"

// The Lua scripts of [RedisStore]. Each runs atomically in Redis (EVALSHA, loaded again
// by go-redis when a restarted Redis answers NOSCRIPT) and touches only the keys of one
// namespace, which share the hash tag {namespace}: under Redis Cluster they live in one
// slot. They count and bound; every decision about what to answer (the fault, the
// timeline step) is taken in Go from the counts they return.
//
// Keys, with P = "PREFIX:{NAMESPACE}:":
//
//	P op:ID   hash: op (JSON), gen (EPOCH.N), size, stored (ns), faulty, requests, polls, lastIdx,
//	          lastAt (ns), f0, f1, ... (how often each fault fired); PEXPIRE'd with the TTL
//	P order   sorted set: ID by gen (the order of storing: the oldest is evicted first)
//	P ids     sorted set: ID, all scores 0 (pages by id: ZRANGEBYLEX)
//	P sizes   hash: ID -> size (the bytes bound)
//	P expiry  sorted set: ID by the Redis time (ms) its key expires at (TTL'd operations)
//	P meta    hash: bytes (the sum of sizes), init (the start-up set was stored), epoch,
//	          r0, r1, ... (how often each server-wide fault rule fired)
//	P seq     counter: the last gen's N (never reset by the store)
//
// A gen is EPOCH.N: the epoch is set from Redis's TIME (µs) when meta has none, i.e. once
// per life of the namespace's data. A Redis that lost its data (restarted without
// persistence, FLUSHDB) starts seq at 0 again, but under a new epoch: a gen a replica has
// cached is never given again to other content.
//	P journal list: JSON journal entries, newest first, LTRIM'd to the journal size
//	P journal:gen  the journal's generation (digits of Redis's TIME in µs), new at each
//	               clear and when missing (a Redis that lost its data)
//	P journal:seq  entries appended in this generation (followers' cursors count them)

// luaCommon defines the helpers the writing scripts share. KEYS: order, ids, sizes,
// expiry, meta, seq; the prefix P is the last ARGV of every script that includes it.
const luaCommon = `
local order, ids, sizes, expiry, meta, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local prefix = ARGV[#ARGV]
local function remove(id)
  local existed = redis.call('DEL', prefix .. 'op:' .. id)
  local size = redis.call('HGET', sizes, id)
  if size then
    redis.call('HINCRBY', meta, 'bytes', -tonumber(size))
    redis.call('HDEL', sizes, id)
    existed = 1
  end
  redis.call('ZREM', order, id)
  redis.call('ZREM', ids, id)
  redis.call('ZREM', expiry, id)
  return existed
end
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function purge()
  local gone = redis.call('ZRANGEBYSCORE', expiry, '-inf', nowms(), 'LIMIT', 0, 1000)
  for _, id in ipairs(gone) do remove(id) end
end
local function put(id, body, size, stored, faulty, ttl, maxops, maxbytes)
  remove(id)
  while redis.call('ZCARD', order) > 0 and (redis.call('ZCARD', order) >= maxops or
      tonumber(redis.call('HGET', meta, 'bytes') or '0') + size > maxbytes) do
    remove(redis.call('ZRANGE', order, 0, 0)[1])
  end
  local epoch = redis.call('HGET', meta, 'epoch')
  if not epoch then
    local t = redis.call('TIME')
    epoch = t[1] .. string.format('%06d', tonumber(t[2]))
    redis.call('HSET', meta, 'epoch', epoch)
  end
  local n = redis.call('INCR', seq)
  local gen = epoch .. '.' .. n
  local key = prefix .. 'op:' .. id
  redis.call('HSET', key, 'op', body, 'gen', gen, 'size', size, 'stored', stored, 'faulty', faulty,
    'requests', 0, 'polls', 0, 'lastIdx', 0, 'lastAt', stored)
  redis.call('ZADD', order, n, id)
  redis.call('ZADD', ids, 0, id)
  redis.call('HSET', sizes, id, size)
  redis.call('HINCRBY', meta, 'bytes', size)
  if ttl > 0 then
    redis.call('PEXPIRE', key, ttl)
    redis.call('ZADD', expiry, nowms() + ttl, id)
  end
  return gen
end
`

// putScript stores one operation. ARGV: id, body, size, stored, faulty, ttl (ms),
// max operations, max bytes, prefix. Returns the operation's gen (a string).
var putScript = redis.NewScript(luaCommon + `
purge()
return put(ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]))
`)

// seedScript stores the start-up set. ARGV: mode ("reset": remove everything first;
// "new": only when the namespace has never been seeded, or was lost with a Redis that
// kept nothing), stored, max operations, max bytes, then id, body, size, faulty for each
// operation, then the prefix. Returns 1 when it stored the set.
var seedScript = redis.NewScript(luaCommon + `
if ARGV[1] == 'new' and redis.call('HEXISTS', meta, 'init') == 1 then return 0 end
purge()
if ARGV[1] == 'reset' then
  local all = redis.call('ZRANGE', order, 0, -1)
  for _, id in ipairs(all) do remove(id) end
  local fields = redis.call('HKEYS', meta)
  for _, f in ipairs(fields) do
    if string.sub(f, 1, 1) == 'r' then redis.call('HDEL', meta, f) end
  end
end
local stored, maxops, maxbytes = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
while i + 3 < #ARGV do
  put(ARGV[i], ARGV[i+1], tonumber(ARGV[i+2]), stored, ARGV[i+3], 0, maxops, maxbytes)
  i = i + 4
end
redis.call('HSET', meta, 'init', 1)
return 1
`)

// deleteScript removes one operation. ARGV: id, prefix. Returns 1 when it was there.
var deleteScript = redis.NewScript(luaCommon + `
purge()
if redis.call('EXISTS', prefix .. 'op:' .. ARGV[1]) == 0 then
  remove(ARGV[1])
  return 0
end
return remove(ARGV[1])
`)

// countScript purges expired operations and returns {count, seeded}. ARGV: prefix.
var countScript = redis.NewScript(luaCommon + `
purge()
return {redis.call('ZCARD', order), redis.call('HEXISTS', meta, 'init')}
`)

// requestScript counts one request of an operation, and one poll too when no fault can
// answer it (the operation has none and countPoll is 1). KEYS: the operation's key,
// meta. ARGV: the gen the caller has cached, countPoll. Returns false and whether the
// namespace is seeded when the operation is not stored, else {gen, body (only when gen
// differs from the cached one), stored, requests, polls before this one (-1: not
// counted), polls, lastIdx, lastAt, size}.
var requestScript = redis.NewScript(`
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then
  return {0, redis.call('HEXISTS', KEYS[2], 'init')}
end
local n = redis.call('HINCRBY', key, 'requests', 1)
local before = -1
if ARGV[2] == '1' and redis.call('HGET', key, 'faulty') ~= '1' then
  before = redis.call('HINCRBY', key, 'polls', 1) - 1
end
local v = redis.call('HMGET', key, 'gen', 'stored', 'polls', 'lastIdx', 'lastAt', 'size')
local body = false
if v[1] ~= ARGV[1] then body = redis.call('HGET', key, 'op') end
return {1, v[1], body, v[2], n, before, v[3], v[4], v[5], v[6]}
`)

// pollScript counts one poll of an operation whose request was not answered by a fault.
// KEYS: the operation's key. ARGV: gen. Returns the polls before this one, or -1 when the
// operation was replaced or removed since its request was counted.
var pollScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[1] then return -1 end
return redis.call('HINCRBY', KEYS[1], 'polls', 1) - 1
`)

// firedScript counts a fault that answered. KEYS: the operation's key, meta. ARGV: gen,
// field ("f3" on the operation, "r1" on meta for a server-wide rule).
var firedScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[1] then return 0 end
if string.sub(ARGV[2], 1, 1) == 'r' then
  return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
return redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
`)

// advanceScript records that step idx was first served at now, when it is later than the
// step recorded. KEYS: the operation's key. ARGV: gen, idx, now (ns). Returns the time
// the current step was first served.
var advanceScript = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], 'gen', 'lastIdx', 'lastAt')
if v[1] ~= ARGV[1] or tonumber(ARGV[2]) < tonumber(v[2]) then return ARGV[3] end
if tonumber(ARGV[2]) > tonumber(v[2]) then
  redis.call('HSET', KEYS[1], 'lastIdx', ARGV[2], 'lastAt', ARGV[3])
  return ARGV[3]
end
return v[3]
`)

// luaJournalGen defines gen(): the journal's generation, set from Redis's TIME when the
// key is missing. KEYS: journal, journal:gen, journal:seq.
const luaJournalGen = `
local function now_gen()
  local t = redis.call('TIME')
  return t[1] .. string.format('%06d', tonumber(t[2]))
end
local function gen()
  local g = redis.call('GET', KEYS[2])
  if not g then
    g = now_gen()
    redis.call('SET', KEYS[2], g)
  end
  return g
end
`

// journalAppendScript appends ARGV[1] (an entry's JSON) and trims the list to ARGV[2]
// entries, counting it in journal:seq.
var journalAppendScript = redis.NewScript(luaJournalGen + `
gen()
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('INCR', KEYS[3])
return 1
`)

// journalClearScript empties the journal under a new generation, so that a follower
// learns of the clear even when as many entries follow it as preceded it.
var journalClearScript = redis.NewScript(luaJournalGen + `
local old = redis.call('GET', KEYS[2])
local g = now_gen()
if old == g then g = g .. '1' end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], g)
redis.call('SET', KEYS[3], 0)
return 1
`)

// journalSinceScript returns what follows the cursor ARGV[1] (generation, as digits) and
// ARGV[2] (seq), at most ARGV[3] entries, as sinceWindow computes it: {gen, seq, kept,
// first, n, fresh, entries newest first}. One script, so that no append shifts the list
// between counting and reading it.
var journalSinceScript = redis.NewScript(luaJournalGen + `
local g = gen()
local seq = tonumber(redis.call('GET', KEYS[3]) or '0')
local kept = redis.call('LLEN', KEYS[1])
local behind, fresh = kept, 1
local cs = tonumber(ARGV[2])
if ARGV[1] == g and cs and cs <= seq then
  behind = math.min(seq - cs, kept)
  fresh = 0
end
local first = kept - behind
local n = math.min(behind, tonumber(ARGV[3]))
local items = {}
if n > 0 then
  items = redis.call('LRANGE', KEYS[1], kept - first - n, kept - first - 1)
end
return {g, tostring(seq), kept, first, n, fresh, items}
`)
