package mock

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// DefaultMaxOperations bounds a [MemoryStore] when no limit is configured.
const DefaultMaxOperations = 10_000

// DefaultMaxOperationBytes bounds the JSON encoding of one stored operation. An operation
// is kept in memory two or three times (as stored, as served, as listed), so this bounds
// what one control-API request can make the server hold.
const DefaultMaxOperationBytes = 64 << 10

// DefaultMaxTotalBytes bounds the sum of the JSON encodings of every stored operation.
const DefaultMaxTotalBytes = 64 << 20

// ErrOperationTooLarge is wrapped by the error [MemoryStore.Put] and [NewMemoryStore]
// return for an operation larger than MaxOperationBytes, or a start-up set that exceeds
// MaxOperations or MaxTotalBytes.
var ErrOperationTooLarge = errors.New("operation too large")

// LastActionMode says what a [MemoryStore] reports as lastActionDateTime for operations
// that do not set it explicitly.
type LastActionMode string

const (
	// LastActionLive reports 0001-01-01T00:00:00Z, as the live service does for every operation.
	LastActionLive LastActionMode = "live"
	// LastActionStep reports the time the current timeline step was reached.
	LastActionStep LastActionMode = "step"
)

// liveLastAction is what the live service sends: .NET's DateTimeOffset.MinValue.
var liveLastAction = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// MemoryStoreOptions configures a [MemoryStore]. The zero value is usable.
type MemoryStoreOptions struct {
	// MaxOperations bounds the store; storing more evicts the oldest. Default DefaultMaxOperations.
	// NewMemoryStore refuses a start-up set larger than this.
	MaxOperations int
	// MaxOperationBytes bounds the JSON encoding of one operation; Put refuses larger ones.
	// Default DefaultMaxOperationBytes.
	MaxOperationBytes int
	// MaxTotalBytes bounds the sum of the operations' JSON encodings; storing more evicts the
	// oldest until the new operation fits. NewMemoryStore refuses a start-up set larger than
	// this. Default DefaultMaxTotalBytes.
	MaxTotalBytes int64
	// Now is the clock timelines are evaluated against. Default time.Now.
	Now func() time.Time
	// LastAction chooses the default lastActionDateTime. Default LastActionLive.
	LastAction LastActionMode
	// Faults are server-wide fault rules (a fixtures file's top-level faults): each applies
	// to every operation, or to those it names, after the operation's own faults.
	Faults []Fault
	// Seed makes the faults' random draws (rates, delay ranges) reproducible: the same seed
	// and the same requests give the same answers.
	Seed uint64
}

// MemoryStore is a bounded, in-memory [server.OperationStore] of scripted operations, safe for
// concurrent use. It remembers the set it was created with so that [MemoryStore.Reset] can
// go back to it.
type MemoryStore struct {
	opts         MemoryStoreOptions
	initial      []Operation
	initialSizes []int

	mu    sync.RWMutex
	ops   map[string]*entry
	order *list.List // of *entry, oldest first
	bytes int64      // sum of the entries' size

	faulty    atomic.Bool    // an operation with faults was stored, or there are rules
	ruleFired []atomic.Int64 // how often each server-wide rule applied
}

var _ server.EncodedOperationStore = (*MemoryStore)(nil)

// entry is one stored operation and its read state.
type entry struct {
	op     Operation
	size   int // length of op's JSON encoding
	stored time.Time
	elem   *list.Element

	mu       sync.Mutex
	requests int       // requests answered so far, faulted or not (faults count these)
	fired    []int     // how often each of op.Faults applied
	polls    int       // reads answered so far
	lastIdx  int       // timeline step served last
	lastAt   time.Time // when lastIdx was first served
	// encoded caches the JSON body of step encodedIdx: the body only changes with the step
	// (lastActionDateTime included), so most reads skip encoding.
	encoded    []byte
	encodedIdx int
	encodedHdr http.Header // the headers of step encodedIdx (nil: none)
}

// OperationState is a stored operation together with how it is being served.
type OperationState struct {
	// Operation is the scripted operation as stored.
	Operation Operation
	// StoredAt is when the operation entered the store; timeline durations count from it.
	StoredAt time.Time
	// Polls is the number of reads answered so far.
	Polls int
	// Step is the index of the timeline step the next read would be answered with.
	Step int
	// Current is the operation as the next read would see it, without counting as a read.
	Current types.PhoneNumberOperation
	// Faults is how each of the operation's faults has applied so far, in order.
	Faults []FaultState
	// ServerFaults is how many server-wide fault rules (MemoryStoreOptions.Faults) apply
	// to the operation's requests, after its own faults.
	ServerFaults int
}

// NewMemoryStore returns a store holding the given operations, which are validated first:
// on any error nothing is stored and the error names the operation and the field.
func NewMemoryStore(initial []Operation, opts *MemoryStoreOptions) (*MemoryStore, error) {
	s := &MemoryStore{}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxOperations <= 0 {
		s.opts.MaxOperations = DefaultMaxOperations
	}
	if s.opts.MaxOperationBytes <= 0 {
		s.opts.MaxOperationBytes = DefaultMaxOperationBytes
	}
	if s.opts.MaxTotalBytes <= 0 {
		s.opts.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	switch s.opts.LastAction {
	case "":
		s.opts.LastAction = LastActionLive
	case LastActionLive, LastActionStep:
	default:
		return nil, fmt.Errorf("mock: unknown LastAction mode %q (want %q or %q)", s.opts.LastAction, LastActionLive, LastActionStep)
	}
	if err := ValidateOperations(initial); err != nil {
		return nil, err
	}
	if err := ValidateFaultRules(s.opts.Faults); err != nil {
		return nil, err
	}
	s.opts.Faults = slices.Clone(s.opts.Faults)
	s.ruleFired = make([]atomic.Int64, len(s.opts.Faults))
	s.faulty.Store(len(s.opts.Faults) > 0)
	// Eviction would silently drop start-up operations: refuse instead.
	if len(initial) > s.opts.MaxOperations {
		return nil, fmt.Errorf("%w: %d start-up operations exceed the store bound of %d (raise MaxOperations, --max-operations)",
			ErrOperationTooLarge, len(initial), s.opts.MaxOperations)
	}
	s.initial = make([]Operation, len(initial))
	s.initialSizes = make([]int, len(initial))
	var total int64
	for i := range initial {
		s.initial[i] = cloneOperation(&initial[i])
		n, err := s.sizeOf(&s.initial[i])
		if err != nil {
			return nil, err
		}
		s.initialSizes[i] = n
		total += int64(n)
	}
	if total > s.opts.MaxTotalBytes {
		return nil, fmt.Errorf("%w: start-up operations encode to %d bytes, more than the store bound of %d bytes (MaxTotalBytes)",
			ErrOperationTooLarge, total, s.opts.MaxTotalBytes)
	}
	s.Reset()
	return s, nil
}

// sizeOf returns the length of op's JSON encoding, or an error naming the operation when
// it exceeds MaxOperationBytes. The encoding is what the control API would send back,
// so it measures what the operation costs to keep and to list.
func (s *MemoryStore) sizeOf(op *Operation) (int, error) {
	b, err := json.Marshal(op)
	if err != nil {
		return 0, fmt.Errorf("operation %q: %w", op.ID, err)
	}
	size := len(b) + heldOverhead(op)
	if size > s.opts.MaxOperationBytes {
		return 0, fmt.Errorf("%w: operation %q takes %d bytes (its JSON, %d, and what its steps and headers hold in memory), more than the limit of %d bytes per operation (shorten error messages and details, or use fewer steps and headers)",
			ErrOperationTooLarge, op.ID, size, len(b), s.opts.MaxOperationBytes)
	}
	return size, nil
}

// What an operation holds in memory beyond its JSON, per timeline step and per step
// header: a step is a struct several times its JSON ({"status":"running"}), and a header
// an entry of a Go map (an empty one, "A1":"", is 7 bytes of JSON and ~60 in memory). The
// byte bounds count both, so that they bound memory: counted by JSON alone, operations of
// 205 steps of 32 empty headers held 8 times their size (1.5 GB for a 64 MiB store).
const (
	heldPerStep   = 96
	heldPerHeader = 64
)

// heldOverhead is what op holds in memory beyond its JSON.
func heldOverhead(op *Operation) int {
	n := 0
	for i := range op.Timeline {
		n += heldPerStep + heldPerHeader*len(op.Timeline[i].Headers)
	}
	return n
}

// ValidateOperations checks every operation (see [ValidateOperation]) and that ids are
// unique. The error joins a *FieldError per problem (at most 20), each naming its
// operation by id and position.
func ValidateOperations(ops []Operation) error {
	fes, err := validateOperations(ops, nil)
	if err != nil {
		return err
	}
	return joinFieldErrors(fes)
}

// validateOperations checks ops; skip[i] marks operations already checked (fixtures check
// them where they were read, with lines) so that only their ids are compared.
func validateOperations(ops []Operation, skip []bool) ([]*FieldError, error) {
	var out []*FieldError
	seen := make(map[string]int, len(ops))
	for i := range ops {
		if len(out) >= maxProblems {
			break
		}
		if skip == nil || !skip[i] {
			fes, err := validateOperation(&ops[i], i)
			if err != nil {
				return nil, err
			}
			out = append(out, fes...)
		}
		if ops[i].ID == "" { // not decoded, or no id: reported already
			continue
		}
		if j, dup := seen[ops[i].ID]; dup {
			out = append(out, &FieldError{OperationID: ops[i].ID, Index: i, Field: "id",
				Reason: fmt.Sprintf("duplicates operation #%d", j+1), dupOf: j})
			continue
		}
		seen[ops[i].ID] = i
	}
	return out[:min(len(out), maxProblems)], nil
}

// Reset replaces the content with the set the store was created with, and restarts every
// timeline and poll count.
func (s *MemoryStore) Reset() {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = make(map[string]*entry, len(s.initial))
	s.order = list.New()
	s.bytes = 0
	for i := range s.initial {
		s.putLocked(cloneOperation(&s.initial[i]), s.initialSizes[i], now)
	}
}

// Put validates op and stores it, replacing an operation with the same id and restarting
// its timeline, and returns its state as stored. The state is computed under the store's
// lock, so a concurrent Put, Delete or Reset cannot make it disappear in between.
//
// An operation whose JSON encoding exceeds MaxOperationBytes is refused with an error
// wrapping [ErrOperationTooLarge]. When the store holds MaxOperations operations, or the
// new one would take the total beyond MaxTotalBytes, the oldest are evicted until it fits.
func (s *MemoryStore) Put(op Operation) (OperationState, error) {
	if err := ValidateOperation(&op); err != nil {
		return OperationState{}, err
	}
	return s.putValid(op)
}

// putValid stores op, which has been validated (the control API validates a body as it
// decodes it: validating again would repeat the schema walk for every Put).
func (s *MemoryStore) putValid(op Operation) (OperationState, error) {
	op = cloneOperation(&op)
	size, err := s.sizeOf(&op)
	if err != nil {
		return OperationState{}, err
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.putLocked(op, size, now)
	return s.stateOf(e, now), nil
}

// putLocked stores op of the given encoded size; s.mu must be held for writing. size is at
// most MaxOperationBytes and, for start-up sets, the total fits, so eviction terminates.
func (s *MemoryStore) putLocked(op Operation, size int, now time.Time) *entry {
	if old, ok := s.ops[op.ID]; ok {
		s.removeLocked(old)
	}
	for s.order.Len() > 0 && (len(s.ops) >= s.opts.MaxOperations || s.bytes+int64(size) > s.opts.MaxTotalBytes) {
		s.removeLocked(s.order.Front().Value.(*entry))
	}
	if op.CreatedDateTime.IsZero() {
		op.CreatedDateTime = now.UTC()
	}
	e := &entry{op: op, size: size, stored: now, lastAt: now, encodedIdx: -1, fired: make([]int, len(op.Faults))}
	if len(op.Faults) > 0 {
		s.faulty.Store(true)
	}
	e.elem = s.order.PushBack(e)
	s.ops[op.ID] = e
	s.bytes += int64(size)
	return e
}

// removeLocked forgets e; s.mu must be held for writing.
func (s *MemoryStore) removeLocked(e *entry) {
	s.order.Remove(e.elem)
	delete(s.ops, e.op.ID)
	s.bytes -= int64(e.size)
}

// Delete removes the operation with the given id and reports whether it was there.
func (s *MemoryStore) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.ops[id]
	if ok {
		s.removeLocked(e)
	}
	return ok
}

// Bytes returns the sum of the stored operations' JSON encodings, the quantity
// MaxTotalBytes bounds.
func (s *MemoryStore) Bytes() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.bytes
}

// Len returns the number of stored operations.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.ops)
}

// lookup returns the entry for id, or an error wrapping server.ErrNotFound.
func (s *MemoryStore) lookup(id string) (*entry, error) {
	s.mu.RLock()
	e, ok := s.ops[id]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %q", server.ErrNotFound, id)
	}
	return e, nil
}

// GetOperation implements [server.OperationStore]: it returns the operation as of now and counts
// the read as one poll.
func (s *MemoryStore) GetOperation(ctx context.Context, id string) (types.PhoneNumberOperation, error) {
	e, err := s.lookup(id)
	if err != nil {
		return types.PhoneNumberOperation{}, err
	}
	now := s.opts.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	// This path has no way to delay an answer: a delay-only fault is not applied here
	// (the server reads through GetEncodedOperation, which does).
	if fault := s.nextFault(ctx, e); fault != nil && (fault.Status != 0 || fault.Drop != "") {
		return types.PhoneNumberOperation{}, fault
	}
	idx := e.read(now)
	return e.render(idx, e.lastAt, s.opts.LastAction), nil
}

// GetEncodedOperation implements [server.EncodedOperationStore]: GetOperation, encoded.
// The body is cached per timeline step (it changes only with the step), so most polls
// encode nothing; callers must not modify it. A fault that answers with a status or drops
// the connection is not a poll; a delayed answer is.
func (s *MemoryStore) GetEncodedOperation(ctx context.Context, id string) (server.EncodedOperation, error) {
	e, err := s.lookup(id)
	if err != nil {
		return server.EncodedOperation{}, err
	}
	now := s.opts.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	fault := s.nextFault(ctx, e)
	if fault != nil && (fault.Status != 0 || fault.Drop != "") {
		out := server.EncodedOperation{Fault: fault}
		if fault.Drop == "truncate" { // the body a read now would get, without counting one
			out.Body, _ = server.EncodeOperation(e.render(e.stepAt(now), e.lastAt, s.opts.LastAction))
		}
		return out, nil
	}
	idx := e.read(now)
	if idx != e.encodedIdx || e.encoded == nil {
		body, err := server.EncodeOperation(e.render(idx, e.lastAt, s.opts.LastAction))
		if err != nil {
			return server.EncodedOperation{}, err
		}
		e.encoded, e.encodedIdx = body, idx
		e.encodedHdr = stepHeader(e.op.Timeline[idx].Headers)
	}
	out := server.EncodedOperation{Body: e.encoded, Location: e.op.ResourceLocation, Header: e.encodedHdr}
	if fault != nil {
		out.Delay = fault.Delay
	}
	return out, nil
}

// nextFault counts a request of e and returns the fault that answers it, nil for none:
// e's own faults first, then the server-wide rules; e.mu must be held.
func (s *MemoryStore) nextFault(ctx context.Context, e *entry) *server.Fault {
	e.requests++
	n := e.requests
	for i := range e.op.Faults {
		draw := drawer(s.opts.Seed, e.op.ID, n, i)
		if applies(&e.op.Faults[i], n, draw) {
			e.fired[i]++
			return noted(ctx, faultAnswer(&e.op.Faults[i], draw(1)))
		}
	}
	for i := range s.opts.Faults {
		rule := &s.opts.Faults[i]
		if len(rule.Operations) > 0 && !slices.Contains(rule.Operations, e.op.ID) {
			continue
		}
		draw := drawer(s.opts.Seed, e.op.ID, n, -1-i)
		if applies(rule, n, draw) {
			s.ruleFired[i].Add(1)
			return noted(ctx, faultAnswer(rule, draw(1)))
		}
	}
	return nil
}

// noted records answer in ctx's fault note for the journal, and returns it.
func noted(ctx context.Context, answer *server.Fault) *server.Fault {
	noteFault(ctx, describe(answer), answer.Drop != "")
	return answer
}

// MayFault reports whether a request may be answered with a fault: an operation with
// faults was stored, or there are server-wide rules.
func (s *MemoryStore) MayFault() bool { return s.faulty.Load() }

// Lookup returns the stored operation and its state without counting as a read.
func (s *MemoryStore) Lookup(id string) (OperationState, bool) {
	s.mu.RLock()
	e, ok := s.ops[id]
	s.mu.RUnlock()
	if !ok {
		return OperationState{}, false
	}
	return s.stateOf(e, s.opts.Now()), true
}

// List returns the state of every stored operation, ordered by id.
func (s *MemoryStore) List() []OperationState {
	out, _ := s.ListPage("", 0, 0)
	return out
}

// ListPage returns, ordered by id, the states of the operations whose id sorts after
// after ("" for the first page): at most limit of them (no bound when limit <= 0), and
// no more once their encoded sizes add up to maxBytes (no bound when maxBytes <= 0; a page
// always holds at least one operation when one remains). more reports whether operations
// remain after the page; continue with the last id returned.
func (s *MemoryStore) ListPage(after string, limit int, maxBytes int64) (page []OperationState, more bool) {
	s.mu.RLock()
	entries := make([]*entry, 0, len(s.ops))
	for id, e := range s.ops {
		if id > after {
			entries = append(entries, e)
		}
	}
	s.mu.RUnlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].op.ID < entries[j].op.ID })
	n := len(entries)
	if limit > 0 && n > limit {
		n = limit
	}
	if maxBytes > 0 {
		var sum int64
		for i := 0; i < n; i++ {
			// A listed item carries the operation twice (as scripted, and as the next
			// read would serve it) plus its bookkeeping.
			sum += 2*int64(entries[i].size) + 256
			if sum > maxBytes && i > 0 {
				n = i
				break
			}
		}
	}
	now := s.opts.Now()
	page = make([]OperationState, n)
	for i, e := range entries[:n] {
		page[i] = s.stateOf(e, now)
	}
	return page, n < len(entries)
}

// stateOf describes e with the server-wide rules that apply to it; e.mu must not be held.
func (s *MemoryStore) stateOf(e *entry, now time.Time) OperationState {
	st := e.state(now, s.opts.LastAction)
	for i := range s.opts.Faults {
		if ops := s.opts.Faults[i].Operations; len(ops) == 0 || slices.Contains(ops, st.Operation.ID) {
			st.ServerFaults++
		}
	}
	return st
}

// state describes the entry without counting as a read; e.mu must not be held.
func (e *entry) state(now time.Time, mode LastActionMode) OperationState {
	e.mu.Lock()
	defer e.mu.Unlock()
	idx := e.stepAt(now)
	at := e.lastAt
	if idx != e.lastIdx {
		at = now // what a read now would record
	}
	return OperationState{Operation: cloneOperation(&e.op), StoredAt: e.stored, Polls: e.polls, Step: idx, Current: e.render(idx, at, mode), Faults: e.faultStates()}
}

// stepAt returns the timeline step a read at now would serve; e.mu must be held.
func (e *entry) stepAt(now time.Time) int {
	return stepAt(&e.op, now.Sub(e.stored), e.polls)
}

// read counts one read at now and returns the step it serves, remembering when that step
// was first served; e.mu must be held.
func (e *entry) read(now time.Time) int {
	idx := e.stepAt(now)
	if idx != e.lastIdx {
		e.lastIdx, e.lastAt = idx, now
	}
	e.polls++
	return idx
}

// render builds the operation as served at step idx, first served at lastAt; it changes
// nothing. The result shares no memory with the store.
func (e *entry) render(idx int, lastAt time.Time, mode LastActionMode) types.PhoneNumberOperation {
	step := e.op.Timeline[idx]
	out := types.PhoneNumberOperation{
		ID:               e.op.ID,
		OperationType:    e.op.OperationType,
		Status:           step.Status,
		CreatedDateTime:  e.op.CreatedDateTime,
		ResourceLocation: copyString(e.op.ResourceLocation),
		Error:            cloneError(step.Error),
	}
	var t time.Time
	switch {
	case e.op.LastActionDateTime != nil:
		t = *e.op.LastActionDateTime
	case mode == LastActionStep:
		t = e.reachedAt(idx, lastAt)
	default:
		t = liveLastAction
	}
	out.LastActionDateTime = &t
	return out
}

// reachedAt returns when step idx was reached: exact for time-based steps, the first read
// that served it (lastAt) for poll-based ones.
func (e *entry) reachedAt(idx int, lastAt time.Time) time.Time {
	s := e.op.Timeline[idx]
	switch {
	case s.After != 0:
		return e.stored.Add(time.Duration(s.After)).UTC()
	case s.AfterPolls == 0:
		return e.stored.UTC()
	default:
		return lastAt.UTC()
	}
}

func copyString(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

var _ server.OperationCanceler = (*MemoryStore)(nil)

// CancelOperation implements [server.OperationCanceler]: the operation is removed, so a
// later GET answers 404 NotFound, and an unknown id is ErrNotFound.
//
// Why removal: the official description documents nothing after a cancel, and the only
// evidence of intent is its example's name, "Delete long running operation with the given
// operation id". No status "cancelled" exists in any api-version, no recording shows a
// cancel, and no SDK reads an operation after cancelling it. A 404 is also what every
// client already handles for a vanished operation (this module's poller says it is gone).
func (s *MemoryStore) CancelOperation(_ context.Context, id string) error {
	if !s.Delete(id) {
		return fmt.Errorf("%w: %q", server.ErrNotFound, id)
	}
	return nil
}

// faultStates returns how each of e's faults has applied so far, nil when it has none;
// e.mu must be held.
func (e *entry) faultStates() []FaultState {
	if len(e.op.Faults) == 0 {
		return nil
	}
	out := make([]FaultState, len(e.op.Faults))
	for i := range e.op.Faults {
		out[i].Fired = e.fired[i]
		if left := remaining(&e.op.Faults[i], e.requests); left >= 0 {
			out[i].Remaining = &left
		}
	}
	return out
}

// RuleFired returns how often each server-wide fault rule (MemoryStoreOptions.Faults) has
// applied, in order.
func (s *MemoryStore) RuleFired() []int64 {
	out := make([]int64, len(s.ruleFired))
	for i := range s.ruleFired {
		out[i] = s.ruleFired[i].Load()
	}
	return out
}

// The [Store] methods: the methods above, with a context and an error. A MemoryStore never
// fails to reach its state, so their errors are those of the methods above.

// PutContext implements [Store]: [MemoryStore.Put].
func (s *MemoryStore) PutContext(_ context.Context, op Operation) (OperationState, error) {
	return s.Put(op)
}

// putValidContext stores an operation the control API has validated.
func (s *MemoryStore) putValidContext(_ context.Context, op Operation) (OperationState, error) {
	return s.putValid(op)
}

// maxOperationBytes is the bound per operation.
func (s *MemoryStore) maxOperationBytes() int { return s.opts.MaxOperationBytes }

func (s *MemoryStore) maxOperations() int { return s.opts.MaxOperations }

// DeleteContext implements [Store]: [MemoryStore.Delete].
func (s *MemoryStore) DeleteContext(_ context.Context, id string) (bool, error) {
	return s.Delete(id), nil
}

// LookupContext implements [Store]: [MemoryStore.Lookup].
func (s *MemoryStore) LookupContext(_ context.Context, id string) (OperationState, bool, error) {
	st, ok := s.Lookup(id)
	return st, ok, nil
}

// ListPageContext implements [Store]: [MemoryStore.ListPage].
func (s *MemoryStore) ListPageContext(_ context.Context, after string, limit int, maxBytes int64) ([]OperationState, bool, error) {
	page, more := s.ListPage(after, limit, maxBytes)
	return page, more, nil
}

// ResetContext implements [Store]: [MemoryStore.Reset].
func (s *MemoryStore) ResetContext(context.Context) error {
	s.Reset()
	return nil
}

// LenContext implements [Store]: [MemoryStore.Len].
func (s *MemoryStore) LenContext(context.Context) (int, error) { return s.Len(), nil }
