package sensitive

// generateNumericRef is generateNumeric as it was before digit runs were
// found 64 bytes at a time and gated by table: one run after another with
// indexDigit and runEnd, and every kind's gate asked at every run. The
// differential tests hold generateNumeric to it.
func (sc *scanner) generateNumericRef(set uint16, from int) {
	s := sc.s
	for p := nextRun(s, from); p >= 0 && set != 0; {
		e := runEnd(s, p)
		n := e - p
		var prev, next byte // 0 at either end of the text: no class, not alnum
		if p > 0 {
			prev = s[p-1]
		}
		if e < len(s) {
			next = s[e]
		}
		if n < 13 && p >= 2 && isDigit(s[p-2]) && is(prev, cSep) && prev != ' ' && prev != '\t' {
			// The inside of a longer number ("1-1-1", "2024/11/28"): every
			// kind rejects a value that starts there but a long plain card,
			// so dense digit text costs one test per run.
			p = indexDigit(s, e)
			continue
		}
		// A grouped value (card, SSN, national phone) starts after a byte
		// that is not a letter or digit and continues with up to three
		// separators and another digit group.
		grouped := false
		if (n == 3 || n == 4 || n <= 5 && s[p] <= '1' && prev != '+') && !isAlnum(prev) && is(next, cSep) {
			// Only the heads a grouped parser reads: an SSN's area, a
			// card's first four, a national phone's area code or trunk
			// prefix (a '+' number is parsed on its own).
			g := sepEnd(s, e)
			grouped = g < len(s) && isDigit(s[g])
		}
		if set&(1<<bCard) != 0 && cardMayStartRef(n, grouped, next) {
			if ce := sc.cardAt(p, e); ce >= 0 {
				sc.cands[bCard], set = candidate{p, ce}, set&^(1<<bCard)
			}
		}
		if set&(1<<bSSN) != 0 && ((n == 3 && grouped) || n == 9) {
			if se := ssnAt(s, p, e); se >= 0 {
				sc.cands[bSSN], set = candidate{p, se}, set&^(1<<bSSN)
			}
		}
		if set&(1<<bIBAN) != 0 && n >= 2 && p >= 2 && (isLetter(prev) || isUpper(s[p-2])) && ibanCountryStart(s, p) >= 0 {
			if a, ie := ibanAt(s, p); ie >= 0 && a >= from {
				sc.cands[bIBAN], set = candidate{a, ie}, set&^(1<<bIBAN)
			}
		}
		if set&(1<<bPhone) != 0 && phoneMayStartRef(s, p, n, prev, next, grouped) {
			if a, pe := phoneAt(s, p); pe >= 0 && a >= from {
				sc.cands[bPhone], set = candidate{a, pe}, set&^(1<<bPhone)
			}
		}
		// The bytes before an account number: a keyword's last letters
		// glued or after a gap byte, two gap bytes, or a qualified
		// keyword's word and one gap byte before a plain run (doc.go
		// Limits: not groups there).
		var prev2, prev3 byte
		if p >= 2 {
			prev2 = s[p-2]
		}
		if p >= 3 {
			prev3 = s[p-3]
		}
		acctBytes := isLetter(prev) && accountFinals.end(prev, prev2) ||
			is(prev, cGap) && (accountFinals.end(prev2, prev3) || is(prev2, cGap) || isAlnum(prev2) && n >= 6 && n <= 17)
		if set&(1<<bAccount) != 0 && acctBytes && (isLetter(prev) || is(prev, cGap)) &&
			(n >= 6 && n <= 17 || n < 6 && (next == '-' || next == ' ' && n >= 3) || (next == '.' || next|0x20 == 'e') && jsonNumberShape(s, e)) {
			if ae := accountAt(s, p, e); ae >= 0 {
				sc.cands[bAccount], set = candidate{p, ae}, set&^(1<<bAccount)
			}
		}
		p = indexDigit(s, e)
	}
	sc.live &^= set // no match left for these kinds
}

// cardMayStartRef is cardMayStart as generateNumericRef asked it.
func cardMayStartRef(n int, grouped bool, next byte) bool {
	switch {
	case n >= 13 && n <= 19:
		return true
	case n == 4 && (grouped || next == '='):
		return true
	case next == '.':
		return true
	}
	return n >= 10 && next|0x20 == 'e'
}

// nextRun returns the start of the first digit run that begins at or after i
// (a position inside a run is not a start), or -1.
func nextRun(s string, i int) int {
	if i > 0 && i < len(s) && isDigit(s[i-1]) {
		i = runEnd(s, i)
	}
	return indexDigit(s, i)
}
