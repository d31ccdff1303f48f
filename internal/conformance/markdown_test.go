package conformance

import (
	"strings"
	"testing"
)

// TestMarkdownCellsAreInert: a server's text cannot add HTML, images, links or table
// structure to a step summary.
func TestMarkdownCellsAreInert(t *testing.T) {
	hostile := "| x | <img src=x onerror=alert(1)> ![t](http://evil.example/t.png) [click](javascript:alert(1)) </td></table># H\nnext"
	got := mdCell(hostile)
	got += mdCell("see http://evil.example/p.png")
	for _, bad := range []string{"<img", "</table>", "](", "![", "\n", " | ", "http://"} {
		if strings.Contains(got, bad) {
			t.Errorf("mdCell kept %q: %s", bad, got)
		}
	}
}
