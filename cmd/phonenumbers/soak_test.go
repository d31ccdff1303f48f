package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// soakScale is 1 in `make test` and 10 with PHONENUMBERS_SOAK=1 (`make soak`): the full
// runs last 20 s (pollers) and 10 s (connections).
func soakScale() time.Duration {
	if os.Getenv("PHONENUMBERS_SOAK") == "1" {
		return 10
	}
	return 1
}

// validatingTransport checks every response against the spec before the client sees it.
type validatingTransport struct {
	v        *conformance.Validator
	next     http.RoundTripper
	invalid  atomic.Int64
	answered atomic.Int64
	first    atomic.Value // string: the first violation
}

func (vt *validatingTransport) Do(req *http.Request) (*http.Response, error) {
	res, err := vt.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	vt.answered.Add(1)
	if verr := vt.v.ValidateResponse(req.Context(), req, res.StatusCode, res.Header, body); verr != nil {
		if vt.invalid.Add(1) == 1 {
			vt.first.Store(verr.Error())
		}
	}
	return res, nil
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestSoakPollers: 50 concurrent pollers with HMAC against `serve` with scripted
// lifecycles, each polling operation after operation. Zero errors, every answer valid,
// goroutines and heap back to their baseline afterwards.
func TestSoakPollers(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	const pollers = 50
	duration := 2 * time.Second * soakScale()
	var fixtures strings.Builder
	fixtures.WriteString("operations:\n")
	for i := range pollers {
		fmt.Fprintf(&fixtures, "  - id: purchase_soak-%d\n    operationType: purchase\n    timeline:\n      - status: running\n      - status: notStarted\n        afterPolls: %d\n      - status: succeeded\n        afterPolls: %d\n", i, 1+i%3, 3+i%4)
	}
	path := filepath.Join(t.TempDir(), "soak.yaml")
	if err := os.WriteFile(path, []byte(fixtures.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, serveCmd{AccessKey: testKey, Fixtures: path, LogLevel: "warn"})

	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: pollers}
	vt := &validatingTransport{v: v, next: transport}
	c, err := client.NewClientWithKeyCredential(base, azcore.NewKeyCredential(testKey), &client.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: vt, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	transport.CloseIdleConnections()
	baseGoroutines, baseHeap := runtime.NumGoroutine(), heapInUse()

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	var completed, failures atomic.Int64
	var firstErr atomic.Value
	for i := range pollers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "purchase_soak-" + strconv.Itoa(i)
			for ctx.Err() == nil {
				// Wait for the operation, then restart its timeline through the control API.
				p, err := c.NewOperationPoller(id, &client.OperationPollerOptions{Frequency: time.Millisecond})
				if err == nil {
					_, err = p.PollUntilDone(ctx, nil)
				}
				switch {
				case err == nil:
					completed.Add(1)
					if err := resetOperation(ctx, base, id, i); err != nil && ctx.Err() == nil {
						if failures.Add(1) == 1 {
							firstErr.Store(err.Error())
						}
						return
					}
				case ctx.Err() != nil:
					return
				default:
					if failures.Add(1) == 1 {
						firstErr.Store(err.Error())
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	soakControlClient.CloseIdleConnections()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d pollers failed; first: %v", n, firstErr.Load())
	}
	if n := vt.invalid.Load(); n > 0 {
		t.Fatalf("%d of %d answers violated the spec; first: %v", n, vt.answered.Load(), vt.first.Load())
	}
	if completed.Load() < pollers {
		t.Fatalf("only %d operations completed", completed.Load())
	}
	t.Logf("%d operations polled to completion, %d answers, all valid", completed.Load(), vt.answered.Load())

	transport.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines+5 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > baseGoroutines+5 {
		t.Errorf("goroutines: %d after, %d before", g, baseGoroutines)
	}
	if h := heapInUse(); h > 2*baseHeap+8<<20 {
		t.Errorf("heap in use: %d bytes after, %d before", h, baseHeap)
	}
}

// resetOperation puts the operation back at the start of its timeline, signed like any
// other request.
func resetOperation(ctx context.Context, base, id string, i int) error {
	body := fmt.Sprintf(`{"id":%q,"operationType":"purchase","timeline":[{"status":"running"},{"status":"notStarted","afterPolls":%d},{"status":"succeeded","afterPolls":%d}]}`, id, 1+i%3, 3+i%4)
	return signedControlPost(ctx, base, body)
}

// TestSoakConnections keeps 256 connections busy; no errors, and the resident memory of
// the process stays within 2x of what it was after warm-up.
func TestSoakConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	const conns = 256
	duration := time.Second * soakScale()
	base, _ := startServe(t, serveCmd{LogLevel: "warn"})
	transport := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	url := base + "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
	run := func(d time.Duration) (int64, int64, string) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var ok, bad atomic.Int64
		var first atomic.Value
		var wg sync.WaitGroup
		for range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					res, err := hc.Get(url)
					if err != nil {
						if ctx.Err() == nil && bad.Add(1) == 1 {
							first.Store(err.Error())
						}
						continue
					}
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode == 200 {
						ok.Add(1)
					} else if bad.Add(1) == 1 {
						first.Store(res.Status)
					}
				}
			}()
		}
		wg.Wait()
		s, _ := first.Load().(string)
		return ok.Load(), bad.Load(), s
	}
	run(300 * time.Millisecond) // warm-up: every connection open
	before, heapBefore := rssBytes(t), heapInUse()
	ok, bad, first := run(duration)
	after, heapAfter := rssBytes(t), heapInUse()
	if bad > 0 {
		t.Fatalf("%d failed requests (first: %s) of %d", bad, first, ok+bad)
	}
	if heapAfter > 2*heapBefore+8<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", heapBefore, heapAfter)
	}
	switch {
	case raceEnabled:
		t.Logf("race detector on: resident memory (%d -> %d bytes) is not checked, the Go heap is", before, after)
	case before > 0 && after > 2*before:
		t.Errorf("resident memory grew from %d to %d bytes", before, after)
	}
	t.Logf("%d requests over %d connections; RSS %d -> %d bytes; heap %d -> %d bytes", ok, conns, before, after, heapBefore, heapAfter)
}

// rssBytes reads the process's resident set size (0 where /proc is unavailable).
func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	return 0
}

// signedControlPost stores an operation through the control API with an HMAC signature.
func signedControlPost(ctx context.Context, base, body string) error {
	key, _ := base64.StdEncoding.DecodeString(testKey)
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/mock/operations", strings.NewReader(body))
	if err != nil {
		return err
	}
	hash := hmacauth.ContentHash([]byte(body))
	date, auth := hmacauth.NewSigner(key).SignRequest("POST", req.URL.RequestURI(), req.URL.Host, hash, time.Now())
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-ms-date", date)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", auth)
	res, err := soakControlClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("control API: %s", res.Status)
	}
	return nil
}

var soakControlClient = &http.Client{Transport: &http.Transport{}}
