package kms

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
)

// The per-call step (classOf with its head results kept per head, the
// Checker's hot facts and hot class) must give what the full evaluation
// gives. These tests compare the two on generated policies and SourceARNs,
// including ones that must fail: another account or Region, another
// resource type, and glob edge cases ('*', '?', "${*}", multi-byte names).

// refClass is classOf without the split tests: every test on the whole
// SourceARN, as iampolicy.ValueMatcher makes it.
func refClass(f *keyFacts, in *CheckInput) inputClass {
	cl := inputClass{role: in.RoleARN, account: in.AccountID, exports: in.Exports, hasSource: in.SourceARN != ""}
	if !cl.hasSource {
		return cl
	}
	if len(f.sourcePreds) > maxSourcePreds {
		cl.exact = in.SourceARN
		return cl
	}
	for i, match := range f.sourceMatch {
		if match(in.SourceARN) {
			cl.sig[i/64] |= 1 << (i % 64)
		}
	}
	return cl
}

const fastDG = "arn:aws:personalize:us-east-1:111122223333:dataset-group/"

// fastPatterns are aws:SourceArn condition values in every compiled shape.
var fastPatterns = []string{
	"arn:aws:personalize:us-east-1:111122223333:*",
	"arn:aws:personalize:*:111122223333:*",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/*",
	"arn:aws:personalize:us-*:111122223333:dataset-group/prod-*",
	"arn:aws:personalize:us-east-?:111122223333:dataset-group/m?vies",
	"arn:*:personalize:*:*:*",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}*",
	"arn:aws:personalize:us-east-1:111122223333:*/movies",
	"arn:aws:personalize:us-east-1:111122223333:*:*",
	"arn:aws:personalize:us-east-1:444455556666:*",
	"arn:aws:personalize:eu-west-1:111122223333:*",
	"arn:aws:personalize:us-east-1:111122223333",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/日*",
	fastDG + "movies", fastDG, "*", "", "*:dataset-group/m*", "?*", "${*}",
}

// fastSources are SourceARNs on both sides of those patterns, with several
// heads so that the head results are replaced as the calls go.
var fastSources = []string{
	fastDG + "movies", fastDG + "mavies", fastDG + "m日vies", fastDG + "prod-1", fastDG + "prod-", fastDG + "${*}",
	fastDG + "${x}", fastDG + "${*}x", fastDG + "a:b", fastDG + "a:movies", fastDG + "日本", fastDG + "x/movies",
	"arn:aws:personalize:us-east-1:111122223333:solution/movies",
	"arn:aws:personalize:us-east-2:111122223333:dataset-group/movies",
	"arn:aws:personalize:eu-west-1:111122223333:dataset-group/prod-1",
	"arn:aws:personalize:us-east-1:444455556666:dataset-group/movies",
	"arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/movies",
	"arn:aws:personalize:us-east-1:111122223333:*",
}

var fastOps = []string{
	"ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEqualsIfExists", "ForAnyValue:ArnLike", "ArnLikeIfExists",
	"StringLike", "StringNotLike", "StringEquals", "StringEqualsIgnoreCase", "ForAnyValue:StringLike",
}

// conditionPolicy is a key policy whose service statement is conditioned on
// aws:SourceArn under each (op, pattern) pair, besides the usual role
// statement.
func conditionPolicy(t testing.TB, effect string, conds map[string][]string) string {
	t.Helper()
	c := map[string]map[string][]string{}
	for op, vals := range conds {
		c[op] = map[string][]string{"aws:SourceArn": vals}
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	svc := `{"Effect":"` + effect + `","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*","Condition":` + string(b) + `}`
	if effect == "Deny" {
		svc += `,{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*"}`
	}
	return policy(rootAdmin, roleFive, svc)
}

// TestClassOfMatchesFullTests: for every operator and pattern, the class a
// SourceARN falls in is the one the whole-value tests give, whatever head
// the previous call left behind.
func TestClassOfMatchesFullTests(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, op := range fastOps {
		for _, pattern := range fastPatterns {
			fk := &fakeKMS{md: goodMetadata(), rotation: true, policy: conditionPolicy(t, "Allow", map[string][]string{op: {pattern}})}
			f, err := fetchKey(context.Background(), fk, mustKey(t), "us-east-1")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.sourcePreds) != 1 {
				t.Fatalf("%s %q: %d source tests, want 1", op, pattern, len(f.sourcePreds))
			}
			for range 3 * len(fastSources) {
				in := goodInput()
				in.SourceARN = fastSources[rng.IntN(len(fastSources))]
				if diff := cmp.Diff(refClass(f, &in), f.classOf(&in), cmp.AllowUnexported(inputClass{})); diff != "" {
					t.Fatalf("%s %q on %q: class mismatch (-want +got):\n%s", op, pattern, in.SourceARN, diff)
				}
			}
		}
	}
}

func mustKey(t testing.TB) KeyARN {
	t.Helper()
	k, err := ParseKeyARN(testKeyARN)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCheckerMatchesCheckGenerated: on random policies mixing the
// operators, patterns, Allow and Deny, and grants constrained to one
// SourceArn, the Checker's reports equal uncached Check's for random
// SourceARNs, accounts and roles, interleaved across two keys so that the
// hot facts and classes change hands.
func TestCheckerMatchesCheckGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	roles := []string{testRole, "arn:aws:iam::111122223333:role/Other"}
	accounts := []string{"", testAccount, "444455556666"}
	for round := range 40 {
		var fakes [2]*fakeKMS
		for i := range fakes {
			conds := map[string][]string{}
			for range 1 + rng.IntN(3) {
				op := fastOps[rng.IntN(len(fastOps))]
				conds[op] = append(conds[op], fastPatterns[rng.IntN(len(fastPatterns))])
			}
			effect := "Allow"
			if rng.IntN(3) == 0 {
				effect = "Deny"
			}
			fk := &fakeKMS{md: goodMetadata(), rotation: true, policy: conditionPolicy(t, effect, conds)}
			if rng.IntN(3) == 0 {
				g := grantTo(1, "personalize.amazonaws.com", types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey)
				g.Constraints = &types.GrantConstraints{SourceArn: aws.String(fastSources[rng.IntN(len(fastSources))])}
				fk.grants = []types.GrantListEntry{g}
			}
			fakes[i] = fk
		}
		// One Checker per fake: a Checker serves one client.
		checkers := [2]*Checker{NewChecker(fakes[0]), NewChecker(fakes[1])}
		for i := range 60 {
			k := rng.IntN(2)
			in := goodInput()
			in.RoleARN = roles[rng.IntN(len(roles))]
			in.AccountID = accounts[rng.IntN(len(accounts))]
			in.Exports = rng.IntN(4) == 0
			in.SourceARN = fastSources[rng.IntN(len(fastSources))]
			if rng.IntN(2) == 0 {
				in.SourceARN += strings.Repeat("x", rng.IntN(3)) // a new name on the same head
			}
			if rng.IntN(10) == 0 {
				in.SourceARN = ""
			}
			want, wantErr := Check(context.Background(), fakes[k], in)
			got, gotErr := checkers[k].Check(context.Background(), in)
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Fatalf("round %d input %d %+v: Checker.Check error %v, Check error %v", round, i, in, gotErr, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("round %d input %d %+v, policy %s: Checker.Check differs from Check (-want +got):\n%s", round, i, in, fakes[k].policy, diff)
			}
		}
	}
}

// FuzzCheckerSourceClass: for any operator, pattern and SourceARN, the
// Checker (warmed on another dataset group, so the head results and hot
// class are in place) reports what Check reports, and the class it files
// the input under is the whole-value tests' class.
func FuzzCheckerSourceClass(f *testing.F) {
	for i, p := range fastPatterns {
		f.Add(fastOps[i%len(fastOps)], p, fastSources[i%len(fastSources)])
	}
	f.Add("ArnLike", "arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}", fastDG+"${*}")
	f.Add("StringLike", "arn:aws:personalize:us-east-1:111122223333:dataset-group/m?vies", fastDG+"m日vies")
	f.Fuzz(func(t *testing.T, op, pattern, source string) {
		if len(pattern) > 512 || len(source) > 512 {
			t.Skip()
		}
		fk := &fakeKMS{md: goodMetadata(), rotation: true, policy: conditionPolicy(t, "Allow", map[string][]string{op: {pattern}})}
		c := NewChecker(fk)
		warm := goodInput()
		if _, err := c.Check(context.Background(), warm); err != nil {
			t.Fatal(err)
		}
		in := goodInput()
		in.SourceARN = source
		want, wantErr := Check(context.Background(), fk, in)
		got, gotErr := c.Check(context.Background(), in)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("Checker.Check error %v, Check error %v", gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Checker.Check differs from Check (-want +got):\n%s", diff)
		}
		if facts := c.last.Load().facts.Load(); facts != nil {
			if diff := cmp.Diff(refClass(facts, &in), facts.classOf(&in), cmp.AllowUnexported(inputClass{})); diff != "" {
				t.Fatalf("class mismatch (-want +got):\n%s", diff)
			}
		}
	})
}

// classOf is the class of in as report builds it inline (report compares
// its fields with the last class used before building one: 15–25% of a
// cached check, measured when it was tried as a call).
func (f *keyFacts) classOf(in *CheckInput) inputClass {
	cl := inputClass{role: in.RoleARN, account: in.AccountID, exports: in.Exports, hasSource: in.SourceARN != ""}
	cl.exact = f.sourceSig(in.SourceARN, &cl.sig)
	return cl
}
