package mock

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// ControlPathPrefix is where the control API is mounted.
const ControlPathPrefix = "/mock"

// Options configures [New]. The zero value is the server package's defaults, a journal of
// DefaultJournalSize requests and the control API enabled.
type Options struct {
	// Options configures the server chain: access key, api-versions, logger, clock and
	// limits. Its Observe and Register, when set, run besides the mock's own.
	server.Options
	// JournalSize bounds the request journal. Default DefaultJournalSize.
	JournalSize int
	// DisableControlAPI leaves /mock unrouted (404).
	DisableControlAPI bool
}

// Server is the programmable mock: the reference server over a [MemoryStore], with a
// request journal and the control API under /mock. Build it with [New].
type Server struct {
	*server.Server
	journal *Journal
	store   *MemoryStore
}

// ServeHTTP serves req, noting for the journal which scripted fault answered it.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	s.Server.ServeHTTP(w, withFaultNote(req, s.store))
}

// Journal returns the record of the API requests the server has answered.
func (s *Server) Journal() *Journal { return s.journal }

// New returns the mock serving store through the reference server chain (validation,
// authentication, live headers, logging, CommunicationErrorResponse errors).
func New(store *MemoryStore, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if store == nil {
		return nil, errors.New("mock: a store is required")
	}
	journal := NewJournal(o.JournalSize)
	so := o.Options
	so.Observe = chainObserve(journal, o.Observe)
	if !o.DisableControlAPI {
		so.Register = chainRegister(func(r server.EchoRouter) {
			registerControl(r, store, journal, so.MaxBodyBytes)
		}, o.Register)
	}
	srv, err := server.New(store, &so)
	if err != nil {
		return nil, err
	}
	return &Server{Server: srv, journal: journal, store: store}, nil
}

// chainObserve records API requests (not control requests) in the journal, then calls next.
func chainObserve(journal *Journal, next func(*http.Request, int, time.Time)) func(*http.Request, int, time.Time) {
	return func(req *http.Request, status int, received time.Time) {
		// Refused requests are journaled too: a client's failing signature is what a test
		// author most needs to see. The journal is bounded; on a shared keyed server,
		// unauthenticated clients can push older entries out (docs/security.md).
		if !isControlPath(req.URL.Path) {
			journal.add(req, status, received)
		}
		if next != nil {
			next(req, status, received)
		}
	}
}

// chainRegister registers the mock's routes, then the caller's.
func chainRegister(own, next func(server.EchoRouter)) func(server.EchoRouter) {
	return func(r server.EchoRouter) {
		own(r)
		if next != nil {
			next(r)
		}
	}
}

func isControlPath(p string) bool {
	return p == ControlPathPrefix || strings.HasPrefix(p, ControlPathPrefix+"/")
}
