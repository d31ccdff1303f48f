package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// exampleServer starts the reference server with the published test key, standing in for
// a Communication Services resource.
func exampleServer() *httptest.Server {
	store, err := mock.NewMemoryStore(mock.DefaultOperations(), nil)
	if err != nil {
		panic(err)
	}
	srv, err := server.New(store, &server.Options{AccessKey: testKey})
	if err != nil {
		panic(err)
	}
	return httptest.NewServer(srv)
}

// With Microsoft Entra ID: any azcore.TokenCredential works, typically
// azidentity.NewDefaultAzureCredential(nil).
func ExampleNewClient() {
	var cred azcore.TokenCredential = &fakeToken{} // e.g. azidentity.NewDefaultAzureCredential(nil)
	c, err := client.NewClient("https://contoso.communication.azure.com", cred, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Endpoint(), c.APIVersion())
	// Output: https://contoso.communication.azure.com 2022-12-01
}

// With an access key: every request is HMAC-SHA256 signed.
func ExampleNewClientWithKeyCredential() {
	ts := exampleServer()
	defer ts.Close()

	c, err := client.NewClientWithKeyCredential(ts.URL, azcore.NewKeyCredential(testKey), nil)
	if err != nil {
		panic(err)
	}
	op, err := c.GetOperation(context.Background(), "search-my-operation-id", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(op.ID, op.Status)
	// Output: search-my-operation-id succeeded
}

// With a connection string, as the Azure portal shows it.
func ExampleNewClientFromConnectionString() {
	ts := exampleServer()
	defer ts.Close()

	c, err := client.NewClientFromConnectionString("endpoint="+ts.URL+"/;accesskey="+testKey, nil)
	if err != nil {
		panic(err)
	}
	_, err = c.GetOperation(context.Background(), "no-such-operation", nil)
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		ce, _ := client.AsCommunicationError(err)
		fmt.Println(re.StatusCode, re.ErrorCode, *ce.Target)
	}
	// Output: 404 NotFound operationid
}

func ExampleClient_GetOperation() {
	ts := exampleServer()
	defer ts.Close()
	c, err := client.NewClientWithKeyCredential(ts.URL, azcore.NewKeyCredential(testKey), nil)
	if err != nil {
		panic(err)
	}

	op, err := c.GetOperation(context.Background(), "search-my-operation-id", nil)
	if err != nil {
		panic(err)
	}
	result, err := c.ResolveURL(*op.Location)
	if err != nil {
		panic(err)
	}
	fmt.Println(op.OperationType, op.Status.IsTerminal())
	fmt.Println(result.Path)
	// Output:
	// search true
	// /availablePhoneNumbers/searchResults/378ddf60-81be-452a-ba4f-613198ea6c28
}

// Waiting for a purchase started elsewhere, from the Operation-Location its 202 returned.
// The purchase goes running -> notStarted -> succeeded, as live purchases do.
func ExampleClient_NewOperationPoller() {
	ts := exampleServer()
	defer ts.Close()
	c, err := client.NewClientWithKeyCredential(ts.URL, azcore.NewKeyCredential(testKey), nil)
	if err != nil {
		panic(err)
	}

	poller, err := c.NewOperationPoller("/phoneNumbers/operations/purchase_18c224b7-0000-4000-8000-000000000001?api-version=2022-12-01",
		&client.OperationPollerOptions{Frequency: 10 * time.Millisecond}) // default 2 s; programs need >= 1 s
	if err != nil {
		panic(err)
	}
	// A resume token lets another process continue the wait.
	if _, err := poller.Poll(context.Background()); err != nil {
		panic(err)
	}
	token, _ := poller.ResumeToken()
	resumed, err := c.ResumeOperationPoller(token, &client.OperationPollerOptions{Frequency: 10 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	op, err := resumed.PollUntilDone(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(op.ID, op.Status)

	// A failed operation ends with an *OperationFailedError carrying the service's error.
	failing, _ := c.NewOperationPoller("purchase_18c224b7-0000-4000-8000-000000000002", &client.OperationPollerOptions{Frequency: 10 * time.Millisecond})
	_, err = failing.PollUntilDone(context.Background(), nil)
	ce, _ := client.AsCommunicationError(err)
	fmt.Println(ce.Code, ce.Innererror.Code)
	// Output:
	// purchase_18c224b7-0000-4000-8000-000000000001 succeeded
	// InternalError PurchaseFailed
}
