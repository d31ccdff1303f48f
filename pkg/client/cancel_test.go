package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// TestCancelOperation: a signed DELETE answers 204; the operation is then gone (404 on GET
// and on a second cancel), as typed errors.
func TestCancelOperation(t *testing.T) {
	ts, _ := mockServer(t, nil)
	c := keyClient(t, ts.URL, nil)
	ctx := context.Background()
	if _, err := c.CancelOperation(ctx, types.ExampleOperationID, nil); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	var re *azcore.ResponseError
	if _, err := c.GetOperation(ctx, types.ExampleOperationID, nil); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound {
		t.Fatalf("GET after cancel: %v, want a 404 ResponseError", err)
	}
	if _, err := c.CancelOperation(ctx, types.ExampleOperationID, nil); !errors.As(err, &re) || re.StatusCode != http.StatusNotFound || re.ErrorCode != "NotFound" {
		t.Fatalf("second cancel: %v, want 404 NotFound", err)
	}
	if _, err := c.CancelOperation(ctx, " ", nil); err == nil {
		t.Fatal("an empty id was sent")
	}
}
