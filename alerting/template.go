package alerting

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"text/template"
)

// templateFuncs are the functions annotation templates can call.
var templateFuncs = template.FuncMap{
	"pct": func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) },
	"humanize": func(v float64) string {
		switch a := math.Abs(v); {
		case a >= 1e6:
			return fmt.Sprintf("%.1fM", v/1e6)
		case a >= 1e3:
			return fmt.Sprintf("%.1fk", v/1e3)
		case a == math.Trunc(a):
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%.2f", v)
	},
	"urlquery": url.QueryEscape,
	"upper":    strings.ToUpper,
	"lower":    strings.ToLower,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

func newTemplate(name, text string) (*template.Template, error) {
	return template.New(name).Funcs(templateFuncs).Option("missingkey=zero").Parse(text)
}

// TemplateData is what annotation templates see: {{ .Labels.region }}, {{ .Value }},
// {{ .Values.volume }}.
type TemplateData struct {
	Labels Labels
	Value  float64
	Values map[string]float64
}

func expand(t *template.Template, data *TemplateData) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
