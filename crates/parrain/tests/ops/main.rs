//! The real binary: global flags on every subcommand, private files, durability under SIGKILL, the demo, metrics, backup and
//! restore, graceful shutdown, the doctor, webhook
//! deliveries that ignore proxies.

mod admin;
mod backup;
mod cli;
mod crash;
mod demo;
mod doctor;
mod files;
mod harness;
mod import;
mod lock;
mod mail_crash;
mod metrics;
mod shutdown;
mod webhooks;
