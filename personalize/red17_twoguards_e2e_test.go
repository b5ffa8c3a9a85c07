package personalize_test

import (
	"context"
	"errors"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed17SecondGuardAudited: a second Guard's middleware on a client
// fails the call as its stack is built, before any middleware runs: the
// caller got the *ConfigError, but no audit event was written, though the
// Logger gets one per call. Now each such call writes one, naming the
// operation and the refusal, in the log of the Guard that refused.
func TestRed17SecondGuardAudited(t *testing.T) {
	tests := []struct {
		name   string
		client func(e *env, second *personalize.Guard) (*sdk.Client, []func(*sdk.Options))
	}{
		{name: "per-call AddMiddleware of a second guard", client: func(e *env, second *personalize.Guard) (*sdk.Client, []func(*sdk.Options)) {
			return e.client, []func(*sdk.Options){func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, second.AddMiddleware) }}
		}},
		{name: "config's AddMiddleware of a second guard, client of the first", client: func(e *env, second *personalize.Guard) (*sdk.Client, []func(*sdk.Options)) {
			cfg := guardedConfig(e.srv)
			cfg.APIOptions = append(cfg.APIOptions, second.AddMiddleware)
			c, err := personalize.New(cfg, personalize.Policy{Logger: newAuditLogger(lockedBuilder{e.mu, e.audit}), InsecureSkipPostureChecks: true})
			if err != nil {
				panic(err)
			}
			return c, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			second, err := personalize.NewGuard(guardedConfig(e.srv), personalize.Policy{Logger: newAuditLogger(lockedBuilder{e.mu, e.audit}), InsecureSkipPostureChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			client, opts := tt.client(e, second)
			_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, opts...)
			var ce *personalize.ConfigError
			got := red17Result(t, e, err)
			got.Rule = ""
			want := red17Outcome{Audit: []string{"ListDatasetGroups rejected " + personalize.RuleClientRefused}}
			if diff := cmp.Diff(want, got); diff != "" || !errors.As(err, &ce) {
				t.Errorf("error %v, want a *ConfigError; (-want +got):\n%s", err, diff)
			}
		})
	}
}
