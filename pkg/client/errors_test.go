package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

func TestErrorMapping(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		wantCode   string
		wantDetail bool
		wantInMsg  string
	}{
		{"json 404", 404, jsonHeader, `{"error":{"code":"NotFound","message":"Operation x cannot be found.","target":"operationid"}}`, "NotFound", true, "NotFound"},
		{"json 400 with innererror", 400, jsonHeader, `{"error":{"code":"InternalError","message":"The server encountered an internal error.","innererror":{"code":"BadRequest","message":"Invalid number."}}}`, "InternalError", true, "InternalError"},
		{"empty 404", 404, http.Header{"Content-Length": {"0"}}, "", "", false, "404"},
		{"html 400", 400, http.Header{"Content-Type": {"text/html"}}, "<html><body>Bad gateway config</body></html>", "", false, "400"},
		{"json but not an error", 403, jsonHeader, `{"message":"denied"}`, "", false, "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(tt.status, tt.header, tt.body)}}
			c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			_, err := c.GetOperation(context.Background(), "x", nil)
			var re *azcore.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %T %v, want *azcore.ResponseError", err, err)
			}
			if re.StatusCode != tt.status || re.ErrorCode != tt.wantCode {
				t.Errorf("status %d code %q, want %d %q", re.StatusCode, re.ErrorCode, tt.status, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) {
				t.Errorf("message %q lacks %q", err, tt.wantInMsg)
			}
			ce, ok := client.AsCommunicationError(err)
			if ok != tt.wantDetail {
				t.Fatalf("AsCommunicationError ok = %v", ok)
			}
			if ok && tt.name == "json 404" && (ce.Target == nil || *ce.Target != "operationid") {
				t.Errorf("target lost: %+v", ce)
			}
			if ok && tt.name == "json 400 with innererror" && (ce.Innererror == nil || ce.Innererror.Code != "BadRequest") {
				t.Errorf("innererror lost: %+v", ce)
			}
		})
	}
}

func TestUnexpectedSuccessBodies(t *testing.T) {
	for name, body := range map[string]string{
		"not json":      "<html>",
		"truncated":     `{"status":"succeeded","id":"x"`,
		"missing id":    `{"status":"running","operationType":"search","createdDateTime":"2023-01-01T00:00:00Z"}`,
		"wrong type":    `[1,2,3]`,
		"bad date-time": `{"status":"running","id":"x","operationType":"search","createdDateTime":"yesterday"}`,
	} {
		t.Run(name, func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, nil, body)}}
			c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
			_, err := c.GetOperation(context.Background(), "x", nil)
			if !errors.Is(err, client.ErrUnexpectedResponse) {
				t.Fatalf("err = %v, want ErrUnexpectedResponse", err)
			}
		})
	}
}

func TestGetOperationRejectsEmptyID(t *testing.T) {
	c := keyClient(t, "https://x.communication.azure.com", nil)
	if _, err := c.GetOperation(context.Background(), " ", nil); err == nil {
		t.Fatal("empty id accepted")
	}
}

// TestRetryAfterForms checks that 429/503 answers are retried after the delay the service
// asks for: the retry policy's own delay is an hour, so a test that finishes at all used
// the header.
func TestRetryAfterForms(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header http.Header
	}{
		{"retry-after-ms", 429, http.Header{"Retry-After-Ms": {"5"}}},
		{"x-ms-retry-after-ms", 503, http.Header{"X-Ms-Retry-After-Ms": {"5"}}},
		{"Retry-After seconds", 429, http.Header{"Retry-After": {"1"}}},
		// Two seconds ahead: an HTTP date has whole seconds, and one second ahead can already
		// be past when the answer is read (azcore then falls back to its own delay).
		{"Retry-After HTTP date", 503, http.Header{"Retry-After": {time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(tt.status, tt.header, ""), respond(200, nil, seedBody)}}
			c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{
				Transport: ft,
				Retry:     policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Hour, MaxRetryDelay: time.Hour},
			}})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := c.GetOperation(ctx, "search-my-operation-id", nil)
			if err != nil {
				t.Fatalf("err = %v (Retry-After not honoured?)", err)
			}
			if res.ID != "search-my-operation-id" || len(ft.seen()) != 2 {
				t.Fatalf("got %+v after %d attempts", res, len(ft.seen()))
			}
		})
	}
}

func TestRetryBudgetExhausted(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(500, nil, `{"error":{"code":"InternalError","message":"boom"}}`)}}
	c := keyClient(t, "https://x.communication.azure.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft, Retry: fastRetries()}})
	_, err := c.GetOperation(context.Background(), "x", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 500 || re.ErrorCode != "InternalError" {
		t.Fatalf("err = %v", err)
	}
	if n := len(ft.seen()); n != 4 {
		t.Errorf("%d attempts, want 1 + 3 retries", n)
	}
}

// TestDotIDsRefused: "." and ".." would be resolved as path segments (GET /phoneNumbers/),
// so the client refuses them as it refuses an empty id.
func TestDotIDsRefused(t *testing.T) {
	c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"", " ", ".", ".."} {
		if _, err := c.GetOperation(context.Background(), id, nil); err == nil || !strings.HasPrefix(err.Error(), "client: operationID") {
			t.Errorf("GetOperation(%q) = %v", id, err)
		}
		if _, err := c.CancelOperation(context.Background(), id, nil); err == nil || !strings.HasPrefix(err.Error(), "client: operationID") {
			t.Errorf("CancelOperation(%q) = %v", id, err)
		}
		if _, err := c.NewOperationPoller(id, nil); err == nil {
			t.Errorf("NewOperationPoller(%q) accepted", id)
		}
	}
}
