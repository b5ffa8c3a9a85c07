package personalize

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestRed26bLocationMemoConcurrent: goroutines sharing one guard parse
// locations that take turns in its one-entry memo (two clean ones in
// different buckets, as a read and as a write under an output allow-list
// that holds only one of the buckets) between refused ones (an e-mail
// address in the key, a bad bucket name, a presigned query, each close to a
// clean one). Every answer is a fresh guard's for that value and
// direction: no call gets another's bucket with its own key, another's
// pass, or a pass its direction does not allow.
func TestRed26bLocationMemoConcurrent(t *testing.T) {
	p := Policy{AllowedOutputBuckets: []string{"amzn-data"}, Logger: slog.New(slog.DiscardHandler)}
	values := []string{
		"s3://amzn-data/in/interactions.csv",
		"s3://other-bucket/in/interactions.csv",
		"s3://amzn-data/in/jane.doe@example.com.csv",
		"s3://amzn-data/in/jane.doe%40example.com.csv",
		"s3://Amzn-data/in/interactions.csv",
		"s3://amzn-data/in/interactions.csv%3FX-Amz-Signature%3Dx",
		"s3://other-bucket/in/interactions.csv/",
		"https://amzn-data.s3.us-east-1.amazonaws.com/in/interactions.csv",
	}
	type answer struct {
		Loc  s3guard.Location
		Rule string
	}
	ask := func(g *Guard, v string, dir s3guard.Direction) answer {
		l := location{locationPlace: &locationPlace{dir: dir, field: "DataSource.DataLocation"}, value: v, set: true}
		loc, err := g.parseLocation(context.Background(), nil, l)
		a := answer{Loc: loc}
		if sg := (*SafeguardError)(nil); errors.As(err, &sg) {
			a.Rule = sg.Rule
		} else if err != nil {
			a.Rule = err.Error()
		}
		return a
	}
	dirs := []s3guard.Direction{s3guard.Read, s3guard.Write}
	want := make(map[[2]int]answer)
	for i, v := range values {
		for j, d := range dirs {
			want[[2]int{i, j}] = ask(testGuard(t, p), v, d)
		}
	}
	passes := 0
	for _, a := range want {
		if a.Rule == "" {
			passes++
		}
	}
	if passes < 3 || passes > len(want)-5 {
		t.Fatalf("%d of %d answers pass; the sequence must mix passes and refusals", passes, len(want))
	}
	g := testGuard(t, p)
	const workers, rounds = 4, 400
	var wg sync.WaitGroup
	var mu sync.Mutex
	var diffs []string
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				i, j := (w*7+r*3)%len(values), (w+r)%len(dirs)
				if diff := cmp.Diff(want[[2]int{i, j}], ask(g, values[i], dirs[j])); diff != "" {
					mu.Lock()
					diffs = append(diffs, values[i]+": "+diff)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, d := range diffs {
		t.Errorf("a shared guard's answer differs from a fresh one's (-want +got): %s", d)
	}
}
