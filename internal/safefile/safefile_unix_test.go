//go:build unix

package safefile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFileRefusesHostilePaths: devices, FIFOs (also one swapped in after the stat),
// directories and oversized files are refused without blocking or reading them whole.
func TestReadFileRefusesHostilePaths(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "ok.pem")
	if err := os.WriteFile(regular, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zeroLink := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zeroLink); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	swapped := filepath.Join(dir, "swapped")
	if err := os.WriteFile(swapped, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		path    string
		swap    bool // replace the file by a FIFO between the stat and the open
		want    string
		wantErr any
	}{
		{"regular file", regular, false, "", nil},
		{"/dev/zero", "/dev/zero", false, "is a device", &NotRegularError{}},
		{"a link to /dev/zero", zeroLink, false, "is a device", &NotRegularError{}},
		{"a FIFO", fifo, false, "is a named pipe (FIFO)", &NotRegularError{}},
		{"a directory", dir, false, "is a directory", &NotRegularError{}},
		{"a sparse 1 GiB file", sparse, false, "larger than the limit of 1048576 bytes", &TooLargeError{}},
		{"a FIFO swapped in after the stat", swapped, true, "is a named pipe (FIFO)", &NotRegularError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.swap {
				afterStat = func(p string) {
					if err := os.Remove(p); err != nil {
						t.Error(err)
					}
					if err := syscall.Mkfifo(p, 0o600); err != nil {
						t.Error(err)
					}
				}
				t.Cleanup(func() { afterStat = nil })
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			data, err := ReadFile(ctx, tt.path, 1<<20)
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %s", d)
			}
			if tt.want == "" {
				if err != nil || string(data) != "hello" {
					t.Fatalf("got %q, %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Fatalf("err %v, want one naming %s and saying %q", err, tt.path, tt.want)
			}
			switch tt.wantErr.(type) {
			case *NotRegularError:
				var e *NotRegularError
				if !errors.As(err, &e) {
					t.Errorf("%T, want *NotRegularError", err)
				}
			case *TooLargeError:
				var e *TooLargeError
				if !errors.As(err, &e) {
					t.Errorf("%T, want *TooLargeError", err)
				}
			}
		})
	}
}

// TestReadFileHonoursItsContext: a cancelled context ends the read before it starts.
func TestReadFileHonoursItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 3*chunk), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFile(ctx, path, 1<<20); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	data, err := ReadFile(context.Background(), path, 1<<20)
	if err != nil || len(data) != 3*chunk {
		t.Fatalf("read %d bytes, %v", len(data), err)
	}
}
