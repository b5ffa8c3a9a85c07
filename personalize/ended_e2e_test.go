package personalize_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// hangingDescriber answers nothing until the caller gives up.
type hangingDescriber struct{}

func (hangingDescriber) DescribeDataset(ctx context.Context, _ *sdk.DescribeDatasetInput, _ ...func(*sdk.Options)) (*sdk.DescribeDatasetOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (hangingDescriber) DescribeDatasetGroup(ctx context.Context, _ *sdk.DescribeDatasetGroupInput, _ ...func(*sdk.Options)) (*sdk.DescribeDatasetGroupOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// failingDescriber answers every call with an error of its own.
type failingDescriber struct{}

var errDescribe = errors.New("AccessDeniedException: not authorized to perform personalize:DescribeDataset")

func (failingDescriber) DescribeDataset(context.Context, *sdk.DescribeDatasetInput, ...func(*sdk.Options)) (*sdk.DescribeDatasetOutput, error) {
	return nil, errDescribe
}

func (failingDescriber) DescribeDatasetGroup(context.Context, *sdk.DescribeDatasetGroupInput, ...func(*sdk.Options)) (*sdk.DescribeDatasetGroupOutput, error) {
	return nil, errDescribe
}

// hangingKMS is the emulator's KMS but for DescribeKey, which answers
// nothing until the caller gives up.
type hangingKMS struct{ *awskms.Client }

func (hangingKMS) DescribeKey(ctx context.Context, _ *awskms.DescribeKeyInput, _ ...func(*awskms.Options)) (*awskms.DescribeKeyOutput, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestCallerGivesUpDuringACheck: a posture check that reads AWS while the
// caller cancels the call, or the call's deadline passes, ends the call
// with the context's error, as the SDK's own client would, not with a
// refusal: errors.Is finds the context's error, errors.As no
// SafeguardError, and the audit event says the call failed, with no rule.
// Nothing is sent. A check that fails for any other reason while the
// caller waits is still refused, in report-only mode too only when it is
// the caller's context that ended.
func TestCallerGivesUpDuringACheck(t *testing.T) {
	type outcome struct {
		Is         string // the context error errors.Is finds, if any
		Rule       string // the SafeguardError's rule, if any
		AuditEvent struct{ Outcome, Rule string }
		Sent       []string
	}
	tests := []struct {
		name       string
		reportOnly bool
		policy     func(e *env, p *personalize.Policy)
		call       func(ctx context.Context, e *env) error
		deadline   bool // a deadline rather than a cancel
		want       outcome
	}{
		{name: "dataset group lookup, cancelled",
			policy: func(_ *env, p *personalize.Policy) { p.PersonalizeClient = hangingDescriber{} },
			call:   importCall,
			want:   outcome{Is: "context canceled", AuditEvent: struct{ Outcome, Rule string }{Outcome: "failed"}}},
		{name: "dataset group lookup, deadline", deadline: true,
			policy: func(_ *env, p *personalize.Policy) { p.PersonalizeClient = hangingDescriber{} },
			call:   importCall,
			want:   outcome{Is: "context deadline exceeded", AuditEvent: struct{ Outcome, Rule string }{Outcome: "failed"}}},
		{name: "dataset group lookup, cancelled, report-only", reportOnly: true,
			policy: func(_ *env, p *personalize.Policy) { p.PersonalizeClient = hangingDescriber{} },
			call:   importCall,
			want:   outcome{Is: "context canceled", AuditEvent: struct{ Outcome, Rule string }{Outcome: "failed"}}},
		{name: "dataset group lookup failing",
			policy: func(_ *env, p *personalize.Policy) { p.PersonalizeClient = failingDescriber{} },
			call:   importCall,
			want:   outcome{Rule: personalize.RuleDatasetGroupLookup, AuditEvent: struct{ Outcome, Rule string }{"rejected", personalize.RuleDatasetGroupLookup}}},
		{name: "key check, cancelled",
			policy: func(e *env, p *personalize.Policy) { p.KMSClient = hangingKMS{awskms.NewFromConfig(e.srv.Config())} },
			call: func(ctx context.Context, e *env) error {
				_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("ended")})
				return err
			},
			want: outcome{Is: "context canceled", AuditEvent: struct{ Outcome, Rule string }{Outcome: "failed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			p := personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN, InsecureSkipImportScan: true,
				InsecureReportOnly: tt.reportOnly, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})}
			tt.policy(e, &p)
			var err error
			if e.client, err = personalize.New(guardedConfig(e.srv), p); err != nil {
				t.Fatal(err)
			}
			e.srv.ResetRequests()
			ctx, cancel := context.WithCancel(context.Background())
			if tt.deadline {
				ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
			} else {
				time.AfterFunc(50*time.Millisecond, cancel)
			}
			defer cancel()
			err = tt.call(ctx, e)

			var got outcome
			for _, target := range []error{context.Canceled, context.DeadlineExceeded} {
				if errors.Is(err, target) {
					got.Is = target.Error()
				}
			}
			if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
				got.Rule = sg.Rule
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(e.auditLog())), &got.AuditEvent); err != nil {
				t.Fatalf("audit log %q: %v", e.auditLog(), err)
			}
			got.Sent = e.personalizeCalls()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s(err = %v)", diff, err)
			}
		})
	}
}

func importCall(ctx context.Context, e *env) error {
	_, err := e.client.CreateDatasetImportJob(ctx, importInput(e, "ended"))
	return err
}
