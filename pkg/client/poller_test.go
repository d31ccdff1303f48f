package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

const fast = time.Millisecond // tests may poll below azcore's 1 s floor

func timeline(statuses ...types.PhoneNumberOperationStatus) []mock.Step {
	steps := make([]mock.Step, len(statuses))
	for i, s := range statuses {
		steps[i] = mock.Step{Status: s, AfterPolls: i}
	}
	return steps
}

// recorder collects the statuses a poller sees.
type recorder struct {
	mu  sync.Mutex
	seq []string
}

func (r *recorder) onPoll(op types.PhoneNumberOperation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq = append(r.seq, string(op.Status))
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.seq, ">")
}

func TestPollerSequences(t *testing.T) {
	const (
		ns = types.PhoneNumberOperationStatusNotStarted
		ru = types.PhoneNumberOperationStatusRunning
		ok = types.PhoneNumberOperationStatusSucceeded
	)
	ops := []mock.Operation{
		{ID: "search_a", OperationType: types.PhoneNumberOperationTypeSearch, Timeline: timeline(ns, ru, ok)},
		{ID: "purchase_a", OperationType: types.PhoneNumberOperationTypePurchase, Timeline: timeline(ru, ns, ok)},
		{ID: "odd_case", OperationType: types.PhoneNumberOperationTypeSearch, AllowUnknown: true, Timeline: timeline("NotStarted", "paused", "Succeeded")},
	}
	ts, _ := mockServer(t, ops)
	c := keyClient(t, ts.URL, nil)
	tests := []struct{ name, ref, want string }{
		{"notStarted>running>succeeded by id", "search_a", "notStarted>running>succeeded"},
		{"running>notStarted>succeeded by relative location", "/phoneNumbers/operations/purchase_a?api-version=2022-12-01", "running>notStarted>succeeded"},
		{"unknown status keeps polling; case-insensitive terminal", ts.URL + "/phoneNumbers/operations/odd_case?api-version=2022-12-01", "NotStarted>paused>Succeeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			p, err := c.NewOperationPoller(tt.ref, &client.OperationPollerOptions{Frequency: fast, OnPoll: rec.onPoll})
			if err != nil {
				t.Fatal(err)
			}
			op, err := p.PollUntilDone(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rec.String() != tt.want || !op.Status.IsSucceeded() || op.ID != p.OperationID() {
				t.Errorf("sequence %s (final %+v), want %s", rec, op, tt.want)
			}
			if !p.Done() {
				t.Error("Done() false after PollUntilDone")
			}
			if res, err := p.Result(context.Background()); err != nil || res.ID != op.ID {
				t.Errorf("Result() = %+v, %v", res, err)
			}
			if _, err := p.ResumeToken(); err == nil {
				t.Error("ResumeToken succeeded on a finished poller")
			}
		})
	}
}

func TestPollerFailedOperation(t *testing.T) {
	ts, _ := mockServer(t, nil)
	c := keyClient(t, ts.URL, nil)
	p, err := c.NewOperationPoller("purchase_18c224b7-0000-4000-8000-000000000002", &client.OperationPollerOptions{Frequency: fast})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.PollUntilDone(context.Background(), nil)
	var ofe *client.OperationFailedError
	if !errors.As(err, &ofe) || !ofe.Operation.Status.IsFailed() {
		t.Fatalf("err = %v, want *OperationFailedError", err)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != "InternalError" {
		t.Errorf("errors.As ResponseError: %v", re)
	}
	ce, ok := client.AsCommunicationError(err)
	if !ok || ce.Code != "InternalError" || ce.Innererror == nil || ce.Innererror.Code != "PurchaseFailed" {
		t.Fatalf("AsCommunicationError = %+v, %v", ce, ok)
	}
	for _, want := range []string{"failed", "InternalError", "PurchaseFailed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	// The failure is cached: Result returns it again without polling.
	if _, err2 := p.Result(context.Background()); !errors.As(err2, &ofe) {
		t.Errorf("Result() after failure = %v", err2)
	}
}

func TestPollerCanceledOperation(t *testing.T) {
	ts, _ := mockServer(t, []mock.Operation{{ID: "c", OperationType: "search", AllowUnknown: true, Timeline: timeline("running", "Cancelled")}})
	p, err := keyClient(t, ts.URL, nil).NewOperationPoller("c", &client.OperationPollerOptions{Frequency: fast})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.PollUntilDone(context.Background(), nil)
	var ofe *client.OperationFailedError
	if !errors.As(err, &ofe) || !ofe.Operation.Status.IsCanceled() {
		t.Fatalf("err = %v", err)
	}
}

func TestPoller404MidPoll(t *testing.T) {
	ts, store := mockServer(t, []mock.Operation{{ID: "gone", OperationType: "purchase", Timeline: timeline("running")}})
	c := keyClient(t, ts.URL, nil)
	p, err := c.NewOperationPoller("gone", &client.OperationPollerOptions{Frequency: fast, OnPoll: func(types.PhoneNumberOperation) { store.Delete("gone") }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.PollUntilDone(context.Background(), nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 404 || !strings.Contains(err.Error(), "is gone") {
		t.Fatalf("err = %v", err)
	}
}

func TestPollerCancellation(t *testing.T) {
	ts, _ := mockServer(t, []mock.Operation{{ID: "forever", OperationType: "purchase", Timeline: timeline("running")}})
	polled := make(chan struct{}, 1)
	p, err := keyClient(t, ts.URL, nil).NewOperationPoller("forever", &client.OperationPollerOptions{
		Frequency: time.Hour,
		OnPoll:    func(types.PhoneNumberOperation) { polled <- struct{}{} },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := p.PollUntilDone(ctx, nil); done <- err }()
	<-polled // now waiting an hour for the next poll
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(100 * time.Millisecond):
		t.Fatal("PollUntilDone did not stop within 100 ms of cancellation")
	}
}

func TestPollerResume(t *testing.T) {
	ops := []mock.Operation{{ID: "purchase_r", OperationType: "purchase", Timeline: timeline("running", "notStarted", "notStarted", "succeeded")}}
	ts, store := mockServer(t, ops)
	c := keyClient(t, ts.URL, nil)
	p, err := c.NewOperationPoller("/phoneNumbers/operations/purchase_r?api-version=2022-12-01", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	token, err := p.ResumeToken()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(token, testKey) {
		t.Fatal("resume token contains the key")
	}

	t.Run("from token in another client", func(t *testing.T) {
		other := keyClient(t, ts.URL, nil)
		rp, err := other.ResumeOperationPoller(token, &client.OperationPollerOptions{Frequency: fast})
		if err != nil {
			t.Fatal(err)
		}
		if rp.OperationID() != "purchase_r" || rp.Done() {
			t.Fatalf("resumed poller: id %q done %v", rp.OperationID(), rp.Done())
		}
		op, err := rp.PollUntilDone(context.Background(), nil)
		if err != nil || !op.Status.IsSucceeded() {
			t.Fatalf("PollUntilDone = %+v, %v", op, err)
		}
		if st, _ := store.Lookup("purchase_r"); st.Polls != 4 {
			t.Errorf("server saw %d polls, want 4 (1 before the token, 3 after)", st.Polls)
		}
	})
	t.Run("from bare id", func(t *testing.T) {
		store.Reset()
		rp, err := c.NewOperationPoller("purchase_r", &client.OperationPollerOptions{Frequency: fast})
		if err != nil {
			t.Fatal(err)
		}
		if op, err := rp.PollUntilDone(context.Background(), &runtime.PollUntilDoneOptions{Frequency: fast}); err != nil || !op.Status.IsSucceeded() {
			t.Fatalf("PollUntilDone = %+v, %v", op, err)
		}
	})
	for name, bad := range map[string]string{
		"garbage":             "not a token",
		"other poller type":   `{"type":"PhoneNumberOperation","token":{"kind":"something-else","operationId":"x"}}`,
		"other result type":   `{"type":"SomethingElse","token":{"kind":"phonenumbers.operation","operationId":"x"}}`,
		"missing operation":   `{"type":"PhoneNumberOperation","token":{"kind":"phonenumbers.operation"}}`,
		"token not an object": `{"type":"PhoneNumberOperation","token":[1]}`,
	} {
		t.Run("rejects "+name, func(t *testing.T) {
			if _, err := c.ResumeOperationPoller(bad, nil); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestPollerLocations(t *testing.T) {
	c := keyClient(t, "https://contoso.communication.azure.com", nil)
	tests := []struct {
		ref, wantID, wantErr string
	}{
		{"purchase_1", "purchase_1", ""},
		{"/phoneNumbers/operations/purchase_1?api-version=2022-12-01", "purchase_1", ""},
		{"https://contoso.communication.azure.com/phoneNumbers/operations/search_1?api-version=2022-12-01", "search_1", ""},
		{"https://contoso.communication.azure.com:443/phoneNumbers/operations/search_1", "search_1", ""},
		{"https://evil.example.com/phoneNumbers/operations/search_1", "", "not on the client's endpoint"},
		{"http://contoso.communication.azure.com/phoneNumbers/operations/search_1", "", "not on the client's endpoint"},
		{"/availablePhoneNumbers/searchResults/1", "", "not an operation location"},
		{"/phoneNumbers/operations/", "", "not an operation location"},
		{"", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			p, err := c.NewOperationPoller(tt.ref, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || p.OperationID() != tt.wantID {
				t.Fatalf("id %q err %v", p.OperationID(), err)
			}
		})
	}
	u, err := c.ResolveURL("/availablePhoneNumbers/searchResults/378ddf60?api-version=2022-12-01")
	if err != nil || u.String() != "https://contoso.communication.azure.com/availablePhoneNumbers/searchResults/378ddf60?api-version=2022-12-01" {
		t.Errorf("ResolveURL = %v, %v", u, err)
	}
}

// TestPollerHonoursRetryAfterOn200 uses an hour-long frequency: finishing at all means the
// poll waited what the service asked for instead.
func TestPollerHonoursRetryAfterOn200(t *testing.T) {
	for _, h := range []http.Header{{"Retry-After-Ms": {"5"}}, {"X-Ms-Retry-After-Ms": {"5"}}, {"Retry-After": {"1"}},
		{"Retry-After": {time.Now().Add(time.Second).UTC().Format(http.TimeFormat)}}} {
		t.Run(fmtHeader(h), func(t *testing.T) {
			t.Parallel()
			running := `{"status":"running","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16.3397741+00:00","id":"p","operationType":"purchase","lastActionDateTime":"0001-01-01T00:00:00+00:00"}`
			done := strings.Replace(running, "running", "succeeded", 1)
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, h, running), respond(200, h, done)}}
			c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			p, err := c.NewOperationPoller("p", &client.OperationPollerOptions{Frequency: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if op, err := p.PollUntilDone(ctx, nil); err != nil || !op.Status.IsSucceeded() {
				t.Fatalf("PollUntilDone = %+v, %v", op, err)
			}
		})
	}
}

func fmtHeader(h http.Header) string {
	for k, v := range h {
		return k + "=" + v[0]
	}
	return ""
}

// TestPollerUnderASecond: a sub-second frequency polls a loopback endpoint (the fast path
// honours Retry-After as azcore does: an hour-long frequency still finishes) and is refused
// for a service, naming the rule.
func TestPollerUnderASecond(t *testing.T) {
	running := `{"status":"running","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16.3397741+00:00","id":"p","operationType":"purchase","lastActionDateTime":"0001-01-01T00:00:00+00:00"}`
	done := strings.Replace(running, "running", "succeeded", 1)
	tests := []struct {
		name, endpoint string
		header         http.Header
		frequency      time.Duration
		wantErr        string
	}{
		{"loopback", "http://127.0.0.1:8080", nil, 10 * time.Millisecond, ""},
		{"loopback, Retry-After", "http://127.0.0.1:8080", http.Header{"Retry-After-Ms": {"5"}}, 500 * time.Millisecond, ""},
		{"service", "https://x.communication.azure.com", nil, 10 * time.Millisecond, "under azcore's minimum of one second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, tt.header, running), respond(200, tt.header, done)}}
			c := keyClient(t, tt.endpoint, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			p, err := c.NewOperationPoller("p", &client.OperationPollerOptions{Frequency: tt.frequency})
			if err != nil {
				t.Fatal(err)
			}
			op, err := p.PollUntilDone(context.Background(), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !op.Status.IsSucceeded() {
				t.Fatalf("PollUntilDone = %+v, %v", op, err)
			}
		})
	}
}
