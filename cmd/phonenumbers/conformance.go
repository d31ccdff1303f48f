package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// conformanceCmd groups the conformance commands. "check" is the default, so that
// `phonenumbers conformance --endpoint URL` keeps working as it always did.
type conformanceCmd struct {
	Check conformanceCheckCmd `cmd:"" default:"withargs" help:"Check a server, or recorded traffic, against the spec (the default)."`
	Proxy proxyCmd            `cmd:"" help:"Forward traffic to a server, validating every exchange against the spec as it passes, and record it."`
	Diff  conformanceDiffCmd  `cmd:"" help:"Replay recorded live operation exchanges against a server and measure what it reproduces of live's answers."`
}

type conformanceCheckCmd struct {
	connectionFlags
	OperationID  []string      `name:"operation-id" help:"An operation that exists on the server (repeatable; default search-my-operation-id)."`
	Poll         bool          `help:"Follow each operation until it is terminal, validating every answer."`
	PollTimeout  time.Duration `default:"2m" help:"Give up polling one operation after this long."`
	PollInterval time.Duration `default:"1s" help:"Wait between polls."`
	Strict       bool          `help:"Fail on SHOULD rules too, not only MUST rules."`
	Recordings   string        `type:"path" help:"Validate recorded traffic offline: a HAR, Azure SDK test-proxy or normalized recording file, or a directory of them." `
	JSON         string        `name:"json" placeholder:"FILE" help:"Also write the report as JSON to FILE."`
	JUnit        string        `name:"junit" placeholder:"FILE" help:"Also write the report as JUnit XML to FILE."`
	HTML         string        `name:"html" placeholder:"FILE" help:"Also write the report as one self-contained HTML page to FILE (for a CI artifact: no script, nothing fetched)."`
	Summary      string        `placeholder:"FILE" help:"Also write a Markdown summary to FILE (appended to $GITHUB_STEP_SUMMARY when that is set)."`
	// 40 covers every category of generated input (and every variant of the two with
	// five) in well under a second against a local server: a plain run stays fast.
	Cases int           `default:"40" help:"Requests to generate from the spec and from what servers get wrong (0: none)."`
	Seed  *uint64       `help:"Seed of the generated requests (default: random, printed; the same seed sends the same requests)."`
	Quiet bool          `help:"Leave SKIP lines out of the text report (but the one saying which operations were discovered, when none was named)."`
	Wait  time.Duration `placeholder:"DURATION" help:"Wait up to this long for the server to answer at all before checking (e.g. 30s in CI, while it starts)."`
	// The api-version probes send; answers are held to its contract.
	APIVersion        string `name:"api-version" default:"2022-12-01" env:"PHONENUMBERS_API_VERSION" help:"api-version to check the server at (a version with a known contract, see openapi/README.md)."`
	AllowCancel       bool   `name:"allow-cancel" help:"Also check Cancel Operation (DELETE) on an unknown id and without api-version. Off by default: cancelling is not safe against a real resource."`
	CancelOperationID string `name:"cancel-operation-id" placeholder:"ID" help:"With --allow-cancel, cancel this operation for real and check the 204 and the GET after it."`
}

// Help lists the exit codes under `phonenumbers conformance check --help`.
func (conformanceCheckCmd) Help() string { return conformanceExitCodesHelp }

// Run checks a live server or recordings; exit 0 when nothing failed, 1 when something
// failed, 2 on usage or connection errors.
func (c *conformanceCheckCmd) Run(e *env) error {
	v, err := conformance.NewValidator()
	if err != nil {
		return err
	}
	var rep *conformance.Report
	switch {
	case c.Recordings != "":
		if c.Poll || len(c.OperationID) > 0 || c.Seed != nil {
			return &exitError{code: exitUsage, err: errors.New("--recordings checks files offline; --operation-id, --poll and --seed apply to --endpoint")}
		}
		exs, err := conformance.ReadRecordings(c.Recordings)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		rep = v.CheckRecordings(e.ctx, c.Recordings, exs, &conformance.RecordingsOptions{Strict: c.Strict})
	default:
		opts, err := c.liveOptions(e.ctx)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		if c.Wait > 0 {
			if err := waitForServer(e.ctx, opts.HTTPClient, opts.Endpoint, c.Wait); err != nil {
				return c.runFailed(e, opts, err)
			}
		}
		rep, err = v.RunLive(e.ctx, &opts)
		if err != nil && rep != nil {
			// The server stopped answering midway: the results so far and the failure, in
			// every report file, then exit 2 as for any connection error.
			return c.runLost(e, rep, err)
		}
		if err != nil {
			return c.runFailed(e, opts, err)
		}
	}
	if err := rep.WriteText(e.stdout, &conformance.TextOptions{Quiet: c.Quiet}); err != nil {
		return err
	}
	if err := writeReports(rep, c.reportFiles(e)); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if rep.Failed() {
		return &exitError{code: exitFailure}
	}
	return nil
}

// runFailed writes the report files of a run that could not check anything (the server
// unreachable, or speaking another scheme or api-version), so that CI finds a failure
// report instead of none or a stale one, and exits 2 with the reason.
func (c *conformanceCheckCmd) runFailed(e *env, opts conformance.LiveOptions, err error) error {
	err = describeError(err)
	var ce *conformance.ConnectionError
	var me *conformance.MismatchError
	if errors.As(err, &ce) || errors.As(err, &me) || errors.Is(err, errServerNotUp) {
		rep := conformance.RunFailedReport(netutil.RedactEndpoint(opts.Endpoint), opts.APIVersion, err)
		_ = rep.WriteText(e.stdout, &conformance.TextOptions{Quiet: c.Quiet}) // the FAIL line and the summary, as for any run
		if werr := writeReports(rep, c.reportFiles(e)); werr != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("%w (and the report could not be written: %v)", err, werr)}
		}
	}
	return &exitError{code: exitUsage, err: err}
}

// runLost writes the report of a run whose server stopped answering midway (RunLive's
// report so far, its last result the failed server-reachable) and exits 2 with the reason.
func (c *conformanceCheckCmd) runLost(e *env, rep *conformance.Report, err error) error {
	err = describeError(err)
	_ = rep.WriteText(e.stdout, &conformance.TextOptions{Quiet: c.Quiet})
	if werr := writeReports(rep, c.reportFiles(e)); werr != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w (and the report could not be written: %v)", err, werr)}
	}
	return &exitError{code: exitUsage, err: err}
}

func (c *conformanceCheckCmd) liveOptions(ctx context.Context) (conformance.LiveOptions, error) {
	if c.Cases < 0 || c.Cases > conformance.MaxCases {
		return conformance.LiveOptions{}, fmt.Errorf("--cases must be 0 to %d, got %d", conformance.MaxCases, c.Cases)
	}
	seed := randomSeed()
	if c.Seed != nil {
		seed = *c.Seed
	}
	if c.CancelOperationID != "" && !c.AllowCancel {
		return conformance.LiveOptions{}, errors.New("--cancel-operation-id needs --allow-cancel: cancelling stops the operation")
	}
	t, err := c.resolve()
	if errors.Is(err, errNoEndpoint) {
		return conformance.LiveOptions{}, errors.New("give --endpoint (or --connection-string) for a live server, or --recordings for recorded traffic")
	}
	if err != nil {
		return conformance.LiveOptions{}, err
	}
	if t.auth == authEntra && c.Auth == authEntra {
		return conformance.LiveOptions{}, errors.New("conformance signs with an access key or sends no credential; --auth entra is not supported")
	}
	key := t.key
	if t.auth == authNone {
		key = ""
	}
	hc, err := c.httpClient(ctx)
	if err != nil {
		return conformance.LiveOptions{}, err
	}
	hc.Timeout = 10 * time.Second // per request: a stalling server ends the run soon, not after 30 s
	return conformance.LiveOptions{
		Endpoint: t.endpoint, AccessKey: key, OperationIDs: c.OperationID,
		Poll: c.Poll, PollTimeout: c.PollTimeout, PollInterval: c.PollInterval, Strict: c.Strict,
		HTTPClient: hc, Cases: c.Cases, Seed: seed, APIVersion: c.APIVersion,
		AllowCancel: c.AllowCancel, CancelOperationID: c.CancelOperationID,
	}, nil
}

// randomSeed picks the seed of a run without --seed; the report prints it.
func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// reportFiles names the files a report goes to besides stdout; "" writes none.
type reportFiles struct {
	JSON, JUnit, HTML string
	Summary           string // a Markdown summary, replaced
	StepSummary       string // $GITHUB_STEP_SUMMARY: the same summary, appended
}

// reportFiles are the files the check's flags ask for.
func (c *conformanceCheckCmd) reportFiles(e *env) reportFiles {
	return reportFiles{JSON: c.JSON, JUnit: c.JUnit, HTML: c.HTML, Summary: c.Summary, StepSummary: e.getenv("GITHUB_STEP_SUMMARY")}
}

// writeReports writes the report files asked for: JSON, JUnit, HTML and a Markdown
// summary (replaced: each written beside its path, then renamed over it), and the summary
// appended to the step summary (GitHub Actions collects every step's additions to
// $GITHUB_STEP_SUMMARY).
func writeReports(rep *conformance.Report, files reportFiles) error {
	write := func(path string, flag int, fn func(w io.Writer) error) error {
		if path == "" {
			return nil
		}
		if flag&os.O_APPEND == 0 {
			return writeFile(path, fn)
		}
		return openAndWrite(path, flag, fn)
	}
	const replace, appendTo = os.O_WRONLY | os.O_CREATE | os.O_TRUNC, os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if err := write(files.JSON, replace, rep.WriteJSON); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	if err := write(files.JUnit, replace, rep.WriteJUnit); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := write(files.HTML, replace, rep.WriteHTML); err != nil {
		return fmt.Errorf("--html: %w", err)
	}
	if err := write(files.Summary, replace, rep.WriteMarkdown); err != nil {
		return fmt.Errorf("--summary: %w", err)
	}
	if err := write(files.StepSummary, appendTo, rep.WriteMarkdown); err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return nil
}

// Help points from the group to its default command's flags, and lists the exit codes.
func (conformanceCmd) Help() string {
	return "`phonenumbers conformance --endpoint URL` runs `conformance check`; its flags: `phonenumbers conformance check --help`.\n\n" + conformanceExitCodesHelp
}
