package kms

import (
	"errors"
	"testing"
	"unsafe"
)

// TestValidatedMemoOwnsItsStrings: a caller's CheckInput strings built over
// a buffer it rewrites after a check that passed are validated again as what
// they now say, not answered by the memo of the last valid input.
func TestValidatedMemoOwnsItsStrings(t *testing.T) {
	for _, tt := range []struct {
		name      string
		field     string
		rewrite   func(in *CheckInput) []byte // the buffer behind one field
		wantField string
	}{
		{"key", "KeyARN", func(in *CheckInput) []byte {
			b := []byte(testKeyARN)
			in.KeyARN = unsafe.String(&b[0], len(b))
			return b
		}, "CheckInput.KeyARN"},
		{"role", "RoleARN", func(in *CheckInput) []byte {
			b := []byte("arn:aws:iam::111122223333:role/personalize")
			in.RoleARN = unsafe.String(&b[0], len(b))
			return b
		}, "CheckInput.RoleARN"},
		{"region", "Region", func(in *CheckInput) []byte {
			b := []byte("us-east-1")
			in.Region = unsafe.String(&b[0], len(b))
			return b
		}, "CheckInput.Region"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := CheckInput{KeyARN: testKeyARN, RoleARN: "arn:aws:iam::111122223333:role/personalize", Region: "us-east-1",
				AccountID: "111122223333"}
			buf := tt.rewrite(&in)
			c := NewChecker(nil)
			if _, err := c.validated(&in); err != nil {
				t.Fatalf("valid input refused: %v", err)
			}
			// Same length, no longer valid: a character no ARN or Region has.
			buf[len(buf)/2] = ' '
			_, err := c.validated(&in)
			var ae *ArgumentError
			if !errors.As(err, &ae) || ae.Field != tt.wantField {
				t.Fatalf("rewritten %s: err = %v, want an *ArgumentError at %s", tt.field, err, tt.wantField)
			}
		})
	}
}
