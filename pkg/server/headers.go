package server

import (
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Header names the live service uses.
const (
	HeaderAPISupportedVersions    = "Api-Supported-Versions"
	HeaderMSCV                    = "Ms-Cv"
	HeaderClientRequestID         = "X-Ms-Client-Request-Id"
	HeaderReturnClientRequestID   = "X-Ms-Return-Client-Request-Id"
	maxEchoedClientRequestIDBytes = 256
)

// setServiceHeaders sets the headers the live service sends on every response: the
// supported api-versions (supported is the header's one value, shared), an MS-CV
// correlation vector, returned for the access log, and, when asked, the client's request id.
func setServiceHeaders(c echo.Context, supported []string) (msCV string) {
	req := c.Request()
	h := c.Response().Header()
	h[HeaderAPISupportedVersions] = supported
	msCV = newCorrelationVector()
	h[HeaderMSCV] = []string{msCV}
	if strings.EqualFold(headerValue(req.Header, HeaderReturnClientRequestID), "true") {
		if id := headerValue(req.Header, HeaderClientRequestID); id != "" && len(id) <= maxEchoedClientRequestIDBytes {
			h[HeaderClientRequestID] = []string{id}
		}
	}
	return msCV
}

// headerValue is h.Get(name) for a name already in canonical form: net/http stores
// received headers under canonical names, and canonicalising the name again on every
// lookup was a measurable part of the request path.
func headerValue(h http.Header, canonicalName string) string {
	if v := h[canonicalName]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// newCorrelationVector returns an MS-CV value shaped like the live service's:
// 22 base64url characters (16 random bytes) and ".0".
func newCorrelationVector() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	var out [24]byte
	base64.RawURLEncoding.Encode(out[:22], b[:])
	out[22], out[23] = '.', '0'
	return string(out[:])
}
