package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// startPprof serves net/http/pprof on its own listener, apart from the API, so profiles
// can be taken under load without exposing them on the API port. Only loopback
// addresses are accepted: profiles reveal memory contents. The command line is not served
// (it may hold the access key). It stops when ctx ends.
func startPprof(ctx context.Context, addr string, logger *slog.Logger) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: want host:port, e.g. 127.0.0.1:6060", addr)
	}
	if !netutil.IsLoopbackHost(host) {
		return fmt.Errorf("--pprof %q: only a loopback address is allowed (profiles expose memory), e.g. 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	// No /debug/pprof/cmdline: the command line may carry --access-key.
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("pprof listener stopped", "error", err.Error())
		}
	}()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	logger.Info("pprof listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
