package sensitive

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// countryTLDs lists the two-letter country-code top-level domains, sorted.
const countryTLDs = "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs " +
	"bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et " +
	"eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il " +
	"im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc " +
	"md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe " +
	"pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su " +
	"sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws " +
	"ye yt za zm zw"

// genericTLDs lists the generic top-level domains that carry most mail: the
// original ones and the new gTLDs in wide use.
const genericTLDs = "com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs " +
	"cat post app dev page cloud online site store tech shop blog xyz top club live life world email " +
	"digital solutions agency media news today space website fun link click icu vip work company group " +
	"global network systems services support center academy design studio consulting finance bank " +
	"insurance health care law legal family team zone social marketing business software engineering " +
	"ventures capital partners institute foundation school university education training art music " +
	"games video film radio press pub cafe restaurant fashion shopping host hosting domains tools " +
	"energy solar green eco city land house homes properties realty london paris berlin nyc tokyo"

// knownTLD reports whether tld is a top-level domain that mail is sent to.
// A list rather than "any letters" keeps "icon@2x.png" or "pkg@v2.json" out.
// Internationalised TLDs count too: an A-label ("xn--p1ai") or a label of
// two or more non-ASCII letters ("рф", "中国").
func knownTLD(tld string) bool {
	switch {
	case len(tld) < 2:
		return false
	case len(tld) == 2:
		return inTable(countryTLDs, 2, tld)
	case isALabel(tld):
		return true
	}
	if k, ok := packTLD(tld); ok {
		_, found := slices.BinarySearch(genericTLDKeys[:], k)
		return found
	}
	return idnLetters(tld)
}

// packTLD packs a label of 3 to 12 ASCII letters into an integer, five bits
// a letter, so that a generic TLD is found by binary search instead of a
// scan of the list: an input full of '@' asks for one per '@'.
func packTLD(w string) (uint64, bool) {
	if len(w) < 3 || len(w) > 12 {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(w); i++ {
		c := w[i] | 0x20
		if c-'a' >= 26 {
			return 0, false
		}
		k = k<<5 | uint64(c-'a'+1)
	}
	return k, true
}

const numGenericTLDs = 119

var genericTLDKeys = func() (t [numGenericTLDs]uint64) {
	n := 0
	for w := range strings.FieldsSeq(genericTLDs) {
		k, ok := packTLD(w)
		if !ok || n == len(t) {
			panic("sensitive: generic TLD table: " + w)
		}
		t[n] = k
		n++
	}
	if n != len(t) {
		panic("sensitive: generic TLD table has " + strconv.Itoa(n) + " entries")
	}
	slices.Sort(t[:])
	return t
}()

// isALabel reports whether label is the ASCII form of an internationalised
// label: "xn--" and letters, digits and hyphens.
func isALabel(label string) bool {
	if len(label) <= 4 || !hasSuffixFold(label[:4], 4, "xn--") {
		return false
	}
	for i := 4; i < len(label); i++ {
		if c := label[i]; !isAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

// idnLetters reports whether w is at least two runes, all non-ASCII letters
// or marks: an internationalised top-level domain in its Unicode form.
func idnLetters(w string) bool {
	n := 0
	for _, r := range w {
		if r < utf8.RuneSelf || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
			return false
		}
		n++
	}
	return n >= 2
}

func nextEmail(s string, from int) (int, int) {
	for at := from; at < len(s); at++ {
		if s[at] != '@' {
			// Where '@' is dense the next one is a few bytes on: look there
			// before paying for a search call.
			k := at + 1
			for k < len(s) && k < at+8 && s[k] != '@' {
				k++
			}
			if k < len(s) && s[k] == '@' {
				at = k
			} else {
				j := strings.IndexByte(s[k:], '@')
				if j < 0 {
					break
				}
				at = k + j
			}
		}
		if at == 0 || !(is(s[at-1], cLocal) || s[at-1] >= utf8.RuneSelf) {
			continue // nothing that can end a local part
		}
		if a, e := emailAt(s, at); a >= from {
			return a, e
		}
	}
	return -1, -1
}

// emailAt returns the span of the e-mail address whose '@' is at, or -1, -1.
// The local part is the run of A-Z a-z 0-9 . _ % + - before '@' (1–64 bytes,
// no leading, trailing or double dot); the domain is the longest run of at
// least two labels (1–63 letters, digits and inner hyphens, 253 bytes in
// all) that ends in a known top-level domain. The domain may stop inside a
// label at a hyphen, because resource names join fields with '-':
// "jane@example.com-2024-11-28" holds "jane@example.com".
//
// The domain is read first, in one pass: where '@' is dense (hostile input)
// most have no domain that ends in a known TLD, and then the local part is
// never read.
func emailAt(s string, at int) (int, int) {
	if at == 0 || s[at-1] == '.' {
		return -1, -1 // no local part, or one that ends with a dot
	}
	if at+2 < len(s) {
		// domainAt's first test, here without a call: no first label, or
		// one of one byte, that ends at an ASCII byte other than '.',
		// starts no domain ("a@a@a@…", "a@ b", "x@1,"). Shifted left, the
		// first byte's labelHost lines up with the second's labelStop.
		x1, x2 := labelBytes[s[at+1]], labelBytes[s[at+2]]
		if (x1|x1<<1&x2)&(labelNone|labelStop) != 0 {
			return -1, -1
		}
	}
	e := domainAt(s, at+1)
	if e < 0 {
		return -1, -1
	}
	if a := localStart(s, at); a >= 0 {
		return a, e
	}
	return -1, -1
}

// localStart returns the start of the local part that ends at the '@' at,
// or -1: up to 64 bytes of local characters and non-ASCII letters, leading
// dots dropped (what precedes them is prose), with no double dot and at
// least one letter or digit.
func localStart(s string, at int) int {
	a := at
	dots := -1 // start of the rightmost ".."
	word := false
	for a > 0 && at-a < 64 {
		c := s[a-1]
		if byteClass[c]&cLocal != 0 {
			a--
			if c != '.' {
				word = word || isAlnum(c)
			} else if dots < 0 && a+1 < at && s[a+1] == '.' {
				dots = a
			}
		} else if n := wordRuneBefore(s, a); n > 0 {
			a -= n // internationalised: rare, and decoded only here
			word = true
		} else {
			break
		}
	}
	for a < at && s[a] == '.' {
		a++
	}
	// Only dots were dropped, so a letter or digit seen is inside s[a:at].
	if a == at || dots >= a || !word {
		return -1
	}
	return a
}

// hostBytes marks the ASCII bytes of a domain label: letters, digits and
// '-' (cDomain but '.'). A read-only table, filled at initialisation.
var hostBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = c != '.' && is(byte(c), cDomain)
	}
	return t
}()

// labelBytes classifies the bytes for the first label of a domain:
// labelNone, an ASCII byte that is no host byte ('.' too: no label); or
// labelHost, a host byte; and labelStop, an ASCII byte that is neither a
// host byte nor '.' (a label that ends there is the whole domain). A
// read-only table, filled at initialisation.
var labelBytes = func() (t [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case hostBytes[c]:
			t[c] = labelHost
		case c == '.':
			t[c] = labelNone
		default:
			t[c] = labelNone | labelStop
		}
	}
	return t
}()

const (
	labelNone uint8 = 1 << iota
	labelHost
	labelStop
)

// domainAt returns the end of the longest valid domain that starts at s[i],
// or -1. It reads each byte once and checks each label as it ends.
func domainAt(s string, i int) int {
	best := -1
	labels, start := 1, i
	letters, hyphen := true, -1 // the label so far is all letters; its first '-'
	j := i
	// The first label is never the top-level domain, so only where it ends
	// matters: in ASCII, a tight loop finds that, and most '@' that start
	// no address ("a@a@a@…", "user@host") are rejected there. A non-ASCII
	// byte leaves the label to the walk below.
	k := i
	for k < len(s) && k-i <= 63 && hostBytes[s[k]] {
		k++
	}
	if k >= len(s) || s[k] < utf8.RuneSelf {
		if k == i || k-i > 63 || k >= len(s) || s[k] != '.' || s[i] == '-' || s[k-1] == '-' {
			return -1
		}
		labels, j = 2, k+1
		start = j
	}
	for {
		if j < len(s) && j-i < 253 {
			c := s[j]
			if c != '.' && byteClass[c]&cDomain != 0 {
				if !isLetter(c) {
					letters = false
					if c == '-' && hyphen < 0 {
						hyphen = j
					}
				}
				j++
				continue
			}
			if c >= utf8.RuneSelf {
				if n := wordRuneAt(s, j); n > 0 {
					letters = false
					j += n
					continue
				}
			}
		}
		// The label s[start:j] ends here, at a '.' or at the domain's end.
		label := s[start:j]
		if len(label) == 0 || len(label) > 63 {
			return best
		}
		if labels >= 2 && len(label) >= 2 {
			if (letters || label[0] >= utf8.RuneSelf || isALabel(label)) && knownTLD(label) {
				best = j
			} else if hyphen > start && allLetters(s[start:hyphen]) && knownTLD(s[start:hyphen]) {
				return hyphen
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return best
		}
		if j >= len(s) || s[j] != '.' || j-i >= 253 {
			return best
		}
		j++
		labels, start = labels+1, j
		letters, hyphen = true, -1
	}
}

// wordRuneAt returns the length of the non-ASCII letter, mark or digit at
// s[i], or 0: internationalised addresses (RFC 6531) and domain names
// carry them.
func wordRuneAt(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if isWordRune(r) {
		return n
	}
	return 0
}

// wordRuneBefore is wordRuneAt for the rune that ends at s[:i].
func wordRuneBefore(s string, i int) int {
	if s[i-1] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeLastRuneInString(s[:i])
	if isWordRune(r) {
		return n
	}
	return 0
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r))
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return true
}
