package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ResolveURL resolves a URL the service returned (resourceLocation, Location,
// Operation-Location; relative such as "/phoneNumbers/operations/x?api-version=2022-12-01"
// or absolute) against the client's endpoint.
func (c *Client) ResolveURL(ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, errors.New("client: empty URL")
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("client: invalid URL %q: %w", ref, err)
	}
	return c.endpoint.ResolveReference(u), nil
}

const operationsPath = "/phoneNumbers/operations/"

// operationIDFrom accepts an operation id, a relative Operation-Location or an absolute
// URL on the client's endpoint, and returns the operation id.
func (c *Client) operationIDFrom(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", errors.New("client: empty operation id or location")
	}
	if !strings.Contains(ref, "/") {
		return ref, checkOperationID(ref) // a bare id
	}
	u, err := c.ResolveURL(ref)
	if err != nil {
		return "", err
	}
	if u.Scheme != c.endpoint.Scheme || !strings.EqualFold(hostWithoutDefaultPort(u), c.endpoint.Host) {
		return "", fmt.Errorf("client: operation location %s is not on the client's endpoint %s; credentials are only sent to the endpoint", u.Redacted(), c.endpoint)
	}
	path := strings.TrimPrefix(u.Path, strings.TrimRight(c.endpoint.Path, "/"))
	id, ok := strings.CutPrefix(path, operationsPath)
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", fmt.Errorf("client: %q is not an operation location (want %s{operationId})", ref, operationsPath)
	}
	return id, checkOperationID(id) // %2e%2e decodes to ".."
}

// hostWithoutDefaultPort returns u's host, dropping the port when it is the scheme's default.
func hostWithoutDefaultPort(u *url.URL) string {
	if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		return strings.TrimSuffix(u.Host, ":"+port) // keeps the brackets of an IPv6 literal
	}
	return u.Host
}

// InvalidOperationIDError is returned, before anything is sent, for an operation id that
// would not address one operation: an empty one, and "." or "..", which URL resolution
// turns into path segments (GET or DELETE /phoneNumbers/ instead), whether given as an id,
// in an operation location (%2e%2e) or in a resume token.
type InvalidOperationIDError struct {
	// ID is the id as given.
	ID string
}

// Error says what is wrong with the id.
func (e *InvalidOperationIDError) Error() string {
	if strings.TrimSpace(e.ID) == "" {
		return "client: operationID must not be empty"
	}
	return fmt.Sprintf("client: operationID %q is a path segment, not an id", e.ID)
}

// checkOperationID refuses ids that would not address one operation.
func checkOperationID(id string) error {
	switch strings.TrimSpace(id) {
	case "", ".", "..":
		return &InvalidOperationIDError{ID: id}
	}
	return nil
}
