package pseudonym

import (
	"context"
	"crypto/tls"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	guardkms "github.com/personalizeguard/personalizeguard/kms"
)

// GenerateDataKeyAPIClient is the KMS call [GenerateKey] makes.
type GenerateDataKeyAPIClient interface {
	GenerateDataKey(ctx context.Context, params *kms.GenerateDataKeyInput, optFns ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
}

// DecryptAPIClient is the KMS call [LoadKey] makes.
type DecryptAPIClient interface {
	Decrypt(ctx context.Context, params *kms.DecryptInput, optFns ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// KMSAPIClient is every KMS call this package makes. *kms.Client satisfies
// it.
type KMSAPIClient interface {
	GenerateDataKeyAPIClient
	DecryptAPIClient
}

var _ KMSAPIClient = (*kms.Client)(nil)

// Encryption context entries that bind an encrypted pseudonym key to its
// purpose and version. KMS refuses to decrypt the key under any other
// context, so a blob made for version 1 cannot be loaded as version 2, nor a
// data key made for something else as a pseudonym key. Key policies can
// require them with kms:EncryptionContext:<key> conditions. They appear in
// CloudTrail in clear, which is why they hold nothing else.
const (
	ContextPurposeKey = "personalizeguard:purpose"
	ContextPurpose    = "pseudonym-key"
	ContextVersionKey = "personalizeguard:pseudonym-key-version"
)

// errNoOutput stands for a client that returned neither output nor error,
// which the SDK never does but a hand-written KMSAPIClient might.
var errNoOutput = errors.New("the KMS client returned no output and no error")

func encryptionContext(version uint32) map[string]string {
	return map[string]string{
		ContextPurposeKey: ContextPurpose,
		ContextVersionKey: strconv.FormatUint(uint64(version), 10),
	}
}

// SealedKey is a pseudonym key encrypted under a KMS key: the only form of
// the key to store (a file, a parameter, a secret). It is not secret by
// itself, but whoever can also call kms:Decrypt with it can recompute every
// pseudonym. It encodes as JSON with the default encoder.
type SealedKey struct {
	// Version is the pseudonym key's version.
	Version uint32 `json:"version"`
	// KMSKeyARN is the ARN of the KMS key that encrypted it, as KMS
	// reported it. It is informative: LoadKey takes the expected KMS key
	// from its caller and only checks that this field agrees.
	KMSKeyARN string `json:"kmsKeyArn"`
	// Ciphertext is KMS's CiphertextBlob.
	Ciphertext []byte `json:"ciphertext"`
}

// GenerateKey makes a new pseudonym key of the given version under the KMS key
// kmsKeyARN, with GenerateDataKey (KeySpec AES_256) and an encryption context
// that names the purpose and the version. It returns only the encrypted key:
// the plaintext KMS sent is wiped before GenerateKey returns. Load it with
// [LoadKey] where the pseudonymiser runs.
//
// kmsKeyARN must be a key ARN, not an alias or key ID: an alias can be
// pointed at another key, and LoadKey checks the ARN KMS reports. The caller
// needs kms:GenerateDataKey on the key. optFns apply to the KMS call.
func GenerateKey(ctx context.Context, client GenerateDataKeyAPIClient, kmsKeyARN string, version uint32, optFns ...func(*kms.Options)) (*SealedKey, error) {
	if err := checkKMSArgs(client == nil, kmsKeyARN, version); err != nil {
		return nil, err
	}
	var call keyCall
	out, err := client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId:             aws.String(kmsKeyARN),
		KeySpec:           types.DataKeySpecAes256,
		EncryptionContext: encryptionContext(version),
	}, call.options(optFns)...)
	if err == nil && out == nil {
		err = errNoOutput
	}
	if err != nil {
		return nil, call.err("GenerateDataKey", "kms:GenerateDataKey", err)
	}
	// The plaintext was handed to us and nothing here keeps it; it is only
	// looked at so that a key LoadKey would refuse is refused now.
	zero := allZero(out.Plaintext)
	clear(out.Plaintext)
	switch {
	case aws.ToString(out.KeyId) != kmsKeyARN:
		return nil, &KMSError{Operation: "GenerateDataKey", Permission: "kms:GenerateDataKey", Reason: "KMS reported another key than the one named"}
	case len(out.Plaintext) != KeySize || len(out.CiphertextBlob) == 0:
		return nil, &KMSError{Operation: "GenerateDataKey", Permission: "kms:GenerateDataKey", Reason: "KMS returned a data key of the wrong size"}
	case zero:
		return nil, &KMSError{Operation: "GenerateDataKey", Permission: "kms:GenerateDataKey", Reason: "KMS returned an all-zero data key"}
	}
	return &SealedKey{Version: version, KMSKeyARN: kmsKeyARN, Ciphertext: out.CiphertextBlob}, nil
}

// LoadKey decrypts a SealedKey with KMS and returns the pseudonym key of the
// given version. Both the expected KMS key, kmsKeyARN, and the expected key
// version come from the caller's configuration rather than from the sealed
// key, which is read from storage:
//
//   - a sealed key whose Version is not version is refused before any call,
//     so that a genuine blob of a retired version put back in the store (a
//     rollback to a key that leaked) does not load;
//   - a sealed key that names another KMS key (other than a replica of the
//     same multi-Region key) is refused before any call, Decrypt is asked to
//     use kmsKeyARN only, and an answer naming any other key is refused;
//   - Decrypt uses the encryption context of [GenerateKey] for version, so a
//     blob of another version whose stored Version was altered to match, or a
//     data key of another purpose, fails.
//
// The returned Key's version is version. The plaintext KMS sent is wiped; the
// Key holds its own copy. A blob sealed under kmsKeyARN with this encryption
// context by someone else than GenerateKey's caller still loads: see the
// package documentation for the key policy that prevents it.
//
// Every failure returns no key: an [*ArgumentError] before I/O, a
// [*KMSError] after. The caller needs kms:Decrypt on the key. optFns apply to
// the KMS call.
func LoadKey(ctx context.Context, client DecryptAPIClient, kmsKeyARN string, version uint32, sealed *SealedKey, optFns ...func(*kms.Options)) (*Key, error) {
	if sealed == nil {
		return nil, &ArgumentError{Field: "sealed", Reason: "is nil"}
	}
	if err := checkKMSArgs(client == nil, kmsKeyARN, version); err != nil {
		return nil, err
	}
	// The stored version is only compared: the encryption context and the
	// Key take the configured one, so what KMS checks and what the Key says
	// are the same even if *sealed changes while Decrypt runs.
	if stored := sealed.Version; stored != version {
		return nil, &ArgumentError{Field: "sealed.Version", Reason: "is " + strconv.FormatUint(uint64(stored), 10) +
			", not the configured key version " + strconv.FormatUint(uint64(version), 10) + " (a retired key put back in the store?)"}
	}
	if len(sealed.Ciphertext) == 0 {
		return nil, &ArgumentError{Field: "sealed.Ciphertext", Reason: "is empty"}
	}
	if sealed.KMSKeyARN != "" && !sameKey(sealed.KMSKeyARN, kmsKeyARN) {
		return nil, &ArgumentError{Field: "sealed.KMSKeyARN", Reason: "names another KMS key than kmsKeyARN"}
	}
	var call keyCall
	out, err := client.Decrypt(ctx, &kms.DecryptInput{
		CiphertextBlob:      sealed.Ciphertext,
		KeyId:               aws.String(kmsKeyARN),
		EncryptionContext:   encryptionContext(version),
		EncryptionAlgorithm: types.EncryptionAlgorithmSpecSymmetricDefault,
	}, call.options(optFns)...)
	if err == nil && out == nil {
		err = errNoOutput
	}
	if err != nil {
		return nil, call.err("Decrypt", "kms:Decrypt", err)
	}
	defer clear(out.Plaintext)
	if aws.ToString(out.KeyId) != kmsKeyARN {
		return nil, &KMSError{Operation: "Decrypt", Permission: "kms:Decrypt", Reason: "KMS reported another key than the one named"}
	}
	if len(out.Plaintext) != KeySize {
		return nil, &KMSError{Operation: "Decrypt", Permission: "kms:Decrypt", Reason: "the decrypted key is not 32 bytes"}
	}
	k, err := NewKey(version, out.Plaintext)
	if err != nil {
		return nil, &KMSError{Operation: "Decrypt", Permission: "kms:Decrypt", Reason: "the decrypted key is all zero bytes"}
	}
	return k, nil
}

// keyCall holds a KMS call whose response carries a plaintext key to the
// transport rules of the guarded clients, and remembers what they refused.
type keyCall struct{ refused error }

// options appends, last so that it wins over the caller's, an option that
// holds the call to https and TLS 1.2 or later on an HTTP client the guard
// can inspect (see securetransport.Secure), and switches off the SDK's wire
// dumps and the caller's middleware and interceptors: GenerateDataKey's and
// Decrypt's responses carry the plaintext key, which must not cross the
// network in clear nor reach a hook that prints it. A client the rules
// refuse makes no request.
func (c *keyCall) options(optFns []func(*kms.Options)) []func(*kms.Options) {
	return append(optFns[:len(optFns):len(optFns)], func(o *kms.Options) {
		hc, mode, _, err := securetransport.Secure(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, o.ClientLogMode, tls.VersionTLS12, false)
		if err != nil {
			c.refused = err
			// Building the call's stack fails: nothing is sent.
			o.APIOptions = append(o.APIOptions[:len(o.APIOptions):len(o.APIOptions)], func(*middleware.Stack) error { return err })
			return
		}
		o.HTTPClient, o.ClientLogMode = hc, mode
		// Nor handed to the caller's hooks: middleware and interceptors
		// see the response, plaintext key included, and one that logs it
		// would print the key. The guard's own clients drop them too.
		o.APIOptions, o.Interceptors = nil, smithyhttp.InterceptorRegistry{}
	})
}

// err returns the error of a KMS call made with c's options: an
// *ArgumentError when the transport rules refused the client, before any
// request.
func (c *keyCall) err(op, permission string, err error) error {
	if c.refused != nil {
		return &ArgumentError{Field: "client", Reason: "does not meet the transport rules (https, TLS 1.2 or later) for a call that returns a plaintext key", Err: c.refused}
	}
	return &KMSError{Operation: op, Permission: permission, Err: err}
}

// sameKey reports whether the key ARN stored with a sealed key names the
// expected key: the same ARN, or a replica of the same multi-Region key in
// another Region (a key generated in one Region and loaded in another).
func sameKey(stored, expected string) bool {
	if stored == expected {
		return true
	}
	s, err1 := guardkms.ParseKeyARN(stored)
	e, err2 := guardkms.ParseKeyARN(expected)
	return err1 == nil && err2 == nil && s.MultiRegion() && s.InRegion(e.Region) == e
}

func checkKMSArgs(nilClient bool, kmsKeyARN string, version uint32) error {
	if nilClient {
		return &ArgumentError{Field: "client", Reason: "is nil"}
	}
	if _, err := guardkms.ParseKeyARN(kmsKeyARN); err != nil {
		return &ArgumentError{Field: "kmsKeyARN", Reason: "is not a KMS key ARN", Err: err}
	}
	if version == 0 {
		return &ArgumentError{Field: "version", Reason: "is 0; key versions start at 1"}
	}
	return nil
}
