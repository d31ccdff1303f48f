package main

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestWriteSVG checks that every figure, degenerate data included, is well-formed XML
// with one circle per finite point, only finite coordinates and its labels escaped.
func TestWriteSVG(t *testing.T) {
	for _, tc := range []struct {
		name       string
		x          []float64
		y          []float64
		logX       bool
		wantPoints int
	}{
		{"operations, log x", []float64{1, 10, 1000, 10000}, []float64{66700, 70112, 63421, 54779}, true, 4},
		{"connections, log x", []float64{1, 32, 256}, []float64{29578, 66700, 58421}, true, 3},
		{"a single point", []float64{32}, []float64{1234.5}, true, 1},
		{"zero values", []float64{1, 10}, []float64{0, 0}, true, 2},
		{"zero on a log axis", []float64{0, 10}, []float64{5, 7}, true, 2},
		{"huge values", []float64{1, 1e300}, []float64{1e308, math.MaxFloat64}, true, 2},
		{"tiny values", []float64{1, 2}, []float64{1e-9, 3e-9}, false, 2},
		{"the same x twice", []float64{5, 5}, []float64{1, 2}, true, 2},
		{"no points", nil, nil, true, 0},
		{"NaN and Inf draw nothing", []float64{1, 2, 3, math.Inf(1)}, []float64{math.NaN(), math.Inf(1), 4, 5}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := plot{Title: `serve <on> "AMD" & co`, Subtitle: "run </svg><script>alert(1)</script>", XLabel: "stored operations",
				LogX: tc.logX, X: tc.x, Marked: make([]bool, len(tc.x)), MarkNote: "hollow: <unsaturated>",
				Panels: []panel{{Label: "throughput (req/s)", Y: tc.y, Color: "#1f77b4"}, {Label: "p99 (ms) <&>", Y: tc.y, Color: "#d62728"}}}
			if len(tc.x) > 0 {
				p.Marked[0] = true
			}
			var b strings.Builder
			if err := writeSVG(&b, p); err != nil {
				t.Fatal(err)
			}
			svg := b.String()
			circles, texts := checkSVG(t, svg)
			if circles != 2*tc.wantPoints { // one per panel
				t.Errorf("%d circles, want %d:\n%s", circles, 2*tc.wantPoints, svg)
			}
			for _, want := range []string{`serve <on> "AMD" & co`, "run </svg><script>alert(1)</script>", "p99 (ms) <&>"} {
				if !strings.Contains(texts, want) {
					t.Errorf("text %q is not in the figure's decoded text", want)
				}
			}
			if strings.Contains(svg, "<script") {
				t.Errorf("a label was written unescaped:\n%s", svg)
			}
		})
	}
}

// checkSVG decodes svg as XML, fails on any coordinate that is not a finite number, and
// returns how many circles it has and all its character data.
func checkSVG(t *testing.T, svg string) (circles int, text string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var texts strings.Builder
	sawRoot := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if !sawRoot {
				sawRoot = true
				if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element %v, want svg in the SVG namespace", el.Name)
				}
			}
			if el.Name.Local == "circle" {
				circles++
			}
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height":
					v, err := strconv.ParseFloat(a.Value, 64)
					if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
						t.Errorf("<%s %s=%q>: not a finite number", el.Name.Local, a.Name.Local, a.Value)
					}
				case "points":
					for _, pt := range strings.Fields(a.Value) {
						for _, c := range strings.Split(pt, ",") {
							if v, err := strconv.ParseFloat(c, 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
								t.Errorf("polyline point %q: not finite", pt)
							}
						}
					}
				}
			}
		case xml.CharData:
			texts.Write(el)
		}
	}
	if !sawRoot {
		t.Fatal("no root element")
	}
	return circles, texts.String()
}

func TestTickLabel(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {1, "1"}, {10000, "10,000"}, {66700, "66,700"}, {1.48, "1.48"}, {0.5, "0.5"},
		{2.125, "2.12"}, {-1500, "-1,500"}, {1e300, "1e+300"}, {math.NaN(), "n/a"}, {math.Inf(1), "n/a"},
	} {
		if got := tickLabel(tc.in); got != tc.want {
			t.Errorf("tickLabel(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0, 1}, {-3, 1}, {math.NaN(), 1}, {1, 1}, {1.2, 2}, {2.2, 2.5}, {3, 5}, {66700, 100000}, {70112, 100000}, {8.39, 10},
		{math.MaxFloat64, math.MaxFloat64},
	} {
		if got := niceCeil(tc.in); got != tc.want && !(math.IsNaN(tc.want) && math.IsNaN(got)) {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
