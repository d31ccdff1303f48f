package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
	"github.com/phonenumbers-go/phonenumbers/internal/safefile"
	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// maxRecordingBytes bounds one recording file.
const maxRecordingBytes = 64 << 20

// ReadRecordings reads every recorded exchange under path (a file, or a directory whose
// *.json and *.har files are read in name order). Three formats are recognised by shape:
// HAR 1.2 ({"log":{"entries":[...]}}), the Azure SDK test-proxy recording
// ({"Entries":[{"RequestUri",...}]}) and the normalized format
// ({"entries":[{"method","url","status",...}]}).
func ReadRecordings(path string) ([]Exchange, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	files := []string{path}
	if info.IsDir() {
		files = nil
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".har")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("conformance: no .json or .har files under %s", path)
		}
	}
	var out []Exchange
	var total int64
	budget := bounded.NewBudget(recordingLimits) // one for the run: values are what costs memory
	for _, f := range files {
		data, err := readRegularFile(f, maxRecordingBytes)
		if err != nil {
			return nil, fmt.Errorf("conformance: %w", err)
		}
		if total += int64(len(data)); total > maxRecordingsTotalBytes {
			return nil, fmt.Errorf("conformance: %s holds more than %d bytes of recordings; check a smaller directory", path, maxRecordingsTotalBytes)
		}
		exs, err := parseRecording(filepath.Base(f), data, budget)
		if err != nil {
			return nil, err
		}
		if len(out)+len(exs) > MaxRecordedExchanges {
			return nil, fmt.Errorf("conformance: %s holds more than %d exchanges, the most one run checks (each costs memory and report lines); check fewer files", path, MaxRecordedExchanges)
		}
		out = append(out, exs...)
	}
	return out, nil
}

// MaxRecordedExchanges bounds the exchanges one run reads: bytes alone do not bound the
// work, since a tiny entry repeated fills 64 MiB with a quarter of a million exchanges.
const MaxRecordedExchanges = 10000

// maxRecordingsTotalBytes bounds what one run reads from a directory of recordings.
const maxRecordingsTotalBytes = 256 << 20

// readRegularFile reads path if it is a regular file (after following links) of at most
// limit bytes, by the shared safefile rules: devices such as /dev/zero, FIFOs and sockets
// are refused before they are opened, the open is non-blocking and re-checked (a FIFO
// swapped in after the stat must not block it), and the read is bounded, in case the file
// grows. Nothing here can block, so no context is needed.
func readRegularFile(path string, limit int64) ([]byte, error) {
	return safefile.ReadFile(context.Background(), path, limit)
}

// recordingLimits bound what one run reads from recordings, the bodies inside their
// strings included (HAR content.text, base64 content, a normalized responseBody string):
// every value is decoded and validated, which costs memory per value. An exchange takes
// about 40 values and a handful of objects (entry, headers, body); this allows 200 values
// and 40 objects and lists for each of MaxRecordedExchanges. Deeper than 128
// levels is no recording (the checker's bound on one body is lower still). Bytes count
// the files and the bodies in their strings, each at most as long as its file.
var recordingLimits = bounded.Limits{Bytes: 2 * maxRecordingsTotalBytes, Values: recordingValues, Containers: 40 * MaxRecordedExchanges, Depth: 128}

// recordingValues is recordingLimits.Values.
const recordingValues = 200 * MaxRecordedExchanges

// ParseRecording parses one recording file; name is used in sources and errors.
func ParseRecording(name string, data []byte) ([]Exchange, error) {
	return parseRecording(name, data, bounded.NewBudget(recordingLimits))
}

// parseRecording parses one recording file within budget, which it charges for the file
// and for every body held in a string.
func parseRecording(name string, data []byte, budget *bounded.Budget) ([]Exchange, error) {
	if len(data) > maxRecordingBytes {
		return nil, fmt.Errorf("conformance: %s is larger than %d bytes", name, maxRecordingBytes)
	}
	if err := budget.JSON(context.Background(), textutil.Printable(name, false), data); err != nil {
		return nil, fmt.Errorf("conformance: %w (a run reads at most %d exchanges)", err, MaxRecordedExchanges)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(data, &shape); err != nil {
		return nil, fmt.Errorf("conformance: %s is not a JSON object: %w", name, err)
	}
	var (
		exs []Exchange
		err error
	)
	switch {
	case shape["log"] != nil:
		exs, err = parseHAR(name, shape["log"], budget)
	case shape["Entries"] != nil:
		exs, err = parseEntries(name, "Entries", shape["Entries"], budget)
	case shape["entries"] != nil:
		exs, err = parseEntries(name, "entries", shape["entries"], budget)
	default:
		return nil, fmt.Errorf("conformance: %s: unknown format: want HAR (log.entries), an Azure SDK test-proxy recording (Entries) or the normalized format (entries)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("conformance: %s: %w", name, err)
	}
	return exs, nil
}

// MaxRecordedURLBytes bounds a recorded request's URL: every result about the exchange
// carries it (cut to 1 KiB in a report), and a file of a few huge URLs must not cost
// gigabytes.
const MaxRecordedURLBytes = 8 << 10

// newExchange builds an exchange from recorded parts; source names the entry.
func newExchange(source, method, rawURL string, reqHeader http.Header, res recordedHeader, status int, body []byte) (Exchange, error) {
	if method == "" || rawURL == "" {
		return Exchange{}, errors.New("an entry lacks its method or URL")
	}
	if len(rawURL) > MaxRecordedURLBytes {
		return Exchange{}, fmt.Errorf("its URL is %d bytes, over the %d-byte limit on a recorded URL (no request of the API needs more than a few hundred)", len(rawURL), MaxRecordedURLBytes)
	}
	if len(method) > maxMethodBytes {
		return Exchange{}, fmt.Errorf("its method is %d bytes, over the %d-byte limit", len(method), maxMethodBytes)
	}
	if status < 100 || status > 999 {
		return Exchange{}, fmt.Errorf("an entry has an invalid status %d", status)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return Exchange{}, fmt.Errorf("an entry has an invalid URL: %w", err)
	}
	if u.Scheme == "" {
		u.Scheme = "https"
	}
	if u.Host == "" {
		u.Host = "recorded.invalid"
	}
	req := &http.Request{Method: method, URL: u, Host: u.Host, Header: reqHeader, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if res.header == nil {
		res.header = http.Header{}
	}
	return Exchange{Request: req, Status: status, Header: res.header, HeaderNames: res.names, Body: body, Source: source}, nil
}

// recordedHeader is a recorded header block: the values under canonical names, and the
// names as recorded.
type recordedHeader struct {
	header http.Header
	names  map[string]string // canonical name -> name as recorded (the first one)
}

// add adds one recorded header line.
func (r *recordedHeader) add(name, value string) {
	if r.header == nil {
		r.header, r.names = http.Header{}, map[string]string{}
	}
	key := textproto.CanonicalMIMEHeaderKey(name)
	if _, ok := r.names[key]; !ok {
		r.names[key] = name
	}
	r.header.Add(key, value)
}

// headerFromMap canonicalises recorded header names (some recorders lower-case them),
// keeping the names as recorded beside. Names are read in sorted order, so that one
// spelled two ways gives the same result every time.
func headerFromMap(m map[string]json.RawMessage) recordedHeader {
	var h recordedHeader
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := m[k]
		var one string
		if json.Unmarshal(raw, &one) == nil {
			h.add(k, one)
			continue
		}
		var many []string
		if json.Unmarshal(raw, &many) == nil {
			for _, v := range many {
				h.add(k, v)
			}
		}
	}
	return h
}

// bodyOf turns a recorded body into bytes: a JSON string is the body text, null or absent
// is an empty body, anything else is the JSON itself. A body held in a string escaped the
// file's count, so it is charged to budget now.
func bodyOf(raw json.RawMessage, budget *bounded.Budget) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return []byte(s), chargeBody(budget, []byte(s))
	}
	return raw, nil
}

// chargeBody charges a body read from a string (or base64) to the run's budget: the
// checker decodes it as JSON, value by value.
func chargeBody(budget *bounded.Budget, body []byte) error {
	return budget.JSON(context.Background(), "the response body", body)
}

// recordedEntry reads an entry of the normalized format and of an Azure SDK test-proxy
// recording alike: their header and body keys differ only in letter case, which
// encoding/json ignores; method, URL and status have a name of their own in each.
type recordedEntry struct {
	Method          string                     `json:"method"`
	RequestMethod   string                     `json:"RequestMethod"`
	URL             string                     `json:"url"`
	RequestURI      string                     `json:"RequestUri"`
	Status          int                        `json:"status"`
	StatusCode      int                        `json:"StatusCode"`
	RequestHeaders  map[string]json.RawMessage `json:"requestHeaders"`
	ResponseHeaders map[string]json.RawMessage `json:"responseHeaders"`
	ResponseBody    json.RawMessage            `json:"responseBody"`
	// APIVersion is the normalized format's api-version of the exchange: some recorders
	// (nock) dropped the query string, and the version is known from elsewhere.
	APIVersion string `json:"apiVersion"`
}

// withAPIVersion returns rawURL with an api-version query parameter of version when it has
// none: the request that was answered carried one, the recorder dropped it.
func withAPIVersion(rawURL, version string) string {
	u, err := url.Parse(rawURL)
	if err != nil || version == "" || u.Query().Has("api-version") {
		return rawURL
	}
	q := u.Query()
	q.Set("api-version", version)
	u.RawQuery = q.Encode()
	return u.String()
}

// parseEntries reads the entries list of the normalized or test-proxy format; key names
// the list in errors.
func parseEntries(name, key string, raw json.RawMessage, budget *bounded.Budget) ([]Exchange, error) {
	var entries []recordedEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	out := make([]Exchange, 0, len(entries))
	for i, e := range entries {
		method, rawURL, status := e.Method, withAPIVersion(e.URL, e.APIVersion), e.Status
		if key == "Entries" {
			method, rawURL, status = e.RequestMethod, e.RequestURI, e.StatusCode
		}
		body, err := bodyOf(e.ResponseBody, budget)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		ex, err := newExchange(fmt.Sprintf("%s#%d", name, i+1), method, rawURL, headerFromMap(e.RequestHeaders).header, headerFromMap(e.ResponseHeaders), status, body)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func harHeaders(hs []harHeader) recordedHeader {
	var h recordedHeader
	for _, x := range hs {
		h.add(x.Name, x.Value)
	}
	return h
}

func parseHAR(name string, raw json.RawMessage, budget *bounded.Budget) ([]Exchange, error) {
	var log struct {
		Entries []struct {
			Request struct {
				Method  string      `json:"method"`
				URL     string      `json:"url"`
				Headers []harHeader `json:"headers"`
			} `json:"request"`
			Response struct {
				Status  int         `json:"status"`
				Headers []harHeader `json:"headers"`
				Content struct {
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return nil, fmt.Errorf("log: %w", err)
	}
	out := make([]Exchange, 0, len(log.Entries))
	for i, e := range log.Entries {
		body := []byte(e.Response.Content.Text)
		if e.Response.Content.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(e.Response.Content.Text)
			if err != nil {
				return nil, fmt.Errorf("entry %d: response content is not valid base64", i+1)
			}
			body = b
		}
		if err := chargeBody(budget, body); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		ex, err := newExchange(fmt.Sprintf("%s#%d", name, i+1), e.Request.Method, e.Request.URL, harHeaders(e.Request.Headers).header, harHeaders(e.Response.Headers), e.Response.Status, body)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// RecordingsOptions configures [Validator.CheckRecordings]; nil means the defaults.
type RecordingsOptions struct {
	// Strict fails SHOULD rules too.
	Strict bool
}

// CheckRecordings validates recorded exchanges offline. Exchanges for paths outside the
// spec, and those of another api-version, are reported as skipped with the reason.
func (v *Validator) CheckRecordings(ctx context.Context, target string, exs []Exchange, opts *RecordingsOptions) *Report {
	strict := opts != nil && opts.Strict
	rep := &Report{Target: target, SpecVersion: types.DefaultAPIVersion}
	for i := range exs {
		ex := &exs[i]
		for _, r := range v.checkExchange(ctx, ex, strict) {
			// Recordings are named by file and entry: stable as long as the files are.
			r.Name = ex.Source + "/" + r.Check
			rep.add(r)
		}
	}
	return rep
}

// checkExchange applies the offline rules to one exchange: skipped when its path is
// outside the spec or its api-version has no known contract; otherwise request and
// response schema against its version's contract, and the operation rules for a 200 or
// no-5xx for anything else.
func (v *Validator) checkExchange(ctx context.Context, ex *Exchange, strict bool) []Result {
	skip := ex.result("exchange", "")
	skip.Status = StatusSkip
	if _, _, err := v.route(ex.Request); err != nil {
		skip.Reason = "the path is outside the spec"
		return []Result{skip}
	}
	if av := ex.Request.URL.Query().Get("api-version"); !HasContract(av) {
		skip.Reason = fmt.Sprintf("api-version %q has no known contract (known: %s)", av, strings.Join(openapi.KnownVersions(), ", "))
		return []Result{skip}
	}
	out := []Result{v.checkRequest(ctx, ex), v.checkSchema(ctx, ex)}
	if ex.Status == http.StatusOK {
		return append(out, operationRules(ctx, ex, strict, operationIDOf(ex.Request.URL))...)
	}
	return append(out, checkNo5xx(ex))
}
