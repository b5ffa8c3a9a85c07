package sensitive

import "strings"

// credentialParams are the query (or fragment) parameter names whose values
// are signing material or credentials. Names compare without ASCII case and
// must match whole: "NextToken" or "tokens" are not "token".
const credentialParams = "x-amz-signature x-amz-credential x-amz-security-token signature awsaccesskeyid " +
	"sig token access_token id_token refresh_token x-goog-signature x-goog-credential " +
	"password passwd api_key apikey"

// credentialNames and schemelessNames are credentialParams and
// schemelessParams as sets: a URL's every parameter name is looked up.
var credentialNames, schemelessNames = newWordSet(credentialParams), newWordSet(schemelessParams)

// urlScan walks the URLs of the input in order. It keeps the URL it is in so
// that every byte of a URL is examined a bounded number of times however the
// merge advances.
type urlScan struct {
	end    int  // end of the current URL, 0 before the first
	query  int  // index of the first '?' or '#' of the current URL
	cursor int  // where to continue looking for parameters
	done   bool // no URL after end
}

// next returns the first URL credential that starts at or after from:
// a URL's userinfo when it carries a password ("https://user:pass@host",
// "s3://AKIA…:secret@bucket"), or the value of a credential parameter in its
// query or fragment ("?X-Amz-Signature=…", "&token=…", "#access_token=…").
// A URL begins with a scheme and "://"; it ends at a byte that cannot appear
// unescaped in a URL (space, quote, bracket, parenthesis, control, non-ASCII).
//
// URLs are opened in order from the end of the previous one, never from
// from, so a URL is recognised the same way whatever finding preceded it.
func (u *urlScan) next(s string, from int) (int, int) {
	for {
		for u.end <= from {
			if u.done {
				return -1, -1
			}
			a, e, ok := u.open(s, u.end)
			if !ok {
				u.done = true
				return -1, -1
			}
			if a >= from {
				return a, e
			}
		}
		if a, e := u.param(s, from); a >= 0 {
			return a, e
		}
		from = u.end
	}
}

// open finds the next URL at or after i, makes it current and returns its
// userinfo credential if it has one.
func (u *urlScan) open(s string, i int) (int, int, bool) {
	for i < len(s) {
		colon := indexSchemeSep(s, i)
		if colon < 0 {
			return -1, -1, false
		}
		i = colon + 3
		if !schemeBefore(s, colon) {
			continue
		}
		// One pass in three stretches finds the authority's end (the first
		// '/', '?' or '#'), the query's start (the first '?' or '#') and the
		// URL's end; each stretch's loop has a single exit that is rarely
		// taken, where one loop that tests every byte for all three
		// mispredicts at each '/' of a path.
		auth := colon + 3
		end := auth
		for end < len(s) && urlStretch[s[end]]&inHost != 0 {
			end++
		}
		// Only an authority with an '@' or a ':' can hold a password.
		info := end < len(s) && urlStretch[s[end]]&inAuthority != 0
		for end < len(s) && urlStretch[s[end]]&inAuthority != 0 {
			end++
		}
		authEnd := end
		for end < len(s) && urlStretch[s[end]]&inPath != 0 {
			end++
		}
		query := end
		for end < len(s) && urlStretch[s[end]]&inQuery != 0 {
			end++
		}
		u.end, u.query, u.cursor = end, query, query
		if !info {
			return -1, -1, true
		}
		if a, e := userinfo(s, auth, authEnd, query); a >= 0 {
			return a, e, true
		}
		return -1, -1, true
	}
	return -1, -1, false
}

// The stretches of a URL: the bytes each may contain, as bits of
// urlStretch, so that each of open's loops tests a byte with one lookup.
const (
	inHost      uint8 = 1 << iota // a URL byte but '/', '?', '#', '@' and ':'
	inAuthority                   // a URL byte but '/', '?' and '#'
	inPath                        // a URL byte but '?' and '#'
	inQuery                       // a URL byte
)

// urlStretch is a read-only table, filled once at package initialisation.
var urlStretch = func() (t [256]uint8) {
	for c := range t {
		b := byte(c)
		if !is(b, cURL) {
			continue
		}
		t[c] = inQuery
		if b != '?' && b != '#' {
			t[c] |= inPath
			if b != '/' {
				t[c] |= inAuthority
				if b != '@' && b != ':' {
					t[c] |= inHost
				}
			}
		}
	}
	return t
}()

// indexSchemeSep returns the index of the first "://" at or after i, or -1.
// It searches for "//" and then looks at the byte before: outside URLs, whose
// insides the scan skips, a double slash is much rarer than a colon (times,
// ARNs, JSON), and each false hit costs a search call.
func indexSchemeSep(s string, i int) int {
	for k := i + 1; k < len(s); k++ {
		j := strings.Index(s[k:], "//")
		if j < 0 {
			return -1
		}
		if k += j; s[k-1] == ':' {
			return k - 1
		}
	}
	return -1
}

// userinfo returns the span of a "user:password" before the host, or -1, -1.
// The authority normally ends at the first '/', but secrets pasted raw into a
// URL often contain '/' ("s3://AKIA…:wJalr/K7MDENG/…@bucket"): when the
// authority has a ':' that is not a port and no '@', the '@' may follow later
// in the path, as long as the user name itself has no '/'.
func userinfo(s string, auth, authEnd, query int) (int, int) {
	at := strings.LastIndexByte(s[auth:authEnd], '@')
	if at < 0 {
		c := strings.IndexByte(s[auth:authEnd], ':')
		if c < 0 || authEnd == query || isPort(s[auth+c+1:authEnd]) {
			return -1, -1
		}
		at = strings.IndexByte(s[auth+c:query], '@')
		if at < 0 {
			return -1, -1
		}
		at += c
	}
	info := s[auth : auth+at]
	c := strings.IndexByte(info, ':')
	if c < 0 || c == len(info)-1 {
		return -1, -1 // no password
	}
	return auth, auth + at
}

func isPort(p string) bool {
	for i := 0; i < len(p); i++ {
		if !isDigit(p[i]) {
			return false
		}
	}
	return true
}

// schemeBefore reports whether a URI scheme ("https", "s3", "mongodb+srv")
// ends at colon: a letter, then up to 31 letters, digits, '+', '.' or '-'.
func schemeBefore(s string, colon int) bool {
	a := colon
	for a > 0 && is(s[a-1], cScheme) {
		a--
		if colon-a > 32 {
			return false
		}
	}
	return a < colon && isLetter(s[a])
}

// param returns the next credential parameter value of the current URL whose
// value starts at or after from, advancing the cursor past it.
func (u *urlScan) param(s string, from int) (int, int) {
	k := u.cursor
	if from-1 > k {
		k = from - 1
	}
	for ; k < u.end; k++ {
		if c := s[k]; c != '?' && c != '&' && c != '#' {
			continue
		}
		name := k + 1
		eq := name
		for eq < u.end && s[eq] != '=' && s[eq] != '&' && s[eq] != '#' {
			eq++
		}
		if eq >= u.end || s[eq] != '=' || !credentialNames.has(s[name:eq]) {
			k = eq - 1
			continue
		}
		vs := eq + 1
		ve := vs
		for ve < u.end && s[ve] != '&' && s[ve] != '#' {
			ve++
		}
		u.cursor = ve
		k = ve - 1
		next := ve
		for ve > vs && is(s[ve-1], cValueEnd) {
			ve--
		}
		if ve > vs && vs >= from {
			u.cursor = next
			return vs, ve
		}
	}
	u.cursor = u.end
	return -1, -1
}

// schemelessParams are the credential parameters distinctive enough to be
// recognised in a query string whose URL lost its scheme
// ("bucket.s3.amazonaws.com/key?X-Amz-Signature=…"): presigned S3 and GCS
// URLs. Generic names ("token", "sig") need a URL with a scheme.
const schemelessParams = "x-amz-signature x-amz-credential x-amz-security-token x-goog-signature x-goog-credential"

// schemelessNameBefore reports whether a schemelessParams name, itself
// after '?', '&' or '#', ends at eq. The names have four lengths, so four
// positions are looked at rather than the bytes before every '='; and they
// all end in 'e', 'l' or 'n' ("…signature", "…credential", "…token"), so
// the '=' of base64 padding, of rulers and of most "key=value" text fails
// on the byte before it.
func schemelessNameBefore(s string, eq int) bool {
	if eq < 16 || eq > len(s) {
		return false // no room for the shortest name and its delimiter
	}
	if c := s[eq-1] | 0x20; c != 'e' && c != 'l' && c != 'n' {
		return false
	}
	for _, n := range [...]int{15, 16, 17, 20} {
		k := eq - n
		if k < 1 {
			break
		}
		if c := s[k-1]; (c == '?' || c == '&' || c == '#') && schemelessNames.has(s[k:eq]) {
			return true
		}
	}
	return false
}

// nextQueryCredential returns the first value at or after from of a
// schemelessParams parameter that follows '?', '&' or '#'. Each '=' costs a
// bounded look-back, and values are walked once.
func nextQueryCredential(s string, from int) (int, int) {
	for i := max(from-1, 0); i < len(s); i++ {
		if s[i] != '=' { // runs of '=' (base64 padding, rulers) need no search
			j := strings.IndexByte(s[i:], '=')
			if j < 0 {
				break
			}
			i += j
		}
		eq := i
		if !schemelessNameBefore(s, eq) {
			continue
		}
		vs := eq + 1
		ve := vs
		for ve < len(s) && is(s[ve], cURL) && s[ve] != '&' && s[ve] != '#' {
			ve++
		}
		end := ve
		for ve > vs && is(s[ve-1], cValueEnd) {
			ve--
		}
		if ve > vs && vs >= from {
			return vs, ve
		}
		i = end - 1
	}
	return -1, -1
}
