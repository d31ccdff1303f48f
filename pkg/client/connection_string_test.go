package client_test

import (
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

func TestParseConnectionString(t *testing.T) {
	const key = testKey
	tests := []struct {
		name, in     string
		wantEndpoint string
		wantErr      string
	}{
		{"canonical", "endpoint=https://contoso.communication.azure.com/;accesskey=" + key, "https://contoso.communication.azure.com", ""},
		{"no trailing slash", "endpoint=https://contoso.communication.azure.com;accesskey=" + key, "https://contoso.communication.azure.com", ""},
		{"keys any case, whitespace", "  Endpoint = https://contoso.communication.azure.com/ ; AccessKey=" + key + " ;", "https://contoso.communication.azure.com", ""},
		{"order swapped", "accesskey=" + key + ";endpoint=http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"split on first =", "endpoint=https://x.communication.azure.com/;accesskey=" + "YWJj" + "=", "", "not valid base64"},
		{"key with padding", "endpoint=https://x.communication.azure.com/;accesskey=YWI=", "https://x.communication.azure.com", ""},
		{"unknown keys ignored", "endpoint=https://x.communication.azure.com/;accesskey=" + key + ";foo=bar", "https://x.communication.azure.com", ""},
		{"empty", "", "", "no endpoint"},
		{"missing key", "endpoint=https://x.communication.azure.com/", "", "no accesskey"},
		{"missing endpoint", "accesskey=" + key, "", "no endpoint"},
		{"not base64", "endpoint=https://x.communication.azure.com/;accesskey=s3cr3t!!", "", "not valid base64"},
		{"ftp endpoint", "endpoint=ftp://x/;accesskey=" + key, "", "http or https"},
		{"relative endpoint", "endpoint=x.communication.azure.com;accesskey=" + key, "", "http or https"},
		{"no equals", "endpoint;accesskey=" + key, "", "no '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := client.ParseConnectionString(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cs.Endpoint != tt.wantEndpoint {
					t.Errorf("endpoint = %q, want %q", cs.Endpoint, tt.wantEndpoint)
				}
				if strings.Contains(cs.String(), cs.AccessKey) {
					t.Errorf("String() shows the key: %s", cs)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error for %q", tt.in)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) || !strings.Contains(msg, "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>") {
				t.Errorf("error %q should say %q and name the format", msg, tt.wantErr)
			}
			for _, secret := range []string{key, "s3cr3t", "YWJj"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks the key: %s", msg)
				}
			}
		})
	}
	if _, err := client.NewClientFromConnectionString("endpoint=https://x.communication.azure.com/;accesskey="+key, nil); err != nil {
		t.Errorf("NewClientFromConnectionString: %v", err)
	}
	if _, err := client.NewClientFromConnectionString("garbage", nil); err == nil {
		t.Error("NewClientFromConnectionString accepted garbage")
	}
}
