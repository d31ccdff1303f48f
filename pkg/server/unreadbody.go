package server

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// trackedBody records whether a request body was read to its end.
type trackedBody struct {
	io.ReadCloser
	req *http.Request // the request net/http handed over, whose Body it replaced
	eof bool
}

// Read implements io.Reader.
func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) {
		b.eof = true
	}
	return n, err
}

// trackBody wraps the body of req, if it has one, to learn whether it gets read; nil when
// there is no body (every request of the API itself: no allocation on that path).
func trackBody(req *http.Request) *trackedBody {
	if req.ContentLength == 0 || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	b := &trackedBody{ReadCloser: req.Body, req: req}
	req.Body = b
	return b
}

// pastDeadline is a read deadline already passed: reads on the connection fail at once.
var pastDeadline = time.Unix(1, 0)

// leaveBodyUnread makes sure net/http does not read what is left of a body the server did
// not use (a request refused before its body was read, such as a 401): after the
// handler, net/http reads up to 256 KiB of an unread body to reuse the connection, and
// waits for it up to the read timeout (30 s) when the client announced a body and sent
// none. The answer says Connection: close instead, and a read deadline in the past makes
// any read of the rest fail at once, so the connection is closed right after the answer.
//
// It also puts net/http's body back in place: net/http looks at the request's Body after
// the handler (to wait a moment before closing a connection whose body it left unread,
// so that the client reads the answer before a reset), and must find its own type there.
func leaveBodyUnread(c echo.Context, b *trackedBody) {
	if b == nil {
		return
	}
	b.req.Body = b.ReadCloser
	if b.eof {
		return
	}
	res := c.Response()
	if !res.Committed {
		res.Header().Set(echo.HeaderConnection, "close")
	}
	// Fails only for a writer that cannot set deadlines (a test recorder), which has no
	// connection to hold.
	_ = http.NewResponseController(res).SetReadDeadline(pastDeadline)
}
