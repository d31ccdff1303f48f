// Package netutil holds the network predicates that the client and the CLI must agree on.
package netutil

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
)

// IsLoopback reports whether u's host is a loopback host: localhost (or a name under
// .localhost), 127.0.0.0/8 or ::1. Credentials may go to such hosts over plain HTTP,
// because the traffic never leaves the machine.
func IsLoopback(u *url.URL) bool {
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackHost is IsLoopback for a host or host:port, as in a Host header or a listen
// address.
func IsLoopbackHost(host string) bool {
	return IsLoopback(&url.URL{Host: host})
}

// IsCertificateError reports a failure to verify a server's certificate. Retrying cannot
// fix it, and the user needs to be told which trust to configure.
func IsCertificateError(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
	)
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verification)
}

// CredentialAllowed reports whether a credential (an HMAC signature, a token) may be sent
// to u without an explicit opt-in: over HTTPS, or to a loopback host, where the traffic
// never leaves the machine. Over plain HTTP to any other host a signature can be read and
// replayed (within the server's clock-skew window) by anyone on the path. The client, the
// control client, the conformance checker and the proxy all apply this one rule.
func CredentialAllowed(u *url.URL) bool {
	return u.Scheme == "https" || IsLoopback(u)
}
