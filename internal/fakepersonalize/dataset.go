package fakepersonalize

import "strings"

type dataset struct {
	meta
	groupArn, datasetType, schemaArn string
	// rows are the records, by column name: imported ones, and those put
	// through the events API, which carry putMarker.
	rows   []map[string]string
	update *datasetUpdate
}

type createDatasetInput struct {
	Name            *string `json:"name"`
	DatasetGroupArn *string `json:"datasetGroupArn"`
	DatasetType     *string `json:"datasetType"`
	SchemaArn       *string `json:"schemaArn"`
	Tags            []tag   `json:"tags"`
}

// datasetUpdate is the last UpdateDataset request.
type datasetUpdate struct {
	schemaArn string
	created   float64
}

type datasetUpdateView struct {
	SchemaArn string `json:"schemaArn"`
	lifecycleView
}

type datasetView struct {
	DatasetArn          string             `json:"datasetArn"`
	DatasetGroupArn     string             `json:"datasetGroupArn"`
	DatasetType         string             `json:"datasetType"`
	Name                string             `json:"name"`
	SchemaArn           string             `json:"schemaArn"`
	LatestDatasetUpdate *datasetUpdateView `json:"latestDatasetUpdate,omitempty"`
	lifecycleView
}

type datasetSummary struct {
	DatasetArn  string `json:"datasetArn"`
	DatasetType string `json:"datasetType"`
	Name        string `json:"name"`
	lifecycleView
}

// putMarker is the column that marks a row put through the events API
// (PutEvents, PutItems, ...), so exports can tell BULK from PUT data. No
// schema field can have this name.
const putMarker = "\x00put"

// datasetTypes maps each dataset type, upper-cased, to the schema fields it
// requires.
var datasetTypes = map[string][]string{
	"INTERACTIONS":        {"USER_ID", "ITEM_ID", "TIMESTAMP"},
	"ITEMS":               {"ITEM_ID"},
	"USERS":               {"USER_ID"},
	"ACTIONS":             {"ACTION_ID"},
	"ACTION_INTERACTIONS": {"USER_ID", "ACTION_ID", "TIMESTAMP"},
}

func (s *Server) createDataset(in *createDatasetInput) (any, *apiError) {
	if in.DatasetType == nil {
		return nil, missing("datasetType")
	}
	typ := strings.ToUpper(*in.DatasetType)
	if _, known := datasetTypes[typ]; !known {
		return nil, invalidInput("The datasetType must be one of Interactions, Items, Users, Actions, Action_Interactions")
	}
	if err := checkTagKeys(in.Tags); err != nil {
		return nil, err
	}
	g, err := lookupActive(s.datasetGroups, "datasetGroupArn", in.DatasetGroupArn, notActive)
	if err != nil {
		return nil, err
	}
	sc, err := lookup(s.schemas, "schemaArn", in.SchemaArn)
	if err != nil {
		return nil, err
	}
	if err := checkSchemaFits(sc, g.domain, *in.DatasetType); err != nil {
		return nil, err
	}
	arn := s.arn("dataset", g.name+"/"+typ)
	if _, dup := s.datasets.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	d := &dataset{meta: s.newMeta(arn, *in.Name, in.Tags), groupArn: g.arn, datasetType: *in.DatasetType, schemaArn: sc.arn}
	s.datasets.put(d)
	s.begin(&d.meta, createPhase, nil, nil)
	return struct {
		DatasetArn string `json:"datasetArn"`
	}{arn}, nil
}

func (s *Server) describeDataset(in *struct {
	DatasetArn *string `json:"datasetArn"`
}) (any, *apiError) {
	d, err := describe(s, s.datasets, "datasetArn", in.DatasetArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Dataset datasetView `json:"dataset"`
	}{d.view()}, nil
}

func (s *Server) listDatasets(in *struct {
	DatasetGroupArn *string `json:"datasetGroupArn"`
	page
}) (any, *apiError) {
	items, next, err := paginate(s.datasets.list(func(d *dataset) bool {
		return in.DatasetGroupArn == nil || d.groupArn == *in.DatasetGroupArn
	}), in.page)
	if err != nil {
		return nil, err
	}
	out := make([]datasetSummary, 0, len(items))
	for _, d := range items {
		out = append(out, datasetSummary{d.arn, d.datasetType, d.name, d.lifecycle()})
	}
	return struct {
		Datasets  []datasetSummary `json:"datasets"`
		NextToken *string          `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteDataset(in *struct {
	DatasetArn *string `json:"datasetArn"`
}) (any, *apiError) {
	d, err := lookup(s.datasets, "datasetArn", in.DatasetArn)
	if err != nil {
		return nil, err
	}
	if err := checkDeletable(&d.meta); err != nil {
		return nil, err
	}
	busyJob := func(arn string, m *meta) bool { return arn == d.arn && m.busy() }
	if s.importJobs.any(func(j *importJob) bool { return busyJob(j.datasetArn, &j.meta) }) ||
		s.exportJobs.any(func(j *exportJob) bool { return busyJob(j.datasetArn, &j.meta) }) {
		return nil, inUse("Dataset %s has an import or export job in progress", d.arn)
	}
	s.begin(&d.meta, deletePhase, nil, func() { s.datasets.remove(d.arn) })
	return struct{}{}, nil
}

// schemaOf returns the schema a dataset was created with.
func (s *Server) schemaOf(d *dataset) *schema {
	sc, _ := s.schemas.get(d.schemaArn)
	return sc
}

// checkSchemaFits requires a schema of the group's domain with the fields
// the dataset type needs.
func checkSchemaFits(sc *schema, domain, datasetType string) *apiError {
	if sc.domain != domain {
		return invalidInput("The schema's domain does not match the dataset group's domain")
	}
	have := map[string]bool{}
	for _, f := range sc.fields {
		have[f.name] = true
	}
	for _, f := range datasetTypes[strings.ToUpper(datasetType)] {
		if !have[f] {
			return invalidInput("A schema for a %s dataset must declare the field %s", datasetType, f)
		}
	}
	return nil
}

func (d *dataset) view() datasetView {
	v := datasetView{DatasetArn: d.arn, DatasetGroupArn: d.groupArn, DatasetType: d.datasetType, Name: d.name,
		SchemaArn: d.schemaArn, lifecycleView: d.lifecycle()}
	if u := d.update; u != nil {
		lv := d.lifecycle()
		lv.CreationDateTime = u.created
		v.LatestDatasetUpdate = &datasetUpdateView{u.schemaArn, lv}
	}
	return v
}

// updateDataset moves an ACTIVE dataset to another schema that still fits
// its type and domain.
func (s *Server) updateDataset(in *struct {
	DatasetArn *string `json:"datasetArn"`
	SchemaArn  *string `json:"schemaArn"`
}) (any, *apiError) {
	d, err := lookupActive(s.datasets, "datasetArn", in.DatasetArn, notActive)
	if err != nil {
		return nil, err
	}
	sc, err := lookup(s.schemas, "schemaArn", in.SchemaArn)
	if err != nil {
		return nil, err
	}
	g, _ := s.datasetGroups.get(d.groupArn)
	if err := checkSchemaFits(sc, g.domain, d.datasetType); err != nil {
		return nil, err
	}
	u := &datasetUpdate{schemaArn: sc.arn, created: epoch(s.now())}
	d.update = u
	s.begin(&d.meta, updatePhase, func() string {
		d.schemaArn = u.schemaArn
		return ""
	}, nil)
	return struct {
		DatasetArn string `json:"datasetArn"`
	}{d.arn}, nil
}
