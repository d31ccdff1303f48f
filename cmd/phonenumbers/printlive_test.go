package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestPrintLiveCannotBeForged (issue 21, item 21): the proxy's live lines escape newlines
// in a server's reason and violations and in the client's URL, so none prints a fake line.
func TestPrintLiveCannotBeForged(t *testing.T) {
	forged := "\nPASS operation-schema GET /phoneNumbers/operations/x -> 200\r\n"
	var out bytes.Buffer
	printLive(&out, conformance.Result{Status: conformance.StatusFail, Check: "response-schema",
		Request: conformance.RequestInfo{Method: "GET", URL: "/phoneNumbers/operations/a" + forged}, ResponseStatus: 500,
		Reason: "boom" + forged, Violations: []conformance.Violation{{Path: "/error" + forged, Message: "bad" + forged}}})
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "PASS") || strings.Contains(line, "\r") {
			t.Errorf("forged line %q in:\n%s", line, out.String())
		}
	}
	if got := strings.Count(out.String(), "\n"); got != 2 {
		t.Errorf("%d lines, want 2 (the result and its violation):\n%s", got, out.String())
	}
}
