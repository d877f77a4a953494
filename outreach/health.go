package outreach

import (
	"reflect"
	"sort"
	"strings"
	"time"
)

// HealthRow is one customer's raw health as the store returns it: sums over the policy window
// and its recent end, read from an hourly rollup (a window holds the hours that overlap it). Its
// fields match store.CustomerHealthRow one for one.
type HealthRow struct {
	CustomerID      string
	Contacts        int
	Negatives       int
	Positives       int
	ScoreSum        float64
	RecentContacts  int
	RecentNegatives int
	RecentScoreSum  float64
	Unresolved      int
	Channels        []string
	Topics          []string
	// Places are "product\x1fregion" of each negative contact of the recent end.
	Places         []string
	Product        string
	Region         string
	Labels         map[string]string
	LastNegativeAt time.Time
}

// Place is a product and region a customer complained about.
type Place struct {
	Product, Region string
}

// Health is a customer's health over the policy window: what a policy's `when` sees. The expr
// tags are the names `when` uses.
type Health struct {
	CustomerID string `expr:"customer_id"`
	// Contacts, Negatives, Positives, NegativeShare and MeanScore cover the whole window.
	Contacts      int     `expr:"contacts"`
	Negatives     int     `expr:"negatives"`
	Positives     int     `expr:"positives"`
	NegativeShare float64 `expr:"negative_share"`
	MeanScore     float64 `expr:"mean_score"`
	// The recent end of the window (`recent`), and the rest of it before.
	RecentContacts   int     `expr:"recent_contacts"`
	RecentNegatives  int     `expr:"recent_negatives"`
	RecentMeanScore  float64 `expr:"recent_mean_score"`
	EarlierContacts  int     `expr:"earlier_contacts"`
	EarlierMeanScore float64 `expr:"earlier_mean_score"`
	// Trend is the recent mean score minus the earlier one; 0 without earlier contacts.
	Trend float64 `expr:"trend"`
	// Worsening and Recovering say the sign of Trend when both parts have contacts.
	Worsening  bool `expr:"worsening"`
	Recovering bool `expr:"recovering"`
	// Unresolved counts the negative contacts after the customer's last positive one.
	Unresolved   int      `expr:"unresolved"`
	Channels     []string `expr:"channels"`
	ChannelCount int      `expr:"channel_count"`
	// Topics are the topics of the negative contacts.
	Topics []string `expr:"topics"`
	// Product and Region are those of the last contact; Labels the last labels seen (plan, vip…).
	Product string            `expr:"product"`
	Region  string            `expr:"region"`
	Labels  map[string]string `expr:"labels"`

	// Places are where the recent negative contacts were about, for incident holds.
	Places         []Place   `expr:"-"`
	LastNegativeAt time.Time `expr:"-"`
}

// NewHealth derives a customer's health from its raw row.
func NewHealth(r HealthRow) Health {
	h := Health{
		CustomerID: r.CustomerID, Contacts: r.Contacts, Negatives: r.Negatives, Positives: r.Positives,
		RecentContacts: r.RecentContacts, RecentNegatives: r.RecentNegatives, Unresolved: r.Unresolved,
		Channels: sorted(r.Channels), Topics: sorted(r.Topics), Product: r.Product, Region: r.Region,
		Labels: r.Labels, LastNegativeAt: r.LastNegativeAt,
		EarlierContacts: r.Contacts - r.RecentContacts,
	}
	if h.Labels == nil {
		h.Labels = map[string]string{}
	}
	h.ChannelCount = len(h.Channels)
	if r.Contacts > 0 {
		h.NegativeShare = float64(r.Negatives) / float64(r.Contacts)
		h.MeanScore = r.ScoreSum / float64(r.Contacts)
	}
	if r.RecentContacts > 0 {
		h.RecentMeanScore = r.RecentScoreSum / float64(r.RecentContacts)
	}
	if h.EarlierContacts > 0 {
		h.EarlierMeanScore = (r.ScoreSum - r.RecentScoreSum) / float64(h.EarlierContacts)
		if r.RecentContacts > 0 {
			h.Trend = h.RecentMeanScore - h.EarlierMeanScore
			h.Worsening, h.Recovering = h.Trend < 0, h.Trend > 0
		}
	}
	seen := map[Place]bool{}
	for _, p := range r.Places {
		prod, reg, _ := strings.Cut(p, "\x1f")
		pl := Place{Product: prod, Region: reg}
		if !seen[pl] {
			seen[pl] = true
			h.Places = append(h.Places, pl)
		}
	}
	sort.Slice(h.Places, func(i, j int) bool {
		if h.Places[i].Product != h.Places[j].Product {
			return h.Places[i].Product < h.Places[j].Product
		}
		return h.Places[i].Region < h.Places[j].Region
	})
	return h
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// numbers returns the numeric health fields by their `when` names, as stored with a task.
func (h *Health) numbers() map[string]float64 {
	out := map[string]float64{}
	v := reflect.ValueOf(*h)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := t.Field(i).Tag.Get("expr")
		if name == "" || name == "-" {
			continue
		}
		switch f := v.Field(i); f.Kind() {
		case reflect.Int:
			out[name] = float64(f.Int())
		case reflect.Float64:
			out[name] = f.Float()
		case reflect.Bool:
			if f.Bool() {
				out[name] = 1
			} else {
				out[name] = 0
			}
		}
	}
	return out
}

// HealthNames lists the names a policy's `when` can use, sorted.
func HealthNames() []string {
	var out []string
	t := reflect.TypeOf(Health{})
	for i := 0; i < t.NumField(); i++ {
		if name := t.Field(i).Tag.Get("expr"); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// urgency orders customers within a priority: more recent complaints, then a lower mean score,
// then the latest complaint first; the customer id keeps the order total.
func urgency(a, b *Health) bool {
	if a.RecentNegatives != b.RecentNegatives {
		return a.RecentNegatives > b.RecentNegatives
	}
	if a.MeanScore != b.MeanScore {
		return a.MeanScore < b.MeanScore
	}
	if !a.LastNegativeAt.Equal(b.LastNegativeAt) {
		return a.LastNegativeAt.After(b.LastNegativeAt)
	}
	return a.CustomerID < b.CustomerID
}
