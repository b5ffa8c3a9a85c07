package datascan

import "github.com/personalizeguard/personalizeguard/sensitive"

// issuerMemo remembers sensitive.CardIssuer's answers. CardIssuer depends
// only on a number's length and first six digits, but it compares them with
// every card network's range, and a column of hashed IDs asks it once a row.
// The networks' ranges nearly all start and end on whole hundreds, so an
// answer is kept per length and first four digits; a four-digit prefix whose
// first and last six-digit prefixes get different answers (as UkrCard's
// 604001–604200 would give, were 600000–609999 not issued too) is marked
// mixed and asked each time. TestIssuerMemo holds the memo to CardIssuer on every
// six-digit prefix at every length, so a range added inside a hundred fails
// it.
type issuerMemo struct {
	// Two bits per length (14–19) and four-digit prefix: issuerUnknown,
	// issuerNo, issuerYes or issuerMixed. Allocated after issuerDirect
	// numbers, so that small inputs pay neither it nor filling it.
	state []uint64
	asked int
}

const (
	issuerUnknown = iota
	issuerNo
	issuerYes
	issuerMixed

	issuerPrefixes = 10000 // four-digit prefixes
	issuerLengths  = 19 - 14 + 1

	// issuerDirect is how many numbers are given to CardIssuer itself
	// before the memo is used. Filling the memo costs two calls for each
	// length and four-digit prefix met, up to some 35,000 for columns of
	// hashed IDs: a saving for inputs of many MiB, a cost for the few MiB
	// that the guard samples per import.
	issuerDirect = 1 << 16
)

// cardIssuer reports sensitive.CardIssuer(b) for b, a run of 14 to 19 ASCII
// digits.
func (m *issuerMemo) cardIssuer(b []byte) bool {
	if m.state == nil {
		if m.asked < issuerDirect {
			m.asked++
			return sensitive.CardIssuer(string(b))
		}
		m.state = make([]uint64, (issuerPrefixes*issuerLengths*2+63)/64)
	}
	p4 := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	i := (len(b)-14)*issuerPrefixes + p4
	w, sh := i/32, uint(i%32)*2
	switch m.state[w] >> sh & 3 {
	case issuerNo:
		return false
	case issuerYes:
		return true
	case issuerMixed:
		return sensitive.CardIssuer(string(b))
	}
	// Ask for the first and the last six-digit prefix under these four
	// digits, on a copy: b is the caller's.
	var d [19]byte
	n := copy(d[:], b)
	d[4], d[5] = '0', '0'
	lo := sensitive.CardIssuer(string(d[:n]))
	d[4], d[5] = '9', '9'
	hi := sensitive.CardIssuer(string(d[:n]))
	st := uint64(issuerNo)
	switch {
	case lo != hi:
		st = issuerMixed
	case lo:
		st = issuerYes
	}
	m.state[w] |= st << sh
	if st == issuerMixed {
		return sensitive.CardIssuer(string(b))
	}
	return lo
}
