package awsarn

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWordColonsMatchOld (red29b) holds Split and Resource, which count
// colons a word at a time since imp25, to the old byte-at-a-time forms on
// strings of every length 0-80: colons at every word edge (offsets 7 and 8
// of each word, from the string's start and from after "arn:"), every
// count of colons 0-9, empty parts, resources with slashes and colons, and
// bytes from 0x80 up, 0xba (':' with its high bit) among them, which must
// not count.
func TestWordColonsMatchOld(t *testing.T) {
	var inputs []string
	for n := 0; n <= 80; n++ {
		// Colons only at word edges, from offset 0 and from after "arn:".
		for _, base := range []int{0, 4} {
			for _, fill := range []byte{'a', 0xba, 0x80, 0xff} {
				b := []byte(strings.Repeat(string(fill), n))
				if base == 4 && n >= 4 {
					copy(b, "arn:")
				}
				for i := base; i < n; i++ {
					if r := (i - base) % 8; r == 7 || r == 0 && i > base {
						b[i] = ':'
					}
				}
				inputs = append(inputs, string(b))
			}
		}
		// Every count of colons 0-9 at every place a seeded draw picks.
		r := rand.New(rand.NewPCG(29, uint64(n)))
		pieces := []byte{':', ':', 'a', '/', 0xba, 0x3a | 0x80, 0x80, 0xff, 0x7f, '-', '0'}
		for range 300 {
			b := make([]byte, n)
			for i := range b {
				b[i] = pieces[r.IntN(len(pieces))]
			}
			if n >= 4 && r.IntN(2) == 0 {
				copy(b, "arn:")
			}
			inputs = append(inputs, string(b))
		}
		for colons := 0; colons <= 9 && colons <= n; colons++ {
			for range 40 {
				b := []byte(strings.Repeat("x", n))
				for _, i := range r.Perm(n)[:colons] {
					b[i] = ':'
				}
				if r.IntN(3) == 0 {
					for i := range b {
						if b[i] == 'x' && r.IntN(4) == 0 {
							b[i] = 0xba
						}
					}
				}
				inputs = append(inputs, string(b), "arn:"+string(b))
			}
		}
	}
	// Well-formed and nearly so, around lengths of multiples of eight.
	for _, res := range []string{"", "r", "dataset-group/movies", "dataset/movies/INTERACTIONS", "a:b:c", "a/b:c/d", ":", "::", "/"} {
		for _, acct := range []string{"", "111122223333", "1234567"} {
			for _, region := range []string{"", "us-east-1", "eu-w-1"} {
				inputs = append(inputs, "arn:aws:personalize:"+region+":"+acct+":"+res, "arn:aws\xba:s:"+region+":"+acct+":"+res,
					"arn::::"+res, "arn:aws:s3:::"+res, "arn:aws:personalize:"+region+":"+acct+"\xba"+res)
			}
		}
	}
	var fifth int
	for _, s := range inputs {
		want, got := answersOf(s, true), answersOf(s, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q: new differs from old (-want +got):\n%s", s, diff)
		}
		if want.ResourceOK {
			fifth++
		}
	}
	if fifth < 1000 {
		t.Errorf("%d inputs have a fifth colon, want a thousand or more", fifth)
	}
}
