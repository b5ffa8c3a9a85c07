package datascan_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/personalizeguard/personalizeguard/datascan"
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

// Malformed CSV is an error that names the row and column, never the data.
func ExampleParseError() {
	const in = "USER_ID,ITEM_ID\nu1,i1\nu2,\"i2\"x\n"
	_, err := datascan.Scan(context.Background(), strings.NewReader(in))
	fmt.Println(err)
	// Output:
	// datascan: row 3, column 2: a character after the closing " of a quoted field
}
