package s3guard

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12ObjectNameHidesKeys (red12): listed keys holding identifying
// values in the shapes exports use (partition folders, key=value segments,
// percent-escapes once and twice, full-width '@', a zero-width space, upper
// case) are named by their place in the listing, never by the key.
func TestRed12ObjectNameHidesKeys(t *testing.T) {
	keys := []string{
		"exports/acct/912803456.csv", "acct=912803456/part-0.csv", "account_number/912803456.csv", "phone/+14155550100.csv",
		"ssn-123-45-6789.csv", "users/jane.doe%40example.com.csv", "users/jane.doe+tag@example.com.csv", "users/JANE.DOE@EXAMPLE.COM",
		"users/jane.doe%2540example.com.csv", "cards/4111-1111-1111-1111.csv", "acct_912803456.csv", "account-912803456/x.csv",
		"users/jane.doe\uff20example.com.csv", "users/jane.doe@example.com\u200b.csv", "p/acct%3D912803456.csv",
		"user=jane.doe@example.com/part=1/x.csv", "AKIAIOSFODNN7EXAMPLE/x.csv", "ssn=123456789/x.csv", "phone=415-555-0100/x.csv",
	}
	for i, k := range keys {
		got := ObjectName("bucket", k, i, nil)
		want := "s3://bucket/(object " + strconv.Itoa(i+1) + " of the listing: its key holds an identifying value)"
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ObjectName(%q) (-want +got):\n%s", k, diff)
		}
		for _, part := range []string{"912803456", "jane.doe", "4111", "123-45-6789", "123456789", "4155550100", "415-555-0100", "AKIA"} {
			if strings.Contains(got, part) {
				t.Errorf("ObjectName(%q) = %q holds %q", k, got, part)
			}
		}
	}
}
