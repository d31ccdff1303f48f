// Package conformance checks HTTP exchanges against the Phone Numbers Get Operation spec.
//
// It loads the spec embedded in pkg/types (the same document the code is generated from)
// and validates requests and responses with kin-openapi's openapi3filter: the status must
// be declared, the content type must match, declared headers must be valid and the body must
// match its schema, formats included. Nothing here holds global state; a [Validator] is safe
// for concurrent use.
package conformance
