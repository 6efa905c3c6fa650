//! Operating the real binary: metrics, backup and restore, graceful
//! shutdown, the doctor.

mod harness;
mod metrics;
