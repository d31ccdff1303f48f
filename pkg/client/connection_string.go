package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
)

// connectionStringFormat is quoted in every parse error so the fix is obvious.
const connectionStringFormat = `want "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>"`

// ConnectionString is a parsed Communication Services connection string.
type ConnectionString struct {
	// Endpoint is the resource URL without a trailing slash, e.g.
	// "https://contoso.communication.azure.com".
	Endpoint string
	// AccessKey is the base64 access key, as given.
	AccessKey string
}

// String returns the connection string with the access key masked, so that a
// ConnectionString can be printed or logged safely.
func (c ConnectionString) String() string {
	return "endpoint=" + c.Endpoint + "/;accesskey=***"
}

// ParseConnectionString parses "endpoint=...;accesskey=...". Pairs are separated by ';' and
// split on the first '='; key names are case-insensitive and whitespace around keys and
// values is ignored; a trailing '/' on the endpoint is tolerated. Errors name the expected
// format and never contain the access key.
func ParseConnectionString(cs string) (ConnectionString, error) {
	var out ConnectionString
	for part := range strings.SplitSeq(cs, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return ConnectionString{}, fmt.Errorf("client: invalid connection string: a part has no '=': %s", connectionStringFormat)
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "endpoint":
			out.Endpoint = strings.TrimSpace(v)
		case "accesskey":
			out.AccessKey = strings.TrimSpace(v)
		}
	}
	if out.Endpoint == "" {
		return ConnectionString{}, fmt.Errorf("client: invalid connection string: no endpoint: %s", connectionStringFormat)
	}
	if out.AccessKey == "" {
		return ConnectionString{}, fmt.Errorf("client: invalid connection string: no accesskey: %s", connectionStringFormat)
	}
	endpoint, err := normalizeEndpoint(out.Endpoint)
	if err != nil {
		return ConnectionString{}, fmt.Errorf("client: invalid connection string: %w: %s", err, connectionStringFormat)
	}
	out.Endpoint = endpoint
	if _, err := hmacauth.DecodeKey(out.AccessKey); err != nil {
		return ConnectionString{}, fmt.Errorf("client: invalid connection string: %w: %s", err, connectionStringFormat)
	}
	return out, nil
}

// normalizeEndpoint checks that endpoint is an absolute http(s) URL without query or
// fragment and returns it without a trailing slash.
func normalizeEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil {
		return "", errors.New("the endpoint is not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", errors.New("the endpoint must be an http or https URL")
	}
	if u.Host == "" {
		return "", errors.New("the endpoint has no host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("the endpoint must not carry credentials, a query or a fragment")
	}
	// Drop a default port, so that the Host header sent and signed is the plain host name.
	u.Host = hostWithoutDefaultPort(u)
	return strings.TrimRight(u.String(), "/"), nil
}
