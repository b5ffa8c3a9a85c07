package fakepersonalize

import "encoding/json"

type campaign struct {
	meta
	solutionVersionArn string
	minTPS             int32
	config             json.RawMessage
	update             *campaignUpdate
}

// campaignUpdate is the last UpdateCampaign request and when it was made.
type campaignUpdate struct {
	solutionVersionArn string
	minTPS             int32
	config             json.RawMessage
	created            float64
}

type createCampaignInput struct {
	Name               *string         `json:"name"`
	SolutionVersionArn *string         `json:"solutionVersionArn"`
	MinProvisionedTPS  *int32          `json:"minProvisionedTPS"`
	CampaignConfig     json.RawMessage `json:"campaignConfig"`
	Tags               []tag           `json:"tags"`
}

type campaignUpdateView struct {
	SolutionVersionArn string          `json:"solutionVersionArn"`
	MinProvisionedTPS  int32           `json:"minProvisionedTPS"`
	CampaignConfig     json.RawMessage `json:"campaignConfig,omitempty"`
	lifecycleView
}

type campaignView struct {
	CampaignArn          string              `json:"campaignArn"`
	Name                 string              `json:"name"`
	SolutionVersionArn   string              `json:"solutionVersionArn"`
	MinProvisionedTPS    int32               `json:"minProvisionedTPS"`
	CampaignConfig       json.RawMessage     `json:"campaignConfig,omitempty"`
	LatestCampaignUpdate *campaignUpdateView `json:"latestCampaignUpdate,omitempty"`
	lifecycleView
}

type campaignSummary struct {
	CampaignArn string `json:"campaignArn"`
	Name        string `json:"name"`
	lifecycleView
}

func checkTPS(v *int32) (int32, *apiError) {
	if v == nil {
		return 1, nil
	}
	if *v < 1 {
		return 0, invalidInput("1 validation error detected: Value at 'minProvisionedTPS' failed to satisfy constraint: Member must have value greater than or equal to 1")
	}
	return *v, nil
}

func (s *Server) createCampaign(in *createCampaignInput) (any, *apiError) {
	tps, err := checkTPS(in.MinProvisionedTPS)
	if err != nil {
		return nil, err
	}
	cfg, err := checkObject("campaignConfig", in.CampaignConfig)
	if err != nil {
		return nil, err
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	sv, err := lookupActive(s.solutionVersions, "solutionVersionArn", in.SolutionVersionArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("campaign", *in.Name)
	if _, dup := s.campaigns.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	c := &campaign{meta: s.newMeta(arn, *in.Name, in.Tags), solutionVersionArn: sv.arn, minTPS: tps, config: cfg}
	s.campaigns.put(c)
	s.begin(&c.meta, createPhase, nil, nil)
	return struct {
		CampaignArn string `json:"campaignArn"`
	}{arn}, nil
}

func (c *campaign) view() campaignView {
	v := campaignView{CampaignArn: c.arn, Name: c.name, SolutionVersionArn: c.solutionVersionArn, MinProvisionedTPS: c.minTPS,
		CampaignConfig: c.config, lifecycleView: c.lifecycle()}
	if u := c.update; u != nil {
		lv := c.lifecycle()
		lv.CreationDateTime = u.created
		v.LatestCampaignUpdate = &campaignUpdateView{u.solutionVersionArn, u.minTPS, u.config, lv}
	}
	return v
}

func (s *Server) describeCampaign(in *struct {
	CampaignArn *string `json:"campaignArn"`
}) (any, *apiError) {
	c, err := describe(s, s.campaigns, "campaignArn", in.CampaignArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Campaign campaignView `json:"campaign"`
	}{c.view()}, nil
}

func (s *Server) listCampaigns(in *struct {
	SolutionArn *string `json:"solutionArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.campaigns.list(func(c *campaign) bool {
		if in.SolutionArn == nil {
			return true
		}
		sv, ok := s.solutionVersions.get(c.solutionVersionArn)
		return ok && sv.solutionArn == *in.SolutionArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]campaignSummary, 0, len(items))
	for _, c := range items {
		out = append(out, campaignSummary{c.arn, c.name, c.lifecycle()})
	}
	return struct {
		Campaigns []campaignSummary `json:"campaigns"`
		NextToken *string           `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) updateCampaign(in *struct {
	CampaignArn        *string         `json:"campaignArn"`
	SolutionVersionArn *string         `json:"solutionVersionArn"`
	MinProvisionedTPS  *int32          `json:"minProvisionedTPS"`
	CampaignConfig     json.RawMessage `json:"campaignConfig"`
}) (any, *apiError) {
	c, err := lookup(s.campaigns, "campaignArn", in.CampaignArn)
	if err != nil {
		return nil, err
	}
	cfg, err := checkObject("campaignConfig", in.CampaignConfig)
	if err != nil {
		return nil, err
	}
	if !c.active() {
		return nil, notActive(&c.meta)
	}
	u := campaignUpdate{solutionVersionArn: c.solutionVersionArn, minTPS: c.minTPS, config: c.config, created: epoch(s.now())}
	if in.SolutionVersionArn != nil {
		sv, err := lookupActive(s.solutionVersions, "solutionVersionArn", in.SolutionVersionArn, notActive)
		if err != nil {
			return nil, err
		}
		u.solutionVersionArn = sv.arn
	}
	if in.MinProvisionedTPS != nil {
		if u.minTPS, err = checkTPS(in.MinProvisionedTPS); err != nil {
			return nil, err
		}
	}
	if cfg != nil {
		u.config = cfg
	}
	c.update = &u
	s.begin(&c.meta, updatePhase, func() string {
		c.solutionVersionArn, c.minTPS, c.config = u.solutionVersionArn, u.minTPS, u.config
		return ""
	}, nil)
	return struct {
		CampaignArn string `json:"campaignArn"`
	}{c.arn}, nil
}

func (s *Server) deleteCampaign(in *struct {
	CampaignArn *string `json:"campaignArn"`
}) (any, *apiError) {
	c, err := lookup(s.campaigns, "campaignArn", in.CampaignArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&c.meta); err != nil {
		return nil, err
	}
	s.begin(&c.meta, deletePhase, nil, func() { s.campaigns.remove(c.arn) })
	return struct{}{}, nil
}
