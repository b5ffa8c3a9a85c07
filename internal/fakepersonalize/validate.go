package fakepersonalize

import (
	"regexp"
	"strings"
)

// The model's constraints (lengths, patterns, enums, ranges, required
// members) are checked from rules_gen.go before a handler runs; what is
// here are the checks the model cannot express.

// bucketPattern is what S3 accepts as a bucket name; the model's S3Location
// pattern allows anything after the scheme.
var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$`)

// maxTags is how many tags a resource may carry in all.
const maxTags = 200

// checkARN requires an ARN member the operation needs although the model
// leaves it optional; its form has been validated.
func checkARN(field string, v *string) *apiError {
	if v == nil {
		return missing(field)
	}
	return nil
}

type tag struct {
	TagKey   *string `json:"tagKey"`
	TagValue *string `json:"tagValue"`
}

// checkTagKeys refuses the tag keys AWS reserves for itself.
func checkTagKeys(tags []tag) *apiError {
	for i, t := range tags {
		if strings.HasPrefix(strings.ToLower(*t.TagKey), "aws:") {
			return invalidInput("Tag keys beginning with aws: are reserved (tags.%d.member.tagKey)", i+1)
		}
	}
	return nil
}

// mergeTags returns old with news applied (same key: new value).
func mergeTags(old, news []tag) []tag {
	out := append([]tag(nil), old...)
	for _, n := range news {
		replaced := false
		for i := range out {
			if *out[i].TagKey == *n.TagKey {
				out[i] = n
				replaced = true
			}
		}
		if !replaced {
			out = append(out, n)
		}
	}
	return out
}

// checkKMSKey validates a KmsKeyArn and checks the key in the local KMS:
// it must exist, in this Region, and be an enabled symmetric key.
func (s *Server) checkKMSKey(field, arn string) *apiError {
	if parts := strings.SplitN(arn, ":", 6); parts[3] != s.cfg.Region {
		return invalidInput("The KMS key in %s must be in the Region %s", field, s.cfg.Region)
	}
	if s.cfg.Keys == nil {
		return nil
	}
	key, ok := s.cfg.Keys(arn)
	switch {
	case !ok:
		return invalidInput("The KMS key %s does not exist or Amazon Personalize cannot access it", arn)
	case key.State != "Enabled":
		return invalidInput("The KMS key %s is not enabled (key state %s)", arn, key.State)
	case key.Spec != "" && key.Spec != "SYMMETRIC_DEFAULT":
		return invalidInput("The KMS key %s must be a symmetric encryption key", arn)
	}
	return nil
}

// kmsKeyProblem tells, when work settles, why a key can no longer be used
// ("" if it can).
func (s *Server) kmsKeyProblem(arn string) string {
	if arn == "" || s.cfg.Keys == nil {
		return ""
	}
	key, ok := s.cfg.Keys(arn)
	switch {
	case !ok:
		return "Amazon Personalize cannot access the KMS key " + arn
	case key.State != "Enabled":
		return "The KMS key " + arn + " is not enabled"
	}
	return ""
}

// s3Location is a parsed s3://bucket/key location.
type s3Location struct{ bucket, key string }

func (l s3Location) String() string { return "s3://" + l.bucket + "/" + l.key }

// checkS3Path validates an S3 path input and requires its bucket to exist in
// the local S3. The model also admits http(s) URLs; Personalize reads only S3.
func (s *Server) checkS3Path(field string, v *string) (s3Location, *apiError) {
	if v == nil {
		return s3Location{}, missing(field)
	}
	rest, ok := strings.CutPrefix(*v, "s3://")
	if !ok {
		return s3Location{}, invalidInput("The location in %s must be an Amazon S3 path (s3://bucket/key)", field)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if !bucketPattern.MatchString(bucket) {
		return s3Location{}, invalidInput("The location in %s does not name a valid S3 bucket", field)
	}
	if s.cfg.Objects != nil && !s.cfg.Objects.BucketExists(bucket) {
		return s3Location{}, invalidInput("The S3 bucket %s in %s does not exist or Amazon Personalize cannot access it", bucket, field)
	}
	return s3Location{bucket, key}, nil
}
