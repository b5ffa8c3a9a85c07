package pseudonym_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// benchIDs are a typical 20-byte customer ID and a 64-byte one (a long
// session token or a UUID pair), whose MAC input takes a second SHA-256 block.
var benchIDs = []struct {
	name string
	id   string
}{
	{"20B", "customer-00000000001"},
	{"64B", strings.Repeat("0123456789abcdef", 4)},
}

func BenchmarkUserID(b *testing.B) {
	p := newPseudonymizer(b, 1, testKey(0))
	for _, bb := range benchIDs {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.id)))
			for b.Loop() {
				if _, err := p.UserID(bb.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendUserID(b *testing.B) {
	p := newPseudonymizer(b, 1, testKey(0))
	buf := make([]byte, 0, pseudonym.MaxLen)
	for _, bb := range benchIDs {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bb.id)))
			for b.Loop() {
				var err error
				if buf, err = p.AppendUserID(buf[:0], bb.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUserIDParallel is the shape of a busy service: every goroutine
// shares one Pseudonymizer and its pool.
func BenchmarkUserIDParallel(b *testing.B) {
	p := newPseudonymizer(b, 1, testKey(0))
	for _, bb := range benchIDs {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				buf := make([]byte, 0, pseudonym.MaxLen)
				for pb.Next() {
					buf, _ = p.AppendUserID(buf[:0], bb.id)
				}
			})
		})
	}
}

// BenchmarkFreshHMAC is the design not taken, for comparison: a new HMAC per
// call re-derives the key pads (two extra SHA-256 blocks) and allocates.
func BenchmarkFreshHMAC(b *testing.B) {
	key := testKey(0)
	for _, bb := range benchIDs {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = reference(key, 'u', 1, bb.id)
			}
		})
	}
	b.Run("hmac.New only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = hmac.New(sha256.New, key)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	s, _ := newPseudonymizer(b, 1, testKey(0)).UserID("customer-00000000001")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pseudonym.Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}
