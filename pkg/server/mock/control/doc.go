// Package control holds the mock's control API (/mock) as generated from
// openapi/control.yaml: its models (ScriptedOperation, the schema of an operation in a
// fixtures file and in the API's bodies; OperationState; Journal) and the echo strict
// server that package mock implements. Everything in control.gen.go is generated; do not
// edit it. Duration, the type of a timeline step's after, is hand-written beside it.
package control
