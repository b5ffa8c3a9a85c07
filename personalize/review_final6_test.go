package personalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkReviewFinal6GuardedStreamWrapper measures a guarded call built
// from personalizetest's Config with and without IDStreamWithoutWriteTo:
// with it, the gate reads the body through the wrapper (ReadBody's
// generic path) instead of the *bytes.Reader the SDK serializes into.
func BenchmarkReviewFinal6GuardedStreamWrapper(b *testing.B) {
	srv := personalizetest.New(b)
	for _, keep := range []bool{true, false} {
		name := "middleware=kept"
		if !keep {
			name = "middleware=dropped"
		}
		b.Run(name, func(b *testing.B) {
			cfg := srv.Config()
			if !keep {
				cfg.APIOptions = nil
			}
			c, err := personalize.New(cfg, personalize.Policy{InsecureNoAuditLog: true})
			if err != nil {
				b.Fatal(err)
			}
			in := &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.ListDatasetGroups(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestReviewFinal6SchemaLoneSurrogate: a schema document whose text holds a
// lone surrogate escape (jane.doe\ud800@example.com, an e-mail to a reader
// that drops the half) is refused before anything is sent, and the error and
// audit log do not echo it; a pair in the same place passes.
func TestReviewFinal6SchemaLoneSurrogate(t *testing.T) {
	const fields = `"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`
	for _, tt := range []struct {
		name, doc string
		refused   bool
	}{
		{"pair", `catalogue \ud83d\ude00`, false},
		{"lone high in an e-mail", `jane.doe\ud800@example.com`, true},
		{"lone low in an e-mail", `jane.doe\udc00@example.com`, true},
		{"escaped backslash after a high half", `jane.doe\ud800\\udc00@example.com`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			schema := `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema","doc":"` + tt.doc + `",` + fields
			_, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("s"), Schema: aws.String(schema)})
			if (err != nil) != tt.refused {
				t.Fatalf("CreateSchema: err %v, want refused %v", err, tt.refused)
			}
			if !tt.refused {
				return
			}
			for _, r := range e.srv.Requests() {
				if r.Operation == "CreateSchema" {
					t.Errorf("a refused schema was sent")
				}
			}
			for _, leak := range []string{"jane", "example.com", "d800", "dc00"} {
				if strings.Contains(err.Error(), leak) || strings.Contains(e.audit.String(), leak) {
					t.Errorf("error or audit echoes %q: %v", leak, err)
				}
			}
		})
	}
}
