package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed21RequestLineLegitimate: the request-line check (f2f2620) and the
// endpoint check (3ba1537) must not refuse an ordinary call: a BaseEndpoint
// written with a trailing '/', the same per call, and a per-call Region
// equal to the client's each go out to /recommendations; a per-call
// BaseEndpoint with a path, which construction cannot see, is refused at
// the wire, nothing sent.
func TestRed21RequestLineLegitimate(t *testing.T) {
	s, c := dataplanetest.Start(t)
	base := aws.ToString(s.Config().BaseEndpoint)
	tests := []struct {
		name    string
		config  func(*aws.Config)
		opt     func(*sdk.Options)
		want    []string // the paths the endpoint received
		refusal string
	}{
		{name: "as configured", want: []string{"/recommendations"}},
		{name: "BaseEndpoint with a trailing slash", config: func(cfg *aws.Config) { cfg.BaseEndpoint = aws.String(base + "/") },
			want: []string{"/recommendations"}},
		{name: "per-call BaseEndpoint with a trailing slash", opt: func(o *sdk.Options) { o.BaseEndpoint = aws.String(base + "/") },
			want: []string{"/recommendations"}},
		{name: "per-call Region equal to the client's", opt: func(o *sdk.Options) { o.Region = personalizetest.Region },
			want: []string{"/recommendations"}},
		{name: "per-call BaseEndpoint with a path", opt: func(o *sdk.Options) { o.BaseEndpoint = aws.String(base + "/prod") },
			refusal: guarderr.RuleRequestChanged + " at path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s.Config()
			if tt.config != nil {
				tt.config(&cfg)
			}
			client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")},
				func(o *sdk.Options) {
					if tt.opt != nil {
						tt.opt(o)
					}
				})
			var got []string
			for _, r := range s.Requests() {
				if r.Service == personalizetest.ServiceRuntime {
					got = append(got, r.URL)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
			var refusal string
			var sg *guarderr.SafeguardError
			if errors.As(err, &sg) {
				refusal = sg.Rule + " at " + sg.Field
			} else if err != nil {
				refusal = "not a refusal: " + err.Error()
			}
			if diff := cmp.Diff(tt.refusal, refusal); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
}
