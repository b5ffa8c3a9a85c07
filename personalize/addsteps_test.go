package personalize

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// addStepsReference is addSteps as it was before its fast path for a stack
// that has none of the steps: the differential test holds addSteps to it.
func addStepsReference(g *Guard, stack *middleware.Stack, steps []*step, pos middleware.RelativePosition) error {
	for i, s := range steps {
		if have, ok := stack.Initialize.Get(s.id); ok {
			if ownerOf(have) != g {
				return &ConfigError{Field: "APIOptions", Reason: "a second Guard with another Policy is installed on this client; use one Guard per client"}
			}
			continue
		}
		var err error
		if i == 0 {
			err = stack.Initialize.Add(s, pos)
		} else {
			err = stack.Initialize.Insert(s, steps[i-1].id, middleware.After)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

type namedInit string

func (m namedInit) ID() string { return string(m) }

func (namedInit) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	return next.HandleInitialize(ctx, in)
}

// TestAddStepsDifferential registers the front and posture steps on stacks
// that hold other middleware, some of the guard's own steps, or another
// guard's, and compares the order and the error with the reference.
func TestAddStepsDifferential(t *testing.T) {
	g := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	other := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	posture := g.postureFor(nil, false)
	if len(g.front) == 0 || len(posture) == 0 {
		t.Fatal("no steps")
	}
	// Each setup fills a stack before the guard's steps are added.
	type setup func(*middleware.Stack)
	add := func(m middleware.InitializeMiddleware, pos middleware.RelativePosition) setup {
		return func(s *middleware.Stack) { _ = s.Initialize.Add(m, pos) }
	}
	setups := map[string][]setup{
		"empty":         nil,
		"sdk":           {add(namedInit("OperationInputValidation"), middleware.After)},
		"sdk, two ends": {add(namedInit("A"), middleware.After), add(namedInit("B"), middleware.After), add(namedInit("Z"), middleware.Before)},
	}
	for i, s := range g.front {
		setups[fmt.Sprintf("front step %d there", i)] = []setup{add(namedInit("A"), middleware.After), add(s, middleware.After), add(namedInit("B"), middleware.After)}
	}
	for i, s := range posture {
		setups[fmt.Sprintf("posture step %d there", i)] = []setup{add(namedInit("A"), middleware.After), add(s, middleware.Before)}
	}
	setups["another guard's step"] = []setup{add(namedInit("A"), middleware.After), add(other.front[2], middleware.After)}
	setups["another guard's posture step"] = []setup{add(other.postureFor(nil, false)[1], middleware.After)}
	setups["an impostor's ID"] = []setup{add(namedInit(IDKMSKey), middleware.After)}

	run := func(fill []setup, addFn func(*middleware.Stack, []*step, middleware.RelativePosition) error) ([]string, string) {
		stack := middleware.NewStack("CreateDatasetGroup", smithyhttp.NewStackRequest)
		for _, f := range fill {
			f(stack)
		}
		var errs string
		for _, call := range []struct {
			steps []*step
			pos   middleware.RelativePosition
		}{{g.front, middleware.Before}, {posture, middleware.After}, {g.front, middleware.Before}} { // the third: registered twice
			if err := addFn(stack, call.steps, call.pos); err != nil {
				errs += err.Error() + ";"
			}
		}
		return stack.Initialize.List(), errs
	}
	for name, fill := range setups {
		wantList, wantErr := run(fill, func(s *middleware.Stack, steps []*step, pos middleware.RelativePosition) error {
			return addStepsReference(g, s, steps, pos)
		})
		gotList, gotErr := run(fill, func(s *middleware.Stack, steps []*step, pos middleware.RelativePosition) error {
			return g.addSteps(s, steps, pos)
		})
		if diff := cmp.Diff(wantList, gotList); diff != "" {
			t.Errorf("%s: order (-want +got)\n%s", name, diff)
		}
		if diff := cmp.Diff(wantErr, gotErr); diff != "" {
			t.Errorf("%s: errors (-want +got)\n%s", name, diff)
		}
	}
}

// TestAddInitStepsDifferential holds addInitSteps to the reference applied
// to the front steps (before everything) and then, when that succeeds, to
// the posture steps (after everything), on the same stacks as
// TestAddStepsDifferential, registered once and twice.
func TestAddInitStepsDifferential(t *testing.T) {
	g := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	other := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	posture := g.postureFor(nil, false)
	type setup func(*middleware.Stack)
	add := func(m middleware.InitializeMiddleware, pos middleware.RelativePosition) setup {
		return func(s *middleware.Stack) { _ = s.Initialize.Add(m, pos) }
	}
	setups := map[string][]setup{
		"empty":                          nil,
		"sdk":                            {add(namedInit("OperationInputValidation"), middleware.After)},
		"sdk, two ends":                  {add(namedInit("A"), middleware.After), add(namedInit("B"), middleware.After), add(namedInit("Z"), middleware.Before)},
		"an impostor's ID":               {add(namedInit(IDKMSKey), middleware.After)},
		"an impostor's posture ID":       {add(namedInit(IDKeyReadiness), middleware.Before)},
		"another guard's step":           {add(namedInit("A"), middleware.After), add(other.front[2], middleware.After)},
		"another guard's posture step":   {add(other.postureFor(nil, false)[1], middleware.After)},
		"another guard's steps, all":     nil, // filled below
		"this guard's posture, no front": nil,
	}
	for i, s := range g.front {
		setups[fmt.Sprintf("front step %d there", i)] = []setup{add(namedInit("A"), middleware.After), add(s, middleware.After), add(namedInit("B"), middleware.After)}
	}
	for i, s := range posture {
		setups[fmt.Sprintf("posture step %d there", i)] = []setup{add(namedInit("A"), middleware.After), add(s, middleware.Before)}
	}
	for _, s := range other.front {
		setups["another guard's steps, all"] = append(setups["another guard's steps, all"], add(s, middleware.After))
	}
	for _, s := range posture {
		setups["this guard's posture, no front"] = append(setups["this guard's posture, no front"], add(s, middleware.After))
	}
	reference := func(s *middleware.Stack) error {
		if err := addStepsReference(g, s, g.front, middleware.Before); err != nil {
			return err
		}
		return addStepsReference(g, s, posture, middleware.After)
	}
	run := func(fill []setup, addFn func(*middleware.Stack) error, times int) ([]string, string) {
		stack := middleware.NewStack("CreateDatasetGroup", smithyhttp.NewStackRequest)
		for _, f := range fill {
			f(stack)
		}
		var errs string
		for range times {
			if err := addFn(stack); err != nil {
				errs += err.Error() + ";"
			}
		}
		return stack.Initialize.List(), errs
	}
	for name, fill := range setups {
		for times := 1; times <= 2; times++ {
			wantList, wantErr := run(fill, reference, times)
			gotList, gotErr := run(fill, func(s *middleware.Stack) error { return g.addInitSteps(s, g.front, posture) }, times)
			if diff := cmp.Diff(wantList, gotList); diff != "" {
				t.Errorf("%s, %d times: order (-want +got)\n%s", name, times, diff)
			}
			if diff := cmp.Diff(wantErr, gotErr); diff != "" {
				t.Errorf("%s, %d times: errors (-want +got)\n%s", name, times, diff)
			}
		}
	}
}
