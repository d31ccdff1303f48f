package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary Authorization, x-ms-date, Host, content hash and body to the
// verifier. Property: it never panics, and it accepts a request only when an independent
// computation (crypto/hmac directly, not the Signer) agrees that the signature is right,
// the content hash is the body's and the date is within the skew window.
func FuzzVerify(f *testing.F) {
	key := mustKey(f)
	date := FormatDate(vectorDate)
	good := NewSigner(key).Sign(StringToSign("GET", "/p?q=1", date, "h:1", EmptyContentHash))
	f.Add("GET", "/p?q=1", "h:1", Authorization(good), date, EmptyContentHash, []byte(nil))
	f.Add("GET", "/p?q=1", "h:1", "HMAC-SHA256 SignedHeaders=date;host;x-ms-content-sha256&Signature="+good, date, EmptyContentHash, []byte(nil))
	f.Add("POST", "/x", "h", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA", "Thu, 01 Dec 2022 10:20:30 GMT", ContentHash([]byte("{}")), []byte("{}"))
	f.Add("GET", "/", "", "Bearer x", "", "", []byte("x"))
	f.Add("get", "/p?q=1", "h:1", "hmac-sha256 signedheaders=x-ms-date;host;x-ms-content-sha256&signature="+good, date, EmptyContentHash, []byte(nil))

	v := NewVerifier(key, 0, func() time.Time { return vectorDate })
	f.Fuzz(func(t *testing.T, method, pq, host, auth, xmsDate, contentHash string, body []byte) {
		h := http.Header{}
		if auth != "" {
			h.Set("Authorization", auth)
		}
		if xmsDate != "" {
			h.Set("X-Ms-Date", xmsDate)
			h.Set("Date", xmsDate)
		}
		if contentHash != "" {
			h.Set("X-Ms-Content-Sha256", contentHash)
		}
		err := v.Verify(Request{Method: method, PathAndQuery: pq, Host: host, Header: h, Body: body})
		if err != nil {
			if strings.Contains(err.Error(), good) && good != "" && len(auth) > 0 {
				t.Fatalf("the error reveals a signature: %v", err)
			}
			return
		}
		// Accepted: check independently.
		_, params, _ := strings.Cut(strings.TrimSpace(auth), " ")
		var sig string
		for part := range strings.SplitSeq(strings.TrimSpace(params), "&") {
			if k, val, ok := strings.Cut(part, "="); ok && strings.EqualFold(k, "Signature") {
				sig = val
			}
		}
		sum := sha256.Sum256(body)
		if contentHash != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Fatalf("accepted a content hash %q that is not the body's", contentHash)
		}
		t0, perr := http.ParseTime(xmsDate)
		if perr != nil {
			t0, perr = time.Parse(time.RFC1123, xmsDate)
		}
		if perr != nil || vectorDate.Sub(t0).Abs() > DefaultMaxSkew {
			t.Fatalf("accepted a date %q outside the window", xmsDate)
		}
		got, derr := base64.StdEncoding.DecodeString(sig)
		matched := false
		// The Host header itself, or one of the forms the official SDKs sign for it.
		for _, h := range append([]string{host}, signedHostForms(host)...) {
			if !strings.HasPrefix(h, strings.Split(host, ":")[0]) {
				t.Fatalf("host form %q is not derived from the Host header %q", h, host)
			}
			mac := hmac.New(sha256.New, key)
			mac.Write([]byte(strings.ToUpper(method) + "\n" + pq + "\n" + xmsDate + ";" + h + ";" + contentHash))
			matched = matched || (derr == nil && hmac.Equal(got, mac.Sum(nil)))
		}
		if !matched {
			t.Fatalf("accepted signature %q that an independent HMAC rejects", sig)
		}
	})
}
