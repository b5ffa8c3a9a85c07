package dataplane

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

// memoPool mixes identifying values with clean ones that fall in the
// same slot of walker.clean (same length, same last byte) and share all
// but a word of their bytes, so that a slot holding the clean one is then
// asked about the identifying one.
var memoPool = []string{
	"jane.doe@example.com", "jane.doe-example.com", "jane.doe@example.con",
	"4111 1111 1111 1111", "4111 1111 1111 1121", "4111-1111-1111-1111",
	"item-1", "item-2", "click", "value-1 jane.doe@example.com", "value-1 jane.doe-example.com",
	"AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLF", "", "é",
}

// checkWalk walks a body of items chosen by picks, in report-only
// mode, and wants reported exactly the fields whose value the detector
// finds something in, on a guard whose memo is empty or full, twice each.
// It returns how many fields it wanted reported.
func checkWalk(t *testing.T, picks []byte) (reported int) {
	t.Helper()
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"items": List(Struct(map[string]*Node{
			"t": String(RuleText, 0, 256),
			"u": String(RuleUserID, 0, 256),
			"m": Map(String(RuleText, 0, 256), String(RuleText, 0, 256), 0),
		}), 0, 0),
	})}}
	det := func(g *Guard, s string) bool { _, ok := g.s.Detector.First(s); return s != "" && ok }
	for _, full := range []bool{false, true} {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}, api)
		if err != nil {
			t.Fatal(err)
		}
		if full {
			for i := range 100 {
				g.clean.Add("filler-" + strconv.Itoa(i))
			}
		}
		var items, want []string
		for i := 0; i+2 < len(picks) && len(items) < 40; i += 3 {
			t1, u, k := memoPool[int(picks[i])%len(memoPool)], memoPool[int(picks[i+1])%len(memoPool)], memoPool[int(picks[i+2])%len(memoPool)]
			n := strconv.Itoa(len(items))
			// The SDK's order is t, u, m; odd items put them in another.
			parts := []string{`"t":"` + t1 + `"`, `"u":"` + u + `"`, `"m":{"` + k + `":"` + t1 + `"}`}
			var fields []string
			if det(g, t1) {
				fields = append(fields, "Items["+n+"].T")
			}
			if det(g, u) {
				fields = append(fields, "Items["+n+"].U")
			}
			if det(g, k) {
				fields = append(fields, "Items["+n+"].M.Key")
			}
			if det(g, t1) {
				fields = append(fields, "Items["+n+"].M.Value")
			}
			if len(items)%2 == 1 {
				parts[0], parts[2] = parts[2], parts[0]
				fields = reorderFields(fields, n)
			}
			items = append(items, "{"+strings.Join(parts, ",")+"}")
			want = append(want, fields...)
		}
		body := `{"items":[` + strings.Join(items, ",") + `]}`
		for call := range 2 {
			got := reportedFields(t, g, body)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("memo full %v, call %d, body %s: reported fields (-want +got):\n%s", full, call, body, diff)
			}
		}
		reported = len(want)
	}
	return reported
}

// reorderFields gives fields of item n in the order m, u, t.
func reorderFields(fields []string, n string) []string {
	var out []string
	for _, suffix := range []string{".M.Key", ".M.Value", ".U", ".T"} {
		for _, f := range fields {
			if f == "Items["+n+"]"+suffix {
				out = append(out, f)
			}
		}
	}
	return out
}

// TestWalkMemo: the walker's clean strings, one per slot, never
// answer for an identifying value, whichever field (a text, an identifier,
// a map's key or value) put the clean one there and in whatever order the
// members come.
func TestWalkMemo(t *testing.T) {
	for _, picks := range [][]byte{
		{1, 0, 1, 0, 1, 0, 2, 2, 2, 0, 0, 0},
		{4, 3, 4, 3, 4, 3, 5, 5, 5, 3, 4, 3},
		{10, 9, 10, 9, 9, 10, 12, 11, 12, 11, 11, 11},
		{6, 7, 6, 7, 8, 13, 14, 14, 13, 1, 0, 1, 0, 1, 0},
	} {
		if n := checkWalk(t, picks); n < 3 {
			t.Errorf("picks %v: %d fields to report, want 3 or more: the case proves little", picks, n)
		}
	}
}

func FuzzWalkMemo(f *testing.F) {
	f.Add([]byte{1, 0, 1, 0, 1, 0, 2, 2, 2, 0, 0, 0})
	f.Add([]byte{4, 3, 4, 3, 4, 3, 5, 5, 5, 3, 4, 3})
	f.Fuzz(func(t *testing.T, picks []byte) { checkWalk(t, picks) })
}
