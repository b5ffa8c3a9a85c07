package fakekms_test

import (
	"context"
	"encoding/json"
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

func newClient(t *testing.T) (*kms.Client, *fakekms.Handler) {
	t.Helper()
	h, err := fakekms.Open(t.TempDir())
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		if err := h.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	cfg := aws.Config{
		Region: fakekms.Region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint:     aws.String(srv.URL),
		RetryMaxAttempts: 1,
	}
	return kms.NewFromConfig(cfg), h
}

func createKey(t *testing.T, c *kms.Client, in *kms.CreateKeyInput) string {
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

func TestCreateAndDescribeKey(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, &kms.CreateKeyInput{Description: aws.String("test key")})
	if !strings.HasPrefix(arn, "arn:aws:kms:us-east-1:111122223333:key/") {
		t.Errorf("CreateKey ARN = %q, want the test account and Region", arn)
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeKey() = %v", err)
	}
	md := out.KeyMetadata
	got := []string{string(md.KeyState), string(md.KeySpec), string(md.KeyUsage), string(md.KeyManager), aws.ToString(md.Description)}
	want := []string{"Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "CUSTOMER", "test key"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeKey metadata mismatch (-want +got):\n%s", diff)
	}
	if !md.Enabled || md.CreationDate == nil {
		t.Errorf("DescribeKey Enabled=%v CreationDate=%v, want true and a time", md.Enabled, md.CreationDate)
	}
}

func TestKeyStates(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	state := func() types.KeyState {
		t.Helper()
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(arn)})
		if err != nil {
			t.Fatalf("DescribeKey() = %v", err)
		}
		return out.KeyMetadata.KeyState
	}
	steps := []struct {
		name string
		do   func() error
		want types.KeyState
	}{
		{"disable", func() error { _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &arn}); return err }, types.KeyStateDisabled},
		{"enable", func() error { _, err := c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: &arn}); return err }, types.KeyStateEnabled},
		{"schedule deletion", func() error {
			out, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &arn, PendingWindowInDays: aws.Int32(7)})
			if err == nil && out.DeletionDate == nil {
				err = errors.New("no DeletionDate")
			}
			return err
		}, types.KeyStatePendingDeletion},
		{"cancel deletion", func() error { _, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: &arn}); return err }, types.KeyStateDisabled},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := state(); got != s.want {
			t.Errorf("after %s: KeyState = %q, want %q", s.name, got, s.want)
		}
	}
}

func TestRotation(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	status := func() bool {
		t.Helper()
		out, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &arn})
		if err != nil {
			t.Fatalf("GetKeyRotationStatus() = %v", err)
		}
		return out.KeyRotationEnabled
	}
	if status() {
		t.Errorf("new key: rotation enabled, want disabled")
	}
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
		t.Fatalf("EnableKeyRotation() = %v", err)
	}
	if !status() {
		t.Errorf("after EnableKeyRotation: rotation disabled, want enabled")
	}
	if _, err := c.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: &arn}); err != nil {
		t.Fatalf("DisableKeyRotation() = %v", err)
	}
	if status() {
		t.Errorf("after DisableKeyRotation: rotation enabled, want disabled")
	}
}

const policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

func TestKeyPolicy(t *testing.T) {
	c, h := newClient(t)
	ctx := context.Background()
	symmetric := createKey(t, c, nil)
	rsa := createKey(t, c, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})

	for _, arn := range []string{symmetric, rsa} {
		// local-kms's own PutKeyPolicy panics on an RSA key; ours must not.
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
	}

	// PolicyName is optional in today's API and defaults to "default".
	out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &symmetric})
	if err != nil || aws.ToString(out.Policy) != policy || aws.ToString(out.PolicyName) != "default" {
		t.Errorf("GetKeyPolicy without PolicyName = %v, %v; want the stored default policy", out, err)
	}
	names, err := c.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: &symmetric})
	if err != nil {
		t.Fatalf("ListKeyPolicies() = %v", err)
	}
	if diff := cmp.Diff([]string{"default"}, names.PolicyNames); diff != "" {
		t.Errorf("ListKeyPolicies mismatch (-want +got):\n%s", diff)
	}
	if k, err := h.Key(symmetric); err != nil || k.Policy != policy {
		t.Errorf("Key(%s).Policy = %q, %v; want the stored policy", symmetric, k.Policy, err)
	}
}

func TestKeyPolicyErrors(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"malformed policy on put", func() error {
			_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &arn, PolicyName: aws.String("default"), Policy: aws.String("{not json")})
			return err
		}, "MalformedPolicyDocumentException"},
		{"malformed policy on create", func() error {
			_, err := c.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String("[]")})
			return err
		}, "MalformedPolicyDocumentException"},
		{"unknown policy name", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &arn, PolicyName: aws.String("other")})
			return err
		}, "NotFoundException"},
		{"unknown key", func() error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("00000000-0000-0000-0000-000000000000"), PolicyName: aws.String("default")})
			return err
		}, "NotFoundException"},
		{"describe unknown key", func() error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
			return err
		}, "NotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var apiErr smithy.APIError
			if err := tt.call(); !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.want {
				t.Errorf("error = %v, want API error %s", err, tt.want)
			}
		})
	}
	var typed *types.MalformedPolicyDocumentException
	_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: &arn, Policy: aws.String("nope")})
	if !errors.As(err, &typed) {
		t.Errorf("PutKeyPolicy(malformed) = %v, want *types.MalformedPolicyDocumentException", err)
	}
}

func TestUnsupportedOperations(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	tests := []struct {
		name string
		call func() error
	}{
		{"CreateGrant", func() error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &arn, GranteePrincipal: aws.String("personalize.amazonaws.com"), Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
			return err
		}},
		{"ListGrants", func() error { _, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &arn}); return err }},
		{"RotateKeyOnDemand", func() error { _, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: &arn}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnsupportedOperationException" {
				t.Fatalf("error = %v, want API error UnsupportedOperationException", err)
			}
			var respErr *awshttp.ResponseError
			if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusBadRequest {
				t.Errorf("error = %v, want HTTP 400", err)
			}
		})
	}
}

func TestEncryptDecrypt(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	enc, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &arn, Plaintext: []byte("hello")})
	if err != nil {
		t.Fatalf("Encrypt() = %v", err)
	}
	dec, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	if err != nil {
		t.Fatalf("Decrypt() = %v", err)
	}
	if got := string(dec.Plaintext); got != "hello" {
		t.Errorf("Decrypt() = %q, want %q", got, "hello")
	}
}

func TestKeyLookup(t *testing.T) {
	c, h := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	id := arn[strings.LastIndex(arn, "/")+1:]
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/data"), TargetKeyId: &id}); err != nil {
		t.Fatalf("CreateAlias() = %v", err)
	}
	for _, ref := range []string{arn, id, "alias/data", "arn:aws:kms:us-east-1:111122223333:alias/data"} {
		k, err := h.Key(ref)
		if err != nil {
			t.Errorf("Key(%q) = %v", ref, err)
			continue
		}
		if k.ARN != arn || !k.Usable() {
			t.Errorf("Key(%q) = %+v, want usable key %s", ref, k, arn)
		}
	}
	for _, ref := range []string{"", "alias/missing", "arn:aws:kms:eu-west-1:111122223333:key/" + id} {
		if _, err := h.Key(ref); !errors.Is(err, fakekms.ErrKeyNotFound) {
			t.Errorf("Key(%q) = %v, want ErrKeyNotFound", ref, err)
		}
	}
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &arn}); err != nil {
		t.Fatalf("DisableKey() = %v", err)
	}
	if k, _ := h.Key(arn); k.Usable() || k.State != "Disabled" {
		t.Errorf("Key(disabled) = %+v, want State Disabled and not usable", k)
	}
}

func TestMalformedRequests(t *testing.T) {
	h, err := fakekms.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	tests := []struct {
		reason, method, target, body, wantType string
		wantCode                               int
	}{
		{"no target", http.MethodPost, "", "{}", "UnknownOperationException", 400},
		{"other service", http.MethodPost, "AmazonPersonalize.ListSchemas", "{}", "UnknownOperationException", 400},
		{"GET", http.MethodGet, "TrentService.ListKeys", "", "UnknownOperationException", 400},
		{"bad JSON", http.MethodPost, "TrentService.PutKeyPolicy", "{", "SerializationException", 400},
		{"weird operation name is not echoed", http.MethodPost, "TrentService.<script>", "{}", "UnsupportedOperationException", 400},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/", strings.NewReader(tt.body))
			req.Header.Set("X-Amz-Target", tt.target)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", rec.Body, err)
			}
			if rec.Code != tt.wantCode || body["__type"] != tt.wantType {
				t.Errorf("got %d %s, want %d %s", rec.Code, body["__type"], tt.wantCode, tt.wantType)
			}
			if strings.Contains(rec.Body.String(), "<script>") {
				t.Errorf("body %q echoes the operation name", rec.Body)
			}
		})
	}
}

func TestClosedHandler(t *testing.T) {
	h, err := fakekms.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "KMSInternalException") {
		t.Errorf("closed handler answered %d %s, want 500 KMSInternalException", rec.Code, rec.Body)
	}
	if _, err := h.Key("alias/x"); err == nil {
		t.Errorf("Key() on a closed handler = nil error")
	}
}

func TestConcurrentRequests(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	arn := createKey(t, c, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
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
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := c.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatalf("ListKeys() = %v", err)
	}
	if got := len(out.Keys); got != 9 {
		t.Errorf("ListKeys() returned %d keys, want 9", got)
	}
}

func TestOperationsListed(t *testing.T) {
	ops := fakekms.Operations()
	seen := map[string]bool{}
	for _, op := range ops {
		seen[op] = true
	}
	for _, want := range []string{"CreateKey", "DescribeKey", "PutKeyPolicy", "GetKeyPolicy", "ListKeyPolicies", "EnableKeyRotation", "ScheduleKeyDeletion"} {
		if !seen[want] {
			t.Errorf("Operations() lacks %s", want)
		}
	}
	if seen["CreateGrant"] {
		t.Errorf("Operations() lists CreateGrant, which is not implemented")
	}
}
