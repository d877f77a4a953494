package intercom

import (
	"strings"

	"golang.org/x/net/html"
)

// blockTags end a line of text.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "tr": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"hr": true,
}

// skipTags hide their content.
var skipTags = map[string]bool{"script": true, "style": true, "head": true, "title": true}

// PlainText renders the HTML of a conversation part as plain text: entities decoded, tags
// removed, block elements and <br> as line breaks, runs of spaces collapsed, at most one blank
// line in a row, images and scripts dropped.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidy(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if skipTags[string(name)] && tt == html.StartTagToken {
				skip++
			}
			if blockTags[string(name)] {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if skipTags[string(name)] && skip > 0 {
				skip--
			}
			if blockTags[string(name)] {
				b.WriteByte('\n')
			}
		}
	}
}

// collapse turns runs of spaces and tabs into one space.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\u00a0' || r == '\r' {
			space = true
			continue
		}
		if space && b.Len() > 0 && r != '\n' {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// tidy collapses spaces, trims lines and keeps at most one blank line in a row.
func tidy(s string) string {
	lines := strings.Split(collapse(s), "\n")
	out := make([]string, 0, len(lines))
	blank := true
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
