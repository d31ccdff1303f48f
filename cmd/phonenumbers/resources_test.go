package main

import (
	"strings"
	"testing"
)

// TestResourcesThroughTheCLI (issue 24): the CLI reaches resources by endpoint alone, with
// or without the trailing slash, signed over the prefixed path; an unknown one is named.
func TestResourcesThroughTheCLI(t *testing.T) {
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	base, _ := startServe(t, serveCmd{Resources: []string{"alpha", "beta=" + testKey}, AutoResources: true, MaxResources: 1})
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"a resource", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/alpha"}, 0, `"id": "search-my-operation-id"`, ""},
		{"trailing slash", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/alpha/"}, 0, `"status": "succeeded"`, ""},
		{"signed over the prefix", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/beta", "--access-key", testKey}, 0, `"id"`, ""},
		{"unsigned to a keyed resource", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/beta"}, 1, "", "401"},
		{"a job's resource, created on first use", []string{"mock", "reset", "--endpoint", base + "/job-1"}, 0, "", ""},
		{"cancel in one resource", []string{"operation", "cancel", "search-my-operation-id", "--endpoint", base + "/job-1"}, 0, "", ""},
		{"gone there", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/job-1"}, 1, "", "404"},
		{"still at alpha", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/alpha"}, 0, `"id"`, ""},
		{"beyond --max-resources", []string{"operation", "get", "search-my-operation-id", "--endpoint", base + "/job-2"}, 1, "", `No resource named "job-2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
		})
	}
}
