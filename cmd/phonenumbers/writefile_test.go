package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileKeepsTheOldFileOnFailure (issue 21, item 4): a recording that failed while
// being written had already truncated the file, losing everything recorded. The new file is
// written beside it and renamed over it once complete.
func TestWriteFileKeepsTheOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rec.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		fn      func(io.Writer) error
		want    string
		wantErr bool
	}{
		{"fails midway", func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return errors.New("out of memory") }, "old", true},
		{"completes", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, "new", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := writeFile(path, tt.fn)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tt.want {
				t.Errorf("the file holds %q, want %q", got, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("%d files in the directory: a temporary one was left", len(entries))
			}
		})
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if err := writeFile(os.DevNull, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
		t.Errorf("a device is written in place: %v", err)
	}
}

// TestWriteFileNamesThePathGiven (new-user trial): a report to a missing directory was
// refused naming the temporary file beside it (".x.html.1227047397.tmp").
func TestWriteFileNamesThePathGiven(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "report.html")
	err := writeFile(path, func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), path+":") || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("error %v, want one naming %s and not the temporary file", err, path)
	}
}
