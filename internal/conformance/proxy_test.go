package conformance_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// startProxy serves a proxy to upstream on loopback.
func startProxy(t *testing.T, upstream http.Handler, opts conformance.ProxyOptions) (*conformance.Proxy, string) {
	t.Helper()
	up := httptest.NewServer(upstream)
	t.Cleanup(up.Close)
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	opts.Upstream = up.URL
	p, err := v.NewProxy(&opts)
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	return p, ps.URL
}

func get(t *testing.T, method, u string, h http.Header) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, u, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

const opURL = "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"

// TestProxyReSignsValidatesAndRecords: an unsigned client goes through a proxy that signs
// for a keyed upstream; the exchanges are validated, and the recording carries no secret
// and re-checks clean offline.
func TestProxyReSignsValidatesAndRecords(t *testing.T) {
	var live []conformance.Result
	p, base := startProxy(t, referenceHandler(t, testKey), conformance.ProxyOptions{AccessKey: testKey,
		OnResult: func(r conformance.Result) { live = append(live, r) }})
	client := http.Header{"Authorization": {"HMAC-SHA256 SignedHeaders=x&Signature=client-secret-signature"}, "Cookie": {"session=s3cret"}}
	if st, b := get(t, http.MethodGet, base+opURL, client); st != 200 {
		t.Fatalf("GET through the proxy: %d %s", st, b)
	}
	if st, _ := get(t, http.MethodGet, base+"/phoneNumbers/operations/nope?api-version=2022-12-01", client); st != 404 {
		t.Fatalf("unknown id: %d", st)
	}
	rep := p.Report()
	if rep.Failed() || rep.Summary.Passed < 5 || len(live) != 0 {
		t.Fatalf("report %+v, live %+v", rep.Summary, live)
	}
	var rec bytes.Buffer
	if err := p.WriteRecording(&rec); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{testKey, "Signature", "s3cret", "Authorization", "X-Ms-Content-Sha256"} {
		if strings.Contains(rec.String(), secret) {
			t.Errorf("the recording carries %q:\n%s", secret, rec.String())
		}
	}
	exs, err := conformance.ParseRecording("proxy.json", rec.Bytes())
	if err != nil || len(exs) != 2 {
		t.Fatalf("recording: %v, %d exchanges\n%s", err, len(exs), rec.String())
	}
	v, _ := conformance.NewValidator()
	if offline := v.CheckRecordings(context.Background(), "proxy.json", exs, &conformance.RecordingsOptions{Strict: true}); offline.Failed() || offline.Summary.Passed == 0 {
		t.Fatalf("offline %+v", offline.Summary)
	}
}

func TestProxyReportsBrokenUpstreamsAndBoundsWhatPasses(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { otherHits.Add(1) }))
	defer other.Close()
	tests := []struct {
		name       string
		upstream   http.Handler
		opts       conformance.ProxyOptions
		wantStatus int
		wantCheck  string
	}{
		{"schema violation", mutate{next: referenceHandler(t, ""), body: replaceInSeed(`"succeeded"`, `"Succeeded"`)}, conformance.ProxyOptions{}, 200, "response-schema"},
		{"5xx", mutate{next: referenceHandler(t, ""), status: func(*http.Request, int) int { return 503 }}, conformance.ProxyOptions{}, 503, "no-5xx"},
		{"answer too large", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(bytes.Repeat([]byte("x"), 2048))
		}), conformance.ProxyOptions{MaxBodyBytes: 1024}, 502, "proxy-forwarded"},
		{"cross-origin redirect", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		}), conformance.ProxyOptions{}, 502, "proxy-forwarded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var live []conformance.Result
			tt.opts.OnResult = func(r conformance.Result) { live = append(live, r) }
			p, base := startProxy(t, tt.upstream, tt.opts)
			if st, b := get(t, http.MethodGet, base+opURL, nil); st != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", st, tt.wantStatus, b)
			}
			found := false
			for _, r := range live {
				found = found || (r.Check == tt.wantCheck && r.Status == conformance.StatusFail)
			}
			if !p.Report().Failed() || !found {
				t.Fatalf("live results %+v, want a failed %s", live, tt.wantCheck)
			}
		})
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the other origin got %d requests", n)
	}
}

func TestProxyRequestBodyAndRecordingAreBounded(t *testing.T) {
	p, base := startProxy(t, referenceHandler(t, ""), conformance.ProxyOptions{MaxBodyBytes: 16, MaxRecorded: 2})
	res, err := http.Post(base+opURL, "application/json", strings.NewReader(strings.Repeat("y", 64)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized request: %d", res.StatusCode)
	}
	for range 4 {
		get(t, http.MethodGet, base+opURL, nil)
	}
	if n, kept := p.Counts(); n != 5 || kept != 2 {
		t.Fatalf("exchanges %d, kept %d", n, kept)
	}
	var rec bytes.Buffer
	_ = p.WriteRecording(&rec)
	if !strings.Contains(rec.String(), `"dropped": 3`) {
		t.Errorf("recording:\n%s", rec.String())
	}
}

// TestProxyRecordingBoundedInBytes: big answers stop being recorded once the byte bound
// is reached (they are still validated and counted); the report lists at most
// MaxProxyResults results.
func TestProxyRecordingBoundedInBytes(t *testing.T) {
	big := strings.Repeat("m", 100_000)
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error":{"code":"NotFound","message":"`+big+`"}}`)
		w.WriteHeader(http.StatusNotFound)
	})
	p, base := startProxy(t, upstream, conformance.ProxyOptions{MaxRecordedBytes: 350_000})
	for range 6 {
		get(t, http.MethodGet, base+opURL, nil)
	}
	if n, kept := p.Counts(); n != 6 || kept != 3 {
		t.Fatalf("exchanges %d, kept %d; want 6 and 3 (about 100 KB each within 350 KB)", n, kept)
	}
}

// TestProxySignsOnlyThisAPIForLoopback: with a key, the proxy forwards only the operations
// path, and only for loopback Host names (no signing service for other paths, no DNS
// rebinding).
func TestProxySignsOnlyThisAPIForLoopback(t *testing.T) {
	var forwarded atomic.Int32
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forwarded.Add(1)
		referenceHandler(t, testKey).ServeHTTP(w, r)
	})
	_, base := startProxy(t, upstream, conformance.ProxyOptions{AccessKey: testKey})
	if code, _ := get(t, http.MethodPost, base+"/mock/reset", nil); code != http.StatusNotFound {
		t.Errorf("POST /mock/reset through the proxy: %d, want 404", code)
	}
	req, _ := http.NewRequest(http.MethodGet, base+opURL, nil)
	req.Host = "evil.example"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host evil.example: %d, want 421", res.StatusCode)
	}
	if code, _ := get(t, http.MethodGet, base+opURL, nil); code != http.StatusOK {
		t.Errorf("the API through the proxy: %d", code)
	}
	if n := forwarded.Load(); n != 1 {
		t.Errorf("%d requests forwarded, want only the API one", n)
	}
}
