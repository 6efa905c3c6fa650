//! The servers under test, each in its own process: parrain with its default
//! configuration (no `PARRAIN_*` variable, no config file), and the bare axum
//! baseline (this binary's hidden `hello` command).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub struct Server {
    child: Child,
    /// The CPU cgroup the process was confined to, removed after it.
    cgroup: Option<PathBuf>,
    pub addr: SocketAddr,
    /// The keys printed on a fresh data directory (empty on a restart).
    pub secret: Option<String>,
    pub publishable: Option<String>,
}

impl Server {
    /// Starts `parrain serve` on a free loopback port of `data_dir`.
    pub fn parrain(binary: &Path, data_dir: &Path) -> anyhow::Result<Self> {
        Self::parrain_on(binary, data_dir, None)
    }

    /// Starts `parrain serve` on a free loopback port, on the PostgreSQL
    /// database at `database_url` if given, else on `data_dir`'s SQLite file
    /// (its log goes next to `data_dir` either way).
    pub fn parrain_on(
        binary: &Path,
        data_dir: &Path,
        database_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        Self::parrain_with(binary, data_dir, database_url, &[])
    }

    /// Like [`Self::parrain_on`], with more flags for `parrain serve`.
    pub fn parrain_with(
        binary: &Path,
        data_dir: &Path,
        database_url: Option<&str>,
        flags: &[&str],
    ) -> anyhow::Result<Self> {
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir);
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        command.args(flags);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PARRAIN_") {
                command.env_remove(name);
            }
        }
        let log = std::fs::File::create(data_dir.with_extension("log"))?;
        command.stderr(log);
        Self::start(command, "parrain listening on http://")
    }

    /// Starts the bare axum hello-world (`parrain-bench hello`).
    pub fn hello() -> anyhow::Result<Self> {
        let mut command = Command::new(std::env::current_exe()?);
        command.arg("hello").stderr(Stdio::inherit());
        Self::start(command, "hello listening on http://")
    }

    fn start(mut command: Command, ready: &str) -> anyhow::Result<Self> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let (mut secret, mut publishable) = (None, None);
        let addr = loop {
            let Some(line) = lines.next().transpose()? else {
                let status = child.wait()?;
                bail!("the server exited ({status}) before listening");
            };
            let last_word = || line.split_whitespace().last().map(str::to_owned);
            if line.starts_with("secret key") {
                secret = last_word();
            } else if line.starts_with("publishable key") {
                publishable = last_word();
            } else if let Some(rest) = line.strip_prefix(ready) {
                let addr = rest.split_whitespace().next().unwrap_or_default();
                break addr.parse().context("listening address")?;
            }
        };
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            cgroup: None,
            addr,
            secret,
            publishable,
        })
    }

    /// Confines the process to `cores` of CPU time: a cgroup of its own
    /// with that quota (cgroup v1's `cpu` controller, or v2's `cpu.max`).
    pub fn confine(&mut self, cores: f64) -> anyhow::Result<()> {
        if cores.is_nan() || cores <= 0.0 {
            bail!("--node-cpus must be more than 0");
        }
        const PERIOD_US: u64 = 10_000;
        let quota = (cores * PERIOD_US as f64).round() as u64;
        let name = format!("parrain-bench-{}", self.pid());
        let v1 = Path::new("/sys/fs/cgroup/cpu");
        let (dir, limits) = if v1.join("cpu.cfs_quota_us").exists() {
            let dir = v1.join(name);
            let limits = vec![
                ("cpu.cfs_period_us", PERIOD_US.to_string()),
                ("cpu.cfs_quota_us", quota.to_string()),
            ];
            (dir, limits)
        } else {
            let dir = Path::new("/sys/fs/cgroup").join(name);
            (dir, vec![("cpu.max", format!("{quota} {PERIOD_US}"))])
        };
        std::fs::create_dir(&dir)
            .with_context(|| format!("creating {} (--node-cpus needs root)", dir.display()))?;
        self.cgroup = Some(dir.clone());
        for (file, value) in limits {
            std::fs::write(dir.join(file), value)
                .with_context(|| format!("writing {}", dir.join(file).display()))?;
        }
        std::fs::write(dir.join("cgroup.procs"), self.pid().to_string())
            .with_context(|| format!("moving the server into {}", dir.display()))?;
        Ok(())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory from `/proc/PID/status`, in MiB.
    pub fn rss_mib(&self) -> f64 {
        rss_mib(self.pid()).unwrap_or(f64::NAN)
    }

    /// SIGTERM, then waits up to 30 s for a clean exit.
    pub fn stop(mut self) -> anyhow::Result<()> {
        Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                if !status.success() {
                    bail!("the server exited with {status}");
                }
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        bail!("the server did not stop within 30 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only on an error path: `stop` has already reaped it otherwise.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.cgroup {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// A fresh directory on the same disk as the build (not tmpfs, so fsync is real).
pub fn fresh_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let dir = root.join(format!("run-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The bare axum hello-world the redirect rate is compared with.
pub async fn serve_hello() -> anyhow::Result<()> {
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("hello listening on http://{}", listener.local_addr()?);
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            terminate.recv().await;
        })
        .await?;
    Ok(())
}
