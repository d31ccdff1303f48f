package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// deepZerosBody is depth lists around n zeros: `[[[…0,0,…0]]]`.
func deepZerosBody(depth, n int) string {
	return strings.Repeat("[", depth) + strings.TrimSuffix(strings.Repeat("0,", n), ",") + strings.Repeat("]", depth)
}

// deepErrorAnswer is a service error answer whose innererror chain is depth levels deep.
func deepErrorAnswer(depth int) string {
	return `{"error":{"code":"E","message":"m","innererror":` +
		strings.Repeat(`{"code":"c","innererror":`, depth) + "null" + strings.Repeat("}", depth) + "}}"
}

// wideFailedOperation is a failed operation carrying, under a field the client does not
// know, a list nested depth levels deep around n zeros: within the bounds when depth+1
// and n are.
func wideFailedOperation(depth, n int) string {
	return `{"id":"op","operationType":"purchase","status":"failed","createdDateTime":"2023-07-14T19:48:16Z","resourceLocation":null,"error":{"code":"X","message":"m"},"x":` +
		deepZerosBody(depth, n) + "}"
}

// TestThirdAttackReviewIndentedErrorBodies: azcore's NewResponseError logs
// ResponseError.Error(), which json.Indent's the whole body, at a cost of depth × lines: a
// 190 KB 404 of 9,900 lists over 85,000 zeros ran out of memory, a 234 KB 400 with a
// 9,000-deep innererror chain took seconds and gigabytes. Every body azcore may indent
// (error answers, and the final 200 an OperationFailedError unwraps to) now nests at most
// 64 levels and holds at most 10,000 values; beyond, an error answer loses its body and a
// 200 is ErrUnexpectedResponse.
func TestThirdAttackReviewIndentedErrorBodies(t *testing.T) {
	zeros404 := deepZerosBody(9900, 85_000)
	chain400 := deepErrorAnswer(9000)
	get := func(ctx context.Context, c *client.Client) error {
		_, err := c.GetOperation(ctx, "op", nil)
		return err
	}
	cancel := func(ctx context.Context, c *client.Client) error {
		_, err := c.CancelOperation(ctx, "op", nil)
		return err
	}
	wait := func(ctx context.Context, c *client.Client) error {
		p, err := c.NewOperationPoller("op", &client.OperationPollerOptions{Frequency: time.Millisecond})
		if err != nil {
			return err
		}
		_, err = p.PollUntilDone(ctx, nil)
		return err
	}
	// bodyless wants a *azcore.ResponseError of status whose body was dropped.
	bodyless := func(status int) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var re *azcore.ResponseError
			if !errors.As(err, &re) || re.StatusCode != status {
				t.Fatalf("err = %v, want a %d *azcore.ResponseError", err, status)
			}
			if !strings.Contains(re.Error(), "Response contained no body") {
				t.Errorf("the body was kept:\n%.2000s", re.Error())
			}
			if _, ok := client.AsCommunicationError(err); ok {
				t.Error("details decoded from a body beyond the bounds")
			}
		}
	}
	unexpected := func(t *testing.T, err error) {
		if !errors.Is(err, client.ErrUnexpectedResponse) || !strings.Contains(err.Error(), "the limit") {
			t.Errorf("err = %v, want ErrUnexpectedResponse naming the bound", err)
		}
	}
	tests := []struct {
		name   string
		status int
		body   string
		call   func(context.Context, *client.Client) error
		check  func(t *testing.T, err error)
	}{
		{"get, a 190 KB 404 of 9,900 lists over 85,000 zeros", http.StatusNotFound, zeros404, get, bodyless(http.StatusNotFound)},
		{"cancel, a 190 KB 404 of 9,900 lists over 85,000 zeros", http.StatusNotFound, zeros404, cancel, bodyless(http.StatusNotFound)},
		{"wait, a 190 KB 404 of 9,900 lists over 85,000 zeros", http.StatusNotFound, zeros404, wait, bodyless(http.StatusNotFound)},
		{"get, a 234 KB 400 with a 9,000-deep innererror chain", http.StatusBadRequest, chain400, get, bodyless(http.StatusBadRequest)},
		{"cancel, a 234 KB 400 with a 9,000-deep innererror chain", http.StatusBadRequest, chain400, cancel, bodyless(http.StatusBadRequest)},
		{"wait, a 234 KB 400 with a 9,000-deep innererror chain", http.StatusBadRequest, chain400, wait, bodyless(http.StatusBadRequest)},
		{"get, a 404 of 65 levels", http.StatusNotFound, deepZerosBody(65, 1), get, bodyless(http.StatusNotFound)},
		{"get, a 404 of 10,001 values", http.StatusNotFound, deepZerosBody(1, 10_000), get, bodyless(http.StatusNotFound)},
		{"get, a 404 at the bounds keeps its body", http.StatusNotFound, deepZerosBody(64, 9_936), get, func(t *testing.T, err error) {
			var re *azcore.ResponseError
			if !errors.As(err, &re) || !strings.Contains(re.Error(), "0,\n") {
				t.Errorf("err = %.500v, want a 404 with its body", err)
			}
		}},
		{"get, a 200 of 65 levels", http.StatusOK, wideFailedOperation(64, 1), get, unexpected},
		{"wait, a 200 of 65 levels", http.StatusOK, wideFailedOperation(64, 1), wait, unexpected},
		{"wait, a failed operation at the bounds: the ResponseError it unwraps to", http.StatusOK, wideFailedOperation(63, 9_900), wait, func(t *testing.T, err error) {
			var failed *client.OperationFailedError
			var re *azcore.ResponseError
			if !errors.As(err, &failed) || !errors.As(err, &re) {
				t.Fatalf("err = %v, want an *OperationFailedError", err)
			}
			if msg := re.Error(); !strings.Contains(msg, "0,\n") {
				t.Errorf("the final response's body is not in its ResponseError:\n%.500s", msg)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(ts.Close)
			c, err := client.NewClientWithNoCredential(ts.URL, &client.ClientOptions{ClientOptions: azcore.ClientOptions{
				Retry: policy.RetryOptions{MaxRetries: -1}}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
			defer stop()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err = tt.call(ctx, c)
			var re *azcore.ResponseError
			if err != nil {
				_ = err.Error()
				if errors.As(err, &re) {
					_ = re.Error()
				}
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			tt.check(t, err)
			if elapsed > time.Second {
				t.Errorf("took %s", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			t.Logf("%s, %d KB allocated", elapsed.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10)
		})
	}
}
