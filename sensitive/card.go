package sensitive

// cardAt returns the end of a payment card number starting at the digit run
// at p, or -1. It accepts 13–19 plain digits, or groups of four separated by
// one kind of separator (space, '-' or '_'), including the 4-6-5 and 4-6-4
// groupings of Amex and Diners. Where spaces separate groups, the longest
// valid prefix wins, so "4111 1111 1111 1111 2025" yields the card.
func cardAt(s string, p int) int {
	e0 := runEnd(s, p)
	if n := e0 - p; n != 4 {
		if n >= 13 && n <= 19 && numStartOK(s, p, 0) && numEndOK(s, e0, 0) && cardValid(s, p, e0) {
			return e0
		}
		return -1
	}
	if e0+1 >= len(s) {
		return -1
	}
	sep := s[e0]
	if (sep != ' ' && sep != '-' && sep != '_') || !numStartOK(s, p, sep) {
		return -1
	}
	var ends, lens [5]int
	ends[0], lens[0] = e0, 4
	k, total := 1, 4
	for i := e0; k < len(ends) && i+1 < len(s) && s[i] == sep && isDigit(s[i+1]); k++ {
		e := runEnd(s, i+1)
		n := e - (i + 1)
		if n > 6 || total+n > 19 {
			break
		}
		ends[k], lens[k] = e, n
		total += n
		i = e
		if n != 4 && !(k == 1 && n == 6) {
			k++
			break // only a group of four (or Amex's six) can be followed by another
		}
	}
	for m := k; m >= 2; m-- {
		if !cardGrouping(lens[:m]) || !numEndOK(s, ends[m-1], sep) {
			continue
		}
		if cardValid(s, p, ends[m-1]) {
			return ends[m-1]
		}
	}
	return -1
}

// cardGrouping reports whether group lengths are a way cards are printed.
func cardGrouping(lens []int) bool {
	total := 0
	for _, n := range lens {
		total += n
	}
	if total < 13 || total > 19 {
		return false
	}
	if len(lens) == 3 && lens[1] == 6 {
		return lens[2] == 4 || lens[2] == 5 // Diners 4-6-4, Amex 4-6-5
	}
	for _, n := range lens[:len(lens)-1] {
		if n != 4 {
			return false
		}
	}
	last := lens[len(lens)-1]
	return last >= 1 && last <= 4
}

// cardValid checks the digits of s[a:b] (separators skipped): Luhn checksum
// and an issuer prefix whose card lengths include this one.
func cardValid(s string, a, b int) bool {
	var d [19]byte
	n := 0
	for i := a; i < b; i++ {
		if isDigit(s[i]) {
			if n == len(d) {
				return false
			}
			d[n] = s[i] - '0'
			n++
		}
	}
	return n >= 13 && luhn(d[:n]) && cardIssuer(d[:n])
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i])
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// cardIssuer reports whether the number starts with a prefix that a card
// network issues at this length. Unix timestamps (1…), compact dates (19…, 20…)
// and counters with leading zeros have no such prefix. Visa's legacy 13-digit
// cards and Maestro's short ones are not accepted: at 13 digits they collide
// with EAN-13 product barcodes (German 40–44, British 50), common item IDs
// in a recommender's catalogue, one in ten of which passes Luhn.
func cardIssuer(d []byte) bool {
	n := len(d)
	p2 := int(d[0])*10 + int(d[1])
	p3 := p2*10 + int(d[2])
	p4 := p3*10 + int(d[3])
	p6 := p4*100 + int(d[4])*10 + int(d[5])
	switch {
	case d[0] == 4: // Visa; the legacy 13-digit form is left out, see below
		return n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65, p6 >= 622126 && p6 <= 622925: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p3 >= 300 && p3 <= 305, p4 == 3095, p2 == 36, p2 == 38, p2 == 39: // Diners Club
		return n >= 14 && n <= 19
	case p2 == 62: // UnionPay
		return n >= 16 && n <= 19
	case p4 == 5018, p4 == 5020, p4 == 5038, p4 == 5893, p4 == 6304,
		p4 == 6759, p4 == 6761, p4 == 6762, p4 == 6763: // Maestro
		return n >= 16 && n <= 19
	}
	return false
}
