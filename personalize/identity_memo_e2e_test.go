package personalize_test

// Hostile-review tests of the identity memo (callerid.Memo) through the
// public API: one guard's Option on several clients with different
// providers, and a provider that rotates between the root user's key and
// an IAM user's while calls run.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// rotatingKey returns whichever access key ID it holds now.
type rotatingKey struct{ key atomic.Pointer[string] }

func (r *rotatingKey) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: *r.key.Load(), SecretAccessKey: personalizetest.SecretAccessKey, Source: "rotating"}, nil
}

// rootSigned counts the Personalize requests that reached s signed with
// the root user's key.
func rootSigned(s *personalizetest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServicePersonalize && strings.Contains(r.Header.Get("Authorization"), "Credential="+personalizetest.RootAccessKeyID+"/") {
			n++
		}
	}
	return n
}

// TestMemoOneOptionManyClients: one guard's Option installed on an IAM
// user's client and on a root user's client, called concurrently: the
// user's memo never lets the root client's calls through, and each refusal
// names its operation and no key.
func TestMemoOneOptionManyClients(t *testing.T) {
	s := personalizetest.New(t)
	g, err := personalize.NewGuard(s.Config(), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	opt := g.Option()
	clients := map[string]*sdk.Client{
		"user":  sdk.NewFromConfig(s.ConfigAs(personalizetest.AccessKeyID), opt),
		"role":  sdk.NewFromConfig(s.ConfigAs(personalizetest.AssumedRoleAccessKeyID), opt),
		"root":  sdk.NewFromConfig(s.ConfigAs(personalizetest.RootAccessKeyID), opt),
		"root2": sdk.NewFromConfig(s.ConfigAs(personalizetest.RootAccessKeyID), opt),
	}
	type outcome struct{ Rule, Operation string }
	want := map[string]outcome{
		"user":  {},
		"role":  {},
		"root":  {personalize.RuleRootCredentials, "ListDatasetGroups"},
		"root2": {personalize.RuleRootCredentials, "ListDatasetGroups"},
	}
	var mu sync.Mutex
	got := map[string]map[outcome]int{}
	var wg sync.WaitGroup
	for name, c := range clients {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					_, err := c.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
					var o outcome
					var sg *personalize.SafeguardError
					if errors.As(err, &sg) {
						o = outcome{sg.Rule, sg.Operation}
					} else if err != nil {
						o = outcome{Rule: "other: " + err.Error()}
					}
					if err != nil {
						for _, key := range []string{personalizetest.AccessKeyID, personalizetest.AssumedRoleAccessKeyID} {
							if strings.Contains(err.Error(), key) {
								t.Errorf("%s: the error names an access key: %v", name, err)
							}
						}
					}
					mu.Lock()
					if got[name] == nil {
						got[name] = map[outcome]int{}
					}
					got[name][o]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	wantCounts := map[string]map[outcome]int{}
	for name, o := range want {
		wantCounts[name] = map[outcome]int{o: 40}
	}
	if diff := cmp.Diff(wantCounts, got); diff != "" {
		t.Errorf("outcomes per client (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(0, rootSigned(s)); diff != "" {
		t.Errorf("Personalize requests signed as root (-want +got):\n%s", diff)
	}
}

// TestMemoRotationUnderLoad: a client's provider flips between an IAM
// user's key and the root user's while calls run concurrently. A call
// passes only signed with the user's key; every refusal is the root rule
// or, when the key changed between the check and the signature, the
// changed-request rule, and names its operation.
func TestMemoRotationUnderLoad(t *testing.T) {
	s := personalizetest.New(t)
	g, err := personalize.NewGuard(s.Config(), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	rot := &rotatingKey{}
	user, root := personalizetest.AccessKeyID, personalizetest.RootAccessKeyID
	rot.key.Store(&user)
	cache := aws.NewCredentialsCache(rot)
	cfg := s.Config()
	cfg.Credentials = cache
	client := sdk.NewFromConfig(cfg, g.Option())

	stop := make(chan struct{})
	var flipper sync.WaitGroup
	flipper.Add(1)
	go func() {
		defer flipper.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				rot.key.Store(&root)
			} else {
				rot.key.Store(&user)
			}
			cache.Invalidate()
		}
	}()
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				_, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
				if err == nil {
					continue
				}
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || (sg.Rule != personalize.RuleRootCredentials && sg.Rule != personalize.RuleRequestChanged) || sg.Operation != "ListDatasetGroups" {
					bad.Add(1)
					t.Errorf("ListDatasetGroups = %v, want nil or a root / changed-request refusal of ListDatasetGroups", err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	flipper.Wait()
	if diff := cmp.Diff(0, rootSigned(s)); diff != "" {
		t.Errorf("Personalize requests signed as root (-want +got):\n%s", diff)
	}
}

// TestMemoRotationBetweenCalls: the control plane's identity memo across a
// provider's rotations, call after call: the key that passed last is not
// the one that passes next.
func TestMemoRotationBetweenCalls(t *testing.T) {
	s := personalizetest.New(t)
	g, err := personalize.NewGuard(s.Config(), personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	rot := &rotatingKey{}
	cache := aws.NewCredentialsCache(rot)
	cfg := s.Config()
	cfg.Credentials = cache
	client := sdk.NewFromConfig(cfg, g.Option())
	user, role, root := personalizetest.AccessKeyID, personalizetest.AssumedRoleAccessKeyID, personalizetest.RootAccessKeyID
	var want, got []string
	for _, step := range []struct{ key, rule string }{
		{user, ""}, {user, ""}, {root, personalize.RuleRootCredentials}, {root, personalize.RuleRootCredentials},
		{user, ""}, {role, ""}, {root, personalize.RuleRootCredentials}, {role, ""}, {role, ""},
	} {
		rot.key.Store(&step.key)
		cache.Invalidate()
		_, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
		o := "pass"
		var sg *personalize.SafeguardError
		if errors.As(err, &sg) {
			o = sg.Rule + " " + sg.Operation
		} else if err != nil {
			o = err.Error()
		}
		w := "pass"
		if step.rule != "" {
			w = step.rule + " ListDatasetGroups"
		}
		want, got = append(want, w), append(got, o)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(0, rootSigned(s)); diff != "" {
		t.Errorf("Personalize requests signed as root (-want +got):\n%s", diff)
	}
}

// failingProvider cannot retrieve credentials.
type failingProvider struct{}

func (failingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("no credentials")
}

// TestIdentityRefusalNamesOperation: every identity refusal of each of the
// three clients names its operation now that the name is looked up only
// on a refusal — the root user, STS denying the check, a key STS does not
// know, a provider that fails — first call and after a pass warmed the
// memo.
func TestIdentityRefusalNamesOperation(t *testing.T) {
	s, c := dataplanetest.Start(t)
	ops := map[string]string{"personalize": "ListDatasetGroups", "personalizeevents": "PutEvents", "personalizeruntime": "GetRecommendations"}
	for _, gc := range guardedClients {
		for _, tt := range []struct {
			name  string
			creds aws.CredentialsProvider
			deny  bool
			rule  string
		}{
			{"root", staticAs(personalizetest.RootAccessKeyID), false, personalize.RuleRootCredentials},
			{"STS denied", staticAs(personalizetest.AccessKeyID), true, personalize.RuleIdentityCheckFailed},
			{"unknown key", staticAs("AKIDNOTKNOWNTOSTS0002"), false, personalize.RuleIdentityCheckFailed},
			{"provider fails", failingProvider{}, false, personalize.RuleIdentityCheckFailed},
		} {
			for _, warm := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/warm=%v", gc.name, tt.name, warm), func(t *testing.T) {
					rot := &switchable{p: staticAs(personalizetest.AssumedRoleAccessKeyID)}
					cfg := s.Config()
					cfg.Credentials = rot
					call := gc.build(t, cfg, c, identityPolicy{})
					if warm {
						if err := call(context.Background(), perCall{}); err != nil {
							t.Fatalf("warming call: %v", err)
						}
					}
					rot.set(tt.creds)
					if tt.deny {
						s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
						defer s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
					}
					err := call(context.Background(), perCall{})
					var got [2]string
					var sg *personalize.SafeguardError
					if errors.As(err, &sg) {
						got = [2]string{sg.Rule, sg.Operation}
					}
					if diff := cmp.Diff([2]string{tt.rule, ops[gc.name]}, got); diff != "" {
						t.Errorf("refusal's rule and operation (-want +got):\n%s\nerror: %v", diff, err)
					}
				})
			}
		}
	}
}

// switchable answers with the provider the test set last; its credentials
// say they have expired, so the cache the guard puts around it asks again
// on every call.
type switchable struct {
	mu sync.Mutex
	p  aws.CredentialsProvider
}

func (s *switchable) set(p aws.CredentialsProvider) { s.mu.Lock(); s.p = p; s.mu.Unlock() }

func (s *switchable) Retrieve(ctx context.Context) (aws.Credentials, error) {
	s.mu.Lock()
	p := s.p
	s.mu.Unlock()
	c, err := p.Retrieve(ctx)
	if err != nil {
		return c, err
	}
	c.CanExpire, c.Expires = true, time.Now().Add(-time.Second)
	return c, nil
}
