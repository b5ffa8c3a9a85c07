package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed17ReportOnlyRenamedOrSwapped: report-only mode lets through what
// the content, key, S3 and identity safeguards would refuse, but not a
// call whose operation or input a hook changed (4a1e78c): refused, nothing
// sent, and its one audit event names the call's operation, the rule, and
// what report-only mode recorded before the refusal, never the value.
func TestRed17ReportOnlyRenamedOrSwapped(t *testing.T) {
	type event struct {
		Operation, Outcome, Rule string
		ReportOnly               []string
	}
	swap := func(to any) func(*middleware.Stack) error {
		return func(s *middleware.Stack) error {
			return s.Initialize.Insert(middleware.InitializeMiddlewareFunc("Red17:Swap", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				in.Parameters = to
				return next.HandleInitialize(ctx, in)
			}), personalize.IDKMSKey, middleware.Before)
		}
	}
	tests := []struct {
		name string
		hook func(*middleware.Stack) error
		want []event
	}{
		{name: "renamed before the audit step", hook: renameHook("Initialize", middleware.Before, "ListDatasetGroups"),
			want: []event{{"CreateDatasetGroup", personalize.OutcomeRejected, personalize.RuleRequestChanged, []string{"sensitive.email at Tags[0].TagValue"}}}},
		{name: "renamed before the gate", hook: renameHook("Deserialize", middleware.Before, "CreateEventTracker"),
			want: []event{{"CreateDatasetGroup", personalize.OutcomeRejected, personalize.RuleRequestChanged, []string{"sensitive.email at Tags[0].TagValue"}}}},
		{name: "input of another operation after the content check", hook: swap(&sdk.CreateEventTrackerInput{Name: aws.String("movies")}),
			want: []event{{"CreateDatasetGroup", personalize.OutcomeRejected, personalize.RuleRequestChanged, []string{"sensitive.email at Tags[0].TagValue"}}}},
		{name: "nil input after the content check", hook: swap(nil),
			want: []event{{"CreateDatasetGroup", personalize.OutcomeRejected, personalize.RuleRequestChanged, []string{"sensitive.email at Tags[0].TagValue"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: true})
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
				Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(canaryEmail)}}}, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, tt.hook)
			})
			e.requireRefused(t, err, "", personalize.RuleRequestChanged, canaryEmail)
			var got []event
			for _, ev := range parseAudit(t, e.auditLog()) {
				got = append(got, event{ev.Operation, ev.Outcome, ev.Rule, ev.ReportOnly})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("audit events (-want +got):\n%s", diff)
			}
		})
	}
}
