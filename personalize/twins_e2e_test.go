package personalize_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestAttemptSentTwiceAtOnce: a hook that hedges a CreateDatasetGroup
// attempt, handing it on twice at once from two goroutines, has each copy
// checked on its own (the wire walk's places in the Initialize check's
// notes, a refusal reported, are the send's or guarded, never raced on),
// and each copy sent as checked or refused (see dataplanetest.RunTwins for
// the cases). The guard's own value is the configured KMS key it injects.
func TestAttemptSentTwiceAtOnce(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	otherKey := "arn:aws:kms:" + personalizetest.Region + ":" + personalizetest.AccountID + ":key/11111111-2222-3333-4444-555555555555"
	target := dataplanetest.TwinTarget{
		First:   dataplanetest.TwinPlant{Member: "tagValue", Value: "123-45-6789", Field: "Tags[0].TagValue", Rule: "sensitive.ssn", Secret: true},
		Second:  dataplanetest.TwinPlant{Member: "tagKey", Value: "jane.doe@example.com", Field: "Tags[0].TagKey", Rule: "sensitive.email", Secret: true},
		Changed: dataplanetest.TwinPlant{Member: "kmsKeyArn", Value: otherKey, Field: "KmsKeyArn", Rule: personalize.RuleRequestChanged},
		// Copy 1 creates a group of its own name, after the checks: the
		// gate checks the name in full.
		Distinct: func(body string) string { return strings.Replace(body, `-twin"`, `-twin-b"`, 1) },
	}
	n := 0
	dataplanetest.RunTwins(t, e.srv, personalize.IDWireGate, target, func(t *testing.T, tc dataplanetest.TwinCase, log *dataplanetest.AuditLog, hook func(*middleware.Stack) error) (string, error) {
		// The key in every case: CreateDatasetGroup needs one (PutsIn's
		// cases are those that swap it).
		p := personalize.Policy{Logger: log.Logger(), InsecureReportOnly: tc.ReportOnly, KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN}
		client, err := personalize.New(guardedConfig(e.srv), p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		_, err = client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("g%d-twin", n)),
			Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")}}},
			func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, hook) })
		return "CreateDatasetGroup", err
	})
}
