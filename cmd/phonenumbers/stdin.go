package main

import (
	"context"
	"io"
)

// readAllContext reads r through limit+1 bytes, returning when r ends or ctx does,
// whichever comes first. A read from standard input cannot be interrupted (a terminal or
// a pipe nobody writes to blocks until a writer comes or closes), so the read runs in a
// goroutine and this function waits for it or for ctx: on SIGINT or SIGTERM the command
// returns at once and the process exits, taking the blocked goroutine with it. That
// goroutine is left behind only in that case, and only until the process ends.
func readAllContext(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1) // buffered: the reader never blocks on sending
	go func() {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
