package sensitive

import "testing"

// groupedStartOKRef and groupedEndOKRef are groupedStartOK and
// groupedEndOK as they were: the separator run looked for after every byte
// that is no letter or digit.
func groupedStartOKRef(s string, p int) bool {
	if p == 0 {
		return true
	}
	if isAlnum(s[p-1]) {
		return false
	}
	k := sepStart(s, p)
	return k == p || k == 0 || !isDigit(s[k-1]) || blank(s, k, p)
}

func groupedEndOKRef(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	if isAlnum(s[e]) {
		return false
	}
	k := sepEnd(s, e)
	return k == e || k == len(s) || !isDigit(s[k]) || blank(s, e, k)
}

func checkGroupedOK(t *testing.T, s string) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		if got, want := groupedStartOK(s, i), groupedStartOKRef(s, i); got != want {
			t.Fatalf("groupedStartOK(%q, %d) = %v, want %v", s, i, got, want)
		}
		if got, want := groupedEndOK(s, i), groupedEndOKRef(s, i); got != want {
			t.Fatalf("groupedEndOK(%q, %d) = %v, want %v", s, i, got, want)
		}
	}
}

// TestGroupedOKMatchesReference compares at every offset of every string of
// up to five bytes over digits, letters, every separator and bytes near
// them, and of every byte value in a grouped number.
func TestGroupedOKMatchesReference(t *testing.T) {
	alphabet := []byte("19aZ \t-_/:+.,;@\x00\x80")
	var buf [5]byte
	var rec func(n int)
	rec = func(n int) {
		checkGroupedOK(t, string(buf[:n]))
		if n == len(buf) {
			return
		}
		for _, c := range alphabet {
			buf[n] = c
			rec(n + 1)
		}
	}
	rec(0)
	for c := range 256 {
		for _, s := range []string{"4111 x 1111", "12 x-34", "1 x  x 2"} {
			b := []byte(s)
			for i := range b {
				if b[i] == 'x' {
					b[i] = byte(c)
				}
			}
			checkGroupedOK(t, string(b))
		}
	}
}

func FuzzGroupedOK(f *testing.F) {
	for _, s := range []string{"4111 1111", "1-123-45-6789", "order 12 4111 1111", "123 - 45"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 {
			t.Skip()
		}
		checkGroupedOK(t, s)
	})
}
