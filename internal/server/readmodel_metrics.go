package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// registerReadModel exports a domain's read model: how far behind the
// directory it may be, how many reads it answered or passed on, and
// whether its stream resumed or reloaded after breaks.
func registerReadModel(m *Metrics, domain string, rm *readmodel.Directory) {
	labels := prometheus.Labels{"domain": domain}
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "dirgate_readmodel_lag_seconds",
			Help:        "Age of the read model's last proof that it held every change of the directory; -1 while it does not serve (off, loading, stream down).",
			ConstLabels: labels,
		}, func() float64 {
			lag, ok := rm.Lag()
			if !ok {
				return -1
			}
			return lag.Seconds()
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "dirgate_readmodel_reads_total",
			Help:        "Reads of a domain with a read model, by who answered them: the model itself or the directory.",
			ConstLabels: prometheus.Labels{"domain": domain, "answeredBy": "model"},
		}, func() float64 { return float64(rm.Stats().Served) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "dirgate_readmodel_reads_total",
			Help:        "Reads of a domain with a read model, by who answered them: the model itself or the directory.",
			ConstLabels: prometheus.Labels{"domain": domain, "answeredBy": "directory"},
		}, func() float64 { return float64(rm.Stats().Routed) }),
		// Resume or reload after a break, told from outside: a reconnect
		// that resumed from the cookie counts a resume and no load.
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "dirgate_readmodel_loads_total",
			Help:        "Full loads of the read model: one at start, one more each time the change stream could not resume from its cookie.",
			ConstLabels: labels,
		}, func() float64 { return float64(rm.Stats().Loads) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "dirgate_readmodel_resumes_total",
			Help:        "Restarts of the read model's change stream from its cookie after a break (those the server refused also count a load).",
			ConstLabels: labels,
		}, func() float64 { return float64(rm.Stats().Resumes) }),
	)
}
