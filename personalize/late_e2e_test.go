package personalize_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRequestSentAfterItsCall: a hook that returns from a call without
// handing its request on, and hands it on once the call returned (after
// it, or from within the client's next call), has it refused: the call's
// state is pooled, and the next call may hold the very state the late
// request's context names, whose checks (of another name, key or role)
// would otherwise vouch for it. See dataplanetest.RunLate.
func TestRequestSentAfterItsCall(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	dataplanetest.RunLate(t, e.srv, personalize.IDAudit, personalize.IDWireGate, lateGroups(e))
}

// TestRequestHandedOnAsItsCallEnds: the hook hands the request on from a
// goroutine as the call returns, racing its end, while other calls of the
// client go on (see dataplanetest.RunLateRacing; run under -race).
func TestRequestHandedOnAsItsCallEnds(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	dataplanetest.RunLateRacing(t, e.srv, personalize.IDAudit, personalize.IDWireGate, lateGroups(e))
}

// lateGroups makes the late tests' client, with the scene's key and role,
// and its CreateDatasetGroup call, of a new name each time.
func lateGroups(e *env) func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
	return lateGroupsWith(e, personalize.Policy{})
}

// lateGroupsWith is lateGroups with p's settings too.
func lateGroupsWith(e *env, p personalize.Policy) func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
	var n atomic.Int64 // the endpoint refuses a name twice
	return func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
		p := p
		p.Logger, p.KMSKeyARN, p.RoleARN = log.Logger(), e.scene.KeyARN, e.scene.RoleARN
		client, err := personalize.New(guardedConfig(e.srv), p)
		if err != nil {
			t.Fatal(err)
		}
		return func(hook func(*middleware.Stack) error) (string, error) {
			_, err := client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("late-%d", n.Add(1))),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}},
				func(o *sdk.Options) {
					if hook != nil {
						o.APIOptions = append(o.APIOptions, hook)
					}
				})
			return "CreateDatasetGroup", err
		}
	}
}

// TestCopyHeldInGatePastItsCall: a copy of a CreateDatasetGroup request,
// handed on from a goroutine and held inside the wire gate until its call
// returned, in report-only mode: sent once let go, and the tag value it
// reports reaches the call's one audit event (see
// dataplanetest.RunHeldInGate).
func TestCopyHeldInGatePastItsCall(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	plant := dataplanetest.TwinPlant{Member: "tagValue", Value: "123-45-6789", Field: "Tags[0].TagValue", Rule: "sensitive.ssn"}
	dataplanetest.RunHeldInGate(t, e.srv, personalize.IDWireGate, plant, lateGroupsWith(e, personalize.Policy{InsecureReportOnly: true}))
}

// TestPassedOnTwiceAfterAudit: a hook right after the audit step that
// hands the call on twice at once has one pass refused at the first guard
// step it reaches second and the other sent alone: the steps never run two
// passes on one call's state (see dataplanetest.RunPassedOnTwice; run
// under -race).
func TestPassedOnTwiceAfterAudit(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	dataplanetest.RunPassedOnTwice(t, e.srv, personalize.IDAudit, lateGroups(e))
}
