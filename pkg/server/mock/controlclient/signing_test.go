package controlclient_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/controlclient"
)

// doerFunc records what reaches the network.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestSigningDoerRefusesPlainHTTP (issue 21, item 14): a signature is never sent over plain
// HTTP to a host that is not loopback (it could be read and replayed), unless the caller
// opts in, as pkg/client's rule has it.
func TestSigningDoerRefusesPlainHTTP(t *testing.T) {
	tests := []struct {
		url     string
		optIn   bool
		refused bool
	}{
		{"http://mock.example:8080/mock/reset", false, true},
		{"http://10.0.0.5/mock/journal", false, true},
		{"http://mock.example:8080/mock/reset", true, false},
		{"https://mock.example/mock/reset", false, false},
		{"http://127.0.0.1:8080/mock/reset", false, false},
		{"http://localhost:8080/mock/reset", false, false},
		{"http://[::1]:8080/mock/reset", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			sent := 0
			next := doerFunc(func(r *http.Request) (*http.Response, error) {
				sent++
				return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
			})
			d, err := controlclient.NewSigningDoer(testKey, next)
			if err != nil {
				t.Fatal(err)
			}
			d.InsecureAllowCredentialWithHTTP = tt.optIn
			req, _ := http.NewRequest(http.MethodPost, tt.url, strings.NewReader("{}"))
			res, err := d.Do(req)
			if res != nil {
				res.Body.Close()
			}
			if tt.refused {
				if !errors.Is(err, controlclient.ErrCredentialOverHTTP) || sent != 0 || req.Header.Get("Authorization") != "" {
					t.Fatalf("err %v, %d sent, Authorization %q: want ErrCredentialOverHTTP and nothing signed or sent", err, sent, req.Header.Get("Authorization"))
				}
				return
			}
			if err != nil || sent != 1 || !strings.HasPrefix(req.Header.Get("Authorization"), "HMAC-SHA256 ") {
				t.Fatalf("err %v, %d sent, Authorization %q", err, sent, req.Header.Get("Authorization"))
			}
		})
	}
}
