package conformance_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phonenumbers-go/phonenumbers/internal/conformance"
)

// TestTextReportCannotBeForged (issue 21, item 21): a recording's file name and a server's
// error text with newlines (and carriage returns) printed lines of their own in the text
// report, such as a fake PASS line; every such field is now escaped onto its result's line.
func TestTextReportCannotBeForged(t *testing.T) {
	const forged = "PASS operation-schema                GET /phoneNumbers/operations/x -> 200"
	dir := t.TempDir()
	name := "rec\n" + strings.ReplaceAll(forged, "/", "_") + "\r\n.json" // a file name holds no /
	body := `{"error":{"code":"X","message":"boom\n` + forged + `\r\n"}}`
	rec := `{"entries":[{"method":"GET","url":"http://h/phoneNumbers/operations/a?api-version=2022-12-01","requestHeaders":{},"status":500,"responseHeaders":{"Content-Type":["application/json"]},"responseBody":` + body + `},{"method":"GET","url":"http://h/phoneNumbers/operations/b?api-version=2022-12-01","requestHeaders":{},"status":200,"responseHeaders":{"Content-Type":["application/json"]},"responseBody":{"id":"b","operationType":"search","status":"running","createdDateTime":"x\n` + forged + `"}}]}`
	if err := os.WriteFile(filepath.Join(dir, name), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	exs, err := conformance.ReadRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	rep := v.CheckRecordings(context.Background(), dir, exs, nil)
	var out bytes.Buffer
	if err := rep.WriteText(&out, nil); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, `\nPASS operation-schema`) {
		t.Fatalf("the hostile fields are not in the report at all:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "PASS operation-schema ") {
			t.Errorf("a forged line:\n%s\nin the report:\n%s", line, text)
		}
	}
	if strings.Contains(text, "\r") {
		t.Errorf("a raw carriage return in the report: %q", text)
	}
}
