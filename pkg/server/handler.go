package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/querycache"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// HealthPath answers readiness probes; it is outside the Communication Services API and
// needs no signature.
const HealthPath = "/healthz"

// DefaultMaxBodyBytes bounds request bodies (the API takes none; routes added through
// Options.Register may).
const DefaultMaxBodyBytes = 1 << 20

// DefaultMaxURIBytes bounds the request target (path and query). Longer ones answer 414.
const DefaultMaxURIBytes = 8 << 10

// Options configures [New]. The zero value serves the store openly, validates requests,
// answers every api-version the live service answers (openapi.DefaultVersions) and logs
// nothing.
type Options struct {
	// Service answers PhoneNumbers_GetOperation. Default: NewService(store).
	Service StrictServerInterface
	// AccessKey is the base64 access key. When set, every request except /healthz must
	// carry a valid HMAC-SHA256 signature. Empty means the server is open.
	AccessKey string
	// MaxClockSkew is how far a signed request's date may be off. Zero means the default,
	// 15 minutes; a negative value is an error.
	MaxClockSkew time.Duration
	// APIVersions are the supported api-versions, listed in the api-supported-versions
	// header. Default: openapi.DefaultVersions(), every version the live service answers
	// (previews included) and every stable one with a known contract; the header then
	// carries openapi.LiveSupportedVersions(), the list as the live service sends it.
	APIVersions []string
	// Logger receives one line per request and every 5xx cause. Default: discard.
	Logger *slog.Logger
	// Now is the clock for signatures and logs. Default time.Now.
	Now func() time.Time
	// MaxBodyBytes bounds request bodies. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxURIBytes bounds the request target. Default DefaultMaxURIBytes.
	MaxURIBytes int
	// Observe, when set, is called once per answered request, after the answer is written,
	// with the status sent and the time the request arrived (the mock's journal uses it).
	// It runs on the request's goroutine, so it must be cheap, and must not keep req.
	Observe func(req *http.Request, status int, received time.Time)
	// Register, when set, adds routes (the mock's control API uses it). They sit behind
	// the same chain as the API: panic guard, logging, headers, URI limit, authentication,
	// and errors answered as CommunicationErrorResponses; [BufferBody] caps their bodies.
	Register func(r EchoRouter)
	// PublicRoutes are routes added by Register (as registered: "/mock/ui/*") that a keyed
	// server answers without a signature: pages a browser loads by address, which cannot
	// carry one, and which must hold no data (the mock's dashboard assets). /healthz
	// always is.
	PublicRoutes []string
}

// Server is the reference server as an http.Handler. Build it with [New]. An
// http.Server serving it should set DisableGeneralOptionsHandler, as serve does:
// otherwise net/http answers OPTIONS * with 200 itself, before authentication.
type Server struct {
	echo   *echo.Echo
	chain  *chain
	logger *slog.Logger
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// New returns the reference server for store: the generated strict handler behind request
// validation, HMAC authentication (when a key is given), live-like headers, request
// logging and a panic guard. Every non-2xx answer is a CommunicationErrorResponse.
func New(store OperationStore, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if store == nil && o.Service == nil {
		return nil, errors.New("server: a store or a Service is required")
	}
	if o.Service == nil {
		o.Service = NewService(store)
	}
	if o.MaxClockSkew < 0 {
		return nil, fmt.Errorf("server: MaxClockSkew must not be negative (0 means 15 minutes), got %s", o.MaxClockSkew)
	}
	supportedHeader := strings.Join(o.APIVersions, ", ")
	if len(o.APIVersions) == 0 {
		o.APIVersions, supportedHeader = openapi.DefaultVersions(), openapi.LiveSupportedVersions()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxURIBytes <= 0 {
		o.MaxURIBytes = DefaultMaxURIBytes
	}

	s := &Server{echo: echo.New(), logger: o.Logger}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError

	ch := &chain{
		queries:   querycache.New(o.APIVersions),
		versions:  o.APIVersions,
		log:       newRequestLogger(o.Logger, o.Observe, o.Now),
		supported: []string{supportedHeader},
		maxURI:    o.MaxURIBytes,
	}
	if o.AccessKey != "" {
		key, err := hmacauth.DecodeKey(o.AccessKey)
		if err != nil {
			return nil, errors.New("server: the access key must be base64 (as shown in the Azure portal)")
		}
		ch.auth = &authenticator{verifier: hmacauth.NewVerifier(key, o.MaxClockSkew, o.Now), bodyLimit: o.MaxBodyBytes,
			public: slices.Clone(o.PublicRoutes)}
	}
	s.chain = ch
	e.Use(ch.middleware)

	spec, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	if ch.getOp, err = newOperationValidatorFor(spec, http.MethodGet); err != nil {
		return nil, err
	}
	if ch.cancelOp, err = newOperationValidatorFor(spec, http.MethodDelete); err != nil {
		return nil, err
	}
	RegisterHandlers(operationRouter{EchoRouter: e, queries: ch.queries}, NewStrictHandler(o.Service, nil))
	e.GET(HealthPath, func(c echo.Context) error {
		return c.JSONBlob(http.StatusOK, []byte(`{"status":"ok"}`))
	})
	if o.Register != nil {
		o.Register(e)
	}
	return s, nil
}

// handleError answers every error with a CommunicationErrorResponse.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := s.toAPIError(err, c)
	writeAPIError(c.Response(), ae)
}

func (s *Server) toAPIError(err error, c echo.Context) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	if (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && c.Request().Context().Err() != nil {
		// The request ended (its client left, or the server is shutting down) while it
		// waited: nothing failed, so no 500 and no error line.
		return BusyError("and the request ended before it was served")
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		req := c.Request()
		switch he.Code {
		case http.StatusNotFound:
			return NewAPIError(http.StatusNotFound, CodeNotFound,
				fmt.Sprintf("No resource matches %s %s.", req.Method, textutil.Truncate(req.URL.Path, 200)), "")
		case http.StatusMethodNotAllowed:
			return NewAPIError(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
				fmt.Sprintf("The method %s is not allowed on %s; allowed: %s.", textutil.Truncate(req.Method, 16), textutil.Truncate(req.URL.Path, 200),
					c.Response().Header().Get(echo.HeaderAllow)), "")
		case http.StatusBadRequest:
			if e := bodyBindError(he); e != nil {
				return e
			}
			msg := fmt.Sprint(he.Message)
			// The binder's message can quote the value (a time, twice): cut it, so that an
			// answer never grows with the request.
			return NewAPIError(http.StatusBadRequest, CodeInvalidParameter, textutil.Truncate(strings.TrimRight(textutil.FirstLine(msg), "."), maxBinderMessage)+".",
				textutil.Truncate(generatedBinderTarget(msg), 64))
		case http.StatusRequestEntityTooLarge:
			return NewAPIError(he.Code, CodeRequestTooLarge, "The request body is too large.", "")
		case http.StatusUnsupportedMediaType:
			return NewAPIError(he.Code, CodeUnsupportedMediaType, "The request body must be sent with Content-Type: application/json.", "")
		case http.StatusRequestURITooLong:
			return NewAPIError(he.Code, CodeURITooLong, "The request URI is too long.", "")
		}
		if he.Code >= 400 && he.Code < 500 {
			return NewAPIError(he.Code, CodeBadRequest, http.StatusText(he.Code)+".", "")
		}
	}
	s.logger.Error("request failed", "path", c.Request().URL.Path, "error", err.Error())
	return internalError()
}

// checkURI answers 414 for request targets longer than max bytes, before any routing
// work is spent on them.
func checkURI(req *http.Request, max int) error {
	if len(req.RequestURI) > max || len(req.URL.Path)+len(req.URL.RawQuery) > max {
		return NewAPIError(http.StatusRequestURITooLong, CodeURITooLong,
			fmt.Sprintf("The request URI is longer than %d bytes.", max), "")
	}
	return nil
}

// bodyBindError rewrites echo's body binding errors in the API's terms, from the
// encoding/json error echo keeps in HTTPError.Internal; nil when he is not one.
func bodyBindError(he *echo.HTTPError) *APIError {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(he.Internal, &te):
		where := "The request body"
		if te.Field != "" {
			where = "Field " + te.Field
		}
		return NewAPIError(http.StatusBadRequest, CodeInvalidParameter,
			fmt.Sprintf("%s is %s; want %s.", where, textutil.JSONKind(te.Value), textutil.JSONKindOfType(te.Type)), te.Field)
	case errors.As(he.Internal, &se):
		return NewAPIError(http.StatusBadRequest, CodeBadRequest, "The request body is not valid JSON: "+se.Error()+".", "")
	case errors.Is(he.Internal, io.ErrUnexpectedEOF):
		return NewAPIError(http.StatusBadRequest, CodeBadRequest, "The request body is not valid JSON: it ends too early.", "")
	}
	return nil
}

// maxBinderMessage bounds a bind error's message in an answer.
const maxBinderMessage = 300

// generatedBinderTarget returns the parameter a generated handler failed to bind. The
// generated code (oapi-codegen's echo template) formats it into the message as "Invalid
// format for parameter NAME: ..." and keeps no error to unwrap, so the name is read from
// there; TestGeneratedBinderErrorNamesTheParameter fails should the template's wording change.
func generatedBinderTarget(msg string) string {
	_, rest, ok := strings.Cut(msg, "Invalid format for parameter ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, ":")
	return name
}
