package dataplane

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestMemberIsMapLookup holds Node.member to the map it replaces: for
// structures of every size around the bound of the scanned ones, each
// member's name and names close to one give what Members gives.
func TestMemberIsMapLookup(t *testing.T) {
	eachStructAroundBound(func(n *Node, members map[string]*Node, names []string) {
		for _, name := range names {
			if got, want := n.member(name), members[name]; got != want {
				t.Errorf("%d members: member(%q) = %p, want %p", len(members), name, got, want)
			}
		}
	})
	// A Node not made by Struct has only its map.
	lit := &Node{Members: map[string]*Node{"a": Scalar}}
	if lit.member("a") != Scalar || lit.member("b") != nil {
		t.Error("member of a Node literal differs from its map")
	}
}

// eachStructAroundBound calls f with a structure of every size around the
// bound of the scanned ones, its members, and names to look up in it: each
// member's name and names close to one.
func eachStructAroundBound(f func(n *Node, members map[string]*Node, names []string)) {
	for size := range maxScannedMembers + 3 {
		members := map[string]*Node{}
		for i := range size {
			members["m"+strconv.Itoa(i)] = String(RuleText, 0, i)
		}
		var names []string
		for name := range members {
			names = append(names, name, name+"x", name[:1], strings.ToUpper(name), "x"+name)
		}
		f(Struct(members), members, append(names, "", "m", "M0", "properties"))
	}
}

// FuzzMember: any name finds in a table's structure what its map finds.
func FuzzMember(f *testing.F) {
	for _, s := range []string{"eventList", "eventType", "", "itemId", "itemIds", "sentAt\x00"} {
		f.Add(s)
	}
	n := Struct(map[string]*Node{
		"eventId": Scalar, "eventType": Scalar, "eventValue": Scalar, "impression": Scalar, "itemId": Scalar,
		"metricAttribution": Scalar, "properties": Scalar, "recommendationId": Scalar, "sentAt": Scalar,
	})
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := n.member(name), n.Members[name]; got != want {
			t.Fatalf("member(%q) = %p, want %p", name, got, want)
		}
	})
}

// TestWalkNumberMemo: a number the walk found clean in every form is taken
// as clean when it comes again in the same body, never a string of the
// same text for it; an identifying number or text is refused, or in
// report-only mode reported, every time it comes.
func TestWalkNumberMemo(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"t":     String(RuleText, 0, 256),
		"texts": List(String(RuleText, 0, 256), 0, 20),
		"n":     Scalar,
		"nums":  List(Scalar, 0, 20),
	})}}
	tests := []struct {
		name, body  string
		field, rule string
	}{
		{"repeated timestamps", `{"nums":[1700001000,1700001000,1700001000]}`, "", ""},
		{"a card after a clean number", `{"nums":[1700001000,4111111111111111]}`, "Nums[1]", "sensitive.credit-card"},
		{"a card after the same card", `{"nums":[4111111111111111,4111111111111111]}`, "Nums[0]", "sensitive.credit-card"},
		// The string is clean; the number's digits are a card.
		{"a number after the same text as a string", `{"t":"41111111111111110e-1","n":41111111111111110e-1}`, "N", "sensitive.credit-card"},
		// A fraction's digits are no card number: 7/18 is a weight.
		{"a fraction whose digits pass Luhn", `{"nums":[0.3888888888888889,0.4111111111111111,12.100000000000001]}`, "", ""},
		{"a string after the same text as a number", `{"n":1700001000,"t":"1700001000"}`, "", ""},
		{"repeated texts", `{"texts":["view","view","view"]}`, "", ""},
		{"an e-mail after clean texts", `{"texts":["view","view","jane.doe@example.com"]}`, "Texts[2]", "sensitive.email"},
		{"a card between clean numbers", `{"nums":[1700001000,4111111111111111,1700001000]}`, "Nums[1]", "sensitive.credit-card"},
		{"a card after another clean number", `{"nums":[1700001000,1700001001,4111111111111111]}`, "Nums[2]", "sensitive.credit-card"},
	}
	g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, api)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		field, rule, _ := check(g, tt.body)
		if diff := cmp.Diff([2]string{tt.field, tt.rule}, [2]string{field, rule}); diff != "" {
			t.Errorf("%s: checkBody(%s) field and rule mismatch (-want +got):\n%s", tt.name, tt.body, diff)
		}
	}

	// Report-only mode: each identifying text is reported where it is,
	// however often it comes.
	g, err = NewGuard(aws.Config{Region: "us-east-1"}, Policy{InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}, api)
	if err != nil {
		t.Fatal(err)
	}
	ctx := middleware.WithOperationName(context.Background(), "Put")
	st := &callState{passes: stepIdentifiers}
	ctx = withState(ctx, st)
	body := `{"texts":["view","jane.doe@example.com","view","jane.doe@example.com"],"nums":[4111111111111111,1700001000,4111111111111111]}`
	if err := g.checkBody(ctx, "Put", st, body); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range st.reported {
		got = append(got, r.Field+" "+r.Rule)
	}
	want := []string{"Texts[1] sensitive.email", "Texts[3] sensitive.email", "Nums[0] sensitive.credit-card", "Nums[2] sensitive.credit-card"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	var sg *guarderr.SafeguardError
	if errors.As(err, &sg) {
		t.Errorf("report-only mode refused: %v", sg)
	}
}

// TestWalksOnOneCallState: two walks on one call's state at once (a hook
// that sends an attempt twice in parallel, or that returns while an
// attempt still runs, its state then pooled and handed to another call)
// each check their body by their own guard's Policy: an enforcing guard's
// walk is never turned into a report-only one, nor its path into another's.
func TestWalksOnOneCallState(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"items": List(Struct(map[string]*Node{
			"t": String(RuleText, 0, 256),
			"m": Struct(map[string]*Node{"u": String(RuleText, 0, 256)}),
		}), 0, 10),
	})}}
	paused, resume := make(chan struct{}), make(chan struct{})
	// A rule whose check holds the first walk halfway, three members down,
	// while the second runs.
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "pause", Pattern: regexp.MustCompile(`pause-here`), Validate: func(string) bool {
			close(paused)
			<-resume
			return false
		}}}
	})
	if err != nil {
		t.Fatal(err)
	}
	enforcing, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{Detector: det}, api)
	if err != nil {
		t.Fatal(err)
	}
	reporting, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{Detector: det, InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}, api)
	if err != nil {
		t.Fatal(err)
	}
	st := &callState{passes: stepIdentifiers}
	ctx := withState(middleware.WithOperationName(context.Background(), "Put"), st)
	done := make(chan error)
	go func() {
		done <- enforcing.checkBody(ctx, "Put", st, `{"items":[{"t":"pause-here"},{"t":"jane.doe@example.com"}]}`)
	}()
	<-paused
	// The second walk stops three members down, at a member its table lacks.
	_ = reporting.checkBody(ctx, "Put", st, `{"items":[{"m":{"zz":1}}]}`)
	close(resume)
	err = <-done
	var sg *guarderr.SafeguardError
	if !errors.As(err, &sg) {
		t.Fatalf("the enforcing guard's walk = %v, want its refusal", err)
	}
	if diff := cmp.Diff([2]string{"Items[1].T", "sensitive.email"}, [2]string{sg.Field, sg.Rule}); diff != "" {
		t.Errorf("refusal's field and rule (-want +got):\n%s", diff)
	}
}

// TestARNMemo: an ARN the guard found in its pattern and clean is taken as
// clean when it comes again, and nothing else is: over ARNs in and out of
// their pattern, clean and with identifying values in each part, coming in
// random order and again, a guard whose memo is warm refuses, and in
// report-only mode reports, exactly what a new guard (no memo, the check as
// it was) does.
func TestARNMemo(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Get": Struct(map[string]*Node{
		"campaignArn": String(RuleARN, 0, 256),
		"filterArn":   String(RuleARN, 0, 256),
	})}}
	arns := []string{
		"arn:aws:personalize:us-east-1:123456789012:campaign/for-you",
		"arn:aws:personalize:us-east-1:123456789012:filter/no-repeats",
		"arn:aws-cn:personalize:cn-north-1:123456789012:recommender/top-picks",
		"arn:aws:personalize:us-east-1:123456789012:campaign/jane.doe@example.com",
		"arn:aws:personalize:us-east-1:123456789012:campaign/4111111111111111",
		"arn:aws:personalize:us-east-1:4111111111111111:campaign/for-you",
		"arn:aws:personalize:us-east-1::campaign/for-you",
		"arn:aws:s3:us-east-1:123456789012:campaign/for-you",
		"arn:aws:personalize:jane.doe@example.com:123456789012:campaign/x",
		"arn:aws:personalize:us-east-1:123456789012:",
		"campaign/for-you",
		"jane.doe@example.com",
		"",
		"arn:aws:personalize:us-east-1:123456789012:campaign/for-you ",
		"arn:aws:personalize:us-east-1:123456789012:campaign/" + strings.Repeat("x", 250),
	}
	for _, reportOnly := range []bool{false, true} {
		p := Policy{InsecureReportOnly: reportOnly}
		if reportOnly {
			p.Logger = slog.New(slog.DiscardHandler)
		}
		warm, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
		if err != nil {
			t.Fatal(err)
		}
		walk := func(g *Guard, body string) (string, []string) {
			ctx := middleware.WithOperationName(context.Background(), "Get")
			st := &callState{passes: stepIdentifiers}
			ctx = withState(ctx, st)
			err := g.checkBody(ctx, "Get", st, body)
			var reports []string
			for _, r := range st.reported {
				reports = append(reports, r.Field+" "+r.Rule)
			}
			return fmt.Sprint(err), reports
		}
		r := rand.New(rand.NewPCG(1, 2))
		for i := range 2000 {
			a, b := arns[r.IntN(len(arns))], arns[r.IntN(len(arns))]
			body := `{"campaignArn":` + strconv.Quote(a) + `,"filterArn":` + strconv.Quote(b) + `}`
			fresh, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
			if err != nil {
				t.Fatal(err)
			}
			wantErr, wantReports := walk(fresh, body)
			gotErr, gotReports := walk(warm, body)
			if diff := cmp.Diff(wantErr, gotErr); diff != "" {
				t.Fatalf("report-only %v, body %d %s: error (-new guard +warm guard):\n%s", reportOnly, i, body, diff)
			}
			if diff := cmp.Diff(wantReports, gotReports); diff != "" {
				t.Fatalf("report-only %v, body %d %s: reports (-new guard +warm guard):\n%s", reportOnly, i, body, diff)
			}
		}
		if !warm.cleanARNs.Has(arns[0]) || warm.cleanARNs.Has(arns[3]) || warm.cleanARNs.Has(arns[7]) || warm.cleanARNs.Has(arns[5]) {
			t.Errorf("report-only %v: the memo holds the wrong ARNs", reportOnly)
		}
	}
}

// TestWalkDeepPath: the path of a field nested deeper than the segments
// the walker keeps inline names every level, and stays right as the walk
// goes back up past that depth and down again, in an enforcing guard's
// refusal and in each of a report-only guard's reports.
func TestWalkDeepPath(t *testing.T) {
	const levels = 7 // each a list element and a member: 14 segments
	node := String(RuleText, 0, 256)
	for range levels {
		node = List(Struct(map[string]*Node{"m": node, "t": String(RuleText, 0, 256)}), 0, 10)
	}
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{"l": node})}}
	const email = `"jane.doe@example.com"`
	// deep is the list of depth levels-d whose innermost value is leaf,
	// each level's one element at index 0 after skip clean elements.
	var deep func(d, skip int, leaf string) string
	deep = func(d, skip int, leaf string) string {
		if d == levels {
			return leaf
		}
		return "[" + strings.Repeat(`{"t":"x"},`, skip) + `{"m":` + deep(d+1, skip, leaf) + "}]"
	}
	// An e-mail at the bottom of the first element, past the inline
	// segments; one at the bottom of the second, each level's element at
	// index 1; one halfway, in the third.
	body := `{"l":[{"m":` + deep(1, 0, email) + `},{"t":"x","m":` + deep(1, 1, email) + `},{"m":[{"m":[{"t":` + email + `}]}]}]}`
	path := func(first int, rest int) string {
		p := "L[" + strconv.Itoa(first) + "]"
		for range levels - 1 {
			p += ".M[" + strconv.Itoa(rest) + "]"
		}
		return p + ".M"
	}
	for _, tt := range []struct {
		reportOnly bool
		want       []string
	}{
		{false, []string{path(0, 0)}},
		{true, []string{path(0, 0), path(1, 1), "L[2].M[0].M[0].T"}},
	} {
		p := Policy{InsecureReportOnly: tt.reportOnly}
		if tt.reportOnly {
			p.Logger = slog.New(slog.DiscardHandler)
		}
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
		if err != nil {
			t.Fatal(err)
		}
		ctx := middleware.WithOperationName(context.Background(), "Put")
		st := &callState{passes: stepIdentifiers}
		ctx = withState(ctx, st)
		err = g.checkBody(ctx, "Put", st, body)
		var got []string
		var sg *guarderr.SafeguardError
		if errors.As(err, &sg) {
			got = append(got, sg.Field)
		} else if err != nil {
			t.Fatal(err)
		}
		for _, r := range st.reported {
			got = append(got, r.Field)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("report-only %v: fields (-want +got):\n%s\nbody %s", tt.reportOnly, diff, body)
		}
	}
}
