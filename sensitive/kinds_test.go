package sensitive

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kindCase is one table case: the text, the values of the given kind that
// must be found (nil: none), and why.
type kindCase struct {
	text   string
	want   []string
	reason string
}

// runKindCases checks, with a detector restricted to kind, that exactly the
// wanted values are found.
func runKindCases(t *testing.T, kind Kind, cases []kindCase) {
	t.Helper()
	d, err := New(kinds(kind))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		var got []string
		for _, f := range d.Find(tc.text) {
			if f.Kind != kind {
				t.Errorf("Find(%q) returned kind %s from a %s-only detector", tc.text, f.Kind, kind)
			}
			got = append(got, tc.text[f.Start:f.End])
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: Find(%q) mismatch (-want +got):\n%s", tc.reason, tc.text, diff)
		}
	}
}

func TestCreditCard(t *testing.T) {
	runKindCases(t, CreditCard, []kindCase{
		{"4111111111111111", []string{"4111111111111111"}, "Visa, Luhn valid"},
		{"4111111111111112", nil, "Luhn fails"},
		{"4222222222222", nil, "13-digit Visa is legacy and collides with EAN-13 barcodes"},
		{"4006669725106", nil, "German EAN-13 barcode that passes Luhn"},
		{"card 4222222222222", []string{"4222222222222"}, "13-digit Visa after a card keyword"},
		{"visa: 4222 2222 2222 2", []string{"4222 2222 2222 2"}, "13-digit Visa, grouped, after a keyword"},
		{"card 4222222222223", nil, "13-digit Visa after a keyword, Luhn fails"},
		{"card 1700000000772", nil, "13 digits after a keyword, but only Visa issues 13"},
		{"ean 4006669725106 card", nil, "the keyword must come before the number"},
		{"122000000000003", nil, "bare UATP is as often a timestamp"},
		{"uatp card 122000000000003", []string{"122000000000003"}, "UATP after a card keyword"},
		{"card 222000000000003", nil, "15 digits after a keyword, but only UATP and Amex issue 15"},
		{"378282246310005", []string{"378282246310005"}, "Amex is 15 digits"},
		{"3782822463100050", nil, "Amex prefix at 16 digits is not issued"},
		{"2223003122003222", []string{"2223003122003222"}, "Mastercard 2-series"},
		{"2220777777777771", nil, "just below the Mastercard 2-series range"},
		{"1732800000123477", nil, "timestamp-like run that passes Luhn: no issuer starts with 1"},
		{"1700000000772", nil, "13-digit ms timestamp that passes Luhn"},
		{"2024112815300075", nil, "compact date-time that passes Luhn: 2024 is not an issuer prefix"},
		{"0000000000000000", nil, "zeros pass Luhn but have no issuer"},
		{"4111 1111 1111 1111", []string{"4111 1111 1111 1111"}, "space grouping"},
		{"4111-1111-1111-1111", []string{"4111-1111-1111-1111"}, "dash grouping"},
		{"4111_1111_1111_1111", []string{"4111_1111_1111_1111"}, "underscore grouping"},
		{"4111-1111 1111-1111", []string{"4111-1111 1111-1111"}, "mixed separators"},
		{"4111 / 1111 / 1111 / 1111", []string{"4111 / 1111 / 1111 / 1111"}, "runs of separators"},
		{"4111:1111:1111:1111", []string{"4111:1111:1111:1111"}, "colons"},
		{"4111+1111+1111+1111", []string{"4111+1111+1111+1111"}, "plus signs"},
		{"4111.1111.1111.1111", []string{"4111.1111.1111.1111"}, "dots"},
		{"4539=7036=9258=1474", []string{"4539=7036=9258=1474"}, "equals signs, as a tag's value allows"},
		{"note = 4539=7036=9258=1474", []string{"4539=7036=9258=1474"}, "equals signs after a name"},
		{"x=4539=7036=9258=1474&y=1", nil, "equals signs after a name and '=': a config line's chain (det20)"},
		{"card=4539=7036=9258=1474&y=1", []string{"4539=7036=9258=1474"}, "equals signs after a card keyword and '='"},
		{"3782=822463=10005", []string{"3782=822463=10005"}, "Amex 4-6-5 by equals signs"},
		{"4539=7036 9258-1474", []string{"4539=7036 9258-1474"}, "an equals sign among other separators (det20)"},
		{"4539 7036=9258=1474", []string{"4539 7036=9258=1474"}, "equals signs after another separator (det20)"},
		{"4539=7036=9258=1474 2025", []string{"4539=7036=9258=1474"}, "equals signs, then a number after a blank"},
		{"4539 = 7036 = 9258 = 1474", nil, "a name joined to its value is no card's group"},
		{"4539==7036==9258==1474", nil, "equals signs in runs"},
		{"1=4539=7036=9258=1474", nil, "inside a longer number grouped by equals signs"},
		{"4539=7036=9258=1474=2025", nil, "a longer number grouped by equals signs"},
		{"4539=7036=9258=1475", nil, "equals signs, Luhn fails"},
		{"a=1234=5678=9012=3456", nil, "equals signs, no issuer"},
		{"-3953814578718096702", nil, "a signed 64-bit ID"},
		{"id,-4111111111111111", nil, "a signed number in CSV"},
		{"6205500000000000004", nil, "a bare 19-digit run needs a card keyword"},
		{"unionpay 6205500000000000004", []string{"6205500000000000004"}, "19 digits after a card keyword"},
		{"6205 5000 0000 0000 004", []string{"6205 5000 0000 0000 004"}, "19 digits grouped as a card"},
		{"RS35 2600 0560 1001 6113 70", nil, "a card-shaped run inside a longer grouped number"},
		{"4.111111111111111e15", []string{"4.111111111111111e15"}, "JSON exponent form"},
		{"4.111111111111111E+15", []string{"4.111111111111111E+15"}, "JSON exponent form, sign"},
		{"4111111111111111.0", []string{"4111111111111111.0"}, "JSON decimal form"},
		{"4.2e15", nil, "short mantissa: a float, not a card"},
		{"9fceb02d4111111111111111", nil, "digits inside a hexadecimal digest"},
		{"2200000000000004", []string{"2200000000000004"}, "Mir"},
		{"6771798021000008", []string{"6771798021000008"}, "Maestro/Laser 6771"},
		{"5019717010103742", []string{"5019717010103742"}, "Dankort"},
		{"6521000000000007", []string{"6521000000000007"}, "RuPay 65"},
		{"8171999927660000", []string{"8171999927660000"}, "UnionPay 81"},
		{"9792000000000003", []string{"9792000000000003"}, "Troy"},
		{"4111-1111-1111-1111-1111", nil, "a longer dashed number"},
		{"4111 1111 1111 1111 2027", []string{"4111 1111 1111 1111"}, "longest valid prefix before an unrelated number"},
		{"3782 822463 10005", []string{"3782 822463 10005"}, "Amex 4-6-5"},
		{"41 11 11 11 11 11 11 11", nil, "pairs are not a card grouping"},
		{"1.4111111111111111", nil, "decimal"},
		{"4111111111111111.5", nil, "decimal"},
		{"order-2024-4111111111111111", []string{"4111111111111111"}, "field separators in a name"},
		{"pay4111111111111111", []string{"4111111111111111"}, "glued to a word"},
		{"4111111111111111 5555555555554444", []string{"4111111111111111", "5555555555554444"}, "two cards"},
	})
}

func TestSSN(t *testing.T) {
	runKindCases(t, SSN, []kindCase{
		{"123-45-6789", []string{"123-45-6789"}, "dashed"},
		{"123 45 6789", []string{"123 45 6789"}, "spaced"},
		{"123-45 6789", []string{"123-45 6789"}, "mixed separators"},
		{"123 / 45 / 6789", []string{"123 / 45 / 6789"}, "runs of separators"},
		{"123_45_6789", []string{"123_45_6789"}, "underscores"},
		{"123:45:6789", []string{"123:45:6789"}, "colons"},
		{"social security number 536221234", []string{"536221234"}, "the long keyword"},
		{"000-45-6789", nil, "area 000"},
		{"666-45-6789", nil, "area 666"},
		{"912-45-6789", nil, "area 9xx"},
		{"123-00-6789", nil, "group 00"},
		{"123-45-0000", nil, "serial 0000"},
		{"123456789", nil, "bare digits need a keyword"},
		{"ssn 123456789", []string{"123456789"}, "keyword and bare digits"},
		{"SSN#123456789", []string{"123456789"}, "keyword, hash"},
		{"customerSSN=123456789", []string{"123456789"}, "camelCase keyword"},
		{"classn 123456789", nil, "keyword inside a word"},
		{"TIN: 123456789", []string{"123456789"}, "a taxpayer ID's keyword (red12)"},
		{"tax id 123456789", []string{"123456789"}, "tax before an ID suffix"},
		{"TAX_ID = 123456789", []string{"123456789"}, "a column name joined to its value"},
		{"taxId=123456789", []string{"123456789"}, "camelCase tax ID"},
		{"tax 123456789", nil, "tax alone: an amount as often"},
		{"tax idea 123456789", nil, "not an ID suffix"},
		{"Austin 123456789", nil, "tin inside a word"},
		{"ssn 1234567890", nil, "ten digits"},
		{"2-123-45-6789", nil, "tail of a longer dashed number"},
		{"123-45-6789-2", nil, "head of a longer dashed number"},
		{"id 123-45-6789.", []string{"123-45-6789"}, "full stop after"},
	})
}

func TestIBAN(t *testing.T) {
	runKindCases(t, IBAN, []kindCase{
		{"DE89370400440532013000", []string{"DE89370400440532013000"}, "compact"},
		{"DE89 3704 0044 0532 0130 00", []string{"DE89 3704 0044 0532 0130 00"}, "grouped"},
		{"de89370400440532013000", []string{"de89370400440532013000"}, "lower case"},
		{"DE89370400440532013001", nil, "checksum fails"},
		{"DE8937040044053201300", nil, "short for Germany"},
		{"DE893704004405320130001", nil, "long for Germany"},
		{"ZZ89370400440532013000", nil, "no such country"},
		{"DE01370400440532013000", nil, "check digits 01 are never issued"},
		{"DE89 37040044 0532013000", []string{"DE89 37040044 0532013000"}, "irregular grouping"},
		{"ES10 0075 0080 11 0600658108", []string{"ES10 0075 0080 11 0600658108"}, "Spanish national grouping"},
		{"NO 19 4920 06 96270", []string{"NO 19 4920 06 96270"}, "Norwegian national grouping"},
		{"DE89-3704-0044-0532-0130-00-7", nil, "a longer dashed sequence"},
		{"DE89-3704-0044-0532-0130-00", []string{"DE89-3704-0044-0532-0130-00"}, "dashes"},
		{"DE89.3704.0044.0532.0130.00", []string{"DE89.3704.0044.0532.0130.00"}, "dots"},
		{"DE89  3704 0044 0532 0130 00", []string{"DE89  3704 0044 0532 0130 00"}, "runs of spaces"},
		{"DE89/3704/0044/0532/0130/00", []string{"DE89/3704/0044/0532/0130/00"}, "slashes"},
		{"DE89 3704 0044 0532 0130 00 and more", []string{"DE89 3704 0044 0532 0130 00"}, "a word after"},
		{"GB82WEST1234569876543A", nil, "passes nothing: letter where the account number has digits"},
		{"DE12ABCD0044053201300F", nil, "letters where Germany's BBAN has digits"},
		{"GB82WEST12345698765432", []string{"GB82WEST12345698765432"}, "letters in the BBAN"},
		{"xGB82WEST12345698765432", nil, "glued to a letter"},
		{"iban:GB82WEST12345698765432.", []string{"GB82WEST12345698765432"}, "after a colon, before a full stop"},
	})
}

func TestEmail(t *testing.T) {
	runKindCases(t, Email, []kindCase{
		{"jane.doe@example.com", []string{"jane.doe@example.com"}, "plain"},
		{"Jane.Doe+tag@Example.CO.UK", []string{"Jane.Doe+tag@Example.CO.UK"}, "case and sub-address"},
		{"jane@example.com.", []string{"jane@example.com"}, "full stop after"},
		{"icon@2x.png", nil, "png is not a top-level domain"},
		{"pkg@1.2.3", nil, "version"},
		{"jane@localhost", nil, "single label"},
		{".jane@example.com", []string{"jane@example.com"}, "a leading dot is punctuation before the address"},
		{"ja..ne@example.com", nil, "double dot"},
		{"jane@exa_mple.com", nil, "underscore in domain"},
		{"jane@-example.com", nil, "label starts with hyphen"},
		{"a@b@example.com", []string{"b@example.com"}, "only the last local part before the domain"},
		{"x@y.z", nil, "one-letter TLD"},
	})
}

func TestPhone(t *testing.T) {
	runKindCases(t, Phone, []kindCase{
		{"+1 (212) 555-0187", []string{"+1 (212) 555-0187"}, "NANP international"},
		{"+12125550187", []string{"+12125550187"}, "E.164"},
		{"phone 2125550187", []string{"2125550187"}, "ten bare digits after a phone keyword (red12)"},
		{"MOBILE = 14155550132", []string{"14155550132"}, "eleven from a 1, after a keyword and a gap"},
		{"mobile number 4155550132", []string{"4155550132"}, "keyword, suffix"},
		{"2125550187", nil, "ten bare digits alone: an ID as often"},
		{"hotel 2125550187", nil, "tel inside a word"},
		{"phone 1125550187", nil, "area code from 1"},
		{"phone 21255501870", nil, "eleven digits not from a 1"},
		{"at 1732800000", nil, "a timestamp"},
		{"+1 212 555 018", nil, "NANP too short"},
		{"+1 112 555 0187", nil, "NANP area code starts with 1"},
		{"+44 20 7946 0958", []string{"+44 20 7946 0958"}, "UK"},
		{"+999 20 7946 0958", nil, "unassigned calling code"},
		{"+0 20 7946 0958", nil, "calling code 0"},
		{"+4930901820", []string{"+4930901820"}, "compact, 10 digits"},
		{"+493090182", nil, "compact, 9 digits is too short to trust"},
		{"(212) 555-0187", []string{"(212) 555-0187"}, "parenthesised area code"},
		{"212-555-0187", []string{"212-555-0187"}, "dashed"},
		{"212.555.0187", []string{"212.555.0187"}, "dotted"},
		{"212-555.0187", []string{"212-555.0187"}, "mixed separators"},
		{"212 / 555 - 0187", []string{"212 / 555 - 0187"}, "runs of separators"},
		{"212_555_0187", []string{"212_555_0187"}, "underscores"},
		{"+49 30/901820", []string{"+49 30/901820"}, "slash after the area code"},
		{"+44_20_7946_0958", []string{"+44_20_7946_0958"}, "underscores, international"},
		{"+44  20  7946  0958", []string{"+44  20  7946  0958"}, "runs of spaces"},
		{"212 555 0187", nil, "space-only grouping is ambiguous"},
		{"call 212 555 0187", []string{"212 555 0187"}, "space-only grouping after a phone keyword"},
		{"Phone: 212 555 0187", []string{"212 555 0187"}, "keyword and colon"},
		{"mobilePhone=212 555 0187", []string{"212 555 0187"}, "keyword closing a longer word"},
		{"phone number is 212 555 0187", []string{"212 555 0187"}, "keyword, suffix and linking word"},
		{"tel 212 555 0187", []string{"212 555 0187"}, "short keyword"},
		{"212 555-0187", nil, "one blank-only separator is ambiguous too"},
		{"fax 212 555-0187", []string{"212 555-0187"}, "one blank-only separator after a keyword"},
		{"hotel 212 555 0187", nil, "tel inside a word is no keyword"},
		{"recall 212 555 0187", nil, "call inside a word is no keyword"},
		{"phone 112 555 0187", nil, "keyword, but the area code breaks NANP rules"},
		{"phone 212 555 01877", nil, "keyword, but the last group is too long"},
		{"phones: 3 of 212 555 0187", nil, "the keyword must stand right before the number"},
		{"020 7946 0958", []string{"020 7946 0958"}, "trunk prefix 0, UK grouping"},
		{"(020) 7031 3000", []string{"(020) 7031 3000"}, "trunk prefix in parentheses"},
		{"01632 960 123", []string{"01632 960 123"}, "five-digit area code"},
		{"tel 030 1234 5678 today", []string{"030 1234 5678"}, "German grouping in prose"},
		{"020 7946 0958 2024", []string{"020 7946 0958"}, "longest valid prefix before an unrelated number"},
		{"020 7946 09", nil, "trunk prefix, too few digits"},
		{"0012 3456 7890", nil, "00 is an international prefix, not a trunk prefix"},
		{"012-345-6789", nil, "dashed 3-3-4 is the North American layout, where 0 starts no area code"},
		{"012 345 6789", []string{"012 345 6789"}, "the documented cost of the trunk rule: spaced, it reads as a phone"},
		{"09-7625400", nil, "trunk prefix grouped 2-7"},
		{"RS35 0260 0560 1001", nil, "a group inside a longer grouped number"},
		{"x020 7946 0958", nil, "glued to a word"},
		{"(020)7031 3000", nil, "no space after the parenthesis"},
		{"+1 650 GOO OGLE", []string{"+1 650 GOO OGLE"}, "vanity letters"},
		{"+1-800-FLOWERS", []string{"+1-800-FLOWERS"}, "vanity word"},
		{"+1 (800) FLOWERS now", []string{"+1 (800) FLOWERS"}, "vanity word after a parenthesised area code"},
		{"+1-800-CONTACTS", nil, "vanity word longer than the number"},
		{"+1 650 Goo Ogle", nil, "vanity letters are printed in capitals"},
		{"+1 650 111 OGLE", nil, "vanity exchange that breaks NANP rules"},
		{"+44 20 GOO OGLE", nil, "vanity letters only in North American numbers"},
		{"2125550187", nil, "bare digits"},
		{"2024-11-28", nil, "date"},
		{"15:30:45", nil, "time"},
		{"+05:30", nil, "zone offset"},
		{"3e+12345678901", nil, "exponent"},
		{"1-800-555-0199", []string{"1-800-555-0199"}, "trunk prefix"},
		{"9-800-555-0199", nil, "part of a longer dashed number"},
	})
}

func TestAWSAccessKey(t *testing.T) {
	runKindCases(t, AWSAccessKey, []kindCase{
		{"AKIAIOSFODNN7EXAMPLE", []string{"AKIAIOSFODNN7EXAMPLE"}, "long-term key"},
		{"userAKIAIOSFODNN7EXAMPLE", []string{"AKIAIOSFODNN7EXAMPLE"}, "glued to a lower-case word"},
		{"XAKIAIOSFODNN7EXAMPLE", nil, "inside an upper-case token"},
		{"ASIAZYEX3RDRGDSJPR3U", []string{"ASIAZYEX3RDRGDSJPR3U"}, "temporary key"},
		{"AIDAIOSFODNN7EXAMPLE", nil, "user ID prefix"},
		{"AKIAIOSFODNN8EXAMPLE", nil, "8 is not base32"},
		{"AKIAIOSFODNN7EXAMPL", nil, "19 characters"},
		{"AKIAIOSFODNN7EXAMPLEA", nil, "21 characters"},
		{"id=AKIAIOSFODNN7EXAMPLE;", []string{"AKIAIOSFODNN7EXAMPLE"}, "punctuation around"},
	})
}

func TestAWSSecretKey(t *testing.T) {
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	runKindCases(t, AWSSecretKey, []kindCase{
		{"aws_secret_access_key=" + key, []string{key}, "credentials file"},
		{"secret " + key, []string{key}, "keyword and space"},
		{key, nil, "no keyword"},
		{"secret\n" + key, nil, "keyword on the previous line"},
		{"secret=" + key + "=", nil, "base64 padding after: part of a longer blob"},
		{"secret=x" + key, nil, "base64 neighbour before"},
		{"secret=0123456789abcdef0123456789abcdef01234567", nil, "hex: no upper case"},
		{"secret=PersonalizeInteractionsDatasetImport2024", nil, "words: low entropy"},
		{"AKIAIOSFODNN7EXAMPLE:" + key, []string{key}, "paired with an access key ID"},
		{"[REDACTED:aws-secret-key] " + key, nil, "a redaction marker is not a keyword"},
	})
}

func TestAccountNumber(t *testing.T) {
	runKindCases(t, AccountNumber, []kindCase{
		{"acct-12345678", []string{"12345678"}, "acct dash"},
		{"account number is 912803456", []string{"912803456"}, "prose with a linking word"},
		{"account no. is: 912803456", []string{"912803456"}, "abbreviation, linking word and colon"},
		{"acct #: 912803456", []string{"912803456"}, "hash and colon"},
		{"account 1234-5678-9012", []string{"1234-5678-9012"}, "groups joined by dashes"},
		{"account 55443322-2024", []string{"55443322"}, "a whole number, then another field"},
		{"acct 912 803 456", []string{"912 803 456"}, "groups joined by spaces"},
		{"ACCOUNT_NUMBER = 912 803 456", []string{"912 803 456"}, "a keyword column's cell"},
		{"account no. 12345 678", []string{"12345 678"}, "two groups"},
		{"acct@bank = 912803456", []string{"912803456"}, "a keyword qualified by '@' and a word, as a tag's key"},
		{"acct@bank: 912803456", []string{"912803456"}, "qualified, then a colon and a space"},
		{"account_no@chase = 912803456", []string{"912803456"}, "qualified after a suffix"},
		{"acct@bank=912803456", []string{"912803456"}, "qualified, one gap byte (det20)"},
		{"acct@" + strings.Repeat("b", 25) + "=912803456", nil, "qualified, one gap byte, a qualifier of more than 24 characters"},
		{"acct@bank912803456", nil, "digits glued to the qualifier are its own"},
		{"acct@1bank = 912803456", nil, "a qualifier starts with a letter"},
		{"jane@bank = 912803456", nil, "no keyword before '@'"},
		{"acct@" + strings.Repeat("b", 25) + " = 912803456", nil, "a qualifier of more than 24 characters"},
		{"[REDACTED:account-number]@bank = 912803456", nil, "a redaction marker is not a keyword"},
		{"acct 912 803 456 7", []string{"912 803 456"}, "a lone digit after the groups is another field"},
		{"acct 912 803 456 items", []string{"912 803 456"}, "a word after the groups"},
		{"acct 1 234 567", nil, "a lone digit first is a count"},
		{"acct 12 345 678", nil, "a first group of two digits"},
		{"account no 19 4920 0696 270", nil, "an IBAN's groups after the suffix no"},
		{"acct 12 3456789", nil, "a whole number after a group is another field"},
		{"acct 123 45", nil, "five digits in groups"},
		{"acct  912 803 456", []string{"912 803 456"}, "two spaces before, one between"},
		{"acct 912  803  456", nil, "groups joined by more than one space"},
		{"acct 912\t803\t456", nil, "groups joined by tabs"},
		{"accounts 12 34 56 78 90 12 34 56 78", nil, "eighteen digits in groups"},
		{"account 912 803 456.78", nil, "an amount in groups"},
		{`{"account_number": 9.12803456e8}`, []string{"9.12803456e8"}, "JSON exponent form"},
		{`{"account_number": 912803456.0}`, []string{"912803456.0"}, "JSON decimal form"},
		{`{"account_balance": 1.5e3}`, nil, "an amount, not an account number"},
		{"account_no_00123456", []string{"00123456"}, "account_no"},
		{"bank-account-987654321", []string{"987654321"}, "bank-account"},
		{"customer account 12345678", []string{"12345678"}, "prose"},
		{"AccountNumber=12345678", []string{"12345678"}, "CamelCase"},
		{"ACCOUNT NO: 12345678", []string{"12345678"}, "upper case"},
		{"account-12345", nil, "five digits"},
		{"account-123456789012345678", nil, "eighteen digits"},
		{"account-level-12345678", nil, "another word in between"},
		{"accuracy-12345678", nil, "not a keyword"},
		{"arn:aws:iam::111122223333:role/x", nil, "AWS account ID in an ARN"},
		{"account:111122223333", []string{"111122223333"}, "AWS account ID after the keyword"},
		{"acct 1234567.89", nil, "decimal amount"},
		{"account 12345678abc", nil, "glued to letters"},
		{"[REDACTED:account-number] 12345678", nil, "a redaction marker is not a keyword"},
		// Random hex IDs (UUIDs, X-Ray trace IDs) spell "acc" and digits by
		// chance: about 4 UUIDs in 100,000 were read as account numbers,
		// and an event ID or a trace header refused for it.
		{"5acc46e6-acc2-4eb0-a3d1-e535adf9d522", nil, "hex: acc glued after a digit"},
		{"d0803acc84e4", nil, "hex: acc glued after a digit, then digits"},
		{"Root=1-6b0cb639-354eaba26c4692acc2008108", nil, "X-Ray trace ID"},
		{"acc690e7-d470-4ebe-b181-49e558b19c1d", nil, "hex: an exponent form glued to the keyword is no JSON number"},
		{"acc978e6-221d-48b4-a0fc-f2f8a708b6cd", nil, "hex: the same, shorter"},
		{"acc 9.12803456e8", []string{"9.12803456e8"}, "an exponent form after a gap still counts"},
	})
}

func TestURLCredentials(t *testing.T) {
	runKindCases(t, URLCredentials, []kindCase{
		{"https://user:pass@example.com/", []string{"user:pass"}, "userinfo"},
		{"https://user@example.com/", nil, "no password"},
		{"https://user:@example.com/", nil, "empty password"},
		{"https://example.com:8443/a@b", nil, "port, '@' in the path"},
		{"https://example.com/?X-Amz-Signature=abc&X-Amz-Date=1", []string{"abc"}, "signature"},
		{"https://example.com/?x-amz-credential=AKID%2F2024", []string{"AKID%2F2024"}, "case-insensitive name"},
		{"https://example.com/?a=1&sig=abc#frag", []string{"abc"}, "sig before a fragment"},
		{"https://example.com/#access_token=abc", []string{"abc"}, "fragment parameter"},
		{"https://example.com/?NextToken=abc", nil, "pagination token"},
		{"https://example.com/?mytoken=abc", nil, "name must match whole"},
		{"https://example.com/?token=", nil, "empty value"},
		{"https://example.com/?token=abc.", []string{"abc"}, "trailing punctuation"},
		{"token=abc", nil, "not in a URL"},
		{"bucket.s3.amazonaws.com/key?X-Amz-Signature=abc123", []string{"abc123"}, "presigned URL without a scheme"},
		{"key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F2024&X-Amz-Signature=ff00.", []string{"AKID%2F2024", "ff00"}, "two parameters, trailing full stop"},
		{"storage.googleapis.com/b/o?X-Goog-Signature=abc", []string{"abc"}, "GCS without a scheme"},
		{"see ?token=abc", nil, "generic names need a scheme"},
		{"X-Amz-Signature=abc", nil, "no query string"},
		{"https://b.example/k?X-Amz-Signature=abc", []string{"abc"}, "with a scheme, reported once"},
		{"see (https://example.com/?token=abc) now", []string{"abc"}, "parenthesised URL"},
		{"https://a.example/?token=x https://b.example/?sig=y", []string{"x", "y"}, "two URLs"},
		{"https://example.com/?token=[REDACTED:url-credentials]", nil, "a redaction marker ends the URL"},
	})
}

// TestKeywordWords checks every keyword, suffix and linking word in the
// shapes keywordBefore reads, so that the two-letter ending filter in front
// of it never drops one.
func TestKeywordWords(t *testing.T) {
	var cases []kindCase
	for _, k := range []string{"account", "accounts", "acct", "accts", "acc", "bankaccount", "AccountNumber"} {
		cases = append(cases, kindCase{k + " 12345678", []string{"12345678"}, "keyword " + k})
	}
	for _, w := range []string{"number", "num", "nbr", "no", "nr", "id", "NUMBER", "No."} {
		cases = append(cases, kindCase{"account " + w + " 12345678", []string{"12345678"}, "suffix " + w})
	}
	for _, w := range []string{"is", "was", "are", "of", "equals", "IS"} {
		cases = append(cases, kindCase{"account number " + w + " 12345678", []string{"12345678"}, "linking word " + w})
	}
	runKindCases(t, AccountNumber, cases)
	var ssn []kindCase
	for _, k := range []string{"ssn", "SSN", "social security", "social_security", "SocialSecurity", "ssn no", "ssn is", "social security number is"} {
		ssn = append(ssn, kindCase{k + " 536221234", []string{"536221234"}, "keyword " + k})
	}
	runKindCases(t, SSN, ssn)
}
