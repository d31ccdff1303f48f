package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/phonenumbers-go/phonenumbers/pkg/types"
)

// OperationResponse answers PhoneNumbers_GetOperation with 200 the way the live service
// does: Content-Type "application/json; charset=utf-8", properties in the live order,
// date-times as the service writes them ("2023-07-14T19:48:16.3397741+00:00"), an explicit
// "resourceLocation": null when there is no result, "lastActionDateTime" always (the
// service sends "0001-01-01T00:00:00+00:00"), and a Location header (exposed to browsers)
// exactly when resourceLocation is non-null, equal to it.
//
// It implements [PhoneNumbersGetOperationResponseObject], so custom StrictServerInterface
// implementations can return it too.
type OperationResponse struct {
	// Operation is the operation to send.
	Operation types.PhoneNumberOperation

	order2021 bool // the property order of 2021's answers (api-version 2021-03-07)
}

// EncodedOperationResponse is [OperationResponse] for an operation encoded beforehand by
// [EncodeOperation] (see [EncodedOperationStore]): the same headers, the given bytes.
type EncodedOperationResponse EncodedOperation

// wireOperation fixes the property order and null handling of the live service.
type wireOperation struct {
	OperationType      types.PhoneNumberOperationType   `json:"operationType"`
	Status             types.PhoneNumberOperationStatus `json:"status"`
	ResourceLocation   *string                          `json:"resourceLocation"`
	CreatedDateTime    liveTime                         `json:"createdDateTime"`
	ID                 string                           `json:"id"`
	LastActionDateTime liveTime                         `json:"lastActionDateTime"`
	Error              *types.CommunicationError        `json:"error,omitempty"`
}

// wireOperation2021 is wireOperation in the order of 2021's answers.
type wireOperation2021 struct {
	Status             types.PhoneNumberOperationStatus `json:"status"`
	ResourceLocation   *string                          `json:"resourceLocation"`
	CreatedDateTime    liveTime                         `json:"createdDateTime"`
	ID                 string                           `json:"id"`
	OperationType      types.PhoneNumberOperationType   `json:"operationType"`
	LastActionDateTime liveTime                         `json:"lastActionDateTime"`
	Error              *types.CommunicationError        `json:"error,omitempty"`
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// VisitPhoneNumbersGetOperationResponse writes the response.
func (r OperationResponse) VisitPhoneNumbersGetOperationResponse(w http.ResponseWriter) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := encodeOperationTo(buf, r.Operation, r.order2021); err != nil {
		return err
	}
	return writeOperation(w, buf.Bytes(), r.Operation.ResourceLocation, nil)
}

// VisitPhoneNumbersGetOperationResponse writes the response.
func (r EncodedOperationResponse) VisitPhoneNumbersGetOperationResponse(w http.ResponseWriter) error {
	if r.Delay > 0 {
		addProcessingTime(w.Header(), r.Delay)
	}
	return writeOperation(w, r.Body, r.Location, r.Header)
}

// addProcessingTime adds d to the X-Processing-Time the chain set when the request
// arrived: a delayed answer (a scripted fault) took that much longer.
func addProcessingTime(h http.Header, d time.Duration) {
	ms := int64(0)
	if v := h[HeaderProcessingTime]; len(v) > 0 {
		ms, _ = strconv.ParseInt(strings.TrimSuffix(v[0], "ms"), 10, 64)
	}
	h[HeaderProcessingTime] = []string{strconv.FormatInt(ms+d.Milliseconds(), 10) + "ms"}
}

var (
	jsonUTF8       = []string{"application/json; charset=utf-8"}
	exposeLocation = []string{"Location"}
)

// writeOperation sends a 200 with body and, when location is set, the Location header
// (and Access-Control-Expose-Headers naming it, as the live service sends); extra headers
// replace the server's own of the same name.
func writeOperation(w http.ResponseWriter, body []byte, location *string, extra http.Header) error {
	h := w.Header()
	h["Content-Type"] = jsonUTF8
	if location != nil {
		h["Location"] = []string{*location}
		h["Access-Control-Expose-Headers"] = exposeLocation
	}
	for name, values := range extra {
		replaceHeader(h, name, values)
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// replaceHeader sets name (spelled as given) to values, removing the header under any
// other spelling: the server's own headers are keyed as the live service spells them,
// which is not always net/http's canonical form.
func replaceHeader(h http.Header, name string, values []string) {
	for k := range h {
		if k != name && strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
	h[name] = values
}

// liveLayout is how the live service writes date-times (.NET's DateTimeOffset "o" with
// trailing fractional zeros dropped): always an offset, "+00:00", never "Z".
const liveLayout = "2006-01-02T15:04:05.9999999-07:00"

// liveTime is a date-time encoded in liveLayout, in UTC.
type liveTime time.Time

// MarshalJSON writes t as the live service does.
func (t liveTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(liveLayout)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, liveLayout)
	return append(b, '"'), nil
}

// lastAction is the lastActionDateTime sent: the service always sends one (0001-01-01 when
// it has none, which is always).
func lastAction(t *time.Time) liveTime {
	if t == nil {
		return liveTime{}
	}
	return liveTime(*t)
}

// encodeOperationTo writes op in the live service's shape (2021's order when order2021).
func encodeOperationTo(buf *bytes.Buffer, op types.PhoneNumberOperation, order2021 bool) error {
	if order2021 {
		return json.NewEncoder(buf).Encode(wireOperation2021{
			Status: op.Status, ResourceLocation: op.ResourceLocation, CreatedDateTime: liveTime(op.CreatedDateTime),
			ID: op.ID, OperationType: op.OperationType, LastActionDateTime: lastAction(op.LastActionDateTime), Error: op.Error,
		})
	}
	return json.NewEncoder(buf).Encode(wireOperation{
		OperationType: op.OperationType, Status: op.Status, ResourceLocation: op.ResourceLocation,
		CreatedDateTime: liveTime(op.CreatedDateTime), ID: op.ID, LastActionDateTime: lastAction(op.LastActionDateTime), Error: op.Error,
	})
}

// EncodeOperation returns op encoded as [OperationResponse] sends it: the live service's
// property order and date-time format, "resourceLocation": null when unset, a trailing
// newline.
func EncodeOperation(op types.PhoneNumberOperation) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeOperationTo(&buf, op, false); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// errorResponse answers PhoneNumbers_GetOperation with a CommunicationErrorResponse.
func errorResponse(e *APIError) PhoneNumbersGetOperationdefaultJSONResponse {
	return PhoneNumbersGetOperationdefaultJSONResponse{
		StatusCode: e.Status,
		Body:       types.CommunicationErrorResponse{Error: e.Body},
	}
}

// order2021Keys is the property order of 2021's answers.
var order2021Keys = []string{"status", "resourceLocation", "createdDateTime", "id", "operationType", "lastActionDateTime"}

// reorder returns the JSON object body with the keys in order first, then the others in
// their order, each value's bytes unchanged; body as it is when it is not an object.
func reorder(body []byte, order []string) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return body
	}
	var keys []string
	values := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		var v json.RawMessage
		if err != nil || !ok || dec.Decode(&v) != nil {
			return body
		}
		keys = append(keys, key)
		values[key] = v
	}
	var out bytes.Buffer
	out.WriteByte('{')
	write := func(k string) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(values[k])
		delete(values, k)
	}
	for _, k := range order {
		if _, ok := values[k]; ok {
			write(k)
		}
	}
	for _, k := range keys {
		if _, ok := values[k]; ok {
			write(k)
		}
	}
	out.WriteString("}\n")
	return out.Bytes()
}
