package securetransport

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestCheckEndpoint: the endpoints a guarded client may be built for. One
// with a path is refused here, with its field, rather than call by call at
// the wire gate (which holds each request's path to its operation's); the
// refusal never quotes the URL, whose path or user part may carry a value.
func TestCheckEndpoint(t *testing.T) {
	tests := []struct {
		name         string
		base         *string
		disableHTTPS bool
		want         string // the ConfigError's field, "" for none
	}{
		{name: "none: the SDK's own endpoint", want: ""},
		{name: "https host", base: aws.String("https://personalize.us-east-1.amazonaws.com"), want: ""},
		{name: "https host and port, root path", base: aws.String("https://127.0.0.1:8443/"), want: ""},
		{name: "http", base: aws.String("http://personalize.us-east-1.amazonaws.com"), want: "BaseEndpoint"},
		{name: "https switched off", disableHTTPS: true, want: "EndpointOptions.DisableHTTPS"},
		{name: "credentials in the URL", base: aws.String("https://jane.doe%40example.com:pw@proxy.example"), want: "BaseEndpoint"},
		{name: "a proxy's prefix", base: aws.String("https://proxy.example/personalize"), want: "BaseEndpoint"},
		{name: "a path with a value", base: aws.String("https://proxy.example/jane.doe@example.com/"), want: "BaseEndpoint"},
		{name: "an operation's path", base: aws.String("https://proxy.example/recommendations"), want: "BaseEndpoint"},
		{name: "opaque", base: aws.String("https:proxy.example"), want: "BaseEndpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckEndpoint(tt.base, tt.disableHTTPS)
			got := ""
			var ce *guarderr.ConfigError
			if errors.As(err, &ce) {
				got = ce.Field
			} else if err != nil {
				t.Fatalf("CheckEndpoint = %v, want a *ConfigError or nil", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refused field (-want +got):\n%s", diff)
			}
			if err != nil && tt.base != nil {
				for _, part := range []string{"jane", "example.com", "proxy", "personalize.us-east-1"} {
					if strings.Contains(*tt.base, part) && strings.Contains(err.Error(), part) {
						t.Errorf("the refusal %q quotes the endpoint (%q)", err, part)
					}
				}
			}
		})
	}
}
