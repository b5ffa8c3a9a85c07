package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
	"sync"
)

// domainTag starts every MAC input. It names the scheme and its revision, so
// that no other use of the same key (a mistake, but a possible one) can
// produce these inputs, and a future scheme can use another tag.
const domainTag = "personalizeguard-pseudonym-1"

// headerLen is the fixed length of the MAC input before the ID: the tag, the
// kind's letter and the key version as 4 big-endian bytes. A fixed-length
// header keeps the input unambiguous without length-prefixing the ID.
const headerLen = len(domainTag) + 1 + 4

// chunkLen bounds how much of a long ID is copied into the scratch buffer at
// a time, so that a pooled buffer never grows with its largest input.
const chunkLen = 256

// Pseudonymizer turns raw user and session IDs into pseudonyms under one key.
// It is safe for concurrent use. Make one with [New]; a nil or zero
// Pseudonymizer makes no pseudonyms: its methods return an [*ArgumentError].
type Pseudonymizer struct {
	version uint32
	prefix  [2]string // by Kind.index: "pu<version>_", "ps<version>_"
	// states holds *macState values: HMAC states keyed once and reset per
	// call, so a call neither re-derives the HMAC pads nor allocates.
	states sync.Pool
}

// macState is one caller's HMAC and buffers, taken from and returned to the
// pool around each call.
type macState struct {
	mac     hash.Hash
	scratch [headerLen + chunkLen]byte
	sum     [sha256.Size]byte
}

// New returns a Pseudonymizer that uses key. The Pseudonymizer keeps its own
// copy of the key; the HMAC states derived from it stay in memory for as long
// as the Pseudonymizer does (Go gives no way to wipe them reliably).
func New(key *Key) (*Pseudonymizer, error) {
	if !validKey(key) {
		return nil, &ArgumentError{Field: "key", Reason: "is nil or the zero Key; make one with NewKey or LoadKey"}
	}
	b := *key.bytes() // the pool's copy: the caller's Key is theirs to drop
	p := &Pseudonymizer{version: key.version, prefix: prefixes(key.version)}
	p.states.New = func() any { return &macState{mac: hmac.New(sha256.New, b[:])} }
	return p, nil
}

// KeyVersion returns the version of the key, which prefixes every pseudonym
// this Pseudonymizer makes.
func (p *Pseudonymizer) KeyVersion() uint32 {
	if p == nil {
		return 0
	}
	return p.version
}

// UserID returns the pseudonym of a user ID: the same ID gives the same
// pseudonym on every call, process and machine that uses the same key. An
// empty ID is refused with an [*ArgumentError]: it means "no user", and a
// pseudonym would turn it into one.
func (p *Pseudonymizer) UserID(id string) (string, error) {
	var buf [MaxLen]byte
	b, err := p.appendID(buf[:0], User, id)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// SessionID is UserID for session IDs. A session ID and a user ID that are the
// same string get unrelated pseudonyms.
func (p *Pseudonymizer) SessionID(id string) (string, error) {
	var buf [MaxLen]byte
	b, err := p.appendID(buf[:0], Session, id)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// AppendUserID appends the pseudonym of a user ID to dst and returns the
// extended slice; it does not allocate when dst has room for [MaxLen] more
// bytes. On error dst is returned unchanged.
func (p *Pseudonymizer) AppendUserID(dst []byte, id string) ([]byte, error) {
	return p.appendID(dst, User, id)
}

// AppendSessionID is AppendUserID for session IDs.
func (p *Pseudonymizer) AppendSessionID(dst []byte, id string) ([]byte, error) {
	return p.appendID(dst, Session, id)
}

// AppendUserIDBytes is AppendUserID for an ID held in bytes, such as a field
// of a reused read buffer: the same pseudonym, with no string made of id and
// nothing of it kept.
func (p *Pseudonymizer) AppendUserIDBytes(dst, id []byte) ([]byte, error) {
	return appendID(p, dst, User, id)
}

// AppendSessionIDBytes is AppendUserIDBytes for session IDs.
func (p *Pseudonymizer) AppendSessionIDBytes(dst, id []byte) ([]byte, error) {
	return appendID(p, dst, Session, id)
}

func (p *Pseudonymizer) appendID(dst []byte, k Kind, id string) ([]byte, error) {
	return appendID(p, dst, k, id)
}

// appendID is the one body of the string and the bytes forms, so that they
// cannot drift apart.
func appendID[T string | []byte](p *Pseudonymizer, dst []byte, k Kind, id T) ([]byte, error) {
	// A nil or zero Pseudonymizer has no key (its pool has no New): fail
	// closed with an error rather than panic in the caller's request path.
	if p == nil || p.version == 0 {
		return dst, &ArgumentError{Field: "Pseudonymizer", Reason: "is nil or the zero Pseudonymizer; make one with New"}
	}
	if len(id) == 0 {
		return dst, &ArgumentError{Field: "id", Reason: "is empty; an empty " + k.String() + " ID has no pseudonym (leave the field unset)"}
	}
	s := p.states.Get().(*macState)
	s.mac.Reset()
	h := append(s.scratch[:0], domainTag...)
	h = append(h, k.letter())
	h = binary.BigEndian.AppendUint32(h, p.version)
	// The first chunk shares the header's Write; short IDs take one Write.
	n := min(len(id), chunkLen)
	s.mac.Write(append(h, id[:n]...))
	for id = id[n:]; len(id) > 0; id = id[n:] {
		n = min(len(id), chunkLen)
		s.mac.Write(append(s.scratch[:0], id[:n]...))
	}
	sum := s.mac.Sum(s.sum[:0])
	dst = append(dst, p.prefix[k.index()]...)
	dst = appendMAC(dst, (*[macBytes]byte)(sum))
	p.states.Put(s)
	return dst, nil
}

// String returns "pseudonym.Pseudonymizer{KeyVersion: N}"; the key is never
// printed. A nil Pseudonymizer prints with version 0, as the zero one does.
func (p *Pseudonymizer) String() string {
	return "pseudonym.Pseudonymizer{KeyVersion: " + strconv.FormatUint(uint64(p.KeyVersion()), 10) + "}"
}

// GoString returns the same text as String.
func (p *Pseudonymizer) GoString() string { return p.String() }
