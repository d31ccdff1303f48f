package mock

import (
	"fmt"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/pkg/server/mock/control"
)

// JournalQuery selects journaled requests, as GET /mock/journal's parameters do; the zero
// value selects every one.
type JournalQuery struct {
	// Operation is the operation id requested (GET or DELETE of its path).
	Operation string
	// Method is the HTTP method, any letter case.
	Method string
	// Status is the status the mock answered with; 0 means any status (see Dropped).
	Status int
	// Dropped selects the requests a fault dropped (reset, closed or truncated), which
	// the journal records with status 0: GET /mock/journal?status=0. Status is then
	// ignored.
	Dropped bool
	// Since selects requests received at or after it, by the mock's clock.
	Since time.Time
}

// Params is the query as the control client's GetJournal parameters.
func (q JournalQuery) Params() *control.GetJournalParams {
	var p control.GetJournalParams
	if q.Operation != "" {
		p.Operation = &q.Operation
	}
	if q.Method != "" {
		p.Method = &q.Method
	}
	switch {
	case q.Dropped:
		dropped := 0
		p.Status = &dropped
	case q.Status != 0:
		p.Status = &q.Status
	}
	if !q.Since.IsZero() {
		p.Since = &q.Since
	}
	return &p
}

// String describes the query for a message: "method GET, operation "purchase_1"".
func (q JournalQuery) String() string {
	var parts []string
	if q.Method != "" {
		parts = append(parts, "method "+textutil.Printable(textutil.Truncate(q.Method, 16), false))
	}
	if q.Operation != "" {
		parts = append(parts, "operation "+textutil.QuoteID(q.Operation))
	}
	switch {
	case q.Dropped:
		parts = append(parts, "status 0 (dropped)")
	case q.Status != 0:
		parts = append(parts, fmt.Sprintf("status %d", q.Status))
	}
	if !q.Since.IsZero() {
		parts = append(parts, "since "+q.Since.Format(time.RFC3339Nano))
	}
	if len(parts) == 0 {
		return "(any request)"
	}
	return strings.Join(parts, ", ")
}
