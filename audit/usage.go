package audit

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// Use is one S3 location that Personalize reads or writes.
type Use struct {
	Location  s3guard.Location
	Direction s3guard.Direction
}

// Usage is what Personalize resources use: the S3 locations of their jobs and
// the KMS keys of their dataset groups and job outputs.
type Usage struct {
	Partition, Region, AccountID string
	// Locations are sorted by bucket, key and direction, without repeats.
	Locations []Use
	// Keys are KMS key ARNs, sorted, without repeats.
	Keys []string
	// Exports is set when a dataset group is exported, which needs
	// kms:GenerateDataKeyWithoutPlaintext on its key.
	Exports bool
}

// Buckets returns the buckets of u's locations, sorted.
func (u Usage) Buckets() []string {
	var bs []string
	for _, l := range u.Locations {
		bs = append(bs, l.Location.Bucket)
	}
	slices.Sort(bs)
	return slices.Compact(bs)
}

func (u *Usage) addLocation(l s3guard.Location, d s3guard.Direction) {
	u.Locations = append(u.Locations, Use{Location: l, Direction: d})
}

func (u *Usage) normalize() {
	slices.SortFunc(u.Locations, func(x, y Use) int {
		return cmp.Or(strings.Compare(x.Location.Bucket, y.Location.Bucket), strings.Compare(x.Location.Key, y.Location.Key),
			cmp.Compare(x.Direction, y.Direction))
	})
	u.Locations = slices.Compact(u.Locations)
	slices.Sort(u.Keys)
	u.Keys = slices.Compact(u.Keys)
}

type usages struct {
	all   Usage
	roles map[string]*Usage
}

// usage gathers what the described resources use, per role and in all.
func (inv *inventory) usage(partition, region, account string) usages {
	us := usages{all: Usage{Partition: partition, Region: region, AccountID: account}, roles: map[string]*Usage{}}
	role := func(arn string) *Usage {
		u := us.roles[arn]
		if u == nil {
			u = &Usage{Partition: partition, Region: region, AccountID: account}
			us.roles[arn] = u
		}
		return u
	}
	groups := map[string]*resource{}
	exported := map[string]bool{}
	for _, r := range inv.resources {
		switch {
		case r.kind == kindDatasetGroup && r.described:
			groups[r.arn] = r
		case r.kind == kindExportJob && r.group != "":
			exported[r.group] = true
		}
	}
	for _, r := range inv.resources {
		if !r.described || r.role == "" {
			continue
		}
		u := role(r.role)
		if r.key != "" {
			u.Keys = append(u.Keys, r.key)
			us.all.Keys = append(us.all.Keys, r.key)
			if exported[r.arn] {
				u.Exports, us.all.Exports = true, true
			}
		}
		u.Keys = append(u.Keys, r.jobKeys...)
		us.all.Keys = append(us.all.Keys, r.jobKeys...)
		if r.kind == kindExportJob {
			if g := groups[r.group]; g != nil && g.key != "" {
				// The export job's role reads the group's encrypted data.
				u.Keys = append(u.Keys, g.key)
				u.Exports = true
			}
		}
		for _, l := range r.locs {
			loc, err := s3guard.ParseLocation(l.raw)
			if err != nil {
				continue // reported by checkLocations
			}
			u.addLocation(loc, l.dir)
			us.all.addLocation(loc, l.dir)
		}
	}
	us.all.normalize()
	for _, u := range us.roles {
		u.normalize()
	}
	return us
}

// Sids of the statements RolePolicy writes.
const (
	SidRead  = "PersonalizeReadObjects"
	SidWrite = "PersonalizeWriteObjects"
	SidList  = "PersonalizeListBuckets"
	SidKMS   = "PersonalizeUseKeys"
)

// iamLiteral spells the characters IAM reads in a Resource as wildcards or
// a policy variable as the literal characters (policy version 2012-10-17): an
// S3 key may hold them, and "exports*/" must not grant "exports-all/".
var iamLiteral = strings.NewReplacer("$", "${$}", "*", "${*}", "?", "${?}")

// literalKeys spells key ARNs for a Resource. Personalize's model lets a
// kmsKeyArn end in any characters (key/.*); a '*' there must not become a
// grant on every key.
func literalKeys(keys []string) iampolicy.Values {
	out := make(iampolicy.Values, len(keys))
	for i, k := range keys {
		out[i] = iamLiteral.Replace(k)
	}
	return out
}

// RolePolicy writes the least-privilege permissions policy of a Personalize
// service role for u: s3:GetObject on exactly the objects and prefixes read,
// s3:PutObject on those written, s3:ListBucket on their buckets, and the KMS
// actions Personalize needs (kms.RequiredActions) on exactly u's keys. It is
// an identity policy: attach it to the role (aws iam put-role-policy). The
// JSON is indented; an error says u uses nothing.
func RolePolicy(u Usage) ([]byte, error) {
	if len(u.Locations) == 0 && len(u.Keys) == 0 {
		return nil, errors.New("audit: the usage names no S3 location and no KMS key")
	}
	part := cmp.Or(u.Partition, "aws")
	var read, write, buckets iampolicy.Values
	for _, l := range u.Locations {
		obj := "arn:" + part + ":s3:::" + l.Location.Bucket + "/" + iamLiteral.Replace(l.Location.Key)
		if l.Location.IsPrefix() {
			obj += "*"
		}
		if l.Direction == s3guard.Write {
			write = append(write, obj)
		} else {
			read = append(read, obj)
		}
		buckets = append(buckets, "arn:"+part+":s3:::"+l.Location.Bucket)
	}
	doc := iampolicy.Document{Version: iampolicy.Version2012}
	for _, s := range []struct {
		sid    string
		action string
		res    iampolicy.Values
	}{{SidRead, "s3:GetObject", read}, {SidWrite, "s3:PutObject", write}, {SidList, "s3:ListBucket", buckets}} {
		if len(s.res) == 0 {
			continue
		}
		slices.Sort(s.res)
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: s.sid, Effect: iampolicy.Allow,
			Action: iampolicy.Values{s.action}, Resource: slices.Compact(s.res)})
	}
	if len(u.Keys) > 0 {
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: SidKMS, Effect: iampolicy.Allow,
			Action: kms.RequiredActions(u.Exports), Resource: literalKeys(u.Keys)})
	}
	return doc.JSON()
}
