//! What the load needs in place: offers, participants and their codes
//! (through the public API), and a large activity log (written straight
//! into the SQLite file while parrain is stopped: the HTTP path cannot add
//! ten million rows within a benchmark's time budget).

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use r2d2_sqlite::rusqlite::{self, params};
use serde_json::{json, Value};

use crate::load::Addresses;

/// A client of parrain's API, sending from one loopback source address.
pub struct Api {
    base: String,
    pub secret: String,
    pub publishable: String,
    client: reqwest::Client,
}

impl Api {
    pub fn new(
        addr: SocketAddr,
        secret: &str,
        publishable: &str,
        from: IpAddr,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            base: format!("http://{addr}"),
            secret: secret.to_owned(),
            publishable: publishable.to_owned(),
            client: reqwest::Client::builder()
                .local_address(from)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    pub async fn post(&self, path: &str, key: &str, body: &Value) -> anyhow::Result<Value> {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(key)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("POST {path}: {status} {body}");
        }
        Ok(body)
    }

    /// Sends `text` as an upload of `content_type` with the secret key
    /// (`PUT` or `POST`).
    pub async fn upload(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        text: String,
    ) -> anyhow::Result<Value> {
        let response = self
            .client
            .request(method.parse()?, format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .header("content-type", content_type)
            .body(text)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{method} {path}: {status} {body}");
        }
        Ok(body)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.secret)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("GET {path}: {status} {body}");
        }
        Ok(body)
    }

    /// Creates and approves an offer with this goal; returns its id.
    pub async fn live_offer(&self, goal: Value) -> anyhow::Result<String> {
        self.live_offer_with(json!({
            "name": "Benchmark offer",
            "goal": goal,
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {"fulfillment": {"subject": "Your reward", "text": "Thanks"}}
        }))
        .await
    }

    /// Creates and approves an offer with these settings; returns its id.
    pub async fn live_offer_with(&self, settings: Value) -> anyhow::Result<String> {
        let offer = self.post("/v1/offers", &self.secret, &settings).await?;
        let id = offer["id"].as_str().context("offer id")?.to_owned();
        self.post(
            &format!("/v1/offers/{id}/approve"),
            &self.secret,
            &json!({}),
        )
        .await?;
        Ok(id)
    }

    /// Signs up a participant; returns its id and share code.
    pub async fn participant(&self, offer: &str, email: &str) -> anyhow::Result<(String, String)> {
        let path = format!("/v1/offers/{offer}/participants");
        let p = self
            .post(&path, &self.secret, &json!({"email": email}))
            .await?;
        let id = p["id"].as_str().context("participant id")?;
        let code = p["code"].as_str().context("participant code")?;
        Ok((id.to_owned(), code.to_owned()))
    }
}

/// A valid id body (`vis_…`, `act_…`) that is unique per `n`: `n` in
/// parrain's base32 alphabet, padded to 20 characters.
pub fn id(prefix: &str, tag: u8, mut n: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut body = [b'0'; 20];
    body[0] = ALPHABET[usize::from(tag) % 32];
    for slot in body.iter_mut().skip(1).rev() {
        *slot = ALPHABET[(n % 32) as usize];
        n /= 32;
    }
    format!("{prefix}_{}", String::from_utf8_lossy(&body))
}

pub fn count_activities(db: &Path) -> anyhow::Result<u64> {
    let conn = rusqlite::Connection::open(db)?;
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM activities", [], |r| r.get(0))?;
    Ok(u64::try_from(n)?)
}

/// The clicks of the click log past the last one the database recorded.
const WAITING: &str = "SELECT count(*) FROM clicks.journal
                       WHERE seq > (SELECT seq FROM main.click_applied)";

/// Share-link clicks as the files have them while parrain serves: those
/// waiting in the click log (`parrain.db-clicks`) and those recorded
/// (`clicks_shared_link` activities). Read in one statement on read-only
/// connections, which never block parrain's threads; a click is in one or
/// the other, since the log keeps a row until after the database has
/// recorded it.
pub struct Clicks {
    conn: rusqlite::Connection,
}

impl Clicks {
    pub fn open(db: &Path) -> anyhow::Result<Self> {
        let conn = rusqlite::Connection::open_with_flags(
            db,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // The click log beside the database (parrain made it on opening).
        let mut log = db.as_os_str().to_owned();
        log.push("-clicks");
        let log = std::path::PathBuf::from(log);
        conn.execute(
            "ATTACH DATABASE ?1 AS clicks",
            [format!("file:{}?mode=ro", log.display())],
        )?;
        Ok(Self { conn })
    }

    /// Clicks answered and not yet recorded.
    pub fn waiting(&self) -> anyhow::Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(WAITING)?
            .query_row([], |r| r.get(0))?;
        Ok(u64::try_from(n)?)
    }

    /// (waiting, recorded), read together.
    pub fn now(&self) -> anyhow::Result<(u64, u64)> {
        let (waiting, recorded): (i64, i64) = self
            .conn
            .prepare_cached(&format!(
                "SELECT ({WAITING}),
                            (SELECT count(*) FROM activities WHERE type = 'clicks_shared_link')"
            ))?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((u64::try_from(waiting)?, u64::try_from(recorded)?))
    }
}

/// Adds `custom_event` activities of `participant` in `offer` until the log
/// holds `target` rows; returns how many were added. parrain must be stopped.
pub fn fill_activities(
    db: &Path,
    offer: &str,
    participant: &str,
    target: u64,
) -> anyhow::Result<u64> {
    let have = count_activities(db)?;
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let mut added = 0;
    while have + added < target {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO activities (id, type, offer_id, participant_id, visitor_id, details, occurred_at)
                 VALUES (?1, 'custom_event', ?2, ?3, ?4, '{\"name\":\"preloaded\"}', ?5)",
            )?;
            let chunk = (target - have - added).min(100_000);
            let mut seqs = (i64::MAX, i64::MIN);
            for n in added..added + chunk {
                // Numbered from the current size, so a second fill never repeats an id.
                let n = have + n;
                insert.execute(params![
                    id("act", 30, n),
                    offer,
                    participant,
                    id("vis", 30, n),
                    now
                ])?;
                let seq = tx.last_insert_rowid();
                seqs = (seqs.0.min(seq), seqs.1.max(seq));
            }
            // What parrain's own writes would have added to the report's hours.
            tx.execute(
                "INSERT INTO activity_hours (offer_id, hour, type, count, sessions, referred_sessions,
                                             referred_sign_ups, first_seq, last_seq)
                 VALUES (?1, ?2 / 3600000 * 3600000, 'custom_event', ?3, 0, 0, 0, ?4, ?5)
                 ON CONFLICT (offer_id, hour, type, key) DO UPDATE SET
                    count = count + excluded.count,
                    first_seq = MIN(first_seq, excluded.first_seq),
                    last_seq = MAX(last_seq, excluded.last_seq)",
                params![offer, now, chunk as i64, seqs.0, seqs.1],
            )?;
            added += chunk;
        }
        tx.commit()?;
    }
    Ok(added)
}

/// Times `samples` credit checks: each a new friend whose visit is attributed
/// to one of `codes` (not timed), then the `track/event` that credits it
/// (timed). Friends go round the referrers, so none nears the default fraud
/// rule's 100 credits an hour. Returns the latencies in milliseconds, sorted.
pub async fn credit_checks(
    addr: SocketAddr,
    keys: (&str, &str),
    addresses: &Addresses,
    offer: &str,
    codes: &[String],
    samples: u64,
    round: u8,
) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::new();
    let mut api = Api::new(addr, keys.0, keys.1, addresses.next())?;
    for n in 0..samples {
        if n % 50 == 49 {
            // Two calls a sample: stay well inside one address's burst.
            api = Api::new(addr, keys.0, keys.1, addresses.next())?;
        }
        let friend = id("vis", round, n);
        let visit = json!({"offer_id": offer, "visitor_id": friend, "referral_code": codes[n as usize % codes.len()]});
        api.post("/v1/track/visit", &api.publishable, &visit)
            .await?;
        let event = json!({"offer_id": offer, "visitor_id": friend, "name": "purchase"});
        let started = Instant::now();
        let out = api
            .post("/v1/track/event", &api.publishable, &event)
            .await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if out["credited"] != json!(true) {
            bail!("the credit check did not credit: {out}");
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// Gives `offer` `count` participants (people, participants and their
/// sign-up activities, one in ten referred by an earlier one and crediting
/// it), spread over the 30 days before now; the offer is backdated to start
/// then. parrain must be stopped.
pub fn fill_participants(db: &Path, offer: &str, count: u64) -> anyhow::Result<()> {
    const DAY: i64 = 24 * 3600 * 1000;
    let mut conn = rusqlite::Connection::open(db)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let start = now - 30 * DAY;
    conn.execute(
        "UPDATE offers SET created_at = ?2 WHERE id = ?1",
        params![offer, start],
    )?;
    let span = (now - start - 60_000).max(1);
    let mut n = 0;
    while n < count {
        let tx = conn.transaction()?;
        {
            let mut person = tx
                .prepare_cached("INSERT INTO people (id, email, created_at) VALUES (?1, ?2, ?3)")?;
            let mut participant = tx.prepare_cached(
                "INSERT INTO participants (id, offer_id, person_id, code, referred_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut credit =
                tx.prepare_cached("UPDATE participants SET credit = credit + 1 WHERE id = ?1")?;
            let mut activity = tx.prepare_cached(
                "INSERT INTO activities (id, type, offer_id, participant_id, person_id, details, occurred_at)
                 VALUES (?1, 'signs_up_for_referral_offer', ?2, ?3, ?4, ?5, ?6)",
            )?;
            let end = (n + 100_000).min(count);
            while n < end {
                let at = start + (i128::from(n) * i128::from(span) / i128::from(count)) as i64;
                let (person_id, participant_id) = (id("per", 29, n), id("par", 29, n));
                let referrer = (n % 10 == 9).then(|| id("par", 29, n / 10));
                person.execute(params![person_id, format!("loaded{n}@example.com"), at])?;
                participant.execute(params![
                    participant_id,
                    offer,
                    person_id,
                    format!("L{n:09}"),
                    referrer,
                    at
                ])?;
                if let Some(referrer) = &referrer {
                    credit.execute([referrer])?;
                }
                let details =
                    serde_json::json!({"referred_by": referrer, "marketing_consent": null});
                activity.execute(params![
                    id("act", 29, n),
                    offer,
                    participant_id,
                    person_id,
                    details.to_string(),
                    at
                ])?;
                n += 1;
            }
        }
        tx.commit()?;
    }
    // What parrain's own writes would have added to the offer's count and
    // the report's hours.
    conn.execute(
        "UPDATE offers SET participants = (SELECT COUNT(*) FROM participants WHERE offer_id = ?1)
         WHERE id = ?1",
        [offer],
    )?;
    conn.execute("DELETE FROM activity_hours WHERE offer_id = ?1", [offer])?;
    conn.execute(
        "INSERT INTO activity_hours (offer_id, hour, type, key, count, sessions,
                                     referred_sessions, referred_sign_ups, first_seq, last_seq)
         SELECT offer_id, occurred_at / 3600000 * 3600000, type,
                CASE WHEN type IN ('shares_content', 'clicks_shared_link')
                       THEN COALESCE(json_extract(details, '$.channel'), 'link')
                     WHEN type = 'signs_up_for_referral_offer'
                       AND json_extract(details, '$.referred_by') IS NOT NULL THEN 'link'
                     ELSE '' END,
                COUNT(*),
                SUM(CASE WHEN json_extract(details, '$.new_session') THEN 1 ELSE 0 END),
                SUM(CASE WHEN json_extract(details, '$.new_session')
                          AND json_extract(details, '$.referred') THEN 1 ELSE 0 END),
                SUM(CASE WHEN json_extract(details, '$.referred_by') IS NOT NULL THEN 1 ELSE 0 END),
                MIN(seq), MAX(seq)
         FROM activities WHERE offer_id = ?1
         GROUP BY 1, 2, 3, 4",
        [offer],
    )?;
    Ok(())
}

/// Times `samples` requests of the offer's report (its default window:
/// the offer's life, by day); returns the latencies in milliseconds, sorted.
pub async fn reports(api: &Api, offer: &str, samples: u64) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        let report = api.get(&format!("/v1/offers/{offer}/report")).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if report.is_null() {
            bail!("the report is empty");
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}
