package personalize

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// The import scan runs inside the bucket posture step, after the bucket and
// the source objects passed: only then does the guard read the data, through
// its own hardened S3 client. It samples the source (one object, or objects
// the first and last of a prefix's listing and the rest drawn at random, the folder's
// own files and its sub folders' each given a share: spreadLevels), scans what it read with datascan
// against the dataset's own schema, and refuses the import when a column is
// blocking, in an object or over the objects read together (datascan.Merge). Results are cached per object version (bucket, key, ETag) and
// schema; a read or a scan that cannot run refuses.

// Import scan bounds.
const (
	DefaultImportScanBytes   = 8 << 20 // per import, shared by the sampled objects
	DefaultImportScanObjects = 8       // per import
	// maxImportScanListKeys bounds the listing of a prefix the sample is
	// spread over (ten ListObjectsV2 pages).
	maxImportScanListKeys = 10_000
	// maxImportScanListPages bounds its round trips: S3 fills its pages,
	// an endpoint that sends empty or one-key pages would otherwise be
	// listed until the check's timeout.
	maxImportScanListPages = 10
	// minObjectScanBytes keeps each sampled object's share large enough to
	// hold a header and some rows.
	minObjectScanBytes = 64 << 10
)

// ImportReadAPIClient is what the import scan needs from S3 besides the
// posture reads: the object listing, the object's metadata (its ETag) and
// its bytes. *s3.Client satisfies it.
type ImportReadAPIClient interface {
	s3guard.ObjectAPIClient
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// SchemaAPIClient is what the import scan needs from Personalize to read a
// dataset's schema. *personalize.Client satisfies it.
type SchemaAPIClient interface {
	DescribeSchema(context.Context, *sdk.DescribeSchemaInput, ...func(*sdk.Options)) (*sdk.DescribeSchemaOutput, error)
}

// datasetInfo is what DescribeDataset and DescribeDatasetGroup tell the
// guard about a dataset.
type datasetInfo struct {
	groupKey string // the dataset group's KMS key ARN, "" when none
	// groupKeyARN is groupKey parsed and written as kms.KeyARN.String
	// does, "" when it is no key ARN.
	groupKeyARN string
	// groupKind and groupName are groupResource of the dataset's ARN.
	groupKind, groupName string
	// groupSource is the group's aws:SourceArn as checkInput writes it
	// for the configured key and role (settings.groupSource and
	// groupName), joined once when the dataset was described rather than
	// on every import; "" when checkInput would write none.
	groupSource string
	schemaARN   string
}

// scanKey is one version of one object, scanned against one schema with one
// byte budget.
type scanKey struct {
	bucket, key, etag, schema string
	limit                     int64
}

// importScanner is the guard's import scan state: nil when the scan is off.
type importScanner struct {
	s3      ImportReadAPIClient
	schemas SchemaAPIClient
	parsed  *checkcache.Cache[string, *datascan.Schema]
	objects *checkcache.Cache[scanKey, *datascan.Report] // shared: never modified
}

// sourceObject is one object of an import source to scan.
type sourceObject struct {
	key, etag string
	size      int64
}

// scanImport reads and scans src, the source of an import into datasetARN;
// st is the call's state.
func (g *Guard) scanImport(ctx context.Context, st *callState, field, datasetARN string, src *importSource) error {
	loc := src.loc
	op := opName(ctx, st)
	info, ok, err := g.datasetInfo(ctx, st, datasetARN)
	if !ok {
		return err
	}
	failed := func(reason string, err error) error {
		return g.violation(ctx, st, &SafeguardError{Operation: op, Field: field, Rule: RuleImportScanFailed, Reason: reason, Err: err})
	}
	if info.schemaARN == "" {
		return failed("the dataset has no schema to scan its import against", nil)
	}
	schema, _, err := g.scan.parsed.Do(ctx, info.schemaARN, func(ctx context.Context) (*datascan.Schema, error) {
		out, err := g.scan.schemas.DescribeSchema(ctx, &sdk.DescribeSchemaInput{SchemaArn: &info.schemaARN})
		if err != nil {
			return nil, err
		}
		if out.Schema == nil || out.Schema.Schema == nil {
			return nil, errors.New("DescribeSchema returned no schema")
		}
		return datascan.ParseSchema([]byte(*out.Schema.Schema))
	})
	if err != nil {
		return failed("the dataset's schema could not be read (needs personalize:DescribeSchema), so the guard cannot scan the import and refuses it", err)
	}
	if s3guard.DecodeKey(loc.Key) != loc.Key {
		// "a%2Fb.csv" names another object once decoded ("a/b.csv"): the
		// guard cannot tell which one the import reads, so it scans neither.
		return failed("the import source's key holds %XX escapes, so the object the guard would scan may not be the one imported; name it without escapes", nil)
	}
	objs, truncated, err := g.importObjects(ctx, src)
	if err != nil {
		return failed("the import source could not be listed, so the guard cannot scan it and refuses it", err)
	}
	switch {
	case len(objs) == 0 && truncated:
		// The data lies past the listing's bound, and the object check,
		// cached from an earlier listing or its finding ignored, need not
		// say so: nothing scanned is no pass.
		return failed("the first keys of the import source are all folder markers or empty objects, so the guard scanned nothing and refuses it; point the import at the folder that holds the data files", nil)
	case len(objs) == 0:
		return nil // nothing to read: the object posture check reports an empty source
	}
	shares := scanShares(objs, g.s.importScanBytes)
	var findings []posture.Finding
	reps := make([]*datascan.Report, 0, len(objs))
	for i, o := range objs {
		if o.etag == "" {
			// The ETag names the version scanned, in the cache and in the
			// read's If-Match: without it a clean result would pass any
			// later content of the key.
			return failed("S3 gave no ETag for an object of the import source, so the guard cannot tell which version it scans and refuses it", nil)
		}
		if o.size < 0 {
			// S3 always says; a store that does not would otherwise have
			// its objects read as empty, so scanned not at all.
			return failed("S3 gave no size for an object of the import source, so the guard cannot bound its read and refuses it", nil)
		}
		k := scanKey{bucket: loc.Bucket, key: o.key, etag: o.etag, schema: info.schemaARN, limit: shares[i]}
		rep, _, err := g.scan.objects.Do(ctx, k, func(ctx context.Context) (*datascan.Report, error) {
			return g.scanObject(ctx, k, o.size, schema)
		})
		if err != nil {
			var ce *s3guard.CheckError
			if errors.As(err, &ce) {
				return failed("the import source could not be read, so the guard cannot scan it and refuses it", err)
			}
			return failed("the import source could not be scanned (malformed CSV, or a header that does not match the dataset's schema), so the guard refuses it", err)
		}
		findings = append(findings, g.blocking(rep.Posture())...)
		reps = append(reps, rep)
	}
	if len(findings) == 0 && len(reps) > 1 {
		// Objects that pass one by one can be blocking together: card
		// numbers split a few to an object are chance in each.
		findings = g.blocking(datascan.Merge(loc.String(), reps...).Posture())
	}
	if len(findings) > 0 {
		return g.violation(ctx, st, &SafeguardError{Operation: op, Field: field, Rule: findings[0].ID,
			Reason: "the import source holds identifying values Personalize must not receive", Findings: findings})
	}
	st.act(actedImportScanned)
	return nil
}

// scanShares splits budget over objs, the bytes to read from each: an
// object smaller than its even share is read whole, and what it leaves goes
// to the larger ones, so that small files beside a large one do not keep
// the large one's later rows unread. Each share is at least
// minObjectScanBytes (or the object's size); an unknown size (-1), which
// scanImport refuses, counts as large.
func scanShares(objs []sourceObject, budget int64) []int64 {
	order := make([]int, len(objs))
	for i := range order {
		order[i] = i
	}
	size := func(i int) int64 {
		if objs[i].size < 0 {
			return math.MaxInt64
		}
		return objs[i].size
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size(a), size(b)) })
	shares := make([]int64, len(objs))
	for n, i := range order {
		even := max(budget/int64(len(objs)-n), minObjectScanBytes)
		shares[i] = min(size(i), even)
		budget = max(budget-shares[i], 0)
	}
	return shares
}

// importSource is the listing of an import's source, read once per check
// with s3guard.ListObjects and shared by the object posture check and the
// scan: for an object, its HeadObject answer; for a prefix, up to
// maxImportScanListKeys keys in up to maxImportScanListPages pages. A
// listing s3guard refuses (keys outside the prefix or listed twice) fails
// both, closed.
type importSource struct {
	s3  ImportReadAPIClient
	loc s3guard.Location
	// mu holds the scan to the listing being read: the object check reads
	// it on the checker's goroutine, which goes on when the caller's
	// context ends first (and, under InsecureReportOnly, the caller goes on
	// to the scan).
	mu   sync.Mutex
	read bool
	l    s3guard.Listing
	objs []sourceObject // l.Objects: those that hold bytes
	err  error          // S3's own error, for s3guard to tell a missing object
}

func (g *Guard) newImportSource(loc s3guard.Location) *importSource {
	return &importSource{s3: g.scan.s3, loc: loc}
}

// list reads the listing the first time it is called, within the check
// that made src; it is an s3guard.ListFunc.
func (src *importSource) list(ctx context.Context) (s3guard.Listing, error) {
	src.mu.Lock()
	defer src.mu.Unlock()
	if !src.read {
		src.read = true
		src.err = src.fetch(ctx)
	}
	return src.l, src.err
}

func (src *importSource) fetch(ctx context.Context) error {
	l, err := s3guard.ListObjects(ctx, src.s3, src.loc, func(o *s3guard.ListOptions) {
		o.MaxListedKeys, o.MaxPages = maxImportScanListKeys, maxImportScanListPages
	})
	if err != nil {
		return err
	}
	src.l = l
	for _, o := range l.Objects {
		size := int64(-1) // unknown: scanImport refuses to read it unbounded
		if o.Size != nil {
			size = *o.Size
		}
		src.objs = append(src.objs, sourceObject{key: o.Key, etag: o.ETag, size: size})
	}
	return nil
}

// importObjects returns the objects of src to scan: the object itself, or
// up to Policy.ImportScanObjects of the prefix's listing (see spread), and
// whether the listing stopped at its bound with keys left.
func (g *Guard) importObjects(ctx context.Context, src *importSource) ([]sourceObject, bool, error) {
	l, err := src.list(ctx)
	if err != nil {
		op, perm := "ListObjectsV2", "s3:ListBucket"
		if !src.loc.IsPrefix() {
			op, perm = "HeadObject", "s3:GetObject"
		}
		return nil, false, &s3guard.CheckError{Operation: op, Permission: perm, Resource: src.loc.Bucket, Err: err}
	}
	if src.loc.IsPrefix() {
		return spreadLevels(src.objs, src.loc.Key, g.s.importScanObjects, rand.IntN), l.Truncated, nil
	}
	return spread(src.objs, g.s.importScanObjects, rand.IntN), l.Truncated, nil
}

// spreadLevels is spread over the listing of a folder whose objects lie both
// in it and in folders under it. AWS documents that an import of a folder
// reads its files, and only of a data deletion job that it reads its sub
// folders too: the folder's own files get half of the n objects (rounded
// up), the deeper ones the rest, each group taking what the other cannot
// use, so that objects one reading never imports cannot dilute the sample
// of the other.
func spreadLevels(objs []sourceObject, prefix string, n int, pick func(int) int) []sourceObject {
	if len(objs) <= n || n < 2 {
		return spread(objs, n, pick)
	}
	var top, deep []sourceObject
	for _, o := range objs {
		if rest, _ := strings.CutPrefix(o.key, prefix); strings.Contains(rest, "/") {
			deep = append(deep, o)
		} else {
			top = append(top, o)
		}
	}
	if len(top) == 0 || len(deep) == 0 {
		return spread(objs, n, pick)
	}
	nt := min(len(top), max((n+1)/2, n-len(deep)))
	chosen := map[string]bool{}
	for _, o := range append(spread(top, nt, pick), spread(deep, n-nt, pick)...) {
		chosen[o.key] = true
	}
	out := make([]sourceObject, 0, n)
	for _, o := range objs {
		if chosen[o.key] {
			out = append(out, o) // in listing order
		}
	}
	return out
}

// spread returns up to n of objs, in listing order: the first and the last
// always, so no place in a listing is out of a sample's reach, and the rest
// drawn at random from between them (pick returns a number in [0, its
// argument)), so which objects a sample reads cannot be known in advance and
// a dirty object cannot be placed where the sample never looks. A sample is
// still not a proof: each import draws again.
func spread(objs []sourceObject, n int, pick func(int) int) []sourceObject {
	if len(objs) <= n {
		return objs
	}
	if n == 1 {
		return []sourceObject{objs[pick(len(objs))]}
	}
	// Floyd's sampling of n-2 distinct positions among the middle ones.
	middle, k := len(objs)-2, n-2
	chosen := make(map[int]bool, k)
	for j := middle - k; j < middle; j++ {
		t := pick(j + 1)
		if chosen[t] {
			t = j
		}
		chosen[t] = true
	}
	out := make([]sourceObject, 0, n)
	out = append(out, objs[0])
	for i := range middle {
		if chosen[i] {
			out = append(out, objs[1+i])
		}
	}
	return append(out, objs[len(objs)-1])
}

// errObjectChanged is a read that returned another version than the one
// listed.
var errObjectChanged = errors.New("the object changed after it was listed (its ETag differs); import again")

// scanObject reads the first k.limit bytes of one object version and scans
// the complete records among them.
func (g *Guard) scanObject(ctx context.Context, k scanKey, size int64, schema *datascan.Schema) (*datascan.Report, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(k.bucket), Key: aws.String(k.key)}
	in.IfMatch = aws.String(k.etag) // the bytes scanned are those of the version cached
	truncated := k.limit < size
	if truncated {
		in.Range = aws.String("bytes=0-" + strconv.FormatInt(k.limit-1, 10))
	}
	out, err := g.scan.s3.GetObject(ctx, in)
	if err != nil {
		return nil, &s3guard.CheckError{Operation: "GetObject", Permission: "s3:GetObject", Resource: k.bucket, Err: err}
	}
	defer out.Body.Close()
	if aws.ToString(out.ETag) != k.etag {
		// An endpoint that ignores If-Match (S3-compatible stores,
		// personalizetest) sent another version: its result, cached
		// under k.etag, would pass the listed version's bytes later.
		return nil, &s3guard.CheckError{Operation: "GetObject", Permission: "s3:GetObject", Resource: k.bucket, Err: errObjectChanged}
	}
	src := io.Reader(io.LimitReader(out.Body, k.limit))
	if truncated {
		src = &wholeRecords{src: src}
	}
	rep, err := datascan.Scan(ctx, src, func(o *datascan.Options) {
		o.Schema, o.Detector = schema, g.s.Detector
		o.Resource = s3guard.ObjectName(k.bucket, k.key, -1, g.s.Detector)
	})
	if err != nil {
		return nil, err
	}
	if truncated && rep.Rows == 0 {
		// The range held the header and no whole record (a first record
		// longer than the range): nothing was judged, which is no pass.
		return nil, errNoRecordInRange
	}
	return rep, nil
}

// errNoRecordInRange is a sample that held no whole data record.
var errNoRecordInRange = errors.New("the bytes read hold no whole record to scan")

// wholeRecords passes on the bytes of src up to its last line break outside
// a quoted field, so that a CSV read with a byte range ends with a complete
// record. It holds back at most one partial record. It reads quotes as
// datascan's CSV reader does: a quote opens a field only at the field's
// start, "" inside a quoted field is a quote, and a bare quote elsewhere
// changes nothing here (datascan refuses it when it reads it). Reading a
// bare quote as the start of a quoted field would hold back, unscanned,
// every record after it.
type wholeRecords struct {
	src      io.Reader
	buf      []byte // read but not yet given out
	ready    int    // buf[:ready] ends with a record
	inQuote  bool   // the quote state at len(buf)
	closed   bool   // the byte before len(buf) closed a quoted field
	midField bool   // len(buf) is inside a field, not at its start
	seen     int64  // bytes of src looked at, for the byte order mark
	scanned  int    // buf[:scanned] has been looked at
	eof      bool
}

// maxHeldRecord bounds the partial record wholeRecords holds back: twice
// datascan's default MaxRecordBytes, since a record's bytes in the file are
// at most twice its unquoted content ("" is one quote).
const maxHeldRecord = 2<<20 + 2

// errHeldRecordTooLong is a record longer than maxHeldRecord in a range.
var errHeldRecordTooLong = fmt.Errorf("a record in the bytes read is longer than the scan takes: %w", datascan.ErrRecordTooLong)

// bom is the UTF-8 byte order mark datascan skips before the header.
const bom = "\xef\xbb\xbf"

func (r *wholeRecords) Read(p []byte) (int, error) {
	for r.ready == 0 {
		if r.eof {
			return 0, io.EOF // the partial record at the end is dropped
		}
		var chunk [32 << 10]byte
		n, err := r.src.Read(chunk[:])
		r.buf = append(r.buf, chunk[:n]...)
		for i := r.scanned; i < len(r.buf); i++ {
			c := r.buf[i]
			r.seen++
			switch {
			case r.seen <= int64(len(bom)) && c == bom[r.seen-1] && !r.midField:
				// The byte order mark does not start the first field.
			case r.inQuote:
				if c == '"' {
					r.inQuote, r.closed = false, true
				}
			case r.closed && c == '"':
				r.inQuote, r.closed = true, false // "" inside a quoted field
			default:
				r.closed = false
				switch c {
				case '"':
					r.inQuote = !r.midField
					r.midField = true
				case ',':
					r.midField = false
				case '\n':
					r.ready, r.midField = i+1, false
				default:
					r.midField = true
				}
			}
		}
		r.scanned = len(r.buf)
		if r.ready == 0 && len(r.buf) > maxHeldRecord {
			// One record longer than datascan reads (a quote that never
			// closes, say): holding it would take memory in proportion to
			// the range, ImportScanBytes, and datascan refuses it anyway.
			return 0, errHeldRecordTooLong
		}
		if err == io.EOF {
			r.eof = true
		} else if err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[:r.ready])
	r.ready -= n
	r.scanned -= n
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}
