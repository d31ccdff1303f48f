package conformance

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
)

// violationsOf flattens a kin-openapi validation error into short violations: a JSON
// pointer, what was expected and what came. Schemas are never dumped.
func violationsOf(err error) []Violation {
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []Violation
		for _, e := range me {
			out = append(out, violationsOf(e)...)
		}
		return out
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		if inner := violationsOf(re.Err); len(inner) > 0 && hasSchemaError(re.Err) {
			return inner
		}
		msg := re.Reason
		if re.Err != nil {
			msg = strings.TrimSpace(msg + ": " + textutil.FirstLine(re.Err.Error()))
		}
		return []Violation{{Path: pathOfResponseReason(re.Reason), Message: msg}}
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []Violation{{Path: "/" + strings.Join(se.JSONPointer(), "/"), Message: se.Reason + "; got " + compact(se.Value)}}
	}
	var rqe *openapi3filter.RequestError
	if errors.As(err, &rqe) {
		path := ""
		if rqe.Parameter != nil {
			path = rqe.Parameter.In + " " + rqe.Parameter.Name
		}
		return []Violation{{Path: path, Message: textutil.FirstLine(rqe.Error())}}
	}
	return []Violation{{Message: textutil.FirstLine(err.Error())}}
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// pathOfResponseReason points header failures at the header.
func pathOfResponseReason(reason string) string {
	if _, rest, ok := strings.Cut(reason, "response header "); ok {
		name, _, _ := strings.Cut(rest, " ")
		return "header " + name
	}
	return ""
}

// compact renders a value in at most 80 characters.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	s := string(b)
	if len(s) > 80 { // room for the ellipsis
		s = textutil.Truncate(s, 77)
	}
	return s
}
