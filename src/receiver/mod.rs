//! OTLP receivers: gRPC and HTTP listeners that decode requests and hand them to the pipeline.
