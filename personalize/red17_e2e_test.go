package personalize_test

// Hostile review of 4a1e78c (the operation checked is the operation sent)
// and 316f66c (batch and data deletion jobs' data keys), through the public
// API against personalizetest. Each test asserts the safe outcome; a
// failing one is a finding.

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// red17Outcome is what a hostile call came to: the refusal's rule, field
// and operation, the Personalize operations the emulator received, and the
// call's audit events (operation, outcome, rule).
type red17Outcome struct {
	Rule, Field, Operation string
	Sent                   []string
	Audit                  []string
}

// red17Result reads err and e into an outcome. A panic in the call is an
// outcome too, not a crash of the test binary.
func red17Result(t *testing.T, e *env, err error) red17Outcome {
	t.Helper()
	var got red17Outcome
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) {
		got.Rule, got.Field, got.Operation = sg.Rule, sg.Field, sg.Operation
	} else if err != nil {
		got.Rule = "not a refusal: " + err.Error()
	}
	got.Sent = e.personalizeCalls()
	for _, ev := range parseAudit(t, e.auditLog()) {
		got.Audit = append(got.Audit, ev.Operation+" "+ev.Outcome+" "+ev.Rule)
	}
	return got
}

// callNoPanic runs call, turning a panic into an error.
func callNoPanic(call func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return call()
}

// TestRed17NilInput: 4a1e78c refuses an input of another type, but not
// none: a hook that sets the input to nil, or to a nil pointer of the
// operation's own type, made the guard's steps panic in the caller's
// goroutine. Refused, nothing sent, one audit event.
func TestRed17NilInput(t *testing.T) {
	for _, v := range []any{nil, (*sdk.CreateDatasetGroupInput)(nil)} {
		for _, pos := range []middleware.RelativePosition{middleware.Before, middleware.After} {
			t.Run(fmt.Sprintf("%T/%s the audit step", v, map[middleware.RelativePosition]string{middleware.Before: "before", middleware.After: "after"}[pos]), func(t *testing.T) {
				e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
				err := callNoPanic(func() error {
					_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}, func(o *sdk.Options) {
						o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
							// After the audit step: the other steps read the input.
							return s.Initialize.Insert(middleware.InitializeMiddlewareFunc("Red17:Nil", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
								in.Parameters = v
								return next.HandleInitialize(ctx, in)
							}), personalize.IDAudit, pos)
						})
					})
					return err
				})
				want := red17Outcome{Rule: personalize.RuleRequestChanged, Operation: "CreateDatasetGroup", Audit: []string{"CreateDatasetGroup rejected " + personalize.RuleRequestChanged}}
				if diff := cmp.Diff(want, red17Result(t, e, err)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}
