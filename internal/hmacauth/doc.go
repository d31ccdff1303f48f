// Package hmacauth implements the HMAC-SHA256 access-key scheme of Azure Communication
// Services, shared by the client's signing policy and the server's verifier so that both
// sides compute the string to sign in exactly one place.
//
// The string to sign is
//
//	VERB + "\n" + path-and-query + "\n" + x-ms-date + ";" + host + ";" + x-ms-content-sha256
//
// and the signature is base64(HMAC-SHA256(base64-decoded access key, string to sign)). It is
// sent as
//
//	Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<signature>
//
// Older SDKs signed the Date header instead of x-ms-date (SignedHeaders=date;host;...);
// [Verifier] accepts both forms.
package hmacauth
