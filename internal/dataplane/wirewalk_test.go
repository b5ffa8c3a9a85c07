package dataplane

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestMemberAtIsMember: memberAt finds what member finds, from whatever
// position it starts, and the position it gives is the member's own (two
// names never share one), for structures of every size around the bound
// of the scanned ones and for a Node literal, which has only its map.
func TestMemberAtIsMember(t *testing.T) {
	eachStructAroundBound(func(n *Node, _ map[string]*Node, names []string) {
		for _, name := range names {
			checkMemberAt(t, n, name)
		}
	})
	lit := &Node{Members: map[string]*Node{"a": Scalar}}
	for _, name := range []string{"a", "b"} {
		checkMemberAt(t, lit, name)
	}
}

func checkMemberAt(t *testing.T, n *Node, name string) {
	t.Helper()
	for from := range len(n.names) + 2 {
		checkMemberAtFrom(t, n, name, from)
	}
}

func checkMemberAtFrom(t *testing.T, n *Node, name string, from int) {
	t.Helper()
	got, at := n.memberAt(name, from)
	if want := n.member(name); got != want {
		t.Fatalf("memberAt(%q, %d) = %p, want %p", name, from, got, want)
	}
	switch {
	case n.names == nil && at != -1:
		t.Fatalf("memberAt(%q) of a map-only structure at %d, want -1", name, at)
	case n.names != nil && got != nil && (at < 0 || at >= maxScannedMembers || n.names[at] != name):
		t.Fatalf("memberAt(%q) at %d, not the member's own position", name, at)
	case got == nil && at != -1:
		t.Fatalf("memberAt(%q) of no member at %d", name, at)
	}
}

// FuzzMemberAt: any name finds in a table's structure what member finds,
// at its own position.
func FuzzMemberAt(f *testing.F) {
	for _, s := range []string{"eventList", "eventType", "", "itemId", "itemIds", "sentAt\x00"} {
		f.Add(s)
	}
	n := Struct(map[string]*Node{
		"eventId": Scalar, "eventType": Scalar, "eventValue": Scalar, "impression": Scalar, "itemId": Scalar,
		"metricAttribution": Scalar, "properties": Scalar, "recommendationId": Scalar, "sentAt": Scalar,
	})
	f.Fuzz(func(t *testing.T, name string) { checkMemberAt(t, n, name) })
}

// TestRepeatedMemberByPosition: a member given twice is refused whatever
// comes between and however its name is spelled (an escape decodes to the
// same name, so to the same position); distinct members are not.
func TestRepeatedMemberByPosition(t *testing.T) {
	g := testGuard(t, Policy{})
	tests := []struct {
		name, body, rule string
	}{
		{"distinct members", `{"ids":["a"],"properties":"{}"}`, ""},
		{"distinct members, other order", `{"properties":"{}","ids":["a"]}`, ""},
		{"repeat with a member between", `{"ids":[],"properties":"{}","ids":["x"]}`, guarderr.RuleBodyUnchecked},
		{"repeat spelled with an escape", `{"ids":[],"\u0069ds":["x"]}`, guarderr.RuleBodyUnchecked},
		{"repeat of the last member", `{"properties":"{}","ids":[],"properties":"{}"}`, guarderr.RuleBodyUnchecked},
		// The names the scanner compares where they stand (NextKeyIn), and
		// the ones it reads apart: escaped, after white space.
		{"repeat right after itself", `{"ids":[],"ids":["x"]}`, guarderr.RuleBodyUnchecked},
		{"repeat spelled with an escape first", `{"\u0069ds":[],"ids":["x"]}`, guarderr.RuleBodyUnchecked},
		{"repeat after white space", `{"ids":[], "ids":["x"]}`, guarderr.RuleBodyUnchecked},
		{"distinct members after white space", `{ "ids" :["a"] , "properties":"{}"}`, ""},
		{"a name that a member's name starts", `{"id":[]}`, guarderr.RuleUnknownMember},
		{"a name that starts a member's name", `{"idsx":[]}`, guarderr.RuleUnknownMember},
	}
	for _, tt := range tests {
		_, rule, _ := check(g, tt.body)
		if diff := cmp.Diff(tt.rule, rule); diff != "" {
			t.Errorf("%s: rule (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestWalkCleanMemo: the strings of one body found clean are remembered
// for the rest of the body, and nothing else is: in report-only mode, every
// identifying value is reported where it stands, however many clean values
// (more than the walker keeps) and copies of itself come before and after
// it, whether or not the guard's own memo still has room.
func TestWalkCleanMemo(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"items": List(Struct(map[string]*Node{"t": String(RuleText, 0, 256), "p": String(RuleProperties, 1, 32000)}), 0, 100),
	})}}
	clean := make([]string, 12) // more than walker.clean holds
	for i := range clean {
		clean[i] = "value-" + strconv.Itoa(i)
	}
	// Copies of one value next to each other, and far apart.
	dirty := map[int]string{5: "jane.doe@example.com", 6: "jane.doe@example.com", 13: "4111 1111 1111 1111", 14: "4111 1111 1111 1111",
		21: "jane.doe@example.com", 29: "value-1 jane.doe@example.com"}
	var items []string
	var want []string
	for i := range 40 {
		v, p := clean[i%len(clean)], clean[(i*5)%len(clean)]
		if d, ok := dirty[i]; ok {
			v = d
			want = append(want, "Items["+strconv.Itoa(i)+"].T")
		}
		if i == 33 || i == 34 {
			p = "jane.doe@example.com"
			want = append(want, "Items["+strconv.Itoa(i)+"].P")
		}
		items = append(items, `{"p":"{\"v\":\"`+p+`\"}","t":"`+v+`"}`)
	}
	body := `{"items":[` + strings.Join(items, ",") + `]}`
	for _, full := range []bool{false, true} {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}, api)
		if err != nil {
			t.Fatal(err)
		}
		if full {
			for i := range 100 { // the guard's memo full: the detector runs on every value the walker does not keep
				g.clean.Add("filler-" + strconv.Itoa(i))
			}
		}
		for call := range 2 {
			got := reportedFields(t, g, body)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("memo full %v, call %d: reported fields (-want +got):\n%s", full, call, diff)
			}
		}
	}
}

// reportedFields walks body of operation "Put" with g in report-only mode
// and returns the fields it reports, in order.
func reportedFields(t *testing.T, g *Guard, body string) []string {
	t.Helper()
	st := &callState{passes: stepIdentifiers}
	ctx := withState(middleware.WithOperationName(context.Background(), "Put"), st)
	if err := g.checkBody(ctx, "Put", st, body); err != nil {
		t.Fatalf("report-only walk: %v", err)
	}
	var got []string
	for _, r := range st.reported {
		got = append(got, r.Field)
	}
	return got
}
