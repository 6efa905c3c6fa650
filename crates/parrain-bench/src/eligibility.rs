//! `--eligibility`: what SPEC §15 adds to the credit check. One parrain,
//! two offers with the same goal: a plain one (v1's attribution) and a
//! guarded one, with the four attribution methods (`link`, `email`,
//! `coupon`, `name`) and an existing-customer list of `--customers`
//! SHA-256 hashes uploaded through the API. The credit checks of both are
//! timed in the same run, interleaved sample by sample so the machine's
//! load falls on each alike:
//!
//! - the plain check as the main run times it (a friend's visit through a
//!   code, then its `track/event`);
//! - the same with a friend whose browser was identified by email first
//!   (a secret-key `track/identify`, not timed), so the friend is a person;
//! - the guarded offer with such a friend: the email is hashed and looked up
//!   in the list (not on it, so the credit counts) and every method is
//!   tried in order.
//!
//! - a plain offer with 20 rewards (SPEC §11: eighteen milestones, one
//!   every N credits, one at the goal; two draw from promo-code pools), the
//!   anonymous friend of the first: each credit works out which of the 20
//!   it reaches. The milestones are set beyond the credits the run gives,
//!   so the figure is the cost of having them, not of giving one (a reward
//!   reached does its own work: a code, an email, a webhook).
//!
//! One friend on the list is checked last, to show the list is the one
//! the guarded check read: its event credits nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::load::Addresses;
use crate::server::Server;
use crate::setup::{id, Api};
use crate::{median, p99, Args};

/// Hashes per upload request: 65 bytes a line, well inside the 4 MiB body.
const PER_UPLOAD: u64 = 50_000;
/// Referrers of each offer, whom the friends go round.
const REFERRERS: usize = 50;

/// The email of existing customer `n`, as the merchant would hash it.
fn customer(n: u64) -> String {
    format!("customer{n}@example.com")
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One kind of credit check, with its timings (ms, sorted once done).
struct Variant {
    label: &'static str,
    offer: String,
    codes: Vec<String>,
    /// Whether its friends are identified by email before the event.
    identified: bool,
    times: Vec<f64>,
}

pub async fn run(args: &Args, parrain: &Path, dir: &Path) -> anyhow::Result<String> {
    let addresses = Addresses::new();
    eprintln!("parrain-bench: starting parrain on a fresh data directory");
    let server = Server::parrain(parrain, &dir.join("data"))?;
    let (Some(secret), Some(publishable)) = (&server.secret, &server.publishable) else {
        bail!("parrain printed no keys: the data directory is not fresh");
    };
    let keys = (secret.clone(), publishable.clone());
    let api = Api::new(server.addr, &keys.0, &keys.1, addresses.next())?;
    let settings = |extra: Value| {
        let mut s = json!({
            "name": "Benchmark offer",
            "goal": {"type": "custom_event", "count": 1_000_000, "event": "purchase"},
            "offer_page_url": "https://shop.example.com/refer",
            "emails": {"fulfillment": {"subject": "Your reward", "text": "Thanks"}}
        });
        s.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s
    };
    let plain = api.live_offer_with(settings(json!({}))).await?;
    let guarded = api
        .live_offer_with(settings(json!({
            "attribution": {"methods": ["link", "email", "coupon", "name"]},
            "eligibility": {"exclude_existing_customers": true}
        })))
        .await?;
    let rewarded = rewarded_offer(&api).await?;
    let mut plain_codes = Vec::new();
    let mut guarded_codes = Vec::new();
    let mut rewarded_codes = Vec::new();
    for n in 0..REFERRERS {
        let email = format!("referrer{n}@example.com");
        plain_codes.push(api.participant(&plain, &email).await?.1);
        guarded_codes.push(api.participant(&guarded, &email).await?.1);
        rewarded_codes.push(api.participant(&rewarded, &email).await?.1);
    }

    eprintln!(
        "parrain-bench: uploading {} existing customers as SHA-256 hashes",
        args.customers
    );
    let started = Instant::now();
    let path = format!("/v1/offers/{guarded}/existing-customers");
    let mut listed = 0;
    let mut part = 0;
    while part * PER_UPLOAD < args.customers {
        let lines: String = (part * PER_UPLOAD..((part + 1) * PER_UPLOAD).min(args.customers))
            .map(|n| sha256_hex(&customer(n)) + "\n")
            .collect();
        let method = if part == 0 { "PUT" } else { "POST" };
        listed = api.upload(method, &path, "text/csv", lines).await?["count"]
            .as_u64()
            .context("the list's count")?;
        part += 1;
    }
    let upload = started.elapsed();
    if listed != args.customers {
        bail!("the list holds {listed} customers, not {}", args.customers);
    }

    eprintln!("parrain-bench: credit checks, interleaved");
    let mut variants = [
        Variant {
            label: "plain offer, anonymous friend (as the main run)",
            offer: plain.clone(),
            codes: plain_codes.clone(),
            identified: false,
            times: Vec::new(),
        },
        Variant {
            label: "plain offer, friend identified by email",
            offer: plain,
            codes: plain_codes,
            identified: true,
            times: Vec::new(),
        },
        Variant {
            label: "four methods and the existing-customer list, friend identified by email",
            offer: guarded.clone(),
            codes: guarded_codes.clone(),
            identified: true,
            times: Vec::new(),
        },
        Variant {
            label: "plain offer with 20 rewards, anonymous friend",
            offer: rewarded,
            codes: rewarded_codes,
            identified: false,
            times: Vec::new(),
        },
    ];
    let mut api = Api::new(server.addr, &keys.0, &keys.1, addresses.next())?;
    for n in 0..args.samples {
        // At most 4 calls a sample with the publishable key: 15 samples stay
        // well inside one address's burst.
        if n % 15 == 14 {
            api = Api::new(server.addr, &keys.0, &keys.1, addresses.next())?;
        }
        for (round, v) in variants.iter_mut().enumerate() {
            let friend = id("vis", 10 + round as u8, n);
            let email = format!("friend{n}.{round}@example.net");
            let code = &v.codes[n as usize % v.codes.len()];
            let (credited, took) = credit_check(
                &api,
                &v.offer,
                &friend,
                code,
                v.identified.then_some(&email),
            )
            .await?;
            if !credited {
                bail!("{}: the credit check did not credit", v.label);
            }
            v.times.push(took);
        }
    }
    // A listed customer, through the same path: the guarded check excludes it.
    let friend = id("vis", 20, 0);
    let email = customer(args.customers / 2);
    let (credited, _) =
        credit_check(&api, &guarded, &friend, &guarded_codes[0], Some(&email)).await?;
    if credited {
        bail!("a listed existing customer was credited");
    }
    server.stop()?;

    for v in &mut variants {
        v.times.sort_by(f64::total_cmp);
    }
    Ok(table(args, &variants, upload))
}

/// An offer like the plain one with 20 referrer rewards: milestones at
/// 50,000 to 900,000 credits, one every 250,000 (three times) and the
/// goal's at 1,000,000, the last two drawing from promo-code pools
/// (uploaded before the approval, which requires them).
async fn rewarded_offer(api: &Api) -> anyhow::Result<String> {
    let mut rewards: Vec<Value> = (1..=18)
        .map(|k| json!({"id": format!("tier{k}"), "for": "referrer", "at": 50_000 * k, "label": format!("Tier {k}")}))
        .collect();
    rewards.push(json!({"id": "often", "for": "referrer", "every": 250_000, "max_times": 3, "promo_codes": "often"}));
    rewards
        .push(json!({"id": "grand", "for": "referrer", "at": 1_000_000, "promo_codes": "grand"}));
    let settings = json!({
        "name": "Benchmark offer with 20 rewards",
        "goal": {"type": "custom_event", "count": 1_000_000, "event": "purchase"},
        "offer_page_url": "https://shop.example.com/refer",
        "rewards": rewards,
    });
    let offer = api.post("/v1/offers", &api.secret, &settings).await?;
    let id = offer["id"].as_str().context("offer id")?.to_owned();
    for pool in ["often", "grand"] {
        let path = format!("/v1/offers/{id}/promo-codes?pool={pool}");
        let codes = format!("{}-1\n{}-2\n", pool.to_uppercase(), pool.to_uppercase());
        api.upload("PUT", &path, "text/plain", codes).await?;
    }
    api.post(&format!("/v1/offers/{id}/approve"), &api.secret, &json!({}))
        .await?;
    Ok(id)
}

/// A friend's visit through `code` (and its identification, when `email`
/// is given), not timed; then its `track/event`, timed. Returns whether the
/// event credited, and how long it took in ms.
async fn credit_check(
    api: &Api,
    offer: &str,
    friend: &str,
    code: &str,
    email: Option<&String>,
) -> anyhow::Result<(bool, f64)> {
    let visit = json!({"offer_id": offer, "visitor_id": friend, "referral_code": code});
    api.post("/v1/track/visit", &api.publishable, &visit)
        .await?;
    if let Some(email) = email {
        let identify = json!({"visitor_id": friend, "email": email});
        api.post("/v1/track/identify", &api.secret, &identify)
            .await?;
    }
    let event = json!({"offer_id": offer, "visitor_id": friend, "name": "purchase"});
    let started = Instant::now();
    let out = api
        .post("/v1/track/event", &api.publishable, &event)
        .await?;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    Ok((out["credited"] == json!(true), took))
}

fn table(args: &Args, variants: &[Variant], upload: Duration) -> String {
    let machine = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let mut t = format!(
        "parrain-bench --eligibility{}: {machine} CPUs, load average {} at the end, {} samples each\n\n",
        if args.smoke { " --smoke (numbers mean nothing)" } else { "" },
        load.join(" "),
        args.samples,
    );
    t += "| credit check (`track/event` that credits) | p50 | p99 | p50 / plain |\n|---|---|---|---|\n";
    let base = median(&variants[0].times);
    for v in variants {
        t += &format!(
            "| {} | {:.2} ms | {:.2} ms | {:.2} |\n",
            v.label,
            median(&v.times),
            p99(&v.times),
            median(&v.times) / base
        );
    }
    t += &format!(
        "\nThe list: {} SHA-256 hashes uploaded in {} requests of at most {PER_UPLOAD} in {:.1} s ({:.0} hashes/s).\n",
        args.customers,
        args.customers.div_ceil(PER_UPLOAD),
        upload.as_secs_f64(),
        args.customers as f64 / upload.as_secs_f64()
    );
    t
}
