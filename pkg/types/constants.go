package types

// DefaultAPIVersion is the api-version this module implements and the spec describes; clients
// send it unless told otherwise.
const DefaultAPIVersion = "2022-12-01"

// DefaultEndpoint is the example endpoint the spec uses as its server variable default.
const DefaultEndpoint = "https://resourcename.communication.azure.com"

// OperationIDGetOperation is the spec's operationId of the Get Operation endpoint.
const OperationIDGetOperation = "PhoneNumbers_GetOperation"

// OperationIDCancelOperation is the spec's operationId of the Cancel Operation endpoint.
const OperationIDCancelOperation = "PhoneNumbers_CancelOperation"

// ExampleOperationID is the id of the operation in the spec's published example (Microsoft's
// "Get operation" example): the operation the reference server serves by default and the one
// conformance checks when no id is named.
const ExampleOperationID = "search-my-operation-id"

// MaxOperationIDLength is the longest operation id, in bytes, the reference server accepts
// (longer ones answer 400 InvalidParameter) and the longest for which conformance requires
// a plain 404 when the id is unknown (the service's own cap is not documented).
// openapi/control.yaml's ScriptedOperation.id states it as its maxLength; a test keeps the
// two equal.
const MaxOperationIDLength = 256
