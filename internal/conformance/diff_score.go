package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/phonenumbers-go/phonenumbers/internal/bounded"
)

// diffAnswer is what the server answered to one replayed request.
type diffAnswer struct {
	status int
	header http.Header
	// names are the header names as the server spelled them, in order; namesOK is false
	// when the head could not be captured (then no spelling is "as recorded").
	names   []string
	namesOK bool
	body    []byte
	// bodyErr is set when the body could not be read whole (over the limit, cut off).
	bodyErr error
}

// itemKind says what an item of the diff compares.
type itemKind int

const (
	itemStatus itemKind = iota
	itemHeader
	itemField
	itemOrder
	itemBody
)

// diffItem is one compared item of one exchange.
type diffItem struct {
	kind itemKind
	// name is the header name as recorded, or the body field's name.
	name              string
	reproduced, exact bool
	// Header items: what was observed, for the per-header counts.
	present, spelled, format, placeholder bool
	// want, got and reason describe a mismatch (set when !exact).
	want, got, reason string
}

// framingHeaders are the recorded headers not compared: they describe the connection
// and the message's framing, which depend on the client and the transport, not on what
// the service answers.
var framingHeaders = map[string]bool{"Transfer-Encoding": true, "Content-Length": true, "Connection": true, "Keep-Alive": true}

// valueFormat is how a volatile header's value is held: its format, not its value, which
// changes with every answer.
type valueFormat struct {
	what  string
	match func(string) bool
}

var (
	msCVPattern           = regexp.MustCompile(`^[A-Za-z0-9+/]{22}\.[0-9]+$`)
	base64TextPattern     = regexp.MustCompile(`^[A-Za-z0-9+/]+={0,2}$`)
	processingTimePattern = regexp.MustCompile(`^[0-9]+ms$`)
	guidPattern           = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// volatileHeaders are the headers whose recorded value is held by its format (canonical
// names). Every other header is held by its value.
var volatileHeaders = map[string]valueFormat{
	"Date":              {"an RFC 1123 date in GMT", isHTTPDate},
	"Ms-Cv":             {"22 base64 characters, a dot and digits", msCVPattern.MatchString},
	"X-Azure-Ref":       {"base64 text", base64TextPattern.MatchString},
	"X-Processing-Time": {`digits and "ms"`, processingTimePattern.MatchString},
	"X-Ms-Request-Id":   {"a GUID", guidPattern.MatchString},
	"Request-Id":        {"a GUID", guidPattern.MatchString},
}

// isHTTPDate reports an IMF-fixdate (RFC 1123 in GMT), written as Go writes it back.
func isHTTPDate(s string) bool {
	t, err := time.Parse(http.TimeFormat, s)
	return err == nil && t.Format(http.TimeFormat) == s
}

// scoreStatus compares the status code.
func scoreStatus(rec *Exchange, got *diffAnswer) diffItem {
	it := diffItem{kind: itemStatus, name: fmt.Sprint(rec.Status), want: fmt.Sprint(rec.Status)}
	switch {
	case got == nil:
		it.got, it.reason = "", "no answer"
	case got.status == rec.Status:
		it.reproduced, it.exact = true, true
	default:
		it.got, it.reason = fmt.Sprint(got.status), "another status"
	}
	return it
}

// recordedHeaderNames returns the exchange's compared response headers as canonical
// name and name as recorded, sorted by the recorded name.
func recordedHeaderNames(rec *Exchange) [][2]string {
	var out [][2]string
	for key := range rec.Header {
		if framingHeaders[key] {
			continue
		}
		name := rec.HeaderNames[key]
		if name == "" {
			name = key
		}
		out = append(out, [2]string{key, name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1] < out[j][1] })
	return out
}

// headerValues returns the values of the header named key in any letter case.
func headerValues(h http.Header, key string) []string {
	if vs, ok := h[key]; ok {
		return vs
	}
	for k, vs := range h {
		if strings.EqualFold(k, key) {
			return vs
		}
	}
	return nil
}

// scoreHeaders compares every recorded response header but the framing ones.
func scoreHeaders(rec *Exchange, got *diffAnswer) []diffItem {
	var out []diffItem
	for _, kn := range recordedHeaderNames(rec) {
		out = append(out, scoreHeader(kn[0], kn[1], rec.Header[kn[0]], got))
	}
	return out
}

// scoreHeader compares one recorded header: present in any case; spelled as recorded;
// its value's format (volatile headers) or value (the others); exact when also spelled
// and byte-equal. A recorded placeholder leaves only presence and spelling to compare:
// reproduced when present, never exact (its value was never compared).
func scoreHeader(key, name string, want []string, got *diffAnswer) diffItem {
	it := diffItem{kind: itemHeader, name: name, want: name + ": " + strings.Join(want, ", ")}
	joined := strings.Join(want, ", ")
	it.placeholder = isPlaceholder(joined)
	if got == nil {
		it.reason = "no answer"
		return it
	}
	values := headerValues(got.header, key)
	it.present = len(values) > 0
	spelling := ""
	for _, n := range got.names {
		if strings.EqualFold(n, name) {
			if spelling == "" {
				spelling = n
			}
			if n == name {
				it.spelled, spelling = true, n
				break
			}
		}
	}
	if !got.namesOK {
		spelling = key + " (spelling not captured)"
	}
	if !it.present {
		it.reason = "absent"
		return it
	}
	gotJoined := strings.Join(values, ", ")
	it.got = spelling + ": " + gotJoined
	equal := joined == gotJoined
	format, volatile := volatileHeaders[key]
	switch {
	case it.placeholder:
		it.reproduced = true
		if !it.spelled {
			it.reason = "spelled differently (the recorded value is a placeholder)"
		}
		return it
	case volatile && allMatch(want, format.match):
		it.format = allMatch(values, format.match)
		if !it.format {
			it.reason = "not " + format.what
			return it
		}
	default:
		it.format = equal
		if !it.format {
			it.reason = "another value"
			return it
		}
	}
	it.reproduced = true
	it.exact = it.spelled && equal
	switch {
	case !it.spelled && !equal:
		it.reason = "spelled differently, another value of the right format"
	case !it.spelled:
		it.reason = "spelled differently"
	case !equal:
		it.reason = "another value of the right format"
	}
	return it
}

// allMatch reports whether every value matches, and there is one.
func allMatch(values []string, match func(string) bool) bool {
	for _, v := range values {
		if !match(v) {
			return false
		}
	}
	return len(values) > 0
}

// jsonObject is a JSON object's members in document order (a repeated key keeps its
// first place and its last value, as encoding/json reads it).
type jsonObject struct {
	keys   []string
	values map[string]json.RawMessage
}

// errNotObject says a body is not one JSON object.
var errNotObject = errors.New("not a JSON object")

// parseObject reads body as one JSON object within bodyLimits; input names it in errors.
func parseObject(ctx context.Context, input string, body []byte) (*jsonObject, error) {
	if err := bounded.CheckJSON(ctx, input, body, bodyLimits); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotObject
	}
	obj := &jsonObject{values: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errNotObject
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errNotObject
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errNotObject
		}
		if _, seen := obj.values[key]; !seen {
			obj.keys = append(obj.keys, key)
		}
		obj.values[key] = raw
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotObject
	}
	return obj, nil
}

// compactJSON is a JSON value without the whitespace between its tokens: its bytes as
// far as a value has bytes (string escapes, number spelling and key order kept).
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// jsonEqual reports whether two JSON values mean the same: numbers compared as float64,
// and two strings that are RFC 3339 date-times of the same instant equal however written
// ("2023-07-14T19:48:16.3397741+00:00" and "2023-07-14T19:48:16.3397741Z").
func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return sameJSON(x, y)
}

// sameJSON compares decoded JSON values as jsonEqual does. Its recursion is bounded by
// the depth bodyLimits allows.
func sameJSON(x, y any) bool {
	switch xv := x.(type) {
	case string:
		yv, ok := y.(string)
		if !ok {
			return false
		}
		if xv == yv {
			return true
		}
		tx, err1 := time.Parse(time.RFC3339Nano, xv)
		ty, err2 := time.Parse(time.RFC3339Nano, yv)
		return err1 == nil && err2 == nil && tx.Equal(ty)
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok || len(xv) != len(yv) {
			return false
		}
		for k, v := range xv {
			w, ok := yv[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return false
		}
		for i := range xv {
			if !sameJSON(xv[i], yv[i]) {
				return false
			}
		}
		return true
	default: // float64, bool, nil
		return x == y
	}
}

// scoreBody compares the body: a recorded JSON object field by field plus the order of
// its fields; anything else as a whole, byte for byte.
func scoreBody(ctx context.Context, rec *Exchange, got *diffAnswer) []diffItem {
	want, err := parseObject(ctx, "the recorded body", rec.Body)
	if err != nil {
		return []diffItem{scoreWholeBody(rec, got)}
	}
	var gotObj *jsonObject
	reason := "no answer"
	if got != nil {
		switch {
		case got.bodyErr != nil:
			reason = "the body could not be read: " + got.bodyErr.Error()
		default:
			if gotObj, err = parseObject(ctx, "the answer's body", got.body); err != nil {
				reason = "the body is " + err.Error()
				if errors.Is(err, errNotObject) {
					reason = "the body is not a JSON object"
				}
			}
		}
	}
	out := make([]diffItem, 0, len(want.keys)+1)
	for _, key := range want.keys {
		rv := want.values[key]
		it := diffItem{kind: itemField, name: key, want: compactJSON(rv), placeholder: isPlaceholder(string(rv))}
		if gotObj == nil {
			it.reason = reason
			out = append(out, it)
			continue
		}
		gv, ok := gotObj.values[key]
		switch {
		case !ok:
			it.reason = "absent"
		case it.placeholder: // reproduced by presence; never exact: the value is unknown
			it.got = compactJSON(gv)
			it.present, it.reproduced = true, true
		default:
			it.got = compactJSON(gv)
			it.present = true
			it.reproduced = jsonEqual(rv, gv)
			it.exact = it.reproduced && it.want == it.got
			switch {
			case !it.reproduced:
				it.reason = "another value"
			case !it.exact:
				it.reason = "the same value, written differently"
			}
		}
		out = append(out, it)
	}
	order := diffItem{kind: itemOrder, name: "field order", want: strings.Join(want.keys, ",")}
	if gotObj == nil {
		order.reason = reason
	} else {
		w, g := commonOrder(want.keys, gotObj), commonOrder(gotObj.keys, want)
		order.got = strings.Join(gotObj.keys, ",")
		switch {
		case len(want.keys) > 0 && len(w) == 0:
			order.reason = "none of the recorded fields was sent"
		case !reflect.DeepEqual(w, g):
			order.reason = "the fields come in another order"
		default:
			order.reproduced, order.exact = true, true
		}
	}
	return append(out, order)
}

// commonOrder returns keys without those other lacks.
func commonOrder(keys []string, other *jsonObject) []string {
	out := []string{}
	for _, k := range keys {
		if _, ok := other.values[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// scoreWholeBody compares a body that is not a JSON object byte for byte.
func scoreWholeBody(rec *Exchange, got *diffAnswer) diffItem {
	it := diffItem{kind: itemBody, name: "body", want: string(rec.Body)}
	switch {
	case got == nil:
		it.reason = "no answer"
	case got.bodyErr != nil:
		it.reason = "the body could not be read: " + got.bodyErr.Error()
	default:
		it.got = string(got.body)
		it.reproduced = bytes.Equal(rec.Body, got.body)
		it.exact = it.reproduced
		if !it.reproduced {
			it.reason = "another body"
		}
	}
	return it
}
