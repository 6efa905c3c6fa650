//! Operating the real binary: metrics, backup and restore, graceful
//! shutdown, the doctor.

mod backup;
mod doctor;
mod harness;
mod metrics;
mod shutdown;
