package sensitive

import (
	"regexp"
	"testing"
)

func TestHasRules(t *testing.T) {
	tests := []struct {
		name string
		opt  func(*Options)
		want bool
	}{
		{name: "default", opt: func(*Options) {}, want: false},
		{name: "kinds only", opt: func(o *Options) { o.Kinds = []Kind{Email} }, want: false},
		{name: "allow-list only", opt: func(o *Options) { o.AllowList = []string{"a@example.com"} }, want: false},
		{name: "a rule", opt: func(o *Options) {
			o.Rules = []Rule{{Kind: "member-id", Pattern: regexp.MustCompile(`^\d{10}$`)}}
		}, want: true},
	}
	for _, tt := range tests {
		d, err := New(tt.opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.HasRules(); got != tt.want {
			t.Errorf("%s: HasRules() = %v, want %v", tt.name, got, tt.want)
		}
	}
	if Default().HasRules() {
		t.Error("Default().HasRules() = true")
	}
}
