// Package client is the Go client for the Phone Numbers Get Operation API.
//
// The plain generated client lives in the generated subpackage; this package builds an
// Azure-grade client on top of it with azcore.
package client
