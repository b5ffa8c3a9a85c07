package fakepersonalize

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// learned is what a solution version or recommender "learns" from its
// dataset group: a deterministic stand-in for Personalize's models, enough
// for a test to predict what GetRecommendations answers.
//
//   - popularity: how many interactions each item has;
//   - co-occurrence: for each pair of items, how many users interacted with
//     both;
//   - each user's history: the items they interacted with, and with which
//     event types (for filters on Interactions.EVENT_TYPE).
//
// It is built when the solution version (or recommender) settles, from the
// rows imported into the group's interactions dataset, and updated by every
// PutEvents (PutActionInteractions for actions) sent to the group's event
// tracker afterwards. "Items" are ACTION_IDs for an actions model.
type learned struct {
	// column is ITEM_ID, or ACTION_ID for a model of action interactions.
	column string
	// eventType, when set, limits training to interactions of that type, as
	// a solution's eventType does; histories keep every type.
	eventType string

	popularity map[string]int
	cooccur    map[string]map[string]int
	history    map[string]map[string]map[string]bool // user → item → event types
}

func newLearned(column, eventType string) *learned {
	return &learned{column: column, eventType: eventType, popularity: map[string]int{},
		cooccur: map[string]map[string]int{}, history: map[string]map[string]map[string]bool{}}
}

// learnFrom trains a model on the rows of a group's dataset of the given
// type (INTERACTIONS or ACTION_INTERACTIONS).
func (s *Server) learnFrom(groupArn, datasetType, column, eventType string) *learned {
	m := newLearned(column, eventType)
	if d := s.groupDataset(groupArn, datasetType); d != nil {
		for _, row := range d.rows {
			m.add(row["USER_ID"], row[column], row["EVENT_TYPE"])
		}
	}
	return m
}

// add records that user interacted with item; user may be "" (an
// anonymous event), which counts for popularity only.
func (m *learned) add(user, item, eventType string) {
	if item == "" {
		return
	}
	trains := m.eventType == "" || m.eventType == eventType
	if trains {
		m.popularity[item]++
	}
	if user == "" {
		return
	}
	items := m.history[user]
	if items == nil {
		items = map[string]map[string]bool{}
		m.history[user] = items
	}
	// A user's first trained interaction with an item pairs it with every
	// item they already had.
	if trains && !m.trained(user, item) {
		for other := range items {
			if other != item && m.trained(user, other) {
				m.pair(item, other)
			}
		}
	}
	types := items[item]
	if types == nil {
		types = map[string]bool{}
		items[item] = types
	}
	types[eventType] = true
}

func (m *learned) trained(user, item string) bool { return m.trainedTypes(m.history[user][item]) }

func (m *learned) trainedTypes(types map[string]bool) bool {
	if m.eventType == "" {
		return len(types) > 0
	}
	return types[m.eventType]
}

func (m *learned) pair(a, b string) {
	for _, p := range [][2]string{{a, b}, {b, a}} {
		row := m.cooccur[p[0]]
		if row == nil {
			row = map[string]int{}
			m.cooccur[p[0]] = row
		}
		row[p[1]]++
	}
}

// scored is one candidate with its ranking key.
type scored struct {
	id      string
	affine  int     // see affinity
	popular int     // interactions
	value   float64 // affine + popularity scaled below 1, for the score
}

// affinity says how strongly a candidate item relates to what a request is
// about; nil ranks by popularity alone.
type affinity func(id string) int

// toUser is the summed co-occurrence of an item with the user's trained
// history.
func (m *learned) toUser(user string) affinity {
	sum := map[string]int{}
	for h := range m.history[user] {
		if m.trained(user, h) {
			for id, n := range m.cooccur[h] {
				sum[id] += n
			}
		}
	}
	return func(id string) int { return sum[id] }
}

// toItem is an item's co-occurrence with the given one.
func (m *learned) toItem(item string) affinity {
	return func(id string) int { return m.cooccur[item][id] }
}

// rank orders the trained items by affinity, then popularity, then item
// ID, so the order is total and deterministic. The ranking value is the
// affinity plus the popularity scaled below 1, which orders the same way.
func (m *learned) rank(by affinity) []scored {
	maxPop := 0
	for _, n := range m.popularity {
		maxPop = max(maxPop, n)
	}
	out := make([]scored, 0, len(m.popularity))
	for id, pop := range m.popularity {
		c := scored{id: id, popular: pop}
		if by != nil {
			c.affine = by(id)
		}
		c.value = float64(c.affine) + float64(pop)/float64(maxPop+1)
		out = append(out, c)
	}
	sortScored(out)
	return out
}

func sortScored(out []scored) {
	slices.SortFunc(out, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.affine, a.affine), cmp.Compare(b.popular, a.popular), strings.Compare(a.id, b.id))
	})
}

// interacted reports whether user interacted with item, with any event type
// when types is empty, else with one of types.
func (m *learned) interacted(user, item string, types []string) bool {
	got := m.history[user][item]
	if len(types) == 0 {
		return len(got) > 0
	}
	for _, t := range types {
		if got[t] {
			return true
		}
	}
	return false
}

// scoresOf turns ranking values into scores that sum to 1 over the ranked
// list, rounded to 7 decimals as in Personalize's answers.
func scoresOf(list []scored) []float64 {
	total := 0.0
	for _, c := range list {
		total += c.value
	}
	out := make([]float64, len(list))
	if total == 0 {
		return out
	}
	for i, c := range list {
		out[i] = math.Round(c.value/total*1e7) / 1e7
	}
	return out
}

// groupDataset returns the group's dataset of a type, or nil.
func (s *Server) groupDataset(groupArn, datasetType string) *dataset {
	for _, d := range s.datasets.list(func(d *dataset) bool { return d.groupArn == groupArn }) {
		if strings.EqualFold(d.datasetType, datasetType) {
			return d
		}
	}
	return nil
}
