package server

import (
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dirgate/dirgate/internal/console"
)

// Metrics holds dirgate's Prometheus collectors in a registry of their
// own, so tests and several servers in one process never collide on the
// global one.
type Metrics struct {
	Registry *prometheus.Registry

	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	dirOps    *prometheus.HistogramVec
	dirErrors *prometheus.CounterVec

	// lastDirError holds each domain's last directoryFault, for the
	// console's health view.
	lastDirMu    sync.Mutex
	lastDirError map[string]console.DirectoryError
}

// NewMetrics registers dirgate's collectors, with the Go runtime's and the
// process's.
func NewMetrics(version string) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dirgate_http_requests_total",
			Help: "HTTP requests answered, by dialect, route, method and status code.",
		}, []string{"dialect", "route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dirgate_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by dialect and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"dialect", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dirgate_http_requests_in_flight",
			Help: "HTTP requests being answered now.",
		}),
		dirOps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dirgate_directory_operation_duration_seconds",
			Help:    "Time of a directory (backend) operation, by domain and operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"domain", "operation"}),
		dirErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dirgate_directory_operation_errors_total",
			Help: "Directory operations that returned an error, by domain, operation and kind of error (the port's sentinel).",
		}, []string{"domain", "operation", "error"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "dirgate_build_info",
		Help:        "Always 1; the version label says which dirgate runs.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.Registry.MustRegister(m.requests, m.latency, m.inFlight, m.dirOps, m.dirErrors, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// knownMethods bounds the method label: anything else is "OTHER".
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

func methodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "OTHER"
}

func (m *Metrics) noteDirectoryError(domain, op, kind string) {
	m.lastDirMu.Lock()
	defer m.lastDirMu.Unlock()
	if m.lastDirError == nil {
		m.lastDirError = map[string]console.DirectoryError{}
	}
	m.lastDirError[domain] = console.DirectoryError{Time: time.Now(), Operation: op, Kind: kind}
}

// LastDirectoryError is a domain's last directory fault since the start.
func (m *Metrics) LastDirectoryError(domain string) (console.DirectoryError, bool) {
	m.lastDirMu.Lock()
	defer m.lastDirMu.Unlock()
	e, ok := m.lastDirError[domain]
	return e, ok
}
