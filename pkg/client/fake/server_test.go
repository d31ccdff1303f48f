package fake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/client/fake"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// seen records what the pipeline sent, just before the fake answers.
type seen struct{ auth, date, ua atomic.Value }

func (s *seen) Do(req *policy.Request) (*http.Response, error) {
	s.auth.Store(req.Raw().Header.Get("Authorization"))
	s.date.Store(req.Raw().Header.Get("x-ms-date"))
	s.ua.Store(req.Raw().Header.Get("User-Agent"))
	return req.Next()
}

func TestFakeGoesThroughThePipeline(t *testing.T) {
	loc := "/availablePhoneNumbers/searchResults/x"
	srv := fake.Server{
		GetOperation: func(_ context.Context, id string, _ *client.GetOperationOptions) (resp azfake.Responder[client.GetOperationResponse], errResp azfake.ErrorResponder) {
			resp.SetResponse(http.StatusOK, client.GetOperationResponse{Location: &loc, PhoneNumberOperation: types.PhoneNumberOperation{
				ID: id, OperationType: types.PhoneNumberOperationTypeSearch, Status: types.PhoneNumberOperationStatusSucceeded, ResourceLocation: &loc,
			}}, nil)
			return
		},
		CancelOperation: func(_ context.Context, id string, _ *client.CancelOperationOptions) (resp azfake.Responder[client.CancelOperationResponse], errResp azfake.ErrorResponder) {
			if id == "gone" {
				errResp.SetResponseError(http.StatusNotFound, "NotFound")
				return
			}
			resp.SetResponse(http.StatusNoContent, client.CancelOperationResponse{}, nil)
			return
		},
	}
	rec := &seen{}
	c, err := client.NewClientWithKeyCredential("https://contoso.communication.azure.com", azcore.NewKeyCredential("c2VjcmV0"),
		&client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv), PerRetryPolicies: []policy.Policy{rec}}})
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.GetOperation(context.Background(), "search_1", nil)
	if err != nil || op.ID != "search_1" || op.Location == nil || *op.Location != loc {
		t.Fatalf("GetOperation = %+v, %v", op, err)
	}
	if a, _ := rec.auth.Load().(string); !strings.HasPrefix(a, "HMAC-SHA256 ") || rec.date.Load() == "" || !strings.Contains(rec.ua.Load().(string), "azsdk-go-phonenumbers") {
		t.Errorf("the fake saw Authorization %q, x-ms-date %q, User-Agent %q", a, rec.date.Load(), rec.ua.Load())
	}
	if _, err := c.CancelOperation(context.Background(), "op", nil); err != nil {
		t.Errorf("CancelOperation: %v", err)
	}
	_, err = c.CancelOperation(context.Background(), "gone", nil)
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.ErrorCode != "NotFound" {
		t.Errorf("CancelOperation(gone) = %v, want a 404 *azcore.ResponseError", err)
	}
}

func TestFakeMethodsNotSet(t *testing.T) {
	tests := []struct {
		name string
		srv  fake.Server
		call func(*client.Client) error
		want string
	}{
		{"GetOperation nil", fake.Server{}, func(c *client.Client) error { _, err := c.GetOperation(context.Background(), "x", nil); return err },
			"fake.Server.GetOperation is not set"},
		{"CancelOperation nil", fake.Server{}, func(c *client.Client) error { _, err := c.CancelOperation(context.Background(), "x", nil); return err },
			"fake.Server.CancelOperation is not set"},
		{"no answer set", fake.Server{GetOperation: func(context.Context, string, *client.GetOperationOptions) (r azfake.Responder[client.GetOperationResponse], e azfake.ErrorResponder) {
			return
		}}, func(c *client.Client) error { _, err := c.GetOperation(context.Background(), "x", nil); return err }, "set no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := client.NewClientWithNoCredential("https://contoso.communication.azure.com",
				&client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&tt.srv), Retry: policy.RetryOptions{MaxRetries: -1}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.call(c); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
