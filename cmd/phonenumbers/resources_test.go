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

// TestServeFlagMistakesAreUsageErrors (issue 24 trial): serve exited 1 for command-line
// mistakes the README calls usage errors (exit 2).
func TestServeFlagMistakesAreUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a key that is not base64", []string{"--access-key", "notbase64!"}, "--access-key must be base64"},
		{"a resource name", []string{"--resource", "Job_1"}, "letters, digits and hyphens"},
		{"a reserved name", []string{"--resource", "mock"}, "taken by the server's own /mock routes"},
		{"a resource's key", []string{"--resource", "a=notbase64!"}, "--resource a=...: the key must be base64"},
		{"an empty resource key", []string{"--resource", "a="}, "the key is empty"},
		{"a store", []string{"--store", "foo://x"}, "want memory, redis://"},
		{"a TTL without Redis", []string{"--operation-ttl", "5s"}, "--operation-ttl needs --store redis://"},
		{"a negative TTL", []string{"--operation-ttl=-5s"}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d: %s", code, stderr)
			}
		})
	}
}
