package apimodel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// asciiClass is what \p{ASCII} (a Java class RE2 lacks) means, written as the
// inside of a character class.
const asciiClass = `\x00-\x7F`

// AnchoredPattern turns a model pattern into RE2 syntax that must match the
// whole value: AWS applies patterns to the entire member, but the model
// writes many of them as bare search patterns (the Name pattern has a ^ and
// no $). \p{ASCII} and \P{ASCII} are spelled as explicit ranges.
func AnchoredPattern(pattern string) string {
	var b strings.Builder
	b.WriteString(`^(?:`)
	atom := -1       // where the last complete atom starts in b, for a repeat
	var groups []int // where each open group starts in b
	inClass := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if inClass {
			switch {
			case c == '\\' && strings.HasPrefix(pattern[i:], `\p{ASCII}`):
				b.WriteString(asciiClass)
				i += len(`\p{ASCII}`) - 1
			case c == '\\' && i+1 < len(pattern):
				b.WriteString(pattern[i : i+2])
				i++
			case c == ']':
				inClass = false
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
			continue
		}
		start := b.Len()
		switch {
		case strings.HasPrefix(pattern[i:], `\Q`):
			// \Q...\E quotes up to \E or the end; quote it explicitly so the
			// closing group is not swallowed.
			lit, _, _ := strings.Cut(pattern[i+2:], `\E`)
			b.WriteString(regexp.QuoteMeta(lit))
			i += 2 + len(lit)
			if strings.HasPrefix(pattern[i:], `\E`) {
				i++
			} else {
				i--
			}
			atom = -1
			continue
		case c == '\\' && strings.HasPrefix(pattern[i:], `\p{ASCII}`):
			b.WriteString("[" + asciiClass + "]")
			i += len(`\p{ASCII}`) - 1
		case c == '\\' && strings.HasPrefix(pattern[i:], `\P{ASCII}`):
			b.WriteString("[^" + asciiClass + "]")
			i += len(`\P{ASCII}`) - 1
		case c == '\\' && i+1 < len(pattern):
			b.WriteString(pattern[i : i+2])
			i++
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal, not the end.
			if i+1 < len(pattern) && pattern[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(pattern) && pattern[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
			atom = start
			continue
		case c == '(':
			groups = append(groups, start)
			b.WriteByte(c)
			atom = -1
			continue
		case c == ')' && len(groups) > 0:
			b.WriteByte(c)
			atom = groups[len(groups)-1]
			groups = groups[:len(groups)-1]
			continue
		case c == '{' && atom >= 0:
			if lo, hi, n, ok := parseRepeat(pattern[i:]); ok && (lo > maxRepeat || hi > maxRepeat) {
				a := b.String()[atom:]
				out := b.String()[:atom] + splitRepeat(a, lo, hi)
				b.Reset()
				b.WriteString(out)
				i += n - 1
				atom = -1
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
		switch c {
		case '|', '^', '$', '*', '+', '?', '{', '}', ',':
			atom = -1
		default:
			atom = start
		}
	}
	b.WriteString(`)$`)
	return b.String()
}

// maxRepeat is RE2's largest repeat count; Java, which AWS's patterns are
// written for, has none.
const maxRepeat = 1000

// parseRepeat reads "{m}", "{m,}" or "{m,n}" at the start of s: hi is -1
// when unbounded, n the bytes read.
func parseRepeat(s string) (lo, hi, n int, ok bool) {
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return 0, 0, 0, false
	}
	body := s[1:end]
	loS, hiS, comma := strings.Cut(body, ",")
	lo, err := strconv.Atoi(loS)
	if err != nil || lo < 0 {
		return 0, 0, 0, false
	}
	switch {
	case !comma:
		hi = lo
	case hiS == "":
		hi = -1
	default:
		if hi, err = strconv.Atoi(hiS); err != nil || hi < lo {
			return 0, 0, 0, false
		}
	}
	return lo, hi, end + 1, true
}

// splitRepeat writes atom{lo,hi} as a run of repeats each within RE2's limit:
// x{0,1500} is x{0,1000}x{0,500}.
func splitRepeat(atom string, lo, hi int) string {
	var b strings.Builder
	for {
		l := min(lo, maxRepeat)
		if hi >= 0 && hi <= maxRepeat {
			fmt.Fprintf(&b, "(?:%s){%d,%d}", atom, l, hi)
			return b.String()
		}
		if hi < 0 && lo <= maxRepeat {
			fmt.Fprintf(&b, "(?:%s){%d,}", atom, lo)
			return b.String()
		}
		fmt.Fprintf(&b, "(?:%s){%d,%d}", atom, l, maxRepeat)
		lo -= l
		if hi > 0 {
			hi -= maxRepeat
		}
	}
}

// CompilePattern compiles a model pattern with [AnchoredPattern].
func CompilePattern(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(AnchoredPattern(pattern))
	if err != nil {
		return nil, fmt.Errorf("apimodel: pattern does not compile as RE2: %w", err)
	}
	return re, nil
}
