package fakekms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
)

// Ciphertext blobs are the emulator's own envelope, not KMS's (which is
// undocumented):
//
//	version (1 byte, 1) | key ID length (1 byte) | key ID | material index (4 bytes, big endian) | nonce (12 bytes) | AES-256-GCM sealed plaintext and tag
//
// The GCM additional data is the header (everything before the sealed
// bytes) followed by the canonical encryption context, so a blob decrypts
// only under the key and material it names, with the same encryption
// context, on the Server that made it (key material never leaves it).
const (
	envelopeVersion = 1
	nonceSize       = 12
	materialSize    = 32
	maxPlaintext    = 4096
	maxCiphertext   = 6144
)

func newMaterial() ([]byte, error) {
	m := make([]byte, materialSize)
	_, err := rand.Read(m)
	return m, err
}

// canonicalContext encodes an encryption context independently of map
// order: the pair count, then each pair sorted by key, every string
// length-prefixed so that no two contexts share an encoding.
func canonicalContext(ctx map[string]string) []byte {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := binary.BigEndian.AppendUint32(nil, uint32(len(keys)))
	for _, k := range keys {
		b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
		b = append(b, k...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(ctx[k])))
		b = append(b, ctx[k]...)
	}
	return b
}

func aead(material []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts plaintext under k's newest key material.
func seal(k *key, plaintext []byte, ctx map[string]string) ([]byte, error) {
	idx := len(k.material) - 1
	g, err := aead(k.material[idx])
	if err != nil {
		return nil, err
	}
	header := []byte{envelopeVersion, byte(len(k.id))}
	header = append(header, k.id...)
	header = binary.BigEndian.AppendUint32(header, uint32(idx))
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	header = append(header, nonce...)
	aad := append(slices.Clip(header), canonicalContext(ctx)...)
	return g.Seal(header, nonce, plaintext, aad), nil
}

// envelope is a parsed ciphertext blob.
type envelope struct {
	keyID    string
	material uint32
	header   []byte
	nonce    []byte
	sealed   []byte
}

var errEnvelope = errors.New("fakekms: not a ciphertext of this emulator")

func parseEnvelope(blob []byte) (envelope, error) {
	if len(blob) < 2 || blob[0] != envelopeVersion {
		return envelope{}, errEnvelope
	}
	n := int(blob[1])
	rest := blob[2:]
	if len(rest) < n+4+nonceSize+16 {
		return envelope{}, errEnvelope
	}
	e := envelope{keyID: string(rest[:n]), material: binary.BigEndian.Uint32(rest[n : n+4])}
	hlen := 2 + n + 4 + nonceSize
	e.header, e.nonce, e.sealed = blob[:hlen], blob[hlen-nonceSize:hlen], blob[hlen:]
	return e, nil
}

func open(k *key, e envelope, ctx map[string]string) ([]byte, error) {
	if int64(e.material) >= int64(len(k.material)) {
		return nil, errEnvelope
	}
	g, err := aead(k.material[e.material])
	if err != nil {
		return nil, err
	}
	aad := append(slices.Clone(e.header), canonicalContext(ctx)...)
	return g.Open(nil, e.nonce, e.sealed, aad)
}

// usableForEncryption is the state and usage check of every cryptographic
// operation, in KMS's order: state first, then usage.
func usableForEncryption(k *key, algorithm string) *apiError {
	switch k.state {
	case stateDisabled:
		return clientError("DisabledException", k.arn+" is disabled.")
	case statePendingDeletion:
		return errInvalidState(k.arn + " is pending deletion.")
	case statePendingImport:
		return errInvalidState(k.arn + " is pending import.")
	}
	if k.usage != usageEncrypt {
		return clientError("InvalidKeyUsageException", k.arn+" key usage is "+k.usage+" which is not valid for this operation.")
	}
	if !k.symmetric() {
		return clientError("UnsupportedOperationException", "Asymmetric encryption is not implemented by the local KMS emulator.")
	}
	if algorithm != "" && algorithm != "SYMMETRIC_DEFAULT" {
		return clientError("InvalidKeyUsageException", "The encryption algorithm is not compatible with "+k.arn+".")
	}
	return nil
}

func checkAlgorithm(a *string) *apiError {
	if a == nil {
		return nil
	}
	return checkEnum("encryptionAlgorithm", *a, "SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE")
}

func dryRun(p *bool) bool { return p != nil && *p }

type encryptInput struct {
	KeyId               *string
	Plaintext           []byte
	EncryptionContext   map[string]string
	GrantTokens         []string
	EncryptionAlgorithm *string
	DryRun              *bool
}

func checkBlob(member string, b []byte, max int) *apiError {
	if b == nil {
		return errRequired(member)
	}
	if len(b) < 1 || len(b) > max {
		return errValidation(member, "Member must have length between 1 and "+strconv.Itoa(max))
	}
	return nil
}

func (s *Server) encrypt(in *encryptInput) (any, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, true)
	if e != nil {
		return nil, e
	}
	if e := firstError(checkBlob("plaintext", in.Plaintext, maxPlaintext), checkAlgorithm(in.EncryptionAlgorithm), checkGrantTokens(in.GrantTokens)); e != nil {
		return nil, e
	}
	if e := usableForEncryption(k, str(in.EncryptionAlgorithm)); e != nil {
		return nil, e
	}
	if dryRun(in.DryRun) {
		return nil, errDryRun()
	}
	blob, err := seal(k, in.Plaintext, in.EncryptionContext)
	if err != nil {
		return nil, errInternal("encryption failed")
	}
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

type decryptInput struct {
	CiphertextBlob      []byte
	KeyId               *string
	EncryptionContext   map[string]string
	GrantTokens         []string
	EncryptionAlgorithm *string
	Recipient           *struct{}
	DryRun              *bool
}

func errCiphertext() *apiError {
	return clientError("InvalidCiphertextException", "The ciphertext is invalid, was made with another key, or the encryption context does not match.")
}

func (s *Server) decrypt(in *decryptInput) (any, *apiError) {
	if e := firstError(checkBlob("ciphertextBlob", in.CiphertextBlob, maxCiphertext), checkAlgorithm(in.EncryptionAlgorithm), checkGrantTokens(in.GrantTokens)); e != nil {
		return nil, e
	}
	if in.Recipient != nil {
		return nil, clientError("UnsupportedOperationException", "Nitro Enclaves attestation is not implemented by the local KMS emulator.")
	}
	var named *key
	if in.KeyId != nil {
		var e *apiError
		if named, e = s.findKey("keyId", in.KeyId, true); e != nil {
			return nil, e
		}
	}
	env, err := parseEnvelope(in.CiphertextBlob)
	if err != nil {
		return nil, errCiphertext()
	}
	k, ok := s.keys[env.keyID]
	if !ok {
		return nil, errCiphertext()
	}
	if named != nil && named != k {
		return nil, clientError("IncorrectKeyException", "The key ID in the request does not identify the key that encrypted the ciphertext.")
	}
	if e := usableForEncryption(k, str(in.EncryptionAlgorithm)); e != nil {
		return nil, e
	}
	if dryRun(in.DryRun) {
		return nil, errDryRun()
	}
	plaintext, err := open(k, env, in.EncryptionContext)
	if err != nil {
		return nil, errCiphertext()
	}
	return map[string]any{"Plaintext": plaintext, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

type generateDataKeyInput struct {
	KeyId             *string
	KeySpec           *string
	NumberOfBytes     *int32
	EncryptionContext map[string]string
	GrantTokens       []string
	Recipient         *struct{}
	DryRun            *bool
}

func (s *Server) dataKey(in *generateDataKeyInput) (*key, []byte, []byte, *apiError) {
	k, e := s.findKey("keyId", in.KeyId, true)
	if e != nil {
		return nil, nil, nil, e
	}
	if e := firstError(checkRange("numberOfBytes", in.NumberOfBytes, 1, 1024), checkGrantTokens(in.GrantTokens)); e != nil {
		return nil, nil, nil, e
	}
	if in.KeySpec != nil {
		if e := checkEnum("keySpec", *in.KeySpec, "AES_256", "AES_128"); e != nil {
			return nil, nil, nil, e
		}
	}
	var n int
	switch {
	case (in.KeySpec == nil) == (in.NumberOfBytes == nil):
		return nil, nil, nil, clientError("ValidationException", "Please specify either number of bytes or key spec.")
	case in.NumberOfBytes != nil:
		n = int(*in.NumberOfBytes)
	case *in.KeySpec == "AES_128":
		n = 16
	default:
		n = 32
	}
	if in.Recipient != nil {
		return nil, nil, nil, clientError("UnsupportedOperationException", "Nitro Enclaves attestation is not implemented by the local KMS emulator.")
	}
	if e := usableForEncryption(k, ""); e != nil {
		return nil, nil, nil, e
	}
	if dryRun(in.DryRun) {
		return nil, nil, nil, errDryRun()
	}
	plaintext := make([]byte, n)
	if _, err := rand.Read(plaintext); err != nil {
		return nil, nil, nil, errInternal("no randomness")
	}
	blob, err := seal(k, plaintext, in.EncryptionContext)
	if err != nil {
		return nil, nil, nil, errInternal("encryption failed")
	}
	return k, plaintext, blob, nil
}

func (s *Server) generateDataKey(in *generateDataKeyInput) (any, *apiError) {
	k, plaintext, blob, e := s.dataKey(in)
	if e != nil {
		return nil, e
	}
	return map[string]any{"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": k.arn}, nil
}

func (s *Server) generateDataKeyWithoutPlaintext(in *generateDataKeyInput) (any, *apiError) {
	k, _, blob, e := s.dataKey(in)
	if e != nil {
		return nil, e
	}
	return map[string]any{"CiphertextBlob": blob, "KeyId": k.arn}, nil
}

type generateRandomInput struct {
	NumberOfBytes    *int32
	CustomKeyStoreId *string
	Recipient        *struct{}
}

func (s *Server) generateRandom(in *generateRandomInput) (any, *apiError) {
	if in.NumberOfBytes == nil {
		return nil, errRequired("numberOfBytes")
	}
	if e := checkRange("numberOfBytes", in.NumberOfBytes, 1, 1024); e != nil {
		return nil, e
	}
	if in.CustomKeyStoreId != nil {
		return nil, clientError("CustomKeyStoreNotFoundException", "The local KMS emulator has no custom key stores.")
	}
	if in.Recipient != nil {
		return nil, clientError("UnsupportedOperationException", "Nitro Enclaves attestation is not implemented by the local KMS emulator.")
	}
	b := make([]byte, *in.NumberOfBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, errInternal("no randomness")
	}
	return map[string]any{"Plaintext": b}, nil
}
