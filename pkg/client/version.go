package client

// Module name and version reported in the User-Agent header by azcore's telemetry policy,
// e.g. "azsdk-go-phonenumbers/v0.1.0 (go1.26.8; linux)".
const (
	moduleName    = "phonenumbers"
	moduleVersion = "v0.1.0"
)

// Scope is the Microsoft Entra ID scope for Communication Services data-plane tokens. The
// double slash is deliberate: it is how every official SDK writes it.
const Scope = "https://communication.azure.com//.default"
