package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/pkg/server"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
)

func TestLoadFixturesThroughTheControlAPI(t *testing.T) {
	const yamlDoc = "operations:\n  - id: a\n    operationType: purchase\n    timeline:\n      - status: running\n  - id: b\n    operationType: search\n    timeline:\n      - status: succeeded\n"
	tests := []struct {
		name, contentType, body string
		want                    int
		stored                  []string
		inMessage               string
	}{
		{"YAML", "application/yaml", yamlDoc, http.StatusCreated, []string{"a", "b"}, ""},
		{"a list alone", "text/yaml; charset=utf-8", "- id: c\n  operationType: purchase\n  timeline:\n    - status: running\n", http.StatusBadRequest, nil, "want a mapping with an \\\"operations\\\" list"},
		{"JSON", "application/json", `{"operations":[{"id":"j","operationType":"purchase","timeline":[{"status":"running"}]}]}`, http.StatusCreated, []string{"j"}, ""},
		{"not YAML", "text/plain", yamlDoc, http.StatusUnsupportedMediaType, nil, "Content-Type: application/yaml"},
		{"no type", "", yamlDoc, http.StatusUnsupportedMediaType, nil, "no Content-Type"},
		{"a misspelt status, with its line", "application/yaml", "operations:\n  - id: bad\n    operationType: purchase\n    timeline:\n      - status: runing\n", http.StatusBadRequest, nil, "line 5"},
		{"every problem listed", "application/yaml", "operations:\n  - id: x\n    operationType: nope\n    timeline:\n      - status: runing\n", http.StatusBadRequest, nil, "2 problems"},
		{"one operation, not a document", "application/json", `{"id":"j","operationType":"purchase","timeline":[{"status":"running"}]}`, http.StatusBadRequest, nil, "one operation, not a fixtures document"},
		{"top-level faults", "application/yaml", yamlDoc + "faults:\n  - rate: 0.5\n    status: 503\n", http.StatusBadRequest, nil, "start-up only"},
		{"not a document", "application/yaml", ": : :", http.StatusBadRequest, nil, "Invalid fixtures"},
		{"more operations than the store keeps", "application/yaml", "operations:\n" + strings.Repeat("  - id: m\n    operationType: purchase\n    timeline:\n      - status: running\n", 1) + manyOps(12), http.StatusRequestEntityTooLarge, nil, "more than the store keeps (10"},
		{"one operation too large, nothing stored", "application/yaml", "operations:\n  - id: first\n    operationType: purchase\n    timeline:\n      - status: running\n  - id: big\n    operationType: purchase\n    timeline:\n      - status: failed\n        error:\n          code: X\n          message: " + strings.Repeat("m", 70_000) + "\n", http.StatusRequestEntityTooLarge, nil, "nothing was stored"},
		{"too large", "application/yaml", "operations:\n" + strings.Repeat("# padding\n", 200_000), http.StatusRequestEntityTooLarge, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, _ := mock.NewMemoryStore(nil, &mock.MemoryStoreOptions{MaxOperations: 10})
			m, err := mock.New(store, &mock.Options{Options: server.Options{MaxBodyBytes: 1 << 20}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(m)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/mock/fixtures", strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			if !strings.Contains(string(body), tc.inMessage) {
				t.Errorf("the answer does not say %q: %s", tc.inMessage, body)
			}
			if tc.want == http.StatusCreated {
				var list control.OperationStateList
				if err := json.Unmarshal(body, &list); err != nil {
					t.Fatal(err)
				}
				for i, id := range tc.stored {
					if list.Operations[i].Operation.ID != id {
						t.Errorf("answer %d is %s, want %s", i, list.Operations[i].Operation.ID, id)
					}
					if _, ok := store.Lookup(id); !ok {
						t.Errorf("%s is not stored", id)
					}
				}
			} else if store.Len() != 0 {
				t.Errorf("a refused document stored %d operations", store.Len())
			}
		})
	}
}

// manyOps is n distinct operations as fixtures list items.
func manyOps(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  - id: many_%d\n    operationType: purchase\n    timeline:\n      - status: running\n", i)
	}
	return b.String()
}
