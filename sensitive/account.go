package sensitive

// accountAt returns the end of an account number starting at the digit run
// at p, or -1: 6–17 digits introduced by an account keyword, in the shapes
// resource names and key=value text use: "acct-12345678", "account_no_00123456",
// "bank-account-987654321", "customer account 12345678", "AccountNumber=12345678".
func accountAt(s string, p int) int {
	e := runEnd(s, p)
	if n := e - p; n < 6 || n > 17 {
		return -1
	}
	if p >= 2 && is(s[p-1], cJoin) && isDigit(s[p-2]) {
		return -1 // the tail of a longer number
	}
	if !numEndOK(s, e, 0) {
		return -1 // glued to a word, or a decimal amount
	}
	if !keywordBefore(s, p, accountKeyword) {
		return -1
	}
	return e
}

// accountKeyword matches an account keyword ending at j. "account" and "acct"
// may close a longer word ("bankaccount", "subacct"); the short "acc" must be
// a word of its own so "vacc" or "bacc" do not count.
func accountKeyword(s string, j int) bool {
	switch {
	case hasSuffixFold(s, j, "accounts"), hasSuffixFold(s, j, "account"),
		hasSuffixFold(s, j, "accts"), hasSuffixFold(s, j, "acct"):
		return true
	case hasSuffixFold(s, j, "acc"):
		return wordStart(s, j-3)
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
// where suffix is one of number, num, nbr, no, nr, id (glued or a word of its
// own) and gap is up to four of - _ . : = # / space tab and quotes. A
// redaction marker ("[REDACTED:account-number]") never counts: ']' is no gap.
func keywordBefore(s string, p int, keyword func(s string, j int) bool) bool {
	j := skipGapBack(s, p)
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

func skipGapBack(s string, j int) int {
	for n := 0; n < maxGap && j > 0 && is(s[j-1], cGap); n++ {
		j--
	}
	return j
}

// suffixBefore returns the length of the suffix word ending at j, or 0.
func suffixBefore(s string, j int) int {
	for _, w := range [...]string{"number", "num", "nbr", "no", "nr", "id"} {
		if hasSuffixFold(s, j, w) {
			return len(w)
		}
	}
	return 0
}
