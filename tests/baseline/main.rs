//! The `baseline` processor: statistical properties over many seeds (`properties`) and the
//! real binary end to end, with a real Alertmanager (`binary`). Synthetic sessions come from
//! `generator`.

mod binary;
mod generator;
mod properties;
