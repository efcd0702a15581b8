//! Processor-level tests: finished sessions in, alerts out.
