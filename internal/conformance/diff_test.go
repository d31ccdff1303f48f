package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

// operationExchanges returns the exchanges Diff replays, in order.
func operationExchanges(exs []Exchange) []*Exchange {
	var out []*Exchange
	for i := range exs {
		if IsOperationExchange(&exs[i]) {
			out = append(out, &exs[i])
		}
	}
	return out
}

// TestDiffRecordedTrafficEchoedExactly replays every recorded operation GET against a
// server that answers each with its recorded answer, names spelled as recorded: every
// item is reproduced byte for byte.
func TestDiffRecordedTrafficEchoedExactly(t *testing.T) {
	exs, err := ReadRecordings(recordingsDir)
	if err != nil {
		t.Fatal(err)
	}
	ops := operationExchanges(exs)
	srv := replayServer(t, ops, recordedAnswer)
	rep, err := Diff(context.Background(), srv.URL, exs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Exchanges.Replayed != 151 || rep.Exchanges.Answered != 151 || rep.Exchanges.Recorded != len(exs) {
		t.Errorf("exchanges %+v, want 151 replayed and answered of %d", rep.Exchanges, len(exs))
	}
	// Every item is exact but those recorded as placeholders (sanitized, REDACTED): their
	// values were never compared.
	placeholders := 0
	for _, h := range rep.Headers {
		placeholders += h.Placeholder
		if h.Exact != h.Recorded-h.Placeholder {
			t.Errorf("header row %+v: want every item exact but the placeholders", h)
		}
	}
	for _, f := range rep.Fields {
		placeholders += f.Placeholder
		if f.Exact != f.Recorded-f.Placeholder {
			t.Errorf("field row %+v: want every item exact but the placeholders", f)
		}
	}
	if rep.Totals.Items < 1500 || rep.Totals.Reproduced != rep.Totals.Items || placeholders == 0 || rep.Totals.Exact != rep.Totals.Items-placeholders {
		t.Errorf("totals %+v, want every item reproduced and all but the %d placeholders exact", rep.Totals, placeholders)
	}
	if rep.Totals.ReproducedShare != 1 || rep.Totals.ExactShare >= 1 {
		t.Errorf("shares %v %v, want 1 and below 1", rep.Totals.ReproducedShare, rep.Totals.ExactShare)
	}
	for _, m := range append(rep.Mismatches, rep.Inexact...) {
		t.Errorf("mismatch %+v", m)
	}
	if len(rep.Extra) != 0 || len(rep.Errors) != 0 {
		t.Errorf("extra %v, errors %v: want none", rep.Extra, rep.Errors)
	}
	// Names are rows as recorded: both spellings of MS-CV are there, and the sanitized
	// Dates count as placeholders.
	rows := map[string]DiffHeaderStat{}
	for _, h := range rep.Headers {
		rows[h.Name] = h
	}
	if rows["MS-CV"].Recorded != 147 || rows["ms-cv"].Recorded != 4 || rows["Date"].Placeholder == 0 {
		t.Errorf("rows MS-CV %+v, ms-cv %+v, Date %+v", rows["MS-CV"], rows["ms-cv"], rows["Date"])
	}
	if _, ok := rows["Transfer-Encoding"]; ok {
		t.Error("Transfer-Encoding was compared; framing headers are not")
	}
	if len(rep.Statuses) != 1 || rep.Statuses[0] != (DiffStatusStat{Status: 200, Recorded: 151, Reproduced: 151}) {
		t.Errorf("statuses %+v", rep.Statuses)
	}
	if rep.FieldOrder != (DiffItemStat{Recorded: 151, Reproduced: 151}) {
		t.Errorf("field order %+v", rep.FieldOrder)
	}
}

// diffRecording is a small recording of two polls of one operation.
const diffRecording = `{"entries":[
 {"method":"GET","url":"https://endpoint/phoneNumbers/operations/op1?api-version=2022-12-01","status":200,
  "requestHeaders":{"Accept":"application/json","Authorization":"Sanitized","x-ms-date":"Fri, 06 Jan 2023 17:31:38 GMT","x-ms-client-request-id":"c1"},
  "responseHeaders":{"api-supported-versions":"2022-12-01","Content-Type":"application/json; charset=utf-8","Date":"Fri, 06 Jan 2023 17:31:36 GMT",
   "MS-CV":"Tw+7Eu3v+EWrIY7rphDMjQ.0","X-Processing-Time":"459ms","Transfer-Encoding":"chunked","Location":"sanitized"},
  "responseBody":{"id":"op1","status":"running","createdDateTime":"2023-01-06T17:31:35.8833059+00:00"}},
 {"method":"GET","url":"https://endpoint/phoneNumbers/operations/op1?api-version=2022-12-01","status":200,
  "responseHeaders":{"api-supported-versions":"2022-12-01","Content-Type":"application/json; charset=utf-8","Date":"Fri, 06 Jan 2023 17:31:39 GMT",
   "MS-CV":"VoHsaS+EZ0CeewmZ6wctjQ.0","X-Processing-Time":"572ms","Transfer-Encoding":"chunked","Location":"sanitized"},
  "responseBody":{"id":"op1","status":"succeeded","createdDateTime":"2023-01-06T17:31:35.8833059+00:00"}},
 {"method":"POST","url":"https://endpoint/availablePhoneNumbers/countries/US/:search?api-version=2022-12-01","status":202}
]}`

// mutate returns answerFor with its answer changed by f.
func mutate(f func(a *answer)) func(*Exchange) answer {
	return func(ex *Exchange) answer {
		a := recordedAnswer(ex)
		a.lines = append([][2]string(nil), a.lines...)
		a.body = append([]byte(nil), a.body...)
		f(&a)
		return a
	}
}

// mapLines changes every header line by f.
func mapLines(a *answer, f func(name, value string) (string, string)) {
	for i, l := range a.lines {
		a.lines[i][0], a.lines[i][1] = f(l[0], l[1])
	}
}

// TestDiffPartialShares measures servers that differ from the recording in one way each
// (and in several at once): canonical names, Z dates, URL-safe MS-CV, fresh volatile
// values, a header or the field order lost, another status.
func TestDiffPartialShares(t *testing.T) {
	canonical := func(a *answer) {
		mapLines(a, func(n, v string) (string, string) { return http.CanonicalHeaderKey(n), v })
	}
	zDates := func(a *answer) { a.body = bytes.ReplaceAll(a.body, []byte("+00:00"), []byte("Z")) }
	urlSafeCV := func(a *answer) {
		mapLines(a, func(n, v string) (string, string) {
			if n == "MS-CV" || n == "Ms-Cv" {
				v = strings.NewReplacer("+", "-", "/", "_").Replace(v)
			}
			return n, v
		})
	}
	tests := []struct {
		name              string
		answer            func(*Exchange) answer
		reproduced, exact int
		check             func(t *testing.T, rep *DiffReport)
	}{
		{"echo", recordedAnswer, 22, 20, func(t *testing.T, rep *DiffReport) {
			// Location is recorded as "sanitized" in both: reproduced (present, spelled), not
			// exact, and not listed as inexact.
			for _, h := range rep.Headers {
				if h.Name == "Location" && (h.Placeholder != 2 || h.Reproduced != 2 || h.Spelled != 2 || h.Exact != 0) {
					t.Errorf("Location row %+v: want 2 placeholders reproduced, none exact", h)
				}
			}
			if len(rep.Inexact) != 0 || len(rep.Mismatches) != 0 {
				t.Errorf("inexact %+v, mismatches %+v: want none listed", rep.Inexact, rep.Mismatches)
			}
		}},
		{"canonical names", mutate(canonical), 22, 16, func(t *testing.T, rep *DiffReport) {
			for _, h := range rep.Headers {
				want := 2
				if h.Name == "api-supported-versions" || h.Name == "MS-CV" {
					want = 0
				}
				if h.Spelled != want || h.Present != 2 || h.Reproduced != 2 {
					t.Errorf("%+v: want spelled %d, present and reproduced 2", h, want)
				}
			}
		}},
		{"Z dates", mutate(zDates), 22, 18, func(t *testing.T, rep *DiffReport) {
			if len(rep.Inexact) != 2 || rep.Inexact[0].Item != "body /createdDateTime" || rep.Inexact[0].Got != `"2023-01-06T17:31:35.8833059Z"` {
				t.Errorf("inexact %+v", rep.Inexact)
			}
		}},
		{"URL-safe MS-CV", mutate(urlSafeCV), 20, 18, func(t *testing.T, rep *DiffReport) {
			if len(rep.Mismatches) != 2 || rep.Mismatches[0].Item != "header MS-CV" || !strings.Contains(rep.Mismatches[0].Reason, "22 base64") {
				t.Errorf("mismatches %+v", rep.Mismatches)
			}
		}},
		{"canonical names, Z dates, URL-safe MS-CV", mutate(func(a *answer) { canonical(a); zDates(a); urlSafeCV(a) }), 20, 14, nil},
		{"fresh volatile values", mutate(func(a *answer) {
			mapLines(a, func(n, v string) (string, string) {
				switch n {
				case "Date":
					v = "Mon, 02 Jan 2006 15:04:05 GMT"
				case "MS-CV":
					v = "AAAAAAAAAAAAAAAAAAAAAA.12"
				case "X-Processing-Time":
					v = "1ms"
				}
				return n, v
			})
		}), 22, 14, nil},
		{"Location lost, a header added", mutate(func(a *answer) {
			mapLines(a, func(n, v string) (string, string) {
				if n == "Location" {
					return "X-Extra", "1"
				}
				return n, v
			})
		}), 20, 20, func(t *testing.T, rep *DiffReport) {
			if len(rep.Extra) != 1 || rep.Extra[0] != (DiffExtraHeader{Name: "X-Extra", Count: 2}) {
				t.Errorf("extra %+v", rep.Extra)
			}
		}},
		{"fields reordered, compact", mutate(func(a *answer) {
			var m map[string]any
			_ = json.Unmarshal(a.body, &m)
			a.body, _ = json.Marshal(m) // sorted keys: createdDateTime, id, status
		}), 20, 18, func(t *testing.T, rep *DiffReport) {
			if rep.FieldOrder != (DiffItemStat{Recorded: 2, Reproduced: 0}) {
				t.Errorf("field order %+v", rep.FieldOrder)
			}
		}},
		{"404 with an error body", mutate(func(a *answer) {
			a.status, a.body = 404, []byte(`{"error":{"code":"NotFound","message":"no"}}`)
		}), 12, 10, func(t *testing.T, rep *DiffReport) {
			if rep.Statuses[0] != (DiffStatusStat{Status: 200, Recorded: 2}) {
				t.Errorf("statuses %+v", rep.Statuses)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exs, err := ParseRecording("diff.json", []byte(diffRecording))
			if err != nil {
				t.Fatal(err)
			}
			srv := replayServer(t, operationExchanges(exs), tt.answer)
			rep, err := Diff(context.Background(), srv.URL, exs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Totals.Items != 22 || rep.Totals.Reproduced != tt.reproduced || rep.Totals.Exact != tt.exact {
				t.Errorf("totals %+v, want 22 items, %d reproduced, %d exact; mismatches %+v; inexact %+v", rep.Totals, tt.reproduced, tt.exact, rep.Mismatches, rep.Inexact)
			}
			if rep.Exchanges != (DiffExchanges{Recorded: 3, Replayed: 2, Answered: 2}) {
				t.Errorf("exchanges %+v", rep.Exchanges)
			}
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

// TestDiffSendsTheRecordedRequest checks what reaches the server: the recorded method,
// escaped path (under the endpoint's path) and query, the allow-listed recorded headers
// only, and a signature that verifies when a key is given; and that no key or signature
// reaches the report.
func TestDiffSendsTheRecordedRequest(t *testing.T) {
	const key = "c2VjcmV0LWtleS1mb3ItdGhlLWRpZmYtdGVzdA=="
	raw, _ := hmacauth.DecodeKey(key)
	verifier := hmacauth.NewVerifier(raw, time.Minute, time.Now)
	rec := `{"entries":[{"method":"GET","url":"https://endpoint/phoneNumbers/operations/a%2Fb%20c?api-version=2022-12-01&x=%41","status":200,
	  "requestHeaders":{"Accept":"application/json","Accept-Language":"fr","User-Agent":"sdk/1","x-ms-client-request-id":"c1","x-ms-return-client-request-id":"true",
	   "Authorization":"Sanitized","x-ms-date":"old","Cookie":"a=b","Accept-Encoding":"gzip"},
	  "responseHeaders":{"Content-Type":"text/plain"},"responseBody":"hello"}]}`
	exs, err := ParseRecording("req.json", []byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got *http.Request
	srv := newRawServer(t, nil, func(_ int, req *http.Request, conn net.Conn, _ <-chan struct{}) {
		mu.Lock()
		got = req
		mu.Unlock()
		answer{status: 200, lines: [][2]string{{"Content-Type", "text/plain"}}, body: []byte("hello")}.write(conn)
	})
	rep, err := Diff(context.Background(), srv.URL+"/prefix/", exs, &DiffOptions{AccessKey: key})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got.Method != http.MethodGet || got.RequestURI != "/prefix/phoneNumbers/operations/a%2Fb%20c?api-version=2022-12-01&x=%41" {
		t.Errorf("request %s %s", got.Method, got.RequestURI)
	}
	want := map[string]string{"Accept": "application/json", "Accept-Language": "fr", "User-Agent": "sdk/1", "X-Ms-Client-Request-Id": "c1", "X-Ms-Return-Client-Request-Id": "true"}
	for k, v := range want {
		if got.Header.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, got.Header.Get(k), v)
		}
	}
	for _, k := range []string{"Cookie", "Accept-Encoding"} {
		if got.Header.Get(k) != "" {
			t.Errorf("%s was sent: %q", k, got.Header.Get(k))
		}
	}
	err = verifier.Verify(hmacauth.Request{Method: got.Method, PathAndQuery: got.RequestURI, Host: got.Host, Header: got.Header})
	if err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if rep.Totals.Items != 3 || rep.Totals.Exact != 3 || rep.WholeBodies != (DiffItemStat{Recorded: 1, Reproduced: 1}) {
		t.Errorf("totals %+v, whole bodies %+v", rep.Totals, rep.WholeBodies)
	}
	var out bytes.Buffer
	_ = rep.WriteJSON(&out)
	_ = rep.WriteText(&out, nil)
	_ = rep.WriteJUnit(&out, DiffFloors{})
	sig := got.Header.Get("Authorization")
	if strings.Contains(out.String(), key) || sig == "" || strings.Contains(out.String(), sig[strings.Index(sig, "Signature=")+10:]) {
		t.Error("the report holds the key or the signature")
	}
}

// TestDiffOverHTTPS captures the header spelling below TLS.
func TestDiffOverHTTPS(t *testing.T) {
	exs, err := ParseRecording("diff.json", []byte(diffRecording))
	if err != nil {
		t.Fatal(err)
	}
	serverTLS, clientTLS := testTLS(t)
	ops := operationExchanges(exs)
	srv := newRawServer(t, serverTLS, func(n int, _ *http.Request, conn net.Conn, _ <-chan struct{}) {
		recordedAnswer(ops[min(n, len(ops)-1)]).write(conn)
	})
	rep, err := Diff(context.Background(), srv.URL, exs, &DiffOptions{TLSConfig: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Exact != 20 || rep.Totals.Items != 22 { // all but the sanitized Locations
		t.Errorf("totals %+v; inexact %+v", rep.Totals, rep.Inexact)
	}
	// Without trust in the certificate, nothing is answered.
	_, err = Diff(context.Background(), srv.URL, exs, nil)
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Errorf("untrusted certificate: %v, want a *ConnectionError", err)
	}
}

// TestDiffRefuses checks the arguments Diff refuses before sending anything.
func TestDiffRefuses(t *testing.T) {
	exs, err := ParseRecording("diff.json", []byte(diffRecording))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		endpoint string
		exs      []Exchange
		opts     *DiffOptions
		want     error
		contains string
	}{
		{"no operation exchange", "http://127.0.0.1:1", exs[2:], nil, ErrNoOperationExchanges, ""},
		{"key over plain HTTP", "http://example.com", exs, &DiffOptions{AccessKey: "a2V5"}, ErrCredentialOverHTTP, ""},
		{"not a URL", "ftp://x", exs, nil, nil, "http(s) URL"},
		{"bad key", "http://127.0.0.1:1", exs, &DiffOptions{AccessKey: "not base64!"}, nil, "base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Diff(context.Background(), tt.endpoint, tt.exs, tt.opts)
			if rep != nil || err == nil || tt.want != nil && !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("got %v, %v; want %v %q", rep, err, tt.want, tt.contains)
			}
		})
	}
}

// TestDiffUnreachable returns a *ConnectionError when the first exchange gets no answer.
func TestDiffUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	exs, _ := ParseRecording("diff.json", []byte(diffRecording))
	_, err = Diff(context.Background(), "http://"+addr, exs, nil)
	var ce *ConnectionError
	if !errors.As(err, &ce) {
		t.Errorf("got %v, want a *ConnectionError", err)
	}
}

// TestDiffFinalHead reads the final head past interim answers, with CRLF or LF lines.
func TestDiffFinalHead(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		ok       bool
	}{
		{"crlf", "HTTP/1.1 200 OK\r\nMS-CV: a\r\napi-supported-versions: b\r\n\r\nbody", []string{"MS-CV", "api-supported-versions"}, true},
		{"lf", "HTTP/1.1 200 OK\nX-A: a\n\n", []string{"X-A"}, true},
		{"interim first", "HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\nHTTP/1.1 200 OK\r\nx-late: 2\r\n\r\n", []string{"x-late"}, true},
		{"only interim", "HTTP/1.1 103 Early Hints\r\nLink: a\r\n\r\n", nil, false},
		{"no headers", "HTTP/1.1 204 No Content\r\n\r\n", nil, true},
		{"incomplete", "HTTP/1.1 200 OK\r\nX-A: a\r\n", nil, false},
		{"folded", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nX-B: c\r\n\r\n", []string{"X-A", "X-B"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &headCapture{}
			c.write([]byte(tt.in))
			names, ok := c.names()
			if ok != tt.ok || strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %q %v, want %q %v", names, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestDiffText prints the tables, the totals line and the mismatches.
func TestDiffText(t *testing.T) {
	exs, _ := ParseRecording("diff.json", []byte(diffRecording))
	srv := replayServer(t, operationExchanges(exs), mutate(func(a *answer) {
		mapLines(a, func(n, v string) (string, string) {
			if n == "MS-CV" {
				return "ms-cv", "\u202ebad"
			}
			return n, v
		})
	}))
	rep, err := Diff(context.Background(), srv.URL, exs, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep.Recordings = "diff.json"
	var b bytes.Buffer
	if err := rep.WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"reproduced 20/22 items (90.9%), byte for byte 18/22 (81.8%)", "MS-CV", "api-supported-versions", "createdDateTime",
		"(field order)", "200 ", "diff.json#1 header MS-CV: not 22 base64", `\u202ebad`} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\u202e") {
		t.Error("a bidirectional override reached the text")
	}
	if got := rep.Below(DiffFloors{MinReproduced: 0.95, MinExact: 0.8}); len(got) != 1 || !strings.Contains(got[0], "90.9%") {
		t.Errorf("Below: %q", got)
	}
	b.Reset()
	if err := rep.WriteJUnit(&b, DiffFloors{MinReproduced: 0.95}); err != nil {
		t.Fatal(err)
	}
	junit := b.String()
	for _, want := range []string{`name="header/MS-CV"`, `name="body/id"`, `name="status/200"`, `name="body-order"`, `name="total"`, `failures="2"`} {
		if !strings.Contains(junit, want) {
			t.Errorf("JUnit lacks %q:\n%s", want, junit)
		}
	}
}
