package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// serveBaseline answers every request with the recorded response (the same headers and
// body `serve` sent): the speed of light for this machine.
func serveBaseline(addr, responseFile string) {
	raw, err := os.ReadFile(responseFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	head, body, _ := strings.Cut(string(raw), "\n\n")
	header := http.Header{}
	for line := range strings.SplitSeq(head, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			header[k] = append(header[k], v)
		}
	}
	bodyBytes := []byte(body)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dst := w.Header()
		for k, v := range header {
			dst[k] = v
		}
		_, _ = w.Write(bodyBytes)
	})
	// The same http.Server limits as serve (cmd/phonenumbers/serve.go): net/http sets the
	// matching deadlines on every request, which is net/http's cost, not the handler's.
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// recordSeedResponse writes the response the server at url sends for the seed operation,
// in the format serveBaseline reads (headers, blank line, body). The baseline answers
// exactly that: the same body and the same headers, except Date and Content-Length, which
// net/http adds to both. MS-CV differs per request on serve; the recorded one has its size.
func recordSeedResponse(url, file string) error {
	res, err := http.Get(url + seedPath)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		return fmt.Errorf("seed operation: %d %v", res.StatusCode, err)
	}
	var recorded strings.Builder
	for k, vs := range res.Header {
		if k == "Date" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			recorded.WriteString(k + ": " + v + "\n")
		}
	}
	recorded.WriteString("\n")
	recorded.Write(body)
	return os.WriteFile(file, []byte(recorded.String()), 0o600)
}
