package client_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// endlessReader never ends: a hostile server's body.
type endlessReader struct{}

func (endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestResponseBodiesAreBounded: a huge announced body is refused unread, an endless one
// is cut at the limit, neither is retried, and a normal one passes.
func TestResponseBodiesAreBounded(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
	}{
		{"normal", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, seedBody)
		}, false},
		{"announced 10 GiB", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10737418240")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, seedBody) // then hang up
		}, true},
		{"endless chunked", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.Copy(w, io.LimitReader(endlessReader{}, 64<<20)) // far past the limit
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tt.handler(w, r)
			}))
			defer ts.Close()
			c, err := client.NewClientWithNoCredential(ts.URL, &client.ClientOptions{MaxResponseBytes: 1 << 20,
				ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetOperation(context.Background(), "search-my-operation-id", nil)
			var tooLarge *client.ResponseTooLargeError
			if got := errors.As(err, &tooLarge); got != tt.wantErr {
				t.Fatalf("err = %v; want a ResponseTooLargeError: %v", err, tt.wantErr)
			}
			if calls.Load() != 1 {
				t.Errorf("%d requests, want 1 (no retry)", calls.Load())
			}
		})
	}
}

// TestCrossOriginRedirectRefused: a 307 to another port must not take the signature along.
func TestCrossOriginRedirectRefused(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, seedBody)
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	c, err := client.NewClientWithKeyCredential(redirector.URL, azcore.NewKeyCredential(testKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOperation(context.Background(), "search-my-operation-id", nil)
	var coe *client.RedirectError
	if !errors.As(err, &coe) || !strings.Contains(err.Error(), "another origin") {
		t.Fatalf("err = %v, want a refused cross-origin redirect", err)
	}
	if v := leaked.Load(); v != nil {
		t.Fatalf("the other origin received a request (Authorization %q)", v)
	}
}

// TestFinalErrorsAreNotRetried: a loopback port nothing listens on is tried once (retrying
// only delays saying so); a refused connection elsewhere keeps azcore's retries.
func TestFinalErrorsAreNotRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	tries := 0
	count := policyFunc(func(req *policy.Request) (*http.Response, error) {
		tries++
		return req.Next()
	})
	c, err := client.NewClientWithNoCredential(closed, &client.ClientOptions{ClientOptions: azcore.ClientOptions{
		PerRetryPolicies: []policy.Policy{count}, Retry: policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOperation(context.Background(), "x", nil); err == nil || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want connection refused", err)
	}
	if tries != 1 {
		t.Errorf("%d tries, want 1", tries)
	}
}

// policyFunc is a policy.Policy from a function.
type policyFunc func(*policy.Request) (*http.Response, error)

func (f policyFunc) Do(req *policy.Request) (*http.Response, error) { return f(req) }
