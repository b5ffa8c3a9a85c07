package pseudonym_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go/logging"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// kmsEnv is an emulated KMS reached through the real SDK client, with two
// customer keys.
type kmsEnv struct {
	srv        *personalizetest.Server
	client     *kms.Client
	keyA, keyB string
}

func newKMSEnv(t *testing.T, optFns ...func(*kms.Options)) *kmsEnv {
	t.Helper()
	srv := personalizetest.New(t)
	c := kms.NewFromConfig(srv.Config(), optFns...)
	e := &kmsEnv{srv: srv, client: c}
	for _, arn := range []*string{&e.keyA, &e.keyB} {
		out, err := c.CreateKey(context.Background(), &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		*arn = aws.ToString(out.KeyMetadata.Arn)
	}
	srv.ResetRequests()
	return e
}

// recordingKMS passes calls to KMS and keeps a copy of each plaintext key
// and the slice it handed over, so a test can check both what the key was
// and that the package wiped it.
type recordingKMS struct {
	c      pseudonym.KMSAPIClient
	mu     sync.Mutex
	copies [][]byte
	given  [][]byte
}

func (r *recordingKMS) record(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.copies = append(r.copies, bytes.Clone(p))
	r.given = append(r.given, p)
}

func (r *recordingKMS) GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, optFns ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	out, err := r.c.GenerateDataKey(ctx, in, optFns...)
	if out != nil {
		r.record(out.Plaintext)
	}
	return out, err
}

func (r *recordingKMS) Decrypt(ctx context.Context, in *kms.DecryptInput, optFns ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	out, err := r.c.Decrypt(ctx, in, optFns...)
	if out != nil {
		r.record(out.Plaintext)
	}
	return out, err
}

// checkWiped fails the test unless every plaintext KMS handed over is zero.
func (r *recordingKMS) checkWiped(t *testing.T) {
	t.Helper()
	for i, p := range r.given {
		if len(p) == 0 || !bytes.Equal(p, make([]byte, len(p))) {
			t.Errorf("plaintext %d from KMS (%d bytes) was not wiped", i, len(p))
		}
	}
}

// TestKMSRoundTrip: GenerateKey stores only the encrypted key, LoadKey gets
// back the very key KMS generated, and the pseudonyms it gives are those of
// the reference computed from the plaintext KMS sent.
func TestKMSRoundTrip(t *testing.T) {
	ctx := context.Background()
	env := newKMSEnv(t)
	rec := &recordingKMS{c: env.client}

	sealed, err := pseudonym.GenerateKey(ctx, rec, env.keyA, 5)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.Version != 5 || sealed.KMSKeyARN != env.keyA || len(sealed.Ciphertext) == 0 {
		t.Fatalf("GenerateKey = %+v; want version 5, key A and a ciphertext", sealed)
	}
	stored, err := json.Marshal(sealed)
	if err != nil {
		t.Fatal(err)
	}
	var fromStore pseudonym.SealedKey
	if err := json.Unmarshal(stored, &fromStore); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*sealed, fromStore); diff != "" {
		t.Errorf("SealedKey JSON round trip mismatch (-want +got):\n%s", diff)
	}

	key, err := pseudonym.LoadKey(ctx, rec, env.keyA, 5, &fromStore)
	if err != nil {
		t.Fatal(err)
	}
	if key.Version() != 5 {
		t.Errorf("LoadKey: Version() = %d, want 5", key.Version())
	}
	p, err := pseudonym.New(key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := p.UserID("customer-0001")
	if len(rec.copies) != 2 || !bytes.Equal(rec.copies[0], rec.copies[1]) {
		t.Fatalf("KMS sent %d plaintexts; want the generated key back from Decrypt", len(rec.copies))
	}
	if want := reference(rec.copies[0], 'u', 5, "customer-0001"); got != want {
		t.Errorf("UserID under the loaded key = %q, want %q", got, want)
	}
	rec.checkWiped(t)

	// What went over the wire: AES_256, the binding context, and never the key.
	reqs := env.srv.Requests()
	if len(reqs) != 2 || reqs[0].Operation != "GenerateDataKey" || reqs[1].Operation != "Decrypt" {
		t.Fatalf("requests = %d; want GenerateDataKey then Decrypt", len(reqs))
	}
	wantContext := map[string]string{"personalizeguard:purpose": "pseudonym-key", "personalizeguard:pseudonym-key-version": "5"}
	for _, r := range reqs {
		var body struct {
			KeyId             string
			KeySpec           string
			EncryptionContext map[string]string
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantContext, body.EncryptionContext); diff != "" || body.KeyId != env.keyA {
			t.Errorf("%s: KeyId %q, encryption context mismatch (-want +got):\n%s", r.Operation, body.KeyId, diff)
		}
		if r.Operation == "GenerateDataKey" && body.KeySpec != "AES_256" {
			t.Errorf("GenerateDataKey KeySpec = %q, want AES_256", body.KeySpec)
		}
	}

	// The key travels only in KMS's answers, never in a request.
	for _, form := range []string{base64.StdEncoding.EncodeToString(rec.copies[0]), string(rec.copies[0])} {
		if env.srv.Seen(form) {
			t.Errorf("a request to KMS holds the plaintext key")
		}
	}

	// A second key is another key.
	other, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 5)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 5, other)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := pseudonym.New(k2)
	if got2, _ := p2.UserID("customer-0001"); got2 == got {
		t.Errorf("two generated keys give the same pseudonym %q", got)
	}
}

// TestKMSFailsClosed: each way the KMS side can be wrong returns no key, the
// documented error type, and no key material in the message.
func TestKMSFailsClosed(t *testing.T) {
	ctx := context.Background()
	type result struct {
		key *pseudonym.Key
		err error
	}
	tests := []struct {
		name     string
		run      func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result
		wantType string // "argument" or "kms"
		field    string // the ArgumentError's Field, for "argument"
		code     string // the KMS error code, for "kms"
		denied   bool
		requests int // KMS requests the failing call makes
	}{
		{
			name: "Decrypt denied",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				env.srv.Deny(personalizetest.ServiceKMS, "Decrypt")
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, sealed)
				return result{k, err}
			},
			wantType: "kms", code: "AccessDeniedException", denied: true, requests: 1,
		},
		{
			name: "GenerateDataKey denied",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				env.srv.Deny(personalizetest.ServiceKMS, "GenerateDataKey")
				s, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 2)
				if s != nil {
					t.Errorf("GenerateKey returned a sealed key despite the denial")
				}
				return result{nil, err}
			},
			wantType: "kms", code: "AccessDeniedException", denied: true, requests: 1,
		},
		{
			name: "the sealed key names another KMS key than the configuration",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyB, 1, sealed)
				return result{k, err}
			},
			wantType: "argument", field: "sealed.KMSKeyARN",
		},
		{
			name: "the ciphertext was made under another KMS key",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				forged := *sealed
				forged.KMSKeyARN = "" // a store that omits the ARN, or lies by leaving it out
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyB, 1, &forged)
				return result{k, err}
			},
			wantType: "kms", code: "IncorrectKeyException", requests: 1,
		},
		{
			name: "a genuine blob of an older version: refused before KMS",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				// sealed is a version-1 key; the configuration has rotated to 2.
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 2, sealed)
				return result{k, err}
			},
			wantType: "argument", field: "sealed.Version",
		},
		{
			name: "a genuine blob of a newer version than configured",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				newer, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 2)
				if err != nil {
					t.Fatal(err)
				}
				env.srv.ResetRequests()
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, newer)
				return result{k, err}
			},
			wantType: "argument", field: "sealed.Version",
		},
		{
			name: "another key version: the encryption context differs",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				// A version-1 blob whose stored Version was edited to the
				// configured 2 passes the comparison; KMS refuses it.
				wrong := *sealed
				wrong.Version = 2
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 2, &wrong)
				return result{k, err}
			},
			wantType: "kms", code: "InvalidCiphertextException", requests: 1,
		},
		{
			name: "a data key made for another purpose",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				out, err := env.client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(env.keyA), NumberOfBytes: aws.Int32(32),
					EncryptionContext: map[string]string{"personalizeguard:pseudonym-key-version": "1"}})
				if err != nil {
					t.Fatal(err)
				}
				env.srv.ResetRequests()
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, &pseudonym.SealedKey{Version: 1, KMSKeyARN: env.keyA, Ciphertext: out.CiphertextBlob})
				return result{k, err}
			},
			wantType: "kms", code: "InvalidCiphertextException", requests: 1,
		},
		{
			name: "a tampered ciphertext",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				bad := *sealed
				bad.Ciphertext = bytes.Clone(sealed.Ciphertext)
				bad.Ciphertext[len(bad.Ciphertext)-1] ^= 1
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, &bad)
				return result{k, err}
			},
			wantType: "kms", code: "InvalidCiphertextException", requests: 1,
		},
		{
			name: "the KMS key is disabled",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				if _, err := env.client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(env.keyA)}); err != nil {
					t.Fatal(err)
				}
				env.srv.ResetRequests()
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, sealed)
				return result{k, err}
			},
			wantType: "kms", code: "DisabledException", requests: 1,
		},
		{
			name: "an alias instead of a key ARN",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				k, err := pseudonym.LoadKey(ctx, env.client, "alias/pseudonyms", 1, sealed)
				var ie *guardkms.IdentifierError
				if !errors.As(err, &ie) || ie.Given != guardkms.AliasNameKind {
					t.Errorf("LoadKey with an alias: %v; want a *kms.IdentifierError for an alias name", err)
				}
				return result{k, err}
			},
			wantType: "argument", field: "kmsKeyARN",
		},
		{
			name: "GenerateKey under an alias ARN",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				_, err := pseudonym.GenerateKey(ctx, env.client, "arn:aws:kms:us-east-1:111122223333:alias/pseudonyms", 1)
				return result{nil, err}
			},
			wantType: "argument", field: "kmsKeyARN",
		},
		{
			name: "GenerateKey with version 0",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				_, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 0)
				return result{nil, err}
			},
			wantType: "argument", field: "version",
		},
		{
			name: "a sealed key with version 0",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				zero := *sealed
				zero.Version = 0
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, &zero)
				return result{k, err}
			},
			wantType: "argument", field: "sealed.Version",
		},
		{
			name: "LoadKey with version 0",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				zero := *sealed
				zero.Version = 0
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 0, &zero)
				return result{k, err}
			},
			wantType: "argument", field: "version",
		},
		{
			name: "a sealed key without ciphertext",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				empty := *sealed
				empty.Ciphertext = nil
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, &empty)
				return result{k, err}
			},
			wantType: "argument", field: "sealed.Ciphertext",
		},
		{
			name: "a nil sealed key",
			run: func(t *testing.T, env *kmsEnv, _ *pseudonym.SealedKey) result {
				k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, nil)
				return result{k, err}
			},
			wantType: "argument", field: "sealed",
		},
		{
			name: "a nil client",
			run: func(t *testing.T, env *kmsEnv, sealed *pseudonym.SealedKey) result {
				k, err := pseudonym.LoadKey(ctx, nil, env.keyA, 1, sealed)
				return result{k, err}
			},
			wantType: "argument", field: "client",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newKMSEnv(t)
			rec := &recordingKMS{c: env.client}
			sealed, err := pseudonym.GenerateKey(ctx, rec, env.keyA, 1)
			if err != nil {
				t.Fatal(err)
			}
			env.srv.ResetRequests()
			got := tt.run(t, env, sealed)
			if got.key != nil {
				t.Errorf("a key was returned")
			}
			var ae *pseudonym.ArgumentError
			var ke *pseudonym.KMSError
			switch tt.wantType {
			case "argument":
				if !errors.As(got.err, &ae) {
					t.Fatalf("error = %v, want an *ArgumentError", got.err)
				}
				if diff := cmp.Diff(tt.field, ae.Field); diff != "" {
					t.Errorf("ArgumentError.Field mismatch (-want +got):\n%s", diff)
				}
			case "kms":
				if !errors.As(got.err, &ke) {
					t.Fatalf("error = %v, want a *KMSError", got.err)
				}
				var apiErr interface{ ErrorCode() string }
				if !errors.As(got.err, &apiErr) || apiErr.ErrorCode() != tt.code || ke.AccessDenied() != tt.denied {
					t.Errorf("error = %v; want code %s, AccessDenied %v", got.err, tt.code, tt.denied)
				}
			}
			if n := len(env.srv.Requests()); n != tt.requests {
				t.Errorf("%d KMS requests, want %d", n, tt.requests)
			}
			checkNoKey(t, "the error", fmt.Sprint(got.err), rec.copies[0])
			if ct := base64.StdEncoding.EncodeToString(sealed.Ciphertext); strings.Contains(fmt.Sprint(got.err), ct[:24]) {
				t.Errorf("the error %q holds the ciphertext", got.err)
			}
		})
	}
}

// lyingKMS answers with whatever a test sets, as a compromised or
// misconfigured endpoint might.
type lyingKMS struct {
	keyID     string
	plaintext []byte
	nothing   bool // answer neither output nor error
}

func (l *lyingKMS) GenerateDataKey(context.Context, *kms.GenerateDataKeyInput, ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	if l.nothing {
		return nil, nil
	}
	return &kms.GenerateDataKeyOutput{KeyId: aws.String(l.keyID), Plaintext: l.plaintext, CiphertextBlob: []byte("blob")}, nil
}

func (l *lyingKMS) Decrypt(context.Context, *kms.DecryptInput, ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	if l.nothing {
		return nil, nil
	}
	return &kms.DecryptOutput{KeyId: aws.String(l.keyID), Plaintext: l.plaintext}, nil
}

// TestKMSAnswerRefused: an answer that names another key, or carries a key
// of the wrong size or all zeros, is refused and its plaintext wiped.
func TestKMSAnswerRefused(t *testing.T) {
	const want = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	const other = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	sealed := &pseudonym.SealedKey{Version: 1, KMSKeyARN: want, Ciphertext: []byte("blob")}
	tests := []struct {
		keyID     string
		plaintext []byte
		reason    string
	}{
		{other, testKey(1), "KMS names a key of another account"},
		{"", testKey(1), "KMS names no key"},
		{want, testKey(1)[:16], "a 128-bit key"},
		{want, append(testKey(1), 1), "a 33-byte key"},
		{want, make([]byte, 32), "an all-zero key"},
	}
	for _, tt := range tests {
		for _, op := range []string{"GenerateDataKey", "Decrypt"} {
			l := &lyingKMS{keyID: tt.keyID, plaintext: bytes.Clone(tt.plaintext)}
			var err error
			if op == "Decrypt" {
				var k *pseudonym.Key
				k, err = pseudonym.LoadKey(context.Background(), l, want, 1, sealed)
				if k != nil {
					t.Errorf("%s: LoadKey returned a key", tt.reason)
				}
			} else {
				var s *pseudonym.SealedKey
				s, err = pseudonym.GenerateKey(context.Background(), l, want, 1)
				if s != nil {
					t.Errorf("%s: GenerateKey returned a sealed key", tt.reason)
				}
			}
			var ke *pseudonym.KMSError
			if !errors.As(err, &ke) || ke.Reason == "" || ke.Operation != op {
				t.Errorf("%s: %s error = %v, want a *KMSError with a Reason", tt.reason, op, err)
			}
			if !bytes.Equal(l.plaintext, make([]byte, len(l.plaintext))) {
				t.Errorf("%s: %s left the plaintext unwiped", tt.reason, op)
			}
			if len(tt.plaintext) == 32 {
				checkNoKey(t, "the error", err.Error(), tt.plaintext)
			}
		}
	}
}

// TestKMSNoOutput: a hand-written client that answers nothing fails closed,
// without a panic.
func TestKMSNoOutput(t *testing.T) {
	const arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	l := &lyingKMS{nothing: true}
	var ke *pseudonym.KMSError
	if s, err := pseudonym.GenerateKey(context.Background(), l, arn, 1); s != nil || !errors.As(err, &ke) {
		t.Errorf("GenerateKey = %v, %v; want a *KMSError", s, err)
	}
	if k, err := pseudonym.LoadKey(context.Background(), l, arn, 1, &pseudonym.SealedKey{Version: 1, Ciphertext: []byte("blob")}); k != nil || !errors.As(err, &ke) {
		t.Errorf("LoadKey = %v, %v; want a *KMSError", k, err)
	}
}

// TestKMSNoBodyDumps: a KMS client that dumps response bodies (as a client
// set up for debugging does) would log the plaintext key; GenerateKey and
// LoadKey switch the dumps off for their calls.
func TestKMSNoBodyDumps(t *testing.T) {
	ctx := context.Background()
	var logged bytes.Buffer
	var mu sync.Mutex
	env := newKMSEnv(t, func(o *kms.Options) {
		o.ClientLogMode = aws.LogRequestWithBody | aws.LogResponseWithBody
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(&logged, format+"\n", v...)
		})
	})
	sealed, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pseudonym.LoadKey(ctx, env.client, env.keyA, 1, sealed, func(o *kms.Options) { o.ClientLogMode |= aws.LogResponseWithBody }); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logged.String(), "Plaintext") {
		t.Errorf("the KMS client's log holds a plaintext key:\n%s", logged.String())
	}
	// The same client, called directly, does dump it: the check above can fail.
	if _, err := env.client.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: sealed.Ciphertext, EncryptionContext: map[string]string{
		pseudonym.ContextPurposeKey: pseudonym.ContextPurpose, pseudonym.ContextVersionKey: "1"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "Plaintext") {
		t.Errorf("a direct Decrypt did not dump its body; the test proves nothing")
	}
}

// TestLoadKeyStoredARN: the ARN stored with a sealed key must name the
// configured key; a replica of the same multi-Region key in another Region
// does, any other key does not, and is refused before any call.
func TestLoadKeyStoredARN(t *testing.T) {
	const (
		single   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		mrkEast  = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
		mrkWest  = "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
		mrkOther = "arn:aws:kms:eu-west-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"
		singleW  = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	)
	tests := []struct {
		stored, configured string
		ok                 bool
		reason             string
	}{
		{single, single, true, "the same key"},
		{"", single, true, "no stored ARN: KMS's answer decides"},
		{mrkEast, mrkWest, true, "a replica of the same multi-Region key"},
		{mrkEast, mrkOther, false, "the same multi-Region key ID in another account"},
		{single, singleW, false, "a single-Region key ID in another Region is another key"},
		{mrkEast, single, false, "another key"},
		{"not an ARN", single, false, "garbage in the store"},
	}
	for _, tt := range tests {
		l := &lyingKMS{keyID: tt.configured, plaintext: testKey(1)}
		k, err := pseudonym.LoadKey(context.Background(), l, tt.configured, 1,
			&pseudonym.SealedKey{Version: 1, KMSKeyARN: tt.stored, Ciphertext: []byte("blob")})
		var ae *pseudonym.ArgumentError
		if tt.ok && (k == nil || err != nil) || !tt.ok && (k != nil || !errors.As(err, &ae) || ae.Field != "sealed.KMSKeyARN") {
			t.Errorf("%s: LoadKey = %v, %v; want ok=%v", tt.reason, k, err, tt.ok)
		}
	}
}

// mutatingKMS is a Decrypt client that changes the caller's SealedKey while
// the call is in flight, as a store object shared with a refresher might.
type mutatingKMS struct {
	sealed *pseudonym.SealedKey
	keyID  string
	gotCtx map[string]string
}

func (m *mutatingKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	m.gotCtx = in.EncryptionContext
	m.sealed.Version = 2
	return &kms.DecryptOutput{KeyId: aws.String(m.keyID), Plaintext: testKey(1)}, nil
}

// TestLoadKeyVersionIsTheCheckedOne: the Key's version is the configured
// one, which the encryption context gave KMS to check, not whatever *sealed
// says after the call.
func TestLoadKeyVersionIsTheCheckedOne(t *testing.T) {
	const arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	sealed := &pseudonym.SealedKey{Version: 1, KMSKeyARN: arn, Ciphertext: []byte("blob")}
	m := &mutatingKMS{sealed: sealed, keyID: arn}
	k, err := pseudonym.LoadKey(context.Background(), m, arn, 1, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.gotCtx[pseudonym.ContextVersionKey]; got != "1" {
		t.Fatalf("Decrypt's encryption context names version %q, want 1", got)
	}
	if k.Version() != 1 {
		t.Errorf("LoadKey returned a version-%d key for a blob KMS checked as version 1", k.Version())
	}
}

// TestLoadKeyRollback: after a rotation from version 1 to 2, whoever can
// write to the key store cannot roll the service back to the genuine
// version-1 blob: LoadKey refuses a sealed key of any other version than the
// configured one without calling KMS, and a blob relabelled to the
// configured version fails at KMS, whose encryption context names the
// configured version.
func TestLoadKeyRollback(t *testing.T) {
	ctx := context.Background()
	env := newKMSEnv(t)
	v1, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 1)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := pseudonym.GenerateKey(ctx, env.client, env.keyA, 2)
	if err != nil {
		t.Fatal(err)
	}
	relabelled := *v1
	relabelled.Version = 2

	// outcome is what a LoadKey call did: the key version it returned, or
	// which error, and what reached KMS.
	type outcome struct {
		KeyVersion  uint32
		Field       string // the *ArgumentError's Field
		KMSCode     string // the *KMSError's code
		Operations  []string
		ContextVers []string // the version in each request's encryption context
	}
	tests := []struct {
		name       string
		configured uint32
		sealed     *pseudonym.SealedKey
		want       outcome
	}{
		{"the current key", 2, v2,
			outcome{KeyVersion: 2, Operations: []string{"Decrypt"}, ContextVers: []string{"2"}}},
		{"the retired key put back", 2, v1,
			outcome{Field: "sealed.Version"}},
		{"the retired key relabelled as the current version", 2, &relabelled,
			outcome{KMSCode: "InvalidCiphertextException", Operations: []string{"Decrypt"}, ContextVers: []string{"2"}}},
		{"before the rotation, the old key", 1, v1,
			outcome{KeyVersion: 1, Operations: []string{"Decrypt"}, ContextVers: []string{"1"}}},
		{"before the rotation, the new key already in the store", 1, v2,
			outcome{Field: "sealed.Version"}},
		{"no configured version", 0, v1,
			outcome{Field: "version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.srv.ResetRequests()
			k, err := pseudonym.LoadKey(ctx, env.client, env.keyA, tt.configured, tt.sealed)
			var got outcome
			if k != nil {
				got.KeyVersion = k.Version()
			}
			var ae *pseudonym.ArgumentError
			var ke *pseudonym.KMSError
			var apiErr interface{ ErrorCode() string }
			switch {
			case err == nil:
			case errors.As(err, &ae):
				got.Field = ae.Field
			case errors.As(err, &ke) && errors.As(err, &apiErr):
				got.KMSCode = apiErr.ErrorCode()
			default:
				t.Fatalf("LoadKey error = %v; want an *ArgumentError or a *KMSError from KMS", err)
			}
			if (k == nil) == (err == nil) {
				t.Errorf("LoadKey = %v, %v; want exactly one of a key and an error", k, err)
			}
			for _, r := range env.srv.Requests() {
				var body struct{ EncryptionContext map[string]string }
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatal(err)
				}
				got.Operations = append(got.Operations, r.Operation)
				got.ContextVers = append(got.ContextVers, body.EncryptionContext[pseudonym.ContextVersionKey])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LoadKey(version %d, a sealed version-%d key) mismatch (-want +got):\n%s", tt.configured, tt.sealed.Version, diff)
			}
			if err != nil {
				if ct := base64.StdEncoding.EncodeToString(tt.sealed.Ciphertext); strings.Contains(err.Error(), ct[:24]) {
					t.Errorf("the error %q holds the ciphertext", err)
				}
			}
		})
	}
}
