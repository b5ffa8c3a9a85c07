package kms

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

// multiKMS routes each call to the fake of its KeyId, so that one Checker
// serves several keys with different policies.
type multiKMS map[string]*fakeKMS

func (m multiKMS) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, o ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return m[aws.ToString(in.KeyId)].DescribeKey(ctx, in, o...)
}

func (m multiKMS) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, o ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	return m[aws.ToString(in.KeyId)].GetKeyRotationStatus(ctx, in, o...)
}

func (m multiKMS) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, o ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return m[aws.ToString(in.KeyId)].GetKeyPolicy(ctx, in, o...)
}

func (m multiKMS) ListGrants(ctx context.Context, in *kms.ListGrantsInput, o ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	return m[aws.ToString(in.KeyId)].ListGrants(ctx, in, o...)
}

// reviewSources are SourceARNs across partitions, Regions, accounts and
// resource shapes, valid and not.
var reviewSources = append([]string{
	"arn:aws-us-gov:personalize:us-gov-west-1:111122223333:dataset-group/movies",
	"arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/prod-1",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/Movies",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/a/b:c/d",
	"arn:aws:personalize:us-east-1:111122223333:",
	"arn:aws:personalize:us-east-1:111122223333",
	"arn:aws:Personalize:us-east-1:111122223333:dataset-group/movies",
	"arn:aws:personalize:US-EAST-1:111122223333:dataset-group/movies",
	"arn:aws:personalize:us-east-1:11112222333:dataset-group/movies",
	"arn:aws:personalize::111122223333:dataset-group/movies",
	"",
}, fastSources...)

var reviewPatterns = append([]string{
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/M*",
	"arn:aws*:personalize:*:111122223333:dataset-group/*",
	"arn:aws-??:personalize:*:*:*",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/a/b:c/*",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/*:*",
	"arn:aws:personalize:*:*:dataset-group/?*",
	"arn:aws:personalize:us-east-1:*",
	"*:*:*:*:*:*",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/${?}",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/${$}",
}, fastPatterns...)

var reviewOps = append([]string{
	"ForAllValues:ArnLike", "ForAllValues:StringLike", "ForAnyValue:ArnNotLike", "StringNotLikeIfExists",
	"ArnLikeIfExists", "StringNotEquals", "ForAllValues:StringNotEquals", "Null",
}, fastOps...)

// reviewPolicy is a random key policy with aws:SourceArn conditions in
// Allow and Deny statements, sometimes with NotPrincipal, NotAction or
// NotResource, and sometimes a condition on an encryption context key.
func reviewPolicy(t testing.TB, rng *rand.Rand) string {
	t.Helper()
	stmts := []string{rootAdmin}
	if rng.IntN(4) != 0 {
		stmts = append(stmts, roleFive)
	}
	for range 1 + rng.IntN(3) {
		conds := map[string][]string{}
		for range 1 + rng.IntN(2) {
			op := reviewOps[rng.IntN(len(reviewOps))]
			v := reviewPatterns[rng.IntN(len(reviewPatterns))]
			if op == "Null" {
				v = []string{"true", "false"}[rng.IntN(2)]
			}
			conds[op] = append(conds[op], v)
		}
		effect := []string{"Allow", "Deny"}[rng.IntN(2)]
		b, err := json.Marshal(sourceConds(conds))
		if err != nil {
			t.Fatal(err)
		}
		cond := string(b)
		if rng.IntN(6) == 0 {
			cond = `{"StringEquals":{"kms:EncryptionContext:aws:personalize:dataset-group":"x"},` + cond[1:]
		}
		action, resource, principal := `"Action":`+allActions, `"Resource":"*"`, `"Principal":{"Service":"personalize.amazonaws.com"}`
		switch rng.IntN(8) {
		case 0:
			action = `"NotAction":"kms:ScheduleKeyDeletion"`
		case 1:
			resource = `"NotResource":"arn:aws:kms:us-east-1:444455556666:key/*"`
		case 2:
			principal = `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`
		}
		stmts = append(stmts, `{"Effect":"`+effect+`",`+principal+`,`+action+`,`+resource+`,"Condition":`+cond+`}`)
		if effect == "Deny" && rng.IntN(2) == 0 {
			stmts = append(stmts, `{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":`+allActions+`,"Resource":"*"}`)
		}
	}
	return policy(stmts...)
}

func sourceConds(conds map[string][]string) map[string]map[string][]string {
	c := map[string]map[string][]string{}
	for op, vals := range conds {
		c[op] = map[string][]string{"aws:SourceArn": vals}
	}
	return c
}

func TestReviewCheckerMatchesCheckAcrossKeysAndTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	keyA := testKeyARN
	keyB := "arn:aws:kms:us-east-1:111122223333:key/" + testMRKID
	keyW := "arn:aws:kms:eu-west-1:111122223333:key/" + testKeyID // wrong Region
	roles := []string{testRole, "arn:aws:iam::111122223333:role/Other", "arn:aws:iam::444455556666:role/service-role/PersonalizeRole"}
	accounts := []string{"", testAccount, "444455556666"}
	for round := range reviewRounds {
		clk := &testClock{now: time.Unix(1_800_000_000, 0)}
		m := multiKMS{}
		for _, k := range []string{keyA, keyB, keyW} {
			m[k] = &fakeKMS{md: goodMetadata(), rotation: true, policy: reviewPolicy(t, rng)}
			if rng.IntN(3) == 0 {
				g := grantTo(1, "personalize.amazonaws.com", types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey)
				g.Constraints = &types.GrantConstraints{SourceArn: aws.String(reviewSources[rng.IntN(len(reviewSources))])}
				m[k].grants = []types.GrantListEntry{g}
			}
		}
		const ttl = 3 * time.Second
		c := NewChecker(m, func(o *CheckerOptions) { o.TTL, o.Now = ttl, clk.Now })
		keys := []string{keyA, keyB, keyW}
		for i := range 120 {
			switch rng.IntN(12) {
			case 0: // the policy changes, and the caller says so
				k := keys[rng.IntN(len(keys))]
				m[k].policy = reviewPolicy(t, rng)
				c.Forget(CheckInput{KeyARN: k, Region: "us-east-1"})
			case 1: // the policy changes, and the TTL passes
				k := keys[rng.IntN(len(keys))]
				m[k].policy = reviewPolicy(t, rng)
				clk.Advance(ttl)
			case 2:
				clk.Advance(time.Duration(rng.IntN(1000)) * time.Millisecond)
			}
			in := goodInput()
			in.KeyARN = keys[rng.IntN(len(keys))]
			in.RoleARN = roles[rng.IntN(len(roles))]
			in.AccountID = accounts[rng.IntN(len(accounts))]
			in.Exports = rng.IntN(4) == 0
			in.SourceARN = reviewSources[rng.IntN(len(reviewSources))]
			if rng.IntN(2) == 0 && in.SourceARN != "" {
				in.SourceARN += []string{"x", "日", ":", "/", "*"}[rng.IntN(5)]
			}
			// Only facts asked within the TTL may serve; the reference
			// asks now. A Forget is exact only for its Region, so the
			// expectation is about fresh facts whenever the policy moved.
			want, wantErr := Check(context.Background(), m[in.KeyARN], in)
			got, gotErr := c.Check(context.Background(), in)
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Fatalf("round %d call %d %+v: Checker.Check error %v, Check error %v", round, i, in, gotErr, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("round %d call %d %+v, policy %s: Checker.Check differs from Check (-want +got):\n%s", round, i, in, m[in.KeyARN].policy, diff)
			}
		}
	}
}

var reviewRounds = 25

// Concurrent callers with different keys, roles, accounts and SourceARNs,
// with Forget in between, each get uncached Check's report (run with -race).
func TestReviewCheckerConcurrentMixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	keys := []string{testKeyARN, "arn:aws:kms:us-east-1:111122223333:key/" + testMRKID}
	roles := []string{testRole, "arn:aws:iam::111122223333:role/Other"}
	accounts := []string{"", testAccount}
	m := multiKMS{}
	for _, k := range keys {
		m[k] = &fakeKMS{md: goodMetadata(), rotation: true, policy: reviewPolicy(t, rng)}
	}
	type call struct {
		in   CheckInput
		want posture.Report
	}
	var calls []call
	for range 400 {
		in := goodInput()
		in.KeyARN, in.RoleARN = keys[rng.IntN(len(keys))], roles[rng.IntN(len(roles))]
		in.AccountID, in.Exports = accounts[rng.IntN(len(accounts))], rng.IntN(3) == 0
		in.SourceARN = reviewSources[rng.IntN(len(reviewSources))]
		want, err := Check(context.Background(), m[in.KeyARN], in)
		if err != nil {
			continue // invalid inputs are the sequential harness's
		}
		calls = append(calls, call{in, want})
	}
	c := NewChecker(m, func(o *CheckerOptions) { o.TTL = 20 * time.Second }) // timed facts
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range len(calls) {
				cl := calls[(g*53+i)%len(calls)]
				if g == 0 && i%37 == 0 {
					c.Forget(cl.in)
				}
				got, err := c.Check(context.Background(), cl.in)
				if err != nil {
					errs <- err.Error()
					return
				}
				if diff := cmp.Diff(cl.want, got); diff != "" {
					errs <- fmt.Sprintf("%+v: (-want +got)\n%s", cl.in, diff)
					return
				}
				if len(got.Findings) > 0 {
					got.Findings[0].Message = "mutated by a caller" // must not reach another caller
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// The remembered validation (last input, last SourceARN head) accepts and
// refuses exactly what CheckInput.validate does, whatever came before:
// heads validated for one AccountID, Region or key are not reused for
// another, and a head is no licence for an empty or overlong resource.
func TestReviewValidatedMatchesValidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	keys := []string{testKeyARN, "arn:aws:kms:eu-west-1:111122223333:key/" + testMRKID, "arn:aws:kms:us-east-1:111122223333:alias/x"}
	regions := []string{"us-east-1", "eu-west-1", "US-EAST-1"}
	accounts := []string{"", testAccount, "444455556666", "12345"}
	sources := append([]string{
		"arn:aws:personalize:us-east-1:444455556666:dataset-group/x",
		"arn:aws:personalize:us-east-1:111122223333:" + strings.Repeat("x", maxIdentifierLength),
	}, reviewSources...)
	c := NewChecker(goodFake(t))
	for i := range 20000 {
		in := goodInput()
		in.KeyARN = keys[rng.IntN(len(keys))]
		in.Region = regions[rng.IntN(len(regions))]
		in.AccountID = accounts[rng.IntN(len(accounts))]
		in.SourceARN = sources[rng.IntN(len(sources))]
		if rng.IntN(3) == 0 && in.SourceARN != "" {
			in.SourceARN += []string{"y", ":", "日"}[rng.IntN(3)]
		}
		_, wantErr := in.validate()
		_, gotErr := c.validated(&in)
		if diff := cmp.Diff(fmt.Sprint(wantErr), fmt.Sprint(gotErr)); diff != "" {
			t.Fatalf("call %d %+v: validated's error differs from validate's (-want +got):\n%s", i, in, diff)
		}
	}
}
