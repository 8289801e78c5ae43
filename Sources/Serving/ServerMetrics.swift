import Prometheus

/// What `GET /metrics` reports, in Prometheus's text format:
///
///     nlp_requests_total{endpoint, status}            requests answered
///     nlp_request_errors_total{endpoint}              of them with a status of 400 or more
///     nlp_request_duration_seconds{endpoint}          latency histogram, arrival to response
///     nlp_sentences_total{task}                       texts decoded
///     nlp_batch_sentences_count                       histogram of the worker's batch sizes
///     nlp_queue_sentences_count                       texts queued now
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let batchSentences: ValueHistogram
    let queueSentences: Gauge
    static let latencyBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].map { .milliseconds($0) }
    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "nlp", metricName: "requests", unitName: "total", helpText: "HTTP requests answered") }
    static var errors: MetricNameDescriptor { MetricNameDescriptor(namespace: "nlp", metricName: "request_errors", unitName: "total",
                                             helpText: "HTTP requests answered with a status of 400 or more") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "nlp", metricName: "request_duration", unitName: "seconds",
                                              helpText: "From request arrival to response") }
    static var sentences: MetricNameDescriptor { MetricNameDescriptor(namespace: "nlp", metricName: "sentences", unitName: "total", helpText: "Texts decoded") }

    public init() {
        batchSentences = registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(namespace: "nlp", metricName: "batch_sentences", unitName: "count",
                                             helpText: "Sentences decoded together by the inference worker"),
            labels: [], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        queueSentences = registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "nlp", metricName: "queue_sentences", unitName: "count",
                                             helpText: "Sentences waiting for the inference worker"),
            labels: [])
    }

    func recordRequest(endpoint: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("endpoint", endpoint), ("status", String(status))]).increment()
        if status >= 400 {
            registry.makeCounter(descriptor: Self.errors, labels: [("endpoint", endpoint)]).increment()
        }
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("endpoint", endpoint)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    func recordSentences(task: String, count: Int) {
        registry.makeCounter(descriptor: Self.sentences, labels: [("task", task)]).increment(by: Int64(count))
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}
