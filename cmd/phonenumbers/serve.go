package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/accesslog"
	"github.com/phonenumbers-go/phonenumbers/internal/fastpath/gcfloor"
	"github.com/phonenumbers-go/phonenumbers/internal/hmacauth"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// Server limits. They keep slow or greedy clients from holding resources.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	// maxRequestHeadBytes bounds a request's line and headers together. A signed request's
	// are well under 2 KiB; 16 KiB leaves room and keeps what a connection can hold before
	// authentication small.
	maxRequestHeadBytes = 16 << 10
	// maxHeaderBytes is http.Server.MaxHeaderBytes for maxRequestHeadBytes: net/http reads
	// up to MaxHeaderBytes plus 4096 bytes of slack (http.Server.initialReadLimitSize)
	// before answering 431, so the slack is taken off here for the documented bound to hold.
	maxHeaderBytes = maxRequestHeadBytes - netHTTPHeaderSlack
	// netHTTPHeaderSlack is the slack net/http adds to MaxHeaderBytes.
	netHTTPHeaderSlack = 4096
	// maxGCFloorMiB bounds --gc-floor-mib (4 GiB): a floor is garbage the heap may hold.
	maxGCFloorMiB = 4 << 10
	// defaultMaxConnections is --max-connections' default.
	defaultMaxConnections = 4096
	drainTimeout          = 10 * time.Second
)

type serveCmd struct {
	Addr               string        `default:"127.0.0.1:8080" env:"PHONENUMBERS_ADDR" help:"Address to listen on."`
	AccessKey          string        `env:"PHONENUMBERS_ACCESS_KEY" help:"Base64 access key. When set, every request must be HMAC-SHA256 signed with it."`
	Fixtures           string        `env:"PHONENUMBERS_FIXTURES" type:"existingfile" help:"YAML or JSON file of operations to serve instead of the defaults (see examples/fixtures.yaml)."`
	Recordings         string        `env:"PHONENUMBERS_RECORDINGS" type:"existingpath" placeholder:"PATH" help:"Recordings file or folder (the format of testdata/recordings, HAR, or what conformance proxy records): serve every recorded operation too, answering each poll as the live service answered it, in order."`
	Seed               *uint64       `env:"PHONENUMBERS_SEED" help:"Seed of the faults' random draws (rates, delay ranges): the same seed and the same requests give the same answers. Default: a new one, logged at start-up."`
	Resources          []string      `name:"resource" env:"PHONENUMBERS_RESOURCES" placeholder:"NAME[=KEY]" help:"Host a named ACS resource path-style, at /NAME/phoneNumbers/... and /NAME/mock/..., with its own operations, journal and faults (and access key, when given; else --access-key's). Repeatable; the environment variable takes a comma-separated list."`
	AutoResources      bool          `name:"auto-resources" env:"PHONENUMBERS_AUTO_RESOURCES" help:"Create a keyless resource the first time a request names one (at most --max-resources), so that each CI job can pick a unique name."`
	MaxResources       int           `name:"max-resources" env:"PHONENUMBERS_MAX_RESOURCES" default:"64" help:"Most resources --auto-resources creates, counted by each serve (with --store redis://..., each replica counts its own); each holds at most 1000 operations and 4 MiB."`
	RecordedStatesOnly bool          `name:"recorded-states-only" env:"PHONENUMBERS_RECORDED_STATES_ONLY" help:"With --recordings: replay the recorded states, not the recorded headers (the server's own headers are then measured by conformance diff)."`
	APIVersions        []string      `name:"api-versions" env:"PHONENUMBERS_API_VERSIONS" help:"Supported api-versions (comma-separated). Default: every version the live service answers, 2021-03-07 to 2025-06-01, previews included (see openapi/README.md)."`
	MaxClockSkew       time.Duration `default:"15m" env:"PHONENUMBERS_MAX_CLOCK_SKEW" help:"How far a signed request's x-ms-date may be off."`
	MaxOperations      int           `default:"10000" env:"PHONENUMBERS_MAX_OPERATIONS" help:"Most operations kept; storing more evicts the oldest."`
	Store              string        `default:"memory" env:"PHONENUMBERS_STORE" placeholder:"memory|redis://HOST:PORT/DB" help:"Where the mock's state is kept: memory (this process), or Redis (redis://[:PASSWORD@]HOST:PORT/DB, rediss:// for TLS), shared by every serve using it: replicas behind a load balancer are one mock. The password may come from PHONENUMBERS_REDIS_PASSWORD instead (keep it off command lines)."`
	RedisPassword      string        `name:"redis-password" env:"PHONENUMBERS_REDIS_PASSWORD" hidden:"" help:"Redis password when --store's URL has none; set it through the environment."`
	OperationTTL       time.Duration `name:"operation-ttl" env:"PHONENUMBERS_OPERATION_TTL" help:"With --store redis://...: remove an operation stored through the control API this long after it was stored (0: kept until evicted, deleted or reset). The start-up operations do not expire."`
	MaxConnections     int           `default:"4096" env:"PHONENUMBERS_MAX_CONNECTIONS" help:"Most connections served at once; more wait to be accepted. Bounds what unauthenticated clients can hold."`
	JournalSize        int           `default:"1000" env:"PHONENUMBERS_JOURNAL_SIZE" help:"Most requests kept in the journal."`
	GCFloorMiB         int           `name:"gc-floor-mib" default:"16" env:"PHONENUMBERS_GC_FLOOR_MIB" help:"Keep the garbage collector's heap goal at least this many MiB (0: the Go runtime's default). Ignored when GOGC is set."`
	LastAction         string        `default:"live" enum:"live,step" env:"PHONENUMBERS_LAST_ACTION" help:"lastActionDateTime: live (0001-01-01, as the service sends) or step (when the current step was reached)."`
	LogFormat          string        `default:"text" enum:"text,json" env:"PHONENUMBERS_LOG_FORMAT" help:"Log format: text or json."`
	LogLevel           string        `default:"info" enum:"debug,info,warn,error" env:"PHONENUMBERS_LOG_LEVEL" help:"Log level: debug, info, warn or error."`
	NoControlAPI       bool          `name:"no-control-api" env:"PHONENUMBERS_NO_CONTROL_API" help:"Disable the /mock control API."`
	TLSCert            string        `name:"tls-cert" env:"PHONENUMBERS_TLS_CERT" type:"existingfile" help:"PEM certificate; serve HTTPS (with --tls-key)."`
	TLSKey             string        `name:"tls-key" env:"PHONENUMBERS_TLS_KEY" type:"existingfile" help:"PEM private key for --tls-cert."`
	PProf              string        `name:"pprof" env:"PHONENUMBERS_PPROF" placeholder:"ADDR" help:"Serve net/http/pprof on this loopback address (e.g. 127.0.0.1:6060), apart from the API. Off by default."`
	TLSSelfSigned      string        `name:"tls-self-signed" env:"PHONENUMBERS_TLS_SELF_SIGNED" placeholder:"DIR" help:"Serve HTTPS with a new self-signed localhost certificate, written to DIR/cert.pem."`
}

// serveHooks let tests observe and steer a running server; the zero value is production.
// They live apart from serveCmd so that the command-line struct holds only flags.
type serveHooks struct {
	// ready, when set, receives the base URL once the server listens.
	ready func(baseURL string)
	// now, when set, is the server's clock.
	now func() time.Time
	// wrap, when set, wraps the handler, e.g. to hold a request in flight.
	wrap func(http.Handler) http.Handler
	// headerTimeout, when set, replaces readHeaderTimeout.
	headerTimeout time.Duration
	// drainTimeout, when set, replaces drainTimeout.
	drainTimeout time.Duration
	// writeTimeout, when set, replaces writeTimeout.
	writeTimeout time.Duration
	// newConnGrace, when set, replaces newConnGrace (see connLimiter).
	newConnGrace time.Duration
	// logPendingBytes, when set, replaces maxLogPendingBytes.
	logPendingBytes int
}

// Run starts the server and blocks until the context is cancelled, then drains.
func (s *serveCmd) Run(e *env) error {
	if s.GCFloorMiB < 0 || s.GCFloorMiB > maxGCFloorMiB {
		return &exitError{code: exitUsage, err: fmt.Errorf("--gc-floor-mib must be from 0 to %d, got %d", maxGCFloorMiB, s.GCFloorMiB)}
	}
	if err := checkAPIVersions(splitList(s.APIVersions)); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := checkClockSkew(s.MaxClockSkew); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := s.checkFlags(); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if s.GCFloorMiB > 0 && e.getenv("GOGC") == "" {
		// The runtime's 4 MiB minimum goal has the collector mark serve's fixed heap (the
		// parsed spec, compiled schemas) dozens of times a second under load; see
		// docs/performance.md. GOGC, when set, is the operator's choice and wins.
		defer gcfloor.Start(uint64(s.GCFloorMiB)<<20, nil)()
	}
	if err := s.serve(e.ctx, e.stderr, serveHooks{}); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return err // a usage error found while starting (a refused Redis password)
		}
		return &exitError{code: exitFailure, err: err}
	}
	return nil
}

func (s *serveCmd) serve(ctx context.Context, logOut io.Writer, hooks serveHooks) error {
	logBuf := newBufferedLog(logOut)
	if hooks.logPendingBytes > 0 {
		logBuf.maxPending = hooks.logPendingBytes // before any Write
	}
	defer logBuf.Close()
	logger, err := newLogger(logBuf, s.LogFormat, s.LogLevel)
	if err != nil {
		return err
	}
	// Lines the output could not take are dropped, never waited for: say so once it
	// takes lines again.
	logBuf.setOnDrop(func(n uint64) {
		logger.Warn("the log output is not keeping up: lines dropped", "dropped", n, "dropped_total", logBuf.Dropped())
	})
	ops := mock.DefaultOperations()
	source := "built-in defaults"
	var rules []mock.Fault
	if s.Fixtures != "" {
		file, err := mock.LoadFixtureFile(s.Fixtures)
		if err != nil {
			return err
		}
		ops, rules, source = file.Operations, file.Faults, s.Fixtures
	}
	if s.Recordings != "" {
		if ops, err = withRecordings(ops, s.Recordings, s.RecordedStatesOnly, logger); err != nil {
			return err
		}
		source += " and the recordings in " + s.Recordings
	}
	backend, err := openStore(s.Store, s.RedisPassword) // the flags were checked by checkFlags
	if err != nil {
		return err
	}
	defer backend.close()
	if err := backend.checkAuth(ctx); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	mocks := &mockFactory{cmd: s, ops: ops, rules: rules, seed: s.seed(), logger: logger, now: hooks.now, store: backend, ctx: ctx}
	handler, store, err := mocks.build("", s.AccessKey, nil)
	if err != nil {
		return err
	}
	routed, err := mocks.resources(handler)
	if err != nil {
		return err
	}
	tlsConfig, err := s.tlsConfig()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("listen on %s: %w; another process listens there: pass another --addr, e.g. --addr 127.0.0.1:8090 (make run ADDR=127.0.0.1:8090)", s.Addr, err)
		}
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	maxConns := s.MaxConnections
	switch {
	case maxConns < 0:
		ln.Close()
		return fmt.Errorf("--max-connections must be positive, got %d", maxConns)
	case maxConns == 0:
		maxConns = defaultMaxConnections
	}
	// Each connection can hold up to maxRequestHeadBytes and a goroutine before it is
	// authenticated: the count bounds that memory (4096 x ~40 KB). At the limit, an idle
	// keep-alive connection (or one that has sent nothing for newConnGrace) is closed to
	// admit the next one, so that one client cannot hold every slot by idling.
	grace := newConnGrace
	if hooks.newConnGrace > 0 {
		grace = hooks.newConnGrace
	}
	limiter := newConnLimiter(ln, maxConns, grace, hooks.now)
	ln = limiter
	if s.PProf != "" {
		pctx, stopPprof := context.WithCancel(ctx)
		defer stopPprof()
		if err := startPprof(pctx, s.PProf, logger); err != nil {
			ln.Close()
			return err
		}
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tlsConfig)
	}
	h := routed
	if hooks.wrap != nil {
		h = hooks.wrap(h)
	}
	headerTimeout := readHeaderTimeout
	if hooks.headerTimeout > 0 {
		headerTimeout = hooks.headerTimeout
	}
	answerTimeout := writeTimeout
	if hooks.writeTimeout > 0 {
		answerTimeout = hooks.writeTimeout
	}
	// Requests' contexts end when the drain starts, so that a delayed answer (a scripted
	// fault) is released at once instead of holding the drain.
	baseCtx, stopRequests := context.WithCancel(context.Background())
	defer stopRequests()
	srv := &http.Server{
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		Handler:           h,
		ReadHeaderTimeout: headerTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      answerTimeout, // a journal stream extends its own, event by event
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ConnState:         limiter.setState,
		// net/http answers OPTIONS * itself, 200 without calling the handler, so without
		// authentication: the handler answers it like any other request (401 unsigned,
		// else 404 NotFound).
		DisableGeneralOptionsHandler: true,
	}
	baseURL := scheme + "://" + ln.Addr().String()
	stored, err := store.LenContext(ctx)
	if err != nil {
		logger.Warn("the store cannot be reached yet: requests are answered 503 until it can", "store", backend.describe(), "error", err.Error())
	}
	s.logStartup(logger, baseURL, source, ops[0].ID, stored)
	logger.Info("state", "store", backend.describe())
	if hasFaults(ops, rules) {
		logger.Info("faults scripted: random draws are reproducible with --seed", "seed", strconv.FormatUint(mocks.seed, 10))
	}
	mocks.logResources(baseURL)
	for _, v := range splitList(s.APIVersions) {
		if !slices.Contains(openapi.KnownVersions(), v) {
			logger.Warn("this api-version has no known contract: requests at it are answered and validated as 2022-12-01's (see openapi/README.md for the versions compared)", "api_version", v)
		}
	}
	logBuf.flush() // the start-up lines are wanted at once

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if hooks.ready != nil {
		hooks.ready(baseURL)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	drain := drainTimeout
	if hooks.drainTimeout > 0 {
		drain = hooks.drainTimeout
	}
	stopRequests()
	if err := drainServer(srv, drain, logger); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	if n := logBuf.Dropped(); n > 0 {
		logger.Warn("stopped", "log_lines_dropped", n)
		return nil
	}
	logger.Info("stopped")
	return nil
}

// drainServer lets in-flight requests finish for up to timeout, then closes the
// connections still open. A drain that runs out of time is the documented end of a
// shutdown, not a failure: serve still exits 0, and the log says what was cut.
func drainServer(srv *http.Server, timeout time.Duration, logger *slog.Logger) error {
	logger.Info("shutting down: draining in-flight requests", "timeout", timeout)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		logger.Warn("shutting down: the drain timed out; closing the connections still open", "timeout", timeout)
		err = srv.Close()
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// checkClockSkew refuses a --max-clock-skew that is not positive: the verifier reads zero
// as its default (15 minutes), so 0s or a negative value would silently mean 15 minutes,
// the opposite of what whoever typed it meant.
func checkClockSkew(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("--max-clock-skew must be positive (e.g. 15m, 30s), got %s", d)
	}
	return nil
}

func (s *serveCmd) logStartup(logger *slog.Logger, baseURL, source, firstID string, n int) {
	logger.Info("phonenumbers server listening",
		"url", reachableURL(baseURL), "auth", s.authSummary(), "operations", n, "source", source,
		"control_api", !s.NoControlAPI, "try", s.tryCommand(invokedAs(os.Args[0]), reachableURL(baseURL), firstID))
	if !s.NoControlAPI {
		logger.Info("dashboard: open it in a browser", "url", reachableURL(baseURL)+mock.UIPath)
	}
	if s.AccessKey != "" {
		logger.Info("the command above reads the key from PHONENUMBERS_ACCESS_KEY, as serve does; set it in that shell (avoid --access-key: command lines are visible to other processes)")
	}
}

func (s *serveCmd) authSummary() string {
	if s.AccessKey != "" {
		return "HMAC-SHA256 access key required"
	}
	return "off (open server: requests are not authenticated)"
}

// tryCommand is a command that works when pasted: program as serve was started, an
// operation that exists, the URL a client can reach, the certificate to trust and the key
// (as a placeholder: never the key).
func (s *serveCmd) tryCommand(program, baseURL, id string) string {
	cmd := program + " operation get " + id + " --endpoint " + baseURL
	// A keyed server's key is not in the command: the CLI reads PHONENUMBERS_ACCESS_KEY,
	// as serve does, and a key on a command line is visible to every local process.
	if s.TLSSelfSigned != "" {
		cmd += " --ca-cert " + filepath.Join(s.TLSSelfSigned, "cert.pem")
	}
	if s.AccessKey == "" && s.TLSSelfSigned == "" && s.TLSCert == "" {
		cmd = "curl -i '" + baseURL + "/phoneNumbers/operations/" + url.PathEscape(id) + "?api-version=" + types.DefaultAPIVersion + "'  or  " + cmd
	}
	return cmd
}

// invokedAs is the program name for a command meant for pasting: the path serve was
// started by (./bin/phonenumbers, from make run), which works in the same shell, unless
// it was a bare name found on PATH, a temporary build of go run or go test, or a path a
// shell would split.
func invokedAs(arg0 string) string {
	if !strings.ContainsRune(arg0, filepath.Separator) || strings.Contains(arg0, "go-build") ||
		strings.ContainsAny(arg0, " \t'\"$`\\;&|<>()*?[]{}~!#") {
		return "phonenumbers"
	}
	return arg0
}

// reachableURL replaces an unspecified listen address (0.0.0.0, ::) with loopback, which
// a browser or client on this machine can open.
func reachableURL(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return baseURL
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		loopback := "127.0.0.1"
		if ip.To4() == nil {
			loopback = "::1"
		}
		u.Host = net.JoinHostPort(loopback, u.Port())
	}
	return u.String()
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "json":
		// Durations as "1.25ms", not integer nanoseconds.
		hopts.ReplaceAttr = accesslog.ReadableDurations
		return slog.New(accesslog.New(slog.NewJSONHandler(w, hopts), w, true)), nil
	case "text", "":
		return slog.New(accesslog.New(slog.NewTextHandler(w, hopts), w, false)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// splitList flattens comma-separated values and drops blanks.
func splitList(in []string) []string {
	var out []string
	for _, v := range in {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// seed returns --seed, or a new random seed.
func (s *serveCmd) seed() uint64 {
	if s.Seed != nil {
		return *s.Seed
	}
	return rand.Uint64()
}

// hasFaults reports whether any operation or rule scripts a fault.
func hasFaults(ops []mock.Operation, rules []mock.Fault) bool {
	for i := range ops {
		if len(ops[i].Faults) > 0 {
			return true
		}
	}
	return len(rules) > 0
}

// checkFlags refuses, before anything starts, what is wrong with the command line: keys
// that are not base64, resources' names and keys, the store's URL and the TTL. These are
// usage errors (exit 2), as the README says.
func (s *serveCmd) checkFlags() error {
	if s.AccessKey != "" {
		if _, err := hmacauth.DecodeKey(s.AccessKey); err != nil {
			return errors.New("--access-key must be base64, as the Azure portal shows it")
		}
	}
	for _, spec := range s.Resources {
		name, key, err := parseResource(spec, "")
		if err != nil {
			return err
		}
		if err := mock.CheckResourceName(name); err != nil {
			return fmt.Errorf("--resource: %w", err)
		}
		if key != "" {
			if _, err := hmacauth.DecodeKey(key); err != nil {
				return fmt.Errorf("--resource %s=...: the key must be base64, as the Azure portal shows it", name)
			}
		}
	}
	if s.OperationTTL < 0 {
		return fmt.Errorf("--operation-ttl must not be negative, got %s", s.OperationTTL)
	}
	backend, err := openStore(s.Store, s.RedisPassword)
	if err != nil {
		return err
	}
	defer backend.close()
	if backend.rdb == nil && s.OperationTTL > 0 {
		return errors.New("--operation-ttl needs --store redis://...: the memory store bounds operations by count and bytes")
	}
	return nil
}
