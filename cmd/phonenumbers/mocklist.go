package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
)

// mockTimeout bounds each control-API command as a whole: every request it sends, and
// every page `mock list` follows (it was per request: 200 pages could take 200 minutes).
const mockTimeout = time.Minute

// maxListPages bounds the pages `mock list` follows: a store holds at most a few tens of
// thousands of operations, so a server that keeps sending nextLink is not one to trust.
const maxListPages = 200

// maxListBytes bounds the bytes of all the pages `mock list` reads and prints: the whole
// default store (10,000 operations) is a few MiB.
const maxListBytes = 64 << 20

// maxPageItems bounds the operations read from one page: the control API sends at most
// mock.MaxListLimit. Each is kept as its JSON text only until it is printed: a 4 MiB page
// of {} once decoded into 1.4 million structs.
const maxPageItems = mock.MaxListLimit

// listedOperationLimits bound one operation of a page before it is printed: its state
// holds the operation as stored (at most mock.MaxOperationValues values, 64 levels) and its
// current answer derived from it, one level down each. Indenting and escaping it for the
// terminal cost per value: one operation whose "current" was a list of 10 million {} took
// 655 MB.
var listedOperationLimits = bounded.Limits{Values: 3 * mock.MaxOperationValues, Depth: 66}

// errTooManyBytes stops a listing past maxListBytes; page words it.
var errTooManyBytes = errors.New("the pages add up to more than maxListBytes")

type mockListCmd struct {
	withExitCodes
	connectionFlags
}

// Run prints every page as it arrives, as one JSON document {"operations": [...]}, within
// mockTimeout for the whole listing.
func (c *mockListCmd) Run(e *env) error {
	cl, endpoint, err := c.controlClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	ctx, cancel := context.WithTimeout(e.ctx, mockTimeout)
	defer cancel()
	l := &lister{out: e.stdout, endpoint: endpoint, seen: map[string]bool{}}
	err = l.run(ctx, func(ctx context.Context, params *control.ListOperationsParams) (*http.Response, error) {
		return cl.ListOperations(ctx, params)
	})
	if errors.Is(err, context.DeadlineExceeded) && e.ctx.Err() == nil {
		err = fmt.Errorf("%s: listing timed out after %s (%d pages read)", endpoint, mockTimeout, l.pages)
	}
	return err
}

// lister follows the pages of a listing and prints their operations as they come.
type lister struct {
	out      io.Writer
	endpoint string          // as messages show it
	seen     map[string]bool // the after of every page asked for
	pages    int             // pages read
	bytes    int64           // bytes of the pages read
	printed  int             // operations printed
}

// listPage sends one page's request.
type listPage func(ctx context.Context, params *control.ListOperationsParams) (*http.Response, error)

// run asks for every page in turn and closes the document once the last one is printed.
func (l *lister) run(ctx context.Context, get listPage) error {
	params := &control.ListOperationsParams{}
	for {
		if l.pages == maxListPages {
			return l.fail(fmt.Errorf("more than %d pages of operations; stopped", maxListPages))
		}
		next, err := l.page(ctx, get, params)
		if err != nil {
			return err
		}
		after, ok := nextAfter(next)
		if !ok {
			return l.close()
		}
		if l.seen[after] {
			return l.fail(fmt.Errorf("the next page starts after %s again: the server's paging goes round; stopped", textutil.QuoteID(after)))
		}
		l.seen[after] = true // at most maxListPages
		params = &control.ListOperationsParams{After: &after}
	}
}

// page reads one page, printing its operations, and returns its nextLink.
func (l *lister) page(ctx context.Context, get listPage, params *control.ListOperationsParams) (*string, error) {
	res, err := get(ctx, params)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err() // Run words the deadline
	}
	if err != nil {
		return nil, &exitError{code: exitFailure, err: fmt.Errorf("%s: %w", l.endpoint, describeError(err))}
	}
	defer res.Body.Close()
	l.pages++
	if res.StatusCode != http.StatusOK {
		body, err := io.ReadAll(res.Body) // bounded by the transport (maxControlAnswerBytes)
		return nil, finish(&env{stdout: io.Discard}, l.endpoint, statusCode(res.StatusCode), body, err)
	}
	counted := &countingReader{r: res.Body, n: &l.bytes}
	next, err := l.decodePage(json.NewDecoder(counted))
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if errors.Is(err, errTooManyBytes) || (err != nil && l.bytes > maxListBytes) {
		return nil, l.fail(fmt.Errorf("the pages of operations add up to more than %d MiB; stopped (a store that large is for the control API's pages, limit and after)", maxListBytes>>20))
	}
	if err != nil {
		return nil, l.fail(err)
	}
	return next, nil
}

// decodePage reads {"operations": [...], "nextLink": "..."} token by token, printing each
// operation as it is read and keeping none; other keys are skipped.
func (l *lister) decodePage(dec *json.Decoder) (*string, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var next *string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, notAPage(err)
		}
		switch key {
		case "operations":
			if err := l.decodeOperations(dec); err != nil {
				return nil, err // worded there
			}
			continue
		case "nextLink":
			err = dec.Decode(&next)
		default:
			var skip json.RawMessage // its text only, never values
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, notAPage(err)
		}
	}
	return next, nil
}

// decodeOperations prints the operations of one page's list, at most maxPageItems.
func (l *lister) decodeOperations(dec *json.Decoder) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for n := 0; dec.More(); n++ {
		if n == maxPageItems {
			return fmt.Errorf("a page lists more than %d operations, the most the control API sends; stopped", maxPageItems)
		}
		if l.bytes > maxListBytes {
			return errTooManyBytes
		}
		var op json.RawMessage
		if err := dec.Decode(&op); err != nil {
			return notAPage(err)
		}
		if err := bounded.CheckJSON(context.Background(), fmt.Sprintf("operation %d of the page", n+1), op, listedOperationLimits); err != nil {
			return err
		}
		if err := l.print(op); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return notAPage(err)
	}
	return nil
}

// print writes one operation into the document, opening it before the first.
func (l *lister) print(op json.RawMessage) error {
	sep := ",\n"
	if l.printed == 0 {
		sep = "{\n\"operations\": [\n"
	}
	l.printed++
	if _, err := io.WriteString(l.out, sep); err != nil {
		return err
	}
	return writeJSON(trimNewline{l.out}, op)
}

// close ends the document (an empty list when nothing was printed).
func (l *lister) close() error {
	if l.printed == 0 {
		_, err := io.WriteString(l.out, "{\n\"operations\": []\n}\n")
		return err
	}
	_, err := io.WriteString(l.out, "\n]\n}\n")
	return err
}

// fail is the command's failure, naming the endpoint.
func (l *lister) fail(err error) error {
	return &exitError{code: exitFailure, err: fmt.Errorf("%s: %w", l.endpoint, err)}
}

// expectDelim reads the next token and checks it is d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return notAPage(err)
	}
	if tok != d {
		return fmt.Errorf("the answer is not a page of operations (got %s where %s belongs)", textutil.Truncate(fmt.Sprint(tok), 32), d)
	}
	return nil
}

// notAPage words a decoding error of a page.
func notAPage(err error) error {
	return fmt.Errorf("the answer is not a page of operations: %w", err)
}

// countingReader adds what it reads to *n.
type countingReader struct {
	r io.Reader
	n *int64
}

// Read reads and counts.
func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	*c.n += int64(k)
	return k, err
}

// trimNewline drops the newline writeJSON ends with: the lister writes separators itself.
type trimNewline struct{ w io.Writer }

// Write writes p without its final newline.
func (t trimNewline) Write(p []byte) (int, error) {
	n := len(p)
	if n > 0 && p[n-1] == '\n' {
		p = p[:n-1]
	}
	_, err := t.w.Write(p)
	return n, err
}

// statusCode is an answer of a bare status.
type statusCode int

// StatusCode returns the status.
func (s statusCode) StatusCode() int { return int(s) }

// nextAfter reads the after parameter of a nextLink.
func nextAfter(link *string) (string, bool) {
	if link == nil || *link == "" {
		return "", false
	}
	u, err := url.Parse(*link)
	if err != nil || u.Query().Get("after") == "" {
		return "", false
	}
	return u.Query().Get("after"), true
}
