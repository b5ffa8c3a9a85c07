package personalize

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestPrecheckRoles: the configured role is recorded as passed where it is
// injected only when it passes the role member's rules, in report-only mode
// too; one that does not is checked, and refused, at the wire gate on every
// call.
func TestPrecheckRoles(t *testing.T) {
	const emailRole = "arn:aws:iam::111122223333:role/jane.doe@example.com"
	logger, _ := jsonLogger()
	tests := []struct {
		name       string
		p          Policy
		wantKept   bool
		wantRefuse string // the wire gate's rule for CreateDatasetGroup's injected role, "" for none
	}{
		{"clean role", Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN}, true, ""},
		{"role naming an email", Policy{KMSKeyARN: testKeyARN, RoleARN: emailRole}, false, RuleSensitivePrefix + "email"},
		{"role naming an email, report-only", Policy{KMSKeyARN: testKeyARN, RoleARN: emailRole, InsecureReportOnly: true, Logger: logger}, false, ""},
		{"no role", Policy{InsecureAllowUnencryptedDatasetGroups: true}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := testGuard(t, tt.p)
			kept := map[string]bool{}
			for name, op := range g.ops {
				for _, k := range op.keys {
					if k.rolePassed != nil {
						if k.rolePassed.s != tt.p.RoleARN {
							t.Errorf("%s: kept %q, not the configured role", name, k.rolePassed.s)
						}
						kept[name] = true
					}
				}
			}
			if got := kept["CreateDatasetGroup"]; got != tt.wantKept {
				t.Errorf("CreateDatasetGroup's role kept = %v, want %v (kept for %d operations)", got, tt.wantKept, len(kept))
			}
			if tt.wantKept && len(kept) < 5 {
				t.Errorf("role kept for %d operations only", len(kept))
			}

			// The whole path: Initialize injects the role, the wire gate
			// reads the body as serialized.
			in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}
			var wireErr error
			h := chainInitialize(middleware.InitializeHandlerFunc(
				func(ctx context.Context, in middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
					body := `{"name":"movies"}`
					if tt.p.KMSKeyARN != "" {
						body = `{"kmsKeyArn":"` + tt.p.KMSKeyARN + `","name":"movies","roleArn":"` + tt.p.RoleARN + `"}`
					}
					wireErr = g.checkBody(ctx, "CreateDatasetGroup", body)
					return middleware.InitializeOutput{}, middleware.Metadata{}, nil
				}), g.stepByID(IDAudit), g.stepByID(IDFieldContent), g.stepByID(IDKMSKey), g.stepByID(IDS3Location))
			if _, _, err := h.HandleInitialize(middleware.WithOperationName(context.Background(), "CreateDatasetGroup"), middleware.InitializeInput{Parameters: in}); err != nil {
				t.Fatalf("Initialize: %v", err)
			}
			var se *SafeguardError
			got := ""
			if errors.As(wireErr, &se) {
				got = se.Rule
				if se.Field != "RoleArn" || strings.Contains(se.Error(), "jane") {
					t.Errorf("refusal %q at %q", se.Error(), se.Field)
				}
			} else if wireErr != nil {
				t.Fatalf("wire gate: %v", wireErr)
			}
			if diff := cmp.Diff(tt.wantRefuse, got); diff != "" {
				t.Errorf("wire gate's rule (-want +got)\n%s", diff)
			}
		})
	}
}
