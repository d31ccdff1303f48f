package server

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultJournalSize is how many requests the journal keeps when no size is configured.
const DefaultJournalSize = 1000

// journaledHeaders are the request headers the journal keeps. Authorization is not among
// them: only its scheme is kept.
var journaledHeaders = []string{
	"Accept", "Content-Type", "User-Agent", "X-Ms-Date", "X-Ms-Content-Sha256",
	HeaderClientRequestID, HeaderReturnClientRequestID,
}

// JournalEntry is one received request as the journal keeps it.
type JournalEntry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query,omitempty"`
	// AuthScheme is the scheme of the Authorization header ("HMAC-SHA256", "Bearer"), or
	// empty when there was none. The credential itself is never kept.
	AuthScheme string            `json:"authScheme,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
	Status     int               `json:"status"`
}

// Journal is a bounded, concurrency-safe record of the most recent requests.
type Journal struct {
	mu      sync.Mutex
	entries []JournalEntry // ring buffer
	next    int
	full    bool
}

// NewJournal returns a journal keeping the last size requests (DefaultJournalSize if size <= 0).
func NewJournal(size int) *Journal {
	if size <= 0 {
		size = DefaultJournalSize
	}
	return &Journal{entries: make([]JournalEntry, size)}
}

func (j *Journal) add(req *http.Request, status int, at time.Time) {
	e := JournalEntry{
		Time:   at.UTC(),
		Method: req.Method,
		Path:   truncate(req.URL.Path, 1024),
		Query:  truncate(req.URL.RawQuery, 1024),
		Status: status,
	}
	if auth := req.Header.Get("Authorization"); auth != "" {
		scheme, _, _ := strings.Cut(auth, " ")
		e.AuthScheme = truncate(scheme, 32)
	}
	for _, name := range journaledHeaders {
		if v := req.Header.Get(name); v != "" {
			if e.Headers == nil {
				e.Headers = make(map[string]string, len(journaledHeaders))
			}
			e.Headers[strings.ToLower(name)] = truncate(v, 256)
		}
	}
	j.mu.Lock()
	j.entries[j.next] = e
	j.next++
	if j.next == len(j.entries) {
		j.next, j.full = 0, true
	}
	j.mu.Unlock()
}

// Entries returns the recorded requests, oldest first.
func (j *Journal) Entries() []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.full {
		return append([]JournalEntry(nil), j.entries[:j.next]...)
	}
	out := make([]JournalEntry, 0, len(j.entries))
	out = append(out, j.entries[j.next:]...)
	return append(out, j.entries[:j.next]...)
}

// Clear forgets every recorded request.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}
