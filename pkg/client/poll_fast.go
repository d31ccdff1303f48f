package client

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// azcoreMinFrequency is the least frequency azcore's PollUntilDone accepts outside tests:
// it refuses anything shorter, to spare services from clients that poll too often.
const azcoreMinFrequency = time.Second

// pollUntilDoneFast is PollUntilDone for frequencies under a second, which azcore refuses:
// allowed only against a loopback endpoint (a local mock, where scripted lifecycles of a
// few polls would otherwise take seconds each), it polls with the poller's own Poll, so
// every poll goes through the same pipeline and handler, and waits between polls as
// azcore does: the service's Retry-After (retry-after-ms, x-ms-retry-after-ms, Retry-After)
// when sent, else frequency.
func (p *OperationPoller) pollUntilDoneFast(ctx context.Context, frequency time.Duration) (_ types.PhoneNumberOperation, err error) {
	// The same span as azcore's PollUntilDone, so traces look alike whatever the frequency.
	ctx, endSpan := runtime.StartSpan(ctx, "Poller[PhoneNumberOperation].PollUntilDone", p.handler.client.azClient.Tracer(), nil)
	defer func() { endSpan(err) }()
	if host := p.handler.client.endpoint.Host; !netutil.IsLoopbackHost(host) {
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
		wait := frequency
		if d, ok := retryAfter(resp); ok {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return types.PhoneNumberOperation{}, ctx.Err()
		case <-t.C:
		}
	}
}

// retryAfter reads the wait a response asks for, in the headers azcore reads: retry-after-ms
// and x-ms-retry-after-ms (milliseconds), then Retry-After (seconds or an HTTP date).
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	for _, h := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if ms, err := strconv.Atoi(resp.Header.Get(h)); err == nil && ms >= 0 {
			return time.Duration(ms) * time.Millisecond, true
		}
	}
	v := resp.Header.Get("Retry-After")
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0), true
	}
	return 0, false
}

// pollFrequency is the frequency PollUntilDone uses: the call's, else the poller's.
func (p *OperationPoller) pollFrequency(options *runtime.PollUntilDoneOptions) time.Duration {
	if options != nil && options.Frequency > 0 {
		return options.Frequency
	}
	return p.frequency
}
