package personalizeruntime_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed18SignatureInQuery: a hook before the gate moves the signature,
// made for another Region, from the Authorization header into the query
// string (SigV4's other form, which AWS reads too) and sets the context's
// Region back. The gate refuses a URL whose query names SigV4's
// credential, signature or session token (securetransport.signedQuery,
// transport.https-only), before its signer check and the URL's scan, which
// refused it by chance before that rule.
func TestRed18SignatureInQuery(t *testing.T) {
	toQuery := func(s *middleware.Stack) error {
		return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:Query", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			req := in.Request.(*smithyhttp.Request)
			auth := req.Header.Get("Authorization")
			cred, _, _ := strings.Cut(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 Credential="), ",")
			q := url.Values{"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Credential": {cred}}
			if _, sig, ok := strings.Cut(auth, "Signature="); ok {
				q.Set("X-Amz-Signature", sig)
			}
			req.Header.Del("Authorization")
			req.URL.RawQuery = q.Encode()
			return next.HandleDeserialize(awsmiddleware.SetRegion(ctx, personalizetest.Region), in)
		}), personalizeruntime.IDWireGate, middleware.Before)
	}
	type outcome struct {
		Refused bool
		Sent    bool
	}
	for _, tt := range []struct {
		name, region string
		policy       personalizeruntime.Policy
		want         outcome
	}{
		{"the identity check", "eu-west-1", personalizeruntime.Policy{}, outcome{Refused: true}},
		{"no identity check", "eu-west-1", personalizeruntime.Policy{InsecureAllowRootCredentials: true}, outcome{Refused: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			client, err := personalizeruntime.New(s.Config(), tt.policy)
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, func(o *sdk.Options) {
				o.Region = tt.region
				o.APIOptions = append(o.APIOptions, toQuery)
			})
			var got outcome
			for _, r := range s.Requests() {
				got.Sent = got.Sent || r.Service == personalizetest.ServiceRuntime
			}
			var sg *guarderr.SafeguardError
			got.Refused = errors.As(err, &sg)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nerr: %v", diff, err)
			}
		})
	}
}
