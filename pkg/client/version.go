package client

// moduleName is reported in the User-Agent header by azcore's telemetry policy, with the
// module's version from the build (internal/buildinfo), e.g.
// "azsdk-go-phonenumbers/v0.4.1 (go1.26.8; linux)": the same version `phonenumbers
// --version` prints.
const moduleName = "phonenumbers"

// Scope is the Microsoft Entra ID scope for Communication Services data-plane tokens. The
// double slash is deliberate: it is how every official SDK writes it.
const Scope = "https://communication.azure.com//.default"
