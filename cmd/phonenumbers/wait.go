package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// errServerNotUp marks a --wait that ran out.
var errServerNotUp = errors.New("the server did not answer")

// waitRetry is the pause between tries while waiting for a server to come up.
const waitRetry = 250 * time.Millisecond

// waitForServer returns once the server at endpoint answers any HTTP request (an error
// status counts: the server is up), or an error wrapping errServerNotUp after d.
func waitForServer(ctx context.Context, hc *http.Client, endpoint string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
		if err != nil {
			return err
		}
		res, err := hc.Do(req)
		if err == nil {
			res.Body.Close()
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w within --wait %s: %v", errServerNotUp, d, describeError(last))
		case <-time.After(waitRetry):
		}
	}
}
