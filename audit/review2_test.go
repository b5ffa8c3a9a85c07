package audit

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// escapeRFC3986 encodes a policy document as IAM answers it: every byte
// but RFC 3986's unreserved characters as %XX, a space as %20.
func escapeRFC3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// TestDecodeDocumentRFC3986: a policy document comes back exactly as it was
// written, whether IAM escapes a '+' or leaves it (RFC 3986 allows a
// sub-delimiter unescaped); '+' is never read as a space.
func TestDecodeDocumentRFC3986(t *testing.T) {
	const res = "arn:aws:s3:::b/a+b c%d é/*"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + res + `"}]}`
	tests := []struct {
		name, in string
		want     []string // the statement's resources; nil for an error
	}{
		{"every byte escaped", escapeRFC3986(doc), []string{res}},
		{"plus left unescaped", strings.ReplaceAll(escapeRFC3986(doc), "%2B", "+"), []string{res}},
		{"escaped percent sign stays one", escapeRFC3986(strings.Replace(doc, "c%d", "c%41", 1)), []string{"arn:aws:s3:::b/a+b c%41 é/*"}},
		{"malformed escape", "%7B%2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeDocument(tt.in)
			if tt.want == nil {
				if err == nil {
					t.Fatal("decodeDocument = nil error, want one")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, st := range d.Statement {
				got = append(got, st.Resource...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
		})
	}
}
