package conformance_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// BenchmarkValidateRecordedResponse validates one real recorded 200 answer against the spec.
func BenchmarkValidateRecordedResponse(b *testing.B) {
	exs, err := conformance.ReadRecordings(filepath.Join("..", "..", "testdata", "recordings", "js-node__lro_purchase_and_release__2022-12-01.json"))
	if err != nil {
		b.Fatal(err)
	}
	ex := exs[0]
	v, err := conformance.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := v.ValidateResponse(ctx, ex.Request, ex.Status, ex.Header, ex.Body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ValidateResponse(ctx, ex.Request, ex.Status, ex.Header, ex.Body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLiveSuite runs the whole live suite, with an access key, against the reference
// server on loopback.
func BenchmarkLiveSuite(b *testing.B) {
	ts := httptest.NewServer(referenceHandler(b, testKey))
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, AccessKey: testKey})
		if err != nil || rep.Failed() {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneratedCases measures generated cases per second against the reference
// server (what `phonenumbers serve` runs) on loopback, validation and all.
func BenchmarkGeneratedCases(b *testing.B) {
	ts := httptest.NewServer(referenceHandler(b, ""))
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	const cases = 1000
	seed := uint64(0)
	for b.Loop() {
		seed++
		rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, Cases: cases, Seed: seed})
		if err != nil || rep.Failed() {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cases*b.N)/b.Elapsed().Seconds(), "cases/s")
}
