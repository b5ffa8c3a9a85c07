package datascan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestArenaStringsStay makes strings of every size around the arena's
// blocks and wants each to hold, at the end, what it was given, though the
// bytes it was made from were overwritten at once.
func TestArenaStringsStay(t *testing.T) {
	var a arena
	rng := rand.New(rand.NewPCG(1, 2))
	var got, want []string
	buf := make([]byte, 0, 3*arenaMax)
	for range 3000 {
		n := rng.IntN(300)
		if rng.IntN(50) == 0 {
			n = arenaMax - 1 + rng.IntN(2*arenaMax)
		}
		buf = buf[:n]
		for i := range buf {
			buf[i] = byte(rng.IntN(256))
		}
		got = append(got, a.string(buf))
		want = append(want, string(buf))
		clear(buf) // the caller's bytes change; the string must not
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("arena strings changed (-want +got):\n%s", diff)
	}
}

// TestCallerRuleMayKeepCells is the reviewer's case: a caller Rule whose
// Validate keeps every string it is given (a cache, a log line). What it
// kept must still read as it did during the call once Scan and Rewrite have
// read on, over many read buffers.
func TestCallerRuleMayKeepCells(t *testing.T) {
	type seen struct{ kept, then string }
	var log []seen
	d, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "member-id", Pattern: regexp.MustCompile(`m[0-9]+`), Validate: func(m string) bool {
			log = append(log, seen{kept: m, then: strings.Clone(m)})
			return false // found nothing: every cell is asked
		}}}
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("USER_ID,ITEM_ID,NOTE\n")
	for i := range 40000 { // about 1.2 MB, many times the read buffer
		fmt.Fprintf(&b, "u%d,%d,\"m%d \"\"x\"\" m%d\"\n", i, 4000000000000000000+i*7919, i, i*31)
	}
	p := testPseudonymizer(t)
	opt := func(o *Options) { o.Detector = d }
	for _, run := range []func() error{
		func() error { _, err := Scan(context.Background(), strings.NewReader(b.String()), opt); return err },
		func() error {
			_, err := Rewrite(context.Background(), discard{}, strings.NewReader(b.String()), p, opt)
			return err
		},
	} {
		log = log[:0]
		if err := run(); err != nil {
			t.Fatal(err)
		}
		if len(log) < 80000 {
			t.Fatalf("Validate saw %d matches, want at least 80,000", len(log))
		}
		for i, s := range log {
			if s.kept != s.then {
				t.Fatalf("match %d: kept %q, which read %q during the call", i, s.kept, s.then)
			}
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
