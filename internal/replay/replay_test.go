package replay_test

import (
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
	"github.com/phonenumbers-go/phonenumbers/internal/replay"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
)

// recording is a normalized recording of the answers given, in order.
func recording(t *testing.T, entries ...string) []conformance.Exchange {
	t.Helper()
	exs, err := conformance.ParseRecording("r.json", []byte(`{"entries":[`+strings.Join(entries, ",")+`]}`))
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// poll is a recorded 200 answer for id with status, and an MS-CV spelled as live spells it.
func poll(id, status, cv string) string {
	return `{"method":"GET","url":"https://x/phoneNumbers/operations/` + id + `?api-version=2022-12-01","status":200,` +
		`"responseHeaders":{"MS-CV":"` + cv + `","Date":"Fri, 14 Jul 2023 19:48:27 GMT","Transfer-Encoding":"chunked","Content-Type":"application/json; charset=utf-8"},` +
		`"responseBody":{"operationType":"purchase","status":"` + status + `","resourceLocation":null,"createdDateTime":"2023-07-14T19:48:16.3397741+00:00","id":"` + id + `","lastActionDateTime":"0001-01-01T00:00:00+00:00"}}`
}

func TestOperations(t *testing.T) {
	tests := []struct {
		name     string
		entries  []string
		opts     *replay.Options
		wantOps  int
		wantSeq  map[string]string // id -> statuses, in order
		wantSkip string
		check    func(t *testing.T, ops []mock.Operation)
	}{
		{name: "a sequence, headers spelled as recorded", entries: []string{poll("p", "running", "a.0"), poll("p", "notStarted", "b.0"), poll("p", "succeeded", "c.0")},
			wantOps: 1, wantSeq: map[string]string{"p": "running notStarted succeeded"},
			check: func(t *testing.T, ops []mock.Operation) {
				st := ops[0].Timeline
				if st[1].AfterPolls != 1 || st[2].AfterPolls != 2 || st[2].Headers["MS-CV"] != "c.0" {
					t.Errorf("steps %+v", st)
				}
				for _, name := range []string{"Date", "Transfer-Encoding", "Content-Type"} {
					if _, ok := st[0].Headers[name]; ok {
						t.Errorf("%s replayed", name)
					}
				}
			}},
		{name: "states only", entries: []string{poll("p", "running", "a.0")}, opts: &replay.Options{StatesOnly: true}, wantOps: 1,
			check: func(t *testing.T, ops []mock.Operation) {
				if len(ops[0].Timeline[0].Headers) != 0 {
					t.Errorf("headers replayed: %v", ops[0].Timeline[0].Headers)
				}
			}},
		{name: "a shared placeholder id chains its sessions", entries: []string{poll("s", "running", "a.0"), poll("t", "running", "x.0"), poll("s", "Succeeded", "b.0")},
			wantOps: 2, wantSeq: map[string]string{"s": "running Succeeded", "t": "running"}},
		{name: "not replayed", entries: []string{
			`{"method":"GET","url":"https://x/phoneNumbers/operations/gone?api-version=2022-12-01","status":404,"responseBody":{"error":{"code":"NotFound","message":"m"}}}`,
			`{"method":"PATCH","url":"https://x/phoneNumbers/%2B1","status":400}`,
			poll("q", "running", "a.0")},
			wantOps: 1, wantSkip: "answers other than 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, sum, err := replay.Operations(recording(t, tt.entries...), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ops) != tt.wantOps || sum.Operations != tt.wantOps {
				t.Fatalf("%d operations (%s), want %d", len(ops), sum, tt.wantOps)
			}
			for _, op := range ops {
				want, ok := tt.wantSeq[op.ID]
				if !ok {
					continue
				}
				var got []string
				for _, s := range op.Timeline {
					got = append(got, string(s.Status))
				}
				if strings.Join(got, " ") != want {
					t.Errorf("%s: %v, want %s", op.ID, got, want)
				}
			}
			if tt.wantSkip != "" && !strings.Contains(sum.String(), tt.wantSkip) {
				t.Errorf("summary %q lacks %q", sum, tt.wantSkip)
			}
			if tt.check != nil {
				tt.check(t, ops)
			}
			if _, err := mock.NewMemoryStore(ops, nil); err != nil {
				t.Errorf("the store refuses the replayed operations: %v", err)
			}
		})
	}
}

// TestStepsAreBounded: an operation replays at most MaxSteps answers.
func TestStepsAreBounded(t *testing.T) {
	var entries []string
	for range replay.MaxSteps + 5 {
		entries = append(entries, poll("p", "running", "a.0"))
	}
	ops, sum, err := replay.Operations(recording(t, entries...), nil)
	if err != nil || len(ops[0].Timeline) != replay.MaxSteps || !strings.Contains(sum.String(), "5 answers beyond") {
		t.Fatalf("%v, %d steps, %s", err, len(ops[0].Timeline), sum)
	}
	if _, err := mock.NewMemoryStore(ops, nil); err != nil {
		t.Errorf("the store refuses %d steps: %v", replay.MaxSteps, err)
	}
}
