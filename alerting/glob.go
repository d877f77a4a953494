package alerting

import (
	"path/filepath"
	"sort"
)

func globFiles(pattern string) ([]string, error) {
	m, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(m)
	return m, nil
}
