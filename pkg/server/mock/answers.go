package mock

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
)

// maxHeldAnswerBytes bounds the built answers (pages, journals) held while their clients
// read them: a page is built under one of maxConcurrentLists slots, which is released
// before the answer is written, so a client that does not read holds memory (until the
// server's write timeout) but no slot. Beyond this, a new answer is refused with 503
// rather than held; one answer is always admitted when none is held.
const maxHeldAnswerBytes = 8 * MaxListPageBytes

// largeAnswers lets a few large answers be built at once and bounds the bytes of those
// built and not yet written.
type largeAnswers struct {
	building chan struct{} // a slot per answer being built (maxConcurrentLists)
	maxHeld  int

	mu   sync.Mutex
	held int // bytes of built answers being written
}

func newLargeAnswers(slots, maxHeld int) *largeAnswers {
	return &largeAnswers{building: make(chan struct{}, slots), maxHeld: maxHeld}
}

// middleware builds the answer of next under a slot into memory, releases the slot, then
// writes it: a client that reads slowly or not at all no longer holds a slot while it is
// written (two stalled readers used to block the list and the journal for everyone for
// the write timeout). A request that gives up waiting for a slot is answered 503.
//
// Room for a page is reserved before it is built, so that requests beyond the bound are
// refused before they cost anything (200 readers that did not read held 495 MB of answers
// built only to be refused), and adjusted to the answer's size once it is built.
func (a *largeAnswers) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		const reserved = MaxListPageBytes
		if !a.hold(reserved) {
			return server.BusyError("writing other large answers")
		}
		ans, err := a.build(c, next)
		if err != nil || ans == nil {
			a.release(reserved)
			return err
		}
		n := ans.body.Len()
		if !a.resize(reserved, n) {
			a.release(reserved)
			return server.BusyError("writing other large answers")
		}
		defer a.release(n)
		return ans.writeTo(c.Response())
	}
}

// resize turns a hold of from bytes into one of to bytes, if that fits (or if it is the
// only one).
func (a *largeAnswers) resize(from, to int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if rest := a.held - from; rest > 0 && rest+to > a.maxHeld {
		return false
	}
	a.held += to - from
	return true
}

// build runs next under a slot with its answer recorded; nil when next answered nothing.
func (a *largeAnswers) build(c echo.Context, next echo.HandlerFunc) (*recordedAnswer, error) {
	select {
	case a.building <- struct{}{}:
		defer func() { <-a.building }()
	case <-c.Request().Context().Done():
		return nil, server.BusyError("building other large answers, and the request ended while it waited")
	}
	orig := c.Response()
	ans := &recordedAnswer{header: orig.Header()}
	c.SetResponse(echo.NewResponse(ans, c.Echo()))
	err := next(c)
	c.SetResponse(orig)
	if err != nil || ans.status == 0 {
		return nil, err
	}
	return ans, nil
}

// hold counts n bytes of answer held, if they fit.
func (a *largeAnswers) hold(n int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.held > 0 && a.held+n > a.maxHeld {
		return false
	}
	a.held += n
	return true
}

func (a *largeAnswers) release(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.held -= n
}

// recordedAnswer is an answer built in memory. Its header is the real response's: the
// chain's headers are already there, and the handler's land there directly.
type recordedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header implements http.ResponseWriter.
func (r *recordedAnswer) Header() http.Header { return r.header }

// WriteHeader implements http.ResponseWriter.
func (r *recordedAnswer) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Write implements http.ResponseWriter.
func (r *recordedAnswer) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// writeTo writes the answer through res, so that echo records its status and size.
func (r *recordedAnswer) writeTo(res *echo.Response) error {
	res.WriteHeader(r.status)
	_, err := res.Write(r.body.Bytes())
	return err
}
