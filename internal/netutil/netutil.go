// Package netutil holds the network predicates that the client and the CLI must agree on.
package netutil

import (
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
