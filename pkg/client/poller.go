package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// DefaultPollFrequency is how often a poller polls when the service sends no Retry-After.
// The official SDKs poll every 1 to 2 seconds; azcore's generic default is 30 s, far too
// slow for operations that usually finish within seconds.
const DefaultPollFrequency = 2 * time.Second

// OperationPollerOptions configures [Client.NewOperationPoller] and
// [Client.ResumeOperationPoller]. The zero value is usable.
type OperationPollerOptions struct {
	// Frequency is the wait between polls when the service sends no Retry-After (and the
	// PollUntilDone default). Zero means DefaultPollFrequency. azcore refuses less than one
	// second; this poller allows it against a loopback endpoint only (a local mock such as
	// `phonenumbers serve`, where a scripted lifecycle of a few polls would otherwise take
	// seconds each); for any other endpoint PollUntilDone returns an error saying so.
	Frequency time.Duration
	// OnPoll, when set, is called with the operation after every successful poll, e.g. to
	// report status changes. It runs on the polling goroutine.
	OnPoll func(types.PhoneNumberOperation)
}

// OperationPoller waits for a phone number operation. It is an azcore runtime.Poller
// (PollUntilDone, Poll, Done, Result, ResumeToken) whose PollUntilDone defaults to
// DefaultPollFrequency instead of azcore's 30 s.
//
// Terminal states are succeeded, failed and canceled/cancelled, in any letter case.
// notStarted, running and values this version does not know keep polling; the live service
// moves purchases from running back to notStarted, which is not an error. Result returns
// the final operation on success and an *OperationFailedError otherwise. A 404 while
// polling ends the poll with an error saying the operation is gone; 429 and 5xx answers
// are retried by the client's pipeline. Like runtime.Poller, it is not safe for concurrent
// use. It shares the client's tracer, so with a TracingProvider PollUntilDone, Poll and
// Result produce spans (see the package documentation).
type OperationPoller struct {
	*runtime.Poller[types.PhoneNumberOperation]
	handler   *operationHandler
	frequency time.Duration
}

// NewOperationPoller returns a poller for an operation given by its id
// ("purchase_18c2..."), by the relative Operation-Location the service returns
// ("/phoneNumbers/operations/purchase_18c2...?api-version=2022-12-01"), or by an absolute
// URL on the client's endpoint. Nothing is sent until the first poll. Polls use the
// client's api-version.
func (c *Client) NewOperationPoller(operation string, options *OperationPollerOptions) (*OperationPoller, error) {
	id, err := c.operationIDFrom(operation)
	if err != nil {
		return nil, err
	}
	h := &operationHandler{Kind: handlerKind, OperationID: id}
	return c.newPoller(h, options, func() (*runtime.Poller[types.PhoneNumberOperation], error) {
		return runtime.NewPoller(nil, c.azClient.Pipeline(), &runtime.NewPollerOptions[types.PhoneNumberOperation]{
			Handler: h,
			Tracer:  c.azClient.Tracer(),
		})
	})
}

// ResumeOperationPoller rebuilds a poller from a token returned by ResumeToken, for
// example in another process. A poller can also be rebuilt from the bare operation id
// with NewOperationPoller.
func (c *Client) ResumeOperationPoller(token string, options *OperationPollerOptions) (*OperationPoller, error) {
	h := &operationHandler{}
	return c.newPoller(h, options, func() (*runtime.Poller[types.PhoneNumberOperation], error) {
		p, err := runtime.NewPollerFromResumeToken(token, c.azClient.Pipeline(), &runtime.NewPollerFromResumeTokenOptions[types.PhoneNumberOperation]{
			Handler: h,
			Tracer:  c.azClient.Tracer(),
		})
		if err != nil {
			return nil, fmt.Errorf("client: invalid resume token: %w", err)
		}
		if h.Kind != handlerKind || h.OperationID == "" {
			return nil, errors.New("client: invalid resume token: not a phone number operation poller")
		}
		if err := checkOperationID(h.OperationID); err != nil {
			return nil, fmt.Errorf("client: invalid resume token: %w", err)
		}
		return p, nil
	})
}

// newPoller applies the defaults of options and wraps the runtime.Poller made by build.
// build passes the client's tracer to azcore: the poller's own spans put it in the
// context that reaches operationHandler.Poll, which is how each poll's request gets its
// HTTP span.
func (c *Client) newPoller(h *operationHandler, options *OperationPollerOptions, build func() (*runtime.Poller[types.PhoneNumberOperation], error)) (*OperationPoller, error) {
	var o OperationPollerOptions
	if options != nil {
		o = *options
	}
	if o.Frequency <= 0 {
		o.Frequency = DefaultPollFrequency
	}
	h.client, h.onPoll = c, o.OnPoll
	p, err := build()
	if err != nil {
		return nil, err
	}
	return &OperationPoller{Poller: p, handler: h, frequency: o.Frequency}, nil
}

// PollUntilDone polls until the operation is terminal, the context ends or polling fails.
// With nil options or a zero Frequency it waits the poller's frequency (default
// DefaultPollFrequency) between polls; Retry-After, retry-after-ms and x-ms-retry-after-ms
// sent by the service take precedence, within a range: at most MaxServerDelay (1 minute),
// at least the frequency or one second, whichever is shorter. Cancelling ctx stops it at
// once. A frequency under one second is allowed against a loopback endpoint only (see
// OperationPollerOptions.Frequency). Polls go through Poll, in the same span azcore's
// PollUntilDone makes; azcore's own loop is not used, since it sleeps for whatever a
// server asks.
func (p *OperationPoller) PollUntilDone(ctx context.Context, options *runtime.PollUntilDoneOptions) (types.PhoneNumberOperation, error) {
	return p.pollUntilDone(ctx, p.pollFrequency(options))
}

// OperationID returns the id of the operation being polled.
func (p *OperationPoller) OperationID() string { return p.handler.OperationID }

// Operation returns the operation as of the last successful poll, and false before the
// first one.
func (p *OperationPoller) Operation() (types.PhoneNumberOperation, bool) {
	if p.handler.last == nil {
		return types.PhoneNumberOperation{}, false
	}
	return *p.handler.last, true
}

// handlerKind marks resume tokens made by this package.
const handlerKind = "phonenumbers.operation"

// operationHandler is the runtime.PollingHandler for Get Operation. Its exported fields
// are the resume token.
type operationHandler struct {
	Kind        string                           `json:"kind"`
	OperationID string                           `json:"operationId"`
	Status      types.PhoneNumberOperationStatus `json:"status,omitempty"`

	client   *Client
	onPoll   func(types.PhoneNumberOperation)
	last     *types.PhoneNumberOperation
	lastResp *http.Response
}

// Done reports whether the last poll saw a terminal status.
func (h *operationHandler) Done() bool { return h.Status.IsTerminal() }

// Poll fetches the operation once.
func (h *operationHandler) Poll(ctx context.Context) (*http.Response, error) {
	resp, err := h.client.gen.PhoneNumbersGetOperation(ctx, h.OperationID, &types.PhoneNumbersGetOperationParams{APIVersion: h.client.apiVersion})
	if err != nil {
		return nil, err
	}
	got, err := h.client.getOperationHandleResponse(resp)
	if err != nil {
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("client: operation %q is gone (404 while polling; it expired or never existed): %w", h.OperationID, err)
		}
		return nil, err
	}
	op := got.PhoneNumberOperation
	h.Status, h.last, h.lastResp = op.Status, &op, resp
	if h.onPoll != nil {
		h.onPoll(op)
	}
	return resp, nil
}

// Result returns the final operation, or an *OperationFailedError for failed and
// canceled operations.
func (h *operationHandler) Result(_ context.Context, out *types.PhoneNumberOperation) error {
	if h.last == nil || !h.Status.IsTerminal() {
		return errors.New("client: the operation has not reached a terminal state")
	}
	if h.Status.IsSucceeded() {
		*out = *h.last
		return nil
	}
	return newOperationFailedError(*h.last, h.lastResp)
}
