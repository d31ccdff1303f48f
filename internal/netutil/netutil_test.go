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

// TestRedactEndpoint (issue 21, item 9): no message shows a URL password or a connection
// string's access key.
func TestRedactEndpoint(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://user:s3cret@host:8080/x", "http://user:xxxxx@host:8080/x"},
		{"endpoint=https://x.communication.azure.com/;accesskey=S3CRET==", "(a connection string, not shown: it holds the access key)"},
		{"ENDPOINT=https://x/;AccessKey=S3CRET", "(a connection string, not shown: it holds the access key)"},
		{"S3CRET+/base64key==", "(not a URL, not shown: it may hold a secret)"},
		{"ftp://files.example", "ftp://files.example"},
	}
	for _, tt := range tests {
		if got := RedactEndpoint(tt.in); got != tt.want {
			t.Errorf("RedactEndpoint(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
