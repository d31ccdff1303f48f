package mock_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// withMessage is a failed operation whose error message is n bytes long.
func withMessage(id string, n int) mock.Operation {
	return mock.Operation{ID: id, OperationType: types.PhoneNumberOperationTypePurchase, Timeline: []mock.Step{
		{Status: types.PhoneNumberOperationStatusFailed, Error: &types.CommunicationError{Code: "X", Message: strings.Repeat("m", n)}},
	}}
}

func TestStoreByteLimits(t *testing.T) {
	store, err := mock.NewMemoryStore(nil, &mock.MemoryStoreOptions{MaxOperationBytes: 4096, MaxTotalBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(withMessage("big", 5000)); !errors.Is(err, mock.ErrOperationTooLarge) || !strings.Contains(err.Error(), `"big"`) {
		t.Fatalf("oversize Put: %v", err)
	}
	if store.Len() != 0 {
		t.Fatalf("oversize operation stored")
	}
	// Each is ~3.1 KB: the fourth does not fit in 10,000 bytes, so the oldest goes.
	for i := range 4 {
		if _, err := store.Put(withMessage(fmt.Sprintf("op%d", i), 3000)); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := store.Lookup("op0"); ok || store.Len() != 3 || store.Bytes() > 10_000 {
		t.Errorf("after overflow: len %d, bytes %d, op0 kept %v", store.Len(), store.Bytes(), ok)
	}
	// Replacing an operation does not count it twice.
	if _, err := store.Put(withMessage("op3", 10)); err != nil {
		t.Fatal(err)
	}
	if store.Len() != 3 {
		t.Errorf("replace evicted: len %d", store.Len())
	}
	store.Delete("op3")
	store.Delete("op2")
	store.Delete("op1")
	if store.Bytes() != 0 {
		t.Errorf("bytes after deleting everything = %d", store.Bytes())
	}
}

func TestNewMemoryStoreRefusesOversizeStartUp(t *testing.T) {
	many := make([]mock.Operation, 3)
	for i := range many {
		many[i] = withMessage(fmt.Sprintf("op%d", i), 10)
	}
	tests := []struct {
		name string
		ops  []mock.Operation
		opts mock.MemoryStoreOptions
		want string
	}{
		{"more than MaxOperations", many, mock.MemoryStoreOptions{MaxOperations: 2}, "3 start-up operations exceed the store bound of 2"},
		{"one too large", []mock.Operation{withMessage("huge", 70_000)}, mock.MemoryStoreOptions{}, `operation "huge" takes`},
		{"total too large", many, mock.MemoryStoreOptions{MaxTotalBytes: 200}, "more than the store bound of 200 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mock.NewMemoryStore(tt.ops, &tt.opts)
			if err == nil || !errors.Is(err, mock.ErrOperationTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewMemoryStore = %v, %v; want an error containing %q", s, err, tt.want)
			}
		})
	}
}

func TestControlOperationTooLarge(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	body, _ := json.Marshal(withMessage("big", 70_000))
	r := f.Control("POST", "/mock/operations", body)
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if e := r.ErrorBody(t); !strings.Contains(e.Message, "65536 bytes") {
		t.Errorf("message does not name the limit: %s", e.Message)
	}
}

func TestControlListPaging(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Ops: []mock.Operation{}})
	for i := range 25 {
		body, _ := json.Marshal(withMessage(fmt.Sprintf("op%02d", i), 10))
		if r := f.Control("POST", "/mock/operations", body); r.Status != http.StatusCreated {
			t.Fatalf("put: %d %s", r.Status, r.Body)
		}
	}
	var ids []string
	next := "/mock/operations?limit=10"
	pages := 0
	for next != "" {
		r := f.Control("GET", next, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, r.Status, r.Body)
		}
		var page control.OperationStateList
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Operations) > 10 {
			t.Fatalf("page of %d", len(page.Operations))
		}
		for _, st := range page.Operations {
			ids = append(ids, st.Operation.ID)
		}
		next = ""
		if page.NextLink != nil {
			next = *page.NextLink
		}
		pages++
	}
	if pages != 3 || len(ids) != 25 || ids[0] != "op00" || ids[24] != "op24" {
		t.Errorf("%d pages, ids %v", pages, ids)
	}
	// Default limit: 100; after skips up to and including the id.
	var page control.OperationStateList
	_ = json.Unmarshal(f.Control("GET", "/mock/operations?after=op20", nil).Body, &page)
	if len(page.Operations) != 4 || page.Operations[0].Operation.ID != "op21" || page.NextLink != nil {
		t.Errorf("after=op20: %d operations, nextLink %v", len(page.Operations), page.NextLink)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x"} {
		r := f.Control("GET", "/mock/operations?"+q, nil)
		if e := r.ErrorBody(t); r.Status != http.StatusBadRequest || !strings.Contains(e.Message, "limit") {
			t.Errorf("%s: %d %s", q, r.Status, e.Message)
		}
	}
}

// TestGeneratedBinderErrorNamesTheParameter: the generated handler's bind failure (the
// template formats "Invalid format for parameter NAME") is answered with NAME as the target.
func TestGeneratedBinderErrorNamesTheParameter(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	r := f.Control("GET", "/mock/operations?limit=x", nil)
	if e := r.ErrorBody(t); r.Status != http.StatusBadRequest || e.Target == nil || *e.Target != "limit" {
		t.Errorf("limit=x: %d %+v, want 400 with target limit", r.Status, e)
	}
}

// TestControlConcurrentPutNever5xx is the regression test for "vanished after Put": with
// room for one operation, two writers evict each other's operation between the store and
// the answer unless both happen under one lock.
func TestControlConcurrentPutNever5xx(t *testing.T) {
	f := servertest.New(t, servertest.Opts{Ops: []mock.Operation{}, MaxOps: 1})
	const perWriter = 3000
	var wg sync.WaitGroup
	failures := make(chan string, 4*perWriter)
	for w := range 3 {
		wg.Go(func() {
			for i := range perWriter {
				var rec *httptest.ResponseRecorder
				if w == 2 { // a third writer resets and deletes
					rec = httptest.NewRecorder()
					path := "/mock/reset"
					method := "POST"
					if i%2 == 1 {
						path, method = "/mock/operations/w0", "DELETE"
					}
					f.Srv.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
				} else {
					body, _ := json.Marshal(withMessage(fmt.Sprintf("w%d", w), 10))
					req := httptest.NewRequest("POST", "/mock/operations", strings.NewReader(string(body)))
					req.Header.Set("Content-Type", "application/json")
					rec = httptest.NewRecorder()
					f.Srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusCreated {
						failures <- fmt.Sprintf("writer %d: %d %s", w, rec.Code, rec.Body)
					}
				}
				if rec.Code >= 500 {
					failures <- fmt.Sprintf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for msg := range failures {
		t.Error(msg)
	}
}

func TestControlRequiresJSON(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	body := `{"id":"a","operationType":"search","timeline":[{"status":"running"}]}`
	tests := []struct {
		contentType string
		status      int
	}{
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"application/jsonx", http.StatusUnsupportedMediaType},
		{"application/json", http.StatusCreated},
		{"application/json; charset=utf-8", http.StatusCreated},
		{"Application/JSON;Charset=UTF-8", http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/mock/operations", strings.NewReader(body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			r := f.Do(req)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			if tt.status == http.StatusUnsupportedMediaType {
				if e := r.ErrorBody(t); e.Code != "UnsupportedMediaType" || !strings.Contains(e.Message, "application/json") {
					t.Errorf("error %+v", e)
				}
			}
		})
	}
}

func TestJournalAuthScheme(t *testing.T) {
	tests := []struct{ header, want string }{
		{"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc", "HMAC-SHA256"},
		{"hmac-sha256 SignedHeaders=a&Signature=b", "HMAC-SHA256"},
		{"Bearer eyJhbGciOi.secret", "Bearer"},
		{"bearer\teyJhbGciOi.secret", "Bearer"},
		{"Bearer\teyJhbGciOi.secret", "Bearer"},
		{"sk_live_SECRETSECRETSECRETSECRETSECRET", "other"},
		{"BearereyJhbGciOi.secret", "other"},
		{"Basic dXNlcjpwYXNz", "other"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			f := servertest.New(t, servertest.Opts{})
			req := httptest.NewRequest("GET", servertest.OpURL(types.ExampleOperationID), nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			f.Do(req)
			entries := f.Srv.Journal().Entries()
			if len(entries) != 1 || entries[0].AuthScheme != tt.want {
				t.Fatalf("entries %+v, want scheme %q", entries, tt.want)
			}
			raw, _ := json.Marshal(entries)
			if strings.Contains(string(raw), "SECRET") || strings.Contains(string(raw), "secret") || strings.Contains(string(raw), "dXNl") {
				t.Errorf("journal keeps a credential: %s", raw)
			}
		})
	}
}

// TestControlBodyTypeErrors: a list, a wrongly typed field or broken JSON get a message in
// the API's terms, not the decoder's.
func TestControlBodyTypeErrors(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	tests := []struct {
		body, want string
	}{
		{`[{"id":"a"}]`, "Invalid operation: the operation: operation: is a list; want a mapping"},
		{`{"id":"a","operationType":"search","timeline":[{"status":"running","afterPolls":"2"}]}`, `timeline[0].afterPolls: got a string ("2"), want an integer`},
		{`{"id":"a","operationType":"search","createdDateTime":"yesterday","timeline":[{"status":"running","after":"5 s"}]}`, `createdDateTime: got "yesterday", want a date-time`},
		{`{"id":`, "not valid JSON"},
	}
	for _, tt := range tests {
		r := f.Control(http.MethodPost, "/mock/operations", []byte(tt.body))
		if e := r.ErrorBody(t); r.Status != http.StatusBadRequest || !strings.Contains(e.Message, tt.want) || strings.Contains(e.Message, "control.") {
			t.Errorf("%s: %d %q, want 400 mentioning %q", tt.body, r.Status, e.Message, tt.want)
		}
	}
}

// TestControlManyValuesRefusedBeforeDecoding: a body of a third of a million tiny steps,
// which cost ~130 MB to decode, is refused by counting, and braces in strings do not count.
func TestControlManyValuesRefusedBeforeDecoding(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	steps := strings.Repeat("{},", 300_000)
	body := `{"id":"z","operationType":"purchase","timeline":[` + steps + `{}]}`
	r := f.Control(http.MethodPost, "/mock/operations", []byte(body))
	if e := r.ErrorBody(t); r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(e.Message, "more than 1000 objects and lists") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	braces := `{"id":"b","operationType":"purchase","timeline":[{"status":"failed","error":{"code":"X","message":"` + strings.Repeat(`{[\"`, 2000) + `"}}]}`
	if r := f.Control(http.MethodPost, "/mock/operations", []byte(braces)); r.Status != http.StatusCreated {
		t.Fatalf("braces inside a string were counted: %d %s", r.Status, r.Body)
	}
}

// TestControlListPageBytes: a page of large operations stays near MaxListPageBytes, even
// though each listed item carries its operation twice.
func TestControlListPageBytes(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	for i := range 300 {
		if _, err := f.Store.Put(withMessage(fmt.Sprintf("big-%03d", i), 60_000)); err != nil {
			t.Fatal(err)
		}
	}
	r := f.Control(http.MethodGet, "/mock/operations?limit=1000", nil)
	var page control.OperationStateList
	if err := json.Unmarshal(r.Body, &page); err != nil || r.Status != http.StatusOK {
		t.Fatalf("%d %v", r.Status, err)
	}
	if len(r.Body) > mock.MaxListPageBytes+mock.MaxListPageBytes/8 || page.NextLink == nil {
		t.Fatalf("page of %d bytes with %d operations (limit %d), nextLink %v", len(r.Body), len(page.Operations), mock.MaxListPageBytes, page.NextLink)
	}
}

// TestControlHostileBodiesAfterTheSchemaRework: the attack review's bodies against the
// schema-driven decoder (each crashed or took a gigabyte): scalars are counted with
// everything else before decoding, and what lies under an undeclared key is not read.
func TestControlHostileBodiesAfterTheSchemaRework(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	deepKey := func(depth, keyLen, scalars int) string { // an unknown key nested deep with long keys
		k := strings.Repeat("k", keyLen)
		var b strings.Builder
		b.WriteString(`{"id":"a","operationType":"search","timeline":[{"status":"running"}],"zz":`)
		for range depth {
			b.WriteString(`{"` + k + `":`)
		}
		b.WriteString("[" + strings.TrimSuffix(strings.Repeat("0,", scalars), ",") + "]")
		b.WriteString(strings.Repeat("}", depth) + "}")
		return b.String()
	}
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"deep long keys, many scalars", deepKey(60, 1000, 490_000), http.StatusRequestEntityTooLarge, "more than 20000 values"},
		{"deep long keys, few scalars", deepKey(60, 1000, 10_000), http.StatusBadRequest, "zz: unknown field"},
		{"one long key over a list", `{"id":"a","operationType":"search","timeline":[{"status":"running"}],"` + strings.Repeat("q", 1000) + `":[` + strings.TrimSuffix(strings.Repeat("0,", 300_000), ",") + `]}`,
			http.StatusRequestEntityTooLarge, "more than 20000 values"},
		{"a huge bad duration", `{"id":"a","operationType":"search","timeline":[{"status":"running","after":"` + strings.Repeat("9", 500_000) + `x"}]}`,
			http.StatusBadRequest, "timeline[0].after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Control(http.MethodPost, "/mock/operations", []byte(tt.body))
			e := r.ErrorBody(t)
			if r.Status != tt.status || !strings.Contains(e.Message, tt.want) || len(r.Body) > 4096 {
				t.Fatalf("%d (want %d), %d bytes: %.300s", r.Status, tt.status, len(r.Body), r.Body)
			}
		})
	}
}

// TestBigIntegersKeepTheirValue: an integer above 2^53 is stored as sent (it went through
// float64 and lost its last digit).
func TestBigIntegersKeepTheirValue(t *testing.T) {
	ops, err := mock.ParseFixtures("big.yaml", []byte("operations:\n  - {id: a, operationType: search, timeline: [{status: running}, {status: succeeded, afterPolls: 9007199254740993}]}\n"))
	if err != nil || ops[0].Timeline[1].AfterPolls != 9007199254740993 {
		t.Fatalf("ParseFixtures = %v, %v", ops, err)
	}
}

// TestFixturesOfTooManyValuesRefusedBeforeParsing: a file of millions of tiny values is
// refused before the YAML parser builds a node for each.
func TestFixturesOfTooManyValuesRefusedBeforeParsing(t *testing.T) {
	doc := "operations:\n  - id: a\n    operationType: search\n    timeline: [{status: running}]\n    zz: [" + strings.Repeat("0,", 600_000) + "0]\n"
	_, err := mock.ParseFixtures("many.yaml", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "holds more than 1000000 values") {
		t.Fatalf("err = %v", err)
	}
}

// TestSecondAttackReview: a 40 KB body of an innererror chain with a list of scalars at
// the bottom (4.7 GB allocated: kin-openapi formatted every error at each allOf level) is
// answered within a few MB; the estimate of a fixtures file sees nodes packed on one line
// ("- - - 0") and every YAML line break; an unknown key "t" does not hide timeline rules.
func TestSecondAttackReview(t *testing.T) {
	f := servertest.New(t, servertest.Opts{})
	chain := strings.Repeat(`{"code":"X","message":"y","innererror":`, 28) + `{"code":"X","message":"y","details":[` +
		strings.TrimSuffix(strings.Repeat("1,", 19_800), ",") + `]}` + strings.Repeat("}", 28)
	body := `{"id":"x","operationType":"search","timeline":[{"status":"failed","error":` + chain + `}]}`
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := f.Control(http.MethodPost, "/mock/operations", []byte(body))
	runtime.ReadMemStats(&after)
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "want an object") {
		t.Fatalf("%d %.300s", r.Status, r.Body)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("the request allocated %d MB", alloc>>20)
	}
	for name, doc := range map[string]string{
		"dashes": "operations:\n  - " + strings.Repeat("- ", 600_000) + "0\n",
		"CR":     "operations:\r  - id: a\r" + strings.Repeat("    x: 0\r", 600_000),
	} {
		if _, err := mock.ParseFixtures(name, []byte(doc)); err == nil || !strings.Contains(err.Error(), "more than 1000000 values") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	r = f.Control(http.MethodPost, "/mock/operations", []byte(`{"id":"x","operationType":"search","t":1,"timeline":[{"status":"running","error":{"code":"X","message":"y"}},{"status":"succeeded"}]}`))
	if !strings.Contains(string(r.Body), "t: unknown field") || !strings.Contains(string(r.Body), "timeline[0].error: only the last step") {
		t.Errorf("%d %s", r.Status, r.Body)
	}
}
