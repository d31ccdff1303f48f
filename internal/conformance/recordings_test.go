package conformance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mustValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var recordingsDir = filepath.Join("..", "..", "testdata", "recordings")

func TestRecordedTrafficConforms(t *testing.T) {
	v := mustValidator(t)
	exs, err := ReadRecordings(recordingsDir)
	if err != nil {
		t.Fatal(err)
	}
	rep := v.CheckRecordings(context.Background(), recordingsDir, exs, &RecordingsOptions{Strict: false})
	passedByVersion := map[string]int{}
	for _, r := range rep.Results {
		switch r.Status {
		case StatusFail:
			t.Errorf("%s %s %s [%s]: %s %v", r.Check, r.Request.Method, r.Request.URL, r.Source, r.Reason, r.Violations)
		case StatusWarn:
			// The Python SDK's YAML cassettes of 2021 kept few response headers.
			if !strings.HasPrefix(r.Source, "python-repo-yaml__") {
				t.Errorf("warning on real traffic: %s %s [%s]: %s", r.Check, r.Request.URL, r.Source, r.Reason)
			}
		case StatusSkip:
			if r.Check == "exchange" && !strings.Contains(r.Reason, "no known contract") && !strings.Contains(r.Reason, "outside the spec") {
				t.Errorf("skipped for another reason: %s [%s]: %s", r.Request.URL, r.Source, r.Reason)
			}
		}
		if r.Check == "response-schema" && r.Status == StatusPass && r.ResponseStatus == 200 && strings.Contains(r.Request.URL, "/phoneNumbers/operations/") {
			_, av, _ := strings.Cut(r.Request.URL, "api-version=")
			passedByVersion[av]++
		}
	}
	if passedByVersion["2022-12-01"] != 41 {
		t.Errorf("%d recorded 2022-12-01 operation GETs passed the schema check, want all 41", passedByVersion["2022-12-01"])
	}
	for _, v := range []string{"2021-03-07", "2022-01-11-preview2", "2025-06-01"} {
		if passedByVersion[v] == 0 {
			t.Errorf("no recorded %s operation GET was checked (passed: %v)", v, passedByVersion)
		}
	}
	if rep.Summary.Skipped == 0 {
		t.Errorf("summary %+v: versions without a known contract must be skipped", rep.Summary)
	}
	var sb strings.Builder
	_ = rep.WriteText(&sb, nil)
	if testing.Verbose() {
		t.Log(sb.String()[len(sb.String())-200:])
	}
}

// TestTamperedRecordingFails changes one recorded answer the way a broken server would.
func TestTamperedRecordingFails(t *testing.T) {
	v := mustValidator(t)
	data, err := os.ReadFile(filepath.Join(recordingsDir, "js-node__lro_purchase_and_release__2022-12-01.json"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(data), `"status": "succeeded"`, `"status": "Succeeded"`, 1)
	if tampered == string(data) {
		t.Fatal("nothing to tamper with")
	}
	exs, err := ParseRecording("tampered.json", []byte(tampered))
	if err != nil {
		t.Fatal(err)
	}
	rep := v.CheckRecordings(context.Background(), "tampered", exs, &RecordingsOptions{Strict: false})
	if rep.Summary.Failed != 1 {
		t.Fatalf("summary %+v, want exactly one failure", rep.Summary)
	}
	for _, r := range rep.Results {
		if r.Status == StatusFail && (r.Check != "response-schema" || len(r.Violations) == 0 || r.Violations[0].Path != "/status" ||
			!strings.Contains(r.Violations[0].Message, `"Succeeded"`)) {
			t.Errorf("failure = %+v", r)
		}
	}
}

// TestReadRecordingsRefusesHostileFiles: devices, FIFOs and oversized files are refused
// before they are read, whether named directly or found in a directory.
func TestReadRecordingsRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 1<<30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"link to /dev/zero in a directory", dir, "not a regular file"},
		{"link to /dev/zero", zero, "not a regular file"},
		{"FIFO", fifo, "not a regular file"},
		{"sparse 1 GiB file", big, "larger than the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := ReadRecordings(tt.path)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("ReadRecordings hangs")
			}
		})
	}
}

// TestReadRecordingsBoundsExchanges: a small file of many tiny entries is refused by
// count, not read into hundreds of thousands of results.
func TestReadRecordingsBoundsExchanges(t *testing.T) {
	entry := `{"method":"GET","url":"https://x/phoneNumbers/operations/a?api-version=2022-12-01","status":404,"responseHeaders":{},"responseBody":{"error":{"code":"NotFound","message":"m"}}}`
	doc := `{"entries":[` + strings.TrimSuffix(strings.Repeat(entry+",", MaxRecordedExchanges+1), ",") + `]}`
	path := filepath.Join(t.TempDir(), "many.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRecordings(path); err == nil || !strings.Contains(err.Error(), "more than 10000 exchanges") {
		t.Fatalf("err = %v", err)
	}
}

// TestParseRecordingCountsBeforeDecoding: millions of tiny values are refused by counting.
func TestParseRecordingCountsBeforeDecoding(t *testing.T) {
	doc := []byte(`{"entries":[` + strings.TrimSuffix(strings.Repeat("{},", 500_000), ",") + `]}`)
	if _, err := ParseRecording("tiny.json", doc); err == nil || !strings.Contains(err.Error(), "objects and lists") {
		t.Fatalf("err = %v", err)
	}
}

// TestRecordedURLsAreBounded: a recorded URL over 8 KiB is refused naming its entry (a
// 60 MB file of 12 entries with 5 MiB URLs ran out of memory writing the report), in the
// normalized and the HAR formats; one at the bound is read, and a result's URL (and
// method) is cut to 1 KiB (64 bytes) in the report.
func TestRecordedURLsAreBounded(t *testing.T) {
	base := "https://x/phoneNumbers/operations/"
	query := "?api-version=2022-12-01"
	urlOf := func(n int) string { return base + strings.Repeat("a", n-len(base)-len(query)) + query }
	normalized := func(u string) string {
		e := `{"method":"GET","url":"` + u + `","status":404,"responseHeaders":{},"responseBody":{"error":{"code":"NotFound","message":"m"}}}`
		return `{"entries":[` + e + `,` + e + `]}`
	}
	har := func(u string) string {
		return `{"log":{"entries":[{"request":{"method":"GET","url":"https://x/phoneNumbers/operations/b?api-version=2022-12-01","headers":[]},"response":{"status":404,"headers":[],"content":{"text":"{}"}}},` +
			`{"request":{"method":"GET","url":"` + u + `","headers":[]},"response":{"status":404,"headers":[],"content":{"text":"{}"}}}]}}`
	}
	tests := []struct {
		name, doc, want string // want: in the error; "" for read
	}{
		{"normalized, 5 MiB URL", normalized(urlOf(5 << 20)), "entry 1: its URL is 5242880 bytes, over the 8192-byte limit"},
		{"normalized, 8 KiB + 1", normalized(urlOf(MaxRecordedURLBytes + 1)), "entry 1: its URL is 8193 bytes"},
		{"HAR, second entry", har(urlOf(MaxRecordedURLBytes + 1)), "entry 2: its URL is 8193 bytes"},
		{"normalized, 8 KiB", normalized(urlOf(MaxRecordedURLBytes)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rec.json")
			if err := os.WriteFile(path, []byte(tt.doc), 0o600); err != nil {
				t.Fatal(err)
			}
			exs, err := ReadRecordings(path)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "rec.json") {
					t.Fatalf("err = %v, want %q naming the file", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rep := mustValidator(t).CheckRecordings(context.Background(), path, exs, nil)
			for _, r := range rep.Results {
				if len(r.Request.URL) > maxResultURLBytes+3 {
					t.Errorf("%s: URL of %d bytes in the report", r.Name, len(r.Request.URL))
				}
			}
			var b strings.Builder
			_ = rep.WriteText(&b, nil)
			if b.Len() > 64<<10 {
				t.Errorf("text report of %d bytes", b.Len())
			}
		})
	}
}

// TestBoundTextCutsTheRequest: a result's URL and method are cut in the report.
func TestBoundTextCutsTheRequest(t *testing.T) {
	tests := []struct {
		url, method         string
		wantURL, wantMethod int
	}{
		{strings.Repeat("u", 100), "GET", 100, 3},
		{strings.Repeat("u", 5<<20), strings.Repeat("M", 1000), maxResultURLBytes + 3, maxMethodBytes + 3},
	}
	for _, tt := range tests {
		var r Report
		r.add(Result{Check: "x", Status: StatusPass, Request: RequestInfo{Method: tt.method, URL: tt.url}})
		if got := r.Results[0].Request; len(got.URL) != tt.wantURL || len(got.Method) != tt.wantMethod {
			t.Errorf("URL %d bytes, method %d: want %d, %d", len(got.URL), len(got.Method), tt.wantURL, tt.wantMethod)
		}
	}
}
