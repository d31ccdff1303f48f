package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestChooseAuth pins --auth: a local mock never gets an Entra ID token (nor an IMDS
// probe), a bearer token never goes over plain HTTP, a key is used whenever one is given.
func TestChooseAuth(t *testing.T) {
	tests := []struct {
		mode     string
		haveKey  bool
		endpoint string
		want     string
		wantErr  string
	}{
		{"auto", true, "https://contoso.communication.azure.com", authKey, ""},
		{"auto", true, "http://127.0.0.1:8080", authKey, ""},
		{"auto", false, "http://127.0.0.1:8080", authNone, ""},
		{"auto", false, "https://localhost:8443", authNone, ""},
		{"auto", false, "https://[::1]:8443", authNone, ""},
		{"auto", false, "http://mock.internal:8080", authNone, ""},
		{"auto", false, "https://contoso.communication.azure.com", authEntra, ""},
		{"key", false, "https://contoso.communication.azure.com", "", "--auth key needs --access-key"},
		{"key", true, "http://127.0.0.1:8080", authKey, ""},
		{"entra", false, "http://127.0.0.1:8080", "", "only goes over HTTPS"},
		{"entra", false, "https://localhost:8443", authEntra, ""},
		{"none", true, "https://contoso.communication.azure.com", authNone, ""},
		{"bogus", false, "https://x", "", "want auto, key, entra or none"},
	}
	for _, tt := range tests {
		t.Run(tt.mode+" "+tt.endpoint, func(t *testing.T) {
			u, err := url.Parse(tt.endpoint)
			if err != nil {
				t.Fatal(err)
			}
			got, err := chooseAuth(tt.mode, tt.haveKey, u)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("chooseAuth = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestConnectionStringKeyStaysWithItsEndpoint: --endpoint overrides a connection string's
// endpoint, and then the string's key must not be sent to that other endpoint.
func TestConnectionStringKeyStaysWithItsEndpoint(t *testing.T) {
	cs := "endpoint=https://contoso.communication.azure.com/;accesskey=" + testKey
	tests := []struct {
		name    string
		flags   connectionFlags
		wantKey bool
	}{
		{"string alone", connectionFlags{ConnectionString: cs, Auth: "auto"}, true},
		{"same endpoint", connectionFlags{ConnectionString: cs, Endpoint: "https://contoso.communication.azure.com", Auth: "auto"}, true},
		{"other endpoint", connectionFlags{ConnectionString: cs, Endpoint: "http://127.0.0.1:8080", Auth: "auto"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.flags.resolve()
			if err != nil {
				t.Fatal(err)
			}
			if (got.key != "") != tt.wantKey {
				t.Fatalf("key sent = %v, want %v (target %s)", got.key != "", tt.wantKey, got.endpoint)
			}
		})
	}
}

// TestHTTPClientBoundsHeaders: every client the CLI builds (conformance, operation, mock,
// proxy) bounds an answer's headers at 64 KiB, not net/http's 10 MiB.
func TestHTTPClientBoundsHeaders(t *testing.T) {
	tests := []struct {
		name  string
		flags connectionFlags
	}{
		{"defaults", connectionFlags{}},
		{"insecure-skip-verify", connectionFlags{InsecureSkipVerify: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hc, err := tt.flags.httpClient(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			tr, ok := hc.Transport.(*http.Transport)
			if !ok || tr.MaxResponseHeaderBytes != conformance.MaxUpstreamHeaderBytes {
				t.Errorf("transport %T %v: want MaxResponseHeaderBytes %d", hc.Transport, tr, conformance.MaxUpstreamHeaderBytes)
			}
		})
	}
}
