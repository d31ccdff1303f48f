package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// runAB measures two builds of serve against each other (-bin, the candidate, against
// -ab, the reference), open and signed, in the same alternating pairs and validity check
// as runComparison: a pair counts only when the reference's core was saturated. It is how
// a change to the request path is judged: before and after in one run, on one host.
func runAB(c config) error {
	if _, err := os.Stat(c.ab); err != nil {
		return fmt.Errorf("-ab %s: %w (build the reference first, e.g. git worktree add /tmp/ref HEAD~1 && cd /tmp/ref && go build -o /tmp/ref.bin ./cmd/phonenumbers)", c.ab, err)
	}
	tmp, logs, err := prepare(c)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	defer logs.Close()
	ref := c
	ref.bin = c.ab
	fmt.Printf("load A/B: %s (candidate) against %s (reference), each on CPU %d (GOMAXPROCS=1), wrk -t1 -c%d on CPU %d; %d alternating pairs of %s\n",
		c.bin, c.ab, c.serverCPU, c.connections, c.loadCPU, c.rounds, c.duration)
	var problems []string
	for _, mode := range []struct {
		label string
		extra []string
	}{
		{"unsigned requests", nil},
		{"HMAC-signed requests", []string{"--access-key", testKey}},
	} {
		p, err := abPair(c, ref, tmp, logs, mode.label, mode.extra)
		if err != nil {
			return err
		}
		problems = append(problems, p...)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// abPair starts both builds with extra arguments and measures them in pairs.
func abPair(c, ref config, tmp string, logs *os.File, label string, extra []string) ([]string, error) {
	slug := strings.Fields(label)[0]
	refSrv, err := startServe(ref, "reference", filepath.Join(tmp, "ref-"+slug+".log"), logs, extra)
	if err != nil {
		return nil, err
	}
	defer refSrv.stop()
	candSrv, err := startServe(c, "candidate", filepath.Join(tmp, "cand-"+slug+".log"), logs, extra)
	if err != nil {
		return nil, err
	}
	defer candSrv.stop()
	if extra != nil {
		// Both listen on loopback; the signature covers the host, so each gets its own.
		return abSigned(c, refSrv, candSrv, label)
	}
	base, cand, err := c.alternate(refSrv, candSrv, nil)
	if err != nil {
		return nil, err
	}
	return report(label, base, cand, 0, c.minBusy), nil
}

// abSigned measures signed requests: each server gets the seed request signed for its own
// host.
func abSigned(c config, ref, cand *server, label string) ([]string, error) {
	headers := map[*server]http.Header{}
	for _, s := range []*server{ref, cand} {
		h, err := signedHeader(strings.TrimPrefix(s.url, "http://"), testKey)
		if err != nil {
			return nil, err
		}
		headers[s] = h
	}
	base, got, err := c.alternateWith(ref, cand, func(s *server) http.Header { return headers[s] })
	if err != nil {
		return nil, err
	}
	return report(label, base, got, 0, c.minBusy), nil
}
