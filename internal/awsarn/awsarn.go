// Package awsarn is the syntax of ARNs and of their parts (partition, Region,
// account ID) that kms, s3guard and personalize share, so the three accept
// and refuse the same strings. The checks are shapes, not lists: a new
// Region or partition needs no release.
package awsarn

import (
	"math/bits"
	"strings"
)

// MaxLength bounds any ARN the guard parses; KMS's KeyId and IAM's role ARN
// limits are both 2048.
const MaxLength = 2048

// Parts are the six colon-separated fields of arn:partition:service:region:account:resource.
type Parts struct {
	Partition, Service, Region, Account, Resource string
}

// Split splits "arn:p:s:r:a:res" without allocating; res may hold colons.
// It checks the layout only: the fields' own shapes are for the caller.
func Split(s string) (Parts, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return Parts{}, false
	}
	var cuts [4]int
	if colons(rest, &cuts) < 4 {
		return Parts{}, false
	}
	return Parts{Partition: rest[:cuts[0]], Service: rest[cuts[0]+1 : cuts[1]], Region: rest[cuts[1]+1 : cuts[2]],
		Account: rest[cuts[2]+1 : cuts[3]], Resource: rest[cuts[3]+1:]}, true
}

// Resource returns what follows the fifth colon of s (an ARN's resource,
// as dataset-group/movies), and false when s has fewer than five colons.
// It checks nothing else.
func Resource(s string) (string, bool) {
	// The colons of each word counted, not found one by one: only the word
	// that holds the fifth is read bit by bit, so the branches that depend
	// on where the colons fall are a few, not one per colon.
	n, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		m := colonBits(load64(s, i))
		c := bits.OnesCount64(m)
		if n+c >= 5 {
			for ; n < 4; n++ {
				m &= m - 1
			}
			return s[i+bits.TrailingZeros64(m)>>3+1:], true
		}
		n += c
	}
	for ; i < len(s); i++ {
		if s[i] == ':' {
			if n++; n == 5 {
				return s[i+1:], true
			}
		}
	}
	return "", false
}

// colons sets cuts to the offsets of the first four colons of s, and
// returns how many it found. It reads eight bytes a word: an ARN's fields
// before its resource are some forty bytes, which a byte at a time took
// some ten instructions each.
func colons(s string, cuts *[4]int) int {
	n, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		for m := colonBits(load64(s, i)); m != 0; m &= m - 1 {
			cuts[n] = i + bits.TrailingZeros64(m)>>3
			if n++; n == len(cuts) {
				return n
			}
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ':' {
			cuts[n] = i
			if n++; n == len(cuts) {
				return n
			}
		}
	}
	return n
}

const (
	lo = 0x0101010101010101
	hi = 0x8080808080808080
)

// colonBits returns the high bit of each byte of x that is ':', exactly:
// the sum works on each byte's low seven bits, so no carry crosses bytes,
// and a byte with its high bit set is never ':'.
func colonBits(x uint64) uint64 {
	v := x ^ lo*':'
	return ^((v&^hi + lo*0x7f) | v) & hi
}

// load64 reads s[i:i+8] as a little-endian word (one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Partition accepts "aws" and "aws-<name>[-<name>...]": aws-cn, aws-us-gov,
// aws-iso-b, aws-eusc.
func Partition(p string) bool {
	rest, ok := strings.CutPrefix(p, "aws")
	if !ok {
		return false
	}
	for rest != "" {
		if rest, ok = strings.CutPrefix(rest, "-"); !ok {
			return false
		}
		seg := rest
		if i := strings.IndexByte(rest, '-'); i >= 0 {
			seg, rest = rest[:i], rest[i:]
		} else {
			rest = ""
		}
		if seg == "" || !allIn(seg, 'a', 'z') {
			return false
		}
	}
	return true
}

// Region accepts "<area>-<letters>[-<letters>...]-<digits>", the area two to
// four letters: us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1,
// eusc-de-east-1. The area's bound keeps S3 host labels such as
// s3-website-us-east-1 from reading as s3-<Region>.
func Region(r string) bool {
	if len(r) > 32 {
		return false
	}
	i := strings.LastIndexByte(r, '-')
	if i <= 0 || i == len(r)-1 || !allIn(r[i+1:], '0', '9') {
		return false
	}
	// One pass over the head, r[:i]: lower-case letters in segments
	// split by '-', none empty, the first (the area) two to four long.
	area := -1
	for j := 0; j < i; j++ {
		switch c := r[j]; {
		case c >= 'a' && c <= 'z':
		case c == '-' && j > 0 && r[j-1] != '-':
			if area < 0 {
				area = j
			}
		default:
			return false
		}
	}
	// r[i-1] is no '-': the last segment is not empty.
	return area >= 2 && area <= 4 && r[i-1] != '-'
}

// Account accepts a 12-digit AWS account ID.
func Account(a string) bool { return len(a) == 12 && allIn(a, '0', '9') }

// RoleAccount returns the account of an IAM role ARN
// (arn:<partition>:iam::<account>:role/<path/name>), the form the
// Personalize service role takes, and whether s is one. The role's account
// is the account that runs Personalize: IAM lets a caller pass only its own
// account's roles.
func RoleAccount(s string) (string, bool) {
	if len(s) > MaxLength {
		return "", false
	}
	a, ok := Split(s)
	if !ok || a.Service != "iam" || a.Region != "" || !Partition(a.Partition) || !Account(a.Account) {
		return "", false
	}
	name, ok := strings.CutPrefix(a.Resource, "role/")
	if !ok || name == "" || strings.HasSuffix(name, "/") {
		return "", false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("+=,.@-_/", c) >= 0) {
			return "", false
		}
	}
	return a.Account, true
}

func allIn(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}
