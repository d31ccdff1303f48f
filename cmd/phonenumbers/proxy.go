package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	netlimit "golang.org/x/net/netutil"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// proxyCmd is `phonenumbers conformance proxy`.
type proxyCmd struct {
	Listen             string `default:"127.0.0.1:8081" help:"Address to listen on (plain HTTP; keep it on loopback)."`
	Upstream           string `required:"" placeholder:"URL" help:"The server to forward to, e.g. https://contoso.communication.azure.com."`
	AccessKey          string `env:"PHONENUMBERS_ACCESS_KEY" help:"Base64 access key of the upstream: every request is re-signed for its host."`
	CACert             string `name:"ca-cert" type:"existingfile" help:"PEM file of CA certificates to trust for the upstream."`
	InsecureSkipVerify bool   `name:"insecure-skip-verify" help:"Do not verify the upstream's TLS certificate (tests only)."`
	Strict             bool   `help:"Fail on SHOULD rules too, not only MUST rules."`
	Record             string `placeholder:"FILE" help:"On exit, write the exchanges (sanitized, normalized format; conformance --recordings re-checks it) to FILE."`
	JSON               string `name:"json" placeholder:"FILE" help:"On exit, write the report as JSON to FILE."`
	JUnit              string `name:"junit" placeholder:"FILE" help:"On exit, write the report as JUnit XML to FILE."`
	Summary            string `placeholder:"FILE" help:"On exit, write a Markdown summary to FILE (appended to $GITHUB_STEP_SUMMARY when that is set)."`
	Quiet              bool   `help:"Leave SKIP lines out of the final text report."`
}

// Help says when the proxy stops and what its exit code means.
func (proxyCmd) Help() string {
	return "Runs until SIGINT or SIGTERM, then prints the summary and writes the files. " +
		"Exit codes: 0 when every exchange conformed; 1 when one failed; 2 usage error (or the address cannot be used)."
}

// proxyReady, when set by a test, receives the address the proxy listens on.
var proxyReady func(addr string)

// Run serves until the context is cancelled, printing violations as they happen.
func (c *proxyCmd) Run(e *env) error {
	if err := checkAccessKeyFlag(c.AccessKey); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	upstream, err := parseEndpointFlag("--upstream", c.Upstream)
	if err == nil && c.AccessKey != "" {
		err = checkSigningTransport(upstream)
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	v, err := conformance.NewValidator()
	if err != nil {
		return err
	}
	hc, err := (&connectionFlags{CACert: c.CACert, InsecureSkipVerify: c.InsecureSkipVerify}).httpClient(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	hc.Timeout = 60 * time.Second
	var outMu sync.Mutex
	p, err := v.NewProxy(&conformance.ProxyOptions{
		Upstream: c.Upstream, AccessKey: c.AccessKey, HTTPClient: hc, Strict: c.Strict,
		OnResult: func(r conformance.Result) {
			if r.Status == conformance.StatusSkip {
				return
			}
			outMu.Lock()
			defer outMu.Unlock()
			printLive(e.stdout, r)
		},
	})
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil || !netutil.IsLoopbackHost(c.Listen) {
		return &exitError{code: exitUsage, err: fmt.Errorf("--listen %q: want a loopback address such as 127.0.0.1:8081: with --access-key the proxy signs what it forwards, for whoever can reach it", c.Listen)}
	}
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			err = fmt.Errorf("%w; another process listens there: pass another --listen, e.g. 127.0.0.1:8082", err)
		}
		return &exitError{code: exitUsage, err: fmt.Errorf("--listen: %w", err)}
	}
	ln = netlimit.LimitListener(ln, maxProxyConnections)
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	addr := ln.Addr().String()
	outMu.Lock()
	fmt.Fprintf(e.stderr, "phonenumbers: conformance proxy on http://%s -> %s; send your client there, stop with Ctrl-C\n", addr, textutil.Printable(upstream.Redacted(), false))
	outMu.Unlock()
	if proxyReady != nil {
		proxyReady(addr)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("proxy: %w", err)
	case <-e.ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("proxy: %w", err)
	}

	rep := p.Report()
	outMu.Lock()
	werr := rep.WriteText(e.stdout, &conformance.TextOptions{Quiet: c.Quiet})
	n, kept := p.Counts()
	if n > kept {
		fmt.Fprintf(e.stdout, "%d exchanges, %d kept for the recording (the rest were checked, not kept)\n", n, kept)
	}
	outMu.Unlock()
	if werr != nil {
		return werr
	}
	// A file that cannot be written is a failure of the run, not of its command line: the
	// files already written stay, and the one that failed keeps its old content.
	if err := writeReports(rep, reportFiles{JSON: c.JSON, JUnit: c.JUnit, Summary: c.Summary, StepSummary: e.getenv("GITHUB_STEP_SUMMARY")}); err != nil {
		return &exitError{code: exitFailure, err: err}
	}
	if c.Record != "" {
		if err := writeFile(c.Record, p.WriteRecording); err != nil {
			return &exitError{code: exitFailure, err: fmt.Errorf("--record: %w", err)}
		}
	}
	if rep.Failed() {
		return &exitError{code: exitFailure}
	}
	return nil
}

// printLive prints one violation as it happens. Each field of server or client origin is
// escaped onto its line (newlines included), so that none can print a line of its own.
func printLive(w io.Writer, r conformance.Result) {
	one := func(s string) string { return textutil.Printable(s, false) }
	line := fmt.Sprintf("%-4s %-28s %s %s -> %d", strings.ToUpper(string(r.Status)), one(r.Check), one(r.Request.Method), one(r.Request.URL), r.ResponseStatus)
	if r.Reason != "" {
		line += ": " + one(r.Reason)
	}
	for i, v := range r.Violations {
		if i == conformance.DefaultMaxViolations {
			line += fmt.Sprintf("\n       … and %d more", len(r.Violations)-i)
			break
		}
		line += "\n       " + one(v.Path) + " " + one(v.Message)
	}
	fmt.Fprintln(w, line)
}

// writeFile replaces path with what fn writes, atomically: fn writes a new file beside it,
// renamed over path once complete, so that a failure (a full disk, a signal, running out of
// memory) leaves the old file whole rather than truncated.
//
// A path that names something other than a regular file (/dev/stdout, a pipe) is written
// in place: there is nothing to keep whole, and a rename would replace the device.
func writeFile(path string, fn func(io.Writer) error) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return openAndWrite(path, os.O_WRONLY|os.O_TRUNC, fn)
	}
	return safefile.WriteAtomic(path, fn)
}

// openAndWrite opens path with flag (mode 0644 when created), writes what fn writes and
// closes it, reporting the first error.
func openAndWrite(path string, flag int, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// maxProxyConnections bounds the proxy's connections: each can hold a request body of up
// to 1 MiB while it is read.
const maxProxyConnections = 256
