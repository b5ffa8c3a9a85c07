package fakekms

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

type alias struct {
	name, target     string // target is a key ID
	created, updated time.Time
}

var aliasNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:/_-]+$`)

// checkAliasName applies the model's constraints and KMS's reserved prefix.
func checkAliasName(p *string) *apiError {
	if e := firstError(checkLength("aliasName", p, 1, 256, true), checkPattern("aliasName", p, aliasNamePattern)); e != nil {
		return e
	}
	if !strings.HasPrefix(*p, "alias/") || len(*p) == len("alias/") {
		return clientError("InvalidAliasNameException", "Alias must start with the prefix \"alias/\" and name something after it.")
	}
	if strings.HasPrefix(*p, "alias/aws/") {
		return clientError("NotAuthorizedException", "Alias names beginning with alias/aws/ are reserved for AWS managed keys.")
	}
	return nil
}

// keyKind groups keys the way UpdateAlias compares them.
func keyKind(k *key) string {
	switch {
	case k.symmetric():
		return "symmetric"
	case strings.HasPrefix(k.spec, "HMAC_"):
		return "hmac"
	}
	return "asymmetric"
}

type aliasInput struct {
	AliasName   *string
	TargetKeyId *string
}

// aliasTarget resolves TargetKeyId, which takes key IDs and key ARNs only.
func (s *Server) aliasTarget(in *aliasInput) (*key, *apiError) {
	k, e := s.findKey("targetKeyId", in.TargetKeyId, false)
	if e != nil {
		return nil, e
	}
	if k.state == statePendingDeletion {
		return nil, errInvalidState(k.arn + " is pending deletion.")
	}
	return k, nil
}

func (s *Server) createAlias(in *aliasInput) (any, *apiError) {
	if e := checkAliasName(in.AliasName); e != nil {
		return nil, e
	}
	k, e := s.aliasTarget(in)
	if e != nil {
		return nil, e
	}
	if _, ok := s.aliases[*in.AliasName]; ok {
		return nil, clientError("AlreadyExistsException", "An alias with the name "+s.aliasARN(*in.AliasName)+" already exists")
	}
	now := s.now()
	s.aliases[*in.AliasName] = &alias{name: *in.AliasName, target: k.id, created: now, updated: now}
	return struct{}{}, nil
}

func (s *Server) updateAlias(in *aliasInput) (any, *apiError) {
	if e := checkAliasName(in.AliasName); e != nil {
		return nil, e
	}
	k, e := s.aliasTarget(in)
	if e != nil {
		return nil, e
	}
	a, ok := s.aliases[*in.AliasName]
	if !ok {
		return nil, errNotFound("Alias " + s.aliasARN(*in.AliasName) + " is not found.")
	}
	if cur := s.keys[a.target]; keyKind(cur) != keyKind(k) || cur.usage != k.usage {
		return nil, clientError("ValidationException", "The new target key must be of the same type and key usage as the alias's current key.")
	}
	a.target, a.updated = k.id, s.now()
	return struct{}{}, nil
}

func (s *Server) deleteAlias(in *aliasInput) (any, *apiError) {
	if e := checkAliasName(in.AliasName); e != nil {
		return nil, e
	}
	if _, ok := s.aliases[*in.AliasName]; !ok {
		return nil, errNotFound("Alias " + s.aliasARN(*in.AliasName) + " is not found.")
	}
	delete(s.aliases, *in.AliasName)
	return struct{}{}, nil
}

type listAliasesInput struct {
	KeyId  *string
	Limit  *int32
	Marker *string
}

type aliasListEntry struct {
	AliasArn        string
	AliasName       string
	CreationDate    epoch
	LastUpdatedDate epoch
	TargetKeyId     string
}

func (s *Server) listAliases(in *listAliasesInput) (any, *apiError) {
	target := ""
	if in.KeyId != nil {
		k, e := s.findKey("keyId", in.KeyId, false)
		if e != nil {
			return nil, e
		}
		target = k.id
	}
	names := make([]string, 0, len(s.aliases))
	for name, a := range s.aliases {
		if target == "" || a.target == target {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	start, end, next, e := page("aliases", len(names), in.Limit, 50, 100, in.Marker)
	if e != nil {
		return nil, e
	}
	entries := []aliasListEntry{}
	for _, name := range names[start:end] {
		a := s.aliases[name]
		entries = append(entries, aliasListEntry{AliasArn: s.aliasARN(name), AliasName: name, CreationDate: epoch(a.created), LastUpdatedDate: epoch(a.updated), TargetKeyId: a.target})
	}
	return paged(map[string]any{"Aliases": entries}, next), nil
}
