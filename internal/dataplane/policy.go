package dataplane

import (
	"crypto/tls"
	"log/slog"
	"slices"
	"strconv"

	"github.com/personalizeguard/personalizeguard/internal/auditlog"
	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/pseudonym"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Policy configures the guard of the data-plane clients (personalizeevents,
// personalizeruntime). The zero value has every safeguard on: TLS 1.2 or
// later over https only, every string of every request checked against the
// API model and scanned for identifying values, a userId or sessionId
// that is an e-mail address, phone, card or account number refused, and
// the AWS account's root credentials refused. One
// Policy serves both clients, so that one customer gets the same pseudonym
// in events and in recommendation requests.
//
// Fields named Insecure… switch a safeguard off. Each says what is lost.
type Policy struct {
	// Pseudonymizer, when set, replaces every userId and sessionId with its
	// keyed pseudonym before the request is serialized (on a copy of the
	// input: the caller's struct is not changed). Without one, identifiers
	// are sent as given, and refused when the detector finds an identifying
	// value in them.
	Pseudonymizer *pseudonym.Pseudonymizer

	// InsecurePublicProperties names the catalogue properties (in the
	// properties JSON of items and actions) whose values are public free
	// text, such as an item's "description": their string values are not
	// scanned, so an e-mail address or card number in one is sent. Every
	// other property value is, and so is a number, object or array under a
	// public name, and every property of users, events and action
	// interactions, which describe people and what they did. Name only
	// properties whose values you publish anyway.
	InsecurePublicProperties []string

	// MinTLSVersion is the lowest TLS version the client negotiates: 0 means
	// tls.VersionTLS12; tls.VersionTLS13 is allowed; anything below 1.2 is a
	// configuration error.
	MinTLSVersion uint16

	// Logger receives one audit event per call. Nil means slog.Default(),
	// as it is at each call: the audit is a safeguard, on unless
	// InsecureNoAuditLog turns it off.
	Logger *slog.Logger

	// Detector judges identifiers and free-form values. Nil means
	// sensitive.Default(). The guard remembers values it found clean
	// (event types, property names, whole properties documents) and does
	// not ask again: see sensitive.Rule.
	Detector *sensitive.Detector

	// STSClient asks STS GetCallerIdentity who the client's credentials
	// stand for, once per access key ID, signing with those credentials.
	// Nil means a client built from the aws.Config given to New or
	// NewGuard, with the same transport rules as the guarded client; a
	// client given here is used as it is.
	STSClient GetCallerIdentityAPIClient

	// InsecureAllowRootCredentials lets the client run with the AWS
	// account's root user's credentials, which are otherwise refused on
	// every call before anything is sent. The root user has every
	// permission and IAM cannot limit it: a leaked or misused key can do
	// anything in the account, including read every event sent.
	InsecureAllowRootCredentials bool

	// InsecureNoAuditLog writes no audit events; it cannot be set with a
	// Logger.
	// AWS's page asks to log API activity: CloudTrail records the calls
	// AWS receives, not those the guard refused or the safeguards that
	// acted, which only these events tell.
	InsecureNoAuditLog bool

	// InsecureReportOnly logs what the field and identity safeguards would
	// refuse instead of refusing it, for a gradual roll-out: each rule a
	// value breaks is logged, an identifying value in a value too long or
	// out of pattern included. Transport rules still refuse, and a
	// Pseudonymizer still replaces identifiers: an
	// identifier on the wire that is not its pseudonym is still refused.
	// Identifying values then reach AWS: use it only to measure. It reports
	// through the audit log, so InsecureNoAuditLog cannot be set with it.
	InsecureReportOnly bool

	// InsecureAllowUnverifiableHTTPClient accepts an HTTPClient whose TLS
	// settings the guard cannot inspect or raise (anything other than
	// *awshttp.BuildableClient or an *http.Client over *http.Transport). The
	// TLS floor is then only checked after each response, when the request
	// has already been sent.
	InsecureAllowUnverifiableHTTPClient bool
}

// GetCallerIdentityAPIClient is what the guard needs from STS to tell who
// the client's credentials stand for. *sts.Client satisfies it.
type GetCallerIdentityAPIClient = callerid.GetCallerIdentityAPIClient

// settings is a validated Policy.
type settings struct {
	Policy
	minTLS uint16
	region string
}

// audit returns the logger of the call's audit event, nil for none: the
// Policy's Logger, or slog.Default() as it is now, so that a program that
// sets its default logger after building its clients gets their events.
func (s *settings) audit() *slog.Logger { return auditlog.Logger(s.Logger, s.InsecureNoAuditLog) }

func (p Policy) validate(region string) (*settings, error) {
	s := &settings{Policy: p, region: region, minTLS: p.MinTLSVersion}
	// The guard keeps its own copy: a caller changing the slice later must
	// not race with calls.
	s.InsecurePublicProperties = slices.Clone(p.InsecurePublicProperties)
	slices.Sort(s.InsecurePublicProperties)
	if region == "" {
		return nil, &guarderr.ConfigError{Field: "aws.Config.Region", Reason: "is empty; the guard holds every call to one Region"}
	}
	switch {
	case s.minTLS == 0:
		s.minTLS = tls.VersionTLS12
	case s.minTLS != tls.VersionTLS12 && s.minTLS != tls.VersionTLS13:
		return nil, &guarderr.ConfigError{Field: "MinTLSVersion", Reason: "must be tls.VersionTLS12 or tls.VersionTLS13; AWS requires TLS 1.2 or later"}
	}
	if p.Pseudonymizer != nil && p.Pseudonymizer.KeyVersion() == 0 {
		// A zero Pseudonymizer makes no pseudonyms: every call with an
		// identifier would fail.
		return nil, &guarderr.ConfigError{Field: "Pseudonymizer", Reason: "is the zero Pseudonymizer; make one with pseudonym.New"}
	}
	if err := auditlog.CheckPolicy(p.Logger, p.InsecureNoAuditLog, p.InsecureReportOnly); err != nil {
		return nil, err
	}
	for i, name := range p.InsecurePublicProperties {
		if name == "" {
			return nil, &guarderr.ConfigError{Field: "InsecurePublicProperties[" + strconv.Itoa(i) + "]", Reason: "is empty"}
		}
	}
	if p.Detector == nil {
		s.Detector = sensitive.Default()
	}
	return s, nil
}

// public reports whether the values of property name are public free text.
func (s *settings) public(name string) bool {
	_, ok := slices.BinarySearch(s.InsecurePublicProperties, name)
	return ok
}
