// Command phonenumbers serves, calls and checks the Azure Communication Services Phone
// Numbers Get Operation API (api-version 2022-12-01).
//
//	phonenumbers serve                        # a reference server / programmable mock
//	phonenumbers operation get <id>           # fetch an operation
//	phonenumbers operation wait <id|location> # poll it until it is done
//	phonenumbers conformance --endpoint URL   # check a server against the spec
//	phonenumbers mock list --endpoint URL     # script a running mock (signed when keyed)
//
// Run "phonenumbers <command> --help" for the flags of each command.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/phonenumbers-go/phonenumbers/internal/buildinfo"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// cli is the command line.
type cli struct {
	Version     kong.VersionFlag `help:"Print the version and exit."`
	Serve       serveCmd         `cmd:"" help:"Run the reference server / programmable mock."`
	Operation   operationCmd     `cmd:"" help:"Call the service: get an operation, or wait for one."`
	Conformance conformanceCmd   `cmd:"" help:"Check a server, or recorded traffic, against the spec."`
	Mock        mockCmd          `cmd:"" help:"Script a running mock through its control API (/mock): list, get, create, load, delete, reset, journal, verify."`
}

// Exit codes, the same for every command.
const (
	exitOK      = 0 // success
	exitFailure = 1 // the check failed, the operation failed, or the service answered an error
	exitUsage   = 2 // the command line is wrong, or the target could not be used
)

// exitError carries a process exit code out of a command.
type exitError struct {
	code int
	err  error
}

// Error returns the wrapped error's message.
func (e *exitError) Error() string { return e.err.Error() }

// env is what commands get from the process: streams and a context cancelled on SIGINT/SIGTERM.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	stdin  io.Reader
	getenv func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args and runs the command, returning the exit code (exitOK, exitFailure,
// exitUsage).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIO(ctx, args, os.Stdin, stdout, stderr)
}

// runIO is run with the standard input given.
func runIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c cli
	exit := -1
	parser, err := kong.New(&c,
		kong.Name("phonenumbers"),
		kong.Description("Serve, call and check the Azure Communication Services Phone Numbers Get Operation API."),
		kong.Vars{"version": buildinfo.Version()},
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = code }),
		kong.UsageOnError(),
	)
	if err != nil {
		fmt.Fprintln(stderr, "phonenumbers:", err)
		return exitUsage
	}
	kctx, err := parser.Parse(args)
	if exit >= 0 {
		return exit // --help or --version
	}
	if err != nil {
		fmt.Fprintf(stderr, "phonenumbers: %v (see %s --help)\n", err, helpTarget(err))
		return exitUsage
	}
	cmd, ok := selectedCommand(kctx)
	if !ok {
		fmt.Fprintln(stderr, "phonenumbers: no command given; see phonenumbers --help")
		return exitUsage
	}
	// The command runs without kong from here (kctx.Run would keep it on the stack): its
	// parsed model (every flag, help text and pattern) is then garbage, rather than live
	// heap that the collector would mark on every cycle for as long as `serve` runs.
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if err := cmd.Run(e); err != nil {
		code := exitFailure
		var ee *exitError
		if errors.As(err, &ee) {
			code, err = ee.code, ee.err
		}
		if err != nil {
			// Server text (statuses, error messages) reaches this line: escape what a
			// terminal would execute. Newlines stay (a fixtures file's problems are listed
			// one a line), each continuation indented so that no line passes for another
			// message.
			msg := textutil.Printable(textutil.Truncate(strings.TrimPrefix(err.Error(), "phonenumbers: "), maxErrorBytes), true)
			fmt.Fprintln(stderr, "phonenumbers:", indentContinuations(msg))
		}
		return code
	}
	return exitOK
}

// command is what every leaf command implements.
type command interface {
	Run(e *env) error
}

// selectedCommand returns the command kong parsed.
func selectedCommand(kctx *kong.Context) (command, bool) {
	node := kctx.Selected()
	if node == nil || !node.Target.CanAddr() {
		return nil, false
	}
	cmd, ok := node.Target.Addr().Interface().(command)
	return cmd, ok
}

// exitCodesHelp ends every command's --help.
const exitCodesHelp = `Exit codes: 0 success; 1 failure (the server answered an error or could not be reached, the operation failed, a timeout); 2 usage error (a wrong flag or argument).`

// conformanceExitCodesHelp ends conformance's --help: a server it cannot check at all is
// exit 2, so that CI tells "not conformant" (1) from "not checked" (2).
const conformanceExitCodesHelp = `Exit codes: 0 nothing failed; 1 a check failed; 2 usage error (a wrong flag or argument) or a server that could not be checked at all (unreachable, another scheme or api-version; the report files say so).`

// withExitCodes, embedded in a command, ends its --help with the exit codes.
type withExitCodes struct{}

// Help lists the exit codes.
func (withExitCodes) Help() string { return exitCodesHelp }

// Help lists the exit codes under `phonenumbers serve --help`.
func (serveCmd) Help() string {
	return "Exit codes: 0 after a clean shutdown (SIGINT, SIGTERM); 1 when the server cannot start or fails; 2 usage error."
}

// maxErrorBytes bounds an error printed on stderr: server text (a message, a header)
// reaches it, and a hostile server could send megabytes.
const maxErrorBytes = 8 << 10

// indentContinuations indents every line of msg after the first that is not indented yet.
func indentContinuations(msg string) string {
	lines := strings.Split(msg, "\n")
	for i := 1; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], " ") {
			lines[i] = "  " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// helpTarget is the command whose --help lists what a parse error is about: the command
// parsed so far, or the program.
func helpTarget(err error) string {
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		var words []string
		for _, w := range strings.Fields(pe.Context.Command()) {
			if !strings.HasPrefix(w, "<") { // an argument's placeholder, not a command
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			return "phonenumbers " + strings.Join(words, " ")
		}
	}
	return "phonenumbers"
}
