package conformance

import "testing"

// TestPollNoteOfAFault (new-user trial): a faulted poll (a 503 without an operation) was
// noted "status )"; it says the HTTP status instead.
func TestPollNoteOfAFault(t *testing.T) {
	tests := []struct {
		ex   Exchange
		want string
	}{
		{Exchange{Status: 200, Body: []byte(`{"status":"running"}`)}, "poll 2, status running"},
		{Exchange{Status: 503, Body: []byte(`{"error":{"code":"ServiceUnavailable"}}`)}, "poll 2, HTTP 503"},
		{Exchange{Status: 0}, "poll 2, HTTP 0"},
	}
	for _, tc := range tests {
		if got := pollNote(2, &tc.ex); got != tc.want {
			t.Errorf("pollNote(%d %s) = %q, want %q", tc.ex.Status, tc.ex.Body, got, tc.want)
		}
	}
}
