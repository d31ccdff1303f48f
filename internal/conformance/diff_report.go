package conformance

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// DiffReport is what [Diff] measured: how much of the live service's recorded answers a
// server reproduces. Every list is bounded; what a bound leaves out is counted.
type DiffReport struct {
	// Target is the endpoint replayed against, without credentials.
	Target string `json:"target"`
	// Recordings names the recordings replayed (set by the caller; the CLI puts the path).
	Recordings string `json:"recordings,omitempty"`
	// Exchanges counts the exchanges read, replayed and answered.
	Exchanges DiffExchanges `json:"exchanges"`
	// Totals counts every item compared.
	Totals DiffTotals `json:"totals"`
	// Statuses has one row per recorded status code, in numeric order.
	Statuses []DiffStatusStat `json:"statuses"`
	// Headers has one row per response header name as recorded (names spelled two ways
	// are two rows), most recorded first; at most MaxDiffRows of them.
	Headers []DiffHeaderStat `json:"headers"`
	// OtherHeaders sums the headers past MaxDiffRows names (nil when none).
	OtherHeaders *DiffHeaderStat `json:"otherHeaders,omitempty"`
	// Fields has one row per top-level field of the recorded JSON object bodies, most
	// recorded first; at most MaxDiffRows of them.
	Fields []DiffFieldStat `json:"fields"`
	// OtherFields sums the fields past MaxDiffRows names (nil when none).
	OtherFields *DiffFieldStat `json:"otherFields,omitempty"`
	// FieldOrder counts the recorded JSON object bodies whose fields the server sent in
	// the recorded order (one item per such body).
	FieldOrder DiffItemStat `json:"fieldOrder"`
	// WholeBodies counts the recorded bodies that are not JSON objects (empty, text, a
	// list), compared whole, byte for byte.
	WholeBodies DiffItemStat `json:"wholeBodies"`
	// Extra lists the headers the server sent that the recorded answer did not have,
	// framing ones aside (not scored): at most MaxDiffExtra names, by count.
	Extra []DiffExtraHeader `json:"extra"`
	// ExtraUnlisted counts the extra headers past MaxDiffExtra names, once per name and
	// answer (the names themselves are not kept).
	ExtraUnlisted int `json:"extraUnlisted,omitempty"`
	// Mismatches are the first MaxDiffMismatches items not reproduced, in replay order.
	Mismatches []DiffMismatch `json:"mismatches"`
	// MismatchesUnlisted counts the items not reproduced past those.
	MismatchesUnlisted int `json:"mismatchesUnlisted,omitempty"`
	// Inexact are the first MaxDiffMismatches items reproduced but not byte for byte
	// (another Date, an unrecorded spelling): kept apart, so that the ones every answer
	// has do not hide what was not reproduced.
	Inexact []DiffMismatch `json:"inexact"`
	// InexactUnlisted counts the inexact items past those.
	InexactUnlisted int `json:"inexactUnlisted,omitempty"`
	// Errors are the first MaxDiffMismatches exchanges that got no answer, or no
	// readable body, and why.
	Errors []DiffError `json:"errors"`
	// ErrorsUnlisted counts the errors past those.
	ErrorsUnlisted int `json:"errorsUnlisted,omitempty"`
	// Duration is how long the replay took.
	Duration time.Duration `json:"durationNs"`
	// Error says why the replay did not run (the server never answered), for a report
	// written anyway, as a CI artifact; empty when it ran. See [DiffRunFailed].
	Error string `json:"error,omitempty"`

	headerIndex map[string]int
	fieldIndex  map[string]int
	statusIndex map[int]int
	extraIndex  map[string]int
}

// Bounds on a [DiffReport]'s lists.
const (
	// MaxDiffRows bounds the header rows and the field rows; the rest are summed in
	// OtherHeaders and OtherFields.
	MaxDiffRows = 200
	// MaxDiffExtra bounds the extra header names listed.
	MaxDiffExtra = 100
	// MaxDiffMismatches bounds the mismatches, the inexact items and the errors listed.
	MaxDiffMismatches = 200
	// maxDiffValue bounds a value quoted in a mismatch or a name in a row.
	maxDiffValue = 200
)

// DiffExchanges counts exchanges.
type DiffExchanges struct {
	// Recorded is how many exchanges the recordings hold.
	Recorded int `json:"recorded"`
	// Replayed is how many of them are operation requests (GET or DELETE on
	// /phoneNumbers/operations/{id}), the ones compared.
	Replayed int `json:"replayed"`
	// Answered is how many of those got an answer.
	Answered int `json:"answered"`
	// Failed is how many were sent and got no answer (a transport error, a timeout).
	Failed int `json:"failed"`
	// NotSent is how many were not sent: the run stopped after too many failures in a row.
	NotSent int `json:"notSent"`
}

// DiffTotals counts the items compared. An item is "reproduced" when the server's answer
// means what live's did (same status; a header present with the right format or value;
// a field with a JSON-equal value; fields in the recorded order; a whole body equal), and
// "exact" when it is also byte for byte live's (the header spelled as recorded with the
// same value bytes, the field's value written the same). An item whose recorded value is
// a recorder placeholder (REDACTED, sanitized) is reproduced when present but never
// exact: its value was never compared.
type DiffTotals struct {
	// Items is how many items were compared.
	Items int `json:"items"`
	// Reproduced is how many of them the server reproduced.
	Reproduced int `json:"reproduced"`
	// Exact is how many it reproduced byte for byte.
	Exact int `json:"exact"`
	// ReproducedShare is Reproduced/Items, a fraction (0 when there are no items).
	ReproducedShare float64 `json:"reproducedShare"`
	// ExactShare is Exact/Items, a fraction.
	ExactShare float64 `json:"exactShare"`
}

// DiffStatusStat counts the exchanges recorded with one status code.
type DiffStatusStat struct {
	// Status is the recorded status code.
	Status int `json:"status"`
	// Recorded is how many replayed exchanges were recorded with it.
	Recorded int `json:"recorded"`
	// Reproduced is how many of them the server answered with it.
	Reproduced int `json:"reproduced"`
}

// DiffHeaderStat counts one recorded response header across the exchanges.
type DiffHeaderStat struct {
	// Name is the header's name as recorded (escaped, cut at 200 bytes).
	Name string `json:"name"`
	// Recorded is how many recorded answers had it.
	Recorded int `json:"recorded"`
	// Present is how many answers had it, in any letter case.
	Present int `json:"present"`
	// Spelled is how many had it spelled byte for byte as recorded.
	Spelled int `json:"spelled"`
	// Format is how many had a value of the recorded format (Date, MS-CV, X-Azure-Ref,
	// X-Processing-Time, X-Ms-Request-Id, Request-Id) or the recorded value (the others).
	// Placeholder values are not counted here.
	Format int `json:"format"`
	// Placeholder is how many recorded values were recorder placeholders (REDACTED,
	// sanitized): unknown, so only presence and spelling were compared.
	Placeholder int `json:"placeholder"`
	// Reproduced is how many were present with the right format (or, for a placeholder,
	// present).
	Reproduced int `json:"reproduced"`
	// Exact is how many were reproduced, spelled as recorded and byte-equal in value;
	// never a placeholder (its value was not compared).
	Exact int `json:"exact"`
}

// DiffFieldStat counts one top-level field of the recorded JSON object bodies.
type DiffFieldStat struct {
	// Name is the field's name (escaped, cut at 200 bytes).
	Name string `json:"name"`
	// Recorded is how many recorded bodies had it.
	Recorded int `json:"recorded"`
	// Present is how many answers had it.
	Present int `json:"present"`
	// Placeholder is how many recorded values held a recorder placeholder: only presence
	// was compared.
	Placeholder int `json:"placeholder"`
	// Value is how many answers had a JSON-equal value (the item reproduced).
	Value int `json:"value"`
	// Exact is how many had the value written byte for byte as recorded (whitespace
	// between tokens aside); never a placeholder.
	Exact int `json:"exact"`
}

// DiffItemStat counts one kind of item.
type DiffItemStat struct {
	// Recorded is how many such items the replayed exchanges had.
	Recorded int `json:"recorded"`
	// Reproduced is how many the server reproduced (for these, also byte for byte).
	Reproduced int `json:"reproduced"`
}

// DiffExtraHeader is a header the server sent that live's recorded answer did not have.
type DiffExtraHeader struct {
	// Name is as the server first spelled it (escaped, cut at 200 bytes).
	Name string `json:"name"`
	// Count is how many answers had it.
	Count int `json:"count"`
}

// DiffMismatch is one item whose answer differed from the recorded one.
type DiffMismatch struct {
	// Source is the recorded exchange: file#entry.
	Source string `json:"source"`
	// Item names what was compared: "status", "header MS-CV", "body /createdDateTime",
	// "body field order" or "body".
	Item string `json:"item"`
	// Want is the recorded value (escaped, cut at 200 bytes).
	Want string `json:"want"`
	// Got is the server's value (escaped, cut at 200 bytes; empty when absent).
	Got string `json:"got"`
	// Reason says how they differ.
	Reason string `json:"reason"`
}

// DiffError is an exchange that got no answer, or no readable body.
type DiffError struct {
	// Source is the recorded exchange: file#entry.
	Source string `json:"source"`
	// Error says what happened (escaped, cut at 200 bytes).
	Error string `json:"error"`
}

// diffText escapes server or recording text for the report and cuts it.
func diffText(s string) string {
	return textutil.Printable(textutil.Truncate(s, maxDiffValue), false)
}

// addItems counts one exchange's items.
func (r *DiffReport) addItems(source string, items []diffItem) {
	for _, it := range items {
		r.Totals.Items++
		if it.reproduced {
			r.Totals.Reproduced++
		}
		if it.exact {
			r.Totals.Exact++
		}
		switch it.kind {
		case itemStatus:
			r.statusRow(it).Recorded++
			if it.reproduced {
				r.statusRow(it).Reproduced++
			}
		case itemHeader:
			r.countHeader(r.headerRow(it.name), it)
		case itemField:
			r.countField(r.fieldRow(it.name), it)
		case itemOrder:
			r.FieldOrder.Recorded++
			if it.reproduced {
				r.FieldOrder.Reproduced++
			}
		case itemBody:
			r.WholeBodies.Recorded++
			if it.reproduced {
				r.WholeBodies.Reproduced++
			}
		}
		// A placeholder's value was not compared: not exact, but listed only when
		// something else is wrong with it (a header spelled differently).
		if !it.exact && (!it.placeholder || !it.reproduced || it.reason != "") {
			r.addMismatch(source, it)
		}
	}
}

func (r *DiffReport) statusRow(it diffItem) *DiffStatusStat {
	code, _ := strconv.Atoi(it.name) // written by scoreStatus
	if r.statusIndex == nil {
		r.statusIndex = map[int]int{}
	}
	i, ok := r.statusIndex[code]
	if !ok { // at most 900 codes: a recorded status is 100 to 999
		i = len(r.Statuses)
		r.statusIndex[code] = i
		r.Statuses = append(r.Statuses, DiffStatusStat{Status: code})
	}
	return &r.Statuses[i]
}

// headerRow returns the row of a header name as recorded, or OtherHeaders past the bound.
func (r *DiffReport) headerRow(name string) *DiffHeaderStat {
	if r.headerIndex == nil {
		r.headerIndex = map[string]int{}
	}
	if i, ok := r.headerIndex[name]; ok {
		return &r.Headers[i]
	}
	if len(r.Headers) >= MaxDiffRows {
		if r.OtherHeaders == nil {
			r.OtherHeaders = &DiffHeaderStat{Name: "(other headers)"}
		}
		return r.OtherHeaders
	}
	r.headerIndex[name] = len(r.Headers)
	r.Headers = append(r.Headers, DiffHeaderStat{Name: diffText(name)})
	return &r.Headers[len(r.Headers)-1]
}

func (r *DiffReport) countHeader(row *DiffHeaderStat, it diffItem) {
	row.Recorded++
	count := func(n *int, b bool) {
		if b {
			*n++
		}
	}
	count(&row.Present, it.present)
	count(&row.Spelled, it.spelled)
	count(&row.Format, it.format)
	count(&row.Placeholder, it.placeholder)
	count(&row.Reproduced, it.reproduced)
	count(&row.Exact, it.exact)
}

// fieldRow returns the row of a body field, or OtherFields past the bound.
func (r *DiffReport) fieldRow(name string) *DiffFieldStat {
	if r.fieldIndex == nil {
		r.fieldIndex = map[string]int{}
	}
	if i, ok := r.fieldIndex[name]; ok {
		return &r.Fields[i]
	}
	if len(r.Fields) >= MaxDiffRows {
		if r.OtherFields == nil {
			r.OtherFields = &DiffFieldStat{Name: "(other fields)"}
		}
		return r.OtherFields
	}
	r.fieldIndex[name] = len(r.Fields)
	r.Fields = append(r.Fields, DiffFieldStat{Name: diffText(name)})
	return &r.Fields[len(r.Fields)-1]
}

func (r *DiffReport) countField(row *DiffFieldStat, it diffItem) {
	row.Recorded++
	if it.present {
		row.Present++
	}
	if it.placeholder {
		row.Placeholder++
	}
	if it.reproduced {
		row.Value++
	}
	if it.exact {
		row.Exact++
	}
}

// addMismatch lists an item that was not exact: with the mismatches when it was not
// reproduced, with the inexact items when it was.
func (r *DiffReport) addMismatch(source string, it diffItem) {
	item := it.name
	switch it.kind {
	case itemStatus:
		item = "status"
	case itemHeader:
		item = "header " + it.name
	case itemField:
		item = "body /" + strings.NewReplacer("~", "~0", "/", "~1").Replace(it.name)
	case itemOrder:
		item = "body field order"
	}
	m := DiffMismatch{Source: diffText(source), Item: diffText(item), Want: diffText(it.want), Got: diffText(it.got), Reason: diffText(it.reason)}
	list, unlisted := &r.Mismatches, &r.MismatchesUnlisted
	if it.reproduced {
		list, unlisted = &r.Inexact, &r.InexactUnlisted
	}
	if len(*list) >= MaxDiffMismatches {
		*unlisted++
		return
	}
	*list = append(*list, m)
}

// addError lists an exchange without an answer or a readable body.
func (r *DiffReport) addError(source string, err error) {
	if len(r.Errors) >= MaxDiffMismatches {
		r.ErrorsUnlisted++
		return
	}
	r.Errors = append(r.Errors, DiffError{Source: diffText(source), Error: diffText(err.Error())})
}

// addExtra counts the headers an answer had beyond the recorded ones (framing aside),
// once per name and answer.
func (r *DiffReport) addExtra(rec *Exchange, got *diffAnswer) {
	seen := map[string]bool{}
	names := got.names
	if !got.namesOK {
		names = make([]string, 0, len(got.header))
		for k := range got.header {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	for _, n := range names {
		key := http.CanonicalHeaderKey(n)
		if seen[key] || framingHeaders[key] || len(headerValues(rec.Header, key)) > 0 {
			continue
		}
		seen[key] = true
		if r.extraIndex == nil {
			r.extraIndex = map[string]int{}
		}
		if i, ok := r.extraIndex[key]; ok {
			r.Extra[i].Count++
			continue
		}
		if len(r.Extra) >= MaxDiffExtra { // the map stays as bounded as the list
			r.ExtraUnlisted++
			continue
		}
		r.extraIndex[key] = len(r.Extra)
		r.Extra = append(r.Extra, DiffExtraHeader{Name: diffText(n), Count: 1})
	}
}

// finish computes the shares and sorts the rows: statuses by code, headers and fields
// most recorded first (then by name), extra headers most sent first.
func (r *DiffReport) finish() {
	if r.Totals.Items > 0 {
		r.Totals.ReproducedShare = float64(r.Totals.Reproduced) / float64(r.Totals.Items)
		r.Totals.ExactShare = float64(r.Totals.Exact) / float64(r.Totals.Items)
	}
	sort.Slice(r.Statuses, func(i, j int) bool { return r.Statuses[i].Status < r.Statuses[j].Status })
	sort.SliceStable(r.Headers, func(i, j int) bool {
		a, b := r.Headers[i], r.Headers[j]
		return a.Recorded > b.Recorded || a.Recorded == b.Recorded && a.Name < b.Name
	})
	sort.SliceStable(r.Fields, func(i, j int) bool {
		a, b := r.Fields[i], r.Fields[j]
		return a.Recorded > b.Recorded || a.Recorded == b.Recorded && a.Name < b.Name
	})
	sort.SliceStable(r.Extra, func(i, j int) bool {
		a, b := r.Extra[i], r.Extra[j]
		return a.Count > b.Count || a.Count == b.Count && a.Name < b.Name
	})
	r.headerIndex, r.fieldIndex, r.statusIndex, r.extraIndex = nil, nil, nil, nil
	if r.Statuses == nil {
		r.Statuses = []DiffStatusStat{}
	}
	if r.Headers == nil {
		r.Headers = []DiffHeaderStat{}
	}
	if r.Fields == nil {
		r.Fields = []DiffFieldStat{}
	}
	if r.Extra == nil {
		r.Extra = []DiffExtraHeader{}
	}
	if r.Mismatches == nil {
		r.Mismatches = []DiffMismatch{}
	}
	if r.Inexact == nil {
		r.Inexact = []DiffMismatch{}
	}
	if r.Errors == nil {
		r.Errors = []DiffError{}
	}
}

// DiffRunFailed is the report of a replay that could not run against target (the server
// never answered), so that the files a CI job keeps say why rather than being missing.
func DiffRunFailed(target string, err error) *DiffReport {
	return &DiffReport{Target: target, Error: oneLine(textutil.Truncate(err.Error(), 1024))}
}
