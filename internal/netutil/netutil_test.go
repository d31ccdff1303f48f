package netutil

import (
	"net/url"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:8080", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST.", true},
		{"http://api.localhost", true},
		{"http://localhost.example.com", false},
		{"https://contoso.communication.azure.com", false},
		{"http://10.0.0.1", false},
		{"http://[::ffff:127.0.0.1]", true},
		{"http://0.0.0.0:8080", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsLoopback(u); got != tt.want {
			t.Errorf("IsLoopback(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}
