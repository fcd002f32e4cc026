package main

import (
	"encoding/xml"
	"fmt"
	"image"
	"math"
	"os"
	"slices"
	"strings"
)

// The chart: throughput of reading and of creating a user per target and
// concurrency, and where the CPU of a read goes at 16 clients. Drawn
// here as SVG with the standard library alone, so `make load` needs no
// plotting tool and the product's go.mod no image package. Text is
// monospace at 12 px, about 7 px a character, which the legend's layout
// counts on.

const (
	white   = "#ffffff"
	ink     = "#1e1e1e"
	grid    = "#e1e1e1"
	goalRed = "#c82828"
)

var palette = []string{"#78aadc", "#2864aa", "#0a2d5f", "#e68c3c"}

// charWidth is the advance of one character of the chart's text.
const charWidth = 7

// panel is one bar chart: a bar per series in each group, or the series
// stacked into one bar per group.
type panel struct {
	title   string
	series  []string
	groups  []barGroup
	stacked bool
	// goal draws a horizontal line at this value when > 0.
	goal      float64
	goalLabel string
}

type barGroup struct {
	label  string
	values []float64 // one per series
}

func writeChart(path string, r *report) error {
	panels := r.chartPanels()
	const w, ph = 1200, 330
	h := ph * max(len(panels), 1)
	c := &canvas{}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="12">`+"\n", w, h, w, h)
	c.rect(image.Rect(0, 0, w, h), white)
	for i, p := range panels {
		drawPanel(c, image.Rect(0, i*ph, w, (i+1)*ph), p)
	}
	c.b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(c.b.String()), 0o644)
}

// chartPanels turns the measurements into the three panels.
func (r *report) chartPanels() []panel {
	var out []panel
	names := r.targetNames()
	var series []string
	for _, n := range r.o.clients {
		label := fmt.Sprintf("%d clients", n)
		if n == 1 {
			label = "1 client"
		}
		series = append(series, label)
	}
	for _, kind := range []string{kindGet, kindCreate} {
		if !r.has(kind) {
			continue
		}
		p := panel{title: kind + ": requests per second", series: series}
		for _, name := range names {
			g := barGroup{label: name}
			for _, n := range r.o.clients {
				v := 0.0
				if m := r.find(kind, name, n); m != nil {
					v = m.OpsPerSec
				}
				g.values = append(g.values, v)
			}
			p.groups = append(p.groups, g)
		}
		out = append(out, p)
	}
	if r.find(kindGet, "raw LDAP", goalClients) != nil {
		p := panel{title: "get one user at 16 clients: CPU per request (microseconds), dirgate + slapd; dashed: dirgate's 50 us target",
			series: []string{"dirgate", "slapd"}, stacked: true, goal: goalDirgateCPU.Seconds() * 1e6, goalLabel: "50 us"}
		for _, name := range names {
			if m := r.find(kindGet, name, goalClients); m != nil {
				dg := float64(m.DirgateCPU) / 1e3
				if name == "raw LDAP" {
					dg = 0 // dirgate idles during raw LDAP runs
				}
				p.groups = append(p.groups, barGroup{label: name, values: []float64{dg, float64(m.SlapdCPU) / 1e3}})
			}
		}
		out = append(out, p)
	}
	return out
}

func drawPanel(c *canvas, area image.Rectangle, p panel) {
	const left, right, above, below = 70, 20, 40, 45
	plot := image.Rect(area.Min.X+left, area.Min.Y+above, area.Max.X-right, area.Max.Y-below)
	c.text(area.Min.X+left, area.Min.Y+18, "start", ink, p.title)
	// Legend, right-aligned on the title line.
	x := area.Max.X - right
	for i := len(p.series) - 1; i >= 0; i-- {
		wd := charWidth*len(p.series[i]) + 22
		x -= wd
		c.rect(image.Rect(x, area.Min.Y+8, x+12, area.Min.Y+20), palette[i%len(palette)])
		c.text(x+16, area.Min.Y+18, "start", ink, p.series[i])
	}
	top := p.goal
	for _, g := range p.groups {
		sum := 0.0
		for _, v := range g.values {
			if p.stacked {
				sum += v
			} else {
				top = math.Max(top, v)
			}
		}
		top = math.Max(top, sum)
	}
	step := niceStep(top / 5)
	if step == 0 {
		step = 1
	}
	ceil := math.Ceil(top*1.08/step) * step
	y := func(v float64) int { return plot.Max.Y - int(float64(plot.Dy())*v/ceil) }
	for v := 0.0; v <= ceil+step/2; v += step {
		c.rect(image.Rect(plot.Min.X, y(v), plot.Max.X, y(v)+1), grid)
		c.text(plot.Min.X-8, y(v)+4, "end", ink, fmt.Sprintf("%.0f", v))
	}
	c.rect(image.Rect(plot.Min.X, plot.Min.Y, plot.Min.X+1, plot.Max.Y), ink)
	c.rect(image.Rect(plot.Min.X, plot.Max.Y, plot.Max.X, plot.Max.Y+1), ink)
	if len(p.groups) == 0 {
		return
	}
	slot := plot.Dx() / len(p.groups)
	for gi, g := range p.groups {
		x0 := plot.Min.X + gi*slot + slot/8
		inner := slot * 3 / 4
		// "AD-web, read model" on two lines: fifteen groups share the width.
		first, second, _ := strings.Cut(g.label, ", ")
		c.text(plot.Min.X+gi*slot+slot/2, plot.Max.Y+18, "middle", ink, first)
		if second != "" {
			c.text(plot.Min.X+gi*slot+slot/2, plot.Max.Y+32, "middle", ink, second)
		}
		if p.stacked {
			base := 0.0
			for si, v := range g.values {
				c.rect(image.Rect(x0+inner/4, y(base+v), x0+inner*3/4, y(base)), palette[si%len(palette)])
				base += v
			}
			c.text(x0+inner/2, y(base)-4, "middle", ink, fmt.Sprintf("%.0f", base))
			continue
		}
		bw := inner / max(len(g.values), 1)
		for si, v := range g.values {
			bx := x0 + si*bw
			c.rect(image.Rect(bx+1, y(v), bx+bw-1, plot.Max.Y), palette[si%len(palette)])
			label := fmt.Sprintf("%.0f", v)
			if charWidth*len(label) <= bw+14 {
				c.text(bx+bw/2, y(v)-4, "middle", ink, label)
			}
		}
	}
	if p.goal > 0 {
		gy := y(p.goal)
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="5 3"/>`+"\n",
			plot.Min.X, gy+1, plot.Max.X, gy+1, goalRed)
		c.text(plot.Max.X-4, gy-4, "end", goalRed, p.goalLabel)
	}
}

// niceStep rounds a raw grid step to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 0
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// canvas collects the SVG elements of the chart.
type canvas struct{ b strings.Builder }

func (c *canvas) rect(r image.Rectangle, color string) {
	r = r.Canon()
	if r.Empty() {
		return
	}
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", r.Min.X, r.Min.Y, r.Dx(), r.Dy(), color)
}

// text writes s with its baseline at y, anchored at x by its start,
// middle or end.
func (c *canvas) text(x, y int, anchor, color, s string) {
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" text-anchor="%s" fill="%s">`, x, y, anchor, color)
	_ = xml.EscapeText(&c.b, []byte(s)) // a strings.Builder does not fail
	c.b.WriteString("</text>\n")
}

// targetNames lists the targets measured, raw LDAP first, in the order
// they were first measured.
func (r *report) targetNames() []string {
	names := []string{"raw LDAP"}
	for _, m := range r.measurements {
		if !slices.Contains(names, m.Target) {
			names = append(names, m.Target)
		}
	}
	return names
}
