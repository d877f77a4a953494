package intake

import (
	"fmt"
	"sort"
	"strings"
)

// Lookup finds the value of a source attribute (a Loki label, a ticket's brand, a custom field)
// by key; ok is false when the source does not have it or it is empty.
type Lookup func(key string) (value string, ok bool)

// FieldMap says, for each event field, which source attributes feed it: the first one present
// wins. YAML: `product: [custom_field:360001, brand]`.
type FieldMap struct {
	ID         []string `yaml:"id"`
	Source     []string `yaml:"source"`
	Channel    []string `yaml:"channel"`
	CustomerID []string `yaml:"customer_id"`
	Product    []string `yaml:"product"`
	Region     []string `yaml:"region"`
	Language   []string `yaml:"language"`
}

func (m *FieldMap) entries(f *Fields) []struct {
	keys []string
	dst  *string
} {
	return []struct {
		keys []string
		dst  *string
	}{
		{m.ID, &f.ID},
		{m.Source, &f.Source},
		{m.Channel, &f.Channel},
		{m.CustomerID, &f.CustomerID},
		{m.Product, &f.Product},
		{m.Region, &f.Region},
		{m.Language, &f.Language},
	}
}

// Apply sets every mapped field of f whose attributes are present; fields whose attributes are
// all absent are left as they are.
func (m *FieldMap) Apply(look Lookup, f *Fields) {
	for _, e := range m.entries(f) {
		for _, k := range e.keys {
			if v, ok := look(k); ok {
				*e.dst = v
				break
			}
		}
	}
}

// Keys returns every attribute key the map names.
func (m *FieldMap) Keys() map[string]bool {
	out := make(map[string]bool)
	var f Fields
	for _, e := range m.entries(&f) {
		for _, k := range e.keys {
			out[k] = true
		}
	}
	return out
}

// Validate reports empty keys.
func (m *FieldMap) Validate() error {
	var f Fields
	names := [...]string{"id", "source", "channel", "customer_id", "product", "region", "language"}
	for i, e := range m.entries(&f) {
		for _, k := range e.keys {
			if strings.TrimSpace(k) == "" {
				return fmt.Errorf("fields.%s: empty attribute name", names[i])
			}
		}
	}
	return nil
}

// LabelMap copies source attributes into event labels: label key → attribute key.
type LabelMap map[string]string

// Apply adds the present attributes to f.Labels, creating the map when needed.
func (m LabelMap) Apply(look Lookup, f *Fields) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v, ok := look(m[k]); ok {
			if f.Labels == nil {
				f.Labels = make(map[string]string, len(m))
			}
			f.Labels[k] = v
		}
	}
}

// Validate reports empty keys.
func (m LabelMap) Validate() error {
	for k, v := range m {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return fmt.Errorf("labels: empty label or attribute name in %q: %q", k, v)
		}
	}
	return nil
}
