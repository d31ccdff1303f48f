package mock_test

import (
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
	for _, op := range ops {
		f.Get(op.ID) // validated against the spec by the fixture
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
		{"error without message", "operations:\n  - id: op-a\n    operationType: search\n    timeline: [{status: failed, error: {code: X}}]\n", []string{"timeline[0].error", "code and a message"}},
		{"duplicate id", "operations:\n  - {id: op-a, operationType: search, timeline: [{status: running}]}\n  - {id: op-a, operationType: search, timeline: [{status: running}]}\n", []string{"op-a", "duplicates operation #1"}},
		{"id with slash", "operations:\n  - {id: a/b, operationType: search, timeline: [{status: running}]}\n", []string{"a/b", "id"}},
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
