package datascan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12HeaderNameHoldsValue (red12 defect): a header name is an Avro
// name, yet it can hold an identifying value the detector finds
// ("acct_912803456", "card_4111111111111111": a wide export with a column
// per account). Scan passed such a file as clean and printed the name in
// its report, its posture findings and Rewrite's output; it must refuse it,
// naming the column by number only.
func TestRed12HeaderNameHoldsValue(t *testing.T) {
	p := testPseudonymizer(t)
	tests := []struct {
		name, header, value string
	}{
		{"account number after its keyword", "USER_ID,ITEM_ID,acct_912803456", "912803456"},
		{"SSN after its keyword", "USER_ID,ITEM_ID,ssn_123456789", "123456789"},
		{"card", "USER_ID,ITEM_ID,card_4111111111111111", "4111111111111111"},
		{"card alone", "USER_ID,x4111111111111111,ITEM_ID", "4111111111111111"},
		{"AWS access key ID", "USER_ID,ITEM_ID,AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.header + "\nu1,i1,x\n"
			rep, scanErr := Scan(context.Background(), strings.NewReader(in))
			var out bytes.Buffer
			_, rwErr := Rewrite(context.Background(), &out, strings.NewReader(in), p)
			type outcome struct {
				ScanHeaderErr, RewriteHeaderErr, Echoed bool
			}
			got := outcome{errors.Is(scanErr, ErrHeader), errors.Is(rwErr, ErrHeader), false}
			for _, s := range []string{fmt.Sprint(scanErr), fmt.Sprint(rwErr), out.String()} {
				got.Echoed = got.Echoed || strings.Contains(s, tt.value)
			}
			if rep != nil {
				p := rep.Posture()
				got.Echoed = got.Echoed || strings.Contains(fmt.Sprintf("%+v", p), tt.value)
			}
			if diff := cmp.Diff(outcome{true, true, false}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nScan: %v\nRewrite: %v", diff, scanErr, rwErr)
			}
		})
	}
}

// TestRed12OrdinaryHeadersPass: the header check above refuses no name of
// an ordinary dataset.
func TestRed12OrdinaryHeadersPass(t *testing.T) {
	for _, h := range []string{
		"USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE,IMPRESSION,RECOMMENDATION_ID",
		"USER_ID,ACCOUNT_NUMBER,SSN,PHONE,CARD_NUMBER,AWS_SECRET_ACCESS_KEY,ACCOUNT_ID,EMAIL",
		"ITEM_ID,CREATION_TIMESTAMP,PRICE_2024,GENRE_1,CATEGORY_L2,SKU_12345",
	} {
		if _, err := Scan(context.Background(), strings.NewReader(h+"\n")); err != nil {
			t.Errorf("Scan of header %s: %v", h, err)
		}
	}
}
