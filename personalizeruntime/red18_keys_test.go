package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed18MemberNamesAroundNextKeyIn: the member names NextKeyIn's fast
// path compares where they stand, written by a hook in the forms it leaves
// to Next: white space before a name or its colon, a name in another case,
// one byte short or long, a repeat after white space, a name long enough
// for the string comparison (metadataColumns, 15 bytes, in words) at the
// end of a body. Each is held to the rules a plain body is.
func TestRed18MemberNamesAroundNextKeyIn(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	arn := `"campaignArn":"` + c.CampaignARN + `"`
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	const (
		sensitive = "sensitive.email"
		unchecked = "transport.body-unchecked"
		unknown   = "model.unknown-member"
	)
	tests := []struct {
		name, body  string
		field, rule string // "" when sent
	}{
		{"white space before the name", `{ ` + arn + `, "userId":"` + email + `"}`, "UserId", sensitive},
		{"white space before the colon", `{` + arn + `,"userId" :"` + email + `"}`, "UserId", sensitive},
		{"a tab and a newline around the name", "{\t" + arn + ",\n\"userId\"\t:\n\"" + email + "\"}", "UserId", sensitive},
		{"a repeat after white space", `{` + arn + `,"userId":"u1" , "userId":"` + email + `"}`, "", unchecked},
		{"a repeat after white space before its colon", `{` + arn + `,"userId":"u1","userId" :"u2"}`, "", unchecked},
		{"the name in another case", `{` + arn + `,"UserId":"` + email + `"}`, "(unknown member)", unknown},
		{"the name a byte short", `{` + arn + `,"userI":"u1"}`, "(unknown member)", unknown},
		{"the name a byte long", `{` + arn + `,"userIdd":"u1"}`, "(unknown member)", unknown},
		{"a 15-byte name with an escape for its last byte", `{` + arn + `,"userId":"u1","metadataColumn\u0073":{"a":["` + email + `"]}}`, "MetadataColumns.Value[0]", sensitive},
		{"a 15-byte name, a byte in its middle changed", `{` + arn + `,"userId":"u1","metadataCXlumns":{}}`, "(unknown member)", unknown},
		{"white space, clean", "{ " + arn + " , \"userId\" : \"u1\" }", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(dataplanetest.APIRequests(s))
			_, err := client.GetRecommendations(context.Background(), in, rewriteBody(func(string) string { return tt.body }))
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("a legitimate body was refused: %v", err)
				}
				reqs := dataplanetest.APIRequests(s)
				if diff := cmp.Diff(tt.body, string(reqs[len(reqs)-1].Body)); diff != "" {
					t.Errorf("body as the endpoint got it (-want +got):\n%s", diff)
				}
				return
			}
			dataplanetest.RequireRefused(t, s, nil, err, tt.field, tt.rule, email)
			if n := len(dataplanetest.APIRequests(s)) - before; n != 0 {
				t.Fatalf("the endpoint got %d requests, want 0", n)
			}
		})
	}
}
