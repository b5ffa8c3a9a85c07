package sensitive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// emailAtReference is the straightforward form of emailAt that the package
// shipped before the scan was fused into one pass per side: local part
// first, then the domain's extent, then its labels. FuzzEmailAt holds the
// two to the same answers.
// emailAt returns the span of the e-mail address whose '@' is at, or -1, -1.
// The local part is the run of A-Z a-z 0-9 . _ % + - before '@' (1–64 bytes,
// no leading, trailing or double dot); the domain is the longest run of at
// least two labels (1–63 letters, digits and inner hyphens, 253 bytes in
// all) that ends in a known top-level domain. The domain may stop inside a
// label at a hyphen, because resource names join fields with '-':
// "jane@example.com-2024-11-28" holds "jane@example.com".
func emailAtReference(s string, at int) (int, int) {
	if at == 0 || s[at-1] == '.' {
		return -1, -1 // no local part, or one that ends with a dot
	}
	a := at
	for a > 0 && at-a < 64 {
		if is(s[a-1], cLocal) {
			a--
		} else if n := wordRuneBefore(s, a); n > 0 {
			a -= n // internationalised: rare, and decoded only here
		} else {
			break
		}
	}
	for a < at && s[a] == '.' {
		a++ // a local part never starts with a dot; what precedes it is prose
	}
	local := s[a:at]
	if local == "" || strings.Contains(local, "..") || !hasWordByteReference(local) {
		return -1, -1
	}
	end := at + 1
	for end < len(s) && end-at-1 < 253 {
		if is(s[end], cDomain) {
			end++
		} else if n := wordRuneAt(s, end); n > 0 {
			end += n
		} else {
			break
		}
	}
	if strings.IndexByte(s[at+1:end], '.') < 0 {
		return -1, -1 // a domain of one label
	}
	if e := domainEndReference(s, at+1, end); e >= 0 {
		return a, e
	}
	return -1, -1
}

// hasWordByte reports whether local holds a letter or digit (a non-ASCII
// byte belongs to a letter: emailAt admits no other).
func hasWordByteReference(local string) bool {
	for i := 0; i < len(local); i++ {
		if isAlnum(local[i]) || local[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// domainEnd returns the end of the longest valid domain at the start of
// s[i:end], or -1.
func domainEndReference(s string, i, end int) int {
	best := -1
	for labels := 1; i < end; labels++ {
		j := i
		for j < end && s[j] != '.' {
			j++
		}
		label := s[i:j]
		if len(label) == 0 || len(label) > 63 {
			break
		}
		if labels >= 2 {
			if (allLetters(label) || label[0] >= utf8.RuneSelf || isALabel(label)) && knownTLD(label) {
				best = j
			} else if h := strings.IndexByte(label, '-'); h > 0 && allLetters(label[:h]) && knownTLD(label[:h]) {
				return i + h
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			break
		}
		i = j + 1
	}
	return best
}

func FuzzEmailAt(f *testing.F) {
	for _, s := range []string{
		"jane@example.com", "a@b.", "x@x.x.x.x.", "..a@x.com", "a..b@x.com", "a.@x.com", ".@x.com",
		"jane@example.com-2024-11-28", "jane@exa-mple.co.uk", "jane@-x.com", "jane@x-.com", "josé@bücher.de",
		"a@xn--bcher-kva.xn--p1ai", "a@b.рф", "icon@2x.png", "a@b.co-x", "a@b.c-om", "@x.com", "a@@b.com",
		"user_1@sub.example.travel", "a@b.verylongtldname", "a@" + strings.Repeat("a.", 140) + "com",
		strings.Repeat("a", 70) + "@x.com", "a@\xffb.com", "a@b.\xe2\x80com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for at := 0; at < len(s); at++ {
			if s[at] != '@' {
				continue
			}
			a, e := emailAt(s, at)
			ra, re := emailAtReference(s, at)
			if a != ra || e != re {
				t.Fatalf("emailAt(%q, %d) = %d, %d; the reference gives %d, %d", s, at, a, e, ra, re)
			}
		}
	})
}
