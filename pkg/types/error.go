package types

import "strings"

// Error formats the error as "code: message (target)"; the target is left out when absent.
// It makes *CommunicationError usable as a Go error.
func (e *CommunicationError) Error() string {
	if e == nil {
		return "<nil CommunicationError>"
	}
	var b strings.Builder
	b.Grow(len(e.Code) + len(e.Message) + 16)
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Target != nil && *e.Target != "" {
		b.WriteString(" (")
		b.WriteString(*e.Target)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the inner error, so errors.As and errors.Is walk down the innererror chain.
func (e *CommunicationError) Unwrap() error {
	if e == nil || e.Innererror == nil {
		return nil // never a typed nil inside a non-nil interface
	}
	return e.Innererror
}
