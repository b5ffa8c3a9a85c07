package datascan

import (
	"hash/maphash"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// idCache remembers recent pseudonyms. Interaction data names the same users
// and sessions over and over, and a cache hit costs a hash and a compare
// where a pseudonym costs an HMAC. It is direct-mapped with fixed-size slots,
// so its memory is fixed and a miss allocates nothing.
type idCache struct {
	seed  maphash.Seed
	slots []idSlot
}

const (
	// 4,096 slots of 112 bytes stay in a core's L2 cache: a larger table
	// costs a memory access per lookup, more than it saves on data whose
	// users do not come back soon.
	idCacheSlots = 1 << 12
	idCacheMax   = 64 // longer IDs are not cached
)

type idSlot struct {
	rawLen, outLen uint8
	raw            [idCacheMax]byte
	out            [pseudonym.MaxLen]byte
}

func newIDCache() *idCache {
	return &idCache{seed: maphash.MakeSeed(), slots: make([]idSlot, idCacheSlots)}
}

// appendPseudonym appends the pseudonym of id made by fn to dst.
func (c *idCache) appendPseudonym(dst, id []byte, fn func(dst, id []byte) ([]byte, error)) ([]byte, error) {
	if len(id) > idCacheMax {
		return fn(dst, id)
	}
	s := &c.slots[maphash.Bytes(c.seed, id)&(idCacheSlots-1)]
	if s.outLen > 0 && string(s.raw[:s.rawLen]) == string(id) {
		return append(dst, s.out[:s.outLen]...), nil
	}
	n := len(dst)
	dst, err := fn(dst, id)
	if err != nil {
		return dst, err
	}
	s.rawLen = uint8(copy(s.raw[:], id))
	s.outLen = uint8(copy(s.out[:], dst[n:]))
	return dst, nil
}

// wipe forgets the raw IDs once the rewrite is done; a nil cache has none.
func (c *idCache) wipe() {
	if c != nil {
		clear(c.slots)
	}
}
