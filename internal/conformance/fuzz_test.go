package conformance

import (
	"context"
	"strings"
	"testing"
)

// FuzzParseRecording reads arbitrary bytes as a recording. Property: never a panic; either
// exchanges (which the checker then handles without panicking) or an error naming the file.
func FuzzParseRecording(f *testing.F) {
	f.Add([]byte(`{"entries":[{"method":"GET","url":"https://x/phoneNumbers/operations/a?api-version=2022-12-01","status":200,"responseHeaders":{"Content-Type":"application/json"},"responseBody":{"id":"a","status":"running","operationType":"search","createdDateTime":"2023-01-01T00:00:00Z"}}]}`))
	f.Add([]byte(`{"Entries":[{"RequestUri":"https://x/phoneNumbers/operations/a?api-version=2022-12-01","RequestMethod":"GET","StatusCode":404,"ResponseHeaders":{"content-type":"application/json"},"ResponseBody":"{\"error\":{\"code\":\"NotFound\",\"message\":\"m\"}}"}]}`))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"http://h/phoneNumbers/operations/b?api-version=2022-12-01","headers":[]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"text":"eyJ9","encoding":"base64"}}}]}}`))
	f.Add([]byte(`{"entries":[{"method":"","url":"::","status":0}]}`))
	f.Add([]byte(`[]`))
	// Bodies inside strings (issue 21): HAR text, base64 content, a normalized body string.
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://x/phoneNumbers/operations/a","headers":[]},"response":{"status":200,"headers":[],"content":{"text":"[1,1,1,[[[{}]]]]"}}}]}}`))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://x/phoneNumbers/operations/a","headers":[]},"response":{"status":200,"headers":[],"content":{"text":"WzEsMSwxXQ==","encoding":"base64"}}}]}}`))
	f.Add([]byte(`{"entries":[{"method":"GET","url":"https://x/phoneNumbers/operations/a","status":200,"responseBody":"{\"error\":{\"innererror\":{\"innererror\":{}}}}"}]}`))
	v, err := NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exs, err := ParseRecording("fuzz.json", data)
		if err != nil {
			if exs != nil || !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error %v (with %d exchanges) must name the file and return nothing", err, len(exs))
			}
			return
		}
		rep := v.CheckRecordings(context.Background(), "fuzz", exs, &RecordingsOptions{Strict: true})
		if n := rep.Summary.Passed + rep.Summary.Failed + rep.Summary.Warnings + rep.Summary.Skipped; n != len(rep.Results) {
			t.Fatalf("summary counts %d results, report has %d", n, len(rep.Results))
		}
	})
}
