package main

import (
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/phonenumbers-go/phonenumbers/pkg/client"
)

// connectionFlags select the service and how to authenticate, for every command that calls it.
type connectionFlags struct {
	Endpoint         string `env:"PHONENUMBERS_ENDPOINT" help:"Resource URL, e.g. https://contoso.communication.azure.com. Takes precedence over a connection string."`
	AccessKey        string `env:"PHONENUMBERS_ACCESS_KEY" help:"Base64 access key for --endpoint (HMAC-SHA256). Without it, Entra ID (DefaultAzureCredential) is used."`
	ConnectionString string `env:"COMMUNICATION_SERVICES_CONNECTION_STRING" help:"endpoint=https://<resource>.communication.azure.com/;accesskey=<key>"`
	APIVersion       string `name:"api-version" default:"2022-12-01" env:"PHONENUMBERS_API_VERSION" help:"api-version to send."`
}

// errNoEndpoint is a usage error.
var errNoEndpoint = errors.New("no service given: pass --endpoint (with --access-key, or Entra ID via DefaultAzureCredential) or --connection-string, or set PHONENUMBERS_ENDPOINT or COMMUNICATION_SERVICES_CONNECTION_STRING")

// newClient builds the client the flags describe. Errors are usage errors (exit 2).
func (f *connectionFlags) newClient() (*client.Client, error) {
	opts := &client.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: f.APIVersion}}
	switch {
	case f.Endpoint != "" && f.AccessKey != "":
		return client.NewClientWithKeyCredential(f.Endpoint, azcore.NewKeyCredential(f.AccessKey), opts)
	case f.Endpoint != "":
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("no --access-key given and Entra ID is unavailable: %w", err)
		}
		return client.NewClient(f.Endpoint, cred, opts)
	case f.ConnectionString != "":
		return client.NewClientFromConnectionString(f.ConnectionString, opts)
	case f.AccessKey != "":
		return nil, errors.New("--access-key needs --endpoint")
	}
	return nil, errNoEndpoint
}
