package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"golang.org/x/term"

	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// operationCmd groups the commands that call the service.
type operationCmd struct {
	Get    operationGetCmd    `cmd:"" help:"Fetch an operation and print it as JSON (its Location on stderr)."`
	Wait   operationWaitCmd   `cmd:"" help:"Poll an operation until it succeeds (exit 0) or fails (exit 1)."`
	Cancel operationCancelCmd `cmd:"" help:"Cancel an operation (DELETE). Against the service it stops a purchase or release in progress; the mock removes the operation (phonenumbers mock reset brings the start-up ones back)."`
}

// apiVersionFlag is the api-version the operation commands send.
type apiVersionFlag struct {
	APIVersion string `name:"api-version" default:"2022-12-01" env:"PHONENUMBERS_API_VERSION" help:"api-version to send."`
}

// oneCallFlags are what a command making one call to one operation takes.
type oneCallFlags struct {
	connectionFlags
	apiVersionFlag
	OperationID string        `arg:"" name:"operation-id" help:"The operation id, e.g. search-my-operation-id."`
	Timeout     time.Duration `default:"1m" help:"Give up after this long, retries included."`
}

// call checks the flags, builds the client and runs fn on the operation id within the
// timeout. Errors name what was done (verb), the operation and the endpoint.
func (f *oneCallFlags) call(e *env, verb string, fn func(ctx context.Context, cl *client.Client, id string) error) error {
	if strings.TrimSpace(f.OperationID) == "" {
		return &exitError{code: exitUsage, err: errors.New("the operation id is empty; pass one, e.g. search-my-operation-id")}
	}
	if f.Timeout <= 0 {
		return &exitError{code: exitUsage, err: errors.New("--timeout must be positive")}
	}
	cl, err := f.newClient(e.ctx, f.APIVersion, e.stderr)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	ctx, cancel := context.WithTimeout(e.ctx, f.Timeout)
	defer cancel()
	if err := fn(ctx, cl, f.OperationID); err != nil {
		var bad *client.InvalidOperationIDError
		if errors.As(err, &bad) {
			return &exitError{code: exitUsage, err: fmt.Errorf("%w; pass the id the service returned", err)}
		}
		if errors.Is(err, context.DeadlineExceeded) && e.ctx.Err() == nil {
			err = timedOut(f.Timeout, f.lastFailure())
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("%s operation %s at %s: %w", verb, f.OperationID, cl.Endpoint(), describeError(err))}
	}
	return nil
}

type operationGetCmd struct {
	withExitCodes
	oneCallFlags
}

// Run fetches the operation.
func (c *operationGetCmd) Run(e *env) error {
	return c.call(e, "get", func(ctx context.Context, cl *client.Client, id string) error {
		res, err := cl.GetOperation(ctx, id, nil)
		if err != nil {
			return err
		}
		if err := printJSON(e.stdout, res.PhoneNumberOperation); err != nil {
			return err
		}
		if res.Location != nil {
			fmt.Fprintf(e.stderr, "Location: %s\n", textutil.Printable(*res.Location, false))
		}
		return nil
	})
}

type operationCancelCmd struct {
	withExitCodes
	oneCallFlags
}

// Run cancels the operation and says so on stderr.
func (c *operationCancelCmd) Run(e *env) error {
	return c.call(e, "cancel", func(ctx context.Context, cl *client.Client, id string) error {
		if _, err := cl.CancelOperation(ctx, id, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%s: cancelled\n", textutil.Printable(id, false))
		return nil
	})
}

type operationWaitCmd struct {
	withExitCodes
	connectionFlags
	apiVersionFlag
	Operation string        `arg:"" name:"operation" help:"Operation id, or the Operation-Location URL (relative or absolute) a 202 returned."`
	Interval  time.Duration `default:"2s" help:"Wait between polls when the service sends no Retry-After (at least 1s, azcore's minimum, except against a loopback endpoint such as a local mock). A Retry-After is honoured within [min(interval, 1s), 1m]."`
	Timeout   time.Duration `default:"10m" help:"Give up after this long."`
}

// Run polls until the operation is terminal.
func (c *operationWaitCmd) Run(e *env) error {
	if c.Interval <= 0 {
		return &exitError{code: exitUsage, err: errors.New("--interval must be positive")}
	}
	if c.Timeout <= 0 {
		return &exitError{code: exitUsage, err: errors.New("--timeout must be positive")}
	}
	if strings.TrimSpace(c.Operation) == "" {
		return &exitError{code: exitUsage, err: errors.New("the operation is empty; pass an id or an Operation-Location URL")}
	}
	cl, err := c.newClient(e.ctx, c.APIVersion, e.stderr)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if u, _ := url.Parse(cl.Endpoint()); c.Interval < time.Second && (u == nil || !netutil.IsLoopbackHost(u.Host)) {
		return &exitError{code: exitUsage, err: fmt.Errorf("--interval %s is under one second, azcore's minimum against a service; it is allowed only against a loopback endpoint (a local mock)", c.Interval)}
	}
	status := newStatusReporter(e.stderr)
	poller, err := cl.NewOperationPoller(c.Operation, &client.OperationPollerOptions{Frequency: c.Interval, OnPoll: status.report})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	ctx, cancel := context.WithTimeout(e.ctx, c.Timeout)
	defer cancel()
	op, err := poller.PollUntilDone(ctx, nil)
	status.finish()
	if err == nil {
		return printJSON(e.stdout, op)
	}
	var failed *client.OperationFailedError
	switch {
	case errors.As(err, &failed):
		_ = printJSON(e.stdout, failed.Operation)
		return &exitError{code: exitFailure, err: fmt.Errorf("%w (at %s)", describeFailure(failed), cl.Endpoint())}
	case errors.Is(err, context.DeadlineExceeded) && e.ctx.Err() == nil:
		return &exitError{code: exitFailure, err: fmt.Errorf("waiting for %s at %s (last status: %s): %w", poller.OperationID(), cl.Endpoint(), lastStatus(poller), describeError(timedOut(c.Timeout, c.lastFailure())))}
	case errors.Is(err, context.Canceled):
		return &exitError{code: exitFailure, err: fmt.Errorf("interrupted while waiting for %s at %s (last status: %s)", poller.OperationID(), cl.Endpoint(), lastStatus(poller))}
	}
	return &exitError{code: exitFailure, err: fmt.Errorf("waiting for %s at %s (last status: %s): %w", poller.OperationID(), cl.Endpoint(), lastStatus(poller), describeError(err))}
}

func lastStatus(p *client.OperationPoller) string {
	if op, ok := p.Operation(); ok {
		return string(op.Status)
	}
	return "never fetched"
}

// describeError turns a service error into one line: status, code, message, target; and
// a certificate error into one that names the flag that fixes it.
func describeError(err error) error {
	if netutil.IsCertificateError(err) {
		return fmt.Errorf("%w; the server's TLS certificate is not trusted: pass --ca-cert FILE (serve --tls-self-signed DIR writes DIR/cert.pem) or, for a test server only, --insecure-skip-verify", err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w; nothing listens there: is the server running (`make run` starts one on 127.0.0.1:8080)?", err)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return err
	}
	hint := statusHint(re)
	if ce, ok := client.AsCommunicationError(err); ok {
		return fmt.Errorf("HTTP %d %s: %s", re.StatusCode, ce.Code, withHint(communicationDetails(ce), hint))
	}
	return fmt.Errorf("HTTP %d %s", re.StatusCode, withHint(http.StatusText(re.StatusCode)+" (the response carried no error details)", hint))
}

// statusHint says what to do about answers whose cause is usually on the caller's side.
func statusHint(re *azcore.ResponseError) string {
	if re.RawResponse == nil || re.RawResponse.Request == nil {
		return answerHint(re.StatusCode, false, nil)
	}
	body, _ := runtime.Payload(re.RawResponse) // azcore keeps the payload read
	return answerHint(re.StatusCode, re.RawResponse.Request.URL.Scheme == "http", body)
}

// answerHint says what to do about an answer whose cause is usually on the caller's side:
// a missing or wrong key, or plain HTTP to a server that speaks HTTPS; "" otherwise.
// Join it to the server's message with withHint.
func answerHint(code int, plainHTTP bool, body []byte) string {
	switch {
	case code == http.StatusUnauthorized:
		return "the server requires a valid credential: pass its access key with --access-key (or PHONENUMBERS_ACCESS_KEY), or check it"
	case code == http.StatusBadRequest && plainHTTP && bytes.Contains(body, []byte("HTTP request to an HTTPS server")):
		return "the server speaks HTTPS: use an https:// endpoint"
	}
	return ""
}

// withHint appends hint, when there is one, to msg, a sentence from the server that may
// end in a full stop: "msg; hint".
func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return strings.TrimSuffix(msg, ".") + "; " + hint
}

func describeFailure(f *client.OperationFailedError) error {
	if f.Err == nil {
		return fmt.Errorf("operation %s %s without error details", f.Operation.ID, f.Operation.Status)
	}
	return fmt.Errorf("operation %s %s: %s: %s", f.Operation.ID, f.Operation.Status, f.Err.Code, communicationDetails(f.Err))
}

// communicationDetails is the service's error in one line: its message and target, then
// the first client.MaxInnerErrorsShown inner errors and how many more there are. It is
// built in one pass (it once grew a string per level: a 9,500-deep chain took 8.4 s and
// 1.49 GB); the line is cut at maxErrorBytes when printed.
func communicationDetails(ce *types.CommunicationError) string {
	var b strings.Builder
	b.WriteString(textutil.Truncate(ce.Message, maxErrorBytes))
	if ce.Target != nil && *ce.Target != "" {
		b.WriteString(" (target " + textutil.Truncate(*ce.Target, maxErrorBytes) + ")")
	}
	shown := 0
	for inner := ce.Innererror; inner != nil; inner = inner.Innererror {
		if shown == client.MaxInnerErrorsShown {
			fmt.Fprintf(&b, "; … and %d more inner errors", client.InnerErrorDepth(inner))
			break
		}
		b.WriteString("; inner error " + textutil.Truncate(inner.Code, maxErrorBytes) + ": " + textutil.Truncate(inner.Message, maxErrorBytes))
		shown++
	}
	return b.String()
}

// statusReporter prints status changes on stderr: one line per change, or a live status
// line rewritten in place when stderr is a terminal.
type statusReporter struct {
	w     io.Writer
	live  bool
	start time.Time
	polls int
	last  types.PhoneNumberOperationStatus
}

func newStatusReporter(w io.Writer) *statusReporter {
	live := false
	if f, ok := w.(*os.File); ok {
		live = term.IsTerminal(int(f.Fd()))
	}
	return &statusReporter{w: w, live: live, start: time.Now()}
}

func (s *statusReporter) report(op types.PhoneNumberOperation) {
	s.polls++
	if s.live {
		fmt.Fprintf(s.w, "\r\033[K%s: %s (poll %d, %s)", textutil.Printable(op.ID, false), textutil.Printable(string(op.Status), false), s.polls, time.Since(s.start).Round(100*time.Millisecond))
		return
	}
	if op.Status != s.last {
		fmt.Fprintf(s.w, "%s: %s\n", textutil.Printable(op.ID, false), textutil.Printable(string(op.Status), false))
	}
	s.last = op.Status
}

func (s *statusReporter) finish() {
	if s.live && s.polls > 0 {
		fmt.Fprintln(s.w)
	}
}

// timedOut is the error of a command that ran out of time, with the last try's failure
// when there was one, so its hint (e.g. "is the server running?") is not lost.
func timedOut(d time.Duration, last error) error {
	if last == nil {
		return fmt.Errorf("timed out after %s", d)
	}
	return fmt.Errorf("timed out after %s; the last try failed: %w", d, last)
}
