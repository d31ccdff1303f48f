package server

import (
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// Header names as the live service spells them on the wire. net/http writes a name as it
// is keyed in the header map, so these are set as map keys, not with Header.Set (which
// would send Api-Supported-Versions and Ms-Cv); a client reading them with Header.Get
// finds them under the canonical names all the same.
const (
	HeaderAPISupportedVersions = "api-supported-versions"
	HeaderMSCV                 = "MS-CV"
	HeaderXCache               = "X-Cache"
	HeaderProcessingTime       = "X-Processing-Time"
	HeaderRequestContext       = "Request-Context"
	HeaderHSTS                 = "Strict-Transport-Security"
	// HeaderClientRequestID is the client's request id. The live service never echoes it
	// (0 of 9 recorded requests that asked), and neither does this server.
	HeaderClientRequestID       = "X-Ms-Client-Request-Id"
	HeaderReturnClientRequestID = "X-Ms-Return-Client-Request-Id"
)

// Values the live service sends on every answer.
var (
	configNoCache = []string{"CONFIG_NOCACHE"}
	emptyAppID    = []string{"appId="}
)

// setServiceHeaders sets the headers the live service sends on every answer, as profile
// says it sent them: the supported api-versions (supported is the header's one value,
// shared), an MS-CV correlation vector (returned for the access log), X-Cache, an
// X-Azure-Ref, the processing time so far, HSTS over HTTPS and Request-Context.
func setServiceHeaders(c echo.Context, supported []string, profile liveProfile, elapsed time.Duration) (msCV string) {
	h := c.Response().Header()
	h[HeaderAPISupportedVersions] = supported
	// One array for the two values made per answer: a header value is a []string, and
	// two small slices cost an allocation each on the request path.
	values := new([2]string)
	values[0], values[1] = newCorrelationVector(), newAzureRef()
	msCV = values[0]
	h[HeaderMSCV] = values[0:1:1]
	h[HeaderXCache] = configNoCache
	h[profile.azureRefName] = values[1:2:2]
	h[HeaderProcessingTime] = processingTime(elapsed)
	if profile.hsts != "" && c.Request().TLS != nil {
		h[HeaderHSTS] = []string{profile.hsts}
	}
	if profile.requestContext {
		h[HeaderRequestContext] = emptyAppID
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

// newCorrelationVector returns an MS-CV value shaped like the live service's: 22
// characters of the standard base64 alphabet (16 random bytes; '+' and '/' included) and
// ".0".
func newCorrelationVector() string {
	var b [16]byte
	randomBytes(b[:])
	var out [24]byte
	base64.RawStdEncoding.Encode(out[:22], b[:])
	out[22], out[23] = '.', '0'
	return string(out[:])
}

// azureRefTail is what follows the random part of an X-Azure-Ref: the live values carry
// the edge's name and a fixed id after a NUL; this one names no real edge.
var azureRefTail = []byte("MOCKEDGE0001\x0000000000-0000-4000-8000-000000000000")

// newAzureRef returns an X-Azure-Ref value shaped like Azure Front Door's: "0" and the
// standard base64 of 4 random bytes, 4 zero bytes, 16 random bytes and azureRefTail.
func newAzureRef() string {
	var b [24 + 48]byte
	randomBytes(b[:4])
	randomBytes(b[8:24])
	n := 24 + copy(b[24:], azureRefTail)
	var out [1 + 96]byte
	out[0] = '0'
	base64.StdEncoding.Encode(out[1:], b[:n])
	return string(out[:1+base64.StdEncoding.EncodedLen(n)])
}

// processingTimes are the X-Processing-Time values of the first 100 ms, made once: the
// mock answers in well under a millisecond, so most answers send "0ms".
var processingTimes = func() (t [100][]string) {
	for i := range t {
		t[i] = []string{strconv.Itoa(i) + "ms"}
	}
	return t
}()

// processingTime is the X-Processing-Time value for d.
func processingTime(d time.Duration) []string {
	if ms := d.Milliseconds(); ms >= 0 && ms < int64(len(processingTimes)) {
		return processingTimes[ms]
	}
	return []string{strconv.FormatInt(d.Milliseconds(), 10) + "ms"}
}

// randomBytes fills b from math/rand/v2: the values only need to look random (they name
// nothing), and it costs far less than crypto/rand on every answer.
func randomBytes(b []byte) {
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, rand.Uint64())
		b = b[8:]
	}
	if len(b) > 0 {
		var last [8]byte
		binary.LittleEndian.PutUint64(last[:], rand.Uint64())
		copy(b, last[:])
	}
}
