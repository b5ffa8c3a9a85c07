package datascan

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRewriteWorkers: the output and the report are the same bytes whatever
// the number of workers, over inputs of many blocks with users and sessions.
func TestRewriteWorkers(t *testing.T) {
	p := testPseudonymizer(t)
	var sessions strings.Builder
	sessions.WriteString("USER_ID,SESSION_ID,ITEM_ID,TIMESTAMP\r\n")
	for i := range 20000 {
		fmt.Fprintf(&sessions, "user-%d,s-%d,item-%d,%d\r\n", i%700, i/5, i%31, 1700000000+i)
	}
	for _, tt := range []struct {
		name string
		in   string
	}{
		{name: "interactions", in: readString(t, newInteractions(3, 1<<20))},
		{name: "grouped", in: readString(t, newGroupedInteractions(3, 1<<20))},
		{name: "users and sessions, CRLF", in: sessions.String()},
		{name: "one row", in: "USER_ID,ITEM_ID\nu1,i1\n"},
		{name: "header only", in: "USER_ID,ITEM_ID\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want bytes.Buffer
			wantRep, err := Rewrite(t.Context(), &want, strings.NewReader(tt.in), p, func(o *Options) { o.Workers = 1 })
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{0, 2, 3, 8} {
				var got bytes.Buffer
				rep, err := Rewrite(t.Context(), &got, strings.NewReader(tt.in), p, func(o *Options) { o.Workers = n })
				if err != nil {
					t.Fatalf("Workers %d: %v", n, err)
				}
				if !bytes.Equal(want.Bytes(), got.Bytes()) {
					t.Errorf("Workers %d: the output differs from one worker's (%d and %d bytes)", n, got.Len(), want.Len())
				}
				if diff := cmp.Diff(wantRep, rep); diff != "" {
					t.Errorf("Workers %d: report mismatch (-want +got):\n%s", n, diff)
				}
			}
		})
	}
}

// failingWriter fails its nth Write.
type failingWriter struct{ n, calls int }

var errWrite = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls >= w.n {
		return 0, errWrite
	}
	return len(p), nil
}

// TestRewriteWorkersFail: an error anywhere, reading a row far into the
// input, writing, or a pseudonym already in the data, stops the rewrite
// with that error, writes nothing after it, and leaves no goroutine behind.
func TestRewriteWorkersFail(t *testing.T) {
	p := testPseudonymizer(t)
	good := readString(t, newInteractions(5, 1<<20))
	rows := strings.Count(good, "\n")
	already, err := p.UserID("u1")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, tt := range []struct {
		name string
		in   string
		dst  *failingWriter
		want func(error) bool
		row  int64 // of the *ParseError, 0 if none
	}{
		{name: "ragged row at the end", in: good + "1,2\n", dst: &failingWriter{n: 1 << 30},
			want: func(err error) bool { return errors.Is(err, ErrFieldCount) }, row: int64(rows) + 1},
		{name: "pseudonym in the data", in: good + already + ",1,2,click\n", dst: &failingWriter{n: 1 << 30},
			want: func(err error) bool { return errors.Is(err, ErrPseudonym) }, row: int64(rows) + 1},
		{name: "first write fails", in: good, dst: &failingWriter{n: 1},
			want: func(err error) bool { return errors.Is(err, errWrite) }},
		{name: "third write fails", in: good, dst: &failingWriter{n: 3},
			want: func(err error) bool { return errors.Is(err, errWrite) }},
	} {
		for _, n := range []int{1, 2, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, n), func(t *testing.T) {
				dst := *tt.dst
				_, err := Rewrite(t.Context(), &dst, strings.NewReader(tt.in), p, func(o *Options) { o.Workers = n })
				if !tt.want(err) {
					t.Fatalf("Rewrite: %v", err)
				}
				var pe *ParseError
				if tt.row != 0 && (!errors.As(err, &pe) || pe.Row != tt.row) {
					t.Errorf("Rewrite: %v; want a *ParseError at row %d", err, tt.row)
				}
				if dst.calls > tt.dst.n {
					t.Errorf("%d writes after the failed one", dst.calls-tt.dst.n)
				}
			})
		}
	}
	// The workers and the writer are gone once Rewrite returns.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines, %d before the rewrites", n, before)
	}
}
