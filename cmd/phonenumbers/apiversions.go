package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/phonenumbers-go/phonenumbers/internal/textutil"
	"github.com/phonenumbers-go/phonenumbers/openapi"
)

// apiVersionShape is what an Azure api-version looks like: a date, optionally with a
// suffix such as -preview or -preview2.
var apiVersionShape = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z][a-z0-9]*)?$`)

// checkAPIVersions refuses --api-versions values that are not api-versions (2022-12-1) or
// are one edit from a known one (2022-12-02 for 2022-12-01): every client would get 400
// while the server looked healthy. A well-formed version without a known contract is
// allowed; serve warns about it at start-up.
func checkAPIVersions(versions []string) error {
	known := openapi.KnownVersions()
	for _, v := range versions {
		if slices.Contains(known, v) {
			continue
		}
		near, hint := textutil.Suggest(v, known), ""
		if near != "" {
			hint = fmt.Sprintf("; did you mean %s?", near)
		}
		if !apiVersionShape.MatchString(v) {
			return fmt.Errorf("--api-versions: %q is not an api-version (want YYYY-MM-DD, optionally with -preview...)%s", textutil.Truncate(v, 64), hint)
		}
		if near != "" && editDistanceOne(v, near) {
			return fmt.Errorf("--api-versions: %s has no known contract%s (a version the service really has, such as a preview, is served as 2022-12-01's: give it exactly; the known ones: %s)",
				v, hint, strings.Join(known, ", "))
		}
	}
	return nil
}

// editDistanceOne reports whether a and b differ by one edit, case aside.
func editDistanceOne(a, b string) bool {
	return textutil.EditDistance(strings.ToLower(a), strings.ToLower(b)) == 1
}
