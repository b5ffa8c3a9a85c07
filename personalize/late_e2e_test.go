package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
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

// TestKeptChainAfterRefusal: a hook that keeps the chain after the last
// guard step (the request's way to the wire gate) from one call, and in a
// later call hands that call's input on to it after a step refused it, has
// it refused at the gate: a step marks that it ran before its checks, and
// that it passed after them; the gate asks both. Here the last step, the
// key's readiness, refuses the second call (the key was disabled).
func TestKeptChainAfterRefusal(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	ctx := context.Background()
	var log dataplanetest.AuditLog
	client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{Logger: log.Logger(), KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
		CheckTTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var (
		keptNext middleware.InitializeHandler
		keptIn   middleware.InitializeInput
	)
	keep := func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("Test:Keep", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			if keptNext == nil {
				keptNext, keptIn = next, in
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	}
	in := func(name string) *sdk.CreateDatasetGroupInput {
		return &sdk.CreateDatasetGroupInput{Name: aws.String(name)}
	}
	if _, err := client.CreateDatasetGroup(ctx, in("kept-1"), func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, keep) }); err != nil {
		t.Fatal(err)
	}
	if _, err := awskms.NewFromConfig(e.srv.Config()).DisableKey(ctx, &awskms.DisableKeyInput{KeyId: aws.String(e.scene.KeyARN)}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // past CheckTTL
	e.srv.ResetRequests()
	var refused error
	skip := func(s *middleware.Stack) error {
		return s.Initialize.Insert(middleware.InitializeMiddlewareFunc("Test:Skip", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			if _, _, refused = next.HandleInitialize(ctx, in); refused == nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("the step did not refuse")
			}
			return keptNext.HandleInitialize(ctx, keptIn)
		}), personalize.IDAudit, middleware.After)
	}
	_, err = client.CreateDatasetGroup(ctx, in("kept-2"), func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, skip) })
	got := struct{ Step, Kept, Received string }{dataplanetest.Refusal(refused), dataplanetest.Refusal(err), strings.Join(dataplanetest.PathsTo(e.srv, personalizetest.ServicePersonalize), " ")}
	want := struct{ Step, Kept, Received string }{personalize.RuleKMSKeyNotReady + " at KmsKeyArn", personalize.RuleBypassed + " at ", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the kept chain after a refusal (-want +got):\n%s", diff)
	}
}

// TestStepWrappedWithCleanInput: a hook that swaps a guard step for a
// wrapper, which runs the step on a clean input with a handler that only
// returns, and then hands another input on down the chain, has the step
// marked as run and passed; the request is refused at the wire gate, whose
// own walk of the body ties what is sent to what the steps checked.
func TestStepWrappedWithCleanInput(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	ctx := context.Background()
	client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		step, dirty, field, rule string
	}{
		{personalize.IDFieldContent, "acct-912803456-7", "Name", "sensitive.account-number"},
		{personalize.IDKMSKey, "", "KmsKeyArn", personalize.RuleKMSKeyMissing},
	} {
		t.Run(tc.step, func(t *testing.T) {
			e.srv.ResetRequests()
			wrap := func(s *middleware.Stack) error {
				real, ok := s.Initialize.Get(tc.step)
				if !ok {
					return errors.New("no step " + tc.step)
				}
				_, err := s.Initialize.Swap(tc.step, middleware.InitializeMiddlewareFunc(tc.step, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
					middleware.InitializeOutput, middleware.Metadata, error,
				) {
					clean := in
					clean.Parameters = &sdk.CreateDatasetGroupInput{Name: aws.String("clean")}
					returns := middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
						return middleware.InitializeOutput{}, middleware.Metadata{}, nil
					})
					if _, _, err := real.HandleInitialize(ctx, clean, returns); err != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, err
					}
					return next.HandleInitialize(ctx, in)
				}))
				return err
			}
			name := "wrapped"
			if tc.dirty != "" {
				name = tc.dirty
			}
			_, err := client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String(name)}, func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, wrap) })
			got := struct{ Refusal, Received string }{dataplanetest.Refusal(err), strings.Join(dataplanetest.PathsTo(e.srv, personalizetest.ServicePersonalize), " ")}
			want := struct{ Refusal, Received string }{tc.rule + " at " + tc.field, ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tc.dirty != "" && strings.Contains(fmt.Sprint(err), tc.dirty) {
				t.Errorf("the error repeats the value: %v", err)
			}
		})
	}
}
