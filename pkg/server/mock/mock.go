package mock

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
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
	// JournalSize bounds the request journal. Default DefaultJournalSize. Ignored when the
	// store keeps the journal (it implements [JournalStore], as [RedisStore] does).
	JournalSize int
	// DisableControlAPI leaves /mock unrouted (404): the control API and the dashboard.
	DisableControlAPI bool

	follow *followTimings // the journal stream's durations; tests shorten them
}

// Server is the programmable mock: the reference server over a [Store] (a [MemoryStore]
// or a [RedisStore]), with a request journal, the control API under /mock and a dashboard
// at /mock/ui/ ([UIPath]). Build it with [New].
type Server struct {
	*server.Server
	journal *Journal     // the in-process journal; nil when the store keeps it
	records JournalStore // where requests are journaled: journal, or the store
	store   Store
}

// ServeHTTP serves req, noting for the journal which scripted fault answered it.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	s.Server.ServeHTTP(w, withFaultNote(req, s.store))
}

// Journal returns the in-process record of the API requests the server has answered; nil
// when the store keeps the journal (a [RedisStore]): read it with [Server.JournalEntries].
func (s *Server) Journal() *Journal { return s.journal }

// JournalEntries returns the recorded requests, oldest first, wherever they are kept.
func (s *Server) JournalEntries(ctx context.Context) ([]JournalEntry, error) {
	return s.records.JournalEntries(ctx)
}

// Store returns the store the mock serves.
func (s *Server) Store() Store { return s.store }

// New returns the mock serving store through the reference server chain (validation,
// authentication, live headers, logging, CommunicationErrorResponse errors). A
// *[MemoryStore] keeps the state in the process; a *[RedisStore] in Redis, journal
// included.
func New(store Store, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if store == nil {
		return nil, errors.New("mock: a store is required")
	}
	if ms, ok := store.(*MemoryStore); ok && ms == nil {
		return nil, errors.New("mock: a store is required")
	}
	out := &Server{store: store}
	if js, ok := store.(JournalStore); ok {
		out.records = js
	} else {
		out.journal = NewJournal(o.JournalSize)
		out.records = out.journal
	}
	so := o.Options
	so.Observe = chainObserve(out.records, so.Logger, o.Observe)
	if !o.DisableControlAPI {
		so.Register = chainRegister(func(r server.EchoRouter) {
			cs := registerControl(r, store, out.records, so.MaxBodyBytes)
			if o.follow != nil {
				cs.follow = *o.follow
			}
			registerUI(r)
		}, o.Register)
		so.PublicRoutes = append(append([]string(nil), so.PublicRoutes...), uiRoutes...)
	} else {
		so.Register = chainRegister(registerControlOff, o.Register)
	}
	srv, err := server.New(store, &so)
	if err != nil {
		return nil, err
	}
	out.Server = srv
	return out, nil
}

// journalTimeout is a request's whole budget, from its arrival, when it is journaled in a
// shared store (the journal is written before the answer is flushed): a request whose
// store calls took it leaves the journal write minJournalWait at most.
const (
	journalTimeout = 2 * time.Second
	minJournalWait = 100 * time.Millisecond
)

// storeReachability is implemented by a store that knows it cannot reach its backend
// (RedisStore): while it cannot, requests are not journaled there, so that a 503 is
// answered within the store's timeout and not twice that.
type storeReachability interface{ unreachable() bool }

// chainObserve records API requests (not control requests, not health probes) in the
// journal, then calls next.
func chainObserve(records JournalStore, logger *slog.Logger, next func(*http.Request, int, time.Time)) func(*http.Request, int, time.Time) {
	local, _ := records.(*Journal)
	reach, _ := records.(storeReachability)
	return func(req *http.Request, status int, received time.Time) {
		// Refused requests are journaled too: a client's failing signature is what a test
		// author most needs to see. The journal is bounded; on a shared keyed server,
		// unauthenticated clients can push older entries out (docs/security.md). Health
		// probes are not requests of the API: journaled, they would push those out.
		if !isControlPath(req.URL.Path) && req.URL.Path != server.HealthPath {
			if local != nil {
				local.add(req, status, received)
			} else if reach == nil || !reach.unreachable() {
				r := newJournalRecord(req, status, received)
				wait := max(journalTimeout-time.Since(received), minJournalWait)
				ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), wait)
				// An unreachable store has said so once in the log: not a line per request.
				if err := records.AppendJournal(ctx, r.entry()); err != nil && logger != nil && !errors.Is(err, ErrStoreUnavailable) {
					logger.Warn("a request could not be journaled", "path", textutil.Truncate(req.URL.Path, 200), "error", err.Error())
				}
				cancel()
			}
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

// registerControlOff answers /mock and everything under it, the dashboard included, with a
// 404 that says the control API is off, rather than that nothing is there.
func registerControlOff(r server.EchoRouter) {
	off := func(echo.Context) error {
		return server.NewAPIError(http.StatusNotFound, server.CodeNotFound,
			"The control API and the dashboard are off on this server (serve --no-control-api).", "")
	}
	for _, p := range []string{ControlPathPrefix, ControlPathPrefix + "/*"} {
		r.GET(p, off)
		r.POST(p, off)
		r.PUT(p, off)
		r.DELETE(p, off)
	}
}
