package kms_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// These tests run Check against the KMS emulator inside personalizetest,
// through the real SDK client. AWS managed keys, custom key stores and
// throttling are covered by the fake in check_test.go.

const localSourceARN = "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset-group/movies"

func localInput(keyARN string) kms.CheckInput {
	return kms.CheckInput{
		KeyARN:    keyARN,
		RoleARN:   personalizetest.RoleARN,
		Region:    personalizetest.Region,
		AccountID: personalizetest.AccountID,
		SourceARN: localSourceARN,
	}
}

// createKey makes a key from in, or when in is nil one with the policy
// kms.PersonalizeKeyPolicy writes for the test role and rotation on, and
// applies mods.
func createKey(t *testing.T, c *awskms.Client, in *awskms.CreateKeyInput, mods ...func(arn string)) string {
	t.Helper()
	generated := in == nil
	if generated {
		pol, err := kms.PersonalizeKeyPolicy(kms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, Region: personalizetest.Region})
		if err != nil {
			t.Fatal(err)
		}
		in = &awskms.CreateKeyInput{Policy: aws.String(string(pol))}
	}
	out, err := c.CreateKey(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	arn := aws.ToString(out.KeyMetadata.Arn)
	if generated {
		if _, err := c.EnableKeyRotation(context.Background(), &awskms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
			t.Fatalf("EnableKeyRotation: %v", err)
		}
	}
	for _, m := range mods {
		m(arn)
	}
	return arn
}

func TestCheckEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	enableRotation := func(arn string) {
		must(c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: &arn}))
	}
	putPolicy := func(doc string) func(string) {
		return func(arn string) {
			must(c.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: &arn, PolicyName: aws.String("default"), Policy: aws.String(doc)}))
		}
	}
	scene, err := s.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		key    func() string
		input  func(*kms.CheckInput)
		want   []string
		reason string
	}{
		{
			name:   "key made with PersonalizeKeyPolicy",
			key:    func() string { return createKey(t, c, nil) },
			reason: "the generated policy, rotation on: nothing to report",
		},
		{
			name:   "generated policy with exports",
			key:    func() string { return createKey(t, c, nil) },
			input:  func(in *kms.CheckInput) { in.Exports = true },
			want:   []string{kms.FindingServiceNotAllowed, kms.FindingRoleViaIAM},
			reason: "a policy written without Exports lacks GenerateDataKeyWithoutPlaintext",
		},
		{
			name:   "personalizetest scene key",
			key:    func() string { return scene.KeyARN },
			input:  func(in *kms.CheckInput) { in.Exports = true },
			reason: "the scene's key (aws:SourceAccount only, all six actions) is ready",
		},
		{
			name:   "scene key without the account",
			key:    func() string { return scene.KeyARN },
			input:  func(in *kms.CheckInput) { in.AccountID = "" },
			want:   []string{kms.FindingServiceUncertain},
			reason: "without CheckInput.AccountID the aws:SourceAccount condition is reported, not assumed",
		},
		{
			name: "rotation off",
			key: func() string {
				return createKey(t, c, &awskms.CreateKeyInput{Policy: aws.String(scenePolicy(t))})
			},
			want:   []string{kms.FindingRotationDisabled},
			reason: "KMS.4",
		},
		{
			name: "disabled",
			key: func() string {
				return createKey(t, c, nil, func(arn string) { must(c.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: &arn})) })
			},
			want:   []string{kms.FindingKeyDisabled},
			reason: "a disabled key cannot encrypt",
		},
		{
			name: "pending deletion",
			key: func() string {
				return createKey(t, c, nil, func(arn string) {
					must(c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &arn, PendingWindowInDays: aws.Int32(7)}))
				})
			},
			want:   []string{kms.FindingKeyPendingDeletion},
			reason: "KMS.3",
		},
		{
			name: "deletion cancelled",
			key: func() string {
				return createKey(t, c, nil, func(arn string) {
					must(c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &arn, PendingWindowInDays: aws.Int32(7)}))
					must(c.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: &arn}))
				})
			},
			want:   []string{kms.FindingKeyDisabled},
			reason: "a key whose deletion was cancelled stays disabled until enabled",
		},
		{
			name: "pending import",
			key: func() string {
				return createKey(t, c, &awskms.CreateKeyInput{Origin: types.OriginTypeExternal, Policy: aws.String(scenePolicy(t))})
			},
			want:   []string{kms.FindingKeyPendingImport, kms.FindingRotationUnsupported},
			reason: "no key material yet; imported material cannot rotate automatically",
		},
		{
			name: "asymmetric",
			key: func() string {
				return createKey(t, c, &awskms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify, Policy: aws.String(scenePolicy(t))})
			},
			want:   []string{kms.FindingKeyNotSymmetric},
			reason: "a signing key cannot encrypt a dataset group",
		},
		{
			name:   "default key policy",
			key:    func() string { return createKey(t, c, &awskms.CreateKeyInput{}, enableRotation) },
			want:   []string{kms.FindingServiceNotAllowed, kms.FindingRoleViaIAM},
			reason: "KMS's default policy names only the account root",
		},
		{
			name: "public key policy",
			key: func() string {
				return createKey(t, c, nil, putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}`))
			},
			want:   []string{kms.FindingPolicyPublic},
			reason: "KMS.5",
		},
		{
			name: "Deny added to a good policy",
			key: func() string {
				doc := strings.Replace(scenePolicy(t), `"Statement": [`,
					`"Statement": [{"Effect":"Deny","Principal":"*","Action":["kms:CreateGrant","kms:ListGrants"],"Resource":"*"},`, 1)
				return createKey(t, c, nil, putPolicy(doc))
			},
			want:   []string{kms.FindingServiceDenied, kms.FindingRoleDenied},
			reason: "PutKeyPolicy with a Deny that overrides the grants",
		},
		{
			name:   "no such key",
			key:    func() string { return "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000" },
			want:   []string{kms.FindingKeyNotFound},
			reason: "NotFoundException is a finding",
		},
		{
			name:   "another Region",
			key:    func() string { return createKey(t, c, nil) },
			input:  func(in *kms.CheckInput) { in.Region = "eu-west-1" },
			want:   []string{kms.FindingKeyWrongRegion},
			reason: "the key's Region is not the dataset group's",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := localInput(tt.key())
			if tt.input != nil {
				tt.input(&in)
			}
			rep, err := kms.Check(ctx, c, in)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmp.Comparer(sameStrings)); diff != "" {
				var b strings.Builder
				_ = rep.WriteTable(&b)
				t.Errorf("Check finding IDs mismatch (-want +got) (%s):\n%s\n%s", tt.reason, diff, b.String())
			}
		})
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckEmulatorAccessDenied(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	arn := createKey(t, c, nil)
	for _, op := range []string{"DescribeKey", "GetKeyRotationStatus", "GetKeyPolicy", "ListGrants"} {
		t.Run(op, func(t *testing.T) {
			s.Deny(personalizetest.ServiceKMS, op)
			defer s.Allow(personalizetest.ServiceKMS, op)
			checker := kms.NewChecker(c)
			rep, err := checker.Check(ctx, localInput(arn))
			var ce *kms.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check with %s denied = %v, %v; want a *CheckError", op, rep.IDs(), err)
			}
			if ce.Operation != op || ce.Permission != "kms:"+op || !ce.AccessDenied() {
				t.Errorf("CheckError = {%s %s denied=%v}, want {%s kms:%s denied=true}", ce.Operation, ce.Permission, ce.AccessDenied(), op, op)
			}
			if !strings.Contains(err.Error(), "the caller needs kms:"+op) {
				t.Errorf("error %q does not say which permission the caller lacks", err)
			}
			// Not cached: once allowed, the same Checker passes.
			s.Allow(personalizetest.ServiceKMS, op)
			if rep, err := checker.Check(ctx, localInput(arn)); err != nil || len(rep.Findings) != 0 {
				t.Errorf("Check after allowing %s = %v, %v; want a clean report", op, rep.IDs(), err)
			}
		})
	}
}

func TestResolveKeyARNEmulator(t *testing.T) {
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	ctx := context.Background()
	arn := createKey(t, c, nil)
	if _, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/personalize-data"), TargetKeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	want, err := kms.ParseKeyARN(arn)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{arn, want.KeyID, "alias/personalize-data", "arn:aws:kms:us-east-1:111122223333:alias/personalize-data"} {
		got, err := kms.ResolveKeyARN(ctx, c, id)
		if err != nil || got != want {
			t.Errorf("ResolveKeyARN(%s) = %v, %v; want %v", kms.Identify(id), got, err, want)
		}
	}
	_, err = kms.ResolveKeyARN(ctx, c, "alias/missing")
	var ce *kms.CheckError
	if !errors.As(err, &ce) {
		t.Errorf("ResolveKeyARN of a missing alias = %v, want a *CheckError", err)
	}
}

func TestCheckerEmulatorOneRound(t *testing.T) {
	const callers = 16
	s := personalizetest.New(t)
	c := awskms.NewFromConfig(s.Config())
	arn := createKey(t, c, nil)
	s.ResetRequests()
	checker := kms.NewChecker(c)
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := checker.Check(context.Background(), localInput(arn))
			if err == nil && len(rep.Findings) != 0 {
				err = errors.New("unexpected findings: " + strings.Join(rep.IDs(), ", "))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var ops []string
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServiceKMS {
			ops = append(ops, r.Operation)
		}
	}
	if diff := cmp.Diff([]string{"DescribeKey", "GetKeyRotationStatus", "GetKeyPolicy", "ListGrants"}, ops); diff != "" {
		t.Errorf("%d concurrent Checks sent KMS requests (-want +got):\n%s", callers, diff)
	}
}

// scenePolicy is the key policy of personalizetest's scene.
func scenePolicy(t *testing.T) string {
	t.Helper()
	p, err := kms.PersonalizeKeyPolicy(kms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID,
		Region: personalizetest.Region, Exports: true})
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}
