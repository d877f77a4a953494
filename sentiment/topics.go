package sentiment

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"

	"go.yaml.in/yaml/v3"
)

//go:embed topics.yaml
var defaultTopicsYAML []byte

// maxTopics bounds the topic dictionary (a message's topics are a 64-bit set).
const maxTopics = 64

// topicFile is the YAML form of a topic dictionary.
type topicFile struct {
	Topics yaml.Node `yaml:"topics"`
}

// topicDict is an ordered topic dictionary.
type topicDict struct {
	names []string
	terms map[string][]string
}

// parseTopics decodes a topic dictionary strictly; name is used in errors.
func parseTopics(name string, data []byte) (map[string][]string, []string, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f topicFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("topics %s: empty file", name)
		}
		return nil, nil, fmt.Errorf("topics %s: %w", name, err)
	}
	if f.Topics.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("topics %s:%d:%d: want a mapping of topic name to a list of terms", name, f.Topics.Line, f.Topics.Column)
	}
	out := map[string][]string{}
	var order []string
	var errs []error
	for i := 0; i+1 < len(f.Topics.Content); i += 2 {
		k, v := f.Topics.Content[i], f.Topics.Content[i+1]
		if k.Value == "" {
			errs = append(errs, fmt.Errorf("topics %s:%d:%d: empty topic name", name, k.Line, k.Column))
			continue
		}
		if _, dup := out[k.Value]; dup {
			errs = append(errs, fmt.Errorf("topics %s:%d:%d: topic %q given twice", name, k.Line, k.Column, k.Value))
			continue
		}
		var terms []string
		if err := v.Decode(&terms); err != nil {
			errs = append(errs, fmt.Errorf("topics %s:%d:%d: topic %q: want a list of terms", name, v.Line, v.Column, k.Value))
			continue
		}
		for j, term := range terms {
			if len(normalizeTerm(term)) == 0 {
				errs = append(errs, fmt.Errorf("topics %s:%d:%d: topic %q: term %q has no words", name, v.Content[j].Line, v.Content[j].Column, k.Value, term))
			}
		}
		out[k.Value] = terms
		order = append(order, k.Value)
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return out, order, nil
}

// loadTopics returns the default dictionary, extended or overridden by extra (if any).
func loadTopics(extraName string, extra []byte) (*topicDict, error) {
	def, order, err := parseTopics("default", defaultTopicsYAML)
	if err != nil {
		return nil, err
	}
	d := &topicDict{terms: def}
	if extra != nil {
		add, addOrder, err := parseTopics(extraName, extra)
		if err != nil {
			return nil, err
		}
		for _, name := range addOrder {
			if _, ok := d.terms[name]; !ok {
				order = append(order, name)
			}
			d.terms[name] = add[name]
		}
	}
	for _, name := range order {
		if len(d.terms[name]) > 0 {
			d.names = append(d.names, name)
		}
	}
	if len(d.names) > maxTopics {
		return nil, fmt.Errorf("topics: %d topics, at most %d are supported", len(d.names), maxTopics)
	}
	sort.Strings(d.names)
	return d, nil
}

// addTopics puts every topic term into the vocabulary.
func (b *vocabBuilder) addTopics(d *topicDict) {
	for i, name := range d.names {
		for _, term := range d.terms[name] {
			words := normalizeTerm(term)
			p, wi := b.phrase(words)
			if p != nil {
				p.topics |= 1 << uint(i)
			} else {
				wi.topics |= 1 << uint(i)
			}
		}
	}
}
