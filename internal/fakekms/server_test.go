package fakekms_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/fakekms"
)

const (
	region  = "us-east-1"
	account = "111122223333"
)

// newServer starts a Server behind an httptest TLS endpoint and returns an
// SDK client for it.
func newServer(t testing.TB, cfg fakekms.Config) (*kms.Client, *fakekms.Server) {
	t.Helper()
	s, err := fakekms.New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v", cfg, err)
	}
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	c := kms.NewFromConfig(aws.Config{
		Region: cfg.Region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint:     aws.String(srv.URL),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
	})
	return c, s
}

func newClient(t testing.TB) (*kms.Client, *fakekms.Server) {
	t.Helper()
	return newServer(t, fakekms.Config{Region: region, AccountID: account})
}

func createKey(t testing.TB, c *kms.Client, in *kms.CreateKeyInput) string {
	t.Helper()
	if in == nil {
		in = &kms.CreateKeyInput{}
	}
	out, err := c.CreateKey(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateKey() = %v", err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

// code returns the AWS error code of err, "" for nil, or "not an API error".
func code(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "not an API error: " + err.Error()
}

func TestNewConfig(t *testing.T) {
	tests := []struct {
		cfg    fakekms.Config
		wantOK bool
	}{
		{fakekms.Config{Region: "us-east-1", AccountID: "111122223333"}, true},
		{fakekms.Config{Region: "cn-north-1", AccountID: "111122223333"}, true},
		{fakekms.Config{Region: "", AccountID: "111122223333"}, false},
		{fakekms.Config{Region: "US-EAST-1", AccountID: "111122223333"}, false},
		{fakekms.Config{Region: "us-east-1", AccountID: "1111"}, false},
	}
	for _, tt := range tests {
		_, err := fakekms.New(tt.cfg)
		if (err == nil) != tt.wantOK {
			t.Errorf("New(%+v) = %v, want ok=%v", tt.cfg, err, tt.wantOK)
		}
	}
}

func TestCreateKey(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	type meta struct {
		State, Spec, Usage, Origin, Manager, Description string
		Enabled, MultiRegion                             bool
		Algorithms                                       []string
	}
	tests := []struct {
		name     string
		in       kms.CreateKeyInput
		want     meta
		wantCode string
	}{
		{"default", kms.CreateKeyInput{},
			meta{"Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "CUSTOMER", "", true, false, []string{"SYMMETRIC_DEFAULT"}}, ""},
		{"described", kms.CreateKeyInput{Description: aws.String("test key")},
			meta{"Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "CUSTOMER", "test key", true, false, []string{"SYMMETRIC_DEFAULT"}}, ""},
		{"RSA signing", kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify},
			meta{"Enabled", "RSA_2048", "SIGN_VERIFY", "AWS_KMS", "CUSTOMER", "", true, false, nil}, ""},
		{"HMAC takes its only usage", kms.CreateKeyInput{KeySpec: types.KeySpecHmac256},
			meta{"Enabled", "HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", "CUSTOMER", "", true, false, nil}, ""},
		{"imported material waits", kms.CreateKeyInput{Origin: types.OriginTypeExternal},
			meta{"PendingImport", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "EXTERNAL", "CUSTOMER", "", false, false, []string{"SYMMETRIC_DEFAULT"}}, ""},
		{"multi-Region", kms.CreateKeyInput{MultiRegion: aws.Bool(true)},
			meta{"Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "CUSTOMER", "", true, true, []string{"SYMMETRIC_DEFAULT"}}, ""},
		{"usage the spec does not allow", kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeEncryptDecrypt}, meta{}, "ValidationException"},
		{"unknown spec", kms.CreateKeyInput{KeySpec: "AES_999"}, meta{}, "ValidationException"},
		{"malformed policy", kms.CreateKeyInput{Policy: aws.String("[]")}, meta{}, "MalformedPolicyDocumentException"},
		{"policy without statements", kms.CreateKeyInput{Policy: aws.String(`{"Version":"2012-10-17"}`)}, meta{}, "MalformedPolicyDocumentException"},
		{"custom key store", kms.CreateKeyInput{CustomKeyStoreId: aws.String("cks-1234567890abcdef0")}, meta{}, "CustomKeyStoreNotFoundException"},
		{"reserved tag", kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("v")}}}, meta{}, "TagException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateKey(ctx, &tt.in)
			if got := code(err); got != tt.wantCode {
				t.Fatalf("CreateKey() error = %v, want code %q", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			md := out.KeyMetadata
			got := meta{string(md.KeyState), string(md.KeySpec), string(md.KeyUsage), string(md.Origin), string(md.KeyManager),
				aws.ToString(md.Description), md.Enabled, aws.ToBool(md.MultiRegion), nil}
			for _, a := range md.EncryptionAlgorithms {
				got.Algorithms = append(got.Algorithms, string(a))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CreateKey() metadata mismatch (-want +got):\n%s", diff)
			}
			wantPrefix := "arn:aws:kms:" + region + ":" + account + ":key/"
			if tt.in.MultiRegion != nil {
				wantPrefix += "mrk-"
			}
			if arn := aws.ToString(md.Arn); !strings.HasPrefix(arn, wantPrefix) || !strings.HasSuffix(arn, aws.ToString(md.KeyId)) {
				t.Errorf("Arn = %q, KeyId = %q, want %s<KeyId>", arn, aws.ToString(md.KeyId), wantPrefix)
			}
			if md.CreationDate == nil || aws.ToString(md.AWSAccountId) != account {
				t.Errorf("CreationDate = %v, AWSAccountId = %q; want a time and %s", md.CreationDate, aws.ToString(md.AWSAccountId), account)
			}
			d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: md.KeyId})
			if err != nil || aws.ToString(d.KeyMetadata.Arn) != aws.ToString(md.Arn) {
				t.Errorf("DescribeKey(KeyId) = %v, want the created key", err)
			}
		})
	}
}

func TestKeyStateTransitions(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	imported := createKey(t, c, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	enable := func(k string) func() error {
		return func() error { _, err := c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: &k}); return err }
	}
	disable := func(k string) func() error {
		return func() error { _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &k}); return err }
	}
	schedule := func(k string, days int32) func() error {
		return func() error {
			out, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &k, PendingWindowInDays: aws.Int32(days)})
			if err == nil && (out.DeletionDate == nil || aws.ToInt32(out.PendingWindowInDays) != days || out.KeyState != types.KeyStatePendingDeletion) {
				err = fmt.Errorf("ScheduleKeyDeletion output %+v lacks the deletion date, window or state", out)
			}
			return err
		}
	}
	cancel := func(k string) func() error {
		return func() error { _, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: &k}); return err }
	}
	steps := []struct {
		name      string
		key       string
		do        func() error
		wantCode  string
		wantState types.KeyState
	}{
		{"disable", arn, disable(arn), "", types.KeyStateDisabled},
		{"disable again", arn, disable(arn), "", types.KeyStateDisabled},
		{"enable", arn, enable(arn), "", types.KeyStateEnabled},
		{"window too short", arn, schedule(arn, 6), "ValidationException", types.KeyStateEnabled},
		{"window too long", arn, schedule(arn, 31), "ValidationException", types.KeyStateEnabled},
		{"schedule deletion", arn, schedule(arn, 7), "", types.KeyStatePendingDeletion},
		{"schedule twice", arn, schedule(arn, 7), "KMSInvalidStateException", types.KeyStatePendingDeletion},
		{"enable while pending deletion", arn, enable(arn), "KMSInvalidStateException", types.KeyStatePendingDeletion},
		{"disable while pending deletion", arn, disable(arn), "KMSInvalidStateException", types.KeyStatePendingDeletion},
		{"cancel deletion leaves it disabled", arn, cancel(arn), "", types.KeyStateDisabled},
		{"cancel when not pending", arn, cancel(arn), "KMSInvalidStateException", types.KeyStateDisabled},
		{"enable after cancel", arn, enable(arn), "", types.KeyStateEnabled},
		{"enable a key without material", imported, enable(imported), "KMSInvalidStateException", types.KeyStatePendingImport},
		{"schedule an imported key", imported, schedule(imported, 30), "", types.KeyStatePendingDeletion},
		{"cancel returns it to PendingImport", imported, cancel(imported), "", types.KeyStatePendingImport},
	}
	for _, s := range steps {
		if got := code(s.do()); got != s.wantCode {
			t.Errorf("%s: error code %q, want %q", s.name, got, s.wantCode)
		}
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &s.key})
		if err != nil {
			t.Fatalf("%s: DescribeKey() = %v", s.name, err)
		}
		md := out.KeyMetadata
		if md.KeyState != s.wantState || md.Enabled != (s.wantState == types.KeyStateEnabled) {
			t.Errorf("after %s: KeyState = %q Enabled = %v, want %q", s.name, md.KeyState, md.Enabled, s.wantState)
		}
		if pending := md.KeyState == types.KeyStatePendingDeletion; pending != (md.DeletionDate != nil) || pending != (md.PendingDeletionWindowInDays != nil) {
			t.Errorf("after %s: DeletionDate = %v, window = %v; want both exactly when pending deletion", s.name, md.DeletionDate, md.PendingDeletionWindowInDays)
		}
	}
}

func TestRotation(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	rsa := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})
	imported := createKey(t, c, &kms.CreateKeyInput{Origin: types.OriginTypeExternal})
	disabled := createKey(t, c, nil)
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &disabled}); err != nil {
		t.Fatal(err)
	}
	status := func(k string) (bool, int32, error) {
		out, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &k})
		if err != nil {
			return false, 0, err
		}
		return out.KeyRotationEnabled, aws.ToInt32(out.RotationPeriodInDays), nil
	}
	steps := []struct {
		name       string
		key        string
		do         func(k string) error
		wantCode   string
		wantOn     bool
		wantPeriod int32
	}{
		{"new key", arn, nil, "", false, 0},
		{"enable", arn, func(k string) error {
			_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &k})
			return err
		}, "", true, 365},
		{"enable with a period", arn, func(k string) error {
			_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &k, RotationPeriodInDays: aws.Int32(90)})
			return err
		}, "", true, 90},
		{"period out of range", arn, func(k string) error {
			_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &k, RotationPeriodInDays: aws.Int32(89)})
			return err
		}, "ValidationException", true, 90},
		{"disable", arn, func(k string) error {
			_, err := c.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: &k})
			return err
		}, "", false, 0},
		{"enable on a disabled key", disabled, func(k string) error {
			_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &k})
			return err
		}, "DisabledException", false, 0},
	}
	for _, s := range steps {
		if s.do != nil {
			if got := code(s.do(s.key)); got != s.wantCode {
				t.Errorf("%s: error code %q, want %q", s.name, got, s.wantCode)
			}
		}
		on, period, err := status(s.key)
		if err != nil || on != s.wantOn || period != s.wantPeriod {
			t.Errorf("after %s: rotation = %v, %d, %v; want %v, %d", s.name, on, period, err, s.wantOn, s.wantPeriod)
		}
	}
	for _, k := range []string{rsa, imported} {
		if _, _, err := status(k); code(err) != "UnsupportedOperationException" {
			t.Errorf("GetKeyRotationStatus(%s) = %v, want UnsupportedOperationException", k, err)
		}
		var typed *types.UnsupportedOperationException
		if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &k}); !errors.As(err, &typed) {
			t.Errorf("EnableKeyRotation(%s) = %v, want *types.UnsupportedOperationException", k, err)
		}
	}
}

const policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

func TestKeyPolicy(t *testing.T) {
	c, s := newClient(t)
	ctx := context.Background()
	symmetric := createKey(t, c, nil)
	rsa := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})

	def, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &symmetric})
	if err != nil {
		t.Fatalf("GetKeyPolicy() = %v", err)
	}
	for _, want := range []string{`"AWS": "arn:aws:iam::111122223333:root"`, `"Action": "kms:*"`, `"Effect": "Allow"`} {
		if !strings.Contains(aws.ToString(def.Policy), want) {
			t.Errorf("default policy %s lacks %s", aws.ToString(def.Policy), want)
		}
	}
	for _, arn := range []string{symmetric, rsa} {
		if _, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &arn, PolicyName: aws.String("default"), Policy: aws.String(policy)}); err != nil {
			t.Fatalf("PutKeyPolicy(%s) = %v", arn, err)
		}
		out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &arn, PolicyName: aws.String("default")})
		if err != nil {
			t.Fatalf("GetKeyPolicy(%s) = %v", arn, err)
		}
		if diff := cmp.Diff(policy, aws.ToString(out.Policy)); diff != "" {
			t.Errorf("GetKeyPolicy policy mismatch (-want +got):\n%s", diff)
		}
		if aws.ToString(out.PolicyName) != "default" {
			t.Errorf("PolicyName = %q, want default", aws.ToString(out.PolicyName))
		}
	}
	names, err := c.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: &symmetric})
	if err != nil {
		t.Fatalf("ListKeyPolicies() = %v", err)
	}
	if diff := cmp.Diff([]string{"default"}, names.PolicyNames); diff != "" || names.Truncated {
		t.Errorf("ListKeyPolicies mismatch (-want +got), Truncated=%v:\n%s", names.Truncated, diff)
	}
	if k, err := s.Key(symmetric); err != nil || k.Policy != policy {
		t.Errorf("Key(%s).Policy = %q, %v; want the stored policy", symmetric, k.Policy, err)
	}
	withPolicy := createKey(t, c, &kms.CreateKeyInput{Policy: aws.String(policy)})
	if out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &withPolicy}); err != nil || aws.ToString(out.Policy) != policy {
		t.Errorf("GetKeyPolicy of a key created with a policy = %v; want that policy", err)
	}

	pending := createKey(t, c, nil)
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &pending}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"malformed policy", func() error {
			_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &symmetric, Policy: aws.String("{not json")})
			return err
		}, "MalformedPolicyDocumentException"},
		{"policy too long", func() error {
			_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &symmetric, Policy: aws.String(strings.Repeat(" ", 32769))})
			return err
		}, "ValidationException"},
		{"unknown policy name", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &symmetric, PolicyName: aws.String("other")})
			return err
		}, "NotFoundException"},
		{"policy name pattern", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &symmetric, PolicyName: aws.String("no-dashes")})
			return err
		}, "ValidationException"},
		{"unknown key", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("00000000-0000-4000-8000-000000000000")})
			return err
		}, "NotFoundException"},
		{"put on a key pending deletion", func() error {
			_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &pending, Policy: aws.String(policy)})
			return err
		}, "KMSInvalidStateException"},
		{"get on a key pending deletion", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &pending})
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.call()); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAliases(t *testing.T) {
	c, s := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	other := createKey(t, c, nil)
	signing := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &arn}); err != nil {
		t.Fatalf("CreateAlias() = %v", err)
	}
	aliasARN := "arn:aws:kms:" + region + ":" + account + ":alias/data"

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"describe by alias name", func() error {
			out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/data")})
			if err == nil && aws.ToString(out.KeyMetadata.Arn) != arn {
				err = errors.New("resolved to another key")
			}
			return err
		}, ""},
		{"describe by alias ARN", func() error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &aliasARN})
			return err
		}, ""},
		{"encrypt by alias", func() error {
			_, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/data"), Plaintext: []byte("x")})
			return err
		}, ""},
		{"key policy refuses aliases", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("alias/data")})
			return err
		}, "NotFoundException"},
		{"grants refuse aliases", func() error {
			_, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String("alias/data")})
			return err
		}, "NotFoundException"},
		{"alias exists", func() error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &other})
			return err
		}, "AlreadyExistsException"},
		{"reserved prefix", func() error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/aws/mine"), TargetKeyId: &other})
			return err
		}, "NotAuthorizedException"},
		{"no alias/ prefix", func() error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("data2"), TargetKeyId: &other})
			return err
		}, "InvalidAliasNameException"},
		{"alias pattern", func() error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/with space"), TargetKeyId: &other})
			return err
		}, "ValidationException"},
		{"alias as target", func() error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/chain"), TargetKeyId: aws.String("alias/data")})
			return err
		}, "NotFoundException"},
		{"unknown alias", func() error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
			return err
		}, "NotFoundException"},
		{"alias of another Region", func() error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:eu-west-1:" + account + ":alias/data")})
			return err
		}, "NotFoundException"},
		{"update to another kind of key", func() error {
			_, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &signing})
			return err
		}, "ValidationException"},
		{"update a missing alias", func() error {
			_, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/none"), TargetKeyId: &other})
			return err
		}, "NotFoundException"},
		{"delete a missing alias", func() error {
			_, err := c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/none")})
			return err
		}, "NotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.call()); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}

	if _, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &other}); err != nil {
		t.Fatalf("UpdateAlias() = %v", err)
	}
	if k, err := s.Key("alias/data"); err != nil || k.ARN != other {
		t.Errorf("Key(alias/data) after UpdateAlias = %v, %v; want %s", k.ARN, err, other)
	}
	list, err := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: &other})
	if err != nil {
		t.Fatalf("ListAliases() = %v", err)
	}
	if len(list.Aliases) != 1 || aws.ToString(list.Aliases[0].AliasArn) != aliasARN || !strings.HasSuffix(other, aws.ToString(list.Aliases[0].TargetKeyId)) {
		t.Errorf("ListAliases(other) = %+v, want alias/data targeting it", list.Aliases)
	}
	if list, _ := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: &arn}); len(list.Aliases) != 0 {
		t.Errorf("ListAliases(arn) = %+v, want none after the update", list.Aliases)
	}
	if _, err := c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/data")}); err != nil {
		t.Fatalf("DeleteAlias() = %v", err)
	}
	if _, err := s.Key("alias/data"); !errors.Is(err, fakekms.ErrKeyNotFound) {
		t.Errorf("Key(alias/data) after DeleteAlias = %v, want ErrKeyNotFound", err)
	}
}

func TestGrants(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	other := createKey(t, c, nil)
	signing := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})
	const role = "arn:aws:iam::111122223333:role/PersonalizeRole"
	const retiring = "arn:aws:iam::111122223333:role/Retirer"

	first, err := c.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: &arn, GranteePrincipal: aws.String(role), RetiringPrincipal: aws.String(retiring), Name: aws.String("personalize"),
		Operations:  []types.GrantOperation{types.GrantOperationGenerateDataKey, types.GrantOperationDecrypt, types.GrantOperationDecrypt},
		Constraints: &types.GrantConstraints{EncryptionContextSubset: map[string]string{"purpose": "test"}},
	})
	if err != nil {
		t.Fatalf("CreateGrant() = %v", err)
	}
	if len(aws.ToString(first.GrantId)) != 64 || aws.ToString(first.GrantToken) == "" {
		t.Fatalf("CreateGrant() = %q, %q; want a 64-hex grant ID and a token", aws.ToString(first.GrantId), aws.ToString(first.GrantToken))
	}
	again, err := c.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: &arn, GranteePrincipal: aws.String(role), RetiringPrincipal: aws.String(retiring), Name: aws.String("personalize"),
		Operations:  []types.GrantOperation{types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey},
		Constraints: &types.GrantConstraints{EncryptionContextSubset: map[string]string{"purpose": "test"}},
	})
	if err != nil || aws.ToString(again.GrantId) != aws.ToString(first.GrantId) || aws.ToString(again.GrantToken) == aws.ToString(first.GrantToken) {
		t.Errorf("CreateGrant() with the same Name and parameters = %v; want the same grant ID and a new token", err)
	}
	service, err := c.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: &arn, GranteeServicePrincipal: aws.String("personalize.amazonaws.com"), RetiringServicePrincipal: aws.String("personalize.amazonaws.com"),
		Operations:  []types.GrantOperation{types.GrantOperationDescribeKey},
		Constraints: &types.GrantConstraints{SourceArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies")},
	})
	if err != nil {
		t.Fatalf("CreateGrant(service principal) = %v", err)
	}
	if _, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &other, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{types.GrantOperationEncrypt}}); err != nil {
		t.Fatalf("CreateGrant(other) = %v", err)
	}

	list, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn})
	if err != nil {
		t.Fatalf("ListGrants() = %v", err)
	}
	type entry struct {
		ID, Key, Name, Grantee, GranteeService, Retiring, Issuer string
		Ops                                                      []types.GrantOperation
		Subset                                                   map[string]string
	}
	var got []entry
	for _, g := range list.Grants {
		e := entry{aws.ToString(g.GrantId), aws.ToString(g.KeyId), aws.ToString(g.Name), aws.ToString(g.GranteePrincipal),
			aws.ToString(g.GranteeServicePrincipal), aws.ToString(g.RetiringPrincipal), aws.ToString(g.IssuingAccount), g.Operations, nil}
		if g.Constraints != nil {
			e.Subset = g.Constraints.EncryptionContextSubset
		}
		if g.CreationDate == nil {
			t.Errorf("grant %s has no CreationDate", e.ID)
		}
		got = append(got, e)
	}
	want := []entry{
		{aws.ToString(first.GrantId), arn, "personalize", role, "", retiring, "arn:aws:iam::111122223333:root",
			[]types.GrantOperation{"Decrypt", "GenerateDataKey"}, map[string]string{"purpose": "test"}},
		{aws.ToString(service.GrantId), arn, "", "", "personalize.amazonaws.com", "", "arn:aws:iam::111122223333:root",
			[]types.GrantOperation{"DescribeKey"}, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListGrants mismatch (-want +got):\n%s", diff)
	}
	if list.Truncated {
		t.Errorf("ListGrants Truncated = true for two grants")
	}
	filtered, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn, GranteePrincipal: aws.String(role)})
	if err != nil || len(filtered.Grants) != 1 || aws.ToString(filtered.Grants[0].GrantId) != aws.ToString(first.GrantId) {
		t.Errorf("ListGrants(GranteePrincipal) = %d grants, %v; want the role's grant", len(filtered.Grants), err)
	}
	retirable, err := c.ListRetirableGrants(ctx, &kms.ListRetirableGrantsInput{RetiringPrincipal: aws.String(retiring)})
	if err != nil || len(retirable.Grants) != 1 {
		t.Errorf("ListRetirableGrants() = %d grants, %v; want 1", len(retirable.Grants), err)
	}

	errs := []struct {
		name string
		call func() error
		want string
	}{
		{"operation the key does not support", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{types.GrantOperationSign}})
			return err
		}, "ValidationException"},
		{"data keys from a signing key", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &signing, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{types.GrantOperationGenerateDataKey}})
			return err
		}, "ValidationException"},
		{"unknown operation", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{"Everything"}})
			return err
		}, "ValidationException"},
		{"both grantee forms", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(role), GranteeServicePrincipal: aws.String("personalize.amazonaws.com"), Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
			return err
		}, "ValidationException"},
		{"service principal without SourceArn", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteeServicePrincipal: aws.String("personalize.amazonaws.com"), RetiringPrincipal: aws.String(retiring), Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
			return err
		}, "ValidationException"},
		{"grantee pattern", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String("not a principal"), Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
			return err
		}, "ValidationException"},
		{"dry run", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{types.GrantOperationDecrypt}, DryRun: aws.Bool(true)})
			return err
		}, "DryRunOperationException"},
		{"malformed grant ID", func() error {
			_, err := c.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: &arn, GrantId: aws.String("nope")})
			return err
		}, "InvalidGrantIdException"},
		{"grant of another key", func() error {
			_, err := c.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: &other, GrantId: first.GrantId})
			return err
		}, "NotFoundException"},
		{"unknown token", func() error {
			_, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: aws.String("bm90LWEtdG9rZW4")})
			return err
		}, "InvalidGrantTokenException"},
		{"token of another key's grant", func() error {
			_, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: first.GrantToken, KeyId: &other})
			return err
		}, "InvalidGrantTokenException"},
		{"token and another grant's ID", func() error {
			_, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: first.GrantToken, KeyId: &arn, GrantId: service.GrantId})
			return err
		}, "InvalidGrantIdException"},
		{"retire with neither token nor IDs", func() error {
			_, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantId: first.GrantId})
			return err
		}, "ValidationException"},
		{"bad marker", func() error {
			_, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn, Marker: aws.String("keys-0")})
			return err
		}, "InvalidMarkerException"},
		{"limit out of range", func() error {
			_, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn, Limit: aws.Int32(101)})
			return err
		}, "ValidationException"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(tt.call()); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}
	var typed *types.InvalidGrantIdException
	if _, err := c.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: &arn, GrantId: aws.String("x")}); !errors.As(err, &typed) {
		t.Errorf("RevokeGrant(malformed) = %v, want *types.InvalidGrantIdException", err)
	}

	// Retire by the second token (tokens of one grant are interchangeable),
	// revoke by ID.
	if _, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: again.GrantToken, KeyId: &arn}); err != nil {
		t.Fatalf("RetireGrant(token, key) = %v", err)
	}
	if _, err := c.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: first.GrantToken}); code(err) != "InvalidGrantTokenException" {
		t.Errorf("RetireGrant(token of a retired grant) = %v, want InvalidGrantTokenException", err)
	}
	if _, err := c.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: &arn, GrantId: service.GrantId}); err != nil {
		t.Fatalf("RevokeGrant() = %v", err)
	}
	if list, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn}); err != nil || len(list.Grants) != 0 {
		t.Errorf("ListGrants after retiring and revoking = %d grants, %v; want none", len(list.Grants), err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &other}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &other, GranteePrincipal: aws.String(role), Operations: []types.GrantOperation{types.GrantOperationDecrypt}}); code(err) != "KMSInvalidStateException" {
		t.Errorf("CreateGrant on a key pending deletion = %v, want KMSInvalidStateException", err)
	}
	if list, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &other}); err != nil || len(list.Grants) != 1 {
		t.Errorf("ListGrants on a key pending deletion = %v; want its grant listed", err)
	}
}

func TestGrantPagination(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	var want []string
	for i := range 5 {
		out, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String(fmt.Sprintf("arn:aws:iam::111122223333:role/r%d", i)),
			Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(out.GrantId))
	}
	var got []string
	pages := 0
	p := kms.NewListGrantsPaginator(c, &kms.ListGrantsInput{KeyId: &arn, Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		for _, g := range out.Grants {
			got = append(got, aws.ToString(g.GrantId))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("paginated ListGrants over %d pages, want 3 (-want +got):\n%s", pages, diff)
	}
}

func TestListKeys(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	var want []string
	for range 5 {
		want = append(want, createKey(t, c, nil))
	}
	var got []string
	p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range out.Keys {
			if !strings.HasSuffix(aws.ToString(k.KeyArn), aws.ToString(k.KeyId)) {
				t.Errorf("key entry %s / %s: ARN does not end in the ID", aws.ToString(k.KeyArn), aws.ToString(k.KeyId))
			}
			got = append(got, aws.ToString(k.KeyArn))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListKeys mismatch (-want +got):\n%s", diff)
	}
}

func TestEncryptDecrypt(t *testing.T) {
	c, _ := newClient(t)
	other, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	second := createKey(t, c, nil)
	disabled := createKey(t, c, nil)
	pending := createKey(t, c, nil)
	signing := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})
	otherKey := createKey(t, other, nil)
	context1 := map[string]string{"dataset": "movies", "purpose": "test"}

	enc, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &arn, Plaintext: []byte("hello"), EncryptionContext: context1})
	if err != nil {
		t.Fatalf("Encrypt() = %v", err)
	}
	if aws.ToString(enc.KeyId) != arn || enc.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault || bytes.Contains(enc.CiphertextBlob, []byte("hello")) {
		t.Errorf("Encrypt() = key %s, algorithm %s; want %s, SYMMETRIC_DEFAULT and no plaintext in the blob", aws.ToString(enc.KeyId), enc.EncryptionAlgorithm, arn)
	}
	blobOf := func(k string) []byte {
		t.Helper()
		out, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &k, Plaintext: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		return out.CiphertextBlob
	}
	disabledBlob := blobOf(disabled)
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &pending}); err != nil {
		t.Fatal(err)
	}
	encOther, err := other.Encrypt(ctx, &kms.EncryptInput{KeyId: &otherKey, Plaintext: []byte("hello")})
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(enc.CiphertextBlob)
	tampered[len(tampered)-1] ^= 1

	tests := []struct {
		name     string
		in       kms.DecryptInput
		want     string // plaintext
		wantCode string
	}{
		{"round trip", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context1}, "hello", ""},
		{"with the right KeyId", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context1, KeyId: &arn}, "hello", ""},
		{"context order does not matter", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"purpose": "test", "dataset": "movies"}}, "hello", ""},
		{"missing context", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}, "", "InvalidCiphertextException"},
		{"other context", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"dataset": "movies", "purpose": "prod"}}, "", "InvalidCiphertextException"},
		{"extra context", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: map[string]string{"dataset": "movies", "purpose": "test", "x": ""}}, "", "InvalidCiphertextException"},
		{"tampered", kms.DecryptInput{CiphertextBlob: tampered, EncryptionContext: context1}, "", "InvalidCiphertextException"},
		{"garbage", kms.DecryptInput{CiphertextBlob: []byte("garbage")}, "", "InvalidCiphertextException"},
		{"another server's ciphertext", kms.DecryptInput{CiphertextBlob: encOther.CiphertextBlob}, "", "InvalidCiphertextException"},
		{"wrong KeyId", kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context1, KeyId: &second}, "", "IncorrectKeyException"},
		{"disabled key", kms.DecryptInput{CiphertextBlob: disabledBlob}, "", "DisabledException"},
		{"too long", kms.DecryptInput{CiphertextBlob: make([]byte, 6145)}, "", "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.Decrypt(ctx, &tt.in)
			if got := code(err); got != tt.wantCode {
				t.Fatalf("Decrypt() error = %v, want code %q", err, tt.wantCode)
			}
			if err == nil && (string(out.Plaintext) != tt.want || aws.ToString(out.KeyId) != arn) {
				t.Errorf("Decrypt() = %q under %s, want %q under %s", out.Plaintext, aws.ToString(out.KeyId), tt.want, arn)
			}
		})
	}

	encErrs := []struct {
		name     string
		in       kms.EncryptInput
		wantCode string
	}{
		{"disabled", kms.EncryptInput{KeyId: &disabled, Plaintext: []byte("x")}, "DisabledException"},
		{"pending deletion", kms.EncryptInput{KeyId: &pending, Plaintext: []byte("x")}, "KMSInvalidStateException"},
		{"signing key", kms.EncryptInput{KeyId: &signing, Plaintext: []byte("x")}, "InvalidKeyUsageException"},
		{"plaintext too long", kms.EncryptInput{KeyId: &arn, Plaintext: make([]byte, 4097)}, "ValidationException"},
		{"asymmetric algorithm", kms.EncryptInput{KeyId: &arn, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256}, "InvalidKeyUsageException"},
		{"unknown key", kms.EncryptInput{KeyId: aws.String("00000000-0000-4000-8000-000000000000"), Plaintext: []byte("x")}, "NotFoundException"},
		{"key of another account", kms.EncryptInput{KeyId: aws.String(strings.Replace(arn, account, "444455556666", 1)), Plaintext: []byte("x")}, "NotFoundException"},
		{"dry run", kms.EncryptInput{KeyId: &arn, Plaintext: []byte("x"), DryRun: aws.Bool(true)}, "DryRunOperationException"},
	}
	for _, tt := range encErrs {
		t.Run("encrypt "+tt.name, func(t *testing.T) {
			_, err := c.Encrypt(ctx, &tt.in)
			if got := code(err); got != tt.wantCode {
				t.Errorf("Encrypt() error = %v, want code %q", err, tt.wantCode)
			}
		})
	}
	var disabledErr *types.DisabledException
	if _, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &disabled, Plaintext: []byte("x")}); !errors.As(err, &disabledErr) {
		t.Errorf("Encrypt(disabled) = %v, want *types.DisabledException", err)
	}
	var invalid *types.InvalidCiphertextException
	if _, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: tampered}); !errors.As(err, &invalid) {
		t.Errorf("Decrypt(tampered) = %v, want *types.InvalidCiphertextException", err)
	}
}

func TestGenerateDataKey(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	ec := map[string]string{"k": "v"}
	tests := []struct {
		name     string
		in       kms.GenerateDataKeyInput
		wantLen  int
		wantCode string
	}{
		{"AES_256", kms.GenerateDataKeyInput{KeyId: &arn, KeySpec: types.DataKeySpecAes256, EncryptionContext: ec}, 32, ""},
		{"AES_128 by alias", kms.GenerateDataKeyInput{KeyId: aws.String("alias/data"), KeySpec: types.DataKeySpecAes128}, 16, ""},
		{"NumberOfBytes", kms.GenerateDataKeyInput{KeyId: &arn, NumberOfBytes: aws.Int32(64)}, 64, ""},
		{"neither", kms.GenerateDataKeyInput{KeyId: &arn}, 0, "ValidationException"},
		{"both", kms.GenerateDataKeyInput{KeyId: &arn, KeySpec: types.DataKeySpecAes256, NumberOfBytes: aws.Int32(32)}, 0, "ValidationException"},
		{"too many bytes", kms.GenerateDataKeyInput{KeyId: &arn, NumberOfBytes: aws.Int32(1025)}, 0, "ValidationException"},
		{"unknown spec", kms.GenerateDataKeyInput{KeyId: &arn, KeySpec: "AES_512"}, 0, "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.GenerateDataKey(ctx, &tt.in)
			if got := code(err); got != tt.wantCode {
				t.Fatalf("GenerateDataKey() error = %v, want code %q", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			if len(out.Plaintext) != tt.wantLen || aws.ToString(out.KeyId) != arn {
				t.Errorf("GenerateDataKey() = %d bytes under %s, want %d under %s", len(out.Plaintext), aws.ToString(out.KeyId), tt.wantLen, arn)
			}
			dec, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: tt.in.EncryptionContext})
			if err != nil || !bytes.Equal(dec.Plaintext, out.Plaintext) {
				t.Errorf("Decrypt(data key) = %v; want the data key back", err)
			}

			wp, err := c.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: tt.in.KeyId, KeySpec: tt.in.KeySpec, NumberOfBytes: tt.in.NumberOfBytes, EncryptionContext: ec})
			if err != nil {
				t.Fatalf("GenerateDataKeyWithoutPlaintext() = %v", err)
			}
			dec, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: wp.CiphertextBlob, EncryptionContext: ec})
			if err != nil || len(dec.Plaintext) != tt.wantLen {
				t.Errorf("Decrypt(data key without plaintext) = %v; want a %d-byte key", err, tt.wantLen)
			}
		})
	}
}

func TestServersAreIndependent(t *testing.T) {
	east, eastServer := newServer(t, fakekms.Config{Region: "us-east-1", AccountID: "111122223333"})
	west, westServer := newServer(t, fakekms.Config{Region: "eu-west-1", AccountID: "444455556666"})
	ctx := context.Background()
	eastKey := createKey(t, east, nil)
	westKey := createKey(t, west, nil)
	if !strings.HasPrefix(eastKey, "arn:aws:kms:us-east-1:111122223333:key/") || !strings.HasPrefix(westKey, "arn:aws:kms:eu-west-1:444455556666:key/") {
		t.Errorf("key ARNs %s and %s do not carry their server's Region and account", eastKey, westKey)
	}
	if _, err := west.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &eastKey}); code(err) != "NotFoundException" {
		t.Errorf("DescribeKey(east key) on west = %v, want NotFoundException", err)
	}
	keys, err := west.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil || len(keys.Keys) != 1 {
		t.Errorf("west ListKeys() = %v, %v; want its own key only", keys, err)
	}
	if eastServer.Region() != "us-east-1" || westServer.AccountID() != "444455556666" {
		t.Errorf("Region/AccountID = %s/%s, want the configured ones", eastServer.Region(), westServer.AccountID())
	}
}

func TestTagsAndDescription(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, &kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("data")}}})
	if _, err := c.TagResource(ctx, &kms.TagResourceInput{KeyId: &arn, Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("ml")}, {TagKey: aws.String("env"), TagValue: aws.String("test")}}}); err != nil {
		t.Fatalf("TagResource() = %v", err)
	}
	if _, err := c.UntagResource(ctx, &kms.UntagResourceInput{KeyId: &arn, TagKeys: []string{"env"}}); err != nil {
		t.Fatalf("UntagResource() = %v", err)
	}
	out, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: &arn})
	if err != nil {
		t.Fatalf("ListResourceTags() = %v", err)
	}
	var got []string
	for _, tg := range out.Tags {
		got = append(got, aws.ToString(tg.TagKey)+"="+aws.ToString(tg.TagValue))
	}
	if diff := cmp.Diff([]string{"team=ml"}, got); diff != "" {
		t.Errorf("ListResourceTags mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: &arn, Description: aws.String("new")}); err != nil {
		t.Fatalf("UpdateKeyDescription() = %v", err)
	}
	if d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &arn}); err != nil || aws.ToString(d.KeyMetadata.Description) != "new" {
		t.Errorf("Description after UpdateKeyDescription = %v; want new", err)
	}
	r, err := c.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(32)})
	if err != nil || len(r.Plaintext) != 32 {
		t.Errorf("GenerateRandom(32) = %v; want 32 bytes", err)
	}
}

func TestKeyLookup(t *testing.T) {
	c, s := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	id := arn[strings.LastIndex(arn, "/")+1:]
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &id}); err != nil {
		t.Fatalf("CreateAlias() = %v", err)
	}
	for _, ref := range []string{arn, id, "alias/data", "arn:aws:kms:us-east-1:111122223333:alias/data"} {
		k, err := s.Key(ref)
		if err != nil {
			t.Errorf("Key(%q) = %v", ref, err)
			continue
		}
		if k.ARN != arn || k.ID != id || !k.Usable() {
			t.Errorf("Key(%q) = %+v, want usable key %s", ref, k, arn)
		}
	}
	for _, ref := range []string{"", "alias/missing", "alias/aws/s3", "arn:aws:kms:eu-west-1:111122223333:key/" + id} {
		if _, err := s.Key(ref); !errors.Is(err, fakekms.ErrKeyNotFound) {
			t.Errorf("Key(%q) = %v, want ErrKeyNotFound", ref, err)
		}
	}
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &arn}); err != nil {
		t.Fatalf("DisableKey() = %v", err)
	}
	if k, _ := s.Key(arn); k.Usable() || k.State != "Disabled" || !k.RotationEnabled {
		t.Errorf("Key(disabled) = %+v, want State Disabled, not usable, rotation on", k)
	}
}

func TestUnsupportedOperations(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	_, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: &arn})
	var typed *types.UnsupportedOperationException
	if !errors.As(err, &typed) {
		t.Fatalf("RotateKeyOnDemand() = %v, want *types.UnsupportedOperationException", err)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("RotateKeyOnDemand() = %v, want HTTP 400", err)
	}
}

func TestOperationsListed(t *testing.T) {
	ops := fakekms.Operations()
	for _, want := range []string{"CreateKey", "DescribeKey", "PutKeyPolicy", "CreateGrant", "ListGrants", "RetireGrant", "RevokeGrant", "Encrypt", "GenerateDataKeyWithoutPlaintext"} {
		if _, found := slicesIndex(ops, want); !found {
			t.Errorf("Operations() lacks %s", want)
		}
	}
	if _, found := slicesIndex(ops, "RotateKeyOnDemand"); found {
		t.Errorf("Operations() lists RotateKeyOnDemand, which is not implemented")
	}
}

func slicesIndex(s []string, v string) (int, bool) {
	for i, x := range s {
		if x == v {
			return i, true
		}
	}
	return -1, false
}

func TestConcurrentRequests(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(fmt.Sprint(i))}); err != nil {
				errs <- err
			}
			if _, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &arn, Policy: aws.String(policy)}); err != nil {
				errs <- err
			}
			if _, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String("personalize.amazonaws.com"), Operations: []types.GrantOperation{types.GrantOperationDecrypt}}); err != nil {
				errs <- err
			}
			if _, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &arn, Plaintext: []byte("x")}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	keys, err := c.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil || len(keys.Keys) != 9 {
		t.Errorf("ListKeys() = %v; want 9 keys", err)
	}
	grants, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn})
	if err != nil || len(grants.Grants) != 8 {
		t.Errorf("ListGrants() = %v; want 8 grants", err)
	}
}
