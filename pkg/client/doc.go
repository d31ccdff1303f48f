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
// Tracing is azcore's too: set ClientOptions.TracingProvider (for example from
// azotel.NewTracingProvider) and every span carries az.namespace "Microsoft.Communication".
// [Client.GetOperation] produces a "Client.GetOperation" span (kind internal) with one
// "HTTP GET" span (kind client) per attempt under it; the HTTP span has azcore's
// http.method, http.url (query values other than api-version redacted), net.peer.name,
// http.user_agent, az.client_request_id, http.status_code and, when the service sends one,
// az.service_request_id attributes, and an error status for answers above 399. A poller
// produces "Poller[PhoneNumberOperation].PollUntilDone", ".Poll" and ".Result" spans, with
// the HTTP spans of its polls under them; a Poll or Result called from PollUntilDone is
// not traced separately, as azcore suppresses SDK spans nested in another one. A call
// that returns an error ends its span with an error status. Without a TracingProvider no
// span is created.
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
// Requests are made by the plain client generated from the spec, which is internal to this
// package (pkg/client/internal/generated), sent through the azcore pipeline.
package client
