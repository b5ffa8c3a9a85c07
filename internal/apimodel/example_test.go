package apimodel_test

import (
	"fmt"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// Walk an operation's input to find the members the model marks sensitive:
// what a guard must never echo.
func ExampleModel_Walk() {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		fmt.Println(err)
		return
	}
	m.Walk(m.Operations["CreateFilter"].Input, func(p apimodel.Path, s *apimodel.Shape) bool {
		if s.Sensitive {
			fmt.Printf("%s (%s, max %v)\n", p, s.Name, *s.Max)
		}
		return true
	})
	// Output:
	// filterExpression (FilterExpression, max 2500)
	// tags[].tagKey (TagKey, max 128)
	// tags[].tagValue (TagValue, max 256)
}

func ExampleAnchoredPattern() {
	fmt.Println(apimodel.AnchoredPattern(`^[a-zA-Z0-9][a-zA-Z0-9\-_]*`))
	fmt.Println(apimodel.AnchoredPattern(`\p{ASCII}{0,1500}`))
	// Output:
	// ^(?:^[a-zA-Z0-9][a-zA-Z0-9\-_]*)$
	// ^(?:(?:[\x00-\x7F]){0,1000}(?:[\x00-\x7F]){0,500})$
}
