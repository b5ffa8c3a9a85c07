package jsonscan

// maxIntegerDigits bounds [IntegerDigits]: no identifying number the
// detector knows is longer than 34 digits (an IBAN's digits), so a larger
// exponent cannot hide one and need not be expanded.
const maxIntegerDigits = 40

// IntegerDigits appends to dst the decimal digits of the integer part of a
// JSON number (as returned by [Scanner.Raw]), with the exponent applied and
// without sign or leading zeros: "4.5397e3" gives "4539", "4539.0" gives
// "4539", "-12e-1" gives "1". It returns false when the integer part is zero
// or longer than 40 digits. Checks use it so that a card or account number
// written as 4539703692581474.0 or 4.539703692581474e15 is still seen as the
// digits a reader would see.
func IntegerDigits(dst []byte, num string) ([]byte, bool) {
	i := 0
	if i < len(num) && num[i] == '-' {
		i++
	}
	// Mantissa digits, and where the decimal point falls among them.
	mantStart := len(dst)
	point := -1
	for ; i < len(num); i++ {
		c := num[i]
		if c == '.' {
			point = len(dst) - mantStart
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		dst = append(dst, c)
	}
	n := len(dst) - mantStart
	if point < 0 {
		point = n
	}
	exp := 0
	if i < len(num) && (num[i] == 'e' || num[i] == 'E') {
		i++
		neg := false
		if i < len(num) && (num[i] == '+' || num[i] == '-') {
			neg = num[i] == '-'
			i++
		}
		for ; i < len(num); i++ {
			exp = exp*10 + int(num[i]-'0')
			if exp > 1000 {
				exp = 1000 // far beyond any digit count that matters
			}
		}
		if neg {
			exp = -exp
		}
	}
	intLen := point + exp // digits before the decimal point after shifting
	if intLen <= 0 {
		return dst[:mantStart], false
	}
	// The bound is on the value's digits: the zeros that lead the
	// mantissa are not among them (0.000…04539703692581474e43, red18).
	lz := 0
	for lz < n && dst[mantStart+lz] == '0' {
		lz++
	}
	if intLen-lz > maxIntegerDigits {
		return dst[:mantStart], false
	}
	if intLen <= n {
		dst = dst[:mantStart+intLen]
	} else {
		for range intLen - n {
			dst = append(dst, '0')
		}
	}
	// Drop leading zeros ("007" is 7).
	k := mantStart
	for k < len(dst)-1 && dst[k] == '0' {
		k++
	}
	if k > mantStart {
		dst = append(dst[:mantStart], dst[k:]...)
	}
	if len(dst)-mantStart == 1 && dst[mantStart] == '0' {
		return dst[:mantStart], false
	}
	return dst, true
}

// Significand appends to dst the digits of a JSON number's mantissa, without
// sign, point, exponent or leading zeros: "0.4111e-3" gives "4111". Checks
// read it beside [IntegerDigits] because the text AWS stores holds those
// digits in a row, whatever the value: 0.4111111111111111 and
// 4111111111111111e-16 both spell a card number.
func Significand(dst []byte, num string) []byte {
	start := len(dst)
	for i := 0; i < len(num); i++ {
		c := num[i]
		switch {
		case c >= '0' && c <= '9':
			if c == '0' && len(dst) == start {
				continue // a leading zero
			}
			dst = append(dst, c)
		case c == 'e' || c == 'E':
			return dst
		}
	}
	return dst
}
