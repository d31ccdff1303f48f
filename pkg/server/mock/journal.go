package mock

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/packedtext"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// DefaultJournalSize is how many requests the journal keeps when no size is configured.
const DefaultJournalSize = 1000

// journaledHeaders are the request headers the journal keeps. Authorization is not among
// them: only its scheme is kept.
var journaledHeaders = [...]string{
	"Accept", "Content-Type", "User-Agent", "X-Ms-Date", "X-Ms-Content-Sha256",
	server.HeaderClientRequestID, server.HeaderReturnClientRequestID,
}

// journaledHeaderKeys are the names as entries report them.
var journaledHeaderKeys = func() (keys [len(journaledHeaders)]string) {
	for i, h := range journaledHeaders {
		keys[i] = strings.ToLower(h)
	}
	return keys
}()

// authSchemes are the values of JournalEntry.AuthScheme: none, the two recognised
// schemes, and "other".
var authSchemes = [...]string{"", "HMAC-SHA256", "Bearer", "other"}

// authScheme returns the index in authSchemes of a non-empty Authorization value's scheme.
// Nothing else of the header is kept: a credential sent without a scheme ("sk_live_..."),
// or glued to one by a tab, must not reach the journal.
func authScheme(auth string) uint8 {
	scheme := strings.TrimLeft(auth, " \t")
	if i := strings.IndexAny(scheme, " \t"); i >= 0 {
		scheme = scheme[:i]
	}
	for i := 1; i < len(authSchemes)-1; i++ {
		if strings.EqualFold(scheme, authSchemes[i]) {
			return uint8(i)
		}
	}
	return uint8(len(authSchemes) - 1)
}

// JournalEntry is one received request as the journal keeps it.
type JournalEntry struct {
	Time   time.Time `json:"time"`            // when the request arrived
	Method string    `json:"method"`          // the HTTP method
	Path   string    `json:"path"`            // the path (cut at 1 KiB)
	Query  string    `json:"query,omitempty"` // the raw query (cut at 1 KiB)
	// AuthScheme is the scheme of the Authorization header: "HMAC-SHA256" or "Bearer"
	// (whatever their case), "other" for anything else, empty when there was none. The
	// credential itself is never kept.
	AuthScheme string `json:"authScheme,omitempty"`
	// Headers holds selected request headers by lower-case name (values cut at 256 B).
	Headers map[string]string `json:"headers,omitempty"`
	// Status is the HTTP status the server answered with; 0 for a dropped connection.
	Status int `json:"status"`
	// Fault names the scripted fault that answered, when one did ("status 503", "drop
	// reset", "delay 800ms").
	Fault string `json:"fault,omitempty"`
}

// Journal is a bounded, concurrency-safe record of the most recent requests.
type Journal struct {
	mu      sync.Mutex
	entries []journalRecord // ring buffer
	next    int
	full    bool
	gen     uint64        // changes at each Clear, and differs between processes
	seq     uint64        // entries recorded in this generation
	changed chan struct{} // closed at the next change; nil while nobody follows
}

// journalRecord is an entry as stored, compactly (internal/fastpath/packedtext): the time
// as a number, the scheme as an index, and the strings (method, path, query, header
// values) packed into one. A record then holds one pointer, to memory without pointers,
// and keeps nothing of the request alive.
type journalRecord struct {
	text   packedtext.Text // the fields below, in order
	at     int64           // Unix nanoseconds, UTC
	status int32
	scheme uint8 // index into authSchemes; 0: none
}

// The fields in journalRecord.text: method, path, query, the fault, then the journaled
// headers.
const (
	fieldMethod = iota
	fieldPath
	fieldQuery
	fieldFault
	fieldFirstHeader
	textFields = fieldFirstHeader + len(journaledHeaders)
)

// Journaled lengths.
const (
	maxJournaledMethod = 16
	maxJournaledPath   = 1024
	maxJournaledQuery  = 1024
	maxJournaledHeader = 256
	maxJournaledFault  = 64
)

// The longest record (every field cut, with textutil.Truncate's "...") must fit one packed
// text, and the fields its field count; a limit raised past either fails to compile here.
const (
	_ = uint16(packedtext.MaxBytes - (maxJournaledMethod + maxJournaledPath + maxJournaledQuery + maxJournaledFault +
		len(journaledHeaders)*maxJournaledHeader + textFields*len("...")))
	_ = uint8(packedtext.MaxFields - textFields)
)

// field returns the i-th string of the record.
func (r *journalRecord) field(i int) string { return r.text.Field(i) }

func (r *journalRecord) entry() JournalEntry {
	e := JournalEntry{
		Time:       time.Unix(0, r.at).UTC(),
		Method:     r.field(fieldMethod),
		Path:       r.field(fieldPath),
		Query:      r.field(fieldQuery),
		AuthScheme: authSchemes[r.scheme],
		Status:     int(r.status),
		Fault:      r.field(fieldFault),
	}
	for i := range journaledHeaders {
		if v := r.field(fieldFirstHeader + i); v != "" {
			if e.Headers == nil {
				e.Headers = make(map[string]string, len(journaledHeaders))
			}
			e.Headers[journaledHeaderKeys[i]] = v
		}
	}
	return e
}

// NewJournal returns a journal keeping the last size requests (DefaultJournalSize if size <= 0).
func NewJournal(size int) *Journal {
	if size <= 0 {
		size = DefaultJournalSize
	}
	// A follower that kept its cursor across a restart of the process must start afresh:
	// the generation starts from the clock, not from zero.
	return &Journal{entries: make([]journalRecord, size), gen: uint64(time.Now().UnixNano())}
}

func (j *Journal) add(req *http.Request, status int, at time.Time) {
	j.record(newJournalRecord(req, status, at))
}

// record appends r, pushing out the oldest entry when the journal is full.
func (j *Journal) record(r journalRecord) {
	j.mu.Lock()
	j.entries[j.next] = r
	j.next++
	if j.next == len(j.entries) {
		j.next, j.full = 0, true
	}
	j.seq++
	j.notifyLocked()
	j.mu.Unlock()
}

// notifyLocked wakes the followers; it costs nothing while there are none.
func (j *Journal) notifyLocked() {
	if j.changed != nil {
		close(j.changed)
		j.changed = nil
	}
}

// newJournalRecord records req, answered with status, received at at.
func newJournalRecord(req *http.Request, status int, at time.Time) journalRecord {
	var fields [textFields]string
	fields[fieldMethod] = journalText(req.Method, maxJournaledMethod)
	fields[fieldPath] = journalText(req.URL.Path, maxJournaledPath)
	fields[fieldQuery] = journalText(req.URL.RawQuery, maxJournaledQuery)
	collectHeaders(fields[fieldFirstHeader:], req.Header)
	if note := faultNoted(req.Context()); note != nil {
		fields[fieldFault] = textutil.Truncate(note.what, maxJournaledFault)
		if note.dropped {
			status = 0 // nothing was answered
		}
	}
	r := journalRecord{at: at.UnixNano(), status: int32(status)}
	if auth := req.Header["Authorization"]; len(auth) > 0 && auth[0] != "" { // net/http's canonical name
		r.scheme = authScheme(auth[0])
	}
	r.text, _ = packedtext.Pack(fields[:]) // fits: checked at compile time above
	return r
}

// journalText is s as the journal keeps it: cut at max bytes, and with every byte JSON
// would spell as six ("\u00ff" for an invalid byte, "\u001b" for a control character)
// replaced by '?'. A client chooses these bytes; escaped, a path of 1,100 "%ff" made the
// journal's answer six times its size (23 MB for 1,000 entries).
func journalText(s string, max int) string {
	s = textutil.Truncate(s, max)
	if isJournalPlain(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range strings.ToValidUTF8(s, "?") {
		if notJournalPlain(r) {
			r = '?'
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// notJournalPlain reports a rune the journal does not keep: control characters, which JSON
// spells as six bytes, line separators, and the bidirectional controls, which reorder what
// is shown after them ("invoice-\u202efdp.exe" reads "invoice-exe.pdf" in the dashboard).
//
// Format characters (Unicode's Cf: bidi controls, zero-width spaces and joiners, the soft
// hyphen, tag characters), the Hangul fillers and variation selectors are invisible or
// reorder text: two paths that read the same could differ.
func notJournalPlain(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0xa0 && (unicode.Is(unicode.Cf, r) || r == 0x3164 || r == 0xffa0 ||
			(r >= 0xfe00 && r <= 0xfe0f) || (r >= 0xe0100 && r <= 0xe01ef)))
}

// isJournalPlain reports s valid UTF-8 without control characters (the common case).
func isJournalPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			return utf8.ValidString(s) && !strings.ContainsFunc(s, notJournalPlain)
		}
	}
	return true
}

// collectHeaders puts the values of the journaled headers of h (net/http's canonical
// names) in values, in journaledHeaders' order: by walking h when it has fewer headers
// than the journal keeps (a load generator's requests), by looking each name up otherwise
// (an SDK's), whichever takes fewer map operations.
func collectHeaders(values []string, h http.Header) {
	if len(h) < len(journaledHeaders) {
		for name, v := range h {
			if i := journaledHeaderIndex(name); i >= 0 && len(v) > 0 {
				values[i] = journalText(v[0], maxJournaledHeader)
			}
		}
		return
	}
	for i, name := range journaledHeaders {
		if v := h[name]; len(v) > 0 {
			values[i] = journalText(v[0], maxJournaledHeader)
		}
	}
}

// journaledHeaderIndex is the index of name in journaledHeaders, or -1.
func journaledHeaderIndex(name string) int {
	for i, n := range journaledHeaders {
		if n == name {
			return i
		}
	}
	return -1
}

// Entries returns the recorded requests, oldest first.
func (j *Journal) Entries() []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]JournalEntry, j.keptLocked())
	for i := range out {
		out[i] = j.keptAtLocked(i).entry()
	}
	return out
}

// keptLocked is how many entries the journal holds.
func (j *Journal) keptLocked() int {
	if j.full {
		return len(j.entries)
	}
	return j.next
}

// keptAtLocked is the i-th entry held, oldest first.
func (j *Journal) keptAtLocked(i int) *journalRecord {
	if j.full {
		return &j.entries[(j.next+i)%len(j.entries)]
	}
	return &j.entries[i]
}

// Clear forgets every recorded request.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
	j.gen++
	j.seq = 0
	j.notifyLocked()
}

var _ JournalStore = (*Journal)(nil)

// AppendJournal implements [JournalStore]: it records e, cut to the journal's bounds.
func (j *Journal) AppendJournal(_ context.Context, e JournalEntry) error {
	j.record(recordOf(e))
	return nil
}

var _ journalFeed = (*Journal)(nil)

// journalSince implements journalFeed.
func (j *Journal) journalSince(_ context.Context, cur journalCursor, max int) ([]JournalEntry, journalCursor, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := j.keptLocked()
	first, n, fresh := sinceWindow(cur, j.gen, j.seq, kept, max)
	out := make([]JournalEntry, n)
	for i := range out {
		out[i] = j.keptAtLocked(first + i).entry()
	}
	// The cursor counts what was recorded up to the last entry returned.
	next := journalCursor{gen: j.gen, seq: j.seq - uint64(kept-first-n)}
	return out, next, fresh, nil
}

// journalChanged implements journalFeed.
func (j *Journal) journalChanged() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.changed == nil {
		j.changed = make(chan struct{})
	}
	return j.changed
}

// JournalEntries implements [JournalStore]: [Journal.Entries].
func (j *Journal) JournalEntries(context.Context) ([]JournalEntry, error) { return j.Entries(), nil }

// ClearJournal implements [JournalStore]: [Journal.Clear].
func (j *Journal) ClearJournal(context.Context) error {
	j.Clear()
	return nil
}

// recordOf packs e as the journal keeps it, each field cut to its bound.
func recordOf(e JournalEntry) journalRecord {
	var fields [textFields]string
	fields[fieldMethod] = journalText(e.Method, maxJournaledMethod)
	fields[fieldPath] = journalText(e.Path, maxJournaledPath)
	fields[fieldQuery] = journalText(e.Query, maxJournaledQuery)
	fields[fieldFault] = textutil.Truncate(e.Fault, maxJournaledFault)
	for i, key := range journaledHeaderKeys {
		fields[fieldFirstHeader+i] = journalText(e.Headers[key], maxJournaledHeader)
	}
	r := journalRecord{at: e.Time.UnixNano(), status: int32(e.Status)}
	for i, s := range authSchemes {
		if s == e.AuthScheme {
			r.scheme = uint8(i)
		}
	}
	r.text, _ = packedtext.Pack(fields[:]) // fits: checked at compile time
	return r
}
