package kms

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
)

// TestCheckerMatchesCheck is the property the Checker's reuse rests on: for
// any input, the cached path (facts fetched once, reports reused per input
// class) returns exactly what an uncached Check returns. Keys carry policies
// and grants whose outcome hinges on aws:SourceArn in every way IAM and KMS
// allow, and the inputs mix roles, accounts, exports and SourceARNs that
// fall on both sides of each test, in a random order so that reused and
// fresh evaluations interleave.
func TestCheckerMatchesCheck(t *testing.T) {
	const (
		dg     = "arn:aws:personalize:us-east-1:111122223333:dataset-group/"
		svc    = `"Principal":{"Service":"personalize.amazonaws.com"},"Action":` + allActions + `,"Resource":"*"`
		svcAll = `{"Effect":"Allow",` + svc + `}`
	)
	cond := func(effect, c string) string { return `{"Effect":"` + effect + `",` + svc + `,"Condition":` + c + `}` }
	serviceGrant := func(id int, sourceARN string, ops ...types.GrantOperation) types.GrantListEntry {
		g := grantTo(id, "personalize.amazonaws.com", ops...)
		g.Constraints = &types.GrantConstraints{SourceArn: aws.String(sourceARN)}
		return g
	}
	many := make([]string, maxSourcePreds+10) // more tests than a class records: memoised per SourceARN
	for i := range many {
		many[i] = `"` + dg + "prod-" + strconv.Itoa(i) + `"`
	}
	all := []types.GrantOperation{types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey, types.GrantOperationDescribeKey, types.GrantOperationCreateGrant}
	keys := []struct {
		name   string
		policy string
		grants []types.GrantListEntry
	}{
		{name: "generated policy", policy: policy(rootAdmin, svcFive, roleFive)},
		{name: "one dataset group by StringEquals", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringEquals":{"aws:SourceArn":"`+dg+`movies"}}`))},
		{name: "a name prefix by StringLike", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringLike":{"aws:SourceArn":["`+dg+`prod-*","`+dg+`m?vies"]}}`))},
		{name: "lower-case key, IgnoreCase", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringEqualsIgnoreCase":{"aws:sourcearn":"`+dg+`MOVIES"}}`))},
		{name: "deny outside a prefix", policy: policy(rootAdmin, roleFive, svcAll, cond("Deny", `{"ArnNotLike":{"aws:SourceArn":"`+dg+`prod-*"}}`))},
		{name: "deny one group, IfExists", policy: policy(rootAdmin, roleFive, svcAll, cond("Deny", `{"StringEqualsIfExists":{"aws:SourceArn":"`+dg+`blocked"}}`))},
		{name: "Null and ForAnyValue", policy: policy(rootAdmin, roleFive, cond("Allow", `{"Null":{"aws:SourceArn":"false"},"ForAnyValue:StringLike":{"aws:SourceArn":"*:dataset-group/m*"}}`))},
		{name: "policy variable and unknown operator", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringLike":{"aws:SourceArn":"${aws:username}"},"BinaryEquals":{"aws:SourceArn":"eA=="}}`))},
		{name: "source conditions with SourceAccount", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnEquals":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:dataset-group/*"}}`))},
		{
			name:   "service grants per dataset group",
			policy: policy(rootAdmin, roleFive),
			grants: []types.GrantListEntry{
				serviceGrant(1, dg+"movies", all...),
				serviceGrant(2, dg+"prod-1", types.GrantOperationDecrypt),
				grantTo(3, testRole, types.GrantOperationDecrypt),
				grantTo(4, "arn:aws:iam::444455556666:role/Stranger", types.GrantOperationEncrypt),
			},
		},
		{name: "public policy", policy: policy(rootAdmin, roleFive, `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"`+dg+`*"}}}`)},
		{name: "unparsable policy", policy: `{"Statement":`},
		{name: "more SourceArn values than a class records", policy: policy(rootAdmin, roleFive, cond("Allow", `{"StringEquals":{"aws:SourceArn":[`+strings.Join(many, ",")+`]}}`))},
	}
	sources := []string{
		"", dg + "movies", dg + "MOVIES", dg + "mavies", dg + "blocked", dg + "prod-1", dg + "prod-2", dg + "prod-",
		dg + "other", "arn:aws:personalize:us-west-2:111122223333:dataset-group/movies",
		"arn:aws:personalize:us-east-1:444455556666:dataset-group/movies", "arn:aws:personalize:us-east-1:111122223333:solution/movies",
	}
	roles := []string{testRole, "arn:aws:iam::111122223333:role/Other", "arn:aws:iam::444455556666:role/Stranger"}
	accounts := []string{"", testAccount, "444455556666"}

	rng := rand.New(rand.NewPCG(17, 10))
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			f := &fakeKMS{md: goodMetadata(), rotation: true, policy: k.policy, grants: k.grants}
			c := NewChecker(f)
			checked, classes := 0, map[string]bool{}
			for i := range 200 {
				in := goodInput()
				in.RoleARN = roles[rng.IntN(len(roles))]
				in.AccountID = accounts[rng.IntN(len(accounts))]
				in.Exports = rng.IntN(2) == 0
				in.SourceARN = sources[rng.IntN(len(sources))]
				if rng.IntN(3) == 0 && in.SourceARN != "" {
					in.SourceARN += "-" + string(rune('a'+rng.IntN(26))) // a name not seen before, maybe
				}
				want, wantErr := Check(context.Background(), f, in)
				got, gotErr := c.Check(context.Background(), in)
				if (wantErr != nil) != (gotErr != nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
					t.Fatalf("input %d %+v: Checker.Check error %v, Check error %v", i, in, gotErr, wantErr)
				}
				if wantErr == nil {
					checked++
					classes[fmt.Sprint(want)] = true
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("input %d %+v: Checker.Check differs from Check (-want +got):\n%s", i, in, diff)
				}
			}
			if got, want := f.describes.Load(), int64(checked+1); got != want {
				t.Errorf("DescribeKey calls = %d, want %d (one per uncached Check, one for the Checker)", got, want)
			}
			t.Logf("%d inputs checked, %d distinct reports", checked, len(classes))
		})
	}
}

// Past the memo's bound the Checker evaluates each input afresh: still the
// same reports, still no new KMS call.
func TestCheckerBeyondMemo(t *testing.T) {
	f := goodFake(t)
	c := NewChecker(f)
	for i := range maxMemo + 50 {
		in := goodInput()
		in.RoleARN = "arn:aws:iam::111122223333:role/R" + strconv.Itoa(i) // a class of its own
		want, err := Check(context.Background(), f, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Check(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("role %d: Checker.Check differs from Check (-want +got):\n%s", i, diff)
		}
	}
	if got, want := f.describes.Load(), int64(maxMemo+50+1); got != want {
		t.Errorf("DescribeKey calls = %d, want %d (one per uncached Check, one for the Checker)", got, want)
	}
}
