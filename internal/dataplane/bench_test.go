package dataplane

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCheckPropertiesWide is the wire walk of a catalogue properties
// document at its model limit (32,000 characters) that holds thousands of
// short names: the check of unique names must stay linear in them, as a
// PutItems of ten such items would otherwise cost the guard a tenth of a
// second or more before anything is sent.
func BenchmarkCheckPropertiesWide(b *testing.B) {
	for _, width := range []int{50, 4000} {
		b.Run(fmt.Sprintf("names=%d", width), func(b *testing.B) {
			g := testGuard(b, Policy{})
			var doc strings.Builder
			doc.WriteString(`{`)
			for i := range width {
				if i > 0 {
					doc.WriteString(`,`)
				}
				fmt.Fprintf(&doc, `\"%x\":1`, i)
			}
			doc.WriteString(`}`)
			body := `{"properties":"` + doc.String() + `"}`
			if _, rule, err := check(g, body); err != nil {
				b.Fatal(rule, err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				_, _, _ = check(g, body)
			}
		})
	}
}
