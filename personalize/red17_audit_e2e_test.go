package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed17ValidationFailureNotAuditedAsSent: a call the SDK's own
// validation refuses (a data deletion job without its required RoleArn)
// never leaves the process: its audit event says "rejected", as a
// safeguard's refusal does, not "failed", so that an auditor counting what
// reached AWS does not count it.
func TestRed17ValidationFailureNotAuditedAsSent(t *testing.T) {
	tests := []struct {
		name string
		in   *sdk.CreateDataDeletionJobInput
	}{
		{name: "data deletion job without RoleArn", in: &sdk.CreateDataDeletionJobInput{JobName: aws.String("del"),
			DataSource: &types.DataSource{DataLocation: aws.String("s3://red17-bucket/users.csv")}}},
		{name: "data deletion job without DatasetGroupArn", in: &sdk.CreateDataDeletionJobInput{JobName: aws.String("del"),
			RoleArn:    aws.String(personalizetest.RoleARN),
			DataSource: &types.DataSource{DataLocation: aws.String("s3://red17-bucket/users.csv")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateDataDeletionJob(context.Background(), tt.in)
			if err == nil {
				t.Fatal("the SDK's validation passed")
			}
			var got []string
			for _, ev := range parseAudit(t, e.auditLog()) {
				got = append(got, ev.Operation+" "+ev.Outcome)
			}
			want := []string{"CreateDataDeletionJob " + personalize.OutcomeRejected}
			if diff := cmp.Diff([]any{want, []string(nil)}, []any{got, e.personalizeCalls()}); diff != "" {
				t.Errorf("[audit, sent] (-want +got):\n%s", diff)
			}
		})
	}
}
