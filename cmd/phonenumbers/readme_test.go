package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeCommands returns the `phonenumbers …` command lines of the README's sh blocks
// that talk to the local server of `make run` (http://127.0.0.1:8080), continuations joined;
// `echo '…' | phonenumbers …` pipelines are kept whole.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	inSh, cur := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			inSh = true
		case strings.HasPrefix(line, "```"):
			inSh = false
		case inSh && (cur != "" || strings.HasPrefix(line, "phonenumbers ") || strings.HasPrefix(line, "echo ")):
			line, _, _ = strings.Cut(line, " #") // a trailing comment
			cur += strings.TrimSuffix(strings.TrimSpace(line), `\`) + " "
			if !strings.HasSuffix(strings.TrimSpace(line), `\`) {
				if strings.Contains(cur, "http://127.0.0.1:8080") {
					cmds = append(cmds, strings.TrimSpace(cur))
				}
				cur = ""
			}
		}
	}
	return cmds
}

// TestReadmeCLIExamples runs the README's CLI examples against serve, as printed but for
// the port.
func TestReadmeCLIExamples(t *testing.T) {
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	t.Setenv("COMMUNICATION_SERVICES_CONNECTION_STRING", "")
	base, _ := startServe(t, serveCmd{})
	cmds := readmeCommands(t)
	if len(cmds) < 2 {
		t.Fatalf("found %d CLI examples in README.md: %q", len(cmds), cmds)
	}
	for _, cmd := range cmds {
		t.Run(cmd, func(t *testing.T) {
			stdin := ""
			if echo, rest, ok := strings.Cut(cmd, " | "); ok && strings.HasPrefix(echo, "echo ") {
				stdin, cmd = strings.Trim(strings.TrimSpace(strings.TrimPrefix(echo, "echo ")), `'`), strings.TrimSpace(rest)
			}
			args := strings.Fields(strings.ReplaceAll(cmd, "http://127.0.0.1:8080", base))[1:]
			for i, a := range args {
				args[i] = strings.Trim(a, `'"`)
				if strings.HasPrefix(args[i], "examples/") { // the README's paths are the repository's
					args[i] = "../../" + args[i]
				}
			}
			var out, errOut strings.Builder
			code := runIO(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
			stdout, stderr := out.String(), errOut.String()
			if code != exitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
		})
	}
}

// TestStartupHintWorksWhenPasted: the "try" command serve prints, with a key and a
// self-signed certificate, succeeds as printed, the shell expanding the key's variable.
func TestStartupHintWorksWhenPasted(t *testing.T) {
	t.Setenv("PHONENUMBERS_ACCESS_KEY", "")
	dir := t.TempDir()
	_, logs := startServe(t, serveCmd{TLSSelfSigned: dir, AccessKey: testKey, LogFormat: "json"})
	var hint string
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["try"] != nil {
			hint, _ = rec["try"].(string)
		}
	}
	if !strings.Contains(hint, "--ca-cert") || strings.Contains(hint, "--access-key") || strings.ContainsAny(hint, "<>") {
		t.Fatalf("hint %q lacks --ca-cert, puts a key on the command line, or has a shell redirection", hint)
	}
	t.Setenv("PHONENUMBERS_ACCESS_KEY", testKey) // as in the shell that started serve
	args := strings.Fields(hint)[1:]
	if code, _, stderr := runCLI(t, args...); code != exitOK {
		t.Fatalf("pasted hint %q: exit %d\n%s", hint, code, stderr)
	}
}

// TestInvokedAs: the start-up hint names the program as it was started when that pastes
// (make run starts ./bin/phonenumbers, which is not on PATH), else plain phonenumbers.
func TestInvokedAs(t *testing.T) {
	for _, tt := range []struct{ arg0, want string }{
		{"phonenumbers", "phonenumbers"},
		{"./bin/phonenumbers", "./bin/phonenumbers"},
		{"bin/phonenumbers", "bin/phonenumbers"},
		{"/usr/local/bin/phonenumbers", "/usr/local/bin/phonenumbers"},
		{"/tmp/go-build123/b001/exe/phonenumbers", "phonenumbers"},
		{"/home/me/my tools/phonenumbers", "phonenumbers"},
		{"/opt/$(evil)/phonenumbers", "phonenumbers"},
		{"", "phonenumbers"},
	} {
		if got := invokedAs(tt.arg0); got != tt.want {
			t.Errorf("invokedAs(%q) = %q, want %q", tt.arg0, got, tt.want)
		}
	}
}

// TestStartupHints: the hint names an operation that exists and a URL a client can open.
func TestStartupHints(t *testing.T) {
	tests := []struct {
		cmd      serveCmd
		base, id string
		want     string
	}{
		{serveCmd{}, "http://0.0.0.0:8080", "search-my-operation-id", "curl -i 'http://127.0.0.1:8080/phoneNumbers/operations/search-my-operation-id?api-version=2022-12-01'"},
		{serveCmd{}, "http://[::]:8080", "op 1", "--endpoint http://[::1]:8080"},
		{serveCmd{Fixtures: "f.yaml"}, "http://127.0.0.1:8080", "purchase_first", "operation get purchase_first --endpoint http://127.0.0.1:8080"},
		{serveCmd{AccessKey: testKey}, "http://127.0.0.1:8080", "x", "operation get x --endpoint http://127.0.0.1:8080"},
		{serveCmd{TLSSelfSigned: "/tmp/d"}, "https://0.0.0.0:8443", "x", "--endpoint https://127.0.0.1:8443 --ca-cert /tmp/d/cert.pem"},
	}
	for _, tt := range tests {
		got := tt.cmd.tryCommand("phonenumbers", reachableURL(tt.base), tt.id)
		if !strings.Contains(got, tt.want) || strings.Contains(got, testKey) {
			t.Errorf("tryCommand(%s, %s) = %q, want it to contain %q (and never the key)", tt.base, tt.id, got, tt.want)
		}
	}
}
