package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/conformance"
)

type conformanceCmd struct {
	withExitCodes
	connectionFlags
	OperationID  []string      `name:"operation-id" help:"An operation that exists on the server (repeatable; default search-my-operation-id)."`
	Poll         bool          `help:"Follow each operation until it is terminal, validating every answer."`
	PollTimeout  time.Duration `default:"2m" help:"Give up polling one operation after this long."`
	PollInterval time.Duration `default:"1s" help:"Wait between polls."`
	Strict       bool          `help:"Fail on SHOULD rules too, not only MUST rules."`
	Recordings   string        `type:"path" help:"Validate recorded traffic offline: a HAR, Azure SDK test-proxy or normalized recording file, or a directory of them." `
	JSON         string        `name:"json" placeholder:"FILE" help:"Also write the report as JSON to FILE."`
	JUnit        string        `name:"junit" placeholder:"FILE" help:"Also write the report as JUnit XML to FILE."`
}

// Run checks a live server or recordings; exit 0 when nothing failed, 1 when something
// failed, 2 on usage or connection errors.
func (c *conformanceCmd) Run(e *env) error {
	v, err := conformance.NewValidator()
	if err != nil {
		return err
	}
	var rep *conformance.Report
	switch {
	case c.Recordings != "":
		if c.Poll || len(c.OperationID) > 0 {
			return &exitError{code: exitUsage, err: errors.New("--recordings checks files offline; --operation-id and --poll apply to --endpoint")}
		}
		exs, err := conformance.ReadRecordings(c.Recordings)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		rep = v.CheckRecordings(e.ctx, c.Recordings, exs, c.Strict)
	default:
		opts, err := c.liveOptions()
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		rep, err = v.RunLive(e.ctx, opts)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
	}
	if err := rep.WriteText(e.stdout); err != nil {
		return err
	}
	if err := c.writeReports(rep); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if rep.Failed() {
		return &exitError{code: exitFailure}
	}
	return nil
}

func (c *conformanceCmd) liveOptions() (conformance.LiveOptions, error) {
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
	hc, err := c.httpClient()
	if err != nil {
		return conformance.LiveOptions{}, err
	}
	hc.Timeout = 30 * time.Second
	return conformance.LiveOptions{
		Endpoint: t.endpoint, AccessKey: key, OperationIDs: c.OperationID,
		Poll: c.Poll, PollTimeout: c.PollTimeout, PollInterval: c.PollInterval, Strict: c.Strict,
		HTTPClient: hc,
	}, nil
}

func (c *conformanceCmd) writeReports(rep *conformance.Report) error {
	write := func(path string, fn func(f *os.File) error) error {
		if path == "" {
			return nil
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write(c.JSON, func(f *os.File) error { return rep.WriteJSON(f) }); err != nil {
		return fmt.Errorf("--json: %w", err)
	}
	if err := write(c.JUnit, func(f *os.File) error { return rep.WriteJUnit(f) }); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	return nil
}
