package fakepersonalize

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

func TestParseFilterExpression(t *testing.T) {
	tests := []struct {
		expr   string
		target filterTarget
		want   filterExpr
		reason string // "" when the expression is supported
	}{
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)`, target: itemTarget,
			want: filterExpr{include: true, dataset: "ITEMS", field: "GENRE", param: "GENRE"}},
		{expr: `EXCLUDE ItemID WHERE Items.GENRE IN ("a", "b c")`, target: itemTarget,
			want: filterExpr{dataset: "ITEMS", field: "GENRE", values: []string{"a", "b c"}}},
		{expr: `exclude itemid where items.genre not in ("a")`, target: itemTarget,
			want: filterExpr{dataset: "ITEMS", field: "genre", negate: true, values: []string{"a"}}},
		{expr: `INCLUDE ItemID WHERE Items.GENRE = "a"`, target: itemTarget,
			want: filterExpr{include: true, dataset: "ITEMS", field: "GENRE", values: []string{"a"}}},
		{expr: `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase","click")`, target: itemTarget,
			want: filterExpr{field: "EVENT_TYPE", values: []string{"purchase", "click"}}},
		{expr: `EXCLUDE ActionID WHERE Action_Interactions.EVENT_TYPE IN ($T)`, target: actionTarget,
			want: filterExpr{field: "EVENT_TYPE", param: "T"}},
		{expr: `INCLUDE ActionID WHERE Actions.KIND IN ("x")`, target: actionTarget,
			want: filterExpr{include: true, dataset: "ACTIONS", field: "KIND", values: []string{"x"}}},
		{expr: `KEEP ItemID WHERE Items.GENRE IN ("a")`, target: itemTarget, reason: "does not start with INCLUDE"},
		{expr: `INCLUDE ActionID WHERE Items.GENRE IN ("a")`, target: itemTarget, reason: "does not select ItemID"},
		{expr: `INCLUDE ItemID Items.GENRE IN ("a")`, target: itemTarget, reason: "without WHERE"},
		{expr: `INCLUDE ItemID WHERE Users.AGE IN ("a")`, target: itemTarget, reason: "dataset other than"},
		{expr: `INCLUDE ItemID WHERE CurrentItem.GENRE IN ("a")`, target: itemTarget, reason: "dataset other than"},
		{expr: `EXCLUDE ItemID WHERE Interactions.ITEM_ID IN ("a")`, target: itemTarget, reason: "other than EVENT_TYPE"},
		{expr: `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("a")`, target: itemTarget, reason: "NOT other than NOT IN"},
		{expr: `INCLUDE ItemID WHERE Items.PRICE < 10`, target: itemTarget, reason: "operator other than"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ("a") AND Items.X IN ("b")`, target: itemTarget, reason: "more than one condition"},
		{expr: `EXCLUDE ItemID WHERE Items.GENRE IN ("a") | INCLUDE ItemID WHERE Items.X IN ("b")`, target: itemTarget, reason: "more than one condition"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ($A, "b")`, target: itemTarget, reason: "mixing a parameter"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ($A, $B)`, target: itemTarget, reason: "more than one parameter"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ("a" "b")`, target: itemTarget, reason: "not comma-separated"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN (a)`, target: itemTarget, reason: "neither a double-quoted string"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ("a)`, target: itemTarget, reason: "unterminated string"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ($)`, target: itemTarget, reason: "without a parameter name"},
		{expr: `INCLUDE ItemID WHERE Items.GENRE IN ("a");`, target: itemTarget, reason: "character outside"},
		{expr: `INCLUDE ItemID WHERE Items`, target: itemTarget, reason: "Dataset.FIELD"},
	}
	for _, tc := range tests {
		got, err := parseFilterExpression(tc.expr, tc.target)
		if tc.reason != "" {
			if err == nil || !errors.Is(err, errUnsupported) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("parseFilterExpression(%q) = %v, want an unsupported error with %q", tc.expr, err, tc.reason)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseFilterExpression(%q) = %v, want no error", tc.expr, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(filterExpr{})); diff != "" {
			t.Errorf("parseFilterExpression(%q) mismatch (-want +got):\n%s", tc.expr, diff)
		}
	}
}

func TestParseFilterValues(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`"a"`, []string{"a"}, true},
		{`"a","b"`, []string{"a", "b"}, true},
		{` "a" , "b c" `, []string{"a", "b c"}, true},
		{``, nil, false},
		{`a`, nil, false},
		{`"a",`, nil, false},
		{`"a" "b"`, nil, false},
		{`,"a"`, nil, false},
		{`"a`, nil, false},
	}
	for _, tc := range tests {
		got, ok := parseFilterValues(tc.in)
		if ok != tc.ok || !cmp.Equal(tc.want, got) {
			t.Errorf("parseFilterValues(%q) = %q, %t, want %q, %t", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseFilterExpression: no panic, deterministic, and an error never
// repeats the expression's text.
func FuzzParseFilterExpression(f *testing.F) {
	for _, s := range []string{`INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)`, `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("x")`,
		`INCLUDE ItemID WHERE Items.A = "secret-value"`, `EXCLUDE ItemID WHERE Items.GENRE IN ("a") | INCLUDE ItemID WHERE Items.X IN ("b")`, `"`, `$`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		got, err := parseFilterExpression(expr, itemTarget)
		again, err2 := parseFilterExpression(expr, itemTarget)
		if (err == nil) != (err2 == nil) || !cmp.Equal(got, again, cmp.AllowUnexported(filterExpr{})) {
			t.Fatalf("parseFilterExpression(%q) is not deterministic", expr)
		}
		if err != nil {
			if !errors.Is(err, errUnsupported) {
				t.Fatalf("parseFilterExpression(%q) = %v, not an unsupported error", expr, err)
			}
			// Reasons are fixed phrases: none holds more than a few
			// characters of the input.
			if len(expr) > 8 && strings.Contains(err.Error(), expr) {
				t.Fatalf("error %q repeats the expression", err)
			}
		}
	})
}

func FuzzParseFilterValues(f *testing.F) {
	for _, s := range []string{`"a"`, `"a","b"`, `"a",`, ``, `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := parseFilterValues(v)
		if !ok {
			return
		}
		// Each value came from between quotes of the input.
		for _, g := range got {
			if !strings.Contains(v, `"`+g+`"`) {
				t.Fatalf("parseFilterValues(%q) = %q: %q was not quoted in the input", v, got, g)
			}
		}
	})
}

func TestLearned(t *testing.T) {
	type row struct{ user, item, typ string }
	tests := []struct {
		name       string
		eventType  string
		rows       []row
		user, item string
		want       []string
	}{
		{name: "popularity, ties by ID",
			rows: []row{{"u1", "b", ""}, {"u2", "b", ""}, {"u1", "a", ""}, {"u3", "c", ""}},
			want: []string{"b", "a", "c"}},
		{name: "co-occurrence with the user's history first", user: "u2",
			rows: []row{{"u1", "a", ""}, {"u1", "c", ""}, {"u2", "a", ""}, {"u3", "b", ""}, {"u4", "b", ""}},
			want: []string{"c", "a", "b"}}, // the handler, not rank, drops the history
		{name: "related to an item", item: "a",
			rows: []row{{"u1", "a", ""}, {"u1", "z", ""}, {"u2", "a", ""}, {"u2", "z", ""}, {"u3", "a", ""}, {"u3", "y", ""}, {"u4", "x", ""}, {"u5", "x", ""}, {"u6", "x", ""}},
			want: []string{"z", "y", "a", "x"}},
		{name: "repeat interactions count for popularity, once for co-occurrence", user: "u9",
			rows: []row{{"u1", "a", ""}, {"u1", "a", ""}, {"u1", "a", ""}, {"u1", "b", ""}, {"u2", "c", ""}, {"u2", "b", ""}, {"u9", "b", ""}},
			want: []string{"a", "c", "b"}},
		{name: "only the solution's event type trains", eventType: "buy", user: "u9",
			rows: []row{{"u1", "a", "click"}, {"u1", "b", "click"}, {"u2", "c", "buy"}, {"u2", "b", "buy"}, {"u9", "b", "buy"}},
			want: []string{"c", "b"}}, // a: clicks only, untrained
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newLearned("ITEM_ID", tc.eventType)
			for _, r := range tc.rows {
				m.add(r.user, r.item, r.typ)
			}
			var got []string
			var by affinity
			switch {
			case tc.item != "":
				by = m.toItem(tc.item)
			case tc.user != "":
				by = m.toUser(tc.user)
			}
			for _, c := range m.rank(by) {
				got = append(got, c.id)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rank(%q, %q) mismatch (-want +got):\n%s", tc.user, tc.item, diff)
			}
		})
	}
}

func TestScoresSumToOne(t *testing.T) {
	got := scoresOf([]scored{{id: "a", value: 3}, {id: "b", value: 1}})
	if diff := cmp.Diff([]float64{0.75, 0.25}, got); diff != "" {
		t.Errorf("scoresOf mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0}, scoresOf([]scored{{id: "a"}})); diff != "" {
		t.Errorf("scoresOf(all zero) mismatch (-want +got):\n%s", diff)
	}
}

func TestDataOperation(t *testing.T) {
	tests := []struct {
		method, path string
		api, op      string
		ok           bool
	}{
		{"POST", "/events", APIEvents, "PutEvents", true},
		{"POST", "/items", APIEvents, "PutItems", true},
		{"POST", "/users", APIEvents, "PutUsers", true},
		{"POST", "/actions", APIEvents, "PutActions", true},
		{"POST", "/action-interactions", APIEvents, "PutActionInteractions", true},
		{"POST", "/recommendations", APIRuntime, "GetRecommendations", true},
		{"POST", "/personalize-ranking", APIRuntime, "GetPersonalizedRanking", true},
		{"POST", "/action-recommendations", APIRuntime, "GetActionRecommendations", true},
		{"GET", "/events", "", "", false},
		{"POST", "/events/", "", "", false},
		{"POST", "/", "", "", false},
	}
	for _, tc := range tests {
		api, op, ok := DataOperation(tc.method, tc.path)
		if api != tc.api || op != tc.op || ok != tc.ok {
			t.Errorf("DataOperation(%s, %s) = %q, %q, %t, want %q, %q, %t", tc.method, tc.path, api, op, ok, tc.api, tc.op, tc.ok)
		}
	}
}

// TestDataPlaneServesEveryOperation fails when a model gains an operation
// that has no handler.
func TestDataPlaneServesEveryOperation(t *testing.T) {
	var missing []string
	for _, op := range dataOps {
		if op.call == nil {
			missing = append(missing, op.name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 || len(dataOps) != len(eventsOperations)+len(runtimeOperations) {
		t.Errorf("data-plane operations without a handler: %q (%d routes for %d operations)", missing, len(dataOps), len(eventsOperations)+len(runtimeOperations))
	}
}

// TestErrorStatusMatchesModels checks errorStatus against the
// httpStatusCode of every error the two models declare.
func TestErrorStatusMatchesModels(t *testing.T) {
	for _, name := range []string{apimodel.PersonalizeEvents, apimodel.PersonalizeRuntime} {
		b, err := os.ReadFile("../apimodel/models/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Shapes map[string]struct {
				Exception bool `json:"exception"`
				Error     struct {
					HTTPStatusCode int `json:"httpStatusCode"`
				} `json:"error"`
			} `json:"shapes"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for shape, s := range doc.Shapes {
			if s.Exception && errorStatus[shape] != s.Error.HTTPStatusCode {
				t.Errorf("%s: errorStatus[%s] = %d, the model says %d", name, shape, errorStatus[shape], s.Error.HTTPStatusCode)
			}
		}
	}
	if errorStatus["InternalFailure"] != http.StatusInternalServerError {
		t.Error("InternalFailure must answer 500")
	}
}
