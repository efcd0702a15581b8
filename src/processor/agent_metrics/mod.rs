//! Agent metrics: names, buckets and bounded labels shared by the agent processors.

pub mod labels;
pub mod names;
