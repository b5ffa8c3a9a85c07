package personalize

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestLocationMemoMatchesFresh: parseLocation with its memo of the last
// passed location answers, call after call, as a guard that never saw the
// earlier values (an empty memo): clean values repeated, refused ones
// between them, in enforcing and report-only mode, for a source and an
// output under an allow-list.
func TestLocationMemoMatchesFresh(t *testing.T) {
	const clean, other = "s3://amzn-data/in/interactions.csv", "s3://amzn-data/out/"
	seq := []string{
		clean, clean, "s3://amzn-data/jane.doe@example.com/a.csv", clean, "s3://Bad_Bucket/k", clean, other, clean, other, other,
		"s3://amzn-data/k%40example.com", "https://amzn-data.s3.us-east-1.amazonaws.com/in/a%20b.csv", "https://amzn-data.s3.us-east-1.amazonaws.com/in/a%20b.csv",
		"s3://other-bucket/out/", "s3://other-bucket/out/", clean, "",
	}
	type answer struct {
		Loc  s3guard.Location
		Rule string
	}
	for _, reportOnly := range []bool{false, true} {
		for _, dir := range []s3guard.Direction{s3guard.Read, s3guard.Write} {
			p := Policy{InsecureReportOnly: reportOnly, AllowedOutputBuckets: []string{"amzn-data"}, Logger: slog.New(slog.DiscardHandler)}
			g := testGuard(t, p)
			l := location{locationPlace: &locationPlace{dir: dir, field: "DataSource.DataLocation"}, set: true}
			ask := func(g *Guard, v string) answer {
				l.value = v
				loc, err := g.parseLocation(context.Background(), nil, l)
				var a answer
				if sg := (*SafeguardError)(nil); errors.As(err, &sg) {
					a.Rule = sg.Rule
				} else if err != nil {
					a.Rule = err.Error()
				}
				a.Loc = loc
				return a
			}
			for i, v := range seq {
				want := ask(testGuard(t, p), v)
				if diff := cmp.Diff(want, ask(g, v)); diff != "" {
					t.Errorf("report-only %v, dir %v, call %d (%q): memo differs from a fresh guard (-want +got):\n%s", reportOnly, dir, i, v, diff)
				}
			}
		}
	}
}

// TestLocationMemoKeepsCopies: the memo holds its own copy of the value
// and of the bucket and key, not the caller's bytes.
func TestLocationMemoKeepsCopies(t *testing.T) {
	g := testGuard(t, Policy{})
	buf := []byte("s3://amzn-data/in/a.csv")
	v := string(buf) // a copy already; the memo must copy again whatever it gets
	l := location{locationPlace: &locationPlace{dir: s3guard.Read, field: "DataSource.DataLocation"}, value: v, set: true}
	if _, err := g.parseLocation(context.Background(), nil, l); err != nil {
		t.Fatal(err)
	}
	p := g.locations.last.Load()
	if p == nil {
		t.Fatal("a passed location did not join the memo")
	}
	if diff := cmp.Diff(passedLocation{value: v, loc: s3guard.Location{Bucket: "amzn-data", Key: "in/a.csv"}}, *p, cmp.AllowUnexported(passedLocation{})); diff != "" {
		t.Errorf("memo (-want +got):\n%s", diff)
	}
	if sameBytes(p.value, v) {
		t.Error("the memo holds the caller's string, not a copy")
	}
}
