package kms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/posture"
)

// problems is every text an IdentifierError's Problem may hold.
var problems = []string{"", problemEmpty, problemTooLong, problemNotARN, problemParts, problemService,
	problemPartition, problemRegion, problemAccount, problemResource, problemKeyID}

func FuzzParseKeyARN(f *testing.F) {
	for _, s := range []string{
		testKeyARN,
		"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + testMRKID,
		"arn:aws:kms:us-east-1:111122223333:alias/personalize",
		"alias/personalize", testKeyID, testMRKID, "", "arn:", "arn:::::", "arn:aws:kms:us-east-1:111122223333:key/",
		"arn:aws:kms:us-east-1:111122223333:key/" + testKeyID + ":extra", "arn:aws-:kms:us-east-1:111122223333:key/" + testKeyID,
		"arn:aws:kms:-1:111122223333:key/" + testKeyID, "arn:aws:kms:us-east-:111122223333:key/" + testKeyID,
		"4111111111111111", "arn:aws:kms:us-east-1:111122223333:key/\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 3*maxIdentifierLength {
			// Longer inputs all take the too-long path; skipping them keeps
			// the fuzzer on inputs that reach the parser.
			t.Skip()
		}
		k, err := ParseKeyARN(s)
		k2, err2 := ParseKeyARN(s)
		if k != k2 || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("ParseKeyARN is not deterministic")
		}
		kind := Identify(s)
		if err == nil {
			if kind != KeyARNKind {
				t.Fatalf("ParseKeyARN accepted what Identify calls %v", kind)
			}
			if got := k.String(); got != s {
				t.Fatalf("ParseKeyARN(s).String() = %q, want s back", got)
			}
			return
		}
		if kind == KeyARNKind {
			t.Fatalf("Identify says key ARN but ParseKeyARN rejects it: %v", err)
		}
		var ie *IdentifierError
		if !errors.As(err, &ie) {
			t.Fatalf("error %T is not an *IdentifierError", err)
		}
		// The message is a function of (Given, Problem), both from fixed
		// sets, so it cannot carry any part of the input.
		if ie.Given != kind || !slices.Contains(problems, ie.Problem) {
			t.Fatalf("IdentifierError{%v, %q} is outside the fixed set", ie.Given, ie.Problem)
		}
		if (ie.Given == UnknownKind) == (ie.Problem == "") {
			t.Fatalf("IdentifierError{%v, %q}: Problem must be set exactly for unknown identifiers", ie.Given, ie.Problem)
		}
		if want := (&IdentifierError{Given: ie.Given, Problem: ie.Problem}).Error(); err.Error() != want {
			t.Fatalf("error text %q depends on more than Given and Problem", err)
		}
		if len(s) >= 8 && strings.Contains(err.Error(), s) {
			t.Fatalf("error repeats the input")
		}
	})
}

// FuzzCheckKeyPolicy feeds arbitrary key policies through Check: whatever
// KMS answers, the check runs (no error, no panic), is deterministic, and
// every finding is complete, known and on one line.
func FuzzCheckKeyPolicy(f *testing.F) {
	for _, s := range []string{
		"", "{}", "null", `{"Statement":[]}`, `{"Statement":{}}`,
		policy(rootAdmin, svcFive, roleFive),
		policy(`{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`),
		policy(`{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"NotAction":"kms:Describe*","NotResource":"x"}`),
		policy(`{"Effect":"Allow","Principal":{"Service":["personalize.amazonaws.com"]},"Action":"kms:*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"kms:EncryptionContextKeys":["a\nb"]},"Null":{"aws:SourceArn":"false"}}}`),
		policy(`{"Effect":"Allow","Principal":{"AWS":["` + testRole + `"]},"Action":["kms:Generate*","kms:?ecrypt"],"Resource":"*","Condition":{"NumericLessThan":{"x":1.5},"Bool":{"y":true}}}`),
	} {
		f.Add(s, false)
	}
	in := goodInput()
	f.Fuzz(func(t *testing.T, doc string, exports bool) {
		fk := &fakeKMS{md: goodMetadata(), rotation: true, policy: doc}
		in := in
		in.Exports = exports
		rep, err := Check(context.Background(), fk, in)
		if err != nil {
			t.Fatalf("Check failed on a policy: %v", err)
		}
		again, _ := Check(context.Background(), &fakeKMS{md: goodMetadata(), rotation: true, policy: doc}, in)
		if !slices.Equal(rep.IDs(), again.IDs()) {
			t.Fatalf("Check is not deterministic: %v then %v", rep.IDs(), again.IDs())
		}
		for _, fi := range rep.Findings {
			if err := fi.Validate(); err != nil {
				t.Fatal(err)
			}
			if want, ok := wantSeverity[fi.ID]; !ok || want != fi.Severity {
				t.Fatalf("finding %s with severity %v is not in the contract", fi.ID, fi.Severity)
			}
			if strings.ContainsAny(fi.Message+fi.Remediation, "\n\r\x00") {
				t.Fatalf("finding %s spans lines: %q", fi.ID, fi.Message)
			}
		}
	})
}

// FuzzCheckGrants feeds an arbitrary grant (grantee, operations, constraint,
// name, ID) through Check on the good key: the check runs, is deterministic,
// every finding is complete, known and on one line, and the grant's Name,
// which is free text, never reaches a finding.
func FuzzCheckGrants(f *testing.F) {
	f.Add(testRole, "Decrypt,GenerateDataKey", "", "", "name", fmt.Sprintf("%064x", 1))
	f.Add("personalize.amazonaws.com", "DescribeKey", testSourceARN, "", "secret-4111111111111111", "")
	f.Add("arn:aws:iam::444455556666:root", "CreateGrant", "", "purpose", "n", "g\n1")
	f.Add("s3.amazonaws.com\x00", "Encrypt,Future", "x", "k", "", "0")
	f.Fuzz(func(t *testing.T, grantee, ops, sourceARN, contextKey, name, id string) {
		g := types.GrantListEntry{GrantId: aws.String(id), GranteePrincipal: aws.String(grantee), Name: aws.String(name)}
		for _, op := range strings.Split(ops, ",") {
			g.Operations = append(g.Operations, types.GrantOperation(op))
		}
		if sourceARN != "" || contextKey != "" {
			g.Constraints = &types.GrantConstraints{}
			if sourceARN != "" {
				g.Constraints.SourceArn = aws.String(sourceARN)
			}
			if contextKey != "" {
				g.Constraints.EncryptionContextSubset = map[string]string{contextKey: "v"}
			}
		}
		run := func() []posture.Finding {
			fk := goodFake(t)
			fk.grants = []types.GrantListEntry{g}
			rep, err := Check(context.Background(), fk, goodInput())
			if err != nil {
				t.Fatalf("Check failed on a grant: %v", err)
			}
			return rep.Findings
		}
		findings := run()
		if again := run(); !slices.EqualFunc(findings, again, func(a, b posture.Finding) bool { return a == b }) {
			t.Fatalf("Check is not deterministic")
		}
		for _, fi := range findings {
			if err := fi.Validate(); err != nil {
				t.Fatal(err)
			}
			if want, ok := wantSeverity[fi.ID]; !ok || want != fi.Severity {
				t.Fatalf("finding %s with severity %v is not in the contract", fi.ID, fi.Severity)
			}
			if strings.ContainsAny(fi.Message+fi.Remediation, "\n\r\x00") {
				t.Fatalf("finding %s spans lines: %q", fi.ID, fi.Message)
			}
			if len(name) >= 8 && !strings.Contains(grantee+ops+sourceARN+contextKey+id+testRole+testKeyARN, name) && strings.Contains(fi.Message+fi.Remediation, name) {
				t.Fatalf("finding %s repeats the grant name: %q", fi.ID, fi.Message)
			}
		}
	})
}
