package dataplanegen

import (
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// TestNoRuleStops: a string member without a rule stops the generator
// rather than being passed unchecked.
func TestNoRuleStops(t *testing.T) {
	tests := []struct {
		name, model, drop string
		typeMember        bool
	}{
		{"runtime item ID", apimodel.PersonalizeRuntime, "ItemID", false},
		{"events session ID", apimodel.PersonalizeEvents, "sessionId", true},
	}
	for _, tt := range tests {
		m := rules
		if tt.typeMember {
			m = stringTypeRules
		}
		saved := m[tt.drop]
		delete(m, tt.drop)
		_, _, err := Generate(tt.model, "p")
		m[tt.drop] = saved
		if err == nil || !strings.Contains(err.Error(), "no rule") {
			t.Errorf("%s: Generate without a rule for %s = %v, want a no-rule error", tt.name, tt.drop, err)
		}
	}
}
