package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/conformance"
	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

type conformanceCmd struct {
	Endpoint           string        `help:"Base URL of the server to check, e.g. http://127.0.0.1:8080." xor:"mode"`
	AccessKey          string        `help:"Base64 access key: requests are HMAC-SHA256 signed and the authentication rules run." xor:"key"`
	ConnectionString   string        `help:"endpoint=...;accesskey=... (instead of --endpoint and --access-key)." xor:"key,mode"`
	OperationID        []string      `name:"operation-id" help:"An operation that exists on the server (repeatable; default search-my-operation-id)."`
	Poll               bool          `help:"Follow each operation until it is terminal, validating every answer."`
	PollTimeout        time.Duration `default:"2m" help:"Give up polling one operation after this long."`
	PollInterval       time.Duration `default:"1s" help:"Wait between polls."`
	Strict             bool          `help:"Fail on SHOULD rules too, not only MUST rules."`
	InsecureSkipVerify bool          `name:"insecure-skip-verify" help:"Do not verify the server's TLS certificate." xor:"tls"`
	CACert             string        `name:"ca-cert" type:"existingfile" help:"PEM file of CA certificates to trust (e.g. from serve --tls-self-signed)." xor:"tls"`
	Recordings         string        `type:"path" help:"Validate recorded traffic offline: a HAR, Azure SDK test-proxy or normalized recording file, or a directory of them." xor:"mode"`
	JSON               string        `name:"json" placeholder:"FILE" help:"Also write the report as JSON to FILE."`
	JUnit              string        `name:"junit" placeholder:"FILE" help:"Also write the report as JUnit XML to FILE."`
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
		if c.AccessKey != "" || c.Poll || len(c.OperationID) > 0 {
			return &exitError{code: 2, err: errors.New("--recordings checks files offline; --access-key, --operation-id and --poll apply to --endpoint")}
		}
		exs, err := conformance.ReadRecordings(c.Recordings)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		rep = v.CheckRecordings(e.ctx, c.Recordings, exs, c.Strict)
	default:
		opts, err := c.liveOptions()
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		rep, err = v.RunLive(e.ctx, opts)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	if err := rep.WriteText(e.stdout); err != nil {
		return err
	}
	if err := c.writeReports(rep); err != nil {
		return &exitError{code: 2, err: err}
	}
	if rep.Failed() {
		return &exitError{code: 1}
	}
	return nil
}

func (c *conformanceCmd) liveOptions() (conformance.LiveOptions, error) {
	endpoint, key := c.Endpoint, c.AccessKey
	if c.ConnectionString != "" {
		cs, err := client.ParseConnectionString(c.ConnectionString)
		if err != nil {
			return conformance.LiveOptions{}, err
		}
		endpoint, key = cs.Endpoint, cs.AccessKey
	}
	if endpoint == "" {
		return conformance.LiveOptions{}, errors.New("give --endpoint (or --connection-string) for a live server, or --recordings for recorded traffic")
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // opt-in flag
	if c.CACert != "" {
		pem, err := os.ReadFile(c.CACert)
		if err != nil {
			return conformance.LiveOptions{}, fmt.Errorf("--ca-cert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return conformance.LiveOptions{}, fmt.Errorf("--ca-cert: %s holds no PEM certificate", c.CACert)
		}
		tlsConfig.RootCAs = pool
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	return conformance.LiveOptions{
		Endpoint: endpoint, AccessKey: key, OperationIDs: c.OperationID,
		Poll: c.Poll, PollTimeout: c.PollTimeout, PollInterval: c.PollInterval, Strict: c.Strict,
		HTTPClient: &http.Client{Transport: transport, Timeout: 30 * time.Second},
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
