package console

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector exports the recorder to /metrics. Its labels are the series'
// keys — dialect, endpoint (a route template or method) and credential id
// — so their number is the recorder's bound; addresses and User-Agents
// are never labels.
func (r *Recorder) Collector() prometheus.Collector { return recorderCollector{r} }

var (
	clientRequestsDesc = prometheus.NewDesc("dirgate_client_requests_total",
		"Requests per dialect, endpoint and client credential since the process started; credential \"other\" past console.maxClients.",
		[]string{"dialect", "endpoint", "credential"}, nil)
	clientErrorsDesc = prometheus.NewDesc("dirgate_client_errors_total",
		"Requests answered with an HTTP status of 400 or more, per dialect, endpoint and client credential.",
		[]string{"dialect", "endpoint", "credential"}, nil)
	clientLastSeenDesc = prometheus.NewDesc("dirgate_client_last_seen_timestamp_seconds",
		"When a client credential last called a dialect (Unix time), for retirement dashboards.",
		[]string{"dialect", "credential"}, nil)
	clientSeriesDesc = prometheus.NewDesc("dirgate_client_series",
		"Client series the console's recorder holds (at most console.maxClients plus one \"other\" per endpoint).",
		nil, nil)
)

type recorderCollector struct{ r *Recorder }

func (c recorderCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- clientRequestsDesc
	ch <- clientErrorsDesc
	ch <- clientLastSeenDesc
	ch <- clientSeriesDesc
}

func (c recorderCollector) Collect(ch chan<- prometheus.Metric) {
	r := c.r
	r.mu.Lock()
	defer r.mu.Unlock()
	type client struct{ dialect, credential string }
	last := map[client]float64{}
	for k, s := range r.series {
		ch <- prometheus.MustNewConstMetric(clientRequestsDesc, prometheus.CounterValue, float64(s.requests), k.Dialect, k.Endpoint, k.Credential)
		ch <- prometheus.MustNewConstMetric(clientErrorsDesc, prometheus.CounterValue, float64(s.errors), k.Dialect, k.Endpoint, k.Credential)
		cl := client{k.Dialect, k.Credential}
		if t := float64(s.lastSeen.UnixNano()) / 1e9; t > last[cl] {
			last[cl] = t
		}
	}
	for cl, t := range last {
		ch <- prometheus.MustNewConstMetric(clientLastSeenDesc, prometheus.GaugeValue, t, cl.dialect, cl.credential)
	}
	ch <- prometheus.MustNewConstMetric(clientSeriesDesc, prometheus.GaugeValue, float64(len(r.series)))
}
