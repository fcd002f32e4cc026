package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The chart: throughput of reading and of creating a user per target and
// concurrency, and where the CPU of a read goes at 16 clients. Drawn
// here with the standard image packages and x/image's fixed 7x13 font,
// so `make load` needs no plotting tool.

var (
	white   = color.RGBA{255, 255, 255, 255}
	ink     = color.RGBA{30, 30, 30, 255}
	grid    = color.RGBA{225, 225, 225, 255}
	palette = []color.RGBA{{120, 170, 220, 255}, {40, 100, 170, 255}, {10, 45, 95, 255}, {230, 140, 60, 255}}
	goalRed = color.RGBA{200, 40, 40, 255}
)

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
	img := image.NewRGBA(image.Rect(0, 0, w, ph*max(len(panels), 1)))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	for i, p := range panels {
		drawPanel(img, image.Rect(0, i*ph, w, (i+1)*ph), p)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chartPanels turns the measurements into the three panels.
func (r *report) chartPanels() []panel {
	var out []panel
	var names []string
	names = append(names, "raw LDAP")
	for _, d := range dialects {
		names = append(names, d.name)
	}
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

func drawPanel(img *image.RGBA, area image.Rectangle, p panel) {
	const left, right, above, below = 70, 20, 40, 45
	plot := image.Rect(area.Min.X+left, area.Min.Y+above, area.Max.X-right, area.Max.Y-below)
	text(img, area.Min.X+left, area.Min.Y+18, p.title, ink)
	// Legend, right-aligned on the title line.
	x := area.Max.X - right
	for i := len(p.series) - 1; i >= 0; i-- {
		wd := 7*len(p.series[i]) + 22
		x -= wd
		fill(img, image.Rect(x, area.Min.Y+8, x+12, area.Min.Y+20), palette[i%len(palette)])
		text(img, x+16, area.Min.Y+18, p.series[i], ink)
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
		fill(img, image.Rect(plot.Min.X, y(v), plot.Max.X, y(v)+1), grid)
		label := fmt.Sprintf("%.0f", v)
		text(img, plot.Min.X-8-7*len(label), y(v)+4, label, ink)
	}
	fill(img, image.Rect(plot.Min.X, plot.Min.Y, plot.Min.X+1, plot.Max.Y), ink)
	fill(img, image.Rect(plot.Min.X, plot.Max.Y, plot.Max.X, plot.Max.Y+1), ink)
	if len(p.groups) == 0 {
		return
	}
	slot := plot.Dx() / len(p.groups)
	for gi, g := range p.groups {
		x0 := plot.Min.X + gi*slot + slot/8
		inner := slot * 3 / 4
		text(img, plot.Min.X+gi*slot+slot/2-7*len(g.label)/2, plot.Max.Y+18, g.label, ink)
		if p.stacked {
			base := 0.0
			for si, v := range g.values {
				fill(img, image.Rect(x0+inner/4, y(base+v), x0+inner*3/4, y(base)), palette[si%len(palette)])
				base += v
			}
			label := fmt.Sprintf("%.0f", base)
			text(img, x0+inner/2-7*len(label)/2, y(base)-4, label, ink)
			continue
		}
		bw := inner / max(len(g.values), 1)
		for si, v := range g.values {
			bx := x0 + si*bw
			fill(img, image.Rect(bx+1, y(v), bx+bw-1, plot.Max.Y), palette[si%len(palette)])
			label := fmt.Sprintf("%.0f", v)
			if 7*len(label) <= bw+14 {
				text(img, bx+bw/2-7*len(label)/2, y(v)-4, label, ink)
			}
		}
	}
	if p.goal > 0 {
		gy := y(p.goal)
		for gx := plot.Min.X; gx < plot.Max.X; gx += 8 {
			fill(img, image.Rect(gx, gy, gx+5, gy+2), goalRed)
		}
		text(img, plot.Max.X-7*len(p.goalLabel)-4, gy-4, p.goalLabel, goalRed)
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

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r.Canon(), image.NewUniform(c), image.Point{}, draw.Src)
}

// text draws s with its baseline at y.
func text(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
