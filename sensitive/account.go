package sensitive

// accountAt returns the end of an account number starting at the digit run
// s[p:e], or -1: 6–17 digits, plain or in groups joined by dashes or
// spaces, introduced by an account keyword, in the shapes resource names,
// key=value text and prose use: "acct-12345678", "account_no_00123456",
// "bank-account-987654321", "customer account 12345678",
// "AccountNumber=12345678", "account number is 912803456", "acct #:
// 1234-5678-9012", "ACCOUNT_NUMBER = 912 803 456".
func accountAt(s string, p, e int) int {
	// The cheap, bounded look-backs come first, so that a long chain of
	// short groups ("1-1-1-…") is walked only from its head, and only after
	// a keyword.
	if p >= 2 && is(s[p-1], cJoin) && isDigit(s[p-2]) {
		return -1 // the tail of a longer number
	}
	digits := e - p
	if digits > 17 || !accountKeywordBefore(s, p) {
		return -1
	}
	if e < len(s) && (s[e] == '.' || s[e]|0x20 == 'e') && p > 0 && !isLetter(s[p-1]) {
		// A JSON number whose value is the account number: 9.12803456e8.
		// Not one glued to the keyword ("acc690e7"), which is no JSON
		// number but hex.
		if _, n, _, je, _ := jsonInteger(s, p); je >= 0 && n >= 6 && n <= 17 {
			return je
		}
	}
	// Short groups joined by single dashes ("1234-5678-9012") count as one
	// number; after a whole number a dash starts another field ("…-2024").
	// So do groups joined by single spaces, as statements print them
	// ("912 803 456"): each of three to five digits, since a lone digit or
	// two is as often a count or a date's day ("account 2024 11 30").
	if digits < 6 && e+1 < len(s) && isDigit(s[e+1]) {
		switch s[e] {
		case '-':
			for digits <= 17 && e+1 < len(s) && s[e] == '-' && isDigit(s[e+1]) {
				ge := runEnd(s, e+1)
				digits += ge - (e + 1)
				e = ge
			}
		case ' ':
			if digits < 3 {
				return -1 // "NO 19 4920", an IBAN's groups after the suffix "no"
			}
			for digits <= 17 && e+1 < len(s) && s[e] == ' ' && isDigit(s[e+1]) {
				ge := runEnd(s, e+1)
				if n := ge - (e + 1); n < 3 || n > 5 {
					break // a count, or a whole number: another field
				}
				digits += ge - (e + 1)
				e = ge
			}
		}
	}
	if digits < 6 || digits > 17 || !numEndOK(s, e, 0) {
		return -1 // too short or long, glued to a word, or a decimal amount
	}
	return e
}

// endings is a set of word endings of two letters: bit b of e[l] is set
// for the ending ('a'+b, 'a'+l).
type endings [26]uint32

// end reports whether a word whose last two letters are before and last
// ends in one of the endings.
func (e *endings) end(last, before byte) bool {
	return isLetter(last) && isLetter(before) && e[last|0x20-'a']&(1<<(before|0x20-'a')) != 0
}

// endingsOf returns the endings of words (lower case, two letters or more).
func endingsOf(words ...string) *endings {
	var e endings
	for _, w := range words {
		e[w[len(w)-1]-'a'] |= 1 << (w[len(w)-2] - 'a')
	}
	return &e
}

// accountFinals, ssnFinals and phoneFinals end the words that may stand
// right before an account number, an SSN or a phone number grouped by
// blanks: the keywords, then the suffixes and linking words that
// keywordBefore accepts after any keyword.
var (
	accountFinals = endingsOf("account", "accounts", "acct", "accts", "acc",
		"number", "num", "nbr", "no", "nr", "id", "is", "was", "are", "of", "equals")
	ssnFinals = endingsOf("ssn", "security", "tin", "itin",
		"number", "num", "nbr", "no", "nr", "id", "is", "was", "are", "of", "equals")
	phoneFinals = endingsOf("phone", "tel", "call", "mobile", "cell", "fax",
		"number", "num", "nbr", "no", "nr", "id", "is", "was", "are", "of", "equals")
)

// accountKeyword matches an account keyword ending at j. "account" and "acct"
// may close a longer word ("bankaccount", "subacct"); the short "acc" must be
// a word of its own so "vacc", "bacc" or the hex "5acc" do not count.
func accountKeyword(s string, j int) bool {
	switch {
	case hasSuffixFold(s, j, "accounts"), hasSuffixFold(s, j, "account"),
		hasSuffixFold(s, j, "accts"), hasSuffixFold(s, j, "acct"):
		return true
	case hasSuffixFold(s, j, "acc"):
		// Nor after a digit: "5acc46e6" is hex (UUIDs, trace IDs).
		return wordStart(s, j-3) && (j-3 == 0 || !isDigit(s[j-4]))
	}
	return false
}

// phoneKeyword matches a phone keyword ending at j: "phone" may close a
// longer word ("telephone", "mobilePhone"); tel, call, mobile, cell and fax
// must be words of their own, so "hotel" or "recall" do not count.
func phoneKeyword(s string, j int) bool {
	if hasSuffixFold(s, j, "phone") {
		return true
	}
	for _, w := range [...]string{"tel", "call", "mobile", "cell", "fax"} {
		if hasSuffixFold(s, j, w) {
			return wordStart(s, j-len(w))
		}
	}
	return false
}

// maxGap bounds the separators between keyword and value, so the look-back
// is constant-time: `": "` in JSON is the longest common one.
const maxGap = 4

// keywordBefore reports whether the value at p is introduced by a keyword,
// optionally followed by a suffix word and separators:
//
//	keyword [suffix] gap value     e.g. "acct-", "AccountNumber=", "account_no_", "SSN: "
//
// finals holds the last two letters of the keywords, so that most digits
// after a word are rejected at one test.
//
// where suffix is one of number, num, nbr, no, nr, id (glued or a word of its
// own) and gap is up to four of - _ . : = # / space tab and quotes, or a gap,
// a linking word and a gap ("account no. is: ", "SSN was "). A redaction
// marker ("[REDACTED:account-number]") never counts: ']' is no gap.
func keywordBefore(s string, p int, keyword func(s string, j int) bool, finals *endings) bool {
	j := keywordEnd(s, p, finals)
	if j < 0 {
		return false
	}
	if k := verbBefore(s, j); k >= 0 {
		j = skipGapBack(s, k) // "account number is 912803456", "SSN was: …"
	}
	return keywordAt(s, j, keyword)
}

// accountKeywordBefore is keywordBefore for an account keyword, which may
// also be qualified by '@' and a word (qualifiedEnd): a tag's key or a
// column names the account so ("acct@bank"), where an SSN or a phone
// number has no such qualifier to carry.
func accountKeywordBefore(s string, p int) bool {
	if keywordBefore(s, p, accountKeyword, accountFinals) {
		return true
	}
	j := qualifiedEnd(s, p, accountFinals)
	return j >= 0 && keywordAt(s, j, accountKeyword)
}

// keywordAt is keywordBefore's test of the words that end at j: a keyword,
// or a suffix after one, glued or after gap bytes.
func keywordAt(s string, j int, keyword func(s string, j int) bool) bool {
	if keyword(s, j) {
		return true
	}
	n := suffixBefore(s, j)
	if n == 0 {
		return false
	}
	k := j - n
	if keyword(s, k) { // "AccountNumber", "acctno", "SSNNo"
		return true
	}
	if k == 0 || !is(s[k-1], cGap) {
		return false
	}
	return keyword(s, skipGapBack(s, k)) // "account_no", "Account No."
}

// keywordEnd returns where the word before the value at p ends, past up to
// maxGap gap bytes, or -1 when no keyword, suffix or linking word ends in
// its last two letters: keywordBefore's first test, which the scan also
// asks before anything else about a run after a word.
func keywordEnd(s string, p int, finals *endings) int {
	j := skipGapBack(s, p)
	if j < 2 || !finals.end(s[j-1], s[j-2]) {
		return -1
	}
	return j
}

// qualifiedEnd is keywordEnd for a keyword qualified by '@' and a word, as
// names are written ("acct@bank = 912803456", a tag's key and value): it
// returns where the keyword (or its suffix) ends, at the '@', or -1. The
// word is a letter and up to maxQualifier-1 letters or digits, and gap
// bytes stand between it and the value: digits glued to it are its own.
func qualifiedEnd(s string, p int, finals *endings) int {
	j := skipGapBack(s, p)
	if j == p {
		return -1
	}
	return qualifierAt(s, j, finals)
}

// qualifierAt is qualifiedEnd for the word that ends at j.
func qualifierAt(s string, j int, finals *endings) int {
	k, lo := j, max(j-maxQualifier, 0)
	for k > lo && isAlnum(s[k-1]) {
		k--
	}
	if k == j || k < 3 || s[k-1] != '@' || !isLetter(s[k]) || !finals.end(s[k-2], s[k-3]) {
		return -1
	}
	return k - 1
}

// accountWordEnd is keywordEnd, or qualifiedEnd where it fails, for the
// account test's look back from a run: one skip over the gap for both.
func accountWordEnd(s string, p int) int {
	j := skipGapBack(s, p)
	if j >= 2 && accountFinals.end(s[j-1], s[j-2]) {
		return j
	}
	if j == p {
		return -1
	}
	return qualifierAt(s, j, accountFinals)
}

// maxQualifier bounds the word after '@' that qualifiedEnd reads back over:
// a bank's or a system's name.
const maxQualifier = 24

// verbBefore returns where a linking word that ends at j starts — is, was,
// are, of, equals, as a word after a gap — or -1. The words end in 's',
// 'e' or 'f': after any other letter, the usual case (a keyword's), none is
// compared.
func verbBefore(s string, j int) int {
	if j <= 0 {
		return -1
	}
	if c := s[j-1] | 0x20; c != 's' && c != 'e' && c != 'f' {
		return -1
	}
	for _, w := range [...]string{"is", "was", "are", "of", "equals"} {
		k := j - len(w)
		if hasSuffixFold(s, j, w) && k > 0 && is(s[k-1], cGap) {
			return k
		}
	}
	return -1
}

func skipGapBack(s string, j int) int {
	for n := 0; n < maxGap && j > 0 && is(s[j-1], cGap); n++ {
		j--
	}
	return j
}

// suffixBefore returns the length of the suffix word ending at j, or 0.
// The words end in 'r', 'm', 'o' or 'd': after any other letter none is
// compared.
func suffixBefore(s string, j int) int {
	if j <= 0 {
		return 0
	}
	if c := s[j-1] | 0x20; c != 'r' && c != 'm' && c != 'o' && c != 'd' {
		return 0
	}
	for _, w := range idSuffixes {
		if hasSuffixFold(s, j, w) {
			return len(w)
		}
	}
	return 0
}

// idSuffixes are the words that may follow a keyword before its value
// ("account number", "SSN no", "tax id"), longest first where one starts
// another.
var idSuffixes = [...]string{"number", "num", "nbr", "no", "nr", "id"}
