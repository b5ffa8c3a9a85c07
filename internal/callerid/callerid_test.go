package callerid_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func credsOf(accessKeyID string) aws.Credentials {
	return aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: personalizetest.SecretAccessKey, Source: "test"}
}

// stsCalls returns the number of STS requests the server received.
func stsCalls(s *personalizetest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServiceSTS {
			n++
		}
	}
	return n
}

// outcome is what a test compares: the caller, and which error, by kind.
type outcome struct {
	Caller callerid.Caller
	Err    string // "", "root", "denied", "refused-credentials", "check"
}

func outcomeOf(c callerid.Caller, err error) outcome {
	o := outcome{Caller: c}
	var root *callerid.RootCredentialsError
	var ce *callerid.CheckError
	switch {
	case err == nil:
	case errors.As(err, &root):
		o.Err = "root"
	case errors.As(err, &ce) && ce.AccessDenied():
		o.Err = "denied"
	case errors.As(err, &ce) && ce.CredentialsRefused():
		o.Err = "refused-credentials"
	case errors.As(err, &ce):
		o.Err = "check"
	default:
		o.Err = err.Error()
	}
	return o
}

func TestCheck(t *testing.T) {
	acct := personalizetest.AccountID
	tests := []struct {
		name      string
		creds     aws.Credentials
		deny      bool
		want      outcome
		wantCalls int
		wantInErr []string // the error's text contains each
		reason    string
	}{
		{name: "IAM user passes", creds: credsOf(personalizetest.AccessKeyID),
			want: outcome{Caller: callerid.Caller{Kind: callerid.User, Partition: "aws", Account: acct}}, wantCalls: 1,
			reason: "a least-privilege principal is what AWS asks for"},
		{name: "role session passes", creds: credsOf(personalizetest.AssumedRoleAccessKeyID),
			want: outcome{Caller: callerid.Caller{Kind: callerid.AssumedRole, Partition: "aws", Account: acct}}, wantCalls: 1,
			reason: "the recommended way to call AWS"},
		{name: "root refused", creds: credsOf(personalizetest.RootAccessKeyID),
			want: outcome{Caller: callerid.Caller{Kind: callerid.Root, Partition: "aws", Account: acct}, Err: "root"}, wantCalls: 1,
			wantInErr: []string{callerid.RuleRootCredentials, acct},
			reason:    "the root user has every privilege"},
		{name: "denied fails closed", creds: credsOf(personalizetest.AccessKeyID), deny: true,
			want: outcome{Err: "denied"}, wantCalls: 1,
			wantInErr: []string{"sts:GetCallerIdentity", "denied"},
			reason:    "a check that cannot run never passes"},
		{name: "unknown key fails closed", creds: credsOf("AKIDNOBODYKNOWS"),
			want: outcome{Err: "refused-credentials"}, wantCalls: 1,
			wantInErr: []string{"InvalidClientTokenId"},
			reason:    "STS refusing the credentials says nothing about who they are"},
		{name: "anonymous fails closed", creds: aws.Credentials{},
			want: outcome{Err: "check"}, wantCalls: 0,
			wantInErr: []string{"no access key ID"},
			reason:    "without a key the guard cannot tell who signs; no call is made"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := personalizetest.New(t)
			if tc.deny {
				s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
			}
			// The client's own credentials are the IAM user's: the check
			// must sign with the credentials it is given.
			c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
			caller, err := c.Check(context.Background(), tc.creds)
			if diff := cmp.Diff(tc.want, outcomeOf(caller, err)); diff != "" {
				t.Errorf("Check() mismatch (-want +got) (%s):\n%s", tc.reason, diff)
			}
			if got := stsCalls(s); got != tc.wantCalls {
				t.Errorf("Check() made %d STS calls, want %d", got, tc.wantCalls)
			}
			for _, w := range tc.wantInErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Check() = %v, want it to say %q", err, w)
				}
			}
			if err != nil && tc.creds.AccessKeyID != "" && (strings.Contains(err.Error(), tc.creds.AccessKeyID) || strings.Contains(err.Error(), tc.creds.SecretAccessKey)) {
				t.Errorf("Check() = %q, which repeats the access key", err)
			}
		})
	}
}

// TestCheckOneCallPerIdentity: N concurrent checks of one identity make one
// STS call; a new identity makes one more; the cached root answer is refused
// every time.
func TestCheckOneCallPerIdentity(t *testing.T) {
	s := personalizetest.New(t)
	c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
	ctx := context.Background()
	const n = 32
	for _, step := range []struct {
		creds     aws.Credentials
		wantErr   string
		wantCalls int
	}{
		{credsOf(personalizetest.AccessKeyID), "", 1},
		{credsOf(personalizetest.AccessKeyID), "", 1},
		{credsOf(personalizetest.RootAccessKeyID), "root", 2},
		{credsOf(personalizetest.RootAccessKeyID), "root", 2},
		{credsOf(personalizetest.AssumedRoleAccessKeyID), "", 3},
	} {
		var wg sync.WaitGroup
		errs := make([]outcome, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = outcomeOf(c.Check(ctx, step.creds))
			}()
		}
		wg.Wait()
		for i, o := range errs {
			if o.Err != step.wantErr {
				t.Errorf("Check #%d as %v = %q, want %q", i, o.Caller, o.Err, step.wantErr)
				break
			}
		}
		if got := stsCalls(s); got != step.wantCalls {
			t.Errorf("after %d checks of %v: %d STS calls in all, want %d", n, errs[0].Caller, got, step.wantCalls)
		}
	}
	// Forget asks again.
	c.Forget(credsOf(personalizetest.AccessKeyID))
	if _, err := c.Check(ctx, credsOf(personalizetest.AccessKeyID)); err != nil || stsCalls(s) != 4 {
		t.Errorf("Check after Forget = %v with %d STS calls in all, want nil and 4", err, stsCalls(s))
	}
}

// TestCheckFailureNotCached: a failed check is not cached as a pass; with
// FailureBackoff it keeps failing, without asking STS, until the back-off
// ends.
func TestCheckFailureNotCached(t *testing.T) {
	ctx := context.Background()
	user := credsOf(personalizetest.AccessKeyID)
	t.Run("no back-off", func(t *testing.T) {
		s := personalizetest.New(t)
		c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
		s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
		if _, err := c.Check(ctx, user); outcomeOf(callerid.Caller{}, err).Err != "denied" {
			t.Fatalf("denied Check = %v", err)
		}
		s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
		if _, err := c.Check(ctx, user); err != nil || stsCalls(s) != 2 {
			t.Errorf("Check after Allow = %v with %d STS calls, want nil and 2", err, stsCalls(s))
		}
	})
	t.Run("back-off", func(t *testing.T) {
		s := personalizetest.New(t)
		var mu sync.Mutex
		now := time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		c := callerid.NewChecker(sts.NewFromConfig(s.Config()), func(o *callerid.Options) {
			o.FailureBackoff, o.Now = time.Second, clock
		})
		s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
		for i := range 3 {
			if _, err := c.Check(ctx, user); outcomeOf(callerid.Caller{}, err).Err != "denied" {
				t.Fatalf("Check #%d in the back-off = %v, want denied", i, err)
			}
		}
		if got := stsCalls(s); got != 1 {
			t.Errorf("3 checks in the back-off made %d STS calls, want 1", got)
		}
		s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
		mu.Lock()
		now = now.Add(time.Second)
		mu.Unlock()
		if _, err := c.Check(ctx, user); err != nil || stsCalls(s) != 2 {
			t.Errorf("Check after the back-off = %v with %d STS calls, want nil and 2", err, stsCalls(s))
		}
	})
}

// fakeSTS answers GetCallerIdentity with fixed values.
type fakeSTS struct {
	out *sts.GetCallerIdentityOutput
	err error
}

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return f.out, f.err
}

// TestCheckOddAnswers: answers STS never gives fail closed, never pass.
func TestCheckOddAnswers(t *testing.T) {
	tests := []struct {
		name      string
		client    callerid.GetCallerIdentityAPIClient
		wantInErr string
	}{
		{"no output", fakeSTS{}, "without an ARN"},
		{"no ARN", fakeSTS{out: &sts.GetCallerIdentityOutput{Account: aws.String("111122223333")}}, "without an ARN"},
		{"role ARN", fakeSTS{out: &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:iam::111122223333:role/r")}}, "not a root, IAM user"},
		{"garbage", fakeSTS{out: &sts.GetCallerIdentityOutput{Arn: aws.String("root")}}, "not a root, IAM user"},
		{"other account", fakeSTS{out: &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:iam::111122223333:user/u"), Account: aws.String("444455556666")}}, "account other"},
		{"transport error", fakeSTS{err: errors.New("dial tcp: connection refused")}, "a reachable STS"},
		{"nil client", nil, "no STS client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := callerid.NewChecker(tc.client).Check(context.Background(), credsOf("AKIDANY"))
			var ce *callerid.CheckError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("Check() = %v, want a *CheckError that says %q", err, tc.wantInErr)
			}
			if err != nil && strings.Contains(err.Error(), "AKIDANY") {
				t.Errorf("Check() = %q, which repeats the access key ID", err)
			}
		})
	}
}

// TestCheckContext: a caller whose context ends stops waiting; the flight
// it started still answers the next caller.
func TestCheckContext(t *testing.T) {
	s := personalizetest.New(t)
	c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Check(ctx, credsOf(personalizetest.RootAccessKeyID)); !errors.Is(err, context.Canceled) {
		// The flight may win the race and answer first; it must then refuse.
		if outcomeOf(callerid.Caller{}, err).Err != "root" {
			t.Errorf("Check(cancelled ctx) = %v, want context.Canceled or the root refusal", err)
		}
	}
	var root *callerid.RootCredentialsError
	if _, err := c.Check(context.Background(), credsOf(personalizetest.RootAccessKeyID)); !errors.As(err, &root) || root.Account != personalizetest.AccountID || root.Rule() != callerid.RuleRootCredentials {
		t.Errorf("Check() = %v, want *RootCredentialsError for account %s", err, personalizetest.AccountID)
	}
}

// TestCheckTTL: an answer is reused for the TTL, then asked for again.
func TestCheckTTL(t *testing.T) {
	s := personalizetest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	c := callerid.NewChecker(sts.NewFromConfig(s.Config()), func(o *callerid.Options) {
		o.TTL = time.Minute
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	ctx := context.Background()
	user := credsOf(personalizetest.AccessKeyID)
	for _, step := range []struct {
		advance   time.Duration
		wantCalls int
	}{
		{0, 1},
		{59 * time.Second, 1},
		{time.Second, 2},
		{30 * time.Second, 2},
	} {
		advance(step.advance)
		if _, err := c.Check(ctx, user); err != nil {
			t.Fatal(err)
		}
		if got := stsCalls(s); got != step.wantCalls {
			t.Errorf("after +%v: %d STS calls in all, want %d", step.advance, got, step.wantCalls)
		}
	}
}

func TestCached(t *testing.T) {
	static := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return aws.Credentials{AccessKeyID: "AKIDX"}, nil })
	c := callerid.Cached(static)
	if _, ok := c.(*aws.CredentialsCache); !ok {
		t.Fatalf("Cached(bare provider) = %T, want an *aws.CredentialsCache", c)
	}
	if again := callerid.Cached(c); again != c {
		t.Error("Cached(cache) wrapped the cache again")
	}
	if callerid.Cached(nil) != nil {
		t.Error("Cached(nil) != nil")
	}
	if _, ok := callerid.Cached(aws.AnonymousCredentials{}).(aws.AnonymousCredentials); !ok {
		t.Error("Cached(anonymous) is not anonymous: the SDK leaves anonymous credentials unwrapped")
	}
	// A static provider held by value cannot change: no cache is needed
	// for the check and the signer to read the same key. One held by
	// pointer can, and is wrapped.
	byValue := credentials.NewStaticCredentialsProvider("AKIDSTATIC", "secret", "")
	if got, ok := callerid.Cached(byValue).(credentials.StaticCredentialsProvider); !ok || got.Value != byValue.Value {
		t.Errorf("Cached(static provider) = %T, want the provider itself", callerid.Cached(byValue))
	}
	if _, ok := callerid.Cached(&byValue).(*aws.CredentialsCache); !ok {
		t.Errorf("Cached(*static provider) = %T, want an *aws.CredentialsCache", callerid.Cached(&byValue))
	}
}
