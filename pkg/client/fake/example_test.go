package fake_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/client/fake"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// A test of code that reads an operation scripts the answer; the request goes through the
// client's pipeline (HMAC signing included) and never leaves the process.
func ExampleNewServerTransport() {
	srv := fake.Server{
		GetOperation: func(_ context.Context, id string, _ *client.GetOperationOptions) (resp azfake.Responder[client.GetOperationResponse], errResp azfake.ErrorResponder) {
			if id != "purchase_1" {
				errResp.SetResponseError(http.StatusNotFound, "NotFound")
				return
			}
			resp.SetResponse(http.StatusOK, client.GetOperationResponse{PhoneNumberOperation: types.PhoneNumberOperation{
				ID: id, OperationType: types.PhoneNumberOperationTypePurchase, Status: types.PhoneNumberOperationStatusSucceeded,
			}}, nil)
			return
		},
	}
	c, err := client.NewClientWithKeyCredential("https://contoso.communication.azure.com", azcore.NewKeyCredential("c2VjcmV0"),
		&client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv)}})
	if err != nil {
		panic(err)
	}
	op, err := c.GetOperation(context.Background(), "purchase_1", nil)
	fmt.Println(op.Status, err)
	_, err = c.GetOperation(context.Background(), "other", nil)
	var re *azcore.ResponseError
	fmt.Println(errors.As(err, &re), re.StatusCode, re.ErrorCode)
	// Output:
	// succeeded <nil>
	// true 404 NotFound
}

// The poller runs through the fake unchanged: each poll calls GetOperation, which scripts the
// lifecycle call by call.
func ExampleServer_poller() {
	statuses := []types.PhoneNumberOperationStatus{"running", "notStarted", "succeeded"}
	polls := 0
	srv := fake.Server{
		GetOperation: func(_ context.Context, id string, _ *client.GetOperationOptions) (resp azfake.Responder[client.GetOperationResponse], errResp azfake.ErrorResponder) {
			status := statuses[min(polls, len(statuses)-1)]
			polls++
			resp.SetResponse(http.StatusOK, client.GetOperationResponse{PhoneNumberOperation: types.PhoneNumberOperation{
				ID: id, OperationType: types.PhoneNumberOperationTypePurchase, Status: status,
			}}, nil)
			return
		},
	}
	// A loopback endpoint lets the poller wait less than azcore's one second between polls;
	// with a fake transport nothing is sent there.
	c, err := client.NewClientWithNoCredential("http://127.0.0.1",
		&client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv)}})
	if err != nil {
		panic(err)
	}
	poller, err := c.NewOperationPoller("purchase_1", &client.OperationPollerOptions{
		Frequency: time.Millisecond,
		OnPoll:    func(op types.PhoneNumberOperation) { fmt.Println("poll:", op.Status) },
	})
	if err != nil {
		panic(err)
	}
	final, err := poller.PollUntilDone(context.Background(), nil)
	fmt.Println(final.Status, err)
	// Output:
	// poll: running
	// poll: notStarted
	// poll: succeeded
	// succeeded <nil>
}
