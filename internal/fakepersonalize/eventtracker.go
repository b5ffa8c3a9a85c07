package fakepersonalize

type eventTracker struct {
	meta
	groupArn, trackingID string
}

type createEventTrackerInput struct {
	Name            *string `json:"name"`
	DatasetGroupArn *string `json:"datasetGroupArn"`
	Tags            []tag   `json:"tags"`
}

type eventTrackerView struct {
	EventTrackerArn string `json:"eventTrackerArn"`
	Name            string `json:"name"`
	AccountID       string `json:"accountId"`
	DatasetGroupArn string `json:"datasetGroupArn"`
	TrackingID      string `json:"trackingId"`
	lifecycleView
}

type eventTrackerSummary struct {
	EventTrackerArn string `json:"eventTrackerArn"`
	Name            string `json:"name"`
	lifecycleView
}

func (s *Server) createEventTracker(in *createEventTrackerInput) (any, *apiError) {
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	for _, e := range s.eventTrackers.list(nil) {
		if e.name == *in.Name {
			return nil, alreadyExists(e.arn)
		}
		// A dataset group has at most one event tracker.
		if e.groupArn == g.arn {
			return nil, alreadyExists(e.arn)
		}
	}
	arn := s.arn("event-tracker", newID(4))
	e := &eventTracker{meta: s.newMeta(arn, *in.Name, in.Tags), groupArn: g.arn, trackingID: newUUID()}
	s.eventTrackers.put(e)
	s.begin(&e.meta, createPhase, nil, nil)
	return struct {
		EventTrackerArn string `json:"eventTrackerArn"`
		TrackingID      string `json:"trackingId"`
	}{arn, e.trackingID}, nil
}

func (s *Server) describeEventTracker(in *struct {
	EventTrackerArn *string `json:"eventTrackerArn"`
}) (any, *apiError) {
	e, err := describe(s, s.eventTrackers, "eventTrackerArn", in.EventTrackerArn)
	if err != nil {
		return nil, err
	}
	return struct {
		EventTracker eventTrackerView `json:"eventTracker"`
	}{eventTrackerView{e.arn, e.name, s.cfg.AccountID, e.groupArn, e.trackingID, e.lifecycle()}}, nil
}

func (s *Server) listEventTrackers(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.eventTrackers.list(func(e *eventTracker) bool {
		return in.DatasetGroupArn == nil || e.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]eventTrackerSummary, 0, len(items))
	for _, e := range items {
		out = append(out, eventTrackerSummary{e.arn, e.name, e.lifecycle()})
	}
	return struct {
		EventTrackers []eventTrackerSummary `json:"eventTrackers"`
		NextToken     *string               `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteEventTracker(in *struct {
	EventTrackerArn *string `json:"eventTrackerArn"`
}) (any, *apiError) {
	e, err := lookup(s.eventTrackers, "eventTrackerArn", in.EventTrackerArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&e.meta); err != nil {
		return nil, err
	}
	s.begin(&e.meta, deletePhase, nil, func() { s.eventTrackers.remove(e.arn) })
	return struct{}{}, nil
}
