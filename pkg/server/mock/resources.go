package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// DefaultMaxAutoResources bounds the resources [Resources] creates on first use: each
// holds a store and a journal, and anyone who reaches the server can name a new one.
const DefaultMaxAutoResources = 64

// ResourcesOptions configures [NewResources].
type ResourcesOptions struct {
	// Default serves the requests outside any named resource (/phoneNumbers/..., /mock/...,
	// /healthz). Required.
	Default http.Handler
	// Named are the resources served path-style, by name: /NAME/phoneNumbers/... and
	// /NAME/mock/... reach Named[NAME] as /phoneNumbers/... and /mock/....
	Named map[string]http.Handler
	// New, when set, creates the resource a request names on first use (serve
	// --auto-resources); nil answers an unknown name 404.
	New func(name string) (http.Handler, error)
	// MaxAuto bounds the resources New creates. Default DefaultMaxAutoResources.
	MaxAuto int
}

// Resources serves many mocks on one listener, path-style as Azurite serves storage
// accounts: each named resource has its own operations, journal, faults and key, and a
// request reaches it with its name as the first path segment. The request target as
// received (RequestURI, which an HMAC signature covers) is kept; the resource's handler
// routes on the path without the name. Safe for concurrent use.
type Resources struct {
	opts  ResourcesOptions
	mu    sync.RWMutex
	named map[string]http.Handler
	auto  int
}

// rootSegments are the first path segments of the default resource's routes: no resource
// may take these names.
var rootSegments = []string{"phoneNumbers", "mock", "healthz", "debug"}

// resourceName is what a resource may be named: an Azure resource name's characters.
var resourceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)

// CheckResourceName says what is wrong with a resource name, nil when it is usable.
func CheckResourceName(name string) error {
	for _, r := range rootSegments {
		if strings.EqualFold(name, r) {
			return fmt.Errorf("resource name %s is taken by the server's own /%s routes; choose another", textutil.QuoteID(name), r)
		}
	}
	if !resourceName.MatchString(name) {
		return fmt.Errorf("resource name %s: want 1 to 63 letters, digits and hyphens, starting with a letter or digit", textutil.QuoteID(name))
	}
	return nil
}

// NewResources returns a router over opts' resources.
func NewResources(opts *ResourcesOptions) (*Resources, error) {
	if opts == nil || opts.Default == nil {
		return nil, errors.New("mock: ResourcesOptions.Default is required")
	}
	r := &Resources{opts: *opts, named: make(map[string]http.Handler, len(opts.Named))}
	for name, h := range opts.Named {
		if err := CheckResourceName(name); err != nil {
			return nil, fmt.Errorf("mock: %w", err)
		}
		r.named[name] = h
	}
	if r.opts.MaxAuto <= 0 {
		r.opts.MaxAuto = DefaultMaxAutoResources
	}
	return r, nil
}

// ServeHTTP routes req to its resource.
func (r *Resources) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/") // "/NAME" alone: its root
	if name == "" || isRootSegment(name) {
		r.opts.Default.ServeHTTP(w, req)
		return
	}
	h, refusal := r.resource(name, crossSite(req))
	if h == nil {
		writeResourceError(w, http.StatusNotFound, refusal)
		return
	}
	h.ServeHTTP(w, withinResource(req, name, "/"+rest))
}

// resource returns the handler of resource name, creating it when that is allowed (never
// for a request a browser sends on behalf of another site: an <img> on a visited page
// would otherwise use up --max-resources); nil and the answer's message when there is none.
func (r *Resources) resource(name string, crossSite bool) (http.Handler, string) {
	r.mu.RLock()
	h, ok := r.named[name]
	r.mu.RUnlock()
	if ok {
		return h, ""
	}
	if r.opts.New == nil {
		return nil, fmt.Sprintf("No resource named %s is served here: start serve with --resource %s (or --auto-resources).", textutil.QuoteID(name), textutil.Truncate(name, 64))
	}
	if err := CheckResourceName(name); err != nil {
		return nil, "No resource is served here under this name: " + err.Error() + "."
	}
	if crossSite {
		return nil, fmt.Sprintf("No resource named %s is served here, and none is created for a request a browser sends on behalf of another site.", textutil.QuoteID(name))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if h, ok := r.named[name]; ok {
		return h, ""
	}
	if r.auto >= r.opts.MaxAuto {
		return nil, fmt.Sprintf("No resource named %s is served here, and --auto-resources has created the %d it may (--max-resources).", textutil.QuoteID(name), r.opts.MaxAuto)
	}
	h, err := r.opts.New(name)
	if err != nil {
		return nil, "The resource could not be created: " + err.Error() + "."
	}
	r.named[name] = h
	r.auto++
	return h, ""
}

// isRootSegment reports a first path segment of the default resource's routes.
func isRootSegment(seg string) bool {
	for _, r := range rootSegments {
		if seg == r {
			return true
		}
	}
	return false
}

// withinResource returns req as resource name's handler sees it: the path without the
// name, the target as received (RequestURI, which a signature covers), and the prefix in
// its context (for the absolute links the control API gives).
func withinResource(req *http.Request, name, path string) *http.Request {
	out := req.WithContext(server.WithPathPrefix(req.Context(), "/"+name))
	u := *req.URL
	u.Path = path
	u.RawPath = ""
	if req.URL.RawPath != "" {
		u.RawPath = strings.TrimPrefix(req.URL.RawPath, "/"+name)
	}
	out.URL = &u
	return out
}

// pathPrefix returns the prefix of the resource ctx's request was served under, "" for
// the default resource.
func pathPrefix(ctx context.Context) string { return server.PathPrefix(ctx) }

// writeResourceError answers a request the router cannot route, as a
// CommunicationErrorResponse.
func writeResourceError(w http.ResponseWriter, status int, message string) {
	target := "resource"
	body, _ := json.Marshal(types.CommunicationErrorResponse{Error: types.CommunicationError{Code: "NotFound", Message: message, Target: &target}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
