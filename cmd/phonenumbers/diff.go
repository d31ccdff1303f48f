package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/netutil"
)

// conformanceDiffCmd is `phonenumbers conformance diff`: replay recorded operation
// exchanges against a server and measure what it reproduces of live's answers.
type conformanceDiffCmd struct {
	connectionFlags
	Recordings string        `required:"" type:"path" placeholder:"PATH" help:"Recorded live traffic to replay: a HAR, Azure SDK test-proxy or normalized recording file, or a directory of them (files in name order)."`
	JSON       string        `name:"json" placeholder:"FILE" help:"Also write the report as JSON to FILE."`
	JUnit      string        `name:"junit" placeholder:"FILE" help:"Also write the report as JUnit XML to FILE: a test case per status, header name and body field, and a total."`
	HTML       string        `name:"html" placeholder:"FILE" help:"Also write the report as one self-contained HTML page to FILE (for a CI artifact: no script, nothing fetched)."`
	MinScore   float64       `name:"min-score" placeholder:"FRACTION" help:"Exit 1 when less than FRACTION (0 to 1) of the items are reproduced."`
	MinExact   float64       `name:"min-exact" placeholder:"FRACTION" help:"Exit 1 when less than FRACTION (0 to 1) of the items are reproduced byte for byte."`
	Timeout    time.Duration `default:"10s" help:"Give up on one exchange after this long (connecting, the answer and its body)."`
}

// Help says what is compared and lists the exit codes.
func (conformanceDiffCmd) Help() string {
	return "Replays every recorded GET (and DELETE) of /phoneNumbers/operations/{id} against --endpoint, in file and entry order, " +
		"and counts what the server reproduces of the recorded answers: the status, each response header (present, spelled as recorded, " +
		"its value or, for volatile ones, its format) and each top-level body field (JSON-equal; byte for byte) and their order. " +
		"See docs/conformance.md.\n\n" +
		"Exit codes: 0 at or above the floors; 1 below --min-score or --min-exact, or an exchange got no answer; " +
		"2 usage error (a wrong flag, unreadable recordings) or a server that never answered."
}

// Run replays the recordings and prints the report.
func (c *conformanceDiffCmd) Run(e *env) error {
	for _, f := range []struct {
		flag string
		v    float64
	}{{"--min-score", c.MinScore}, {"--min-exact", c.MinExact}} {
		if !(f.v >= 0 && f.v <= 1) {
			return &exitError{code: exitUsage, err: fmt.Errorf("%s must be a fraction from 0 to 1 (0.9 for 90%%), got %v", f.flag, f.v)}
		}
	}
	if c.Timeout <= 0 {
		return &exitError{code: exitUsage, err: fmt.Errorf("--timeout must be positive, got %s", c.Timeout)}
	}
	t, err := c.resolve()
	if errors.Is(err, errNoEndpoint) {
		return &exitError{code: exitUsage, err: errors.New("give --endpoint URL (or PHONENUMBERS_ENDPOINT): the server to replay the recordings against")}
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if t.auth == authEntra && c.Auth == authEntra {
		return &exitError{code: exitUsage, err: errors.New("conformance diff signs with an access key or sends no credential; --auth entra is not supported")}
	}
	key := t.key
	if t.auth == authNone {
		key = ""
	}
	tlsConfig, err := c.tlsConfig(e.ctx)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	exs, err := conformance.ReadRecordings(c.Recordings)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	rep, err := conformance.Diff(e.ctx, t.endpoint, exs, &conformance.DiffOptions{AccessKey: key, TLSConfig: tlsConfig, RequestTimeout: c.Timeout})
	floors := conformance.DiffFloors{MinReproduced: c.MinScore, MinExact: c.MinExact}
	if err != nil {
		// The files a CI job keeps say why, rather than being missing.
		failed := conformance.DiffRunFailed(netutil.RedactEndpoint(t.endpoint), describeError(err))
		failed.Recordings = c.Recordings
		if werr := c.writeFiles(failed, floors); werr != nil {
			return werr
		}
		return &exitError{code: exitUsage, err: describeError(err)}
	}
	rep.Recordings = c.Recordings
	if err := rep.WriteText(e.stdout, nil); err != nil {
		return err
	}
	if err := c.writeFiles(rep, floors); err != nil {
		return err
	}
	reasons := rep.Below(floors)
	if n := rep.Exchanges.Failed + rep.Exchanges.NotSent; n > 0 {
		reasons = append(reasons, fmt.Sprintf("%d of %d exchanges got no answer", n, rep.Exchanges.Replayed))
	}
	if len(reasons) > 0 {
		return &exitError{code: exitFailure, err: errors.New(strings.Join(reasons, "; "))}
	}
	return nil
}

// writeFiles writes the report files asked for (--json, --junit, --html).
func (c *conformanceDiffCmd) writeFiles(rep *conformance.DiffReport, floors conformance.DiffFloors) error {
	if c.JSON != "" {
		if err := writeFile(c.JSON, rep.WriteJSON); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--json: %w", err)}
		}
	}
	if c.JUnit != "" {
		if err := writeFile(c.JUnit, func(w io.Writer) error { return rep.WriteJUnit(w, floors) }); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--junit: %w", err)}
		}
	}
	if c.HTML != "" {
		if err := writeFile(c.HTML, rep.WriteHTML); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--html: %w", err)}
		}
	}
	return nil
}
