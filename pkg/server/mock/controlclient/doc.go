// Package controlclient is a typed Go client of the mock's control API (/mock, described
// by openapi/control.yaml), for Go tests that script operations and read the request
// journal of a running `phonenumbers serve`:
//
//	doer, _ := controlclient.NewSigningDoer(accessKey, nil) // or http.DefaultClient for an open server
//	c, _ := controlclient.NewClientWithResponses(baseURL, controlclient.WithHTTPClient(doer))
//	res, _ := c.ListOperationsWithResponse(ctx, nil)
//
// controlclient.gen.go is generated; [SigningDoer] signs requests with an access key the
// way the server verifies them (HMAC-SHA256 over method, path and query, host, date and
// body hash).
package controlclient
