package fakekms

import (
	"errors"
	"strings"
)

// ErrKeyNotFound is returned by [Server.Key] for an unknown key or alias.
var ErrKeyNotFound = errors.New("fakekms: key not found")

// Key is what in-process callers (the Personalize and S3 fakes) need to know
// about a key.
type Key struct {
	ARN             string
	ID              string
	State           string // Enabled, Disabled, PendingDeletion, PendingImport
	Spec            string // SYMMETRIC_DEFAULT, RSA_2048, ...
	Usage           string // ENCRYPT_DECRYPT, ...
	Policy          string
	RotationEnabled bool
}

// Usable reports whether the key can encrypt and decrypt now, which is what
// Personalize and S3 need from a customer managed key.
func (k Key) Usable() bool {
	return k.State == stateEnabled && k.Spec == specSymmetric && k.Usage == usageEncrypt
}

// Key looks up a key by key ID, key ARN, alias name or alias ARN, as the
// services that accept any of them (S3's SSE-KMS) do.
func (s *Server) Key(id string) (Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" || strings.HasPrefix(id, "alias/aws/") {
		return Key{}, ErrKeyNotFound
	}
	k, e := s.findKey("keyId", &id, true)
	if e != nil {
		return Key{}, ErrKeyNotFound
	}
	return Key{ARN: k.arn, ID: k.id, State: k.state, Spec: k.spec, Usage: k.usage, Policy: k.policy, RotationEnabled: k.rotation}, nil
}
