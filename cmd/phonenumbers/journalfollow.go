package main

import (
	"bufio"
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
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/controlclient"
)

// Bounds of `mock journal --follow`: an event line (a journal stream's events are one line
// of at most 100 entries, well under 1 MiB), and how long to wait for an answer's headers.
const (
	maxEventLine         = 8 << 20
	followHeaderTimeout  = 30 * time.Second
	followMaxReconnectIn = 10 * time.Second
)

// followJournal prints each journal entry as it is recorded, one JSON object a line, from
// GET /mock/journal/events, reconnecting with the last event id when a stream ends (the
// server ends them after a while), until the command is interrupted (exit 0).
func (c *mockJournalCmd) followJournal(e *env) error {
	cl, endpoint, err := c.streamClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	cursor, pause := "", 500*time.Millisecond
	for e.ctx.Err() == nil {
		var params control.FollowJournalParams
		if cursor != "" {
			params.After = &cursor
		}
		res, err := cl.FollowJournal(e.ctx, &params)
		switch {
		case e.ctx.Err() != nil:
			return nil
		case err != nil:
			fmt.Fprintf(e.stderr, "phonenumbers: %s: %v; reconnecting in %s\n", endpoint, describeError(err), pause)
		case res.StatusCode != http.StatusOK:
			body, _ := io.ReadAll(io.LimitReader(res.Body, maxControlAnswerBytes))
			res.Body.Close()
			return &exitError{code: exitFailure, err: fmt.Errorf("%s: HTTP %d %s", endpoint, res.StatusCode,
				withHint(controlErrorMessage(body), answerHint(res.StatusCode, strings.HasPrefix(endpoint, "http://"), body)))}
		default:
			cursor, err = printEvents(e, res.Body, cursor)
			res.Body.Close()
			if e.ctx.Err() != nil {
				return nil
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "phonenumbers: %s: %v; reconnecting in %s\n", endpoint, err, pause)
			} else {
				pause = 500 * time.Millisecond // a stream that ended as streams do
			}
		}
		select {
		case <-e.ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, followMaxReconnectIn)
	}
	return nil
}

// printEvents prints the entries of one stream's events and returns the last event id.
func printEvents(e *env, body io.Reader, cursor string) (string, error) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	event, data := "", []byte(nil)
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0: // the end of an event
			if err := printEvent(e, event, data); err != nil {
				return cursor, err
			}
			event, data = "", nil
		case bytes.HasPrefix(line, []byte("id: ")):
			cursor = string(line[4:])
		case bytes.HasPrefix(line, []byte("event: ")):
			event = string(line[7:])
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data[:0], line[6:]...)
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return cursor, fmt.Errorf("an event line is longer than %d bytes", maxEventLine)
	}
	return cursor, sc.Err()
}

// printEvent prints an entries event's entries, one JSON object a line, and says on stderr
// when the journal was cleared or could not be read.
func printEvent(e *env, event string, data []byte) error {
	switch event {
	case "entries":
		var j control.Journal
		if err := bounded.DecodeJSON(context.Background(), "an event", data, controlAnswerLimits, &j); err != nil {
			return err
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		for _, entry := range j.Entries {
			if err := enc.Encode(entry); err != nil {
				return err
			}
		}
		_, err := e.stdout.Write(out.Bytes())
		return err
	case "clear":
		fmt.Fprintln(e.stderr, "phonenumbers: the journal starts afresh (cleared, or the server restarted)")
	case "error":
		return errors.New("the server could not read its journal: " + controlErrorMessage(data))
	}
	return nil
}

// streamClient is controlClient for a stream: no deadline for the whole answer (it lasts
// as long as it is followed), a deadline for its headers, and the answer not read whole.
func (f *connectionFlags) streamClient(ctx context.Context) (*controlclient.Client, string, error) {
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
	if tr, ok := hc.Transport.(*http.Transport); ok {
		tr.ResponseHeaderTimeout = followHeaderTimeout
	}
	var doer controlclient.HttpRequestDoer = hc
	if t.auth == authKey {
		if doer, err = controlclient.NewSigningDoer(t.key, hc); err != nil {
			return nil, "", err
		}
	}
	c, err := controlclient.NewClient(strings.TrimRight(t.endpoint, "/"), controlclient.WithHTTPClient(doer))
	return c, netutil.RedactEndpoint(t.endpoint), err
}
