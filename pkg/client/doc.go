// Package client is an Azure-grade Go client for the Azure Communication Services Phone
// Numbers Get Operation API (api-version 2022-12-01), built on azcore.
//
// Create a [Client] with one of three constructors, all returning the same type:
//
//   - [NewClient]: Microsoft Entra ID, with any azcore.TokenCredential (for example
//     azidentity.NewDefaultAzureCredential); tokens are requested for the scope
//     https://communication.azure.com//.default.
//   - [NewClientWithKeyCredential]: an access key, sent as an HMAC-SHA256 signature that is
//     recomputed, with a fresh x-ms-date, for every attempt.
//   - [NewClientFromConnectionString]: "endpoint=https://<resource>.communication.azure.com/;accesskey=<key>".
//
// Requests go through an azcore pipeline, so retries (429, 5xx and transport errors, with
// Retry-After honoured), logging (with secrets redacted), telemetry (User-Agent) and
// per-call or per-retry policies are configured with the embedded azcore.ClientOptions,
// exactly as for every other Azure SDK for Go client.
//
// [Client.GetOperation] fetches one operation. Any answer other than 200 is returned as an
// *azcore.ResponseError; [AsCommunicationError] recovers the full service error (target,
// details, innererror) from it.
//
// [Client.NewOperationPoller] waits for an operation: it is an azcore runtime.Poller with a
// polling handler that understands this API (terminal states, failed operations,
// non-monotonic status, relative Operation-Location URLs) and can be resumed from a
// resume token or rebuilt from the operation id alone.
//
// The plain generated HTTP client lives in the generated subpackage; this package sends it
// through the pipeline.
package client
