package mock

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// DefaultRedisTimeout bounds each call a [RedisStore] makes: while Redis cannot be
// reached, a request waits this long at most, then is answered 503.
const DefaultRedisTimeout = 2 * time.Second

// DefaultRedisPrefix is the first part of every key a [RedisStore] writes.
const DefaultRedisPrefix = "pn"

// defaultNamespace is the namespace of the default resource (""): resource names start
// with a letter or digit, so it is no resource's.
const defaultNamespace = "_"

// RedisStoreOptions configures a [RedisStore]. The zero value is usable.
type RedisStoreOptions struct {
	// MemoryStoreOptions are the bounds, clock, lastActionDateTime mode, server-wide fault
	// rules and seed, with MemoryStore's meaning and defaults; the bounds apply per
	// namespace. Every replica sharing a namespace must be given the same.
	MemoryStoreOptions
	// Namespace separates the mocks sharing one Redis: the resource name, "" for the
	// default resource. Keys are PREFIX:{NAMESPACE}:..., the braces a Redis Cluster hash
	// tag, so that a namespace's keys share one slot.
	Namespace string
	// Prefix is the first part of every key. Default DefaultRedisPrefix.
	Prefix string
	// OperationTTL, when positive, removes an operation stored with PutContext (the
	// control API) this long after it was stored. The start-up set does not expire.
	OperationTTL time.Duration
	// JournalSize bounds the journal kept in Redis (a list trimmed at each request).
	// Default DefaultJournalSize.
	JournalSize int
	// Timeout bounds each call to Redis. Default DefaultRedisTimeout.
	Timeout time.Duration
	// Logger, when set, is told when Redis becomes unreachable and reachable again.
	Logger *slog.Logger
}

// RedisStore is a [Store] and [JournalStore] that keeps all of a mock's state in Redis:
// operations, timelines, poll and request counts, fault counters and the journal. Any
// number of processes using the same Redis and namespace are one mock: a poll counts once
// whichever serves it (Lua scripts increment the counts atomically; the answer is then
// decided in Go from them, as MemoryStore decides it), a change through one is seen by
// all, and a restarted process finds the state it left. While Redis cannot be reached,
// calls fail within Timeout with an error wrapping [ErrStoreUnavailable] (503), and the
// store recovers by itself when Redis is back. Safe for concurrent use.
type RedisStore struct {
	rdb     redis.UniversalClient
	opts    RedisStoreOptions
	initial []Operation
	sizes   []int
	faulty  []bool
	prefix  string   // PREFIX:{NAMESPACE}:
	keys    []string // order, ids, sizes, expiry, meta, seq
	journal string

	mu         sync.Mutex
	cache      map[string]*redisCached // decoded operations by id, at their gen
	lru        list.List               // of *redisCached, most recently used first
	cacheBytes int64                   // what the cached entries hold: see redisCached.held
	epoch      string                  // the epoch of the gens cached (see redis_scripts.go)

	down atomic.Bool // the last call failed to reach Redis (for the log)
}

// redisCached is an operation as decoded at one gen, with its encoded bodies.
type redisCached struct {
	gen string
	e   *entry // op, size, stored; the read state lives in Redis

	// Guarded by RedisStore.mu: the entry's place in the cache (nil when evicted) and
	// what it holds, the operation's size as MemoryStore counts it (JSON and what steps
	// and headers hold in memory) plus its encoded bodies.
	id   string
	elem *list.Element
	held int64

	mu     sync.Mutex
	bodies map[int]redisBody // by step
}

// redisBody is a step's encoded body, for lastAt (which changes it in step mode).
type redisBody struct {
	lastAt int64
	body   []byte
	hdr    http.Header
}

// held is what b holds in memory, as the cache counts it.
func (b redisBody) held() int64 {
	return int64(cap(b.body) + heldPerBody + heldPerBodyHeader*len(b.hdr))
}

// NewRedisStore returns a store keeping its state in rdb under opts' namespace. The
// initial operations are validated as [NewMemoryStore] validates them, and stored when
// the namespace holds no state yet (a restarted process keeps what its peers changed);
// ResetContext stores them again. When Redis cannot be reached, the store is returned all
// the same and stores them once a request finds Redis answering. The caller owns rdb and
// closes it.
func NewRedisStore(ctx context.Context, rdb redis.UniversalClient, initial []Operation, opts *RedisStoreOptions) (*RedisStore, error) {
	if rdb == nil {
		return nil, errors.New("mock: NewRedisStore needs a Redis client")
	}
	s := &RedisStore{rdb: rdb, cache: map[string]*redisCached{}}
	if opts != nil {
		s.opts = *opts
	}
	// The bounds, the checks and the sizes are MemoryStore's: build one to have them.
	check, err := NewMemoryStore(initial, &s.opts.MemoryStoreOptions)
	if err != nil {
		return nil, err
	}
	s.opts.MemoryStoreOptions = check.opts
	s.initial, s.sizes = check.initial, check.initialSizes
	s.faulty = make([]bool, len(s.initial))
	for i := range s.initial {
		s.faulty[i] = len(s.initial[i].Faults) > 0
	}
	if s.opts.Namespace != "" {
		if err := CheckResourceName(s.opts.Namespace); err != nil {
			return nil, fmt.Errorf("mock: namespace: %w", err)
		}
	}
	if s.opts.Prefix == "" {
		s.opts.Prefix = DefaultRedisPrefix
	}
	if s.opts.JournalSize <= 0 {
		s.opts.JournalSize = DefaultJournalSize
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = DefaultRedisTimeout
	}
	if s.opts.OperationTTL < 0 {
		return nil, fmt.Errorf("mock: OperationTTL must not be negative, got %s", s.opts.OperationTTL)
	}
	ns := s.opts.Namespace
	if ns == "" {
		ns = defaultNamespace
	}
	s.prefix = s.opts.Prefix + ":{" + ns + "}:"
	for _, k := range []string{"order", "ids", "sizes", "expiry", "meta", "seq"} {
		s.keys = append(s.keys, s.prefix+k)
	}
	s.journal = s.prefix + "journal"
	// A Redis that cannot be reached yet is not an error: the store answers 503 until it
	// can, and a read that finds the namespace never seeded seeds it then.
	if err := s.seed(ctx, "new"); err != nil && !errors.Is(err, ErrStoreUnavailable) {
		return nil, err
	}
	return s, nil
}

// unreachable reports whether the last call failed to reach Redis.
func (s *RedisStore) unreachable() bool { return s.down.Load() }

// Namespace returns the namespace's key prefix, PREFIX:{NAMESPACE}:.
func (s *RedisStore) Namespace() string { return s.prefix }

// call runs f with the store's timeout and maps a failure to reach Redis to
// ErrStoreUnavailable (and its transitions to log lines).
func (s *RedisStore) call(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	err := f(ctx)
	if err == nil || errors.Is(err, redis.Nil) {
		if s.down.Swap(false) && s.opts.Logger != nil {
			s.opts.Logger.Info("redis store: reachable again", "namespace", s.prefix)
		}
		return err
	}
	if !s.down.Swap(true) && s.opts.Logger != nil {
		s.opts.Logger.Warn("redis store: unreachable; requests are answered 503 until it is back", "namespace", s.prefix, "error", err.Error())
	}
	return storeUnavailable(err)
}

// seed stores the start-up set: mode "new" only into a namespace never seeded, "reset"
// in place of everything.
func (s *RedisStore) seed(ctx context.Context, mode string) error {
	args := make([]any, 0, 5+4*len(s.initial))
	args = append(args, mode, s.opts.Now().UnixNano(), s.opts.MaxOperations, s.opts.MaxTotalBytes)
	now := s.opts.Now()
	for i := range s.initial {
		op := cloneOperation(&s.initial[i])
		if op.CreatedDateTime.IsZero() {
			op.CreatedDateTime = now.UTC()
		}
		body, err := json.Marshal(&op)
		if err != nil {
			return fmt.Errorf("mock: operation %q: %w", op.ID, err)
		}
		args = append(args, op.ID, body, s.sizes[i], flag(s.faulty[i]))
	}
	args = append(args, s.prefix)
	return s.call(ctx, func(ctx context.Context) error {
		return seedScript.Run(ctx, s.rdb, s.keys, args...).Err()
	})
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *RedisStore) opKey(id string) string { return s.prefix + "op:" + id }

func (s *RedisStore) maxOperationBytes() int { return s.opts.MaxOperationBytes }

func (s *RedisStore) maxOperations() int { return s.opts.MaxOperations }

// PutContext implements [Store].
func (s *RedisStore) PutContext(ctx context.Context, op Operation) (OperationState, error) {
	if err := ValidateOperation(&op); err != nil {
		return OperationState{}, err
	}
	return s.putValidContext(ctx, op)
}

// putValidContext stores op, which has been validated.
func (s *RedisStore) putValidContext(ctx context.Context, op Operation) (OperationState, error) {
	op = cloneOperation(&op)
	check := MemoryStore{opts: s.opts.MemoryStoreOptions}
	size, err := check.sizeOf(&op)
	if err != nil {
		return OperationState{}, err
	}
	now := s.opts.Now()
	if op.CreatedDateTime.IsZero() {
		op.CreatedDateTime = now.UTC()
	}
	body, err := json.Marshal(&op)
	if err != nil {
		return OperationState{}, fmt.Errorf("mock: operation %q: %w", op.ID, err)
	}
	var gen string
	err = s.call(ctx, func(ctx context.Context) error {
		var err error
		gen, err = putScript.Run(ctx, s.rdb, s.keys, op.ID, body, size, now.UnixNano(), flag(len(op.Faults) > 0),
			s.opts.OperationTTL.Milliseconds(), s.opts.MaxOperations, s.opts.MaxTotalBytes, s.prefix).Text()
		return err
	})
	if err != nil {
		return OperationState{}, err
	}
	st := s.stateOf(&entry{op: op, size: size, stored: now, fired: make([]int, len(op.Faults))}, 0, 0, 0, now, nil, now)
	s.remember(op.ID, &redisCached{gen: gen, e: &entry{op: op, size: size, stored: now}})
	return st, nil
}

// genEpoch is the epoch part of gen (EPOCH.N).
func genEpoch(gen string) string {
	epoch, _, _ := strings.Cut(gen, ".")
	return epoch
}

// Held in memory by an encoded body beyond its bytes, and per header of its step.
const (
	heldPerBody       = 64
	heldPerBodyHeader = heldPerHeader + 24
)

// remember caches c for id. The cache is bounded as the memory store is, by the store's
// MaxOperations and MaxTotalBytes, counting what each entry holds (its operation's size
// and its encoded bodies); the least recently used entries are evicted first. A gen of
// another epoch (Redis lost its data) drops every entry: none can be current.
func (s *RedisStore) remember(id string, c *redisCached) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ep := genEpoch(c.gen); ep != s.epoch {
		s.dropAllLocked()
		s.epoch = ep
	}
	if old, ok := s.cache[id]; ok {
		s.dropLocked(old)
	}
	c.id, c.held = id, int64(c.e.size)
	s.cache[id] = c
	c.elem = s.lru.PushFront(c)
	s.cacheBytes += c.held
	s.evictLocked()
}

// grow counts delta more bytes held by c (an encoded body), evicting as needed.
func (s *RedisStore) grow(c *redisCached, delta int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.elem == nil { // evicted meanwhile: nobody counts it
		return
	}
	c.held += delta
	s.cacheBytes += delta
	s.evictLocked()
}

// evictLocked drops the least recently used entries until the cache is within bounds.
func (s *RedisStore) evictLocked() {
	for s.lru.Len() > 0 && (s.cacheBytes > s.opts.MaxTotalBytes || s.lru.Len() > s.opts.MaxOperations) {
		s.dropLocked(s.lru.Back().Value.(*redisCached))
	}
}

func (s *RedisStore) dropLocked(c *redisCached) {
	if c.elem == nil {
		return
	}
	s.lru.Remove(c.elem)
	c.elem = nil
	delete(s.cache, c.id)
	s.cacheBytes -= c.held
}

func (s *RedisStore) dropAllLocked() {
	clear(s.cache)
	for e := s.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*redisCached).elem = nil
	}
	s.lru.Init()
	s.cacheBytes = 0
}

// cached returns the cached operation id, nil when none.
func (s *RedisStore) cached(id string) *redisCached {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cache[id]
	if c != nil {
		s.lru.MoveToFront(c.elem)
	}
	return c
}

// cacheUse returns how many operations the cache holds and the bytes it counts.
func (s *RedisStore) cacheUse() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lru.Len(), s.cacheBytes
}

// DeleteContext implements [Store].
func (s *RedisStore) DeleteContext(ctx context.Context, id string) (bool, error) {
	var n int64
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		n, err = deleteScript.Run(ctx, s.rdb, s.keys, id, s.prefix).Int64()
		return err
	})
	return n == 1, err
}

// CancelOperation implements [server.OperationCanceler] as [MemoryStore.CancelOperation]
// does: the operation is removed.
func (s *RedisStore) CancelOperation(ctx context.Context, id string) error {
	ok, err := s.DeleteContext(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %q", server.ErrNotFound, id)
	}
	return nil
}

// ResetContext implements [Store]: the namespace's operations are replaced by the
// start-up set, with every count and fault counter restarted. The journal is cleared by
// ClearJournal (the control API's reset does both).
func (s *RedisStore) ResetContext(ctx context.Context) error {
	return s.seed(ctx, "reset")
}

// LenContext implements [Store]; it also removes expired operations from the bounds.
func (s *RedisStore) LenContext(ctx context.Context) (int, error) {
	var v []int64
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		v, err = countScript.Run(ctx, s.rdb, s.keys, s.prefix).Int64Slice()
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(v) == 2 && v[1] == 0 { // Redis lost the namespace (restarted without saving)
		if err := s.seed(ctx, "new"); err != nil {
			return 0, err
		}
		return s.LenContext(ctx)
	}
	return int(v[0]), nil
}

// MayFault implements [Store]. It answers true: another process may store an operation
// with faults at any time.
func (s *RedisStore) MayFault() bool { return true }

// readResult is what requestScript returns for a stored operation.
type readResult struct {
	c       *redisCached
	n       int   // requests, this one included
	before  int   // polls before this one; -1 when not counted
	polls   int   // polls, this one included when counted
	lastIdx int   // step served last
	lastAt  int64 // when it was first served (ns)
}

// request counts one request of id (and its poll, when no fault can answer it).
func (s *RedisStore) request(ctx context.Context, id string) (readResult, error) {
	for range 2 {
		c := s.cached(id)
		gen := ""
		if c != nil {
			gen = c.gen
		}
		var v []any
		err := s.call(ctx, func(ctx context.Context) error {
			var err error
			v, err = requestScript.Run(ctx, s.rdb, []string{s.opKey(id), s.keys[4]}, gen, flag(s.rulesFor(id) == 0)).Slice()
			return err
		})
		if err != nil {
			return readResult{}, err
		}
		if n, _ := v[0].(int64); n == 0 {
			if seeded, _ := v[1].(int64); seeded == 0 {
				if err := s.seed(ctx, "new"); err != nil { // Redis lost the namespace
					return readResult{}, err
				}
				continue
			}
			return readResult{}, fmt.Errorf("%w: %q", server.ErrNotFound, id)
		}
		r := readResult{c: c}
		newGen, _ := v[1].(string)
		stored := parseInt(v[3])
		if body, ok := v[2].(string); ok || c == nil || c.gen != newGen {
			var op Operation
			if err := json.Unmarshal([]byte(body), &op); err != nil {
				return readResult{}, fmt.Errorf("mock: operation %q as stored in Redis: %w", id, err)
			}
			r.c = &redisCached{gen: newGen, e: &entry{op: op, size: int(parseInt(v[9])), stored: time.Unix(0, stored)}}
			s.remember(id, r.c)
		}
		r.n = int(parseInt(v[4]))
		r.before = int(parseInt(v[5]))
		r.polls = int(parseInt(v[6]))
		r.lastIdx = int(parseInt(v[7]))
		r.lastAt = parseInt(v[8])
		return r, nil
	}
	return readResult{}, fmt.Errorf("%w: %q", server.ErrNotFound, id)
}

// parseInt reads a number Redis returned as an integer or a string; 0 otherwise.
func parseInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

// rulesFor is how many server-wide fault rules apply to id.
func (s *RedisStore) rulesFor(id string) int {
	n := 0
	for i := range s.opts.Faults {
		if ops := s.opts.Faults[i].Operations; len(ops) == 0 || slices.Contains(ops, id) {
			n++
		}
	}
	return n
}

// GetOperation implements [server.OperationStore]: it counts one request and, unless a
// fault answers it, one poll.
func (s *RedisStore) GetOperation(ctx context.Context, id string) (types.PhoneNumberOperation, error) {
	r, fault, err := s.read(ctx, id)
	if err != nil {
		return types.PhoneNumberOperation{}, err
	}
	if fault != nil && (fault.Status != 0 || fault.Drop != "") {
		return types.PhoneNumberOperation{}, fault
	}
	return r.c.e.render(r.lastIdx, time.Unix(0, r.lastAt), s.opts.LastAction), nil
}

// GetEncodedOperation implements [server.EncodedOperationStore]: GetOperation, encoded;
// bodies are cached per operation and step.
func (s *RedisStore) GetEncodedOperation(ctx context.Context, id string) (server.EncodedOperation, error) {
	r, fault, err := s.read(ctx, id)
	if err != nil {
		return server.EncodedOperation{}, err
	}
	e := r.c.e
	if fault != nil && (fault.Status != 0 || fault.Drop != "") {
		out := server.EncodedOperation{Fault: fault}
		if fault.Drop == "truncate" { // the body a read now would get, without counting one
			idx := stepAt(&e.op, s.opts.Now().Sub(e.stored), r.polls)
			out.Body, _ = server.EncodeOperation(e.render(idx, time.Unix(0, r.lastAt), s.opts.LastAction))
		}
		return out, nil
	}
	idx := r.lastIdx
	c := r.c
	c.mu.Lock()
	b, ok := c.bodies[idx]
	if !ok || (s.opts.LastAction == LastActionStep && b.lastAt != r.lastAt) {
		body, err := server.EncodeOperation(e.render(idx, time.Unix(0, r.lastAt), s.opts.LastAction))
		if err != nil {
			c.mu.Unlock()
			return server.EncodedOperation{}, err
		}
		old, had := c.bodies[idx]
		b = redisBody{lastAt: r.lastAt, body: body, hdr: stepHeader(e.op.Timeline[idx].Headers)}
		if c.bodies == nil {
			c.bodies = map[int]redisBody{}
		}
		c.bodies[idx] = b
		delta := b.held()
		if had {
			delta -= old.held()
		}
		c.mu.Unlock()
		s.grow(c, delta)
	} else {
		c.mu.Unlock()
	}
	out := server.EncodedOperation{Body: b.body, Location: e.op.ResourceLocation, Header: b.hdr}
	if fault != nil {
		out.Delay = fault.Delay
	}
	return out, nil
}

// read counts a request of id and decides its answer: the fault that answers it (its
// fired counter counted), or the poll, counted, with the step it serves in r.lastIdx
// and when that step was first served in r.lastAt.
func (s *RedisStore) read(ctx context.Context, id string) (readResult, *server.Fault, error) {
	r, err := s.request(ctx, id)
	if err != nil {
		return r, nil, err
	}
	e := r.c.e
	var fault *server.Fault
	if r.before < 0 { // a fault may answer: decide from (seed, id, request number)
		fault, err = s.nextFault(ctx, r)
		if err != nil {
			return r, nil, err
		}
		if fault != nil && (fault.Status != 0 || fault.Drop != "") {
			return r, fault, nil // not a poll
		}
		err = s.call(ctx, func(ctx context.Context) error {
			n, err := pollScript.Run(ctx, s.rdb, []string{s.opKey(id)}, r.c.gen).Int64()
			r.before = int(n)
			return err
		})
		if err != nil {
			return r, nil, err
		}
		if r.before < 0 { // replaced or removed in between
			return r, nil, fmt.Errorf("%w: %q", server.ErrNotFound, id)
		}
		r.polls = r.before + 1
	}
	now := s.opts.Now()
	idx := stepAt(&e.op, now.Sub(e.stored), r.before)
	if idx > r.lastIdx && s.opts.LastAction == LastActionStep {
		err = s.call(ctx, func(ctx context.Context) error {
			at, err := advanceScript.Run(ctx, s.rdb, []string{s.opKey(id)}, r.c.gen, idx, now.UnixNano()).Text()
			r.lastAt, _ = strconv.ParseInt(at, 10, 64)
			return err
		})
		if err != nil {
			return r, nil, err
		}
	} else if idx != r.lastIdx {
		r.lastAt = now.UnixNano()
	}
	r.lastIdx = idx
	return r, fault, nil
}

// nextFault returns the fault that answers request r.n of r's operation, nil for none,
// and counts it as fired: the operation's own faults first, then the server-wide rules.
func (s *RedisStore) nextFault(ctx context.Context, r readResult) (*server.Fault, error) {
	e := r.c.e
	field, f, draw := "", (*Fault)(nil), func(uint64) float64 { return 0 }
	for i := range e.op.Faults {
		d := drawer(s.opts.Seed, e.op.ID, r.n, i)
		if applies(&e.op.Faults[i], r.n, d) {
			field, f, draw = "f"+strconv.Itoa(i), &e.op.Faults[i], d
			break
		}
	}
	for i := 0; f == nil && i < len(s.opts.Faults); i++ {
		rule := &s.opts.Faults[i]
		if len(rule.Operations) > 0 && !slices.Contains(rule.Operations, e.op.ID) {
			continue
		}
		d := drawer(s.opts.Seed, e.op.ID, r.n, -1-i)
		if applies(rule, r.n, d) {
			field, f, draw = "r"+strconv.Itoa(i), rule, d
		}
	}
	if f == nil {
		return nil, nil
	}
	err := s.call(ctx, func(ctx context.Context) error {
		return firedScript.Run(ctx, s.rdb, []string{s.opKey(e.op.ID), s.keys[4]}, r.c.gen, field).Err()
	})
	if err != nil {
		return nil, err
	}
	return noted(ctx, faultAnswer(f, draw(1))), nil
}

// LookupContext implements [Store].
func (s *RedisStore) LookupContext(ctx context.Context, id string) (OperationState, bool, error) {
	var h map[string]string
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		h, err = s.rdb.HGetAll(ctx, s.opKey(id)).Result()
		return err
	})
	if err != nil {
		return OperationState{}, false, err
	}
	if len(h) == 0 {
		return OperationState{}, false, nil
	}
	st, err := s.stateFromHash(id, h)
	return st, err == nil, err
}

// stateFromHash describes the operation stored as h.
func (s *RedisStore) stateFromHash(id string, h map[string]string) (OperationState, error) {
	var op Operation
	if err := json.Unmarshal([]byte(h["op"]), &op); err != nil {
		return OperationState{}, fmt.Errorf("mock: operation %q as stored in Redis: %w", id, err)
	}
	num := func(k string) int64 { n, _ := strconv.ParseInt(h[k], 10, 64); return n }
	stored := time.Unix(0, num("stored"))
	e := &entry{op: op, stored: stored, fired: make([]int, len(op.Faults))}
	for i := range e.fired {
		e.fired[i] = int(num("f" + strconv.Itoa(i)))
	}
	return s.stateOf(e, int(num("polls")), int(num("requests")), int(num("lastIdx")), time.Unix(0, num("lastAt")), e.fired, s.opts.Now()), nil
}

// stateOf describes e with the given read state, as MemoryStore's stateOf does.
func (s *RedisStore) stateOf(e *entry, polls, requests, lastIdx int, lastAt time.Time, fired []int, now time.Time) OperationState {
	e.polls, e.requests, e.lastIdx, e.lastAt = polls, requests, lastIdx, lastAt
	if fired != nil {
		e.fired = fired
	}
	idx := e.stepAt(now)
	at := e.lastAt
	if idx != e.lastIdx {
		at = now
	}
	st := OperationState{Operation: cloneOperation(&e.op), StoredAt: e.stored, Polls: e.polls, Step: idx,
		Current: e.render(idx, at, s.opts.LastAction), Faults: e.faultStates(), ServerFaults: s.rulesFor(e.op.ID)}
	return st
}

// ListPageContext implements [Store].
func (s *RedisStore) ListPageContext(ctx context.Context, after string, limit int, maxBytes int64) ([]OperationState, bool, error) {
	if _, err := s.LenContext(ctx); err != nil { // purges expired operations, seeds a lost namespace
		return nil, false, err
	}
	min := "-"
	if after != "" {
		min = "(" + after
	}
	var ids []string
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		by := &redis.ZRangeBy{Min: min, Max: "+"}
		if limit > 0 {
			by.Count = int64(limit) + 1
		}
		ids, err = s.rdb.ZRangeByLex(ctx, s.keys[1], by).Result()
		return err
	})
	if err != nil {
		return nil, false, err
	}
	more := limit > 0 && len(ids) > limit
	if more {
		ids = ids[:limit]
	}
	var cmds []*redis.MapStringStringCmd
	err = s.call(ctx, func(ctx context.Context) error {
		pipe := s.rdb.Pipeline()
		cmds = make([]*redis.MapStringStringCmd, len(ids))
		for i, id := range ids {
			cmds[i] = pipe.HGetAll(ctx, s.opKey(id))
		}
		_, err := pipe.Exec(ctx)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	page := make([]OperationState, 0, len(ids))
	var sum int64
	for i, cmd := range cmds {
		h := cmd.Val()
		if len(h) == 0 { // removed in between
			continue
		}
		size, _ := strconv.ParseInt(h["size"], 10, 64)
		sum += 2*size + 256
		if maxBytes > 0 && sum > maxBytes && len(page) > 0 {
			return page, true, nil
		}
		st, err := s.stateFromHash(ids[i], h)
		if err != nil {
			return nil, false, err
		}
		page = append(page, st)
	}
	return page, more, nil
}

// RuleFired returns how often each server-wide fault rule has applied in this
// namespace, by every process sharing it.
func (s *RedisStore) RuleFired(ctx context.Context) ([]int64, error) {
	out := make([]int64, len(s.opts.Faults))
	if len(out) == 0 {
		return out, nil
	}
	fields := make([]string, len(out))
	for i := range fields {
		fields[i] = "r" + strconv.Itoa(i)
	}
	var v []any
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		v, err = s.rdb.HMGet(ctx, s.keys[4], fields...).Result()
		return err
	})
	for i := range v {
		out[i] = parseInt(v[i])
	}
	return out, err
}

// Bytes returns the sum of the stored operations' JSON encodings, the quantity
// MaxTotalBytes bounds.
func (s *RedisStore) Bytes(ctx context.Context) (int64, error) {
	var n int64
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		n, err = s.rdb.HGet(ctx, s.keys[4], "bytes").Int64()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		return err
	})
	return n, err
}

var _ JournalStore = (*RedisStore)(nil)

// AppendJournal implements [JournalStore]: LPUSH and LTRIM in one script, so the list
// never holds more than JournalSize entries, and counted for the journal's followers.
func (s *RedisStore) AppendJournal(ctx context.Context, e JournalEntry) error {
	r := recordOf(e) // cut to the journal's bounds
	b, err := json.Marshal(r.entry())
	if err != nil {
		return err
	}
	return s.call(ctx, func(ctx context.Context) error {
		return journalAppendScript.Run(ctx, s.rdb, s.journalKeys(), b, s.opts.JournalSize).Err()
	})
}

// journalKeys are the keys of the journal scripts: the list, its generation and count.
func (s *RedisStore) journalKeys() []string {
	return []string{s.journal, s.journal + ":gen", s.journal + ":seq"}
}

// JournalEntries implements [JournalStore].
func (s *RedisStore) JournalEntries(ctx context.Context) ([]JournalEntry, error) {
	var raw []string
	err := s.call(ctx, func(ctx context.Context) error {
		var err error
		raw, err = s.rdb.LRange(ctx, s.journal, 0, int64(s.opts.JournalSize)-1).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]JournalEntry, 0, len(raw))
	for i := len(raw) - 1; i >= 0; i-- {
		var e JournalEntry
		if err := json.Unmarshal([]byte(raw[i]), &e); err != nil {
			continue // not an entry this store wrote: skip it
		}
		out = append(out, e)
	}
	return out, nil
}

// ClearJournal implements [JournalStore].
func (s *RedisStore) ClearJournal(ctx context.Context) error {
	return s.call(ctx, func(ctx context.Context) error {
		return journalClearScript.Run(ctx, s.rdb, s.journalKeys()).Err()
	})
}
