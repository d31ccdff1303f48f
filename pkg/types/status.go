package types

import "strings"

// Status values that api-version 2022-12-01 does not list but that other Azure long-running
// operations use. They are recognised so that a poller never waits forever on them.
const (
	// PhoneNumberOperationStatusCanceled is the American spelling of a canceled operation.
	PhoneNumberOperationStatusCanceled PhoneNumberOperationStatus = "canceled"
	// PhoneNumberOperationStatusCancelled is the British spelling of a canceled operation.
	PhoneNumberOperationStatusCancelled PhoneNumberOperationStatus = "cancelled"
)

// knownStatuses maps the lower-case form of every recognised status to its canonical spelling.
var knownStatuses = map[string]PhoneNumberOperationStatus{
	"notstarted": PhoneNumberOperationStatusNotStarted,
	"running":    PhoneNumberOperationStatusRunning,
	"succeeded":  PhoneNumberOperationStatusSucceeded,
	"failed":     PhoneNumberOperationStatusFailed,
	"canceled":   PhoneNumberOperationStatusCanceled,
	"cancelled":  PhoneNumberOperationStatusCancelled,
}

// ParsePhoneNumberOperationStatus returns the canonical spelling of s, ignoring case
// ("Succeeded" becomes [PhoneNumberOperationStatusSucceeded]). A value it does not
// recognise is returned unchanged: the enum is extensible, so unknown values are not errors.
func ParsePhoneNumberOperationStatus(s string) PhoneNumberOperationStatus {
	if known, ok := knownStatuses[strings.ToLower(s)]; ok {
		return known
	}
	return PhoneNumberOperationStatus(s)
}

// Normalize returns the canonical spelling of s; see [ParsePhoneNumberOperationStatus].
func (s PhoneNumberOperationStatus) Normalize() PhoneNumberOperationStatus {
	return ParsePhoneNumberOperationStatus(string(s))
}

// IsTerminal reports whether the operation has finished: succeeded, failed, or canceled
// (either spelling), in any letter case. notStarted, running and unknown values are not
// terminal; note that the live service can move from running back to notStarted.
func (s PhoneNumberOperationStatus) IsTerminal() bool {
	switch s.Normalize() {
	case PhoneNumberOperationStatusSucceeded, PhoneNumberOperationStatusFailed,
		PhoneNumberOperationStatusCanceled, PhoneNumberOperationStatusCancelled:
		return true
	}
	return false
}

// IsSucceeded reports whether s is "succeeded", in any letter case.
func (s PhoneNumberOperationStatus) IsSucceeded() bool {
	return s.Normalize() == PhoneNumberOperationStatusSucceeded
}

// IsFailed reports whether s is "failed", in any letter case.
func (s PhoneNumberOperationStatus) IsFailed() bool {
	return s.Normalize() == PhoneNumberOperationStatusFailed
}

// IsCanceled reports whether s is "canceled" or "cancelled", in any letter case.
func (s PhoneNumberOperationStatus) IsCanceled() bool {
	n := s.Normalize()
	return n == PhoneNumberOperationStatusCanceled || n == PhoneNumberOperationStatusCancelled
}

// knownTypes maps the lower-case form of every documented operation type to its canonical spelling.
var knownTypes = map[string]PhoneNumberOperationType{
	"purchase":                      PhoneNumberOperationTypePurchase,
	"releasephonenumber":            PhoneNumberOperationTypeReleasePhoneNumber,
	"search":                        PhoneNumberOperationTypeSearch,
	"updatephonenumbercapabilities": PhoneNumberOperationTypeUpdatePhoneNumberCapabilities,
}

// ParsePhoneNumberOperationType returns the canonical spelling of s, ignoring case
// ("Search" becomes [PhoneNumberOperationTypeSearch]). Unknown values, such as
// "reservationPurchase" from later api-versions, are returned unchanged.
func ParsePhoneNumberOperationType(s string) PhoneNumberOperationType {
	if known, ok := knownTypes[strings.ToLower(s)]; ok {
		return known
	}
	return PhoneNumberOperationType(s)
}

// Normalize returns the canonical spelling of t; see [ParsePhoneNumberOperationType].
func (t PhoneNumberOperationType) Normalize() PhoneNumberOperationType {
	return ParsePhoneNumberOperationType(string(t))
}
