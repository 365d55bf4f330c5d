package employer

import (
	"fmt"
	"html/template"
)

// pageNames are the pages; each is parsed with the layout.
var pageNames = []string{"index.html", "result.html", "request.html"}

// parsePages parses the embedded templates. html/template escapes every
// value for where it lands (text, attribute, URL).
func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).ParseFS(assets, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("employer: templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}
