package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12ScanHostileFiles (red12): files a scan can meet by mistake or by
// design. Each fails closed with the status the usage documents, in both
// formats, and no output holds a value of the file. Values: an e-mail, an
// account number, a card, an SSN.
func TestRed12ScanHostileFiles(t *testing.T) {
	values := []string{"jane.doe", "912803456", "4111111111111111", "123456789"}
	files := map[string]string{
		"headerless.csv":      "jane.doe@example.com,i1,1700000000\nu2,i2,1700000060\n",
		"header-value.csv":    "USER_ID,ITEM_ID,acct_912803456\nu1,i1,x\n",
		"header-card.csv":     "USER_ID,ITEM_ID,card_4111111111111111\nu1,i1,x\n",
		"empty.csv":           "",
		"bom-only.csv":        "\xef\xbb\xbf",
		"blank-line.csv":      "USER_ID,ITEM_ID\nu1,i1\n\nu2,i2\n",
		"ragged.csv":          "USER_ID,ITEM_ID\njane.doe@example.com,i1,912803456\n",
		"bare-quote.csv":      "USER_ID,ITEM_ID\njane\"doe@example.com,i1\n",
		"unterminated.csv":    "USER_ID,ITEM_ID\n\"jane.doe@example.com,i1\n",
		"commas.csv":          "USER_ID,ITEM_ID\n" + strings.Repeat(",", 3_000_000) + "\n",
		"giant-quoted.csv":    "USER_ID,ITEM_ID\n\"" + strings.Repeat("912803456 ", 300_000) + "\",i1\n",
		"many-columns.csv":    "USER_ID," + strings.Repeat("A,", 1_000_000) + "B\n",
		"keyword-column.csv":  "USER_ID,ITEM_ID,ACCOUNT_NUMBER,SSN\nu1,i1,912803456,123456789\n",
		"nul-bytes.csv":       "USER_ID,ITEM_ID\nu1\x00jane.doe@example.com,i1\n",
		"utf16.csv":           "\xff\xfeU\x00S\x00E\x00R\x00_\x00I\x00D\x00\n\x00",
		"card-in-user-id.csv": "USER_ID,ITEM_ID\n4111111111111111,i1\n",
	}
	tests := []struct {
		file string
		want int
	}{
		{"headerless.csv", exitError},
		{"header-value.csv", exitError},
		{"header-card.csv", exitError},
		{"empty.csv", exitError},
		{"bom-only.csv", exitError},
		{"blank-line.csv", exitError},
		{"ragged.csv", exitError},
		{"bare-quote.csv", exitError},
		{"unterminated.csv", exitError},
		{"commas.csv", exitError},
		{"giant-quoted.csv", exitError},
		{"many-columns.csv", exitError},
		{"keyword-column.csv", exitFindings},
		{"nul-bytes.csv", exitFindings},
		{"utf16.csv", exitError},
		{"card-in-user-id.csv", exitFindings},
		{"a-directory", exitError},
		{"a-dangling-link", exitError},
		{"/dev/zero", exitError},
	}
	for _, format := range []string{"table", "json"} {
		for _, tt := range tests {
			t.Run(format+"/"+tt.file, func(t *testing.T) {
				e := newEnv(t)
				for name, content := range files {
					e.write(t, name, content, 0o644)
				}
				if err := os.Mkdir(filepath.Join(e.dir, "a-directory"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join(e.dir, "nowhere"), filepath.Join(e.dir, "a-dangling-link")); err != nil {
					t.Fatal(err)
				}
				path := tt.file
				if !filepath.IsAbs(path) {
					path = "$DIR/" + path
				}
				code := e.run("scan", "-format", format, path)
				output := e.output(true)
				echoed := holding(output, values)
				type outcome struct {
					Code   int
					Echoed []string
				}
				if diff := cmp.Diff(outcome{tt.want, nil}, outcome{code, echoed}); diff != "" {
					t.Errorf("scan -format %s %s (-want +got):\n%s\noutput:\n%.2000s", format, tt.file, diff, output)
				}
			})
		}
	}
}
