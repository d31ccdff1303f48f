// Package fake provides a fake for the phonenumbers client, in the conventions of the Azure
// SDK for Go's fakes (sdk/security/keyvault/azsecrets/fake): a Server holds one function
// field per client method, each scripting its answer with azcore's fake.Responder and
// fake.ErrorResponder, and NewServerTransport turns it into the transport a client is
// built with:
//
//	srv := fake.Server{GetOperation: func(ctx context.Context, id string, _ *client.GetOperationOptions) (resp azfake.Responder[client.GetOperationResponse], errResp azfake.ErrorResponder) {
//		resp.SetResponse(http.StatusOK, client.GetOperationResponse{PhoneNumberOperation: op}, nil)
//		return
//	}}
//	c, _ := client.NewClientWithKeyCredential("https://contoso.communication.azure.com", cred,
//		&client.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv)}})
//
// Requests go through the client's whole pipeline (signing, the retry policy, telemetry)
// before they reach the fake, so a test sees what production sends; nothing goes over the
// network. As with every azcore fake, an error responder's *azcore.ResponseError is final
// (never retried) and carries no body, so AsCommunicationError finds no target, details or
// innererror in it. For retries, error bodies and the wire itself (status codes, headers,
// lifecycles, signatures) use pkg/server/mock/mocktest, which runs the real mock in-process.
package fake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// Server scripts the answers of a fake service, one field per client method with the same
// parameters. A nil field answers every call to it with an error naming the field.
type Server struct {
	// GetOperation answers Client.GetOperation and every poll of an OperationPoller.
	GetOperation func(ctx context.Context, operationID string, options *client.GetOperationOptions) (resp azfake.Responder[client.GetOperationResponse], errResp azfake.ErrorResponder)
	// CancelOperation answers Client.CancelOperation.
	CancelOperation func(ctx context.Context, operationID string, options *client.CancelOperationOptions) (resp azfake.Responder[client.CancelOperationResponse], errResp azfake.ErrorResponder)
}

// ServerTransport is the policy.Transporter (azcore.ClientOptions.Transport) that answers
// from a Server.
type ServerTransport struct {
	srv *Server
}

// NewServerTransport returns a transport answering from srv.
func NewServerTransport(srv *Server) *ServerTransport { return &ServerTransport{srv: srv} }

// operationsPath is the path, after the endpoint's own, of the operations.
const operationsPath = "/phoneNumbers/operations/"

// Do answers req from the Server.
func (t *ServerTransport) Do(req *http.Request) (*http.Response, error) {
	path := req.URL.EscapedPath()
	i := strings.LastIndex(path, operationsPath) // the endpoint's own path may hold it too
	rest := ""
	if i >= 0 {
		rest = path[i+len(operationsPath):]
	}
	if i < 0 || rest == "" || strings.Contains(rest, "/") {
		return nil, setupError(fmt.Sprintf("fake: no fake for %s %s", req.Method, printablePath(path)))
	}
	id, err := url.PathUnescape(rest)
	if err != nil {
		return nil, setupError(fmt.Sprintf("fake: operation id in %s: %v", printablePath(path), err))
	}
	switch req.Method {
	case http.MethodGet:
		return t.getOperation(req, id)
	case http.MethodDelete:
		return t.cancelOperation(req, id)
	}
	return nil, setupError(fmt.Sprintf("fake: no fake for %s %s", req.Method, printablePath(path)))
}

// printablePath is a request path for a message: escaped as sent, cut short.
func printablePath(p string) string {
	if len(p) > 256 {
		p = p[:256] + "..."
	}
	return strings.ToValidUTF8(p, "?")
}

func (t *ServerTransport) getOperation(req *http.Request, id string) (*http.Response, error) {
	if t.srv.GetOperation == nil {
		return nil, setupError("fake: fake.Server.GetOperation is not set: give the Server a GetOperation func")
	}
	respr, errRespr := t.srv.GetOperation(req.Context(), id, nil)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	content := server.GetResponseContent(respr)
	if content.HTTPStatus == 0 {
		return nil, setupError("fake: GetOperation set no answer: call resp.SetResponse(http.StatusOK, ...) or errResp.SetResponseError(status, code)")
	}
	if content.HTTPStatus != http.StatusOK {
		return nil, setupError(fmt.Sprintf("fake: GetOperation answered status %d; a Responder is set with 200 (use the ErrorResponder for errors)", content.HTTPStatus))
	}
	got := server.GetResponse(respr)
	resp, err := server.MarshalResponseAsJSON(content, got.PhoneNumberOperation, req)
	if err != nil {
		return nil, err
	}
	if got.Location != nil {
		resp.Header.Set("Location", *got.Location)
	}
	return resp, nil
}

func (t *ServerTransport) cancelOperation(req *http.Request, id string) (*http.Response, error) {
	if t.srv.CancelOperation == nil {
		return nil, setupError("fake: fake.Server.CancelOperation is not set: give the Server a CancelOperation func")
	}
	respr, errRespr := t.srv.CancelOperation(req.Context(), id, nil)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	content := server.GetResponseContent(respr)
	if content.HTTPStatus == 0 {
		return nil, setupError("fake: CancelOperation set no answer: call resp.SetResponse(http.StatusNoContent, ...) or errResp.SetResponseError(status, code)")
	}
	if content.HTTPStatus != http.StatusNoContent {
		return nil, setupError(fmt.Sprintf("fake: CancelOperation answered status %d; a Responder is set with 204 (use the ErrorResponder for errors)", content.HTTPStatus))
	}
	return server.NewResponse(content, req, nil)
}

// setupError is a mistake in the test's fake, not a service failure: azcore's retry policy
// must not retry it (NonRetriable), or every such test would wait through the retries.
func setupError(msg string) error { return nonRetriable{errors.New(msg)} }

type nonRetriable struct{ error }

// NonRetriable is azcore's marker method.
func (nonRetriable) NonRetriable() {}

// Unwrap returns the error.
func (e nonRetriable) Unwrap() error { return e.error }
