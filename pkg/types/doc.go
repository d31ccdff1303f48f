// Package types holds the data model of the Azure Communication Services Phone Numbers
// Get Operation API (api-version 2022-12-01), generated from openapi/phonenumbers.yaml.
//
// Everything in types.gen.go is generated from openapi/phonenumbers.yaml by oapi-codegen; do
// not edit it. The hand-written files beside it add small helpers:
//
//   - [PhoneNumberOperationStatus.IsTerminal] and friends, which compare case-insensitively
//     (traffic from 2021 used "Succeeded") and accept values this version does not list
//     (both enums are extensible: the live service later added "reservationPurchase").
//   - [CommunicationError] implements the error interface, so a service error can be
//     returned, wrapped and inspected with errors.As; its innererror is reachable through
//     errors.Unwrap.
//
// The package depends on nothing but the standard library, so that importing the client
// brings in no spec parser: the OpenAPI description itself is loaded by package
// [github.com/phonenumbers-go/phonenumbers/openapi].
//
// The wire format follows the live service: enums are plain strings, resourceLocation may
// be JSON null, and the inner error is spelled "innererror".
package types
