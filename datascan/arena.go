package datascan

import "strings"

// arena makes strings of bytes with an allocation per 64 KiB or so, not one
// per string. A strings.Builder only ever appends, so the bytes under every
// string it has returned never change: each is an ordinary, immutable string
// that anyone may keep.
type arena struct {
	b strings.Builder
}

const arenaMax = 64 << 10

// string returns a string holding a copy of b.
func (a *arena) string(b []byte) string {
	if a.b.Cap()-a.b.Len() < len(b) {
		// From 1 KiB, doubling up to 64 KiB: a small input pays little.
		n := min(max(2*a.b.Cap(), 1<<10), arenaMax)
		a.b.Reset()
		a.b.Grow(max(n, len(b)))
	}
	n := a.b.Len()
	a.b.Write(b)
	return a.b.String()[n:] // after Write, which may start a new string
}
