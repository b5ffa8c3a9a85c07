package kms

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

const (
	testAccount   = "111122223333"
	testRole      = "arn:aws:iam::111122223333:role/service-role/PersonalizeRole"
	testSourceARN = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
)

// wantSeverity is the severity each finding ID must carry: the contract the
// guard's blocking threshold (Medium) relies on.
var wantSeverity = map[string]posture.Severity{
	FindingKeyNotFound:          posture.High,
	FindingKeyDisabled:          posture.High,
	FindingKeyPendingDeletion:   posture.Critical,
	FindingKeyPendingImport:     posture.High,
	FindingKeyUnavailable:       posture.High,
	FindingKeyNotEnabled:        posture.High,
	FindingKeyNotSymmetric:      posture.High,
	FindingKeyAWSManaged:        posture.High,
	FindingKeyWrongRegion:       posture.High,
	FindingRotationDisabled:     posture.Medium,
	FindingRotationUnsupported:  posture.Low,
	FindingPolicyUnparsable:     posture.High,
	FindingPolicyPublic:         posture.Critical,
	FindingPolicyForeignAccount: posture.High,
	FindingServiceNotAllowed:    posture.High,
	FindingServiceDenied:        posture.High,
	FindingServiceUncertain:     posture.Medium,
	FindingServiceNoSource:      posture.Low,
	FindingRoleNotAllowed:       posture.High,
	FindingRoleDenied:           posture.High,
	FindingRoleUncertain:        posture.Medium,
	FindingRoleViaIAM:           posture.Low,

	FindingGrantUnexpected:          posture.High,
	FindingGrantUnexpectedNoDecrypt: posture.Low,
}

func goodInput() CheckInput {
	return CheckInput{KeyARN: testKeyARN, RoleARN: testRole, Region: "us-east-1", AccountID: testAccount, SourceARN: testSourceARN}
}

func goodPolicy(t testing.TB, exports bool) string {
	t.Helper()
	b, err := PersonalizeKeyPolicy(KeyPolicyInput{RoleARN: testRole, AccountID: testAccount, Region: "us-east-1", Exports: exports})
	if err != nil {
		t.Fatalf("PersonalizeKeyPolicy: %v", err)
	}
	return string(b)
}

func goodFake(t testing.TB) *fakeKMS {
	return &fakeKMS{md: goodMetadata(), rotation: true, policy: goodPolicy(t, false)}
}

// checkFindings verifies what every finding must have.
func checkFindings(t *testing.T, rep posture.Report, resource string) {
	t.Helper()
	for _, f := range rep.Findings {
		if err := f.Validate(); err != nil {
			t.Errorf("finding %s: %v", f.ID, err)
		}
		if want, ok := wantSeverity[f.ID]; !ok || f.Severity != want {
			t.Errorf("finding %s has severity %v, want %v", f.ID, f.Severity, want)
		}
		if f.Resource != resource {
			t.Errorf("finding %s names resource %q, want %q", f.ID, f.Resource, resource)
		}
		if f.Remediation == "" {
			t.Errorf("finding %s has no remediation", f.ID)
		}
	}
}

func TestCheckFindings(t *testing.T) {
	deletion := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		setup  func(f *fakeKMS, in *CheckInput)
		want   []string
		calls  [3]int64 // DescribeKey, GetKeyRotationStatus, GetKeyPolicy
		check  func(t *testing.T, rep posture.Report)
		reason string
	}{
		{
			name:   "ready key",
			setup:  func(*fakeKMS, *CheckInput) {},
			calls:  [3]int64{1, 1, 1},
			reason: "a key made with PersonalizeKeyPolicy, enabled and rotating, has no findings",
		},
		{
			name:   "not found",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md = nil },
			want:   []string{FindingKeyNotFound},
			calls:  [3]int64{1, 0, 0},
			reason: "NotFoundException is a finding, not an error",
		},
		{
			name: "invalid ARN answer",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.describeErr = &types.InvalidArnException{Message: aws.String("bad")}
			},
			want:   []string{FindingKeyNotFound},
			calls:  [3]int64{1, 0, 0},
			reason: "KMS rejecting the ARN means there is no such key for this client",
		},
		{
			name:   "disabled",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeyState, f.md.Enabled = types.KeyStateDisabled, false },
			want:   []string{FindingKeyDisabled},
			calls:  [3]int64{1, 1, 1},
			check:  wantRemedy(FindingKeyDisabled, "`aws kms enable-key --key-id "+testKeyARN+" --region us-east-1`"),
			reason: "a disabled key cannot encrypt",
		},
		{
			name: "pending deletion",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.KeyState, f.md.DeletionDate, f.rotation = types.KeyStatePendingDeletion, &deletion, false
			},
			want:   []string{FindingKeyPendingDeletion},
			calls:  [3]int64{1, 0, 1},
			check:  wantMessage(FindingKeyPendingDeletion, "on 2030-01-02"),
			reason: "KMS.3; the rotation status of a key pending deletion is moot and not asked",
		},
		{
			name:   "pending replica deletion",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeyState = types.KeyStatePendingReplicaDeletion },
			want:   []string{FindingKeyPendingDeletion},
			calls:  [3]int64{1, 0, 1},
			reason: "a multi-Region primary waiting for its replicas' deletion is being deleted too",
		},
		{
			name: "pending import",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.KeyState, f.md.Origin = types.KeyStatePendingImport, types.OriginTypeExternal
				f.rotationErr = &types.KMSInvalidStateException{Message: aws.String("pending import")}
			},
			want:   []string{FindingKeyPendingImport},
			calls:  [3]int64{1, 1, 1},
			reason: "no key material yet; the invalid-state rotation answer adds nothing",
		},
		{
			name: "unavailable",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.KeyState, f.md.CustomKeyStoreId = types.KeyStateUnavailable, aws.String("cks-1234567890abcdef0")
				f.rotationErr = &types.KMSInvalidStateException{Message: aws.String("unavailable")}
			},
			want:   []string{FindingKeyUnavailable},
			calls:  [3]int64{1, 1, 1},
			check:  wantRemedy(FindingKeyUnavailable, "connect-custom-key-store --custom-key-store-id cks-1234567890abcdef0"),
			reason: "a disconnected custom key store",
		},
		{
			name:   "creating",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeyState = types.KeyStateCreating },
			want:   []string{FindingKeyNotEnabled},
			calls:  [3]int64{1, 1, 1},
			check:  wantMessage(FindingKeyNotEnabled, "state Creating"),
			reason: "any other state is not Enabled",
		},
		{
			name:   "unknown state is not echoed raw",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeyState = "Weird state\n" },
			want:   []string{FindingKeyNotEnabled},
			calls:  [3]int64{1, 1, 1},
			check:  wantMessage(FindingKeyNotEnabled, "state unknown"),
			reason: "a state KMS does not document is named unknown",
		},
		{
			name: "asymmetric",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.KeySpec, f.md.KeyUsage = types.KeySpecRsa2048, types.KeyUsageTypeSignVerify
			},
			want:   []string{FindingKeyNotSymmetric},
			calls:  [3]int64{1, 0, 1},
			check:  wantMessage(FindingKeyNotSymmetric, "RSA_2048 for SIGN_VERIFY"),
			reason: "asymmetric keys cannot encrypt a dataset group, nor rotate",
		},
		{
			name: "hmac",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.KeySpec, f.md.KeyUsage = types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac
			},
			want:   []string{FindingKeyNotSymmetric},
			calls:  [3]int64{1, 0, 1},
			reason: "HMAC keys are symmetric but not for encryption",
		},
		{
			name: "legacy spec field",
			setup: func(f *fakeKMS, _ *CheckInput) {
				//lint:ignore SA1019 the point is to read answers that carry only the deprecated field
				f.md.KeySpec, f.md.CustomerMasterKeySpec = "", types.CustomerMasterKeySpecSymmetricDefault
			},
			calls:  [3]int64{1, 1, 1},
			reason: "an answer with only the deprecated CustomerMasterKeySpec is read",
		},
		{
			name:   "no spec at all",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeySpec = "" },
			want:   []string{FindingKeyNotSymmetric},
			calls:  [3]int64{1, 0, 1},
			check:  wantMessage(FindingKeyNotSymmetric, "unknown for ENCRYPT_DECRYPT"),
			reason: "what DescribeKey does not say is not assumed",
		},
		{
			name:   "AWS managed",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.md.KeyManager = types.KeyManagerTypeAws },
			want:   []string{FindingKeyAWSManaged},
			calls:  [3]int64{1, 0, 1},
			reason: "an AWS managed key's policy cannot be edited; its rotation is AWS's business",
		},
		{
			name:   "wrong Region",
			setup:  func(_ *fakeKMS, in *CheckInput) { in.Region = "eu-west-1" },
			want:   []string{FindingKeyWrongRegion},
			calls:  [3]int64{0, 0, 0},
			check:  wantRemedy(FindingKeyWrongRegion, "in eu-west-1"),
			reason: "decided from the ARN, before any call: the client serves another Region",
		},
		{
			name: "wrong Region, multi-Region key",
			setup: func(_ *fakeKMS, in *CheckInput) {
				in.Region, in.KeyARN = "eu-west-1", "arn:aws:kms:us-east-1:111122223333:key/"+testMRKID
			},
			want:   []string{FindingKeyWrongRegion},
			calls:  [3]int64{0, 0, 0},
			check:  wantRemedy(FindingKeyWrongRegion, "arn:aws:kms:eu-west-1:111122223333:key/"+testMRKID),
			reason: "the remediation names the replica ARN to use",
		},
		{
			name:   "rotation off",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.rotation = false },
			want:   []string{FindingRotationDisabled},
			calls:  [3]int64{1, 1, 1},
			check:  wantRemedy(FindingRotationDisabled, "`aws kms enable-key-rotation --key-id "+testKeyARN+" --region us-east-1`"),
			reason: "KMS.4",
		},
		{
			name: "rotation unsupported",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.md.Origin = types.OriginTypeExternal
				f.rotationErr = &types.UnsupportedOperationException{Message: aws.String("imported")}
			},
			want:   []string{FindingRotationUnsupported},
			calls:  [3]int64{1, 1, 1},
			reason: "imported key material cannot rotate automatically; advisory only",
		},
		{
			name:   "unparsable policy",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.policy = `{"Statement":[{"Effect":"Maybe"}]}` },
			want:   []string{FindingPolicyUnparsable},
			calls:  [3]int64{1, 1, 1},
			check:  wantMessage(FindingPolicyUnparsable, "statement 0"),
			reason: "a policy that cannot be evaluated is not taken as granting",
		},
		{
			name:   "empty policy",
			setup:  func(f *fakeKMS, _ *CheckInput) { f.policy = "" },
			want:   []string{FindingPolicyUnparsable},
			calls:  [3]int64{1, 1, 1},
			reason: "an answer without a policy grants nothing",
		},
		{
			name: "public policy",
			setup: func(f *fakeKMS, _ *CheckInput) {
				f.policy = policy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`,
					`{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`)
			},
			want:   []string{FindingPolicyPublic},
			calls:  [3]int64{1, 1, 1},
			check:  wantMessage(FindingPolicyPublic, "Statement[1] of the key policy allows"),
			reason: "KMS.5; the public statement also grants Personalize, so nothing else is reported",
		},
		{
			name:   "exports need GenerateDataKeyWithoutPlaintext",
			setup:  func(_ *fakeKMS, in *CheckInput) { in.Exports = true },
			want:   []string{FindingServiceNotAllowed, FindingRoleViaIAM},
			calls:  [3]int64{1, 1, 1},
			check:  wantMessage(FindingServiceNotAllowed, "allow personalize.amazonaws.com kms:GenerateDataKeyWithoutPlaintext; "),
			reason: "the policy written without Exports lacks the export action, and only that one is reported; the role still has it through the account's admin statement",
		},
		{
			name: "exports granted",
			setup: func(f *fakeKMS, in *CheckInput) {
				in.Exports = true
				f.policy = goodPolicy(t, true)
			},
			calls:  [3]int64{1, 1, 1},
			reason: "the policy written with Exports grants it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, in := goodFake(t), goodInput()
			tt.setup(f, &in)
			rep, err := Check(context.Background(), f, in)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, rep.IDs(), cmpEmpty); diff != "" {
				t.Errorf("Check finding IDs mismatch (-want +got) (%s):\n%s\n%s", tt.reason, diff, table(rep))
			}
			gotCalls := [3]int64{f.describes.Load(), f.rotations.Load(), f.policies.Load()}
			if gotCalls != tt.calls {
				t.Errorf("Check calls (DescribeKey, GetKeyRotationStatus, GetKeyPolicy) = %v, want %v (%s)", gotCalls, tt.calls, tt.reason)
			}
			if rep.Check != ReportCheck || rep.Resource != in.KeyARN {
				t.Errorf("report names check %q resource %q, want %q %q", rep.Check, rep.Resource, ReportCheck, in.KeyARN)
			}
			checkFindings(t, rep, in.KeyARN)
			if tt.check != nil {
				tt.check(t, rep)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.Comparer(func(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
})

func table(rep posture.Report) string {
	var b strings.Builder
	_ = rep.WriteTable(&b)
	return b.String()
}

func find(rep posture.Report, id string) (posture.Finding, bool) {
	for _, f := range rep.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return posture.Finding{}, false
}

func wantMessage(id, substr string) func(*testing.T, posture.Report) {
	return func(t *testing.T, rep posture.Report) {
		t.Helper()
		f, ok := find(rep, id)
		if !ok || !strings.Contains(f.Message, substr) {
			t.Errorf("finding %s message %q does not contain %q", id, f.Message, substr)
		}
	}
}

func wantRemedy(id, substr string) func(*testing.T, posture.Report) {
	return func(t *testing.T, rep posture.Report) {
		t.Helper()
		f, ok := find(rep, id)
		if !ok || !strings.Contains(f.Remediation, substr) {
			t.Errorf("finding %s remediation %q does not contain %q", id, f.Remediation, substr)
		}
	}
}

func policy(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(f *fakeKMS)
		wantOp     string
		wantPerm   string
		wantDenied bool
		reason     string
	}{
		{"DescribeKey denied", func(f *fakeKMS) { f.describeErr = apiError("AccessDeniedException") }, "DescribeKey", "kms:DescribeKey", true, "no metadata, no check"},
		{"rotation denied", func(f *fakeKMS) { f.rotationErr = apiError("AccessDeniedException") }, "GetKeyRotationStatus", "kms:GetKeyRotationStatus", true, "an unknown rotation status is not a pass"},
		{"rotation invalid state on an enabled key", func(f *fakeKMS) {
			f.rotationErr = &types.KMSInvalidStateException{Message: aws.String("?")}
		}, "GetKeyRotationStatus", "kms:GetKeyRotationStatus", false, "only a key that is not Enabled explains an invalid-state answer"},
		{"policy denied", func(f *fakeKMS) { f.policyErr = apiError("AccessDeniedException") }, "GetKeyPolicy", "kms:GetKeyPolicy", true, "an unread policy is not a pass"},
		{"policy throttled", func(f *fakeKMS) { f.policyErr = apiError("ThrottlingException") }, "GetKeyPolicy", "kms:GetKeyPolicy", false, "throttling past the retries fails closed"},
		{"DescribeKey unreachable", func(f *fakeKMS) { f.describeErr = errors.New("dial tcp: connection refused") }, "DescribeKey", "kms:DescribeKey", false, "network errors fail closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			tt.setup(f)
			rep, err := Check(context.Background(), f, goodInput())
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check error = %v, want a *CheckError (%s)", err, tt.reason)
			}
			if diff := cmp.Diff(posture.Report{}, rep, cmpEmpty); diff != "" {
				t.Errorf("Check returned a report with its error (-want +got):\n%s", diff)
			}
			if ce.Operation != tt.wantOp || ce.Permission != tt.wantPerm || ce.AccessDenied() != tt.wantDenied {
				t.Errorf("CheckError = {%s %s denied=%v}, want {%s %s denied=%v}", ce.Operation, ce.Permission, ce.AccessDenied(), tt.wantOp, tt.wantPerm, tt.wantDenied)
			}
			if !strings.Contains(err.Error(), tt.wantPerm) {
				t.Errorf("error %q does not name the permission %s", err, tt.wantPerm)
			}
			if tt.wantDenied && !strings.Contains(err.Error(), "the caller needs "+tt.wantPerm) {
				t.Errorf("error %q does not say the caller lacks %s", err, tt.wantPerm)
			}
			if errors.Unwrap(ce) == nil {
				t.Errorf("CheckError does not unwrap to the SDK error")
			}
		})
	}
}

func TestCheckNoMetadata(t *testing.T) {
	c := &nilDescribe{fakeKMS: goodFake(t)}
	_, err := Check(context.Background(), c, goodInput())
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Operation != "DescribeKey" {
		t.Fatalf("Check with an empty DescribeKey answer = %v, want a DescribeKey *CheckError", err)
	}
}

type nilDescribe struct{ *fakeKMS }

func (nilDescribe) DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return &kms.DescribeKeyOutput{}, nil
}

func TestCheckInputErrors(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(in *CheckInput)
		wantField string
		wantKind  IdentifierKind
		secret    string
	}{
		{"no key", func(in *CheckInput) { in.KeyARN = "" }, "CheckInput.KeyARN", -1, ""},
		{"alias", func(in *CheckInput) { in.KeyARN = "alias/secret-project-x" }, "CheckInput.KeyARN", AliasNameKind, "secret-project-x"},
		{"key ID", func(in *CheckInput) { in.KeyARN = testKeyID }, "CheckInput.KeyARN", KeyIDKind, testKeyID},
		{"garbage key", func(in *CheckInput) { in.KeyARN = "4111 1111 1111 1111" }, "CheckInput.KeyARN", UnknownKind, "4111 1111 1111 1111"},
		{"no role", func(in *CheckInput) { in.RoleARN = "" }, "CheckInput.RoleARN", -1, ""},
		{"user, not role", func(in *CheckInput) { in.RoleARN = "arn:aws:iam::111122223333:user/alice" }, "CheckInput.RoleARN", -1, "alice"},
		{"no Region", func(in *CheckInput) { in.Region = "" }, "CheckInput.Region", -1, ""},
		{"bad Region", func(in *CheckInput) { in.Region = "moon-base" }, "CheckInput.Region", -1, "moon-base"},
		{"bad account", func(in *CheckInput) { in.AccountID = "12345" }, "CheckInput.AccountID", -1, "12345"},
		{"bad source ARN", func(in *CheckInput) { in.SourceARN = "arn:aws:s3:::bucket" }, "CheckInput.SourceARN", -1, "bucket"},
		{"source ARN of another account", func(in *CheckInput) {
			in.SourceARN = "arn:aws:personalize:us-east-1:999999999999:dataset-group/x"
		}, "CheckInput.SourceARN", -1, "999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFake(t)
			in := goodInput()
			tt.setup(&in)
			for _, run := range []struct {
				name string
				fn   func() (posture.Report, error)
			}{
				{"Check", func() (posture.Report, error) { return Check(context.Background(), f, in) }},
				{"Checker.Check", func() (posture.Report, error) { return NewChecker(f).Check(context.Background(), in) }},
			} {
				_, err := run.fn()
				var ie *ArgumentError
				if !errors.As(err, &ie) || ie.Field != tt.wantField {
					t.Fatalf("%s error = %v, want an *ArgumentError for %s", run.name, err, tt.wantField)
				}
				if !strings.Contains(err.Error(), tt.wantField) {
					t.Errorf("%s error %q does not name the field", run.name, err)
				}
				if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
					t.Errorf("%s error %q repeats the value", run.name, err)
				}
				var idErr *IdentifierError
				if tt.wantKind >= 0 && (!errors.As(err, &idErr) || idErr.Given != tt.wantKind) {
					t.Errorf("%s error = %v, want an *IdentifierError saying %v", run.name, err, tt.wantKind)
				}
			}
			if n := f.calls(); n != 0 {
				t.Errorf("invalid input made %d KMS calls, want 0", n)
			}
		})
	}
	if _, err := Check(context.Background(), nil, goodInput()); err == nil {
		t.Errorf("Check with a nil client = nil error, want one")
	}
}

func TestCheckDoesNotMutateInput(t *testing.T) {
	in := goodInput()
	in.Exports = true
	before := in
	if _, err := Check(context.Background(), goodFake(t), in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, in); diff != "" {
		t.Errorf("Check changed its input (-before +after):\n%s", diff)
	}
}
