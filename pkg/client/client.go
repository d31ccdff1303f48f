package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/buildinfo"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/client/internal/generated"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// ClientOptions configures a [Client]. The zero value (or nil) is the right choice for most
// callers: api-version 2022-12-01 and azcore's defaults for retries, logging and telemetry.
type ClientOptions struct {
	// ClientOptions are azcore's options: Retry, Transport, Logging, Telemetry,
	// PerCallPolicies, PerRetryPolicies, ... Its APIVersion field selects the api-version
	// sent with every request; empty means types.DefaultAPIVersion ("2022-12-01").
	azcore.ClientOptions

	// InsecureAllowCredentialWithHTTP allows sending credentials over plain HTTP to hosts
	// other than loopback ones. Loopback (localhost, 127.0.0.0/8, ::1), where a local mock
	// runs, is always allowed.
	InsecureAllowCredentialWithHTTP bool

	// MaxResponseBytes bounds every response body; a larger one fails the call with a
	// *ResponseTooLargeError. Default DefaultMaxResponseBytes (4 MiB).
	MaxResponseBytes int64

	// now is the clock used for x-ms-date (time.Now); the package's tests set it
	// through export_test.go.
	now func() time.Time
}

// Client calls the Phone Numbers Get Operation API. It is safe for concurrent use.
type Client struct {
	endpoint   *url.URL
	apiVersion string
	// azClient holds the pipeline and the tracer, as in every Azure SDK for Go data-plane
	// client: building both through azcore.NewClient is what makes
	// ClientOptions.TracingProvider produce spans.
	azClient *azcore.Client
	gen      *generated.Client
	now      func() time.Time // ClientOptions.now: dates signatures and HTTP-date Retry-After
}

// NewClient returns a client that authenticates with Microsoft Entra ID. endpoint is the
// resource URL, e.g. "https://contoso.communication.azure.com"; tokens are requested from
// cred for the scope [Scope].
func NewClient(endpoint string, cred azcore.TokenCredential, options *ClientOptions) (*Client, error) {
	if cred == nil {
		return nil, errors.New("client: NewClient needs a TokenCredential")
	}
	o := optionsOrDefault(options)
	ep, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	auth := runtime.NewBearerTokenPolicy(cred, []string{Scope}, &policy.BearerTokenOptions{
		InsecureAllowCredentialWithHTTP: o.InsecureAllowCredentialWithHTTP || netutil.IsLoopback(ep),
	})
	return newClient(ep, o, auth)
}

// NewClientWithNoCredential returns a client that sends no credential, for servers that
// need none: a local mock (phonenumbers serve without --access-key) or a test double.
// The Azure service itself refuses such requests with 401.
func NewClientWithNoCredential(endpoint string, options *ClientOptions) (*Client, error) {
	o := optionsOrDefault(options)
	ep, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	return newClient(ep, o)
}

// NewClientWithKeyCredential returns a client that signs every request with HMAC-SHA256
// using the base64 access key held by cred. Updating cred (cred.Update) rotates the key for
// subsequent requests. A key that is not base64 is refused here, not at the first request
// (a key rotated to one later fails that request with a *SigningError).
func NewClientWithKeyCredential(endpoint string, cred *azcore.KeyCredential, options *ClientOptions) (*Client, error) {
	if cred == nil {
		return nil, errors.New("client: NewClientWithKeyCredential needs a KeyCredential")
	}
	if err := checkKey(cred); err != nil {
		return nil, err
	}
	o := optionsOrDefault(options)
	ep, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	return newClient(ep, o, newHMACPolicies(cred, o.InsecureAllowCredentialWithHTTP, o.now)...)
}

// NewClientFromConnectionString returns an HMAC-signing client for a connection string of
// the form "endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>".
func NewClientFromConnectionString(connectionString string, options *ClientOptions) (*Client, error) {
	cs, err := ParseConnectionString(connectionString)
	if err != nil {
		return nil, err
	}
	return NewClientWithKeyCredential(cs.Endpoint, azcore.NewKeyCredential(cs.AccessKey), options)
}

func optionsOrDefault(options *ClientOptions) ClientOptions {
	var o ClientOptions
	if options != nil {
		o = *options
	}
	if o.APIVersion == "" {
		o.APIVersion = types.DefaultAPIVersion
	}
	if o.now == nil {
		o.now = time.Now
	}
	return o
}

func parseEndpoint(endpoint string) (*url.URL, error) {
	ep, err := normalizeEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("client: invalid endpoint %s: %w", netutil.RedactEndpoint(endpoint), err)
	}
	return url.Parse(ep)
}

// tracingNamespace is the az.namespace attribute azcore adds to every span: the resource
// provider of Communication Services, as the official Communication SDKs report it.
const tracingNamespace = "Microsoft.Communication"

// loggedHeaders are shown unredacted in azcore's request logs. Authorization never is.
var loggedHeaders = []string{
	"x-ms-date", "x-ms-content-sha256", "x-ms-return-client-request-id",
	"api-supported-versions", "MS-CV", "Location", "Operation-Location", "retry-after-ms", "x-ms-retry-after-ms",
}

func newClient(ep *url.URL, o ClientOptions, auth ...policy.Policy) (*Client, error) {
	azOpts := o.ClientOptions
	azOpts.APIVersion = "" // the generated client sets api-version itself
	// Redirects to another origin are refused by the default transport; a Transport of
	// the caller's is used as given, with the body limit around it.
	azOpts.Transport = boundedTransport(azOpts.Transport, o.MaxResponseBytes)
	azClient, err := azcore.NewClient(moduleName, buildinfo.Version(), runtime.PipelineOptions{
		PerCall:        []policy.Policy{runtime.NewRequestIDPolicy(), returnRequestIDPolicy{}, jsonBoundsPolicy{}},
		PerRetry:       append([]policy.Policy{retryAfterPolicy{now: o.now}}, auth...),
		AllowedHeaders: loggedHeaders,
		Tracing:        runtime.TracingOptions{Namespace: tracingNamespace},
	}, &azOpts)
	if err != nil {
		return nil, err
	}
	gen, err := generated.NewClient(ep.String(), generated.WithHTTPClient(pipelineDoer{azClient.Pipeline()}))
	if err != nil {
		return nil, err
	}
	return &Client{endpoint: ep, apiVersion: o.APIVersion, azClient: azClient, gen: gen, now: o.now}, nil
}

// Endpoint returns the endpoint the client calls, without a trailing slash.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// APIVersion returns the api-version the client sends.
func (c *Client) APIVersion() string { return c.apiVersion }

// pipelineDoer sends the generated client's requests through the azcore pipeline, so
// retries, logging, telemetry and authentication are azcore's.
type pipelineDoer struct{ pl runtime.Pipeline }

// Do sends req through the pipeline.
func (d pipelineDoer) Do(req *http.Request) (*http.Response, error) {
	r, err := runtime.NewRequestFromRequest(req)
	if err != nil {
		return nil, err
	}
	return d.pl.Do(r)
}

// returnRequestIDPolicy asks the service to echo x-ms-client-request-id.
type returnRequestIDPolicy struct{}

// Do sets the header and passes the request on.
func (returnRequestIDPolicy) Do(req *policy.Request) (*http.Response, error) {
	req.Raw().Header.Set("x-ms-return-client-request-id", "true")
	return req.Next()
}

// GetOperationOptions holds optional parameters for [Client.GetOperation]. It is empty
// today and reserved for future options, as azcore convention has it.
type GetOperationOptions struct{}

// GetOperationResponse is the answer of [Client.GetOperation].
type GetOperationResponse struct {
	// PhoneNumberOperation is the operation as the service reports it.
	types.PhoneNumberOperation
	// Location is the Location response header: where the operation's result can be
	// fetched, relative to the endpoint (see [Client.ResolveURL]). Nil when not sent.
	Location *string
}

// ErrUnexpectedResponse is wrapped by errors for 200 answers whose body is not a
// PhoneNumberOperation.
var ErrUnexpectedResponse = errors.New("client: unexpected response")

// GetOperation fetches an operation by id. Any status other than 200 is returned as an
// *azcore.ResponseError (see [AsCommunicationError] for the service's error details).
// With a TracingProvider it is traced as a "Client.GetOperation" span.
func (c *Client) GetOperation(ctx context.Context, operationID string, _ *GetOperationOptions) (_ GetOperationResponse, err error) {
	// The span also puts the tracer in ctx, which is how azcore's HTTP trace policy finds
	// it: without StartSpan the pipeline would send the request untraced.
	ctx, endSpan := runtime.StartSpan(ctx, "Client.GetOperation", c.azClient.Tracer(), nil)
	defer func() { endSpan(err) }()
	if err := checkOperationID(operationID); err != nil {
		return GetOperationResponse{}, err
	}
	resp, err := c.gen.PhoneNumbersGetOperation(ctx, operationID, &types.PhoneNumbersGetOperationParams{APIVersion: c.apiVersion})
	if err != nil {
		return GetOperationResponse{}, err
	}
	return c.getOperationHandleResponse(resp)
}

func (c *Client) getOperationHandleResponse(resp *http.Response) (GetOperationResponse, error) {
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return GetOperationResponse{}, runtime.NewResponseError(resp)
	}
	var out GetOperationResponse
	if err := runtime.UnmarshalAsJSON(resp, &out.PhoneNumberOperation); err != nil {
		return GetOperationResponse{}, fmt.Errorf("%w: status 200 with a body that is not a PhoneNumberOperation: %v", ErrUnexpectedResponse, err)
	}
	if out.ID == "" || out.Status == "" {
		return GetOperationResponse{}, fmt.Errorf("%w: status 200 with an operation lacking id or status", ErrUnexpectedResponse)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		out.Location = &loc
	}
	return out, nil
}
