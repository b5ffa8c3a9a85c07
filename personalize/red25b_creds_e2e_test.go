package personalize_test

// Hostile review of the Initialize-side changes (red25b): credentials that
// change between the identity check and signing, through the value-typed
// static provider left unwrapped by callerid.Cached and the providers it
// still wraps, on all three guarded clients.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// flipping answers with the IAM user's key on its first users Retrieves
// (at least one) and with the root user's on every later one; expired
// credentials make a cache around it retrieve again each time.
type flipping struct {
	mu      sync.Mutex
	n       int
	users   int
	expired bool
}

func (f *flipping) Retrieve(context.Context) (aws.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	k := personalizetest.RootAccessKeyID
	if f.n <= max(f.users, 1) {
		k = personalizetest.AccessKeyID
	}
	c := aws.Credentials{AccessKeyID: k, SecretAccessKey: personalizetest.SecretAccessKey, Source: "flipping", CanExpire: true,
		Expires: time.Now().Add(time.Hour)}
	if f.expired {
		c.Expires = time.Now().Add(-time.Minute)
	}
	return c, nil
}

// signedWith counts the requests to service signed with accessKeyID.
func signedWith(s *personalizetest.Server, service, accessKeyID string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Service == service && strings.Contains(r.Header.Get("Authorization"), "Credential="+accessKeyID+"/") {
			n++
		}
	}
	return n
}

// TestCredentialsSwappedAfterCheck: whatever a client's provider does
// between the identity check and the signer's Retrieve, no request signed
// with the root user's key reaches the endpoint: a value-typed static
// provider (left unwrapped) answers the same to both; a pointer one whose
// holder changes it, or a custom one that turns to root, is read once
// through the guard's cache; one whose credentials are always expired
// is read anew by each, and the wire gate refuses the key the check did not
// see. Every refusal names its rule, never a key or the secret, and
// each call has its one audit event.
func TestCredentialsSwappedAfterCheck(t *testing.T) {
	type result int
	const (
		passes   result = iota // every call passes, signed with the IAM user's key
		refused                // every call is refused before anything is sent
		oneThenN               // the first call passes, the others may pass or be refused
	)
	tests := []struct {
		name  string
		creds func() (aws.CredentialsProvider, func()) // the provider, and what changes it after the first call
		want  result
		rules []string // the rules a refusal may name
	}{
		{"static by value", func() (aws.CredentialsProvider, func()) {
			return credentials.NewStaticCredentialsProvider(personalizetest.AccessKeyID, personalizetest.SecretAccessKey, ""), func() {}
		}, passes, nil},
		{"static by value, root", func() (aws.CredentialsProvider, func()) {
			return credentials.NewStaticCredentialsProvider(personalizetest.RootAccessKeyID, personalizetest.SecretAccessKey, ""), func() {}
		}, refused, []string{personalize.RuleRootCredentials}},
		{"static by pointer, changed to root after the first call", func() (aws.CredentialsProvider, func()) {
			p := credentials.NewStaticCredentialsProvider(personalizetest.AccessKeyID, personalizetest.SecretAccessKey, "")
			return &p, func() { p.Value.AccessKeyID = personalizetest.RootAccessKeyID }
		}, oneThenN, []string{personalize.RuleRootCredentials, personalize.RuleRequestChanged}},
		// personalize.New's guard reads the provider through a cache of its
		// own too, for its own reads: two Retrieves answer the user's key.
		{"custom, root from its third Retrieve", func() (aws.CredentialsProvider, func()) {
			return &flipping{users: 2}, func() {}
		}, passes, nil},
		{"custom, root from its second Retrieve, always expired", func() (aws.CredentialsProvider, func()) {
			return &flipping{expired: true}, func() {}
		}, refused, []string{personalize.RuleRootCredentials, personalize.RuleRequestChanged}},
	}
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		for _, tt := range tests {
			t.Run(gc.name+"/"+tt.name, func(t *testing.T) {
				s.ResetRequests()
				var log strings.Builder
				var mu sync.Mutex
				cfg := s.Config()
				var change func()
				cfg.Credentials, change = tt.creds()
				call := gc.build(t, cfg, c, identityPolicy{logger: newAuditLogger(lockedBuilder{&mu, &log})})
				const calls = 4
				passed := 0
				for i := range calls {
					err := call(context.Background(), perCall{})
					if i == 0 {
						change()
					}
					if err == nil {
						passed++
						if tt.want == refused {
							t.Errorf("call %d passed, want it refused", i+1)
						}
						continue
					}
					var sg *personalize.SafeguardError
					if !errors.As(err, &sg) {
						t.Fatalf("call %d = %v, want a *SafeguardError", i+1, err)
					}
					if tt.want == passes || tt.want == oneThenN && i == 0 {
						t.Errorf("call %d refused by %s, want it to pass", i+1, sg.Rule)
					}
					found := false
					for _, r := range tt.rules {
						found = found || sg.Rule == r
					}
					if !found {
						t.Errorf("call %d refused by %s, want one of %q", i+1, sg.Rule, tt.rules)
					}
					for _, secret := range []string{personalizetest.RootAccessKeyID, personalizetest.AccessKeyID, personalizetest.SecretAccessKey} {
						if strings.Contains(err.Error(), secret) {
							t.Errorf("call %d's error names the credentials: %v", i+1, err)
						}
					}
				}
				if got := signedWith(s, gc.service, personalizetest.RootAccessKeyID); got != 0 {
					t.Errorf("%d %s requests signed with the root user's key, want none", got, gc.service)
				}
				if got, want := requestsTo(s, gc.service), passed; got != want {
					t.Errorf("%s requests = %d, want %d (one per call that passed)", gc.service, got, want)
				}
				if got := signedWith(s, gc.service, personalizetest.AccessKeyID); got != passed {
					t.Errorf("%s requests signed with the IAM user's key = %d, want %d", gc.service, got, passed)
				}
				mu.Lock()
				audit := log.String()
				mu.Unlock()
				for _, secret := range []string{personalizetest.RootAccessKeyID, personalizetest.AccessKeyID, personalizetest.SecretAccessKey} {
					if strings.Contains(audit, secret) {
						t.Errorf("the audit log names the credentials (%q):\n%s", secret, audit)
					}
				}
				if got := strings.Count(audit, `"outcome"`); got != calls {
					t.Errorf("%d audit events for %d calls, want one each:\n%s", got, calls, audit)
				}
			})
		}
	}
}
