package personalize_test

// Hostile review of the Initialize-side changes (red25b): the pooled call
// state, reset field by field and owning the content check's walker,
// across refused, panicking, cancelled and clean calls on many goroutines.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// hookAfterInitialize returns a call option whose Serialize step, run
// inside the guard's Initialize steps (the audit step still holds the
// call's state), runs f and then the rest of the stack.
func hookAfterInitialize(f func(ctx context.Context)) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc("red25bHook",
				func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
					f(ctx)
					return next.HandleSerialize(ctx, in)
				}), middleware.Before)
		})
	}
}

// TestPooledStateAcrossCalls: goroutines share one guarded client and mix
// refused calls (a sensitive value in a tag, in the name, an enum outside
// the model), calls whose hook panics or cancels the context after the
// guard's Initialize checks, and clean calls. Each refusal names its rule
// and field and no value; each clean call passes with the key and role
// injected; no call's value reaches another call's error, the audit log or
// the endpoint; each call has its one audit event, a panicked one too.
func TestPooledStateAcrossCalls(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	type kind int
	const (
		clean kind = iota
		refusedTag
		refusedName
		refusedEnum
		panics
		cancelled
		kinds
	)
	const workers, rounds = 4, 3
	var (
		mu       sync.Mutex
		canaries []string
		outcomes = map[string]int{}
	)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for k := range kinds {
					// Each worker starts with another kind, so that a state a
					// refusal leaves in the pool is taken by another kind.
					k = (k + kind(w)) % kinds
					id := fmt.Sprintf("w%dr%dk%d", w, r, k)
					canary := ""
					in := &sdk.CreateDatasetGroupInput{Name: aws.String("clean-" + id)}
					var opts []func(*sdk.Options)
					ctx, cancel := context.WithCancel(context.Background())
					var wantField, wantRule, outcome string
					switch k {
					case clean:
						outcome = personalize.OutcomeAllowed
					case refusedTag:
						canary = "owner." + id + "@example.com"
						in.Tags = []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("owner"), TagValue: aws.String(canary)}}
						wantField, wantRule, outcome = "Tags[1].TagValue", "sensitive.email", personalize.OutcomeRejected
					case refusedName:
						canary = fmt.Sprintf("%d%d%d4539703692581", w, r, k)
						in.Name = aws.String("acct-" + canary)
						wantField, wantRule, outcome = "Name", "sensitive.account-number", personalize.OutcomeRejected
					case refusedEnum:
						canary = "DOMAIN" + strings.ToUpper(id)
						in.Domain = types.Domain(canary)
						wantField, wantRule, outcome = "Domain", personalize.RuleEnum, personalize.OutcomeRejected
					case panics:
						canary = "panic-" + id
						in.Name = aws.String(canary)
						opts = append(opts, hookAfterInitialize(func(context.Context) { panic(canary) }))
						outcome = personalize.OutcomeFailed
					case cancelled:
						canary = "cancelled-" + id
						in.Name = aws.String(canary)
						opts = append(opts, hookAfterInitialize(func(context.Context) { cancel() }))
						outcome = personalize.OutcomeFailed
					}
					recovered, err := func() (recovered any, err error) {
						defer func() { recovered = recover() }()
						_, err = e.client.CreateDatasetGroup(ctx, in, opts...)
						return nil, err
					}()
					cancel()
					mu.Lock()
					if canary != "" {
						canaries = append(canaries, canary)
					}
					outcomes[outcome]++
					mu.Unlock()
					switch {
					case k == panics:
						if recovered != canary {
							t.Errorf("%s: recovered %v, want the hook's panic", id, recovered)
						}
					case recovered != nil:
						t.Errorf("%s: panic %v", id, recovered)
					case k == clean:
						if err != nil {
							t.Errorf("%s: clean call = %v", id, err)
						}
					case k == cancelled:
						if !errors.Is(err, context.Canceled) {
							t.Errorf("%s: call = %v, want context.Canceled", id, err)
						}
					default:
						var sg *personalize.SafeguardError
						if !errors.As(err, &sg) || sg.Field != wantField || sg.Rule != wantRule {
							t.Errorf("%s: call = %v, want a refusal by %s at %s", id, err, wantRule, wantField)
						}
					}
					if err != nil {
						mu.Lock()
						for _, c := range canaries {
							if strings.Contains(err.Error(), c) {
								t.Errorf("%s: error %q names %q", id, err, c)
							}
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()

	audit := e.auditLog()
	for _, c := range canaries {
		if strings.Contains(audit, c) {
			t.Errorf("the audit log names %q", c)
		}
		if e.srv.Seen(c) {
			t.Errorf("the endpoint received %q", c)
		}
	}
	got := map[string]int{}
	for _, ev := range parseAudit(t, audit) {
		if ev.Operation != "CreateDatasetGroup" {
			t.Errorf("audit event for %q, want CreateDatasetGroup", ev.Operation)
		}
		got[ev.Outcome]++
	}
	for o, n := range outcomes {
		if got[o] != n {
			t.Errorf("%d audit events %s, want %d", got[o], o, n)
		}
	}
	var sent int
	for _, r := range e.srv.Requests() {
		if r.Operation != "CreateDatasetGroup" {
			continue
		}
		sent++
		body := string(r.Body)
		if !strings.Contains(body, `"kmsKeyArn":"`+e.scene.KeyARN+`"`) || !strings.Contains(body, `"roleArn":"`+e.scene.RoleARN+`"`) {
			t.Errorf("CreateDatasetGroup sent without the injected key and role: %s", body)
		}
	}
	if want := workers * rounds; sent != want {
		t.Errorf("%d CreateDatasetGroup requests reached the endpoint, want %d (the clean calls)", sent, want)
	}
}
