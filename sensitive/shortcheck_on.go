//go:build sensitive_shortcheck

package sensitive

// Built with -tags sensitive_shortcheck, every text shortClean proves clean
// is scanned again in full, and a finding there panics: the whole test
// suite of this package and of the guards (go test -tags
// sensitive_shortcheck ./...) then holds the short path to the full one.
const shortCheck = true

func mustFindNothing(d *Detector, s string) {
	var sc scanner
	sc.init(d, s)
	if f, ok := sc.next(0, nil); ok {
		// The kind and offsets only, never the text.
		panic("sensitive: shortClean passed a text with a finding: " + f.String())
	}
}
