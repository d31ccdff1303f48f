package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

type nopTransport struct{}

func (nopTransport) Do(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(nil)), Request: req}, nil
}

// BenchmarkHMACPolicy measures the signing policies as the difference between a minimal
// pipeline with them ("signed") and without them ("baseline"), in one run.
func BenchmarkHMACPolicy(b *testing.B) {
	const key = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"
	now := func() time.Time { return time.Date(2022, 12, 1, 10, 20, 30, 0, time.UTC) }
	opts := &policy.ClientOptions{Transport: nopTransport{}, Telemetry: policy.TelemetryOptions{Disabled: true}, Retry: policy.RetryOptions{MaxRetries: -1}}
	for _, bc := range []struct {
		name     string
		policies []policy.Policy
	}{
		{"baseline", nil},
		{"signed", newHMACPolicies(azcore.NewKeyCredential(key), false, now)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			pl := runtime.NewPipeline("bench", "v0", runtime.PipelineOptions{PerRetry: bc.policies}, opts)
			ctx := context.Background()
			const u = "https://resourcename.communication.azure.com/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
			b.ReportAllocs()
			for b.Loop() {
				req, err := runtime.NewRequest(ctx, http.MethodGet, u)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := pl.Do(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
