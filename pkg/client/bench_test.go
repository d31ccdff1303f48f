package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/client/internal/generated"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

func openServer(b *testing.B) *httptest.Server {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(store, nil)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	return ts
}

// BenchmarkGetOperation compares the azcore-based client with the raw generated client,
// end to end over loopback against the same (open) reference server.
func BenchmarkGetOperation(b *testing.B) {
	ts := openServer(b)
	ctx := context.Background()
	b.Run("raw-generated", func(b *testing.B) {
		c, err := generated.NewClientWithResponses(ts.URL)
		if err != nil {
			b.Fatal(err)
		}
		params := &types.PhoneNumbersGetOperationParams{APIVersion: types.DefaultAPIVersion}
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.PhoneNumbersGetOperationWithResponse(ctx, types.ExampleOperationID, params)
			if err != nil || res.JSON200 == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("azcore-client", func(b *testing.B) {
		c, err := client.NewClient(ts.URL, &fakeToken{}, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: http.DefaultClient}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetOperation(ctx, types.ExampleOperationID, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHMACSigning measures signing one request (HMAC policy only: every other policy
// is disabled or trivial, the transport does no I/O).
func BenchmarkHMACSigning(b *testing.B) {
	signer := &signOnly{}
	c, err := client.NewClientWithKeyCredential("https://x.communication.azure.com", azcore.NewKeyCredential(testKey), client.WithClock(&client.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: signer, Telemetry: policy.TelemetryOptions{Disabled: true}, Retry: policy.RetryOptions{MaxRetries: -1}},
	}, func() time.Time { return vectorDate }))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = c.GetOperation(ctx, types.ExampleOperationID, nil)
	}
}

type signOnly struct{}

func (signOnly) Do(req *http.Request) (*http.Response, error) {
	return respond(200, nil, seedBody)(req), nil
}
