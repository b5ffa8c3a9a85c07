package sensitive_test

import (
	"fmt"
	"regexp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

func ExampleDetector_Find() {
	tag := "owner=jane.doe@example.com-2024-11-28"
	for _, f := range sensitive.Default().Find(tag) {
		fmt.Println(f) // a Finding prints its kind and offsets, never the value
	}
	fmt.Println(sensitive.Default().Find("events-2024-11-28-run-000123") == nil)
	// Output:
	// email at [6,26)
	// true
}

func ExampleDetector_First() {
	d := sensitive.Default()
	// A free-form name is checked before it is sent: the finding names the
	// kind and where it is, so an error can say so without the value.
	if f, found := d.First("movies-for-acct-912803456"); found {
		fmt.Println("refused:", f.Kind)
	}
	fmt.Println(d.Contains("movies-2024-11-28"))
	// Output:
	// refused: account-number
	// false
}

func ExampleDetector_Redact() {
	d := sensitive.Default()
	fmt.Println(d.Redact("owner=jane.doe@example.com card 4111 1111 1111 1111 acct-12345678"))
	fmt.Println(d.Redact("solution-v3-20241128T153000Z"))
	// Output:
	// owner=[REDACTED:email] card [REDACTED:credit-card] acct-[REDACTED:account-number]
	// solution-v3-20241128T153000Z
}

func ExampleNew() {
	d, err := sensitive.New(func(o *sensitive.Options) {
		o.Kinds = []sensitive.Kind{sensitive.Email, sensitive.AccountNumber}
		o.AllowList = []string{"personalize-support@example.com"}
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`\bEMP\d{6}\b`)}}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, text := range []string{
		"contact personalize-support@example.com",
		"contact jane@example.com",
		"owner EMP123456",
		"card 4111111111111111", // credit-card is not among the chosen kinds
	} {
		if f, ok := d.First(text); ok {
			fmt.Println(f)
		} else {
			fmt.Println("clean")
		}
	}
	// Output:
	// clean
	// email at [8,24)
	// employee-id at [6,15)
	// clean
}

func ExampleDetector_AppendFind() {
	d := sensitive.Default()
	var fs []sensitive.Finding // reused: once it has grown, scans allocate nothing
	for _, line := range []string{
		"order 1042 paid with 4111 1111 1111 1111",
		"events-2024-11-28-run-000123",
		"call +1 415 555 0132 or mail jane.doe@example.com",
	} {
		fs = d.AppendFind(fs[:0], line)
		fmt.Println(len(fs), fs)
	}
	// Output:
	// 1 [credit-card at [21,40)]
	// 0 []
	// 2 [phone at [5,20) email at [29,49)]
}
