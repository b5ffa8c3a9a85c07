// Package cli is the command-line plumbing the example programs share, so
// that each main.go shows only the library at work: flags that fall back to
// PERSONALIZEGUARD_* variables, -h on stdout with exit status 0, and the AWS
// config for -target aws. It is not part of the library.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Flags is a flag set whose string flags may come from the environment.
type Flags struct {
	*flag.FlagSet
	env map[string]string // flag name → environment variable
}

// NewFlags returns the flags of the program name; usage and footer frame the
// flag list that -h prints.
func NewFlags(name, usage, footer string) *Flags {
	f := &Flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), env: map[string]string{}}
	f.Usage = func() {
		fmt.Fprint(f.Output(), usage)
		f.PrintDefaults()
		fmt.Fprint(f.Output(), footer)
	}
	return f
}

// EnvString defines a string flag that falls back to the environment
// variable key, and names key in its usage.
func (f *Flags) EnvString(name, key, def, usage string) *string {
	f.env[name] = key
	return f.String(name, def, usage+" ($"+key+")")
}

// Parse parses args and fills the flags they left out from their
// environment variables. -h prints the usage on stdout; a mistake prints
// the error and the usage on stderr, with exit status 2 as package flag
// does. done reports that the program should exit with code.
func (f *Flags) Parse(args []string, stdout, stderr io.Writer) (code int, done bool) {
	var msg bytes.Buffer
	f.SetOutput(&msg)
	err := f.FlagSet.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		stdout.Write(msg.Bytes())
		return 0, true
	case err != nil:
		stderr.Write(msg.Bytes())
		return 2, true
	case f.NArg() > 0:
		fmt.Fprintf(stderr, "%s takes no arguments, only flags (see -h)\n", f.Name())
		return 2, true
	}
	given := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	for name, key := range f.env {
		if v := os.Getenv(key); v != "" && !given[name] {
			_ = f.Set(name, v) // a string flag takes any value
		}
	}
	return 0, false
}

// ErrNoRegion says what to do instead of letting the SDK fail on an empty
// Region.
var ErrNoRegion = errors.New("-target aws: no AWS Region is configured; set AWS_REGION (for example AWS_REGION=us-east-1), " +
	"or a region in your AWS profile")

// AWSConfig loads the default config, which reads only the environment and
// the shared files (credentials are fetched lazily, on the first call), and
// refuses to go on without a Region.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	return cfg, nil
}
