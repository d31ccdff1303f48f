package safefile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		fn      func(io.Writer) error
		want    string // the file afterwards
		wantErr string
	}{
		{"a failed write keeps the old file", path, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return errors.New("disk full") }, "old", "disk full"},
		{"a complete write replaces it", path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", ""},
		{"a missing directory is named as given", filepath.Join(dir, "missing", "r.html"), func(io.Writer) error { return nil }, "", "cannot write " + filepath.Join(dir, "missing", "r.html")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := safefile.WriteAtomic(tc.path, tc.fn)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) || (err != nil && strings.Contains(err.Error(), ".tmp")) {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.want != "" {
				if b, _ := os.ReadFile(tc.path); string(b) != tc.want {
					t.Errorf("file holds %q, want %q", b, tc.want)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
