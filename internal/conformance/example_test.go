package conformance_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// exampleServer is the reference server on loopback, as `phonenumbers serve` runs it.
func exampleServer() *httptest.Server {
	store, _ := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	h, _ := server.New(store, nil)
	return httptest.NewServer(h)
}

// ExampleValidator_RunLive checks a running server with the fixed probes and 40
// generated requests; the seed makes the run reproducible.
func ExampleValidator_RunLive() {
	ts := exampleServer()
	defer ts.Close()
	v, err := conformance.NewValidator()
	if err != nil {
		panic(err)
	}
	rep, err := v.RunLive(context.Background(), &conformance.LiveOptions{Endpoint: ts.URL, Cases: 40, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("failed:", rep.Failed(), "seed:", *rep.Seed)
	for _, r := range rep.Results {
		if r.Check == "generated-no-5xx" {
			fmt.Println(r.Name, r.Status)
		}
	}
	// Output:
	// failed: false seed: 1
	// generated/no-5xx pass
}

// ExampleGenerateCases shows the first generated requests: the same seed always gives
// the same ones.
func ExampleGenerateCases() {
	for _, c := range conformance.GenerateCases(3, 1, &conformance.CaseOptions{KnownID: "search-my-operation-id"}) {
		fmt.Println(c.Kind, c.Method)
	}
	// Output:
	// method/HEAD HEAD
	// id/non-ascii GET
	// id/reserved-%2F GET
}

// ExampleValidator_NewProxy puts the proxy between a client and a server: every exchange
// is validated as it passes, and the recording can be re-checked offline later.
func ExampleValidator_NewProxy() {
	upstream := exampleServer()
	defer upstream.Close()
	v, _ := conformance.NewValidator()
	p, err := v.NewProxy(&conformance.ProxyOptions{
		Upstream: upstream.URL,
		OnResult: func(r conformance.Result) { fmt.Println("violation:", r.Check, r.Reason) },
	})
	if err != nil {
		panic(err)
	}
	front := httptest.NewServer(p)
	defer front.Close()
	res, err := http.Get(front.URL + "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01")
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	rep := p.Report()
	fmt.Println(res.StatusCode, rep.Summary.Passed, "passed,", rep.Summary.Failed, "failed")
	// Output:
	// 200 7 passed, 0 failed
}

// ExampleReport_WriteMarkdown writes the summary CI pages show (GITHUB_STEP_SUMMARY).
func ExampleReport_WriteMarkdown() {
	v, _ := conformance.NewValidator()
	exs, err := conformance.ReadRecordings("../../testdata/recordings/net__CreateSearch__2022-12-01.json")
	if err != nil {
		panic(err)
	}
	rep := v.CheckRecordings(context.Background(), "net__CreateSearch", exs, &conformance.RecordingsOptions{Strict: false})
	_ = rep.WriteMarkdown(os.Stdout)
	// Output:
	// ### Phone Numbers conformance: passed
	//
	// Target `net__CreateSearch`, api-version 2022-12-01.
	//
	// | passed | failed | warnings | skipped | blocked |
	// |---:|---:|---:|---:|---:|
	// | 12 | 0 | 0 | 2 | 0 |
}
