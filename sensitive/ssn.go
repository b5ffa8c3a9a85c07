package sensitive

// ssnAt returns the end of a US Social Security number starting at the digit
// run s[p:e], or -1: three, two and four digits separated by runs of up to
// three separators, mixed or not ("123-45-6789", "123 45 6789",
// "123/45-6789"), or nine plain digits right after an SSN keyword
// ("ssn-123456789", "SSN: 123456789", "social security number 123456789").
func ssnAt(s string, p, e int) int {
	switch e - p {
	case 3:
		g := sepEnd(s, e)
		if g == e || g >= len(s) || !isDigit(s[g]) {
			return -1
		}
		// The groups' lengths are read a byte at a time: they are known,
		// and a few byte tests cost less than a run's end found by
		// runEnd's word.
		ge := g + 2
		if !runOf(s, g, 2) {
			return -1
		}
		l := sepEnd(s, ge)
		if l == ge || l >= len(s) || !isDigit(s[l]) {
			return -1
		}
		se := l + 4
		// The look-arounds last: in digit-heavy text most runs of three
		// fail on the groups' lengths, which cost less to read.
		if !runOf(s, l, 4) || !groupedStartOK(s, p) || !groupedEndOK(s, se) {
			return -1
		}
		if !ssnValid(s[p:e], s[g:ge], s[l:se]) {
			return -1
		}
		return se
	case 9:
		if !numEndOK(s, e, 0) || !keywordBefore(s, p, ssnKeyword, ssnFinals) {
			return -1
		}
		if p >= 2 && isDigit(s[p-2]) && joins(s[p-1], 0) {
			return -1
		}
		if !ssnValid(s[p:p+3], s[p+3:p+5], s[p+5:e]) {
			return -1
		}
		return e
	}
	return -1
}

// ssnValid applies the SSA's rules: no area 000, 666 or 900–999, no group 00,
// no serial 0000.
func ssnValid(area, group, serial string) bool {
	switch {
	case area == "000", area == "666", area[0] == '9':
		return false
	case group == "00", serial == "0000":
		return false
	}
	return true
}

// ssnKeyword matches "ssn" ending at j as a word of its own ("ssn", "SSN",
// "userSSN", "customer_ssn"), so "lessn" does not count, or "social
// security" with one separator or none ("social_security", "SocialSecurity").
func ssnKeyword(s string, j int) bool {
	if hasSuffixFold(s, j, "ssn") {
		return wordStart(s, j-3)
	}
	// A US taxpayer identification number is a person's SSN or ITIN:
	// "TIN" and "ITIN" as words, "tax" only before an ID suffix ("tax id",
	// "TAX_ID", "taxId", "tax number"), since "tax 123456789" is as often
	// an amount.
	if hasSuffixFold(s, j, "tin") {
		return wordStart(s, j-3) || hasSuffixFold(s, j, "itin") && wordStart(s, j-4)
	}
	if hasSuffixFold(s, j, "tax") {
		return wordStart(s, j-3) && idSuffixAt(s, j)
	}
	if !hasSuffixFold(s, j, "security") {
		return false
	}
	k := j - len("security")
	if k > 0 && is(s[k-1], cGap) {
		k--
	}
	return hasSuffixFold(s, k, "social") && wordStart(s, k-len("social"))
}

// idSuffixAt reports whether an ID suffix word (id, number, num, nbr, no,
// nr) starts at i, glued ("taxId") or after one gap byte ("tax_id"), and
// ends there: "tax idea" is no tax ID.
func idSuffixAt(s string, i int) bool {
	if i < len(s) && is(s[i], cGap) {
		i++
	}
	for _, w := range idSuffixes {
		if e := i + len(w); e <= len(s) && equalFold(s[i:e], w) && (e == len(s) || !isLetter(s[e]) || isLower(s[e-1]) && isUpper(s[e])) {
			return true
		}
	}
	return false
}

// wordStart reports whether a word starts at i: at the start of s, after a
// non-letter, or at a camelCase hump.
func wordStart(s string, i int) bool {
	if i <= 0 {
		return true
	}
	prev := s[i-1]
	return !isLetter(prev) || (isLower(prev) && isUpper(s[i]))
}

// runOf reports whether the digit run that starts at i (s[i] is a digit)
// has exactly n digits, n >= 1.
func runOf(s string, i, n int) bool {
	e := i + n
	if e > len(s) || e < len(s) && isDigit(s[e]) {
		return false
	}
	for k := i + 1; k < e; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}
