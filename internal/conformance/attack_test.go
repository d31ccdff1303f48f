package conformance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// allocated runs f and returns the bytes it allocated (garbage included): an upper bound
// of the memory it can have held.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// violationsBody is an operation whose error details each break the schema twice (an
// integer code, no message): n details are 2n violations for kin-openapi.
func violationsBody(n int) string {
	return `{"id":"search-my-operation-id","status":"failed","operationType":"search","createdDateTime":"2023-01-01T00:00:00Z",` +
		`"error":{"code":"X","message":"m","details":[` + strings.TrimSuffix(strings.Repeat(`{"code":1},`, n), ",") + `]}}`
}

// hostileOperations answers every request with body, as a 200 operation.
func hostileOperations(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Api-Supported-Versions", "2022-12-01")
		_, _ = io.WriteString(w, body)
	})
}

// TestThirdAttackReviewCheckerViolations (issue 21, item 2): a server answering 4 MiB
// bodies full of violations took 7.1 GB and 48 s over 6 requests and wrote a 1.1 GB
// report. Bodies beyond 10,000 values are reported, not validated; a result keeps 100
// violations and counts the rest.
func TestThirdAttackReviewCheckerViolations(t *testing.T) {
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    string
		wantMsg string
	}{
		{"4 MiB of violations", violationsBody(380_000), "holds more than 10000 values"},
		{"under the value bound", violationsBody(3_000), "more violations, not listed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(hostileOperations(tt.body))
			defer srv.Close()
			var rep *conformance.Report
			start := time.Now()
			alloc := allocated(func() {
				rep, err = v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: srv.URL})
			})
			if err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed > time.Minute { // a hang guard; allocation is the bound
				t.Errorf("the run took %v", elapsed)
			}
			if alloc > 500<<20 {
				t.Errorf("the run allocated %d MB", alloc>>20)
			}
			js, _ := json.Marshal(rep)
			if len(js) > 2<<20 {
				t.Errorf("the JSON report is %d bytes", len(js))
			}
			found := false
			for _, r := range rep.Results {
				if len(r.Violations) > 101 {
					t.Errorf("%s keeps %d violations", r.Name, len(r.Violations))
				}
				for _, vi := range r.Violations {
					found = found || strings.Contains(vi.Message, tt.wantMsg)
				}
			}
			if !found {
				t.Errorf("no violation says %q", tt.wantMsg)
			}
		})
	}
}

// TestThirdAttackReviewRecordingStrings (item 3): bodies inside JSON strings escaped the
// value count (a 16 MiB file took 7 GB). They are charged to the run's budget now.
func TestThirdAttackReviewRecordingStrings(t *testing.T) {
	scalars := "[" + strings.TrimSuffix(strings.Repeat("1,", 500_000), ",") + "]" // 1 MiB, 500,000 values
	entry := func(content string) string {
		return `{"request":{"method":"GET","url":"https://x/phoneNumbers/operations/a?api-version=2022-12-01","headers":[]},` +
			`"response":{"status":200,"headers":[],"content":` + content + `}}`
	}
	quoted, _ := json.Marshal(scalars)
	encoded := base64.StdEncoding.EncodeToString([]byte(scalars))
	many := func(one string, n int) string {
		return strings.TrimSuffix(strings.Repeat(one+",", n), ",")
	}
	tests := []struct {
		name string
		doc  string
	}{
		{"HAR content.text", `{"log":{"entries":[` + many(entry(`{"text":`+string(quoted)+`}`), 16) + `]}}`},
		{"HAR base64 content", `{"log":{"entries":[` + many(entry(`{"text":"`+encoded+`","encoding":"base64"}`), 12) + `]}}`},
		{"normalized responseBody string", `{"entries":[` + many(`{"method":"GET","url":"https://x/phoneNumbers/operations/a","status":200,"responseBody":`+string(quoted)+`}`, 16) + `]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "hostile.json")
			if err := os.WriteFile(path, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			var err error
			alloc := allocated(func() { _, err = conformance.ReadRecordings(path) })
			if err == nil || !strings.Contains(err.Error(), "values") {
				t.Fatalf("err = %v, want the value bound", err)
			}
			if alloc > 300<<20 {
				t.Errorf("reading allocated %d MB", alloc>>20)
			}
		})
	}
}

// TestThirdAttackReviewProxyHeaders (item 4): a client sending 58 KiB of headers made a
// 97.7 MB recording (bound 32 MiB) that conformance --recordings refused; an upstream
// sending ~9 MiB of headers grew the proxy 11 MiB an exchange. Entries are counted as
// encoded, headers are an allow-list cut to 4 values of 1 KiB, upstream headers to 64 KiB.
func TestThirdAttackReviewProxyHeaders(t *testing.T) {
	p, base := startProxy(t, referenceHandler(t, ""), conformance.ProxyOptions{MaxRecordedBytes: 1 << 20})
	h := http.Header{}
	for i := range 29 { // 58 KiB: 29 headers of 2 KiB, some allowed, some not
		h.Add("Accept", strings.Repeat("a", 2000))
		h.Add(fmt.Sprintf("X-Junk-%d", i), strings.Repeat("j", 2000))
	}
	h.Set("X-Api-Key", "sk_live_secret")
	for range 40 {
		if code, _ := get(t, http.MethodGet, base+opURL, h); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
	}
	var rec bytes.Buffer
	if err := p.WriteRecording(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Len() > 1<<20+64<<10 {
		t.Errorf("the recording is %d bytes, bound 1 MiB", rec.Len())
	}
	for _, leak := range []string{"sk_live_secret", "X-Junk", "X-Api-Key"} {
		if strings.Contains(rec.String(), leak) {
			t.Errorf("the recording holds %q", leak)
		}
	}
	if exs, err := conformance.ParseRecording("proxy.json", rec.Bytes()); err != nil || len(exs) != 40 {
		t.Errorf("the recording reads back as %d exchanges, %v", len(exs), err)
	}

	fat := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 100 {
			w.Header().Add("X-Fat", strings.Repeat(fmt.Sprint(i%10), 4000))
		}
		referenceHandler(t, "").ServeHTTP(w, r)
	})
	p2, base2 := startProxy(t, fat, conformance.ProxyOptions{})
	if code, body := get(t, http.MethodGet, base2+opURL, nil); code != http.StatusBadGateway || !strings.Contains(string(body), "upstream") {
		t.Errorf("400 KB of upstream headers: %d %s, want 502", code, body)
	}
	if _, kept := p2.Counts(); kept != 1 {
		t.Errorf("kept %d", kept)
	}
}

// TestThirdAttackReviewProxyViolations (item 5): the proxy kept every violation of every
// result, ~130 MB an exchange. A result keeps at most 101 lines, a report 10,000 in all.
func TestThirdAttackReviewProxyViolations(t *testing.T) {
	p, base := startProxy(t, hostileOperations(violationsBody(3_000)), conformance.ProxyOptions{})
	alloc := allocated(func() {
		for range 40 {
			get(t, http.MethodGet, base+opURL, nil)
		}
	})
	if alloc > 300<<20 {
		t.Errorf("40 exchanges allocated %d MB", alloc>>20)
	}
	total := 0
	for _, r := range p.Report().Results {
		if len(r.Violations) > 101 {
			t.Errorf("%s keeps %d violations", r.Name, len(r.Violations))
		}
		total += len(r.Violations)
	}
	if total > 10_001+101 {
		t.Errorf("the report keeps %d violations", total)
	}
}

// TestThirdAttackReviewProxyPaths (item 24): a dot segment reached the control API with
// the proxy's signature; encoded dots decode to the same.
func TestThirdAttackReviewProxyPaths(t *testing.T) {
	forwarded := 0
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { forwarded++ })
	_, base := startProxy(t, upstream, conformance.ProxyOptions{AccessKey: testKey})
	for _, path := range []string{
		"/phoneNumbers/operations/../../mock/reset",
		"/phoneNumbers/operations/%2e%2e/%2E%2E/mock/reset",
		"/phoneNumbers/operations/./x",
	} {
		if code, _ := get(t, http.MethodPost, base+path, nil); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	if forwarded != 0 {
		t.Errorf("%d requests forwarded", forwarded)
	}
}

// TestThirdAttackReviewProxyRecordingDepth: the proxy wrote its recording with an
// indenting json.Encoder, which re-indented every entry at a cost of depth × lines: a
// 234 KB upstream answer with a 9,000-deep innererror chain made a 122 MB recording (344 MB
// peak), past the 32 MiB the proxy had counted, and a 190 KB one of 9,900 lists ran out of
// memory. Entries are now written as kept, one a line, and a body beyond the checker's
// bounds (10,000 values, 64 levels) is recorded as a short string saying so.
func TestThirdAttackReviewProxyRecordingDepth(t *testing.T) {
	zeros := strings.Repeat("[", 9900) + strings.TrimSuffix(strings.Repeat("0,", 85_000), ",") + strings.Repeat("]", 9900)
	chain := `{"error":{"code":"E","message":"m","innererror":` + strings.Repeat(`{"code":"c","innererror":`, 9000) + "null" + strings.Repeat("}", 9002)
	wide := `{"error":{"code":"E","message":"m","details":[` + strings.TrimSuffix(strings.Repeat("0,", 20_000), ",") + `]}}`
	const within = `{"error":{"code":"NotFound","message":"<no such operation>","innererror":{"code":"c","message":"m"}}}`
	tests := []struct {
		name     string
		status   int
		body     string
		want     string // in the recorded responseBody
		verbatim bool   // the body is recorded as is
	}{
		{"a 190 KB 404 of 9,900 lists over 85,000 zeros", http.StatusNotFound, zeros, "nests deeper than 64 levels", false},
		{"a 234 KB 400 with a 9,000-deep innererror chain", http.StatusBadRequest, chain, "nests deeper than 64 levels", false},
		{"a 400 of 20,000 values", http.StatusBadRequest, wide, "more than 10000 values", false},
		{"a 404 within the bounds", http.StatusNotFound, within, "", true},
	}
	const exchanges = 4
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			p, base := startProxy(t, upstream, conformance.ProxyOptions{})
			var rec bytes.Buffer
			start := time.Now()
			alloc := allocated(func() {
				for range exchanges {
					if code, _ := get(t, http.MethodGet, base+opURL, nil); code != tt.status {
						t.Errorf("status %d, want %d", code, tt.status)
					}
				}
				if err := p.WriteRecording(&rec); err != nil {
					t.Fatal(err)
				}
			})
			elapsed := time.Since(start)
			if elapsed > 2*time.Second {
				t.Errorf("%d exchanges and the recording took %s", exchanges, elapsed)
			}
			if alloc > 50<<20 {
				t.Errorf("%d exchanges and the recording allocated %d MB", exchanges, alloc>>20)
			}
			if _, kept := p.Counts(); kept != exchanges {
				t.Errorf("kept %d entries, want %d", kept, exchanges)
			}
			if rec.Len() > exchanges*(len(tt.body)+1<<10) {
				t.Errorf("the recording is %d bytes for %d answers of %d", rec.Len(), exchanges, len(tt.body))
			}
			var doc struct {
				Entries []struct {
					ResponseBody json.RawMessage `json:"responseBody"`
				} `json:"entries"`
			}
			if err := json.Unmarshal(rec.Bytes(), &doc); err != nil || len(doc.Entries) != exchanges {
				t.Fatalf("the recording holds %d entries, %v", len(doc.Entries), err)
			}
			got := string(doc.Entries[0].ResponseBody)
			if tt.verbatim && got != tt.body {
				t.Errorf("recorded body %s, want %s", got, tt.body)
			}
			if !tt.verbatim && (!strings.HasPrefix(got, `"`) || !strings.Contains(got, tt.want) || len(got) > 512) {
				t.Errorf("recorded body %.300s, want a short string saying %q", got, tt.want)
			}
			if exs, err := conformance.ParseRecording("proxy.json", rec.Bytes()); err != nil || len(exs) != exchanges {
				t.Errorf("the recording reads back as %d exchanges, %v", len(exs), err)
			}
			t.Logf("%s, %d KB allocated, a %d-byte recording", elapsed.Round(time.Millisecond), alloc>>10, rec.Len())
		})
	}
}

// TestProxyRecordingIsWhatWasCounted: the recording is the kept entries as they were
// counted, one a line, plus a header: its size stays within MaxRecordedBytes.
func TestProxyRecordingIsWhatWasCounted(t *testing.T) {
	big := strings.Repeat("m", 10_000)
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"code":"NotFound","message":"`+big+`","innererror":{"code":"a","innererror":{"code":"b","message":"m"}}}}`)
	})
	const maxRecorded = 100_000
	p, base := startProxy(t, upstream, conformance.ProxyOptions{MaxRecordedBytes: maxRecorded})
	for range 20 {
		get(t, http.MethodGet, base+opURL, nil)
	}
	var rec bytes.Buffer
	if err := p.WriteRecording(&rec); err != nil {
		t.Fatal(err)
	}
	n, kept := p.Counts()
	if n != 20 || kept < 8 || kept >= 10 {
		t.Fatalf("exchanges %d, kept %d; want 20 and 8 or 9 (about 10 KB each within 100 KB)", n, kept)
	}
	header := len(`{"source":"phonenumbers conformance proxy to http://127.0.0.1:65535","dropped":20,"entries":[]}`) + 16
	if rec.Len() > maxRecorded+header {
		t.Errorf("the recording is %d bytes, past the %d counted", rec.Len(), maxRecorded)
	}
	if lines := strings.Count(rec.String(), "\n"); lines < kept || lines > kept+8 {
		t.Errorf("%d lines for %d entries:\n%.2000s", lines, kept, rec.String())
	}
	if exs, err := conformance.ParseRecording("proxy.json", rec.Bytes()); err != nil || len(exs) != kept {
		t.Errorf("the recording reads back as %d exchanges, %v", len(exs), err)
	}
}
