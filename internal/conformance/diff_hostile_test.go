package conformance

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// repeatedExchanges returns the two operation polls of diffRecording n times over.
func repeatedExchanges(t *testing.T, n int) []Exchange {
	t.Helper()
	exs, err := ParseRecording("diff.json", []byte(diffRecording))
	if err != nil {
		t.Fatal(err)
	}
	var out []Exchange
	for range n {
		out = append(out, exs[:2]...)
	}
	return out
}

// TestDiffHostileServer replays against servers that answer the first request as
// recorded and the next ones with something hostile: each run ends in time, with the
// exchange counted and the report bounded.
func TestDiffHostileServer(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	tests := []struct {
		name    string
		hostile func(conn net.Conn, done <-chan struct{})
		check   func(t *testing.T, rep *DiffReport)
	}{
		{"huge header", func(conn net.Conn, _ <-chan struct{}) {
			_, _ = conn.Write([]byte(head + "X-Big: " + strings.Repeat("a", 1<<20) + "\r\n\r\n"))
		}, func(t *testing.T, rep *DiffReport) {
			if rep.Exchanges.Failed != 1 || len(rep.Errors) != 1 {
				t.Errorf("exchanges %+v, errors %+v: want the huge head refused", rep.Exchanges, rep.Errors)
			}
		}},
		{"10,000 extra headers", func(conn net.Conn, _ <-chan struct{}) {
			var b strings.Builder
			b.WriteString(head)
			for i := range 10_000 {
				fmt.Fprintf(&b, "X-Extra-%d: v\r\n", i)
			}
			b.WriteString("Content-Length: 2\r\n\r\n{}")
			_, _ = conn.Write([]byte(b.String()))
		}, func(t *testing.T, rep *DiffReport) {
			if rep.Exchanges.Failed != 1 || len(rep.Extra) != 0 {
				t.Errorf("exchanges %+v, extra %d: want the 150 KB head refused", rep.Exchanges, len(rep.Extra))
			}
		}},
		{"5,000 short extra headers", func(conn net.Conn, _ <-chan struct{}) {
			var b strings.Builder
			b.WriteString(head)
			for i := range 5_000 {
				fmt.Fprintf(&b, "h%d:1\r\n", i)
			}
			b.WriteString("Content-Length: 2\r\n\r\n{}")
			_, _ = conn.Write([]byte(b.String()))
		}, func(t *testing.T, rep *DiffReport) {
			if rep.Exchanges.Answered != 2 || len(rep.Extra) != MaxDiffExtra || rep.ExtraUnlisted != 5_000-MaxDiffExtra {
				t.Errorf("exchanges %+v, extra %d listed and %d not: want %d and %d", rep.Exchanges, len(rep.Extra), rep.ExtraUnlisted, MaxDiffExtra, 5_000-MaxDiffExtra)
			}
		}},
		{"endless body", func(conn net.Conn, done <-chan struct{}) {
			_, _ = conn.Write([]byte(head + "\r\n"))
			chunk := []byte(strings.Repeat("x", 64<<10))
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := conn.Write(chunk); err != nil {
					return
				}
			}
		}, func(t *testing.T, rep *DiffReport) {
			if rep.Exchanges.Answered != 2 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "limit") {
				t.Errorf("exchanges %+v, errors %+v: want the body cut at the limit", rep.Exchanges, rep.Errors)
			}
		}},
		{"trickled body", func(conn net.Conn, done <-chan struct{}) {
			_, _ = conn.Write([]byte(head + "\r\n"))
			for {
				select {
				case <-done:
					return
				case <-time.After(10 * time.Millisecond):
				}
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}, func(t *testing.T, rep *DiffReport) {
			if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "did not end within") {
				t.Errorf("errors %+v: want the body timed out", rep.Errors)
			}
		}},
		{"stall", func(_ net.Conn, done <-chan struct{}) { <-done }, func(t *testing.T, rep *DiffReport) {
			if rep.Exchanges.Failed != 1 || !strings.Contains(rep.Errors[0].Error, "no answer within") {
				t.Errorf("exchanges %+v, errors %+v", rep.Exchanges, rep.Errors)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exs := repeatedExchanges(t, 1)
			ops := operationExchanges(exs)
			srv := newRawServer(t, nil, func(n int, _ *http.Request, conn net.Conn, done <-chan struct{}) {
				if n == 0 {
					recordedAnswer(ops[0]).write(conn)
					return
				}
				tt.hostile(conn, done)
			})
			start := time.Now()
			rep, err := Diff(context.Background(), srv.URL, exs, &DiffOptions{RequestTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
			if rep.Totals.Items != 22 || rep.Totals.Reproduced > 11+6 {
				t.Errorf("totals %+v", rep.Totals)
			}
			tt.check(t, rep)
		})
	}
}

// TestDiffStopsAfterFailuresInARow stops sending after three exchanges in a row got no
// answer, and counts the rest as not sent; a server silent from the start is a
// *ConnectionError after one timeout.
func TestDiffStopsAfterFailuresInARow(t *testing.T) {
	exs := repeatedExchanges(t, 5) // 10 operation exchanges
	ops := operationExchanges(exs)
	srv := newRawServer(t, nil, func(n int, _ *http.Request, conn net.Conn, done <-chan struct{}) {
		if n == 0 {
			recordedAnswer(ops[0]).write(conn)
			return
		}
		<-done
	})
	start := time.Now()
	rep, err := Diff(context.Background(), srv.URL, exs, &DiffOptions{RequestTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s, want about 0.6 s", d)
	}
	if rep.Exchanges != (DiffExchanges{Recorded: 10, Replayed: 10, Answered: 1, Failed: 3, NotSent: 6}) {
		t.Errorf("exchanges %+v", rep.Exchanges)
	}
	if rep.Totals.Items != 110 || rep.Totals.Reproduced != 11 || len(rep.Errors) != 4 {
		t.Errorf("totals %+v, errors %+v", rep.Totals, rep.Errors)
	}

	silent := newRawServer(t, nil, func(_ int, _ *http.Request, _ net.Conn, done <-chan struct{}) { <-done })
	start = time.Now()
	_, err = Diff(context.Background(), silent.URL, exs, &DiffOptions{RequestTimeout: 200 * time.Millisecond})
	var ce *ConnectionError
	if !errors.As(err, &ce) || time.Since(start) > 2*time.Second {
		t.Errorf("silent server: %v after %s, want a *ConnectionError at once", err, time.Since(start))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = Diff(ctx, srv.URL, exs, &DiffOptions{RequestTimeout: time.Minute, MaxConsecutiveErrors: -1})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled run: %v, want the context's error", err)
	}
}

// TestDiffBoundsTheReport keeps the rows and the mismatches bounded whatever the
// recordings hold: 300 header names and 300 body fields, none reproduced (601 items
// with the field order).
func TestDiffBoundsTheReport(t *testing.T) {
	var hs, fs []string
	for i := range 300 {
		hs = append(hs, fmt.Sprintf(`"X-H%d":"v"`, i))
		fs = append(fs, fmt.Sprintf(`"f%d":%d`, i, i))
	}
	rec := `{"entries":[{"method":"GET","url":"https://e/phoneNumbers/operations/x?api-version=2022-12-01","status":200,
	  "responseHeaders":{` + strings.Join(hs, ",") + `},"responseBody":{` + strings.Join(fs, ",") + `}}]}`
	exs, err := ParseRecording("big.json", []byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	srv := newRawServer(t, nil, func(_ int, _ *http.Request, conn net.Conn, _ <-chan struct{}) {
		answer{status: 200, body: []byte(`{}`)}.write(conn)
	})
	rep, err := Diff(context.Background(), srv.URL, exs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Headers) != MaxDiffRows || rep.OtherHeaders == nil || rep.OtherHeaders.Recorded != 100 {
		t.Errorf("%d header rows, other %+v", len(rep.Headers), rep.OtherHeaders)
	}
	if len(rep.Fields) != MaxDiffRows || rep.OtherFields == nil || rep.OtherFields.Recorded != 100 {
		t.Errorf("%d field rows, other %+v", len(rep.Fields), rep.OtherFields)
	}
	if len(rep.Mismatches) != MaxDiffMismatches || rep.MismatchesUnlisted != 601-MaxDiffMismatches {
		t.Errorf("%d mismatches listed, %d not", len(rep.Mismatches), rep.MismatchesUnlisted)
	}
}
