//go:build unix

package mock_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// TestLoadFixturesRefusesNonRegularFiles: each of these used to hang start-up or grow
// without bound; each must now fail at once, before reading, naming the file.
func TestLoadFixturesRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	sparse := filepath.Join(dir, "sparse.yaml")
	if err := os.WriteFile(sparse, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, 65<<20); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"fifo", fifo, "named pipe"},
		{"dev zero through a symlink", zero, "a device"},
		{"oversized sparse file", sparse, "larger than the limit of 67108864 bytes"},
		{"directory", dir, "a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := mock.LoadFixtures(tt.path)
			if err == nil || ops != nil {
				t.Fatalf("LoadFixtures = %d operations, %v", len(ops), err)
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the file and say %q", err, tt.want)
			}
		})
	}
}
