package mock

import (
	"net/http"
	"strings"
	"sync"
	"time"

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

// authScheme returns the canonical name of a recognised Authorization scheme, or "other".
// Nothing else of the header is kept: a credential sent without a scheme
// ("sk_live_..."), or glued to one by a tab, must not reach the journal.
func authScheme(auth string) string {
	scheme := strings.TrimLeft(auth, " \t")
	if i := strings.IndexAny(scheme, " \t"); i >= 0 {
		scheme = scheme[:i]
	}
	for _, known := range [...]string{"HMAC-SHA256", "Bearer"} {
		if strings.EqualFold(scheme, known) {
			return known
		}
	}
	return "other"
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
	// Status is the HTTP status the server answered with.
	Status int `json:"status"`
}

// Journal is a bounded, concurrency-safe record of the most recent requests.
type Journal struct {
	mu      sync.Mutex
	entries []journalRecord // ring buffer
	next    int
	full    bool
}

// journalRecord is an entry as stored: headers in a fixed array, so recording a request
// allocates no map; Entries builds the maps.
type journalRecord struct {
	JournalEntry
	headers [len(journaledHeaders)]string
}

func (r *journalRecord) entry() JournalEntry {
	e := r.JournalEntry
	for i, v := range r.headers {
		if v != "" {
			if e.Headers == nil {
				e.Headers = make(map[string]string, len(r.headers))
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
	return &Journal{entries: make([]journalRecord, size)}
}

func (j *Journal) add(req *http.Request, status int, at time.Time) {
	e := journalRecord{JournalEntry: JournalEntry{
		Time:   at.UTC(),
		Method: textutil.Truncate(req.Method, 16),
		Path:   textutil.Truncate(req.URL.Path, 1024),
		Query:  textutil.Truncate(req.URL.RawQuery, 1024),
		Status: status,
	}}
	if auth := req.Header["Authorization"]; len(auth) > 0 && auth[0] != "" { // net/http's canonical name
		e.AuthScheme = authScheme(auth[0])
	}
	e.collectHeaders(req.Header)
	j.mu.Lock()
	j.entries[j.next] = e
	j.next++
	if j.next == len(j.entries) {
		j.next, j.full = 0, true
	}
	j.mu.Unlock()
}

// collectHeaders keeps the journaled headers of h (net/http's canonical names): by walking
// h when it has fewer headers than the journal keeps (a load generator's requests), by
// looking each name up otherwise (an SDK's), whichever takes fewer map operations.
func (r *journalRecord) collectHeaders(h http.Header) {
	if len(h) < len(journaledHeaders) {
		for name, v := range h {
			if i := journaledHeaderIndex(name); i >= 0 && len(v) > 0 {
				r.headers[i] = textutil.Truncate(v[0], 256)
			}
		}
		return
	}
	for i, name := range journaledHeaders {
		if v := h[name]; len(v) > 0 {
			r.headers[i] = textutil.Truncate(v[0], 256)
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
	records := j.entries[:j.next]
	if j.full {
		records = append(append([]journalRecord(nil), j.entries[j.next:]...), j.entries[:j.next]...)
	}
	out := make([]JournalEntry, len(records))
	for i := range records {
		out[i] = records[i].entry()
	}
	return out
}

// Clear forgets every recorded request.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}
