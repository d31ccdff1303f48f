package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// plot is one SVG figure of the growth curve: the same x values under one or more
// panels stacked vertically, each with its own y axis (throughput and p99 have units
// that do not share an axis, and two panels read more plainly than two y axes).
type plot struct {
	Title    string // the first line: what was measured, on which CPU, when
	Subtitle string // the second line: how (rounds, duration, caveats)
	XLabel   string // the x axis's name and unit
	LogX     bool   // a logarithmic x axis (stored operations span four decades)
	X        []float64
	Marked   []bool // points to draw hollow: not to be trusted (the server's core was not saturated)
	MarkNote string // what a hollow point means, printed under the panels when any is marked
	Panels   []panel
}

// panel is one measure against the plot's x values.
type panel struct {
	Label string    // the y axis's name and unit, e.g. "throughput (req/s)"
	Y     []float64 // one per x; NaN or ±Inf draws no point
	Color string    // a CSS colour name or #rrggbb, written as is: only constants of this package
}

// Layout of a figure, in SVG user units (pixels at 100%).
const (
	plotWidth    = 720
	panelHeight  = 240
	plotTop      = 58 // room for the title and subtitle
	plotLeft     = 80 // room for the y tick labels
	plotRight    = 24
	panelGap     = 56 // room for the x tick labels and axis name under each panel
	plotBottomPx = 30
	yTicks       = 5
)

// writeSVG writes p as a standalone SVG document. Every label is XML-escaped; every
// coordinate is finite (degenerate data, a single point, zeros or huge values, get a
// usable axis instead of a division by zero), so that the file always renders.
func writeSVG(w io.Writer, p plot) error {
	innerW := float64(plotWidth - plotLeft - plotRight)
	height := plotTop + len(p.Panels)*(panelHeight+panelGap) + plotBottomPx
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		plotWidth, height, plotWidth, height)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(p.Title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotWidth, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", plotLeft, esc(p.Title))
	fmt.Fprintf(&b, `<text x="%d" y="40" fill="#444">%s</text>`+"\n", plotLeft, esc(p.Subtitle))

	xs := xScale(p.X, p.LogX, innerW)
	for i, pn := range p.Panels {
		top := float64(plotTop + i*(panelHeight+panelGap))
		writePanel(&b, p, pn, xs, top, innerW)
	}
	if p.MarkNote != "" && anyTrue(p.Marked) {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#444">%s</text>`+"\n", plotLeft, height-10, esc(p.MarkNote))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writePanel draws one panel's frame, grid, ticks, axis names, line and points.
func writePanel(b *strings.Builder, p plot, pn panel, xs func(float64) float64, top, innerW float64) {
	left := float64(plotLeft)
	h := float64(panelHeight)
	yMax := niceCeil(maxFinite(pn.Y))
	ys := func(v float64) float64 { return top + h - h*v/yMax }

	fmt.Fprintf(b, `<g class="panel">`+"\n")
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#888"/>`+"\n", num(left), num(top), num(innerW), num(h))
	for k := 0; k <= yTicks; k++ {
		v := yMax * float64(k) / yTicks
		y := ys(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`+"\n", num(left), num(y), num(left+innerW), num(y))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(left-6), num(y+4), esc(tickLabel(v)))
	}
	seen := map[string]bool{}
	for _, x := range p.X {
		label := tickLabel(x)
		if !finite(x) || seen[label] {
			continue
		}
		seen[label] = true
		px := xs(x)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`+"\n", num(px), num(top), num(px), num(top+h))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(px), num(top+h+16), esc(label))
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#444">%s</text>`+"\n", num(left+innerW/2), num(top+h+34), esc(p.XLabel))
	fmt.Fprintf(b, `<text transform="translate(%s %s) rotate(-90)" text-anchor="middle" fill="#444">%s</text>`+"\n", num(18), num(top+h/2), esc(pn.Label))

	var line []string
	var dots strings.Builder
	for i, x := range p.X {
		if i >= len(pn.Y) || !finite(x) || !finite(pn.Y[i]) {
			continue
		}
		px, py := num(xs(x)), num(ys(pn.Y[i]))
		line = append(line, px+","+py)
		fill := esc(pn.Color)
		if i < len(p.Marked) && p.Marked[i] {
			fill = "white"
		}
		fmt.Fprintf(&dots, `<circle class="point" cx="%s" cy="%s" r="4" fill="%s" stroke="%s" stroke-width="2"><title>%s: %s</title></circle>`+"\n",
			px, py, fill, esc(pn.Color), esc(tickLabel(x)), esc(tickLabel(pn.Y[i])))
	}
	if len(line) > 1 {
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", esc(pn.Color), strings.Join(line, " "))
	}
	b.WriteString(dots.String())
	b.WriteString("</g>\n")
}

// xScale maps an x value to its horizontal position. With one distinct value (or none)
// the points sit in the middle; a log axis with a value at or under zero falls back to a
// linear one, since such a value has no logarithm.
func xScale(xs []float64, logX bool, innerW float64) func(float64) float64 {
	for _, x := range xs {
		if x <= 0 {
			logX = false
		}
	}
	f := func(x float64) float64 { return x }
	if logX {
		f = math.Log10
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if v := f(x); finite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	left := float64(plotLeft)
	if !(hi > lo) || !finite(hi-lo) {
		return func(float64) float64 { return left + innerW/2 }
	}
	// A margin of 6% on each side keeps the end points off the frame.
	margin := innerW * 0.06
	return func(x float64) float64 { return left + margin + (innerW-2*margin)*(f(x)-lo)/(hi-lo) }
}

// niceCeil returns a round number (1, 2, 2.5 or 5 times a power of ten) at or above v,
// the top of a y axis that starts at 0; 1 when v is not positive, so that an axis of
// zeros still has a height.
func niceCeil(v float64) float64 {
	if !(v > 0) || !finite(v) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if top := m * mag; top >= v && finite(top) {
			return top
		}
	}
	return v // near math.MaxFloat64, where 10 times the magnitude overflows
}

// maxFinite returns the largest finite value of ys (0 when there is none).
func maxFinite(ys []float64) float64 {
	m := 0.0
	for _, y := range ys {
		if finite(y) && y > m {
			m = y
		}
	}
	return m
}

// tickLabel writes a value for an axis: thousands separated, at most two decimals, and
// huge values in exponent form rather than a 300-digit integer.
func tickLabel(v float64) string {
	switch {
	case !finite(v):
		return "n/a"
	case math.Abs(v) >= 1e12:
		return strconv.FormatFloat(v, 'g', 3, 64)
	case v == math.Trunc(v):
		return thousands(int64(v))
	default:
		return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	}
}

// thousands writes n with commas between groups of three digits: 10,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// num writes a coordinate with one decimal; a non-finite one (which the scales above do
// not produce) is written as 0 rather than as NaN, which would make the file unreadable.
func num(v float64) string {
	if !finite(v) {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// esc escapes text for XML character data and attribute values.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
