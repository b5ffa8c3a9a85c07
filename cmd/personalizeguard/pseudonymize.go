package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

func (c *command) pseudonymize(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("pseudonymize", flag.ContinueOnError)
	keyFile := fs.String("key-file", "", "`FILE` holding the 32 raw bytes of the pseudonym key (mode 0600)")
	keyVersion := fs.Uint("key-version", 1, "`N`, the version of the key: of -key-file, or the configured version -sealed-key must carry (an older sealed key put back is refused)")
	sealedFile := fs.String("sealed-key", "", "`FILE` holding a KMS-sealed pseudonym key (pseudonym.SealedKey as JSON): the production path")
	kmsKeyARN := fs.String("kms-key-arn", "", "`ARN` of the KMS key that sealed -sealed-key; AWS credentials and Region come from the environment")
	schemaFile := fs.String("schema", "", "the dataset's Avro schema `FILE` (default: roles from the header's names)")
	dropList := fs.String("drop", "", "comma-separated `COLUMNS` to leave out of OUT")
	dropFlagged := fs.Bool("drop-flagged", false, "scan IN first and leave out every non-identifier column that holds identifying values")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: personalizeguard pseudonymize (-key-file FILE | -sealed-key FILE -kms-key-arn ARN) [-key-version N]\n"+
			"                                    [-schema FILE] [-drop COL,...] [-drop-flagged] IN OUT\n\n"+
			"Writes IN to OUT with USER_ID and SESSION_ID replaced by keyed pseudonyms, the ones the guarded\n"+
			"data-plane clients send. A kept column holding identifying values makes it refuse (exit status 1)\n"+
			"and write nothing.\n\n")
		fs.PrintDefaults()
	}
	if code, done := c.parse(fs, args); done {
		return code
	}
	switch {
	case fs.NArg() != 2:
		return c.usageError(fs, "want IN and OUT, got %d arguments", fs.NArg())
	case (*keyFile == "") == (*sealedFile == ""):
		return c.usageError(fs, "give exactly one of -key-file and -sealed-key")
	case *sealedFile != "" && *kmsKeyARN == "":
		return c.usageError(fs, "-sealed-key needs -kms-key-arn: the KMS key is taken from the configuration, not from the sealed key")
	case *keyFile != "" && *kmsKeyARN != "":
		return c.usageError(fs, "-kms-key-arn goes with -sealed-key")
	case *keyVersion < 1 || *keyVersion > 1<<32-1:
		return c.usageError(fs, "-key-version must be between 1 and 4294967295")
	}
	in, out := fs.Arg(0), fs.Arg(1)
	if strings.HasPrefix(in, "s3://") || strings.HasPrefix(out, "s3://") {
		return c.usageError(fs, "s3:// sources are not supported yet; copy the object locally (aws s3 cp)")
	}
	if sameFile(in, out) {
		return c.usageError(fs, "IN and OUT are the same file")
	}
	if st, err := os.Lstat(out); err == nil && !st.Mode().IsRegular() {
		// OUT is renamed over, not written through: a link, a FIFO or a
		// device (/dev/null, run as root) would be replaced by the file.
		return c.usageError(fs, "OUT exists and is not a regular file (a link, a device, a FIFO or a directory)")
	}
	var drop []string
	for _, name := range strings.Split(*dropList, ",") {
		if name = strings.TrimSpace(name); name != "" {
			drop = append(drop, name)
		}
	}

	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "personalizeguard pseudonymize: %s\n", printable(err.Error()))
		return exitError
	}
	schema, err := readSchema(*schemaFile)
	if err != nil {
		return fail(err)
	}
	var key *pseudonym.Key
	if *keyFile != "" {
		key, err = readKeyFile(*keyFile, uint32(*keyVersion))
	} else {
		key, err = c.loadSealedKey(ctx, *sealedFile, *kmsKeyARN, uint32(*keyVersion))
	}
	if err != nil {
		return fail(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		return fail(err)
	}

	if *dropFlagged {
		flagged, err := flaggedColumns(ctx, in, schema)
		if err != nil {
			return fail(err)
		}
		drop = append(drop, flagged...)
	}
	prog := c.newProgress([]int64{fileTarget(in).size})
	rep, err := rewriteFile(ctx, in, out, p, func(o *datascan.Options) {
		o.Schema, o.Resource, o.Drop = schema, shownName(in), drop
		o.Progress = func(d datascan.Progress) { prog.update(0, d) }
	})
	prog.done()
	var refused *datascan.RefusedError
	if errors.As(err, &refused) {
		fmt.Fprintf(c.stderr, "personalizeguard pseudonymize: %v\nnothing written", err)
		if droppable := refused.Report.FlaggedColumns(); len(droppable) > 0 {
			fmt.Fprintf(c.stderr, "; rerun with -drop-flagged or -drop %s", strings.Join(droppable, ","))
		}
		if len(refused.Report.FlaggedColumns()) < len(refused.Columns) {
			fmt.Fprint(c.stderr, "; item IDs must be catalogue IDs: fix them at the source")
		}
		fmt.Fprintln(c.stderr)
		return exitFindings
	}
	if err != nil {
		return fail(err)
	}
	var done, dropped []string
	for _, col := range rep.Columns {
		switch {
		case col.Dropped:
			dropped = append(dropped, col.Name)
		case col.Pseudonymized:
			done = append(done, col.Name)
		}
	}
	fmt.Fprintf(c.stdout, "%s: %d rows; pseudonymised %s with key version %d; dropped %s\n",
		shownName(out), rep.Rows, dash(strings.Join(done, ", ")), p.KeyVersion(), dash(strings.Join(dropped, ", ")))
	return exitOK
}

func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// readKeyFile reads a raw 32-byte key, refusing a file that others can read
// (as ssh does for private keys) or whose bytes NewKey refuses (text, a
// pattern), and wiping its copy of the bytes.
func readKeyFile(name string, version uint32) (*pseudonym.Key, error) {
	shown := shownName(name)
	f, err := os.Open(name)
	if err != nil {
		return nil, shownPathError(err, shown)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, shownPathError(err, shown)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: a key file must be readable by its owner only (chmod 600 %s)", shown, shown)
	}
	raw := make([]byte, pseudonym.KeySize+1)
	defer clear(raw)
	n, err := io.ReadFull(f, raw)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: %w", shown, shownPathError(err, shown))
	}
	if n != pseudonym.KeySize {
		return nil, fmt.Errorf("%s: a key file holds exactly %d raw bytes", shown, pseudonym.KeySize)
	}
	key, err := pseudonym.NewKey(version, raw[:n])
	var ae *pseudonym.ArgumentError
	if errors.As(err, &ae) && ae.Field == "key" {
		// The reason names the rule the bytes break ("holds text ..."), never
		// the bytes: said of the file, it tells the user what to fix.
		return nil, fmt.Errorf("%s: the key file %s (head -c 32 /dev/urandom > FILE makes one; or use -sealed-key)", shown, ae.Reason)
	}
	return key, err
}

// loadSealedKey decrypts a sealed key with KMS, under the key and at the
// version the caller named.
func (c *command) loadSealedKey(ctx context.Context, name, kmsKeyARN string, version uint32) (*pseudonym.Key, error) {
	b, err := readSmall(name, maxSealedKeyFile)
	if err != nil {
		return nil, err
	}
	var sealed pseudonym.SealedKey
	if err := json.Unmarshal(b, &sealed); err != nil {
		return nil, fmt.Errorf("%s: not a sealed pseudonym key (JSON)", shownName(name))
	}
	cfg, err := c.awsConfig(ctx, "")
	if err != nil {
		return nil, err
	}
	return pseudonym.LoadKey(ctx, kms.NewFromConfig(cfg), kmsKeyARN, version, &sealed)
}

func flaggedColumns(ctx context.Context, name string, schema *datascan.Schema) ([]string, error) {
	shown := shownName(name)
	f, err := os.Open(name)
	if err != nil {
		return nil, shownPathError(err, shown)
	}
	defer f.Close()
	rep, err := datascan.Scan(ctx, f, func(o *datascan.Options) { o.Schema, o.Resource = schema, shown })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	return rep.FlaggedColumns(), nil
}

// rewriteFile writes to a temporary file beside out and renames it only
// once Rewrite has succeeded, so a refused or broken rewrite leaves nothing.
func rewriteFile(ctx context.Context, in, out string, p *pseudonym.Pseudonymizer, optFn func(*datascan.Options)) (*datascan.Report, error) {
	src, err := os.Open(in)
	if err != nil {
		return nil, shownPathError(err, shownName(in))
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp") // mode 0600
	if err != nil {
		return nil, shownOSError(err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	rep, err := datascan.Rewrite(ctx, tmp, src, p, optFn)
	if err != nil {
		tmp.Close()
		if _, ok := err.(*datascan.RefusedError); !ok {
			err = fmt.Errorf("%s: %w", shownName(in), shownOSError(err))
		}
		return rep, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, shownOSError(err)
	}
	if err := tmp.Close(); err != nil {
		return nil, shownOSError(err)
	}
	return rep, shownOSError(os.Rename(tmp.Name(), out))
}

// shownOSError is err with the paths of an *fs.PathError or *os.LinkError
// shown as shownName shows them: the temporary file's name holds OUT's
// directory, which may be named after a customer.
func shownOSError(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return shownPathError(err, shownName(pe.Path))
	case errors.As(err, &le):
		return &os.LinkError{Op: le.Op, Old: shownName(le.Old), New: shownName(le.New), Err: le.Err}
	}
	return err
}
