// Package safefile reads files named on a command line or in a configuration (certificate
// bundles, fixtures, recordings) without letting the path decide what the process does:
// only regular files are read, never devices (/dev/zero is endless), FIFOs (whose open and
// read block until a writer comes) or sockets; the size is capped before and while
// reading; and the read ends when its context does, so SIGINT and SIGTERM always end the
// process.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// NotRegularError is returned for a path that is not a regular file once links are
// followed. Nothing has been read from it.
type NotRegularError struct {
	Path string
	Mode os.FileMode
}

// Error names the path and what it is.
func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, kind(e.Mode))
}

// TooLargeError is returned for a file larger than the limit; no more than Limit+1 bytes
// of it were read.
type TooLargeError struct {
	Path  string
	Size  int64 // the size stat reported, or -1 when the file grew while being read
	Limit int64
}

// Error names the path, its size and the limit.
func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("%s grew past the limit of %d bytes while being read", e.Path, e.Limit)
	}
	return fmt.Sprintf("%s is %d bytes, larger than the limit of %d bytes", e.Path, e.Size, e.Limit)
}

// kind words a file mode for a message.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeDevice != 0 || m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file: " + m.Type().String()
}

// check refuses anything but a regular file of at most limit bytes.
func check(path string, fi os.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return &TooLargeError{Path: path, Size: fi.Size(), Limit: limit}
	}
	return nil
}

// Open opens path for reading if it is a regular file (links followed) of at most limit
// bytes. It stats the path first, so that a device or a FIFO is refused without being
// opened, then opens it non-blocking (should the path be swapped for a FIFO after the
// stat, the open returns at once rather than waiting for a writer) and checks the open
// file again: what was opened is what gets read.
func Open(path string, limit int64) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, limit); err != nil {
		return nil, err
	}
	if afterStat != nil {
		afterStat(path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err == nil {
		err = check(path, fi, limit)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// afterStat, set by tests, runs between the stat and the open: where a path can be
// swapped for a FIFO.
var afterStat func(path string)

// chunk is how much ReadFile reads between two looks at its context.
const chunk = 64 << 10

// ReadFile reads path as Open allows, through the limit (the file may grow after the
// stat), checking ctx between chunks. A cancelled ctx ends it with ctx's error.
func ReadFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	data, err := readAll(ctx, io.LimitReader(f, limit+1), size)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Size: -1, Limit: limit}
	}
	return data, nil
}

// readAll is io.ReadAll looking at ctx between chunks of at most chunk bytes.
// size, the size stat reported, sizes the buffer (the limit already bounds it).
func readAll(ctx context.Context, r io.Reader, size int64) ([]byte, error) {
	out := make([]byte, 0, size+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := r.Read(out[len(out):min(cap(out), len(out)+chunk)])
		out = out[:len(out)+n]
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
