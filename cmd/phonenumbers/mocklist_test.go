package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
)

// pageResponse is a 200 answer carrying body.
func pageResponse(body string) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}}
}

// TestMockListStreamsPages (issue 21, item 6): each page is printed as it arrives (all 200
// pages used to be kept before printing), the output is one JSON document, and a page that
// never comes ends with the command's deadline.
func TestMockListStreamsPages(t *testing.T) {
	var out bytes.Buffer
	sawEarlierPages := make(chan bool, 1)
	get := func(ctx context.Context, params *control.ListOperationsParams) (*http.Response, error) {
		switch {
		case params.After == nil:
			return pageResponse(`{"operations":[{"operation":{"id":"a"}},{"operation":{"id":"b"}}],"nextLink":"http://x/mock/operations?after=b"}`), nil
		case *params.After == "b":
			return pageResponse(`{"nextLink":"http://x/mock/operations?after=c","operations":[{"operation":{"id":"c"}}]}`), nil
		}
		// The third page stalls: what came before must be out already.
		sawEarlierPages <- strings.Contains(out.String(), `"c"`) && strings.Contains(out.String(), `"a"`)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	l := &lister{out: &out, endpoint: "http://x", seen: map[string]bool{}}
	err := l.run(ctx, get)
	if !<-sawEarlierPages {
		t.Errorf("pages were not printed as they came:\n%s", out.String())
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the deadline", err)
	}

	// Pages that end: one valid document.
	out.Reset()
	l = &lister{out: &out, endpoint: "http://x", seen: map[string]bool{}}
	err = l.run(context.Background(), func(_ context.Context, params *control.ListOperationsParams) (*http.Response, error) {
		if params.After == nil {
			return pageResponse(`{"operations":[{"operation":{"id":"a"}}],"nextLink":"http://x/mock/operations?after=a"}`), nil
		}
		return pageResponse(`{"operations":[{"operation":{"id":"b"}}],"extra":[{},{}]}`), nil
	})
	var doc struct {
		Operations []json.RawMessage `json:"operations"`
	}
	if err != nil || json.Unmarshal(out.Bytes(), &doc) != nil || len(doc.Operations) != 2 {
		t.Fatalf("err %v, output not one document of 2 operations:\n%s", err, out.String())
	}
}

// TestMockListBoundsEachPage (issue 21, item 6): a 4 MiB page of {} (1.4 million structs
// once decoded; out of memory after 4 pages) stops at the control API's page size,
// without decoding the page.
func TestMockListBoundsEachPage(t *testing.T) {
	page := `{"operations":[` + strings.Repeat("{},", 4<<20/3) + `{}],"nextLink":"/mock/operations?after=again"}`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, page)
	}))
	defer ts.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, stdout, stderr := runCLI(t, "mock", "list", "--endpoint", ts.URL)
	runtime.ReadMemStats(&after)
	if code != exitFailure || !strings.Contains(stderr, "more than 1000 operations") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if n := strings.Count(stdout, "{}"); n != 1000 {
		t.Errorf("%d operations printed before stopping, want 1000", n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
		t.Errorf("allocated %d MiB", alloc>>20)
	}
}
