package fakepersonalize

// metricAttribution reports metrics on events for one dataset group (at most
// one per group) to S3.
type metricAttribution struct {
	meta
	groupArn string
	metrics  []metricAttribute
	output   metricsOutput
}

type metricAttribute struct {
	EventType  string `json:"eventType"`
	MetricName string `json:"metricName"`
	Expression string `json:"expression"`
}

type metricsOutput struct {
	S3DataDestination *s3DataConfig `json:"s3DataDestination,omitempty"`
	RoleArn           *string       `json:"roleArn"`
}

type metricAttributionView struct {
	Name                 string         `json:"name"`
	MetricAttributionArn string         `json:"metricAttributionArn"`
	DatasetGroupArn      string         `json:"datasetGroupArn,omitempty"`
	MetricsOutputConfig  *metricsOutput `json:"metricsOutputConfig,omitempty"`
	lifecycleView
}

// checkMetricsOutput checks an output's bucket and key when it has one.
func (s *Server) checkMetricsOutput(o *metricsOutput) *apiError {
	if o.S3DataDestination == nil {
		return nil
	}
	_, err := s.checkS3DataConfig("metricsOutputConfig.s3DataDestination", o.S3DataDestination)
	return err
}

// addMetrics appends metrics, refusing a metric name used twice.
func addMetrics(have, add []metricAttribute, field string) ([]metricAttribute, *apiError) {
	out := append([]metricAttribute(nil), have...)
	seen := map[string]bool{}
	for _, m := range have {
		seen[m.MetricName] = true
	}
	for i, m := range add {
		if seen[m.MetricName] {
			return nil, invalidInput("Metric names must be unique within a metric attribution (%s.%d.member.metricName)", field, i+1)
		}
		seen[m.MetricName] = true
		out = append(out, m)
	}
	return out, nil
}

func (s *Server) createMetricAttribution(in *struct {
	Name                *string           `json:"name"`
	DatasetGroupArn     *string           `json:"datasetGroupArn"`
	Metrics             []metricAttribute `json:"metrics"`
	MetricsOutputConfig *metricsOutput    `json:"metricsOutputConfig"`
}) (any, *apiError) {
	metrics, err := addMetrics(nil, in.Metrics, "metrics")
	if err != nil {
		return nil, err
	}
	if err := s.checkMetricsOutput(in.MetricsOutputConfig); err != nil {
		return nil, err
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	arn := s.arn("metric-attribution", *in.Name)
	if _, dup := s.attributions.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	for _, other := range s.attributions.list(func(a *metricAttribution) bool { return a.groupArn == g.arn }) {
		return nil, alreadyExists(other.arn)
	}
	a := &metricAttribution{meta: s.newMeta(arn, *in.Name, nil), groupArn: g.arn, metrics: metrics, output: *in.MetricsOutputConfig}
	a.taggable = false // the operation takes no tags
	s.attributions.put(a)
	s.begin(&a.meta, createPhase, nil, nil)
	return struct {
		MetricAttributionArn string `json:"metricAttributionArn"`
	}{arn}, nil
}

func (s *Server) describeMetricAttribution(in *struct {
	MetricAttributionArn *string `json:"metricAttributionArn"`
}) (any, *apiError) {
	a, err := describe(s, s.attributions, "metricAttributionArn", in.MetricAttributionArn)
	if err != nil {
		return nil, err
	}
	out := a.output
	return struct {
		MetricAttribution metricAttributionView `json:"metricAttribution"`
	}{metricAttributionView{a.name, a.arn, a.groupArn, &out, a.lifecycle()}}, nil
}

func (s *Server) listMetricAttributions(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.attributions.list(func(a *metricAttribution) bool {
		return in.DatasetGroupArn == nil || a.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]metricAttributionView, 0, len(items))
	for _, a := range items {
		out = append(out, metricAttributionView{Name: a.name, MetricAttributionArn: a.arn, lifecycleView: a.lifecycle()})
	}
	return struct {
		MetricAttributions []metricAttributionView `json:"metricAttributions"`
		NextToken          *string                 `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) updateMetricAttribution(in *struct {
	MetricAttributionArn *string           `json:"metricAttributionArn"`
	AddMetrics           []metricAttribute `json:"addMetrics"`
	RemoveMetrics        []string          `json:"removeMetrics"`
	MetricsOutputConfig  *metricsOutput    `json:"metricsOutputConfig"`
}) (any, *apiError) {
	if err := checkARN("metricAttributionArn", in.MetricAttributionArn); err != nil {
		return nil, err
	}
	a, err := lookupActive(s.attributions, "metricAttributionArn", in.MetricAttributionArn, notActive)
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for i, name := range in.RemoveMetrics {
		found := false
		for _, m := range a.metrics {
			found = found || m.MetricName == name
		}
		if !found {
			return nil, invalidInput("The metric attribution has no metric named in removeMetrics.%d.member", i+1)
		}
		drop[name] = true
	}
	var kept []metricAttribute
	for _, m := range a.metrics {
		if !drop[m.MetricName] {
			kept = append(kept, m)
		}
	}
	metrics, err := addMetrics(kept, in.AddMetrics, "addMetrics")
	if err != nil {
		return nil, err
	}
	output := a.output
	if in.MetricsOutputConfig != nil {
		if err := s.checkMetricsOutput(in.MetricsOutputConfig); err != nil {
			return nil, err
		}
		output = *in.MetricsOutputConfig
	}
	s.begin(&a.meta, updatePhase, func() string {
		a.metrics, a.output = metrics, output
		return ""
	}, nil)
	return struct {
		MetricAttributionArn string `json:"metricAttributionArn"`
	}{a.arn}, nil
}

func (s *Server) deleteMetricAttribution(in *struct {
	MetricAttributionArn *string `json:"metricAttributionArn"`
}) (any, *apiError) {
	a, err := lookup(s.attributions, "metricAttributionArn", in.MetricAttributionArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&a.meta); err != nil {
		return nil, err
	}
	s.begin(&a.meta, deletePhase, nil, func() { s.attributions.remove(a.arn) })
	return struct{}{}, nil
}

func (s *Server) listMetricAttributionMetrics(in *struct {
	MetricAttributionArn *string `json:"metricAttributionArn"`
	page
}) (any, *apiError) {
	a, err := lookup(s.attributions, "metricAttributionArn", in.MetricAttributionArn)
	if err != nil {
		return nil, err
	}
	items, next, err := paginate(a.metrics, in.page)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []metricAttribute{}
	}
	return struct {
		Metrics   []metricAttribute `json:"metrics"`
		NextToken *string           `json:"nextToken,omitempty"`
	}{items, next}, nil
}
