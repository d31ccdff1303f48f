package mock_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

func TestExampleFixturesLoad(t *testing.T) {
	ops, err := mock.LoadFixtures(filepath.Join("..", "..", "..", "examples", "fixtures.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 4 {
		t.Fatalf("loaded %d operations", len(ops))
	}
	f := servertest.New(t, servertest.Opts{Ops: ops})
	unknown := 0
	for _, op := range ops {
		if op.AllowUnknown { // serves an unlisted value on purpose: not 2022-12-01 conformant
			unknown++
			rec := httptest.NewRecorder()
			f.Srv.ServeHTTP(rec, httptest.NewRequest("GET", servertest.OpURL(op.ID), nil))
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d %s", op.ID, rec.Code, rec.Body)
			}
			continue
		}
		f.Get(op.ID) // validated against the spec by the fixture
	}
	if unknown != 1 {
		t.Errorf("the example shows allowUnknown on %d operations, want 1", unknown)
	}
}

func TestFixtureFormats(t *testing.T) {
	yamlDoc := "operations:\n  - id: a\n    operationType: search\n    createdDateTime: 2023-07-14T19:48:16.3397741Z\n    timeline:\n      - status: running\n      - status: succeeded\n        after: 1.5s\n"
	jsonDoc := `{"operations":[{"id":"a","operationType":"search","createdDateTime":"2023-07-14T19:48:16.3397741Z","timeline":[{"status":"running"},{"status":"succeeded","after":"1.5s"}]}]}`
	for name, doc := range map[string]string{"yaml": yamlDoc, "json": jsonDoc} {
		t.Run(name, func(t *testing.T) {
			ops, err := mock.ParseFixtures("f."+name, []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) != 1 || ops[0].Timeline[1].After.String() != "1.5s" || ops[0].CreatedDateTime.Nanosecond() != 339774100 {
				t.Fatalf("parsed %+v", ops)
			}
		})
	}
}

func TestFixtureErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // every fragment must appear in the error
	}{
		{"empty", "", []string{"bad.yaml", "empty"}},
		{"no operations", "operations: []", []string{"bad.yaml", "no operations"}},
		{"not yaml", "operations: [", []string{"bad.yaml"}},
		{"unknown field", "operations:\n  - id: a\n    operationType: search\n    timline: []\n", []string{"bad.yaml", "timline"}},
		{"missing id", "operations:\n  - operationType: search\n    timeline: [{status: running}]\n", []string{"bad.yaml", "operation #1", "id", "required"}},
		{"missing type", "operations:\n  - id: op-a\n    timeline: [{status: running}]\n", []string{"op-a", "operationType"}},
		{"empty timeline", "operations:\n  - id: op-a\n    operationType: search\n    timeline: []\n", []string{"op-a", "timeline", "at least one"}},
		{"missing status", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{after: 1s}]\n", []string{"op-a", "timeline[0].status"}},
		{"bad duration", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: running, after: soon}]\n", []string{"bad.yaml", "duration", "soon"}},
		{"both triggers", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: running, after: 1s, afterPolls: 2}]\n", []string{"op-a", "timeline[0]", "not both"}},
		{"decreasing polls", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: running, afterPolls: 3}, {status: succeeded, afterPolls: 2}]\n", []string{"timeline[1].afterPolls"}},
		{"error not last", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: failed, error: {code: X, message: y}}, {status: succeeded}]\n", []string{"timeline[0].error", "last step"}},
		{"error without message", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: failed, error: {code: X}}]\n", []string{"timeline[0].error.message", "is required"}},
		{"duplicate id", "operations:\n  - {id: op-a, operationType: search, timeline: [{status: running}]}\n  - {id: op-a, operationType: search, timeline: [{status: running}]}\n", []string{"op-a", "duplicates operation #1"}},
		{"id with slash", "operations:\n  - {id: a/b, operationType: search, timeline: [{status: running}]}\n", []string{"a/b", "id"}},
		{"syntax error line", "operations:\n  - id: a\n    operationType: search\n    timeline:\n      - status: running\n     bad: [\n", []string{"bad.yaml", "line 6"}},
		{"failed without error", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: running}, {status: failed, afterPolls: 1}]\n", []string{"timeline[1].error", "required on a final failed step"}},
		{"id too long", "operations:\n  - {id: " + strings.Repeat("x", 257) + ", operationType: search, timeline: [{status: running}]}\n", []string{"257 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := mock.ParseFixtures("bad.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; loaded %+v", ops)
			}
			if ops != nil {
				t.Errorf("partial load: %d operations returned with the error", len(ops))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadFixturesMissingFile(t *testing.T) {
	_, err := mock.LoadFixtures(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v", err)
	}
	p := filepath.Join(t.TempDir(), "ok.json")
	if err := os.WriteFile(p, []byte(`{"operations":[{"id":"a","operationType":"search","timeline":[{"status":"running"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if ops, err := mock.LoadFixtures(p); err != nil || len(ops) != 1 {
		t.Fatalf("LoadFixtures = %v, %v", ops, err)
	}
}

func TestFixtureEnumsAndShape(t *testing.T) {
	op := func(typ, steps string) string {
		return "operations:\n  - id: op-a\n    operationType: " + typ + "\n    timeline:\n" + steps
	}
	tests := []struct {
		name, doc string
		want      []string // every fragment must appear in the error
	}{
		{"status typo", op("purchase", "      - status: running\n      - status: runing\n        afterPolls: 1\n"),
			[]string{"bad.yaml", "line 6", `"op-a"`, "timeline[1].status", `"runing"`, "notStarted, running, succeeded, failed", `did you mean "running"?`, "allowUnknown"}},
		{"status case", op("purchase", "      - status: Succeeded\n"),
			[]string{"line 5", "timeline[0].status", `did you mean "succeeded"?`}},
		{"type typo", op("purchse", "      - status: running\n"),
			[]string{"line 3", `"op-a"`, "operationType", `did you mean "purchase"?`}},
		{"unknown no suggestion", op("zzzzzzzz", "      - status: running\n"),
			[]string{"operationType", "purchase, releasePhoneNumber, search, updatePhoneNumberCapabilities"}},
		{"error on succeeded", op("purchase", "      - status: succeeded\n        error: {code: X, message: y}\n"),
			[]string{"line 6", "timeline[0].error", `only the last step, and only with status "failed", may carry an error`}},
		{"unknown field", op("purchase", "      - status: running\n        aftr: 1s\n"),
			[]string{"line 6", `operation "op-a"`, "aftr", "unknown field"}},
		{"top-level list", "- id: a\n  operationType: search\n", []string{"bad.yaml", "the file is a list", `want a mapping with an "operations" list`}},
		{"top-level typo", "operation:\n  - id: a\n", []string{"line 1", `"operation"`, `did you mean "operations"?`}},
		{"wrong type", op("purchase", "      - status: running\n        afterPolls: many\n"),
			[]string{"line 6", `"op-a"`, "afterPolls", "want an integer"}},
		{"operation not a mapping", "operations:\n  - just a string\n", []string{"line 2", "operation #1", "mapping"}},
		{"duplicate key", op("purchase", "      - status: running\n        status: failed\n"), []string{"line 6", "status", "twice"}},
		{"billion laughs", "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
			"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\noperations:\n  - {id: op-a, operationType: search, timeline: [{status: running}], x: *e}\n",
			[]string{"bad.yaml"}},
		{"deep nesting", "operations:\n  - {id: op-a, operationType: search, timeline: [{status: failed, error: " + strings.Repeat("{code: X, message: y, innererror: ", 100) + "{code: X, message: y}" + strings.Repeat("}", 100) + "}]}\n",
			[]string{"bad.yaml", "nested deeper"}},
		{"lists where objects belong are not read", "operations:\n  - {id: op-a, operationType: search, timeline: [{status: failed, error: {code: X, message: y, details: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "}}]}\n",
			[]string{"bad.yaml", "timeline[0].error.details[0]: got a list, want an object"}},
		{"deep junk under an unknown key is not read", "operations:\n  - {id: op-a, operationType: search, timeline: [{status: running}], x: " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "}\n",
			[]string{"bad.yaml", "x: unknown field"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := mock.ParseFixtures("bad.yaml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("no error; loaded %+v", ops)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(strings.ToLower(err.Error()), "json") {
				t.Errorf("a YAML error mentions JSON: %v", err)
			}
		})
	}
}

func TestFixtureAllowUnknown(t *testing.T) {
	doc := "operations:\n  - id: op-a\n    operationType: reservationPurchase\n    allowUnknown: true\n    timeline:\n      - status: Queued\n      - status: failed\n        afterPolls: 1\n        error: {code: X, message: y}\n"
	ops, err := mock.ParseFixtures("ok.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	f := servertest.New(t, servertest.Opts{Ops: ops})
	// Not spec-valid (unknown values on purpose), so not through f.Do's spec check.
	rec := httptest.NewRecorder()
	f.Srv.ServeHTTP(rec, httptest.NewRequest("GET", servertest.OpURL("op-a"), nil))
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, `"status":"Queued"`) || !strings.Contains(body, `"operationType":"reservationPurchase"`) {
		t.Errorf("served %d %s", rec.Code, body)
	}
}

func TestControlAPIRefusesTypos(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	tests := []struct{ name, body, target, want string }{
		{"bogus status", `{"id":"a","operationType":"search","timeline":[{"status":"bogus"}]}`, "timeline[0].status", "notStarted, running"},
		{"status case", `{"id":"a","operationType":"search","timeline":[{"status":"Running"}]}`, "timeline[0].status", `did you mean \"running\"?`},
		{"error on succeeded", `{"id":"a","operationType":"search","timeline":[{"status":"succeeded","error":{"code":"X","message":"y"}}]}`, "timeline[0].error", "failed"},
		{"unknown field", `{"id":"a","operationType":"search","extra":1,"timeline":[{"status":"running"}]}`, "extra", "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Control("POST", "/mock/operations", []byte(tt.body))
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			e := r.ErrorBody(t)
			if e.Target == nil || *e.Target != tt.target || !strings.Contains(string(r.Body), tt.want) || strings.Contains(e.Message, "json") {
				t.Errorf("error %+v (target %v)", e.Message, e.Target)
			}
		})
	}
	ok := `{"id":"a","operationType":"reservationPurchase","allowUnknown":true,"timeline":[{"status":"Queued"}]}`
	if r := f.Control("POST", "/mock/operations", []byte(ok)); r.Status != http.StatusCreated || !strings.Contains(string(r.Body), `"allowUnknown":true`) {
		t.Errorf("allowUnknown: %d %s", r.Status, r.Body)
	}
}

// TestFixtureKeysAreCaseSensitive: a mis-cased field is a typo with a suggestion, and a
// fixtures file posted as one operation says what to send instead.
func TestFixtureKeysAreCaseSensitive(t *testing.T) {
	tests := []struct {
		doc, want string
	}{
		{"operations:\n  - id: a\n    operationtype: search\n    timeline: [{status: running}]\n", `did you mean "operationType"?`},
		{"operations:\n  - id: a\n    operationType: search\n    timeline: [{Status: running}]\n", `timeline[0].Status: unknown field; field names are case-sensitive: did you mean "status"?`},
		{"operations:\n  - id: a\n    operationType: purchase\n    timeline: [{status: failed, error: {Code: X, message: y}}]\n", `did you mean "code"?`},
	}
	for _, tt := range tests {
		_, err := mock.ParseFixtures("f.yaml", []byte(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// TestFixtureErrorsFromTheSchema: every problem of a file is reported at once, each on its
// own line, naming the field and what was got, as read from control.yaml's schema.
func TestFixtureErrorsFromTheSchema(t *testing.T) {
	doc := strings.Join([]string{
		"operations:",                    // 1
		"  - id: op-a",                   // 2
		"    operationType: purchase",    // 3
		"    createdDateTime: yesterday", // 4
		"    timeline:",                  // 5
		"      - status: running",        // 6
		"        after: 5 seconds",       // 7
		"      - status: succeeded",      // 8
		`        afterPolls: "3"`,        // 9
		"  - id: op-b",                   // 10
		"    operationType: search",      // 11
		"    timeline:",                  // 12
		"      - status: running",        // 13
		"        after: 2",               // 14
	}, "\n") + "\n"
	_, err := mock.ParseFixtures("bad.yaml", []byte(doc))
	if err == nil {
		t.Fatal("no error")
	}
	var fe *mock.FixturesError
	if !errors.As(err, &fe) || len(fe.Problems) != 4 {
		t.Fatalf("err = %v, want 4 problems", err)
	}
	for _, want := range []string{
		`line 4: operation "op-a": createdDateTime: got "yesterday", want a date-time`,
		`line 7: operation "op-a": timeline[0].after: got "5 seconds", want a duration such as "1.5s"`,
		`line 9: operation "op-a": timeline[1].afterPolls: got a string ("3"), want an integer`,
		`line 14: operation "op-b": timeline[0].after: got an integer, want a duration such as "1.5s"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
}

// TestValidateOperationFromGo: operations built in Go are checked against the same schema.
func TestValidateOperationFromGo(t *testing.T) {
	tests := []struct {
		name string
		op   mock.Operation
		want string // "" means valid
	}{
		{"valid", mock.Operation{ID: "a", OperationType: "search", Timeline: []mock.Step{{Status: "running"}}}, ""},
		{"status typo", mock.Operation{ID: "a", OperationType: "search", Timeline: []mock.Step{{Status: "Running"}}}, `did you mean "running"?`},
		{"unknown allowed", mock.Operation{ID: "a", OperationType: "reservationPurchase", AllowUnknown: true, Timeline: []mock.Step{{Status: "cancelled"}}}, ""},
		{"no timeline", mock.Operation{ID: "a", OperationType: "search"}, "timeline"},
		{"negative after", mock.Operation{ID: "a", OperationType: "search", Timeline: []mock.Step{{Status: "running", After: -1}}}, "must not be negative"},
		{"id too long in bytes", mock.Operation{ID: strings.Repeat("é", 200), OperationType: "search", Timeline: []mock.Step{{Status: "running"}}}, "400 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mock.ValidateOperation(&tt.op)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var fe *mock.FieldError
			if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *FieldError mentioning %q", err, tt.want)
			}
		})
	}
}

// TestFixtureProblemsInOneRound: problems the schema finds do not hide the rules' problems
// elsewhere in the same operation, nor a duplicate id (a new user needed three rounds of
// fixes for one file).
func TestFixtureProblemsInOneRound(t *testing.T) {
	doc := strings.Join([]string{
		"operations:",                          // 1
		"  - id: release_d",                    // 2
		"    operationType: search",            // 3
		"    timeline:",                        // 4
		"      - status: running",              // 5
		"        error: {code: X, message: y}", // 6
		"      - status: succeeded",            // 7
		"        after: 5 s",                   // 8
		"  - id: release_d",                    // 9
		"    operationType: serch",             // 10
		"    timeline: [{status: running}]",    // 11
	}, "\n") + "\n"
	_, err := mock.ParseFixtures("bad.yaml", []byte(doc))
	for _, want := range []string{
		`line 6: operation "release_d": timeline[0].error: only the last step, and only with status "failed", may carry an error; this is step 1 of 2, with status "running"`,
		`line 8: operation "release_d": timeline[1].after: got "5 s"`,
		`line 9: operation "release_d": id: duplicates operation #1, on line 2`,
		`line 10: operation "release_d": operationType: "serch"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
