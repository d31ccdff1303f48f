// Package generated is the HTTP client oapi-codegen generates from openapi/phonenumbers.yaml
// (client.gen.go; do not edit). It does no authentication, retries or error mapping; most
// users want the azcore-based client in the parent package instead. It is kept public for
// callers that bring their own HTTP stack and for benchmarks against the full client.
package generated
