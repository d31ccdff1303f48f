// Package conformance is the engine behind `phonenumbers conformance`: it says whether a
// server speaks the Phone Numbers Get Operation API correctly, and where not.
//
// A [Validator] loads the spec from package openapi (the document the code is generated
// from) and validates requests and responses with kin-openapi's openapi3filter: the status
// must be declared, the content type must match, declared headers must be valid and the
// body must match its schema, formats included. On top of that it runs semantic rules
// (MUST and SHOULD, see [Severity]):
//
//   - [Validator.RunLive] probes a running server ([LiveOptions]);
//   - [Validator.CheckRecordings] re-checks recorded traffic ([ReadRecordings],
//     [ParseRecording]: HAR 1.2, Azure SDK test-proxy recordings, the normalized format).
//
// Both return a [Report] of [Result]s, each with its [Status] and [Violation]s, which can
// be written as text, JSON or JUnit XML. Nothing here holds global state; a Validator is
// safe for concurrent use. For use inside go test, see package
// github.com/phonenumbers-go/phonenumbers/pkg/server/conformancetest.
package conformance
