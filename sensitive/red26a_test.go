package sensitive

import (
	"testing"
	"unsafe"
)

// TestRed26aAllowListCopied: New kept the caller's AllowList strings as
// its map's keys. A caller that built one with unsafe over a buffer it
// rewrites after New changed the map's key under its hash: the reviewed
// value was no longer allowed, and what it was rewritten to could be, by
// the luck of a bucket. The detector keeps copies.
func TestRed26aAllowListCopied(t *testing.T) {
	buf := []byte("support@example.com")
	d, err := New(func(o *Options) { o.AllowList = []string{unsafe.String(&buf[0], len(buf))} })
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "jane.do@example.com") // as long
	if f, ok := d.First("support@example.com"); ok {
		t.Errorf("the allow-listed value is found (%s) after the caller rewrote its buffer", f.Kind)
	}
	if _, ok := d.First("jane.do@example.com"); !ok {
		t.Error("the value the caller's buffer now holds is allowed")
	}
}
