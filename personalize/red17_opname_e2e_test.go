package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed17RefusalNamesTheCallsOperation: since 4a1e78c the audit event
// names the operation the SDK sends, whatever a hook put in the context;
// but a step's refusal (content, key, S3 location) still named the
// context's, so the caller's error said ListDatasetGroups for a refused
// CreateDatasetGroup. Both name the call's.
func TestRed17RefusalNamesTheCallsOperation(t *testing.T) {
	const otherKey = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
	tests := []struct {
		name        string
		op          string
		call        func(*env, ...func(*sdk.Options)) error
		field, rule string
	}{
		{name: "content", op: "CreateDatasetGroup", field: "Tags[0].TagValue", rule: "sensitive.email", call: func(e *env, o ...func(*sdk.Options)) error {
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
				Tags: []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(canaryEmail)}}}, o...)
			return err
		}},
		{name: "key allow-list", op: "CreateDatasetGroup", field: "KmsKeyArn", rule: personalize.RuleKMSKeyNotAllowed, call: func(e *env, o ...func(*sdk.Options)) error {
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
				KmsKeyArn: aws.String(otherKey), RoleArn: aws.String(e.scene.RoleARN)}, o...)
			return err
		}},
		{name: "S3 location", op: "CreateDataDeletionJob", field: "DataSource.DataLocation", rule: "sensitive.email", call: func(e *env, o ...func(*sdk.Options)) error {
			_, err := e.client.CreateDataDeletionJob(context.Background(), &sdk.CreateDataDeletionJobInput{JobName: aws.String("del"),
				RoleArn: aws.String(e.scene.RoleARN), DatasetGroupArn: aws.String(e.scene.DatasetGroupARN),
				DataSource: &types.DataSource{DataLocation: aws.String("s3://" + e.scene.Bucket + "/" + canaryEmail + "/users.csv")}}, o...)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			err := tt.call(e, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, renameHook("Initialize", middleware.Before, "ListDatasetGroups"))
			})
			want := red17Outcome{Rule: tt.rule, Field: tt.field, Operation: tt.op, Audit: []string{tt.op + " rejected " + tt.rule}}
			if diff := cmp.Diff(want, red17Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), canaryEmail) || strings.Contains(e.auditLog(), canaryEmail) {
				t.Error("the refusal echoes the value")
			}
		})
	}
}

// TestRed17GateRefusalNamesTheCallsOperation: the wire gate's transport
// rules (https, the Region) refuse before it asks whether the operation
// was renamed, and named the refusal after the context's operation too.
func TestRed17GateRefusalNamesTheCallsOperation(t *testing.T) {
	tests := []struct {
		name string
		opt  func(*sdk.Options)
		rule string
	}{
		{name: "another Region", opt: func(o *sdk.Options) { o.Region = "eu-west-1" }, rule: personalize.RuleRegionMismatch},
		{name: "an http endpoint", opt: func(o *sdk.Options) { o.BaseEndpoint = aws.String("http://127.0.0.1:1") }, rule: personalize.RuleHTTPSOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, tt.opt, func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, renameHook("Initialize", middleware.Before, "ListDatasetGroups"))
			})
			want := red17Outcome{Rule: tt.rule, Operation: "CreateDatasetGroup", Audit: []string{"CreateDatasetGroup rejected " + tt.rule}}
			if diff := cmp.Diff(want, red17Result(t, e, err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
