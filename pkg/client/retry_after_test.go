package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// TestHostileRetryAfterCannotMakeThePollerSpin (issue 21, item 7): an operation that stays
// running with retry-after-ms: 76480200929599801 (which azcore turned into 64 ns: 88,860
// polls in 10 s), the same in x-ms-retry-after-ms, or retry-after-ms: 1, is polled at most
// a few times in 300 ms: the server's delay is cut to one minute and raised to at least
// min(frequency, 1 s).
func TestHostileRetryAfterCannotMakeThePollerSpin(t *testing.T) {
	running := `{"status":"running","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16Z","id":"p","operationType":"purchase"}`
	tests := []struct {
		name      string
		header    http.Header
		frequency time.Duration
		maxPolls  int
	}{
		{"retry-after-ms overflowing, 2 s frequency", http.Header{"Retry-After-Ms": {"76480200929599801"}}, 2 * time.Second, 1},
		{"x-ms-retry-after-ms overflowing, 2 s frequency", http.Header{"X-Ms-Retry-After-Ms": {"76480200929599801"}}, 2 * time.Second, 1},
		{"retry-after-ms overflowing, 50 ms frequency", http.Header{"Retry-After-Ms": {"76480200929599801"}}, 50 * time.Millisecond, 1},
		{"retry-after-ms 1, 2 s frequency", http.Header{"Retry-After-Ms": {"1"}}, 2 * time.Second, 1},
		{"retry-after-ms 1, 100 ms frequency", http.Header{"Retry-After-Ms": {"1"}}, 100 * time.Millisecond, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(http.StatusOK, tt.header, running)}}
			c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.NewOperationPoller("p", &client.OperationPollerOptions{Frequency: tt.frequency})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			if _, err := p.PollUntilDone(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err %v, want the deadline", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("returned %s after the deadline", d)
			}
			if n := len(ft.seen()); n > tt.maxPolls {
				t.Errorf("%d polls in 300 ms, want at most %d", n, tt.maxPolls)
			}
		})
	}
}

// TestHostileRetryAfterOnRetries: a 429 asking for an overflowing or 68-year delay is not
// retried 64 ns later (azcore's overflow) nor slept on for 68 years: the delay is cut to
// MaxServerDelay, past the retry options' MaxRetryDelay, so azcore gives up at once.
func TestHostileRetryAfterOnRetries(t *testing.T) {
	for _, h := range []http.Header{{"Retry-After-Ms": {"76480200929599801"}}, {"X-Ms-Retry-After-Ms": {"76480200929599801"}}, {"Retry-After": {"2147483647"}}} {
		t.Run(fmtHeader(h), func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(http.StatusTooManyRequests, h, "")}}
			c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", &client.ClientOptions{ClientOptions: azcore.ClientOptions{
				Transport: ft, Retry: policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Second}}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err = c.GetOperation(ctx, "p", nil)
			var re *azcore.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("err %v, want the 429", err)
			}
			if n := len(ft.seen()); n != 1 {
				t.Errorf("%d tries, want 1", n)
			}
			if got := re.RawResponse.Header.Get("Retry-After-Ms"); got != "60000" || strings.Contains(fmtHeader(re.RawResponse.Header), "2147483647") {
				t.Errorf("headers after the client: %v", re.RawResponse.Header)
			}
		})
	}
}
