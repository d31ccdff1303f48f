package client_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// FuzzParseConnectionString: never a panic, and an error never contains the access key.
func FuzzParseConnectionString(f *testing.F) {
	f.Add("endpoint=https://contoso.communication.azure.com/;accesskey=" + testKey)
	f.Add("ENDPOINT = http://127.0.0.1:8080 ; AccessKey=c2VjcmV0;")
	f.Add("endpoint=ftp://x;accesskey=s3cr3t-not-base64")
	f.Add(";;=;endpoint==;accesskey==")
	f.Add("endpoint=https://user:pass@x/?q#f;accesskey=YQ==")
	f.Fuzz(func(t *testing.T, cs string) {
		parsed, err := client.ParseConnectionString(cs)
		if err == nil {
			if parsed.Endpoint == "" || parsed.AccessKey == "" {
				t.Fatalf("accepted %q without endpoint or key", cs)
			}
			if strings.Contains(parsed.String(), parsed.AccessKey) {
				t.Fatalf("String() shows the key")
			}
			return
		}
		// The fixed help text (the expected format) may contain any short string by chance.
		msg := strings.ReplaceAll(err.Error(), `"endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>"`, "")
		for part := range strings.SplitSeq(cs, ";") {
			k, v, ok := strings.Cut(part, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "accesskey") {
				if v = strings.TrimSpace(v); len(v) >= 4 && strings.Contains(msg, v) {
					t.Fatalf("error %q contains the key %q", err, v)
				}
			}
		}
	})
}

// FuzzGetOperationResponse answers GetOperation with arbitrary status, headers and body.
// Property: a value or a typed error, never a panic, never a hang.
func FuzzGetOperationResponse(f *testing.F) {
	f.Add(200, "Content-Type", "application/json", []byte(seedBody))
	f.Add(404, "Content-Type", "application/json", []byte(`{"error":{"code":"NotFound","message":"x","target":"operationid"}}`))
	f.Add(400, "Content-Type", "text/html", []byte("<html>"))
	f.Add(200, "Location", "/x", []byte(`{"id":"x","status":"running","operationType":"search","createdDateTime":"0001-01-01T00:00:00+00:00"}`))
	f.Add(429, "Retry-After", "Thu, 01 Dec 2022 10:20:30 GMT", []byte(nil))
	f.Add(503, "Retry-After-Ms", "1", []byte(nil))
	f.Add(204, "", "", []byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, status int, hName, hValue string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		header := http.Header{}
		if hName != "" {
			header.Set(hName, hValue)
		}
		tr := policyTransport(func(req *http.Request) *http.Response {
			return &http.Response{StatusCode: status, Header: header.Clone(), Body: io.NopCloser(bytes.NewReader(body)), Request: req}
		})
		c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{
			Transport: tr,
			Retry:     policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond},
		}})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan struct{})
		var (
			res client.GetOperationResponse
			err error
		)
		go func() { defer close(done); res, err = c.GetOperation(ctx, "x", nil) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("GetOperation did not return (status %d, %s: %q)", status, hName, hValue)
		}
		if err == nil {
			if status != 200 || res.ID == "" || res.Status == "" {
				t.Fatalf("status %d accepted as %+v", status, res)
			}
			return
		}
		var re *azcore.ResponseError
		switch {
		case errors.As(err, &re):
			if re.StatusCode != status {
				t.Fatalf("ResponseError status %d, want %d", re.StatusCode, status)
			}
		case errors.Is(err, client.ErrUnexpectedResponse), errors.Is(err, context.DeadlineExceeded):
		default:
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// policyTransport adapts a function to policy.Transporter.
type policyTransport func(*http.Request) *http.Response

func (f policyTransport) Do(req *http.Request) (*http.Response, error) { return f(req), nil }
