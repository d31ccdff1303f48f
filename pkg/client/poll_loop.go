package client

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// azcoreMinFrequency is the least frequency azcore's PollUntilDone accepts outside tests:
// it refuses anything shorter, to spare services from clients that poll too often.
const azcoreMinFrequency = time.Second

// pollUntilDone is PollUntilDone's loop: it polls with the poller's own Poll, so every
// poll goes through the same pipeline and handler, and waits between polls what pollWait
// says. A frequency under a second, which azcore refuses, is allowed only against a
// loopback endpoint (a local mock, where scripted lifecycles of a few polls would
// otherwise take seconds each).
func (p *OperationPoller) pollUntilDone(ctx context.Context, frequency time.Duration) (_ types.PhoneNumberOperation, err error) {
	// The same span as azcore's PollUntilDone, so traces look alike.
	ctx, endSpan := runtime.StartSpan(ctx, "Poller[PhoneNumberOperation].PollUntilDone", p.handler.client.azClient.Tracer(), nil)
	defer func() { endSpan(err) }()
	if host := p.handler.client.endpoint.Host; frequency < azcoreMinFrequency && !netutil.IsLoopbackHost(host) {
		return types.PhoneNumberOperation{}, fmt.Errorf("client: a poll frequency of %s is under azcore's minimum of one second, which holds for every endpoint but a loopback one (a local mock); %s is not loopback", frequency, host)
	}
	for {
		resp, err := p.Poller.Poll(ctx)
		if err != nil {
			return types.PhoneNumberOperation{}, err
		}
		if p.Poller.Done() {
			return p.Poller.Result(ctx)
		}
		t := time.NewTimer(pollWait(resp, frequency, p.handler.client.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return types.PhoneNumberOperation{}, ctx.Err()
		case <-t.C:
		}
	}
}

// pollWait is the wait after a poll answered resp: the service's delay (retry-after-ms,
// x-ms-retry-after-ms, Retry-After; already within MaxServerDelay) when it sends one, but
// never shorter than min(frequency, one second), so that a server asking for 1 ms cannot
// make the poller spin; else frequency.
func pollWait(resp *http.Response, frequency time.Duration, now time.Time) time.Duration {
	if resp == nil {
		return frequency
	}
	if d, ok := serverDelay(resp.Header, now); ok {
		return max(d, min(frequency, minServerPollDelay))
	}
	return frequency
}

// pollFrequency is the frequency PollUntilDone uses: the call's, else the poller's.
func (p *OperationPoller) pollFrequency(options *runtime.PollUntilDoneOptions) time.Duration {
	if options != nil && options.Frequency > 0 {
		return options.Frequency
	}
	return p.frequency
}
