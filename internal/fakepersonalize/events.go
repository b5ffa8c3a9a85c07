package fakepersonalize

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// The Events API. Events and action interactions sent to an event tracker
// are appended to its dataset group's interactions dataset (as AWS records
// them) and teach every model of the group at once; items, users and
// actions replace the record with the same ID in their dataset. Messages
// name members by position ("eventList.2.member.properties"), never a value.

type putEventsInput struct {
	TrackingID *string `json:"trackingId"`
	UserID     *string `json:"userId"`
	SessionID  *string `json:"sessionId"`
	EventList  []struct {
		EventType  *string      `json:"eventType"`
		EventValue *json.Number `json:"eventValue"`
		ItemID     *string      `json:"itemId"`
		Properties *string      `json:"properties"`
		SentAt     json.Number  `json:"sentAt"`
	} `json:"eventList"`
}

func (s *Server) putEvents(in *putEventsInput) (any, *apiError) {
	t, d, err := s.trackerDataset(in.TrackingID, "INTERACTIONS")
	if err != nil {
		return nil, err
	}
	rows := make([]map[string]string, 0, len(in.EventList))
	for i, e := range in.EventList {
		if err := checkProperties("eventList", i, e.Properties); err != nil {
			return nil, err
		}
		row := map[string]string{"USER_ID": deref(in.UserID), "ITEM_ID": deref(e.ItemID), "TIMESTAMP": epochSeconds(e.SentAt),
			"EVENT_TYPE": deref(e.EventType)}
		if e.EventValue != nil {
			row["EVENT_VALUE"] = e.EventValue.String()
		}
		rows = append(rows, row)
	}
	s.appendInteractions(t.groupArn, d, "ITEM_ID", rows)
	return struct{}{}, nil
}

type putActionInteractionsInput struct {
	TrackingID         *string `json:"trackingId"`
	ActionInteractions []struct {
		ActionID   *string     `json:"actionId"`
		UserID     *string     `json:"userId"`
		EventType  *string     `json:"eventType"`
		Properties *string     `json:"properties"`
		Timestamp  json.Number `json:"timestamp"`
	} `json:"actionInteractions"`
}

func (s *Server) putActionInteractions(in *putActionInteractionsInput) (any, *apiError) {
	t, d, err := s.trackerDataset(in.TrackingID, "ACTION_INTERACTIONS")
	if err != nil {
		return nil, err
	}
	rows := make([]map[string]string, 0, len(in.ActionInteractions))
	for i, a := range in.ActionInteractions {
		if err := checkProperties("actionInteractions", i, a.Properties); err != nil {
			return nil, err
		}
		rows = append(rows, map[string]string{"USER_ID": deref(a.UserID), "ACTION_ID": deref(a.ActionID),
			"TIMESTAMP": epochSeconds(a.Timestamp), "EVENT_TYPE": deref(a.EventType)})
	}
	s.appendInteractions(t.groupArn, d, "ACTION_ID", rows)
	return struct{}{}, nil
}

// trackerDataset finds the ACTIVE event tracker with trackingID and its
// group's ACTIVE dataset of datasetType, where the events go.
func (s *Server) trackerDataset(trackingID *string, datasetType string) (*eventTracker, *dataset, *apiError) {
	if trackingID == nil {
		return nil, nil, missing("trackingId")
	}
	var t *eventTracker
	for _, e := range s.eventTrackers.list(nil) {
		if e.trackingID == *trackingID {
			t = e
			break
		}
	}
	switch {
	case t == nil:
		// Tracking IDs are not ARNs: the message does not repeat it.
		return nil, nil, invalidInput("The trackingId does not name an event tracker of this account in %s", s.cfg.Region)
	case !t.active():
		return nil, nil, notActive(&t.meta)
	}
	d := s.groupDataset(t.groupArn, datasetType)
	switch {
	case d == nil:
		return nil, nil, invalidInput("The dataset group %s of the event tracker has no %s dataset", t.groupArn, datasetType)
	case !d.active():
		return nil, nil, notActive(&d.meta)
	}
	return t, d, nil
}

// appendInteractions appends interaction rows to d, keeping only the columns its schema
// declares, and teaches them to every model of the group that learns from
// column (ITEM_ID or ACTION_ID).
func (s *Server) appendInteractions(groupArn string, d *dataset, column string, rows []map[string]string) {
	declared := map[string]bool{}
	if sc := s.schemaOf(d); sc != nil {
		for _, f := range sc.fields {
			declared[f.name] = true
		}
	}
	for _, row := range rows {
		stored := map[string]string{putMarker: "1"}
		for k, v := range row {
			if declared[k] && v != "" {
				stored[k] = v
			}
		}
		d.rows = append(d.rows, stored)
		for _, m := range s.groupModels(groupArn) {
			if m.column == column {
				m.add(row["USER_ID"], row[column], row["EVENT_TYPE"])
			}
		}
	}
}

// groupModels returns the models of the group's solution versions and
// recommenders.
func (s *Server) groupModels(groupArn string) []*learned {
	var out []*learned
	for _, sv := range s.solutionVersions.list(nil) {
		if sol, ok := s.solutions.get(sv.solutionArn); ok && sol.groupArn == groupArn && sv.model != nil {
			out = append(out, sv.model)
		}
	}
	for _, r := range s.recommenders.list(nil) {
		if r.groupArn == groupArn && r.model != nil {
			out = append(out, r.model)
		}
	}
	return out
}

// putRecord is one item, user or action of PutItems, PutUsers or PutActions.
type putRecord struct {
	id         *string
	properties *string
}

func (s *Server) putItems(in *struct {
	DatasetArn *string `json:"datasetArn"`
	Items      []struct {
		ItemID     *string `json:"itemId"`
		Properties *string `json:"properties"`
	} `json:"items"`
}) (any, *apiError) {
	recs := make([]putRecord, len(in.Items))
	for i, r := range in.Items {
		recs[i] = putRecord{r.ItemID, r.Properties}
	}
	return struct{}{}, s.putRecords(in.DatasetArn, "ITEMS", "ITEM_ID", "items", recs)
}

func (s *Server) putUsers(in *struct {
	DatasetArn *string `json:"datasetArn"`
	Users      []struct {
		UserID     *string `json:"userId"`
		Properties *string `json:"properties"`
	} `json:"users"`
}) (any, *apiError) {
	recs := make([]putRecord, len(in.Users))
	for i, r := range in.Users {
		recs[i] = putRecord{r.UserID, r.Properties}
	}
	return struct{}{}, s.putRecords(in.DatasetArn, "USERS", "USER_ID", "users", recs)
}

func (s *Server) putActions(in *struct {
	DatasetArn *string `json:"datasetArn"`
	Actions    []struct {
		ActionID   *string `json:"actionId"`
		Properties *string `json:"properties"`
	} `json:"actions"`
}) (any, *apiError) {
	recs := make([]putRecord, len(in.Actions))
	for i, r := range in.Actions {
		recs[i] = putRecord{r.ActionID, r.Properties}
	}
	return struct{}{}, s.putRecords(in.DatasetArn, "ACTIONS", "ACTION_ID", "actions", recs)
}

// putRecords stores records in an ACTIVE dataset of datasetType, each
// replacing the row with the same ID. The properties are a JSON object whose
// keys are the schema's field names in camel case (GENRES: "genres",
// CREATION_TIMESTAMP: "creationTimestamp"); every record is checked before
// any is stored.
func (s *Server) putRecords(datasetArn *string, datasetType, idColumn, member string, recs []putRecord) *apiError {
	d, err := lookup(s.datasets, "datasetArn", datasetArn)
	if err != nil {
		return err
	}
	if !strings.EqualFold(d.datasetType, datasetType) {
		return invalidInput("The dataset %s is not of type %s", d.arn, datasetType)
	}
	if !d.active() {
		return notActive(&d.meta)
	}
	fields := map[string]string{} // camel-case-insensitive key → field name
	if sc := s.schemaOf(d); sc != nil {
		for _, f := range sc.fields {
			fields[fieldKey(f.name)] = f.name
		}
	}
	rows := make([]map[string]string, len(recs))
	for i, r := range recs {
		row := map[string]string{idColumn: deref(r.id), putMarker: "1"}
		if r.properties != nil {
			props, err := decodeProperties(member, i, *r.properties)
			if err != nil {
				return err
			}
			for k, v := range props {
				name, ok := fields[fieldKey(k)]
				if !ok || name == idColumn {
					return invalidInput("%s.%d.member.properties has a property that the dataset's schema does not declare", member, i+1)
				}
				row[name] = v
			}
		}
		rows[i] = row
	}
	for _, row := range rows {
		replaced := false
		for j, old := range d.rows {
			if old[idColumn] == row[idColumn] {
				d.rows[j], replaced = row, true
			}
		}
		if !replaced {
			d.rows = append(d.rows, row)
		}
	}
	return nil
}

// fieldKey folds a schema field name and its camel-case property name to
// the same key.
func fieldKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// checkProperties requires an event's properties to be a JSON object.
func checkProperties(member string, i int, props *string) *apiError {
	if props == nil {
		return nil
	}
	_, err := decodeProperties(member, i, *props)
	return err
}

// decodeProperties reads a properties JSON object of strings, numbers and
// booleans, rendered as the CSV cells an import would hold.
func decodeProperties(member string, i int, text string) (map[string]string, *apiError) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.Decode(new(any)) != io.EOF {
		return nil, invalidInput("%s.%d.member.properties must be a JSON object", member, i+1)
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = strconv.FormatBool(v)
		case nil:
		default:
			return nil, invalidInput("%s.%d.member.properties must hold only strings, numbers and booleans", member, i+1)
		}
	}
	return out, nil
}

// epochSeconds renders a JSON epoch timestamp as the whole seconds an
// interactions CSV holds.
func epochSeconds(n json.Number) string {
	f, err := n.Float64()
	if err != nil {
		return ""
	}
	return strconv.FormatInt(int64(math.Floor(f)), 10)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
