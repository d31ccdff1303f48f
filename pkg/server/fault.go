package server

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Fault is a failure to answer a request with instead of the operation (the mock's
// scripted faults, docs/faults.md). A store returns it as the error of GetOperation, or in
// EncodedOperation.Fault (which also gives the body a truncated answer cuts). The
// request is not a poll.
type Fault struct {
	// Status is the status answered, with Body as a CommunicationErrorResponse; 0 with Drop.
	Status int
	// Body is the error the status answer carries.
	Body *types.CommunicationError
	// RetryAfter, with Status, is sent as Retry-After in whole seconds, rounded up.
	RetryAfter time.Duration
	// Drop drops the connection instead of answering: "reset" (a TCP reset), "close"
	// (closed without an answer) or "truncate" (the headers and half the body, then closed).
	Drop string
	// Delay is waited before the fault answers; the wait ends early when the request's
	// context does (its client went away, the server stops).
	Delay time.Duration
}

// Error describes the fault.
func (f *Fault) Error() string {
	if f.Drop != "" {
		return "fault: drop " + f.Drop
	}
	return fmt.Sprintf("fault: status %d", f.Status)
}

// faultResponse answers a request with a fault; body is what a truncated answer cuts.
type faultResponse struct {
	fault *Fault
	body  []byte
}

// VisitPhoneNumbersGetOperationResponse writes the fault's answer, or drops the connection.
func (r faultResponse) VisitPhoneNumbersGetOperationResponse(w http.ResponseWriter) error {
	if r.fault.Delay > 0 {
		addProcessingTime(w.Header(), r.fault.Delay)
	}
	if r.fault.Drop != "" {
		dropConnection(w, r.fault.Drop, r.body)
		return nil
	}
	if r.fault.RetryAfter > 0 {
		w.Header()["Retry-After"] = []string{strconv.FormatInt(int64((r.fault.RetryAfter+time.Second-1)/time.Second), 10)}
	}
	e := &APIError{Status: r.fault.Status, Body: types.CommunicationError{Code: "Fault", Message: "A scripted fault."}}
	if r.fault.Body != nil {
		e.Body = *r.fault.Body
	}
	writeAPIError(w, e)
	return nil
}

// wait waits d, or until ctx ends (its error then).
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dropConnection takes the connection from net/http and ends it as kind says. Where it
// cannot be taken (HTTP/2), the stream is aborted instead.
func dropConnection(w http.ResponseWriter, kind string, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	switch kind {
	case "reset":
		if tc := tcpConn(conn); tc != nil {
			_ = tc.SetLinger(0) // Close then sends RST, not FIN
		}
	case "truncate":
		writeTruncated(buf.Writer, w.Header(), body)
	}
}

// writeTruncated writes a 200 with headers h announcing body in full, and half of it.
func writeTruncated(bw *bufio.Writer, h http.Header, body []byte) {
	h = h.Clone()
	h["Content-Type"] = jsonUTF8
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = bw.WriteString("HTTP/1.1 200 OK\r\n")
	_ = h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body[:len(body)/2])
	_ = bw.Flush()
}

// tcpConn finds the TCP connection under conn (TLS and listener wrappers expose it with
// NetConn), nil when there is none.
func tcpConn(conn net.Conn) *net.TCPConn {
	for range 8 {
		switch c := conn.(type) {
		case *net.TCPConn:
			return c
		case interface{ NetConn() net.Conn }:
			conn = c.NetConn()
		default:
			return nil
		}
	}
	return nil
}
