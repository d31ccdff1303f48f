package main

import (
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

// diffTestRecording holds two polls; each is 6 items (status, Content-Type, x-cache, id,
// status, field order), of which diffTestServer reproduces all but x-cache.
const diffTestRecording = `{"entries":[
 {"method":"GET","url":"https://e/phoneNumbers/operations/op1?api-version=2022-12-01","status":200,
  "responseHeaders":{"Content-Type":"application/json; charset=utf-8","x-cache":"CONFIG_NOCACHE"},"responseBody":{"id":"op1","status":"running"}},
 {"method":"GET","url":"https://e/phoneNumbers/operations/op1?api-version=2022-12-01","status":200,
  "responseHeaders":{"Content-Type":"application/json; charset=utf-8","x-cache":"CONFIG_NOCACHE"},"responseBody":{"id":"op1","status":"running"}}]}`

// diffTestServer answers every signed request like the recording, without x-cache, and
// others with 401.
func diffTestServer(t *testing.T) string {
	t.Helper()
	key, _ := hmacauth.DecodeKey(testKey)
	verifier := hmacauth.NewVerifier(key, time.Minute, time.Now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if verifier.Verify(hmacauth.Request{Method: r.Method, PathAndQuery: r.RequestURI, Host: r.Host, Header: r.Header}) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(`{"id":"op1","status":"running"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestConformanceDiffCommand(t *testing.T) {
	t.Setenv("PHONENUMBERS_ENDPOINT", "")
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	t.Setenv("COMMUNICATION_SERVICES_CONNECTION_STRING", "")
	base := diffTestServer(t)
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.json")
	if err := os.WriteFile(rec, []byte(diffTestRecording), 0o644); err != nil {
		t.Fatal(err)
	}
	noOps := filepath.Join(dir, "noops.json")
	if err := os.WriteFile(noOps, []byte(`{"entries":[{"method":"GET","url":"https://e/other","status":200}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	jsonPath, junitPath := filepath.Join(dir, "d.json"), filepath.Join(dir, "d.xml")
	args := func(extra ...string) []string {
		return append([]string{"conformance", "diff", "--recordings", rec, "--endpoint", base, "--access-key", testKey}, extra...)
	}
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string
		stderr string
	}{
		{"at the floors", args("--min-score", "0.8", "--min-exact", "0.8", "--json", jsonPath, "--junit", junitPath), 0,
			"reproduced 10/12 items (83.3%), byte for byte 10/12 (83.3%)", ""},
		{"below the score floor", args("--min-score", "0.9"), 1, "x-cache", "reproduced 83.3% is below the floor of 90.0%"},
		{"below the exact floor", args("--min-exact", "0.84"), 1, "", "byte for byte 83.3% is below the floor of 84.0%"},
		{"wrong key", []string{"conformance", "diff", "--recordings", rec, "--endpoint", base, "--access-key", "d3Jvbmcta2V5", "--min-score", "0.5"}, 1, "401", "below the floor"},
		{"floor out of range", args("--min-score", "1.5"), 2, "", "--min-score must be a fraction"},
		{"no recordings flag", []string{"conformance", "diff", "--endpoint", base}, 2, "", "--recordings"},
		{"no endpoint", []string{"conformance", "diff", "--recordings", rec}, 2, "", "--endpoint"},
		{"no operation exchange", []string{"conformance", "diff", "--recordings", noOps, "--endpoint", base}, 2, "", "no operation request"},
		{"unreadable recordings", []string{"conformance", "diff", "--recordings", filepath.Join(dir, "none.json"), "--endpoint", base}, 2, "", "none.json"},
		{"unreachable", []string{"conformance", "diff", "--recordings", rec, "--endpoint", closed}, 2, "", "cannot reach the server"},
		{"key over plain HTTP", []string{"conformance", "diff", "--recordings", rec, "--endpoint", "http://example.com", "--access-key", testKey}, 2, "", "plain HTTP"},
		{"zero timeout", args("--timeout", "0s"), 2, "", "--timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.want || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, want %d (stdout want %q, stderr want %q)\nstdout:\n%s\nstderr:\n%s", code, tt.want, tt.stdout, tt.stderr, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, testKey) {
				t.Error("the output holds the key")
			}
		})
	}

	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Recordings string `json:"recordings"`
		Totals     struct{ Items, Reproduced, Exact int }
		Headers    []struct {
			Name                                   string
			Recorded, Present, Spelled, Reproduced int
		}
	}
	if err := json.Unmarshal(raw, &rep); err != nil || rep.Totals.Items != 12 || rep.Totals.Reproduced != 10 || rep.Recordings != rec || len(rep.Headers) != 2 {
		t.Errorf("JSON report %v: %s", err, raw)
	}
	if strings.Contains(string(raw), testKey) {
		t.Error("the JSON report holds the key")
	}
	raw, err = os.ReadFile(junitPath)
	if err != nil {
		t.Fatal(err)
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(raw, &junit); err != nil || len(junit.Suites) != 1 {
		t.Fatalf("JUnit report %v: %s", err, raw)
	}
	failing := map[string]bool{}
	for _, c := range junit.Suites[0].Cases {
		failing[c.Name] = c.Failure != nil
	}
	want := map[string]bool{"status/200": false, "header/Content-Type": false, "header/x-cache": true, "body/id": false, "body/status": false, "body-order": false, "total": false}
	if len(failing) != len(want) || junit.Failures != 1 {
		t.Errorf("JUnit cases %v (%d failures), want %v", failing, junit.Failures, want)
	}
	for name, f := range want {
		if got, ok := failing[name]; !ok || got != f {
			t.Errorf("JUnit case %s: present %v failing %v, want failing %v", name, ok, got, f)
		}
	}
}
