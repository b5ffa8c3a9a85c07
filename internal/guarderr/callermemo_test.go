package guarderr

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
)

// scriptedSTS answers GetCallerIdentity per access key ID from a table the
// test changes as it goes, and counts the calls.
type scriptedSTS struct {
	answers map[string]string // access key ID -> the caller's ARN; absent: the call fails
	calls   int
}

func (s *scriptedSTS) GetCallerIdentity(_ context.Context, _ *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	s.calls++
	var o sts.Options
	for _, fn := range optFns {
		fn(&o)
	}
	creds, err := o.Credentials.Retrieve(context.Background())
	if err != nil {
		return nil, err
	}
	arn, ok := s.answers[creds.AccessKeyID]
	if !ok {
		return nil, errors.New("throttled")
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String(arn), Account: aws.String("111122223333")}, nil
}

// scriptedCreds returns whatever the test last set.
type scriptedCreds struct {
	id  string
	err error
}

func (p *scriptedCreds) Retrieve(context.Context) (aws.Credentials, error) {
	if p.err != nil {
		return aws.Credentials{}, p.err
	}
	return aws.Credentials{AccessKeyID: p.id, SecretAccessKey: "secret"}, nil
}

// callerOutcome is what the differential test compares of one check.
type callerOutcome struct {
	Key, Rule, Reason, Summary string
	Refused                    bool
}

func callerOutcomeOf(key string, sg *SafeguardError) callerOutcome {
	o := callerOutcome{Key: key}
	if sg != nil {
		o.Refused, o.Rule, o.Reason = true, sg.Rule, sg.Reason
		if sg.Err != nil {
			o.Summary = Summary(sg.Err)
		}
	}
	return o
}

// TestCheckCallerMemoDifferential holds CheckCaller through a memo to
// CheckCaller without one, the reference: two checkers on one clock, each with its own scripted STS,
// see the same random sequence of credentials (users, the root user, a
// rotation, anonymous ones, a provider that fails), STS answers that
// change or fail, Forget, and the clock moving across the TTL. Every step
// must give the same key and refusal, and the same number of STS calls.
func TestCheckCallerMemoDifferential(t *testing.T) {
	const ttl = time.Minute
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		now := time.Unix(1_700_000_000, 0)
		clock := func() time.Time { return now }
		newSTS := func() *scriptedSTS {
			return &scriptedSTS{answers: map[string]string{
				"AKIAUSER1": "arn:aws:iam::111122223333:user/alice",
				"AKIAUSER2": "arn:aws:sts::111122223333:assumed-role/app/session",
				"AKIAROOT0": "arn:aws:iam::111122223333:root",
			}}
		}
		refSTS, memoSTS := newSTS(), newSTS()
		ref := callerid.NewChecker(refSTS, func(o *callerid.Options) { o.TTL, o.Now = ttl, clock })
		memoized := callerid.NewChecker(memoSTS, func(o *callerid.Options) { o.TTL, o.Now = ttl, clock })
		var memo callerid.Memo
		creds := &scriptedCreds{id: "AKIAUSER1"}
		ids := []string{"AKIAUSER1", "AKIAUSER2", "AKIAROOT0", "AKIAUNKNOWN", ""}
		for step := range 300 {
			switch r := rng.IntN(20); {
			case r < 3:
				creds.id, creds.err = ids[rng.IntN(len(ids))], nil
			case r == 3:
				creds.err = errors.New("expired")
			case r == 4:
				creds.err = nil
			case r < 8:
				now = now.Add(time.Duration(rng.Int64N(int64(ttl))))
			case r == 8:
				// STS now says something else of an identity (it never
				// does in AWS): a stale answer would show.
				id, arn, drop := ids[rng.IntN(3)], "arn:aws:iam::111122223333:root", rng.IntN(4) == 0
				if rng.IntN(2) == 0 {
					arn = "arn:aws:iam::111122223333:user/u" + strconv.Itoa(step)
				}
				for _, s := range []*scriptedSTS{refSTS, memoSTS} {
					if drop {
						delete(s.answers, id)
					} else {
						s.answers[id] = arn
					}
				}
			case r == 9:
				c := aws.Credentials{AccessKeyID: ids[rng.IntN(len(ids))]}
				ref.Forget(c)
				memoized.Forget(c)
			}
			var p aws.CredentialsProvider = creds
			if rng.IntN(50) == 0 {
				p = nil
			}
			want := callerOutcomeOf(CheckCaller(context.Background(), "CreateDatasetGroup", ref, p, "the credentials", nil))
			got := callerOutcomeOf(CheckCaller(context.Background(), "CreateDatasetGroup", memoized, p, "the credentials", &memo))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("seed %d step %d: CheckCaller through a memo differs from CheckCaller without one (-want +got):\n%s", seed, step, diff)
			}
			if refSTS.calls != memoSTS.calls {
				t.Fatalf("seed %d step %d: STS calls: reference %d, memo %d", seed, step, refSTS.calls, memoSTS.calls)
			}
		}
	}
}

// TestCheckCallerMemoOtherChecker: a memo filled through one checker is
// not read through another, which has not checked the key.
func TestCheckCallerMemoOtherChecker(t *testing.T) {
	users := &scriptedSTS{answers: map[string]string{"AKIAUSER1": "arn:aws:iam::111122223333:user/alice"}}
	roots := &scriptedSTS{answers: map[string]string{"AKIAUSER1": "arn:aws:iam::111122223333:root"}}
	a, b := callerid.NewChecker(users), callerid.NewChecker(roots)
	var memo callerid.Memo
	creds := &scriptedCreds{id: "AKIAUSER1"}
	if _, sg := CheckCaller(context.Background(), "Op", a, creds, "the credentials", &memo); sg != nil {
		t.Fatalf("first checker refused: %v", sg)
	}
	_, sg := CheckCaller(context.Background(), "Op", b, creds, "the credentials", &memo)
	if sg == nil || sg.Rule != RuleRootCredentials {
		t.Fatalf("second checker: got %v, want a %s refusal", sg, RuleRootCredentials)
	}
}
