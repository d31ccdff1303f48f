package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/httpguard"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/controlclient"
)

// mockCmd groups the control-API commands. With a key (flag, environment or connection
// string) every request is signed, which is what a keyed `serve` requires and what a shell
// cannot do with curl.
type mockCmd struct {
	List    mockListCmd    `cmd:"" help:"List every stored operation with its poll count and current state (JSON)."`
	Get     mockGetCmd     `cmd:"" help:"Show one operation's state without counting a poll (JSON)."`
	Create  mockCreateCmd  `cmd:"" help:"Store an operation from a JSON file (fixtures entry shape), replacing one with the same id."`
	Load    mockLoadCmd    `cmd:"" help:"Store every operation of a fixtures file (YAML or JSON, as serve --fixtures reads), all or nothing."`
	Delete  mockDeleteCmd  `cmd:"" help:"Remove an operation."`
	Reset   mockResetCmd   `cmd:"" help:"Go back to the start-up operations and clear the journal."`
	Journal mockJournalCmd `cmd:"" help:"Print the recorded requests (JSON)."`
	Verify  mockVerifyCmd  `cmd:"" help:"Check how many recorded requests match (exit 0) or not (exit 1), as WireMock's verify."`
}

// maxMockInput bounds what `mock create` reads; the server refuses more than 1 MiB.
const maxMockInput = 1 << 20

// maxControlAnswerBytes bounds one control-API answer. The journal is the largest: 1,000
// entries of up to ~3.5 KiB of cut fields each, which JSON's escapes of control characters
// can grow sixfold.
const maxControlAnswerBytes = 32 << 20

// controlClient builds the typed control client the connection flags describe.
func (f *connectionFlags) controlClient(ctx context.Context) (*controlclient.ClientWithResponses, string, error) {
	t, err := f.resolve()
	if err != nil {
		return nil, "", err
	}
	if t.auth == authEntra && f.Auth == authEntra {
		return nil, "", errors.New("the control API takes an access key or nothing; --auth entra is not supported")
	}
	hc, err := f.httpClient(ctx)
	if err != nil {
		return nil, "", err
	}
	// The same bounds as the API client: a few MiB per answer, and a deadline.
	hc.Transport = httpguard.LimitBodies(hc.Transport, maxControlAnswerBytes)
	hc.Timeout = mockTimeout
	var doer controlclient.HttpRequestDoer = hc
	if t.auth == authKey {
		if doer, err = controlclient.NewSigningDoer(t.key, hc); err != nil {
			return nil, "", err
		}
	}
	c, err := controlclient.NewClientWithResponses(strings.TrimRight(t.endpoint, "/"), controlclient.WithHTTPClient(countingDoer{doer}))
	return c, netutil.RedactEndpoint(t.endpoint), err // the endpoint as messages show it
}

// controlAnswerLimits bound one control-API answer's JSON, counted before the generated
// client parses it: the largest answer, a journal of 1,000 entries, holds ~20,000 values
// and nests 4 levels, and an operation's state at most a few times mock.MaxOperationValues
// (20,000). Decoding allocates per value: a 31 MB journal of 10 million {} took 6.2 GB.
var controlAnswerLimits = bounded.Limits{Values: 500_000, Depth: 64}

// countingDoer reads every control answer whole (through the transport's byte limit) and
// counts its JSON with internal/bounded before handing it on; beyond controlAnswerLimits
// the request fails with an error naming the request and the bound. The pages of `mock
// list` are not read here: the lister streams them and counts each operation.
type countingDoer struct{ next controlclient.HttpRequestDoer }

// Do sends req and checks the answer's body.
func (d countingDoer) Do(req *http.Request) (*http.Response, error) {
	res, err := d.next.Do(req)
	if err != nil || res.Body == nil || isListPage(req) {
		return res, err
	}
	var buf bytes.Buffer // grows by doubling: io.ReadAll's growth allocates 4 times a large body
	if res.ContentLength > 0 && res.ContentLength <= maxControlAnswerBytes {
		buf.Grow(int(res.ContentLength))
	}
	_, err = buf.ReadFrom(res.Body) // within maxControlAnswerBytes (the transport)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	body := buf.Bytes()
	what := "the answer to " + req.Method + " " + textutil.Printable(textutil.Truncate(req.URL.EscapedPath(), 256), false)
	if err := bounded.CheckJSON(req.Context(), what, body, controlAnswerLimits); err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

// isListPage reports a request for a page of `mock list` (GET .../mock/operations).
func isListPage(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/mock/operations")
}

// answer is what every control response has in common.
type answer interface {
	StatusCode() int
}

// finish turns a control response into the command's result: its JSON (or nothing) on
// stdout for a 2xx, a message and exit 1 otherwise.
func finish(e *env, endpoint string, res answer, body []byte, err error) error {
	if err != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("%s: %w", endpoint, describeError(err))}
	}
	if code := res.StatusCode(); code < 200 || code > 299 {
		hint := answerHint(code, strings.HasPrefix(endpoint, "http://"), body)
		if code == http.StatusNotFound && bytes.Contains(body, []byte("are off on this server")) {
			hint = "start serve without --no-control-api to script this server"
		} else if code == http.StatusNotFound && bytes.Contains(body, []byte("No resource matches")) {
			hint = "this server has no control API here: it runs with --no-control-api, or it is not phonenumbers serve, or the endpoint's path names no resource it hosts (serve --resource NAME, or --auto-resources)"
		}
		return &exitError{code: exitFailure, err: fmt.Errorf("%s: HTTP %d %s", endpoint, code, withHint(controlErrorMessage(body), hint))}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var out bytes.Buffer // written only once the whole answer is known to be JSON
	if writeJSON(&out, body) != nil {
		return &exitError{code: exitFailure, err: fmt.Errorf("%s: the answer is not JSON", endpoint)}
	}
	_, err = e.stdout.Write(out.Bytes())
	return err
}

// operationLimits bound an operation read from a file before it is sent: the server's own
// bounds, so that what it would refuse is refused here with the same words.
var operationLimits = bounded.Limits{Values: mock.MaxOperationValues, Containers: mock.MaxOperationContainers, Depth: 64}

// controlErrorMessage extracts code and message from a CommunicationErrorResponse body.
func controlErrorMessage(body []byte) string {
	var er struct {
		Error struct {
			Code, Message string
			Details       []struct{ Message string }
		} `json:"error"`
	}
	if bounded.DecodeJSON(context.Background(), "the answer", body, controlAnswerLimits, &er) != nil || er.Error.Code == "" {
		return "the answer carried no error details"
	}
	if len(er.Error.Details) < 2 {
		return er.Error.Code + ": " + er.Error.Message
	}
	// Several problems: the message's head ("Invalid fixtures: 2 problems"), then each on
	// a line of its own, as serve --fixtures prints them.
	head, _, _ := strings.Cut(er.Error.Message, "; ")
	var b strings.Builder
	b.WriteString(er.Error.Code + ": " + strings.TrimSuffix(head, ".") + ":")
	for i, d := range er.Error.Details {
		if i == maxPrintedProblems {
			fmt.Fprintf(&b, "\n(and %d more)", len(er.Error.Details)-i)
			break
		}
		b.WriteString("\n" + d.Message)
	}
	return b.String()
}

// maxPrintedProblems bounds the problems of one answer printed, one a line.
const maxPrintedProblems = 20

// okStatus stands for a successful answer assembled from several pages.
type okStatus struct{}

func (okStatus) StatusCode() int { return http.StatusOK }

// statusOf guards against a nil response.
func statusOf[T any, P interface {
	*T
	answer
}](res P) answer {
	if res == nil {
		return okStatus{}
	}
	return res
}

type mockGetCmd struct {
	withExitCodes
	connectionFlags
	ID string `arg:"" name:"operation-id" help:"The operation id."`
}

// Run shows one operation.
func (c *mockGetCmd) Run(e *env) error {
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.GetOperationStateWithResponse(e.ctx, c.ID)
	return finish(e, endpoint, res, bodyOf(res, err), err)
}

type mockCreateCmd struct {
	withExitCodes
	connectionFlags
	File string `arg:"" name:"file" help:"JSON file of one operation (see examples/fixtures.yaml for the fields), or - for standard input."`
}

// Run stores the operation as given: the server validates it and names what is wrong.
func (c *mockCreateCmd) Run(e *env) error {
	body, err := readMockInput(e, c.File)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.CreateOrReplaceOperationWithBodyWithResponse(e.ctx, "application/json", bytes.NewReader(body))
	return finish(e, endpoint, res, bodyOf(res, err), err)
}

// oneOperationExample is what mock create takes.
const oneOperationExample = `{"id":"purchase_1","operationType":"purchase","timeline":[{"status":"running"},{"status":"succeeded","afterPolls":2}]}`

// checkOneOperation says, before anything is sent, what is wrong with input that is not one
// JSON operation: where its JSON breaks, or that it is a list or a fixtures file.
func checkOneOperation(name string, body []byte) error {
	trimmed := bytes.TrimSpace(body)
	var probe any
	err := bounded.DecodeJSON(context.Background(), name, trimmed, operationLimits, &probe)
	var se *json.SyntaxError
	var le *bounded.LimitError
	switch {
	case errors.As(err, &le):
		return fmt.Errorf("%w; the server refuses it too: one operation needs far fewer", err)
	case errors.As(err, &se):
		hint := ""
		if !bytes.HasPrefix(trimmed, []byte("{")) && !bytes.HasPrefix(trimmed, []byte("[")) {
			hint = "; a YAML fixtures file of many operations is for mock load (or serve --fixtures)"
		}
		return fmt.Errorf("%s is not JSON (%v, at byte %d)%s; want one operation, e.g. %s", name, se, se.Offset, hint, oneOperationExample)
	case err != nil:
		return fmt.Errorf("%s is not JSON (%v); want one operation, e.g. %s", name, err, oneOperationExample)
	}
	switch v := probe.(type) {
	case []any:
		return fmt.Errorf("%s is a list; mock create takes one operation (create each in turn, or store a fixtures file with mock load), e.g. %s", name, oneOperationExample)
	case map[string]any:
		if _, ok := v["operations"]; ok {
			return fmt.Errorf("%s is a fixtures file (an operations list); mock create takes one operation, e.g. %s; mock load stores a fixtures file", name, oneOperationExample)
		}
		return nil
	}
	return fmt.Errorf("%s is not an operation; want one, e.g. %s", name, oneOperationExample)
}

// readMockInput reads one JSON operation (readMockFile), checked before it is sent.
func readMockInput(e *env, name string) ([]byte, error) {
	body, err := readMockFile(e, name)
	if err != nil {
		return nil, err
	}
	return body, checkOneOperation(name, body)
}

// readMockFile reads a bounded document from a regular file or standard input; both
// reads end with the command's context (SIGINT, SIGTERM).
func readMockFile(e *env, name string) ([]byte, error) {
	var body []byte
	var err error
	if name == "-" {
		body, err = readAllContext(e.ctx, e.stdin, maxMockInput)
		if err != nil && e.ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted while reading standard input: %w", err)
		}
		if err == nil && len(body) > maxMockInput {
			err = fmt.Errorf("standard input is larger than %d bytes", maxMockInput)
		}
	} else {
		// A regular file only, opened non-blocking and checked on the open file: a FIFO
		// swapped in after a stat would otherwise block the open.
		body, err = safefile.ReadFile(e.ctx, name, maxMockInput)
	}
	return body, err
}

type mockLoadCmd struct {
	withExitCodes
	connectionFlags
	File string `arg:"" name:"file" help:"Fixtures file (YAML or JSON: operations and a list, the fields of examples/fixtures.yaml; top-level faults are read by serve at start-up only and refused here), or - for standard input."`
}

// Run sends the fixtures as they are: the server validates all of them (naming each
// problem with its line) before it stores any.
func (c *mockLoadCmd) Run(e *env) error {
	body, err := readMockFile(e, c.File)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.LoadFixturesWithBodyWithResponse(e.ctx, "application/yaml", bytes.NewReader(body))
	return finish(e, endpoint, res, bodyOf(res, err), err)
}

type mockDeleteCmd struct {
	withExitCodes
	connectionFlags
	ID string `arg:"" name:"operation-id" help:"The operation id."`
}

// Run removes the operation.
func (c *mockDeleteCmd) Run(e *env) error {
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.DeleteOperationWithResponse(e.ctx, c.ID)
	if err := finish(e, endpoint, res, bodyOf(res, err), err); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: deleted\n", textutil.Printable(c.ID, false))
	return nil
}

type mockResetCmd struct {
	withExitCodes
	connectionFlags
}

// Run resets the mock.
func (c *mockResetCmd) Run(e *env) error {
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.ResetWithResponse(e.ctx)
	if err := finish(e, endpoint, res, bodyOf(res, err), err); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "reset: the start-up operations are back, the journal is empty")
	return nil
}

type mockJournalCmd struct {
	withExitCodes
	connectionFlags
	Clear  bool `help:"Clear the journal instead of printing it."`
	Follow bool `short:"f" help:"Print each request as it is recorded, one JSON object a line, until interrupted (Ctrl-C): the journal's event stream, signed with the key."`
}

// Run prints, follows or clears the journal.
func (c *mockJournalCmd) Run(e *env) error {
	if c.Follow {
		if c.Clear {
			return &exitError{code: exitUsage, err: errors.New("--follow and --clear do not go together")}
		}
		return c.followJournal(e)
	}
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if c.Clear {
		res, err := cl.ClearJournalWithResponse(e.ctx)
		return finish(e, endpoint, res, bodyOf(res, err), err)
	}
	res, err := cl.GetJournalWithResponse(e.ctx, nil)
	return finish(e, endpoint, res, bodyOf(res, err), err)
}

// bodyOf returns a generated response's raw body.
func bodyOf(res interface{ StatusCode() int }, err error) []byte {
	if err != nil || res == nil {
		return nil
	}
	switch r := res.(type) {
	case *controlclient.GetOperationStateResponse:
		return r.Body
	case *controlclient.CreateOrReplaceOperationResponse:
		return r.Body
	case *controlclient.LoadFixturesResponse:
		return r.Body
	case *controlclient.DeleteOperationResponse:
		return r.Body
	case *controlclient.ResetResponse:
		return r.Body
	case *controlclient.GetJournalResponse:
		return r.Body
	case *controlclient.ClearJournalResponse:
		return r.Body
	}
	return nil
}

type mockVerifyCmd struct {
	connectionFlags
	Operation string    `help:"Only requests for this operation id." placeholder:"ID"`
	Method    string    `help:"Only requests with this method (GET, DELETE, any case: sent upper-case, as methods are on the wire)."`
	Status    *int      `help:"Only requests answered with this status; 0 for the requests a fault dropped (the journal records them with status 0)."`
	Since     time.Time `help:"Only requests received at or after this time (RFC 3339, as the journal prints them)." placeholder:"TIME"`
	Count     *int      `help:"Exactly this many must match." xor:"n"`
	AtLeast   *int      `name:"at-least" help:"At least this many must match (default 1)." xor:"n"`
}

// Help lists verify's exit codes.
func (mockVerifyCmd) Help() string {
	return "Exit codes: 0 as many recorded requests match as asked; 1 another number does (or the server answered an error or could not be reached); 2 usage error."
}

// Run asks the journal for the matching requests and compares their number, printing them.
func (c *mockVerifyCmd) Run(e *env) error {
	if (c.Count != nil && *c.Count < 0) || (c.AtLeast != nil && *c.AtLeast < 0) {
		return &exitError{code: exitUsage, err: errors.New("--count and --at-least must not be negative")}
	}
	if c.Status != nil && *c.Status != 0 && (*c.Status < 100 || *c.Status > 599) {
		return &exitError{code: exitUsage, err: fmt.Errorf("--status %d is not an HTTP status (100 to 599), nor 0 for the requests a fault dropped", *c.Status)}
	}
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	res, err := cl.GetJournalWithResponse(e.ctx, c.query().Params())
	if err != nil || res.JSON200 == nil {
		var body []byte
		if res != nil {
			body = res.Body
		}
		return finish(e, endpoint, statusOf(res), body, err)
	}
	got := len(res.JSON200.Entries)
	for _, en := range res.JSON200.Entries {
		q := ""
		if en.Query != nil && *en.Query != "" {
			q = "?" + *en.Query
		}
		fmt.Fprintf(e.stdout, "%s %s %s%s -> %d\n", en.Time.Format(time.RFC3339Nano), textutil.Printable(en.Method, false), textutil.Printable(en.Path, false), textutil.Printable(q, false), en.Status)
	}
	want, ok := "at least 1", got >= 1
	switch {
	case c.Count != nil:
		want, ok = fmt.Sprintf("exactly %d", *c.Count), got == *c.Count
	case c.AtLeast != nil:
		want, ok = fmt.Sprintf("at least %d", *c.AtLeast), got >= *c.AtLeast
	}
	if !ok {
		return &exitError{code: exitFailure, err: fmt.Errorf("%s match %s, want %s (the journal keeps the most recent ones)", requestCount(got), c.query(), want)}
	}
	fmt.Fprintf(e.stderr, "phonenumbers: %s match %s (%s)\n", requestCount(got), c.query(), want)
	return nil
}

// requestCount writes n recorded requests, in the singular for one.
func requestCount(n int) string {
	if n == 1 {
		return "1 recorded request"
	}
	return fmt.Sprintf("%d recorded requests", n)
}

// query is what verify asks the journal for. --status 0 is a status asked for (the
// requests a fault dropped), not an unset flag; the method is upper-cased, as HTTP
// methods are on the wire, so that --method get matches whatever the server compares.
func (c *mockVerifyCmd) query() mock.JournalQuery {
	q := mock.JournalQuery{Operation: c.Operation, Method: strings.ToUpper(c.Method), Since: c.Since}
	if c.Status != nil {
		q.Status, q.Dropped = *c.Status, *c.Status == 0
	}
	return q
}
