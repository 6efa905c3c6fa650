//! Operating the real binary: metrics, backup and restore, graceful
//! shutdown, the doctor.

mod backup;
mod harness;
mod metrics;
mod shutdown;
