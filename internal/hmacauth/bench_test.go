package hmacauth

import (
	"net/http"
	"testing"
	"time"
)

func BenchmarkSignRequest(b *testing.B) {
	s := NewSigner(mustKey(b))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = s.SignRequest("GET", "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01",
			"resourcename.communication.azure.com", EmptyContentHash, vectorDate)
	}
}

func BenchmarkVerify(b *testing.B) {
	key := mustKey(b)
	const pq = "/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01"
	const host = "127.0.0.1:8080"
	date, auth := NewSigner(key).SignRequest("GET", pq, host, EmptyContentHash, vectorDate)
	v := NewVerifier(key, 0, func() time.Time { return vectorDate })
	r := Request{Method: "GET", PathAndQuery: pq, Host: host, Header: http.Header{
		"Authorization": {auth}, "X-Ms-Date": {date}, "X-Ms-Content-Sha256": {EmptyContentHash},
	}}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
}
