package client_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// TestResponseValuesBoundedBeforeDecoding (issue 21, one bounded-decoding path): a 4 MiB
// body of 1.4 million {} decoded into as many structs, in the client (a 200) and in
// azcore's error-code lookup (any other status). Both are counted first now.
func TestResponseValuesBoundedBeforeDecoding(t *testing.T) {
	empties := strings.TrimSuffix(strings.Repeat("{},", 1_300_000), ",")
	op := `{"id":"x","status":"failed","operationType":"search","createdDateTime":"2023-01-01T00:00:00Z","error":{"code":"X","message":"m","details":[` + empties + `]}}`
	errBody := `{"error":{"code":"Throttled","message":"m","details":[` + empties + `]}}`
	json := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, err error)
	}{
		{"200", http.StatusOK, op, func(t *testing.T, err error) {
			if !errors.Is(err, client.ErrUnexpectedResponse) || !strings.Contains(err.Error(), "more than 10000 values") {
				t.Errorf("err = %v, want ErrUnexpectedResponse naming the bound", err)
			}
		}},
		{"404", http.StatusNotFound, errBody, func(t *testing.T, err error) {
			var re *azcore.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
				t.Errorf("err = %v, want a 404 *azcore.ResponseError", err)
			}
			if _, ok := client.AsCommunicationError(err); ok {
				t.Error("details were decoded from a body beyond the bounds")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(tt.status, json, tt.body)}}
			c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{
				Transport: ft, Retry: policy.RetryOptions{MaxRetries: -1}}})
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := c.GetOperation(context.Background(), "x", nil)
			runtime.ReadMemStats(&after)
			tt.check(t, err)
			// The body itself is copied a few times on its way (4 MiB each).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 40<<20 {
				t.Errorf("the call allocated %d MB", alloc>>20)
			}
		})
	}
}
