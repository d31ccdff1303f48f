package hmacauth

import (
	"net/http"
	"strings"
	"time"
)

// parseHTTPDate accepts every date form HTTP/1.1 allows.
func parseHTTPDate(s string) (time.Time, error) {
	return http.ParseTime(s)
}

// parseIMFFixdate parses the one form every SDK sends, "Thu, 01 Dec 2022 10:20:30 GMT",
// without time.Parse's general machinery (the profile of signed requests showed it).
// Anything else, including a weekday that does not match the date, is left to
// time.Parse and http.ParseTime (ok false).
func parseIMFFixdate(s string) (time.Time, bool) {
	if len(s) != len("Mon, 02 Jan 2006 15:04:05 GMT") || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
		s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25:] != " GMT" {
		return time.Time{}, false
	}
	month := strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", s[8:11])
	day, ok1 := digits(s[5:7])
	year, ok2 := digits(s[12:16])
	hour, ok3 := digits(s[17:19])
	minute, ok4 := digits(s[20:22])
	sec, ok5 := digits(s[23:25])
	if month < 0 || month%3 != 0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month/3+1), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day || t.Weekday().String()[:3] != s[:3] { // 31 Feb, or a wrong weekday
		return time.Time{}, false
	}
	return t, true
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
