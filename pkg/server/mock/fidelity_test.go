package mock_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/servertest"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock"
	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// TestAnswersAsLive (issue 22): what the recordings show the live service sends, per
// api-version: the result URL carries the request's api-version, 2021-03-07 answers in
// 2021's property order, a step's headers replace the server's own whatever their spelling.
func TestAnswersAsLive(t *testing.T) {
	loc := "/availablePhoneNumbers/searchResults/s?api-version=2022-12-01"
	ops := []mock.Operation{{ID: "s", OperationType: types.PhoneNumberOperationTypeSearch, ResourceLocation: &loc,
		Timeline: []mock.Step{{Status: types.PhoneNumberOperationStatusRunning, Headers: map[string]string{"ms-cv": "recorded.0", "X-Processing-Time": "615ms"}}}}}
	f := servertest.New(t, servertest.Opts{Ops: ops})
	tests := []struct {
		version  string
		body     string // a prefix of the body
		location string
	}{
		{"2022-12-01", `{"operationType":"search","status":"running","resourceLocation":"/availablePhoneNumbers/searchResults/s?api-version=2022-12-01",`,
			loc},
		{"2024-05-01-preview", `{"operationType":"search","status":"running","resourceLocation":"/availablePhoneNumbers/searchResults/s?api-version=2024-05-01-preview",`,
			"/availablePhoneNumbers/searchResults/s?api-version=2024-05-01-preview"},
		{"2021-03-07", `{"status":"running","resourceLocation":"/availablePhoneNumbers/searchResults/s?api-version=2021-03-07","createdDateTime":`,
			"/availablePhoneNumbers/searchResults/s?api-version=2021-03-07"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			r := f.Do(httptest.NewRequest(http.MethodGet, "/phoneNumbers/operations/s?api-version="+tt.version, nil))
			if r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), tt.body) || r.Header.Get("Location") != tt.location {
				t.Fatalf("%d %s\nLocation %q", r.Status, r.Body, r.Header.Get("Location"))
			}
			if got := rawHeader(r.RawHeader, "ms-cv"); len(got) != 1 || got[0] != "recorded.0" || rawHeader(r.RawHeader, "MS-CV") != nil {
				t.Errorf("the step's ms-cv did not replace the server's MS-CV: %v", r.RawHeader)
			}
			if r.Header.Get("X-Processing-Time") != "615ms" || r.Header.Get("Access-Control-Expose-Headers") != "Location" {
				t.Errorf("headers %v", r.Header)
			}
		})
	}
}

// rawHeader returns the values keyed exactly name (spelled as sent), nil when none.
func rawHeader(h http.Header, name string) []string {
	for k, v := range h {
		if k == name {
			return v
		}
	}
	return nil
}
