// Package datascan finds identifying values in Amazon Personalize dataset CSVs
// before they are imported, and rewrites the files with pseudonymous user and
// session IDs.
//
// AWS asks Personalize customers to discover the personal data in the buckets
// they import from. [Scan] reads a dataset CSV from any [io.Reader] in
// constant memory, knows each column's role from the dataset's Avro schema
// ([ParseSchema]) or from the header's reserved names, and reports per column
// the kinds of identifying value package sensitive finds, where the first ones
// are (row and column, never the value) and a [Verdict]:
//
//	rep, err := datascan.Scan(ctx, f, func(o *datascan.Options) { o.Schema = schema })
//	if err != nil {
//		return err // malformed CSV: a *ParseError naming the row
//	}
//	if rep.Blocking() {
//		rep.Posture().WriteTable(os.Stderr)
//	}
//
// The files of one dataset, such as the objects under an S3 prefix that one
// import reads, are scanned one by one and summed with [Merge]. [Rewrite]
// makes its pseudonyms on [Options].Workers goroutines, GOMAXPROCS by default,
// beside the one that reads: an HMAC a row is most of its work when users
// rarely repeat.
//
// # Columns, not cells
//
// A USER_ID or SESSION_ID column holding raw e-mail addresses, phones, cards or
// account numbers gets [VerdictPseudonymize]: the remedy is [Rewrite]. Any
// other column holding identifying values gets [VerdictIdentifying]: the remedy
// is to drop the column ([Options].Drop). Both are blocking.
//
// Card numbers are judged per column. A random number passes for a card when
// it carries a card network's prefix for its length ([sensitive.CardIssuer])
// and passes the Luhn check, one time in ten, so a column of numeric IDs
// yields card findings by chance. When every card finding of a column is a
// bare number (digits alone, the whole cell), the scanner weighs them against
// the column's bare 14–19-digit numbers that carry such a prefix: half or more
// of all its numbers is a card column; fewer, within a 12% rate (IDs are not
// quite uniform) plus three standard deviations, from at least 20 numbers, is
// [VerdictChance] (IDs, not blocking). Numbers of 17–19 digits, which the detector takes for cards
// only after a keyword (signed 64-bit hashes have that many), are given to it
// with one, so that a column of 19-digit cards is found, and count as cards
// only when at least three pass and, when fewer than half pass, more than
// chance gives (also from fewer than 20 numbers). Negative numbers are never cards.
// In a numeric field (int, long, float, double, the timestamps) a number is
// judged as Personalize reads it, without a '+' or leading zeros, and one
// with a fraction or an exponent also as its integer digits and the integer
// a float64 rounds it to, by the keyword's read too: "04111111111111111"
// there is stored as a card, and 123456789.0 in an SSN column is an SSN.
//
// A column whose name is a keyword for the detector (ACCOUNT_NUMBER, SSN,
// PHONE: it finds an account number, a bare SSN or a blank-separated phone
// after the name) has each cell of six digits or forty bytes read after the
// name too, as the guards read a value after the name it is sent under: a
// column of bare nine-digit numbers named SSN is SSNs. Cards are not read so
// (a column named CARD_ID is judged as below, so a bare 13-digit Visa is not
// found in it: as often an EAN-13 barcode). Other columns pay nothing for
// it: the name is asked once. Such a cell is also scanned alone, as any
// other, for its cards; each kind counts once a cell.
//
// A cell holding '&' or '<' is read again as the text it shows as HTML,
// tags and comments removed and entities decoded, as Personalize reads a
// textual field: "john&#64;example.com", or a card's groups joined by
// "&nbsp;" or an inline tag, are found. A tag a browser shows as a break
// (<br>, <p>, <li>, <td>, a block) reads as a line break, as in a quoted
// cell: four-digit values in four table cells are not one card. A
// custom element (<p-x>, <br-x>) is inline, as a browser shows it. A
// tag ends where HTML ends it: a comment at "-->", a tag at its first '>'
// outside a quoted attribute value ("<b title='>'>"); "<?...>" is removed
// as a comment. The content of <script> and <style> is still read.
//
// The limit: real cards can hide among IDs that carry a card network's
// prefix, up to about one in eight of those (more, in a small column, by
// three standard deviations), and the column still gets [VerdictChance]. IDs
// outside every issuer range (a column of IDs that all start with 0, 1 or 7)
// leave no such room (TestCardsHiddenAmongIDs). A column reported as chance
// whose IDs are not random numbers should be checked at its source.
//
// # CSV
//
// The reader follows RFC 4180: fields may be quoted, quoted fields may hold
// commas, doubled quotes and line breaks (kept as written, "\r\n" included);
// records end with "\n" or "\r\n" (the last one may end with neither, or with
// the "\r" of a file cut short); a UTF-8 byte order mark is skipped. A "\r"
// elsewhere in an unquoted field is data. The
// first record is the header, whose names must be Avro names and, without a
// schema, include USER_ID, ITEM_ID or ACTION_ID, as every Personalize dataset
// does (so a file without a header is refused rather than have its first row
// reported as column names; with a schema, every name must be the schema's),
// none holding a value the detector finds ("acct_912803456": names are
// written into every report and output).
// Everything else fails closed with a [*ParseError] giving the row (the header is
// row 1), the line and the column: a '"' inside an unquoted field, text after a
// closing quote, a quote never closed, a row with more or fewer fields than the
// header (a blank line included) and a record over [Options].MaxRecordBytes.
// No row is skipped.
//
// # Never the value
//
// Reports, posture findings and errors give positions, counts and kinds. They
// never hold a cell's value, not even a part of it: they may be logged, stored
// and shown in CI.
package datascan
