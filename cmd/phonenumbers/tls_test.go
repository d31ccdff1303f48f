package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSelfSignedWritesSafely: an existing world-writable key.pem ends up 0600 with the new
// key, and a symbolic link at cert.pem is replaced, its target untouched.
func TestSelfSignedWritesSafely(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, "cert.pem")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "key.pem"), 0o666); err != nil { // past the umask
		t.Fatal(err)
	}
	if _, err := selfSigned(dir); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mode os.FileMode
	}{
		{"key.pem", 0o600},
		{"cert.pem", 0o644},
	}
	for _, tt := range tests {
		fi, err := os.Lstat(filepath.Join(dir, tt.name))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != tt.mode {
			t.Errorf("%s: mode %v, want a regular file with %v", tt.name, fi.Mode(), tt.mode)
		}
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "keep me" {
		t.Errorf("the link's target was written: %q, %v", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files in DIR, want cert.pem and key.pem only", len(entries))
	}
}
