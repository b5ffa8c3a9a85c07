package fakepersonalize

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Patterns and limits from the Personalize service model. The model's name
// pattern lacks its trailing $; AWS applies it to the whole value.
var (
	namePattern    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9\-_]*$`)
	tagPattern     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	arnPattern     = regexp.MustCompile(`^arn:([a-z\d-]+):personalize:.*:.*:.+$`)
	kmsKeyPattern  = regexp.MustCompile(`^arn:aws.*:kms:.*:[0-9]{12}:key/.*$`)
	rolePattern    = regexp.MustCompile(`^arn:([a-z\d-]+):iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`)
	s3PathPattern  = regexp.MustCompile(`^(s3|http|https)://.+$`)
	bucketPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$`)
	eventTypeLimit = 256
)

const (
	maxNameLength  = 63
	maxARNLength   = 256
	maxS3Path      = 256
	maxTags        = 200
	maxTagKey      = 128
	maxTagValue    = 256
	maxSchema      = 10000
	maxFilterExpr  = 2500
	patternMessage = "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s"
	lengthMessage  = "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length between %d and %d"
)

// checkName validates a resource or job name.
func checkName(field string, v *string) *apiError {
	if v == nil {
		return missing(field)
	}
	if n := utf8.RuneCountInString(*v); n < 1 || n > maxNameLength {
		return invalidInput(lengthMessage, field, 1, maxNameLength)
	}
	if !namePattern.MatchString(*v) {
		return invalidInput(patternMessage, field, `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`)
	}
	return nil
}

// checkARN validates the shape of a Personalize ARN input.
func checkARN(field string, v *string) *apiError {
	if v == nil || *v == "" {
		return missing(field)
	}
	if len(*v) > maxARNLength {
		return invalidInput(lengthMessage, field, 0, maxARNLength)
	}
	if !arnPattern.MatchString(*v) {
		return invalidInput(patternMessage, field, "arn:([a-z\\d-]+):personalize:.*:.*:.+")
	}
	return nil
}

func checkEnum(field, v string, allowed ...string) *apiError {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalidInput("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", field, strings.Join(allowed, ", "))
}

type tag struct {
	TagKey   *string `json:"tagKey"`
	TagValue *string `json:"tagValue"`
}

// checkTags validates tags as Personalize does: more than 200 is a
// TooManyTagsException, anything else wrong an InvalidInputException.
func checkTags(field string, tags []tag) *apiError {
	if len(tags) > maxTags {
		return &apiError{"TooManyTagsException", fmt.Sprintf("The number of tags exceeds the limit of %d", maxTags)}
	}
	for i, t := range tags {
		path := fmt.Sprintf("%s.%d.member", field, i+1)
		if t.TagKey == nil {
			return missing(path + ".tagKey")
		}
		if t.TagValue == nil {
			return missing(path + ".tagValue")
		}
		if n := utf8.RuneCountInString(*t.TagKey); n < 1 || n > maxTagKey {
			return invalidInput(lengthMessage, path+".tagKey", 1, maxTagKey)
		}
		if utf8.RuneCountInString(*t.TagValue) > maxTagValue {
			return invalidInput(lengthMessage, path+".tagValue", 0, maxTagValue)
		}
		if !tagPattern.MatchString(*t.TagKey) {
			return invalidInput(patternMessage, path+".tagKey", `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
		}
		if !tagPattern.MatchString(*t.TagValue) {
			return invalidInput(patternMessage, path+".tagValue", `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
		}
		if strings.HasPrefix(strings.ToLower(*t.TagKey), "aws:") {
			return invalidInput("Tag keys beginning with aws: are reserved (%s.tagKey)", path)
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

func checkRole(field string, v *string) *apiError {
	if v == nil || *v == "" {
		return missing(field)
	}
	if len(*v) > maxARNLength || !rolePattern.MatchString(*v) {
		return invalidInput(patternMessage, field, `arn:([a-z\d-]+):iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`)
	}
	return nil
}

// checkKMSKey validates a KmsKeyArn and checks the key in the local KMS:
// it must exist, in this Region, and be an enabled symmetric key.
func (s *Server) checkKMSKey(field, arn string) *apiError {
	if len(arn) > 2048 || !kmsKeyPattern.MatchString(arn) {
		return invalidInput(patternMessage, field, "arn:aws.*:kms:.*:[0-9]{12}:key/.*")
	}
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
	if v == nil || *v == "" {
		return s3Location{}, missing(field)
	}
	if len(*v) > maxS3Path {
		return s3Location{}, invalidInput(lengthMessage, field, 0, maxS3Path)
	}
	if !s3PathPattern.MatchString(*v) {
		return s3Location{}, invalidInput(patternMessage, field, "(s3|http|https)://.+")
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
