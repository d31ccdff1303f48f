package client_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

func TestHMACVectors(t *testing.T) {
	tests := []struct {
		name, endpoint, id, wantHost, wantSig string
	}{
		{"vector 1", "https://resourcename.communication.azure.com/", "search-my-operation-id",
			"resourcename.communication.azure.com", "B9osjJC02B01tDALPcfG6Ze2M9cZKnsLZ2NNZxjzkm8="},
		{"vector 2, port in host", "http://127.0.0.1:8080", "purchase_18c224b7-0000-4000-8000-000000000001",
			"127.0.0.1:8080", "hUTv/13QZdd0BjA29nP41taj+ZW8V/0hHIMHbWn0NlI="},
		{"default port dropped", "https://resourcename.communication.azure.com:443", "search-my-operation-id",
			"resourcename.communication.azure.com", "B9osjJC02B01tDALPcfG6Ze2M9cZKnsLZ2NNZxjzkm8="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, nil, seedBody)}}
			c := keyClient(t, tt.endpoint, client.WithClock(&client.ClientOptions{
				ClientOptions: azcore.ClientOptions{Transport: ft},
			}, func() time.Time { return vectorDate }))
			if _, err := c.GetOperation(context.Background(), tt.id, nil); err != nil {
				t.Fatal(err)
			}
			req := ft.seen()[0]
			h := req.Header
			if got := h.Get("Authorization"); got != "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+tt.wantSig {
				t.Errorf("Authorization = %s", got)
			}
			if h.Get("x-ms-date") != "Thu, 01 Dec 2022 10:20:30 GMT" || h.Get("x-ms-content-sha256") != "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" {
				t.Errorf("date/hash headers: %v", h)
			}
			if !strings.Contains(req.URL, "/phoneNumbers/operations/"+tt.id+"?api-version=2022-12-01") {
				t.Errorf("URL = %s", req.URL)
			}
			for k := range h {
				if strings.Contains(strings.ToLower(k), "handoff") {
					t.Errorf("internal key header %s was sent", k)
				}
			}
			if strings.Contains(strings.Join(headerValues(h), " "), testKey) {
				t.Error("the access key itself was sent")
			}
		})
	}
}

func headerValues(h http.Header) []string {
	var out []string
	for _, v := range h {
		out = append(out, v...)
	}
	return out
}

func TestEveryRetryIsSignedAfresh(t *testing.T) {
	var mu sync.Mutex
	now := vectorDate
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{
		respond(503, nil, ""), respond(429, nil, ""), respond(200, nil, seedBody),
	}}
	c := keyClient(t, "https://resourcename.communication.azure.com", client.WithClock(&client.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: ft, Retry: fastRetries()},
	}, clock))
	if _, err := c.GetOperation(context.Background(), "search-my-operation-id", nil); err != nil {
		t.Fatal(err)
	}
	reqs := ft.seen()
	if len(reqs) != 3 {
		t.Fatalf("%d attempts, want 3", len(reqs))
	}
	dates, sigs := map[string]bool{}, map[string]bool{}
	for _, r := range reqs {
		dates[r.Header.Get("x-ms-date")] = true
		sigs[r.Header.Get("Authorization")] = true
		if len(r.Header.Values("Authorization")) != 1 {
			t.Errorf("Authorization sent %d times", len(r.Header.Values("Authorization")))
		}
	}
	if len(dates) != 3 || len(sigs) != 3 {
		t.Errorf("attempts share dates or signatures: %d dates, %d signatures", len(dates), len(sigs))
	}
	if id := reqs[0].Header.Get("x-ms-client-request-id"); len(id) != 36 || reqs[0].Header.Get("x-ms-return-client-request-id") != "true" {
		t.Errorf("request id headers: %v", reqs[0].Header)
	}
	if ua := reqs[0].Header.Get("User-Agent"); !strings.Contains(ua, "azsdk-go-phonenumbers/") {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestKeyRotation(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, nil, seedBody)}}
	cred := azcore.NewKeyCredential(testKey)
	c, err := client.NewClientWithKeyCredential("https://x.communication.azure.com", cred, client.WithClock(&client.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: ft},
	}, func() time.Time { return vectorDate }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _ = c.GetOperation(ctx, "a", nil)
	cred.Update("b3RoZXIta2V5")
	_, _ = c.GetOperation(ctx, "a", nil)
	reqs := ft.seen()
	if reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Error("rotated key did not change the signature")
	}
	cred.Update("not base64!")
	_, err = c.GetOperation(ctx, "a", nil)
	if err == nil || strings.Contains(err.Error(), "not base64!") {
		t.Errorf("bad key: err = %v (must fail without echoing the key)", err)
	}
}

func TestRefusesCredentialsOverPlainHTTP(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, nil, seedBody)}}
	c := keyClient(t, "http://phonenumbers.example.com", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
	if _, err := c.GetOperation(context.Background(), "a", nil); err == nil || !strings.Contains(err.Error(), "plain HTTP") {
		t.Fatalf("err = %v", err)
	}
	if len(ft.seen()) != 0 {
		t.Fatal("a request was sent")
	}
	c = keyClient(t, "http://phonenumbers.example.com", &client.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: ft}, InsecureAllowCredentialWithHTTP: true,
	})
	if _, err := c.GetOperation(context.Background(), "search-my-operation-id", nil); err != nil {
		t.Fatalf("opted in: %v", err)
	}
}

// fakeToken is an azcore.TokenCredential for tests.
type fakeToken struct {
	mu     sync.Mutex
	scopes []string
}

func (f *fakeToken) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scopes = append(f.scopes, o.Scopes...)
	return azcore.AccessToken{Token: "fake-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestEntraIDBearer(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(200, nil, seedBody)}}
	cred := &fakeToken{}
	c, err := client.NewClient("https://x.communication.azure.com/", cred, &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOperation(context.Background(), "search-my-operation-id", nil); err != nil {
		t.Fatal(err)
	}
	if got := ft.seen()[0].Header.Get("Authorization"); got != "Bearer fake-token" {
		t.Errorf("Authorization = %q", got)
	}
	if len(cred.scopes) != 1 || cred.scopes[0] != "https://communication.azure.com//.default" {
		t.Errorf("scopes = %v", cred.scopes)
	}
	if _, err := client.NewClient("https://x", nil, nil); err == nil {
		t.Error("nil credential accepted")
	}
}

// TestKeyCheckedAtConstruction: a key that is not base64 fails NewClientWithKeyCredential
// (and a connection string holding one), not the first request, and the error holds no key.
func TestKeyCheckedAtConstruction(t *testing.T) {
	const bad = "not base64 at all!"
	tests := []struct {
		name string
		make func() (*client.Client, error)
		ok   bool
	}{
		{"valid", func() (*client.Client, error) {
			return client.NewClientWithKeyCredential("https://x.communication.azure.com", azcore.NewKeyCredential(testKey), nil)
		}, true},
		{"not base64", func() (*client.Client, error) {
			return client.NewClientWithKeyCredential("https://x.communication.azure.com", azcore.NewKeyCredential(bad), nil)
		}, false},
		{"empty", func() (*client.Client, error) {
			return client.NewClientWithKeyCredential("https://x.communication.azure.com", azcore.NewKeyCredential(""), nil)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.make()
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && (strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "Keys, Primary key")) {
				t.Errorf("err = %v", err)
			}
		})
	}
}
