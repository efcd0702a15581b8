//! spotter's own telemetry: metric names, the Prometheus and health listeners, logging.
