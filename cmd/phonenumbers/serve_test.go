package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/pkg/client/generated"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// syncBuffer is a bytes.Buffer safe for the server's log writes and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServe runs `serve` on a free loopback port and returns its base URL; the server is
// stopped (and its exit checked) when the test ends.
func startServe(t *testing.T, cmd serveCmd) (string, *syncBuffer) {
	t.Helper()
	if cmd.Addr == "" {
		cmd.Addr = "127.0.0.1:0"
	}
	for k, v := range map[string]*string{"live": &cmd.LastAction, "text": &cmd.LogFormat, "info": &cmd.LogLevel} {
		if *v == "" {
			*v = k
		}
	}
	if len(cmd.APIVersions) == 0 {
		cmd.APIVersions = []string{types.APIVersion}
	}
	ready := make(chan string, 1)
	cmd.ready = func(u string) { ready <- u }
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- cmd.serve(ctx, logs) }()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve exited early: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return base, logs
}

// TestServeSeedThroughGeneratedClient is the end-to-end slice: `serve` on a loopback port,
// the seed operation fetched with the generated client, the answer validated against the spec.
func TestServeSeedThroughGeneratedClient(t *testing.T) {
	base, logs := startServe(t, serveCmd{})
	c, err := generated.NewClient(base)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := c.PhoneNumbersGetOperation(ctx, "search-my-operation-id", &types.PhoneNumbersGetOperationParams{ApiVersion: types.APIVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	body, err := v.ValidateHTTPResponse(ctx, res)
	if err != nil {
		t.Fatalf("response does not conform to the spec: %v\n%s", err, body)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	const wantLocation = "/availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28"
	if got := res.Header.Get("Location"); got != wantLocation {
		t.Errorf("Location = %q, want %q", got, wantLocation)
	}
	want := map[string]any{
		"status": "succeeded", "resourceLocation": wantLocation, "createdDateTime": "2020-11-19T16:31:49.048Z",
		"id": "search-my-operation-id", "operationType": "search", "lastActionDateTime": "2020-11-19T22:31:49.048Z",
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Errorf("body = %s, want the seed example %s", gotJSON, wantJSON)
	}

	// The typed view of the generated client agrees.
	cr, err := generated.NewClientWithResponses(base)
	if err != nil {
		t.Fatal(err)
	}
	typed, err := cr.PhoneNumbersGetOperationWithResponse(ctx, "search-my-operation-id", &types.PhoneNumbersGetOperationParams{ApiVersion: types.APIVersion})
	if err != nil {
		t.Fatal(err)
	}
	if typed.JSON200 == nil || typed.JSON200.Id != "search-my-operation-id" || !typed.JSON200.Status.IsSucceeded() {
		t.Fatalf("typed response = %+v", typed.JSON200)
	}
	if !bytes.Contains([]byte(logs.String()), []byte("phonenumbers server listening")) {
		t.Errorf("startup log missing:\n%s", logs)
	}
}
