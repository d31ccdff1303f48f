package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestMissingOrWrongKeyIsDiagnosed: against a keyed server, a run without the key (or
// with another) fails once, saying what to do, and the checks a 401 says nothing about
// are blocked rather than passed.
func TestMissingOrWrongKeyIsDiagnosed(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		{"no key", "", "give its access key (--access-key"},
		{"wrong key", "d3Jvbmcta2V5", "the key is wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := runLive(t, referenceHandler(t, testKey), conformance.LiveOptions{AccessKey: tt.key, Cases: 10, Seed: 1})
			byCheck := map[string]conformance.Status{}
			failures := 0
			for _, r := range rep.Results {
				byCheck[r.Check] = r.Status
				if r.Status == conformance.StatusFail {
					failures++
					if r.Check != "credentials-accepted" || !strings.Contains(r.Reason, tt.want) {
						t.Errorf("failure %s: %s", r.Check, r.Reason)
					}
				}
			}
			if failures != 1 {
				t.Errorf("%d failures, want exactly one", failures)
			}
			for _, c := range []string{"operation-exists", "unknown-id-4xx", "missing-api-version-4xx", "unsupported-api-version-4xx",
				"put-not-allowed", "post-not-allowed", "generated-no-5xx", "generated-unknown-id-404"} {
				if byCheck[c] != conformance.StatusBlocked {
					t.Errorf("%s is %q, want blocked", c, byCheck[c])
				}
			}
			var text, junit bytes.Buffer
			_ = rep.WriteText(&text, nil)
			_ = rep.WriteJUnit(&junit)
			if !strings.Contains(text.String(), "BLOCKED unknown-id-4xx") || !strings.Contains(text.String(), " blocked\n") {
				t.Errorf("text report:\n%s", text.String())
			}
			if !strings.Contains(junit.String(), `<skipped message="blocked: not evaluated: `) {
				t.Errorf("JUnit report:\n%s", junit.String())
			}
			if strings.Contains(text.String()+junit.String(), testKey) || strings.Contains(text.String()+junit.String(), "Signature=") {
				t.Error("a report leaks the key or a signature")
			}
		})
	}
}

// TestNamesAreStableAndUnique: every result's name is unique within a report and free of
// the host, the port and the random ids the probes use, so two runs against two servers
// give the same JUnit names.
func TestNamesAreStableAndUnique(t *testing.T) {
	opts := conformance.LiveOptions{AccessKey: testKey, Poll: true, PollInterval: time.Millisecond, PollTimeout: 10 * time.Second, Cases: 20, Seed: 5,
		OperationIDs: []string{"search-my-operation-id", "purchase_18c224b7-0000-4000-8000-000000000001"}}
	names := func() []string {
		rep := runLive(t, referenceHandler(t, testKey), opts)
		var out []string
		seen := map[string]bool{}
		for _, r := range rep.Results {
			if seen[r.Name] || r.Name == "" {
				t.Errorf("name %q repeated or empty", r.Name)
			}
			seen[r.Name] = true
			if strings.Contains(r.Name, "127.0.0.1") || strings.Contains(r.Name, "conformance-unknown-") {
				t.Errorf("name %q carries a host or a random id", r.Name)
			}
			out = append(out, r.Name)
		}
		var junit bytes.Buffer
		if err := rep.WriteJUnit(&junit); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Time   string `xml:"time,attr"`
			Suites []struct {
				Name  string `xml:"name,attr"`
				Time  string `xml:"time,attr"`
				Cases []struct {
					Name string `xml:"name,attr"`
					Time string `xml:"time,attr"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(junit.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Time == "" || doc.Suites[0].Time == "" || strings.Contains(doc.Suites[0].Name, "127.0.0.1") {
			t.Errorf("suite %q time %q/%q", doc.Suites[0].Name, doc.Time, doc.Suites[0].Time)
		}
		for _, c := range doc.Suites[0].Cases {
			if c.Time == "" {
				t.Errorf("testcase %s has no time", c.Name)
			}
		}
		return out
	}
	a, b := names(), names()
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("names differ between two runs:\n%v\n%v", a, b)
	}
	for _, want := range []string{"poll/purchase_18c224b7-0000-4000-8000-000000000001/03/response-schema", "probe/unknown-id-4xx", "generated/no-5xx", "auth/unsigned-request-401"} {
		if !strings.Contains(strings.Join(a, "\n")+"\n", want+"\n") {
			t.Errorf("no result named %s in %v", want, a)
		}
	}
}

func TestTextReportQuietAndTruncated(t *testing.T) {
	rep := runLive(t, brokenOnGenerated(t, func(r *http.Request) bool { return strings.Contains(r.URL.Path, "gen-") }),
		conformance.LiveOptions{Cases: 60, Seed: 3})
	var quiet, full bytes.Buffer
	_ = rep.WriteText(&quiet, &conformance.TextOptions{Quiet: true, MaxViolations: 3})
	_ = rep.WriteText(&full, &conformance.TextOptions{MaxViolations: -1})
	if strings.Contains(quiet.String(), "SKIP ") || !strings.Contains(full.String(), "SKIP ") {
		t.Error("--quiet must hide SKIP lines, and only then")
	}
	if !strings.Contains(quiet.String(), "… and ") || strings.Contains(full.String(), "… and ") {
		t.Errorf("truncation:\n%s", quiet.String())
	}
	var md bytes.Buffer
	_ = rep.WriteMarkdown(&md)
	if !strings.Contains(md.String(), "| passed | failed |") || !strings.Contains(md.String(), "`generated/no-5xx`") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

// TestJSONSeedIsAString: a seed above 2^53 survives jq and JavaScript, which read JSON
// numbers as doubles, because the report writes it as a string.
func TestJSONSeedIsAString(t *testing.T) {
	seed := uint64(1)<<63 + 12345
	rep := &conformance.Report{Seed: &seed, Cases: 1}
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"seed": "9223372036854788153"`) {
		t.Fatalf("seed not written as an exact string: %s", b.String())
	}
	var back conformance.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Seed == nil || *back.Seed != seed {
		t.Fatalf("round trip: %v, %v", err, back.Seed)
	}
}

// TestPollLinesSayWhichPoll: followed operations repeat the same checks for every poll;
// each text line says which poll and the status it saw.
func TestPollLinesSayWhichPoll(t *testing.T) {
	rep := &conformance.Report{Results: []conformance.Result{
		{Check: "id-matches", Status: conformance.StatusPass, Request: conformance.RequestInfo{Method: "GET", URL: "u"}, ResponseStatus: 200, Note: "poll 2, status running"},
	}}
	var b strings.Builder
	if err := rep.WriteText(&b, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "GET u -> 200 (poll 2, status running)") {
		t.Errorf("text report:\n%s", b.String())
	}
}

// TestJUnitHasNoEmptyProperties: a passing case carries no <properties> element at all.
func TestJUnitHasNoEmptyProperties(t *testing.T) {
	rep := &conformance.Report{Results: []conformance.Result{{Name: "a", Check: "c", Status: conformance.StatusPass}}}
	var b bytes.Buffer
	if err := rep.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<properties></properties>") || strings.Count(b.String(), "<properties>") != 1 {
		t.Errorf("JUnit:\n%s", b.String())
	}
}
