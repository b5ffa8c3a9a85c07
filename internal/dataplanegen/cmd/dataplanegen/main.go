// Command dataplanegen writes a data-plane client's table_gen.go and
// testdata/fields.golden from the embedded API model (see package
// internal/dataplanegen). Run it with go generate.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/personalizeguard/personalizeguard/internal/dataplanegen"
)

func main() {
	model := flag.String("model", "", "embedded model, e.g. personalize-runtime-2018-05-22.json")
	pkg := flag.String("package", "", "package of the output file")
	flag.Parse()
	src, golden, err := dataplanegen.Generate(*model, *pkg)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("table_gen.go", src, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "fields.golden"), golden, 0o644); err != nil {
		log.Fatal(err)
	}
}
