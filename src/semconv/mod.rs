//! Attribute keys of every agent instrumentation convention, and typed views over spans.
