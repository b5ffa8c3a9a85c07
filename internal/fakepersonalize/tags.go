package fakepersonalize

// taggedResource finds any taggable resource by ARN.
func (s *Server) taggedResource(arn *string) (*meta, *apiError) {
	if err := checkARN("resourceArn", arn); err != nil {
		return nil, err
	}
	m, ok := s.index[*arn]
	if !ok {
		return nil, notFound(*arn)
	}
	if !m.taggable {
		return nil, invalidInput("Resource %s does not support tags", *arn)
	}
	return m, nil
}

func (s *Server) tagResource(in *struct {
	ResourceArn *string `json:"resourceArn"`
	Tags        []tag   `json:"tags"`
}) (any, *apiError) {
	if in.Tags == nil {
		return nil, missing("tags")
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	m, err := s.taggedResource(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := mergeTags(m.tags, in.Tags)
	if len(merged) > maxTags {
		return nil, &apiError{"TooManyTagsException", "The resource would have more than 200 tags"}
	}
	m.tags = merged
	return struct{}{}, nil
}

func (s *Server) untagResource(in *struct {
	ResourceArn *string  `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}) (any, *apiError) {
	if in.TagKeys == nil {
		return nil, missing("tagKeys")
	}
	m, err := s.taggedResource(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	kept := m.tags[:0:0]
	for _, t := range m.tags {
		if !drop[*t.TagKey] {
			kept = append(kept, t)
		}
	}
	m.tags = kept
	return struct{}{}, nil
}

func (s *Server) listTagsForResource(in *struct {
	ResourceArn *string `json:"resourceArn"`
}) (any, *apiError) {
	m, err := s.taggedResource(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := m.tags
	if tags == nil {
		tags = []tag{}
	}
	return struct {
		Tags []tag `json:"tags"`
	}{tags}, nil
}
