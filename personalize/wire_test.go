package personalize

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// TestCleanTexts: the memo of clean header values answers only for values
// added, stays within its bounds, and adding twice is harmless.
func TestCleanTexts(t *testing.T) {
	var c cleanTexts
	long := strings.Repeat("a", maxCleanText+1)
	c.add("application/x-amz-json-1.1")
	c.add("application/x-amz-json-1.1")
	c.add(long)
	for i := range maxCleanTexts + 10 {
		c.add("value-" + strconv.Itoa(i))
	}
	tests := []struct {
		value string
		want  bool
	}{
		{"application/x-amz-json-1.1", true},
		{"value-0", true},
		{"value-" + strconv.Itoa(maxCleanTexts-2), true},
		{"value-" + strconv.Itoa(maxCleanTexts-1), false}, // past the bound
		{long, false},
		{"never added", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := c.has(tt.value); got != tt.want {
			t.Errorf("has(%.20q) = %v, want %v", tt.value, got, tt.want)
		}
	}
	if got := len(*c.set.Load()); got != maxCleanTexts {
		t.Errorf("the memo holds %d values, want its bound %d", got, maxCleanTexts)
	}
}

// TestHeaderMemoNeverPassesAnIdentifyingValue: a header value the gate once
// found clean is skipped after; a different value, an e-mail in the same
// header, is still refused.
func TestHeaderMemoNeverPassesAnIdentifyingValue(t *testing.T) {
	g := testGuard(t, Policy{})
	ctx := middleware.WithOperationName(context.Background(), "ListDatasetGroups")
	request := func(owner string) *smithyhttp.Request {
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.URL, _ = url.Parse("https://personalize." + testRegion + ".amazonaws.com/")
		req.Header = http.Header{"X-Owner": {owner}}
		return req
	}
	var got []string
	for _, owner := range []string{"team-recs", "team-recs", "jane.doe@example.com", "team-recs"} {
		err := g.checkRequestText(ctx, "ListDatasetGroups", request(owner).Request)
		var se *SafeguardError
		switch {
		case err == nil:
			got = append(got, "pass")
		case errors.As(err, &se):
			got = append(got, se.Rule+" "+se.Field)
			if strings.Contains(err.Error(), "jane") {
				t.Errorf("the error echoes the value: %v", err)
			}
		default:
			t.Fatalf("checkRequestText = %v, want a *SafeguardError", err)
		}
	}
	want := []string{"pass", "pass", RuleRequestChanged + ".sensitive header", "pass"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if !g.cleanHeaders.has("team-recs") || g.cleanHeaders.has("jane.doe@example.com") {
		t.Error("the memo holds the wrong values")
	}
}
