package datascan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestRewriteErrorMidway: a malformed row in the middle of many blocks
// stops the rewrite; nothing read after it reaches dst, and the error says
// so (a *ParseError, no report), whatever the number of workers.
func TestRewriteErrorMidway(t *testing.T) {
	p := testPseudonymizer(t)
	var in strings.Builder
	in.WriteString("USER_ID,ITEM_ID,TIMESTAMP\n")
	for i := range 40000 {
		fmt.Fprintf(&in, "user-%d,item-%d,%d\n", i, i%97, 1700000000+i)
		if i == 20000 {
			in.WriteString("ragged\n")
		}
	}
	for _, n := range []int{1, 2, 4, 8} {
		t.Run(fmt.Sprint("workers=", n), func(t *testing.T) {
			var out bytes.Buffer
			rep, err := Rewrite(context.Background(), &out, strings.NewReader(in.String()), p, func(o *Options) { o.Workers = n })
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Row != 20003 || rep != nil {
				t.Fatalf("Rewrite: %v, report %v; want a *ParseError at row 20003 and no report", err, rep != nil)
			}
			if rows := bytes.Count(out.Bytes(), []byte("\n")); rows > 20002 {
				t.Errorf("%d records written, more than the %d before the error", rows, 20002)
			}
		})
	}
}
