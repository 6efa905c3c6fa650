//! Real headless Chromium over WebDriver: one `chromedriver` per test, one
//! browser (with its own fresh profile) per person the test plays.
//!
//! `scenario()` runs a test body with a time limit; when the body fails, a
//! screenshot of every open browser goes to `target/browser-failures/` before
//! the failure is passed on, and the browsers are always shut down.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long a whole test may take before it is failed (with screenshots).
const TEST_LIMIT: Duration = Duration::from_secs(180);
/// How long a wait for something on a page may take.
pub const WAIT: Duration = Duration::from_secs(20);

fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from("chromedriver"), PathBuf::from)
}

fn chromium_path() -> Option<String> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Some(path);
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .map(str::to_owned)
}

/// A `chromedriver` process on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        let port = parrain_testkit::free_port();
        let child = Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "could not start chromedriver ({e}). The browser tests need Chromium and \
                     its WebDriver: `apt-get install chromium chromium-driver` (or set \
                     CHROMEDRIVER and CHROMIUM to their paths)"
                )
            });
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < WAIT,
                "chromedriver did not listen on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a test body gets: a way to open browsers.
#[derive(Clone)]
pub struct Chrome {
    driver: Arc<Driver>,
    open: Arc<Mutex<Vec<(String, Client)>>>,
    profiles: Arc<Mutex<Vec<tempfile::TempDir>>>,
}

impl Chrome {
    /// A new browser with its own fresh profile (cookies, local storage):
    /// another person on another computer. `who` names it in screenshots.
    pub async fn open(&self, who: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-background-networking".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-component-update".into(),
            "--no-first-run".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.push("--lang=en-US".into());
        let mut options = json!({ "args": args });
        if let Some(binary) = chromium_path() {
            options["binary"] = json!(binary);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.driver.url)
            .await
            .unwrap_or_else(|e| panic!("could not start Chromium through chromedriver: {e}"));
        self.open
            .lock()
            .unwrap()
            .push((who.to_owned(), client.clone()));
        self.profiles.lock().unwrap().push(profile);
        Browser {
            client,
            who: who.to_owned(),
        }
    }

    async fn close_all(&self) {
        let open = std::mem::take(&mut *self.open.lock().unwrap());
        for (_, client) in open {
            let _ = client.close().await;
        }
    }

    async fn screenshots(&self, test: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-failures");
        let _ = std::fs::create_dir_all(&dir);
        let open = self.open.lock().unwrap().clone();
        for (who, client) in open {
            let file = dir.join(format!("{test}-{who}.png"));
            let saved = match client.screenshot().await {
                Ok(png) => std::fs::write(&file, png).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match saved {
                Ok(()) => eprintln!("screenshot of {who}'s browser: {}", file.display()),
                Err(e) => eprintln!("could not save a screenshot of {who}'s browser: {e}"),
            }
        }
    }
}

/// Runs a browser test: starts chromedriver, runs `body`, and on failure or
/// time-out saves screenshots before failing. Browsers are always closed.
pub async fn scenario<F, Fut>(test: &str, body: F)
where
    F: FnOnce(Chrome) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let chrome = Chrome {
        driver: Arc::new(Driver::start().await),
        open: Arc::default(),
        profiles: Arc::default(),
    };
    let run = tokio::spawn(body(chrome.clone()));
    let outcome = tokio::time::timeout(TEST_LIMIT, run).await;
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) if e.is_panic() => Some(e.into_panic()),
        Ok(Err(e)) => Some(Box::new(format!("the test task failed: {e}")) as _),
        Err(_) => Some(Box::new(format!("the test took longer than {TEST_LIMIT:?}")) as _),
    };
    if failure.is_some() {
        chrome.screenshots(test).await;
    }
    chrome.close_all().await;
    if let Some(panic) = failure {
        std::panic::resume_unwind(panic);
    }
}

/// One person's browser.
pub struct Browser {
    pub client: Client,
    who: String,
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("{}: opening {url}: {e}", self.who));
    }

    pub async fn url(&self) -> url::Url {
        self.client.current_url().await.unwrap()
    }

    /// Runs a script in the page (its `arguments` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("{}: script failed: {e}\n{script}", self.who))
    }

    /// Waits until `script` returns something truthy; returns it.
    pub async fn wait_until(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(Value::Null);
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return value;
            }
            assert!(
                started.elapsed() < WAIT,
                "{}: waited {WAIT:?} for {what}",
                self.who
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("{}: clicking {css}: {e}", self.who));
    }
}
