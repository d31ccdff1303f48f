package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// TestDotIDsNeverSent (issue 21, item 20): "." and ".." (which a URL resolves as path
// segments: GET and DELETE /phoneNumbers/) are refused with a typed error before anything
// is sent, whether given as an id to GetOperation, CancelOperation and NewOperationPoller,
// in an operation location (%2e%2e decodes to ".."), or in a resume token.
func TestDotIDsNeverSent(t *testing.T) {
	ft := &fakeTransport{script: []func(*http.Request) *http.Response{respond(http.StatusOK, nil, seedBody)}}
	c, err := client.NewClientWithNoCredential("http://127.0.0.1:1", &client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: ft}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	good, err := c.NewOperationPoller("zz-operation", nil)
	if err != nil {
		t.Fatal(err)
	}
	token, err := good.ResumeToken()
	if err != nil || !strings.Contains(token, "zz-operation") {
		t.Fatalf("token %q, %v", token, err)
	}
	tests := []struct {
		name string
		call func(id string) error
	}{
		{"GetOperation", func(id string) error { _, err := c.GetOperation(ctx, id, nil); return err }},
		{"CancelOperation", func(id string) error { _, err := c.CancelOperation(ctx, id, nil); return err }},
		{"NewOperationPoller", func(id string) error { _, err := c.NewOperationPoller(id, nil); return err }},
		{"NewOperationPoller, a location", func(id string) error {
			_, err := c.NewOperationPoller("/phoneNumbers/operations/"+strings.ReplaceAll(id, ".", "%2e")+"?api-version=2022-12-01", nil)
			return err
		}},
		{"ResumeOperationPoller", func(id string) error {
			_, err := c.ResumeOperationPoller(strings.Replace(token, "zz-operation", id, 1), nil)
			return err
		}},
	}
	for _, tt := range tests {
		for _, id := range []string{".", ".."} {
			t.Run(tt.name+" "+id, func(t *testing.T) {
				var bad *client.InvalidOperationIDError
				if err := tt.call(id); !errors.As(err, &bad) || bad.ID != id {
					t.Errorf("err %v, want *InvalidOperationIDError for %q", err, id)
				}
			})
		}
	}
	if n := len(ft.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
