package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Published test vectors (two independent implementations agree on them).
const vectorKey = "cGhvbmVudW1iZXJzLXRlc3QtYWNjZXNzLWtleS0wMTIzNDU2Nzg5"

var vectorDate = time.Date(2022, 12, 1, 10, 20, 30, 0, time.UTC)

func mustKey(t testing.TB) []byte {
	k, err := base64.StdEncoding.DecodeString(vectorKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVectors(t *testing.T) {
	tests := []struct {
		name, pathAndQuery, host, want string
	}{
		{"default port", "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01",
			"resourcename.communication.azure.com", "B9osjJC02B01tDALPcfG6Ze2M9cZKnsLZ2NNZxjzkm8="},
		{"port in host", "/phoneNumbers/operations/purchase_18c224b7-0000-4000-8000-000000000001?api-version=2022-12-01",
			"127.0.0.1:8080", "hUTv/13QZdd0BjA29nP41taj+ZW8V/0hHIMHbWn0NlI="},
	}
	s := NewSigner(mustKey(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := FormatDate(vectorDate)
			if date != "Thu, 01 Dec 2022 10:20:30 GMT" {
				t.Fatalf("FormatDate = %q", date)
			}
			got := s.Sign(StringToSign("get", tt.pathAndQuery, date, tt.host, ContentHash(nil)))
			if got != tt.want {
				t.Fatalf("signature = %s, want %s", got, tt.want)
			}
			_, auth := s.SignRequest("GET", tt.pathAndQuery, tt.host, EmptyContentHash, vectorDate)
			if auth != "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+tt.want {
				t.Fatalf("Authorization = %s", auth)
			}
		})
	}
	if ContentHash([]byte{}) != EmptyContentHash || ContentHash([]byte("x")) == EmptyContentHash {
		t.Fatal("ContentHash is wrong")
	}
}

func TestFormatDateTwoDigitDay(t *testing.T) {
	if got := FormatDate(time.Date(2023, 7, 4, 1, 2, 3, 0, time.FixedZone("x", 3600))); got != "Tue, 04 Jul 2023 00:02:03 GMT" {
		t.Fatalf("FormatDate = %q", got)
	}
}

// signed builds a valid request for the verifier tests and lets each case tamper with it.
func signed(t *testing.T, key []byte, at time.Time, mutate func(r *Request)) Request {
	t.Helper()
	const pq = "/phoneNumbers/operations/op1?api-version=2022-12-01"
	const host = "127.0.0.1:8080"
	date, auth := NewSigner(key).SignRequest("GET", pq, host, EmptyContentHash, at)
	r := Request{Method: "GET", PathAndQuery: pq, Host: host, Header: http.Header{
		"Authorization":       {auth},
		"X-Ms-Date":           {date},
		"X-Ms-Content-Sha256": {EmptyContentHash},
	}}
	if mutate != nil {
		mutate(&r)
	}
	return r
}

func TestVerifier(t *testing.T) {
	key := mustKey(t)
	now := vectorDate
	v := NewVerifier(key, 0, func() time.Time { return now })
	otherKey := []byte("another key entirely")
	tests := []struct {
		name    string
		req     Request
		wantErr string // substring; "" means valid
	}{
		{"valid", signed(t, key, now, nil), ""},
		{"valid 14m old", signed(t, key, now.Add(-14*time.Minute), nil), ""},
		{"wrong key", signed(t, otherKey, now, nil), "signature does not match"},
		{"tampered path", signed(t, key, now, func(r *Request) { r.PathAndQuery = "/phoneNumbers/operations/op2?api-version=2022-12-01" }), "signature does not match"},
		{"tampered query", signed(t, key, now, func(r *Request) { r.PathAndQuery += "&x=1" }), "signature does not match"},
		{"tampered host", signed(t, key, now, func(r *Request) { r.Host = "127.0.0.1:8081" }), "signature does not match"},
		{"tampered method", signed(t, key, now, func(r *Request) { r.Method = "DELETE" }), "signature does not match"},
		{"stale date", signed(t, key, now.Add(-16*time.Minute), nil), "clock skew"},
		{"future date", signed(t, key, now.Add(16*time.Minute), nil), "clock skew"},
		{"missing authorization", signed(t, key, now, func(r *Request) { r.Header.Del("Authorization") }), "missing Authorization"},
		{"missing date", signed(t, key, now, func(r *Request) { r.Header.Del("X-Ms-Date") }), "missing x-ms-date"},
		{"bad date", signed(t, key, now, func(r *Request) { r.Header.Set("X-Ms-Date", "yesterday") }), "invalid x-ms-date"},
		{"missing content hash", signed(t, key, now, func(r *Request) { r.Header.Del("X-Ms-Content-Sha256") }), "missing x-ms-content-sha256"},
		{"body hash mismatch", signed(t, key, now, func(r *Request) { r.Body = []byte("{}") }), "does not match the request body"},
		{"bearer scheme", signed(t, key, now, func(r *Request) { r.Header.Set("Authorization", "Bearer abc") }), "HMAC-SHA256 scheme"},
		{"no params", signed(t, key, now, func(r *Request) { r.Header.Set("Authorization", "HMAC-SHA256 garbage") }), "malformed"},
		{"bad signed headers", signed(t, key, now, func(r *Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-ms-date;host", "host;x-ms-date", 1))
		}), "SignedHeaders must be"},
		{"signature not base64", signed(t, key, now, func(r *Request) {
			r.Header.Set("Authorization", Scheme+" SignedHeaders="+SignedHeaders+"&Signature=!!!")
		}), "not base64"},
		{"lower-case header names", signed(t, key, now, func(r *Request) {
			h := http.Header{}
			for k, v := range r.Header {
				h[strings.ToLower(k)] = v
			}
			r.Header = h
		}), ""},
		{"date form", func() Request {
			const pq = "/phoneNumbers/operations/op1?api-version=2022-12-01"
			date := FormatDate(now)
			sig := NewSigner(key).Sign(StringToSign("GET", pq, date, "h", EmptyContentHash))
			return Request{Method: "GET", PathAndQuery: pq, Host: "h", Header: http.Header{
				"Authorization":       {Scheme + " SignedHeaders=date;host;x-ms-content-sha256&Signature=" + sig},
				"Date":                {date},
				"X-Ms-Content-Sha256": {EmptyContentHash},
			}}
		}(), ""},
		// The allocation-free comparison covers only the canonical form; the cases it
		// does not match must get the answers of the decoding path.
		{"non-canonical base64 signature (unused low bits set)", signed(t, key, now, func(r *Request) {
			r.Header.Set("Authorization", withUnusedBitsSet(t, r.Header.Get("Authorization")))
		}), "not base64"},
		{"signature given twice", signed(t, key, now, func(r *Request) {
			auth := r.Header.Get("Authorization")
			prefix, sig, _ := strings.Cut(auth, "&Signature=")
			r.Header.Set("Authorization", prefix+"&Signature=junk&Signature="+sig)
		}), "given twice"},
		{"lower-case scheme and parameter names", signed(t, key, now, func(r *Request) {
			auth := strings.Replace(r.Header.Get("Authorization"), Scheme+" SignedHeaders=", "hmac-sha256 signedheaders=", 1)
			r.Header.Set("Authorization", strings.Replace(auth, "&Signature=", "&signature=", 1))
		}), ""},
		{"an extra parameter after the signature", signed(t, key, now, func(r *Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+"&Extra=1")
		}), ""},
		{"signature cut short", signed(t, key, now, func(r *Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", auth[:len(auth)-4])
		}), "not base64"},
		{"received time decides the skew, not the clock", signed(t, key, now.Add(-20*time.Minute), func(r *Request) {
			r.Received = now.Add(-20 * time.Minute)
		}), ""},
		{"received time too late", signed(t, key, now, func(r *Request) { r.Received = now.Add(16 * time.Minute) }), "clock skew"},
		{"date form without date header", func() Request {
			r := signed(t, key, now, nil)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-ms-date;", "date;", 1))
			return r
		}(), "missing date header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.req)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			var ae *AuthError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Verify = %v, want an AuthError containing %q", err, tt.wantErr)
			}
			if sig := tt.req.Header.Get("Authorization"); len(sig) > 20 && strings.Contains(err.Error(), sig[len(sig)-20:]) {
				t.Fatalf("error leaks the signature: %v", err)
			}
		})
	}
}

// withUnusedBitsSet rewrites the signature of an Authorization value into a non-canonical
// base64 form that lenient decoding reads as the same bytes: base64 of 32 bytes carries 2
// unused bits in its last character. The verifier refuses it, so that a valid signature
// has one spelling only.
func withUnusedBitsSet(t *testing.T, auth string) string {
	t.Helper()
	prefix, sig, ok := strings.Cut(auth, "&Signature=")
	if !ok || len(sig) != 44 {
		t.Fatalf("unexpected Authorization %q", auth)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	last := strings.IndexByte(alphabet, sig[42])
	odd := sig[:42] + string(alphabet[last|3]) + "="
	if odd == sig {
		t.Fatal("the signature already has its unused bits set")
	}
	return prefix + "&Signature=" + odd
}

// TestParseIMFFixdateMatchesTimeParse: the fast path accepts exactly what time.Parse
// accepts in the IMF-fixdate layout, with the same result, and leaves the rest alone.
func TestParseIMFFixdateMatchesTimeParse(t *testing.T) {
	start := time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		at := start.Add(time.Duration(i) * 7777 * time.Second * 13)
		s := at.Format("Mon, 02 Jan 2006 15:04:05 GMT")
		got, ok := parseIMFFixdate(s)
		if !ok || !got.Equal(at) {
			t.Fatalf("%s: %v %v, want %v", s, got, ok, at)
		}
	}
	for _, s := range []string{
		"Fri, 01 Dec 2022 10:20:30 GMT", // wrong weekday
		"Thu, 31 Feb 2022 10:20:30 GMT", "Thu, 01 Dec 2022 24:00:00 GMT", "Thu, 01 Foo 2022 10:20:30 GMT",
		"Thu, 1 Dec 2022 10:20:30 GMT", "Thursday, 01-Dec-22 10:20:30 GMT", "Thu Dec  1 10:20:30 2022",
		"Thu, 01 Dec 2022 10:20:30 UTC", "Thu, 0x Dec 2022 10:20:30 GMT", "",
	} {
		if got, ok := parseIMFFixdate(s); ok {
			t.Errorf("%q accepted as %v", s, got)
		}
	}
}

// TestSignedHostFormsOfTheSDKs: each official SDK's way of writing the host in the string
// to sign is accepted for the request it signed, and a signature over another host is not.
// Signatures are computed here with crypto/hmac directly, not with this package's signer.
func TestSignedHostFormsOfTheSDKs(t *testing.T) {
	key := []byte("sdk-host-forms-test-key")
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	date := FormatDate(at)
	const path = "/phoneNumbers/operations/op?api-version=2025-06-01"
	tests := []struct {
		name       string
		hostHeader string // what the server receives
		signed     string // what the SDK put in the string to sign
		ok         bool
	}{
		// .NET HMACAuthenticationPolicy (Uri.Authority) and @azure/communication-common
		// 2.4.2+ (communicationAccessKeyCredentialPolicy, url.host): the Host header itself.
		{".NET / JS common 2.4.2+", "127.0.0.1:8080", "127.0.0.1:8080", true},
		// Java azure-communication-common HmacAuthenticationPolicy: url.getHost(), no port;
		// it sends that as Host too, but a proxy may add the port back.
		{"Java, Host as Java sends it", "127.0.0.1", "127.0.0.1", true},
		{"Java, port added on the way", "127.0.0.1:8080", "127.0.0.1", true},
		{"Java, IPv6", "[::1]:8080", "[::1]", true},
		// @azure/communication-common 2.3.1 and 2.4.0: `${url.host}:${port}`, port twice.
		{"JS common 2.3.1, port doubled", "127.0.0.1:8080", "127.0.0.1:8080:8080", true},
		{"JS common 2.3.1, Host doubled too", "127.0.0.1:8080:8080", "127.0.0.1:8080:8080", true},
		// Python azure-communication-* _shared/policy.py HMACCredentialsPolicy: the endpoint
		// string minus "https://", so an explicit default port or a trailing slash is signed.
		{"Python, explicit :443", "contoso.communication.azure.com", "contoso.communication.azure.com:443", true},
		{"Python, trailing slash", "contoso.communication.azure.com", "contoso.communication.azure.com/", true},
		{"Python, port and slash", "127.0.0.1:8443", "127.0.0.1:8443/", true},
		// Another host is refused, whatever its shape.
		{"another host", "127.0.0.1:8080", "evil.example:8080", false},
		{"another port", "127.0.0.1:8080", "127.0.0.1:9090", false},
		{"another doubled port", "127.0.0.1:8080", "127.0.0.1:8080:9090", false},
		{"a port where none was sent", "contoso.communication.azure.com", "contoso.communication.azure.com:8443", false},
		{"another host without port", "127.0.0.1:8080", "127.0.0.2", false},
	}
	v := NewVerifier(key, 0, func() time.Time { return at })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte("GET\n" + path + "\n" + date + ";" + tt.signed + ";" + EmptyContentHash))
			sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
			h := http.Header{}
			SetHeaders(h, date, EmptyContentHash, Scheme+" SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+sig)
			err := v.Verify(Request{Method: "GET", PathAndQuery: path, Host: tt.hostHeader, Header: h})
			if (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want accepted %v", err, tt.ok)
			}
		})
	}
}

// TestVerifierRemembersOnlyTheParse: the verifier remembers the last date it parsed, but
// the skew is judged per request against its clock, and a bad date is never remembered.
func TestVerifierRemembersOnlyTheParse(t *testing.T) {
	key := mustKey(t)
	now := vectorDate
	v := NewVerifier(key, 0, func() time.Time { return now })
	req := signed(t, key, vectorDate, nil)
	steps := []struct {
		name    string
		clock   time.Time
		req     Request
		wantErr string
	}{
		{"first use", vectorDate, req, ""},
		{"same date, still in time", vectorDate.Add(14 * time.Minute), req, ""},
		{"same date, clock moved on", vectorDate.Add(16 * time.Minute), req, "clock skew"},
		{"bad date", vectorDate, signed(t, key, vectorDate, func(r *Request) { r.Header.Set("X-Ms-Date", "not a date") }), "invalid x-ms-date"},
		{"another date", vectorDate.Add(time.Minute), signed(t, key, vectorDate.Add(time.Minute), nil), ""},
		{"the first date again", vectorDate, req, ""},
	}
	for _, s := range steps {
		now = s.clock
		err := v.Verify(s.req)
		if (s.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), s.wantErr)) {
			t.Fatalf("%s: Verify = %v, want %q", s.name, err, s.wantErr)
		}
	}
}

// TestSignedPrefixForms (issue 24): a server reached under a path prefix (a mock resource,
// /NAME) accepts what Python's policy signs for an endpoint with a path (the path in the
// host, the rest as the path), and nothing signed for another prefix or host.
func TestSignedPrefixForms(t *testing.T) {
	key := []byte("sdk-prefix-forms-test-key")
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	date := FormatDate(at)
	const target = "/res1/phoneNumbers/operations/op?api-version=2022-12-01"
	tests := []struct {
		name       string
		prefix     string // what the server knows it is reached under
		signedPath string
		signedHost string
		ok         bool
	}{
		{"the target as received (JS, .NET, Java, Go)", "/res1", target, "127.0.0.1:8080", true},
		{"Python, endpoint without a slash", "/res1", "/phoneNumbers/operations/op?api-version=2022-12-01", "127.0.0.1:8080/res1", true},
		{"Python, endpoint with a slash", "/res1", "phoneNumbers/operations/op?api-version=2022-12-01", "127.0.0.1:8080/res1/", true},
		{"another resource's name in the host", "/res1", "/phoneNumbers/operations/op?api-version=2022-12-01", "127.0.0.1:8080/res2", false},
		{"another host", "/res1", "/phoneNumbers/operations/op?api-version=2022-12-01", "evil.example/res1", false},
		{"no prefix known", "", "/phoneNumbers/operations/op?api-version=2022-12-01", "127.0.0.1:8080/res1", false},
	}
	v := NewVerifier(key, 0, func() time.Time { return at })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte("GET\n" + tt.signedPath + "\n" + date + ";" + tt.signedHost + ";" + EmptyContentHash))
			h := http.Header{}
			SetHeaders(h, date, EmptyContentHash, Scheme+" SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
			err := v.Verify(Request{Method: "GET", PathAndQuery: target, Host: "127.0.0.1:8080", Header: h, PathPrefix: tt.prefix})
			if (err == nil) != tt.ok {
				t.Fatalf("Verify = %v, want accepted %v", err, tt.ok)
			}
		})
	}
}
