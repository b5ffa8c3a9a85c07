package datascan_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log"
	"strings"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// The USER_ID column holds e-mail addresses: the scan says where, by row and
// column, and never what.
func ExampleScan() {
	const interactions = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n" +
		"jane.doe@example.com,-3953814578718096702,1700000000,click\n" +
		"8f3a2c,5521339841007652318,1700000060,purchase\n" +
		"bob@example.org,-3953814578718096702,1700000120,click\n"

	rep, err := datascan.Scan(context.Background(), strings.NewReader(interactions),
		func(o *datascan.Options) { o.Resource = "interactions.csv" })
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range rep.Columns {
		fmt.Printf("%-10s %-12s %-12s %v %v\n", c.Name, c.Role, c.Verdict, c.Kinds, c.Positions)
	}
	if rep.Blocking() {
		p := rep.Posture()
		fmt.Println(p.Findings[0].ID, p.Findings[0].Severity)
	}
	// Output:
	// USER_ID    user-id      pseudonymize map[email:2] [{2 1 email} {4 1 email}]
	// ITEM_ID    item-id      clean        map[] []
	// TIMESTAMP  timestamp    clean        map[] []
	// EVENT_TYPE event-type   clean        map[] []
	// datascan.identifier.email high
}

// Rewrite replaces USER_ID with the pseudonym the data-plane clients send for
// the same user, drops the columns the scan flagged, and keeps the rest.
func ExampleRewrite() {
	// In production the key comes from pseudonym.LoadKey (KMS); a fixed
	// one keeps the output stable here.
	raw := sha256.Sum256([]byte("an example key, not for production"))
	key, err := pseudonym.NewKey(1, raw[:])
	if err != nil {
		log.Fatal(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		log.Fatal(err)
	}
	const items = "USER_ID,ITEM_ID,TIMESTAMP,NOTE\n" +
		"jane.doe@example.com,i1,1700000000,\"call +44 20 7946 0958\"\n" +
		"jane.doe@example.com,i2,1700000060,\n"

	var out strings.Builder
	_, err = datascan.Rewrite(context.Background(), &out, strings.NewReader(items), p,
		func(o *datascan.Options) { o.Drop = []string{"NOTE"} })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(out.String())
	live, _ := p.UserID("jane.doe@example.com") // what the event client sends
	fmt.Println(strings.HasPrefix(out.String(), "USER_ID,ITEM_ID,TIMESTAMP\n"+live+","))
	// Output:
	// USER_ID,ITEM_ID,TIMESTAMP
	// pu1_jzznw5wf5n3ql5sokajczwylmhku65ma,i1,1700000000
	// pu1_jzznw5wf5n3ql5sokajczwylmhku65ma,i2,1700000060
	// true
}

// Malformed CSV is an error that names the row and column, never the data.
func ExampleParseError() {
	const in = "USER_ID,ITEM_ID\nu1,i1\nu2,\"i2\"x\n"
	_, err := datascan.Scan(context.Background(), strings.NewReader(in))
	fmt.Println(err)
	// Output:
	// datascan: row 3, column 2: a character after the closing " of a quoted field
}

// The objects under an S3 prefix are one dataset: Merge sums their
// reports, and a column's verdict is its worst in any part.
func ExampleMerge() {
	parts := []string{
		"USER_ID,ITEM_ID\nu1,i1\nu2,i2\n",
		"USER_ID,ITEM_ID\nu3,i3\njane.doe@example.com,i4\n",
	}
	var reps []*datascan.Report
	for _, p := range parts {
		rep, err := datascan.Scan(context.Background(), strings.NewReader(p))
		if err != nil {
			log.Fatal(err)
		}
		reps = append(reps, rep)
	}
	all := datascan.Merge("s3://bucket/interactions/", reps...)
	for _, c := range all.Columns {
		fmt.Println(c.Name, c.Rows, c.Verdict, c.Kinds)
	}
	// Output:
	// USER_ID 4 pseudonymize map[email:1]
	// ITEM_ID 4 clean map[]
}
