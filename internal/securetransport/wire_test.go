package securetransport

import (
	"strconv"
	"strings"
	"testing"
)

// TestCleanTexts: the memo of clean header values answers only for values
// added, stays within its bounds, and adding twice is harmless.
func TestCleanTexts(t *testing.T) {
	var c CleanTexts
	long := strings.Repeat("a", maxCleanText+1)
	c.Add("application/x-amz-json-1.1")
	c.Add("application/x-amz-json-1.1")
	c.Add(long)
	for i := range maxCleanTexts + 10 {
		c.Add("value-" + strconv.Itoa(i))
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
		if got := c.Has(tt.value); got != tt.want {
			t.Errorf("has(%.20q) = %v, want %v", tt.value, got, tt.want)
		}
	}
	if got := len(*c.set.Load()); got != maxCleanTexts {
		t.Errorf("the memo holds %d values, want its bound %d", got, maxCleanTexts)
	}
}
