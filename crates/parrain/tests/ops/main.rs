//! The real binary: global flags on every subcommand, private files, durability under SIGKILL (sign-ups, share-link clicks, mail, rewards), reward holds that end while it is stopped, the demo, metrics, backup and
//! restore, graceful shutdown, the doctor, webhook
//! deliveries that ignore proxies.

mod admin;
mod backup;
mod cli;
mod click_crash;
mod crash;
mod demo;
mod doctor;
mod files;
mod harness;
mod hold_restart;
mod import;
mod lock;
mod mail_crash;
mod metrics;
mod reward_crash;
mod shutdown;
mod webhooks;
