package conformance_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// roundTripFunc records what would reach the network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRunLiveRefusesSignaturesOverPlainHTTP (issue 21, item 14): with an access key and an
// http:// endpoint that is not loopback, RunLive sends nothing (the signatures would cross
// the network in clear and could be replayed), unless the caller opts in.
func TestRunLiveRefusesSignaturesOverPlainHTTP(t *testing.T) {
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		endpoint string
		optIn    bool
		refused  bool
	}{
		{"http://phonenumbers.example:8080", false, true},
		{"http://user:pw@192.0.2.1", false, true},
		{"http://phonenumbers.example:8080", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			sent := 0
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				sent++
				return nil, errors.New("no network in this test")
			})}
			_, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: tt.endpoint, AccessKey: testKey, HTTPClient: hc, InsecureAllowCredentialWithHTTP: tt.optIn})
			if !tt.refused {
				if errors.Is(err, conformance.ErrCredentialOverHTTP) || sent == 0 {
					t.Fatalf("err %v after %d requests: the opt-in did not apply", err, sent)
				}
				return
			}
			if !errors.Is(err, conformance.ErrCredentialOverHTTP) || sent != 0 {
				t.Fatalf("err %v, %d requests sent; want ErrCredentialOverHTTP and none", err, sent)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
		})
	}
}
