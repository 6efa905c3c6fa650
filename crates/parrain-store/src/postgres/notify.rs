//! Waking the workers of every node when jobs are queued: `LISTEN/NOTIFY`
//! on the channel [`CHANNEL`], whose payload is the job kind.
//!
//! After a write that queued jobs commits, its node rings its own bell at
//! once and hands the kinds to a notifier thread, which sends one `NOTIFY`
//! per kind for everything handed to it since its last round. The request
//! never waits for that: a transaction that notifies takes a lock shared by
//! the whole database at its commit, which the request flows must not
//! queue on. A listener thread (started with the first worker) turns the
//! notifications of every node into rings of this node's bell.
//!
//! Each thread has a connection of its own, opened and closed on it (the
//! driver's connections must not be dropped on an async thread). A
//! notification is a hint: if a connection is lost, the workers' polling
//! still finds the jobs, and once the listener is back it rings for every
//! kind, since notifications sent meanwhile are gone.

use std::collections::BTreeSet;
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use crate::{JobBell, JobsQueued};

/// The channel the nodes notify each other on.
pub(crate) const CHANNEL: &str = "parrain_jobs";

/// How long the listener waits between checks that its store still exists.
const LISTEN_TICK: Duration = Duration::from_millis(500);

/// How long a thread waits before connecting again after a failure.
const RECONNECT: Duration = Duration::from_secs(1);

/// This node's bell, and the threads that carry its rings to the others.
/// Dropped with the last clone of the store, which stops both threads.
pub(crate) struct Announcer {
    config: postgres::Config,
    bell: JobBell,
    notifier: Mutex<Option<mpsc::Sender<String>>>,
    listener: OnceLock<mpsc::Sender<()>>,
}

impl Announcer {
    pub(crate) fn new(config: postgres::Config) -> Self {
        Self {
            config,
            bell: JobBell::default(),
            notifier: Mutex::new(None),
            listener: OnceLock::new(),
        }
    }

    /// Jobs of these kinds were committed on this node.
    pub(crate) fn queued(&self, kinds: Vec<String>) {
        if kinds.is_empty() {
            return;
        }
        for kind in &kinds {
            self.bell.ring(kind);
        }
        let mut notifier = self.notifier.lock().unwrap_or_else(|e| e.into_inner());
        let sender = notifier.get_or_insert_with(|| start_notifier(self.config.clone()));
        for kind in kinds {
            if sender.send(kind).is_err() {
                // The thread could not start; the other nodes' polling finds the jobs.
                return;
            }
        }
    }

    /// Listens for jobs of `kind` queued on any node.
    pub(crate) fn listen(&self, kind: &str) -> JobsQueued {
        self.listener
            .get_or_init(|| start_listener(self.config.clone(), self.bell.clone()));
        self.bell.listen(kind)
    }
}

fn start_notifier(config: postgres::Config) -> mpsc::Sender<String> {
    let (sender, inbox) = mpsc::channel::<String>();
    let spawned = std::thread::Builder::new()
        .name("parrain-notifier".into())
        .spawn(move || notify(&config, &inbox));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the job notifier; other nodes will poll");
    }
    sender
}

/// Sends what is handed to it until the store is gone.
fn notify(config: &postgres::Config, inbox: &mpsc::Receiver<String>) {
    let mut client: Option<Client> = None;
    let mut failing = false;
    while let Ok(first) = inbox.recv() {
        let mut kinds = BTreeSet::from([first]);
        kinds.extend(inbox.try_iter());
        let kinds: Vec<String> = kinds.into_iter().collect();
        if client.is_none() {
            // The notification is a hint: no need to wait for its commit to reach the disk.
            client = connect(config, "SET synchronous_commit TO off").ok();
        }
        let sent = match &mut client {
            Some(c) => c
                .execute(
                    "SELECT pg_notify($1, kind) FROM unnest($2::text[]) AS kind",
                    &[&CHANNEL, &kinds],
                )
                .map(drop)
                .map_err(|e| e.to_string()),
            None => Err("no connection".into()),
        };
        match sent {
            Ok(()) => failing = false,
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "notifying other nodes of new jobs failed; they will poll");
                }
                failing = true;
                client = None;
            }
        }
    }
}

fn start_listener(config: postgres::Config, bell: JobBell) -> mpsc::Sender<()> {
    let (stop, stopped) = mpsc::channel::<()>();
    let spawned = std::thread::Builder::new()
        .name("parrain-listener".into())
        .spawn(move || listen(&config, &bell, &stopped));
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the job listener; workers will poll");
    }
    stop
}

/// Rings the bell for every notification until the store is gone.
fn listen(config: &postgres::Config, bell: &JobBell, stopped: &mpsc::Receiver<()>) {
    let gone = || matches!(stopped.try_recv(), Err(TryRecvError::Disconnected));
    let mut failing = false;
    while !gone() {
        let mut client = match connect(config, &format!("LISTEN {CHANNEL}")) {
            Ok(client) => client,
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "cannot listen for new jobs; the workers poll meanwhile");
                }
                failing = true;
                match stopped.recv_timeout(RECONNECT) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => return,
                }
            }
        };
        failing = false;
        // What was notified while this node was not listening is lost.
        bell.ring_all();
        while !gone() {
            let mut notifications = client.notifications();
            let mut arrived = notifications.timeout_iter(LISTEN_TICK);
            match arrived.next() {
                Ok(Some(n)) => bell.ring(n.payload()),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "listening for new jobs failed; connecting again");
                    break;
                }
            }
        }
    }
}

/// Connects and runs `setup`.
fn connect(config: &postgres::Config, setup: &str) -> Result<Client, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(setup)?;
    Ok(client)
}
