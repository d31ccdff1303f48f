// Package server is a reference server and programmable mock for the Phone Numbers Get
// Operation API.
//
// server.gen.go is generated from openapi/phonenumbers.yaml: the echo routes, parameter
// binding and the typed [StrictServerInterface]. The hand-written files build a complete
// server around it:
//
//   - [Service] implements StrictServerInterface on top of an [OperationStore].
//   - [MemoryStore] is a bounded, concurrency-safe store of scripted [Operation]s whose
//     status follows a timeline of steps (by elapsed time or by number of polls), evaluated
//     when read: no background goroutines, and an injectable clock for tests.
//   - [New] wires it all into an http.Handler: request validation against the spec with
//     kin-openapi, HMAC-SHA256 authentication when an access key is set, the live
//     service's headers (api-supported-versions, MS-CV, echoed x-ms-client-request-id),
//     request logging with log/slog, a request journal and a panic guard.
//
// Every non-2xx answer, whatever produced it (unknown id or route, wrong method, missing or
// unsupported api-version, bad signature, panic), is a CommunicationErrorResponse.
//
// To serve your own data, implement OperationStore; to change behaviour entirely, implement
// StrictServerInterface and pass it as Options.Service. Either way the middleware stays.
package server
