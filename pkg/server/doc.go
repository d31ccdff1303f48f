// Package server is the reference server chain for the Phone Numbers Get Operation API:
// everything a compatible server needs around its own data, and nothing of the mock.
//
// server.gen.go is generated from openapi/phonenumbers.yaml: the echo routes, parameter
// binding and the typed [StrictServerInterface]. The hand-written files build a complete
// server around it:
//
//   - [Service] implements StrictServerInterface on top of an [OperationStore]; a store
//     that keeps its operations encoded may also implement [EncodedOperationStore].
//   - [New] wires it into an http.Handler: request validation against the spec with
//     kin-openapi, HMAC-SHA256 authentication when an access key is set, the live
//     service's headers (api-supported-versions, MS-CV, echoed x-ms-client-request-id),
//     request logging with log/slog and a panic guard. [Options].Observe and
//     [Options].Register let a caller watch requests and add routes behind the same chain.
//
// Every non-2xx answer, whatever produced it (unknown id or route, wrong method, missing or
// unsupported api-version, bad signature, panic), is a CommunicationErrorResponse
// ([APIError]).
//
// To serve your own data, implement OperationStore; to change behaviour entirely, implement
// StrictServerInterface and pass it as Options.Service. Either way the chain stays. The
// programmable mock (scripted timelines, fixtures, control API, journal) is package
// github.com/phonenumbers-go/phonenumbers/pkg/server/mock, built on this one.
package server
