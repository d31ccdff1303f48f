// Package conformance is the engine behind `phonenumbers conformance`: it says whether a
// server speaks the Phone Numbers Get Operation API correctly, and where not.
//
// A [Validator] loads the spec from package openapi (the document the code is generated
// from) and validates requests and responses with kin-openapi's openapi3filter: the status
// must be declared, the content type must match, declared headers must be valid and the
// body must match its schema, formats included. On top of that it runs semantic rules
// (MUST and SHOULD, see [Severity]):
//
//   - [Validator.RunLive] probes a running server ([LiveOptions]) with fixed probes and,
//     with LiveOptions.Cases, requests generated from the spec ([GenerateCases], seeded:
//     the same seed sends the same requests; failures come with a shrunk curl command);
//   - [Validator.NewProxy] validates real traffic as it passes to a server, and records it;
//   - [Validator.CheckRecordings] re-checks recorded traffic ([ReadRecordings],
//     [ParseRecording]: HAR 1.2, Azure SDK test-proxy recordings, the normalized format).
//
// Each gives a [Report] of [Result]s, each with a stable name, its [Status] and
// [Violation]s, which can be written as text, JSON, JUnit XML or a Markdown summary. The
// checks, their severities and their sources are listed in docs/conformance.md. Nothing here holds global state; a Validator is
// safe for concurrent use. For use inside go test, see package
// github.com/phonenumbers-go/phonenumbers/pkg/server/conformancetest.
package conformance
