package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// tracingKey is any valid base64 access key: the test server does not verify signatures,
// it only has to be sent one so that the HMAC policy runs as in production.
const tracingKey = "dHJhY2luZy10ZXN0LWtleQ=="

const (
	tracedOperationPath = "/phoneNumbers/operations/search-my-operation-id"
	tracedSucceeded     = `{"operationType":"search","status":"succeeded","resourceLocation":null,"createdDateTime":"2020-11-19T16:31:49.048Z","id":"search-my-operation-id"}`
	tracedRunning       = `{"operationType":"search","status":"running","resourceLocation":null,"createdDateTime":"2020-11-19T16:31:49.048Z","id":"search-my-operation-id"}`
	tracedNotFound      = `{"error":{"code":"NotFound","message":"x"}}`
)

// recordedSpan is one span as the tracing provider saw it.
type recordedSpan struct {
	name   string
	kind   tracing.SpanKind
	parent string // name of the span active in the context it was started from; "" for a root
	attrs  map[string]any
	status tracing.SpanStatus
	desc   string
	ended  bool
}

// spanRecorder is a tracing.Provider backend that keeps every span, in start order.
type spanRecorder struct {
	mu    sync.Mutex
	spans []*recordedSpan
}

type spanKey struct{}

// provider returns a tracing.Provider whose tracers record into r, the way an
// OpenTelemetry adapter would be plugged into ClientOptions.TracingProvider.
func (r *spanRecorder) provider() tracing.Provider {
	return tracing.NewProvider(func(name, version string) tracing.Tracer {
		return tracing.NewTracer(r.start, nil)
	}, nil)
}

func (r *spanRecorder) start(ctx context.Context, name string, o *tracing.SpanOptions) (context.Context, tracing.Span) {
	s := &recordedSpan{name: name, attrs: map[string]any{}}
	if parent, ok := ctx.Value(spanKey{}).(*recordedSpan); ok {
		s.parent = parent.name
	}
	if o != nil {
		s.kind = o.Kind
		for _, a := range o.Attributes {
			s.attrs[a.Key] = a.Value
		}
	}
	r.mu.Lock()
	r.spans = append(r.spans, s)
	r.mu.Unlock()
	return context.WithValue(ctx, spanKey{}, s), tracing.NewSpan(tracing.SpanImpl{
		End: func() { r.mu.Lock(); s.ended = true; r.mu.Unlock() },
		SetAttributes: func(attrs ...tracing.Attribute) {
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, a := range attrs {
				s.attrs[a.Key] = a.Value
			}
		},
		SetStatus: func(code tracing.SpanStatus, desc string) {
			r.mu.Lock()
			s.status, s.desc = code, desc
			r.mu.Unlock()
		},
	})
}

// recorded returns copies of the spans, so that assertions do not race with the client.
func (r *spanRecorder) recorded() []recordedSpan {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]recordedSpan, len(r.spans))
	for i, s := range r.spans {
		out[i] = *s
	}
	return out
}

// tracingServer answers the seed operation with 200 and anything else with a 404
// service error. With runningFirst, the first answer for the seed operation says running,
// so that a poller has to poll twice.
func tracingServer(t *testing.T, runningFirst bool) *httptest.Server {
	t.Helper()
	var seen atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != tracedOperationPath {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(tracedNotFound))
			return
		}
		if runningFirst && seen.Add(1) == 1 {
			_, _ = w.Write([]byte(tracedRunning))
			return
		}
		_, _ = w.Write([]byte(tracedSucceeded))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// wantSpan is what a test expects of one span; empty fields are not checked.
type wantSpan struct {
	name       string
	kind       tracing.SpanKind
	parent     string
	statusCode int    // http.status_code attribute of an HTTP span
	errDesc    string // substring of the error status description; "" means no error status
}

func TestTracing(t *testing.T) {
	const pollerSpan = "Poller[PhoneNumberOperation].PollUntilDone"
	getOp := func(id string) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			_, err := c.GetOperation(ctx, id, nil)
			return err
		}
	}
	pollUntilDone := func(ref string) func(context.Context, *client.Client) error {
		return func(ctx context.Context, c *client.Client) error {
			p, err := c.NewOperationPoller(ref, &client.OperationPollerOptions{Frequency: time.Millisecond})
			if err != nil {
				return err
			}
			_, err = p.PollUntilDone(ctx, nil)
			return err
		}
	}
	resumeAndPoll := func(ctx context.Context, c *client.Client) error {
		p, err := c.NewOperationPoller("search-my-operation-id", nil)
		if err != nil {
			return err
		}
		token, err := p.ResumeToken()
		if err != nil {
			return err
		}
		resumed, err := c.ResumeOperationPoller(token, &client.OperationPollerOptions{Frequency: time.Millisecond})
		if err != nil {
			return err
		}
		_, err = resumed.PollUntilDone(ctx, nil)
		return err
	}
	httpGet := func(parent string, status int, errDesc string) wantSpan {
		return wantSpan{name: "HTTP GET", kind: tracing.SpanKindClient, parent: parent, statusCode: status, errDesc: errDesc}
	}

	tests := []struct {
		name         string
		runningFirst bool
		call         func(context.Context, *client.Client) error
		wantErr      bool
		want         []wantSpan
	}{
		{
			name: "GetOperation 200",
			call: getOp("search-my-operation-id"),
			want: []wantSpan{
				{name: "Client.GetOperation", kind: tracing.SpanKindInternal},
				httpGet("Client.GetOperation", 200, ""),
			},
		},
		{
			name:    "GetOperation 404 sets error status",
			call:    getOp("missing"),
			wantErr: true,
			want: []wantSpan{
				{name: "Client.GetOperation", kind: tracing.SpanKindInternal, errDesc: "*azcore.ResponseError"},
				httpGet("Client.GetOperation", 404, "404 Not Found"),
			},
		},
		{
			name:    "GetOperation with an empty id fails before any request",
			call:    getOp(" "),
			wantErr: true,
			want:    []wantSpan{{name: "Client.GetOperation", kind: tracing.SpanKindInternal, errDesc: "operationID must not be empty"}},
		},
		{
			name:         "PollUntilDone: one span for the wait, one HTTP span per poll",
			runningFirst: true,
			call:         pollUntilDone("search-my-operation-id"),
			want: []wantSpan{
				{name: pollerSpan, kind: tracing.SpanKindInternal},
				httpGet(pollerSpan, 200, ""),
				httpGet(pollerSpan, 200, ""),
			},
		},
		{
			name:    "PollUntilDone on a gone operation sets error status",
			call:    pollUntilDone("missing"),
			wantErr: true,
			want: []wantSpan{
				{name: pollerSpan, kind: tracing.SpanKindInternal, errDesc: "is gone"},
				httpGet(pollerSpan, 404, "404 Not Found"),
			},
		},
		{
			name: "resumed poller is traced too",
			call: resumeAndPoll,
			want: []wantSpan{
				{name: pollerSpan, kind: tracing.SpanKindInternal},
				httpGet(pollerSpan, 200, ""),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := tracingServer(t, tt.runningFirst)
			rec := &spanRecorder{}
			c, err := client.NewClientWithKeyCredential(ts.URL, azcore.NewKeyCredential(tracingKey),
				&client.ClientOptions{ClientOptions: azcore.ClientOptions{TracingProvider: rec.provider()}})
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.call(context.Background(), c); (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			got := rec.recorded()
			if len(got) != len(tt.want) {
				t.Fatalf("spans %v, want %d: %+v", spanNames(got), len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				checkSpan(t, ts.URL, got[i], w)
			}
		})
	}

	// Without a TracingProvider the same calls give the same outcomes: StartSpan and the
	// poller's tracer are no-ops, and nothing may depend on a span existing.
	t.Run("no TracingProvider", func(t *testing.T) {
		for _, tt := range tests {
			ts := tracingServer(t, tt.runningFirst)
			c, err := client.NewClientWithKeyCredential(ts.URL, azcore.NewKeyCredential(tracingKey), nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.call(context.Background(), c); (err != nil) != tt.wantErr {
				t.Errorf("%s: error %v, want error: %v", tt.name, err, tt.wantErr)
			}
		}
	})
}

// checkSpan compares one recorded span with its expectation. Every span must have ended
// and carry the az.namespace azcore adds for the client's tracing namespace.
func checkSpan(t *testing.T, endpoint string, got recordedSpan, w wantSpan) {
	t.Helper()
	if got.name != w.name || got.kind != w.kind || got.parent != w.parent {
		t.Errorf("span %q kind %d parent %q, want %q kind %d parent %q", got.name, got.kind, got.parent, w.name, w.kind, w.parent)
	}
	if !got.ended {
		t.Errorf("span %q was not ended", got.name)
	}
	if ns := got.attrs["az.namespace"]; ns != "Microsoft.Communication" {
		t.Errorf("span %q az.namespace %v, want Microsoft.Communication", got.name, ns)
	}
	if w.errDesc == "" && got.status != tracing.SpanStatusUnset {
		t.Errorf("span %q status %d %q, want unset", got.name, got.status, got.desc)
	}
	if w.errDesc != "" && (got.status != tracing.SpanStatusError || !strings.Contains(got.desc, w.errDesc)) {
		t.Errorf("span %q status %d %q, want error containing %q", got.name, got.status, got.desc, w.errDesc)
	}
	if w.kind != tracing.SpanKindClient {
		return
	}
	// The attributes azcore's HTTP trace policy sets (it uses the http.method / http.url
	// names). api-version is on azcore's allow list, so the URL is not redacted.
	host := strings.TrimPrefix(endpoint, "http://")
	for key, want := range map[string]any{
		"http.method":      http.MethodGet,
		"http.status_code": w.statusCode,
		"net.peer.name":    host,
	} {
		if got.attrs[key] != want {
			t.Errorf("span %q %s = %v, want %v", got.name, key, got.attrs[key], want)
		}
	}
	if u, _ := got.attrs["http.url"].(string); !strings.HasPrefix(u, endpoint+"/phoneNumbers/operations/") || !strings.HasSuffix(u, "?api-version=2022-12-01") {
		t.Errorf("span %q http.url = %q, want %s/phoneNumbers/operations/...?api-version=2022-12-01", got.name, u, endpoint)
	}
	if ua, _ := got.attrs["http.user_agent"].(string); !strings.Contains(ua, "azsdk-go-phonenumbers/") {
		t.Errorf("span %q http.user_agent = %q, want the module's telemetry", got.name, ua)
	}
	if id, _ := got.attrs["az.client_request_id"].(string); id == "" {
		t.Errorf("span %q has no az.client_request_id", got.name)
	}
}

// spanNames lists span names for failure messages.
func spanNames(spans []recordedSpan) []string {
	names := make([]string, 0, len(spans))
	for _, s := range spans {
		names = append(names, s.name)
	}
	return names
}
