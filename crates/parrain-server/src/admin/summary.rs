//! The offer page in words: one sentence per part of an offer ("Friends who
//! sign up through a participant's link earn them one credit; at 3 credits
//! they get a promo code by email, automatically"), and the draft's changes
//! as before/after lines in the editor's groups, named as the editor names
//! them: no setting's key is shown.

use parrain_core::fraud::Outcome;
use parrain_core::offer::{
    AttributionModel, Delivery, GoalType, MarketingConsent, Network, OfferSettings, ShareUrlKind,
    SignUpFlow, VisitCounting,
};
use parrain_core::reward::{FriendOn, Reward, RewardDelivery, RewardFor};
use serde::Serialize;
use serde_json::Value;

/// One part of an offer, said in a sentence.
#[derive(Debug, Serialize)]
pub struct Part {
    pub group: &'static str,
    pub sentence: String,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn network(n: Network) -> &'static str {
    match n {
        Network::Email => "email",
        Network::X => "X",
        Network::Linkedin => "LinkedIn",
        Network::Facebook => "Facebook",
    }
}

fn day(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year]");
    t.format(&format).unwrap_or_default()
}

/// Every part of `s`, in the editor's order.
pub fn parts(s: &OfferSettings) -> Vec<Part> {
    let mut out = Vec::new();
    let mut say = |group: &'static str, sentence: String| out.push(Part { group, sentence });

    let event = s
        .goal
        .event
        .as_ref()
        .map(|e| e.name().to_owned())
        .unwrap_or_default();
    let earn = match s.goal.kind {
        GoalType::ReferredSignups => {
            "Friends who sign up through a participant's link earn them one credit".to_owned()
        }
        GoalType::ReferredVisits => match s.visit_counting {
            VisitCounting::UniqueFriend => {
                "Each new friend who visits through a participant's link earns them one credit"
                    .to_owned()
            }
            VisitCounting::EachVisit => {
                "Each visit through a participant's link earns them one credit".to_owned()
            }
        },
        GoalType::CustomEvent => format!(
            "Friends who follow a participant's link and then do “{event}” on your site earn them one credit"
        ),
        GoalType::SmartListTrigger => format!(
            "Friends who follow a participant's link and then meet the trigger “{event}” earn them one credit"
        ),
    };
    let n = s.goal.count.unwrap_or(1);
    let at = plural(n, "credit", "credits");
    let sentence = if !s.rewards.is_empty() {
        format!("{earn}; the goal is {at}, and the rewards below are given as credits add up.")
    } else {
        match s.fulfillment.delivery {
            Delivery::AutoOnGoal if s.emails.fulfillment.is_some() => {
                format!("{earn}; at {at} they get a promo code by email, automatically.")
            }
            Delivery::AutoOnGoal => format!(
                "{earn}; at {at} they reach the goal, automatically (no reward email is written yet)."
            ),
            Delivery::Manual => format!(
                "{earn}; at {at} they wait for an operator to fulfil their reward by hand, from the participants tab."
            ),
        }
    };
    say("Goal", sentence);

    if !s.rewards.is_empty() {
        let each: Vec<String> = s.rewards.iter().map(reward).collect();
        say("Rewards", format!("{}.", capitalized(&each.join("; "))));
    }

    let networks: Vec<String> = s.networks.iter().map(|n| network(*n).to_owned()).collect();
    let target = match (s.share_url.kind, &s.share_url.url, &s.offer_page_url) {
        (ShareUrlKind::External, Some(url), _) => format!("opens {url}"),
        (ShareUrlKind::LandingPage, _, Some(url)) => format!("opens the offer page, {url}"),
        _ => "opens the page where the participant signed up".to_owned(),
    };
    let sharing = if networks.is_empty() {
        format!("Participants copy their link to share it; it {target}.")
    } else {
        format!(
            "Participants share by {}; their link {target}.",
            listed(&networks)
        )
    };
    say("Sharing", sharing);

    let mut asked = vec!["an email address".to_owned()];
    asked.extend(s.person_fields.iter().map(|f| {
        let label = f.label.clone().unwrap_or_else(|| f.name.replace('_', " "));
        if f.required {
            format!("{label} (required)")
        } else {
            label
        }
    }));
    let flow = match s.sign_up_flow {
        SignUpFlow::CaptureThenShare => "participants sign up, then share",
        SignUpFlow::ShareThenCapture => "participants may share before they sign up",
    };
    let consent = match s.marketing_consent {
        MarketingConsent::OptIn => "marketing emails need a ticked box",
        MarketingConsent::OptOut => "marketing emails are on unless unticked",
    };
    say(
        "Sign-up form",
        format!(
            "The form asks for {}; {flow}, and {consent}.",
            listed(&asked)
        ),
    );

    let mut emails = Vec::new();
    if s.emails.sign_up.is_some() {
        emails.push("a welcome email at sign-up".to_owned());
    }
    if s.emails.fulfillment.is_some() {
        emails.push("a reward email with the promo code".to_owned());
    }
    if s.invitations.enabled {
        emails.push("the invitations participants send their friends".to_owned());
    }
    say(
        "Emails",
        if emails.is_empty() {
            "No email is sent.".to_owned()
        } else {
            format!("Sends {}.", listed(&emails))
        },
    );

    let when = match (s.starts_at, s.ends_at) {
        (Some(a), Some(b)) => format!("Runs from {} to {}", day(a), day(b)),
        (Some(a), None) => format!("Runs from {}, with no end date", day(a)),
        (None, Some(b)) => format!("Runs from approval until {}", day(b)),
        (None, None) => "Runs from approval, with no end date".to_owned(),
    };
    let model = match s.attribution.model {
        AttributionModel::FirstTouch => "first",
        AttributionModel::LastTouch => "last",
    };
    say(
        "Schedule and attribution",
        format!(
            "{when}; a friend counts for the {model} participant whose link they followed, within {}.",
            plural(s.attribution.window_days, "day", "days")
        ),
    );

    say("Fraud rules", fraud(s));
    out
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn reward(r: &Reward) -> String {
    let what = r.label.clone().unwrap_or_else(|| "a reward".into());
    let code = match &r.promo_codes {
        Some(pool) if pool == parrain_core::reward::DEFAULT_POOL => ", with a promo code",
        Some(_) => ", with a promo code from its own pool",
        None => "",
    };
    let how = match r.delivery {
        RewardDelivery::Auto => "automatically",
        RewardDelivery::Manual => "by an operator",
    };
    let hold = if r.hold_days > 0 {
        format!(" after {}", plural(r.hold_days, "day", "days"))
    } else {
        String::new()
    };
    match r.for_ {
        RewardFor::Referrer => {
            let when = match (r.at, r.every, r.max_times) {
                (Some(at), _, _) => format!("at {}", plural(at, "credit", "credits")),
                (None, Some(every), Some(max)) => format!(
                    "every {} (up to {})",
                    plural(every, "credit", "credits"),
                    plural(max, "time", "times")
                ),
                (None, Some(every), None) => {
                    format!("every {}", plural(every, "credit", "credits"))
                }
                _ => "when earned".into(),
            };
            format!("{when} a participant gets {what}{code}, {how}{hold}")
        }
        RewardFor::Friend => {
            let when = match r.on.unwrap_or_default() {
                FriendOn::Credit => "who earns their referrer a credit",
                FriendOn::SignUp => "who signs up through a link",
            };
            format!("a friend {when} gets {what}{code}, {how}{hold}")
        }
    }
}

fn fraud(s: &OfferSettings) -> String {
    let f = &s.fraud;
    let rules = [
        (
            f.email_variant,
            "an email that is a variant of the referrer's".to_owned(),
        ),
        (f.disposable_email, "a disposable email address".to_owned()),
        (
            f.credit_velocity.outcome,
            format!(
                "a referrer earning more than {} an hour",
                plural(
                    i64::from(f.credit_velocity.max_per_hour),
                    "credit",
                    "credits"
                )
            ),
        ),
        (
            f.same_ip.outcome,
            format!(
                "a friend on an address the referrer used within {}",
                plural(i64::from(f.same_ip.window_hours), "hour", "hours")
            ),
        ),
        (
            f.ip_sign_up_velocity.outcome,
            format!(
                "more than {} an hour from one address",
                plural(
                    i64::from(f.ip_sign_up_velocity.max_per_hour),
                    "sign-up",
                    "sign-ups"
                )
            ),
        ),
    ];
    let with = |outcome: Outcome| -> Vec<String> {
        (rules.iter())
            .filter(|(o, _)| *o == outcome)
            .map(|(_, what)| what.clone())
            .collect()
    };
    let mut sentences = Vec::new();
    let blocked = with(Outcome::Block);
    if !blocked.is_empty() {
        sentences.push(format!("No credit for {}", listed(&blocked)));
    }
    let held = with(Outcome::Review);
    if !held.is_empty() {
        sentences.push(format!("credits for {} wait for review", listed(&held)));
    }
    if f.verify_friend_email {
        sentences.push("a friend's credit counts once they confirm their email".into());
    }
    if sentences.is_empty() {
        return "Every credit counts at once: no fraud rule is on.".into();
    }
    format!("{}.", capitalized(&sentences.join("; ")))
}

/// A change the draft would make.
#[derive(Debug, Serialize)]
pub struct Change {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The changes of one editor group.
#[derive(Debug, Serialize)]
pub struct Group {
    pub name: &'static str,
    pub changes: Vec<Change>,
}

/// The editor's group of a top-level setting.
fn group_of(key: &str) -> &'static str {
    match key {
        "name" | "description" => "Offer",
        "goal" | "fulfillment" => "Goal",
        "rewards" | "leaderboard" => "Rewards",
        "share_url" | "offer_page_url" | "networks" | "share_messages" | "referral_param" => {
            "Sharing"
        }
        "sign_up_flow" | "person_fields" | "marketing_consent" | "rules_url" | "privacy_policy" => {
            "Sign-up form"
        }
        "emails" => "Emails",
        "starts_at" | "ends_at" | "visit_counting" | "attribution" => "Schedule and attribution",
        "fraud" | "eligibility" | "limits" => "Fraud rules",
        "invitations" => "Invitations",
        "share_preview" => "Link preview",
        "social_sign_up" => "Social sign-up",
        "widget" => "Widget",
        _ => "Other",
    }
}

const GROUPS: [&str; 14] = [
    "Offer",
    "Goal",
    "Rewards",
    "Sharing",
    "Sign-up form",
    "Emails",
    "Schedule and attribution",
    "Fraud rules",
    "Invitations",
    "Link preview",
    "Social sign-up",
    "Widget",
    "Other",
    "",
];

/// How a setting's part is called on the page.
fn word(key: &str) -> String {
    let known = match key {
        "offer_page_url" => "offer page",
        "share_url" => "shared link",
        "url" => "address",
        "rules_url" => "rules page",
        "referral_param" => "legacy referral parameter",
        "person_fields" => "fields asked",
        "sign_up" => "sign-up email",
        "fulfillment" => "fulfilment",
        "kind" | "type" => "kind",
        "count" => "credits needed",
        "event" => "event",
        "starts_at" => "starts",
        "ends_at" => "ends",
        "window_days" => "window (days)",
        "window_hours" => "window (hours)",
        "max_per_hour" => "most per hour",
        "ip_sign_up_velocity" => "sign-ups from one address",
        "credit_velocity" => "credits per referrer",
        "same_ip" => "same address as the referrer",
        "verify_friend_email" => "friend confirms their email",
        "email_variant" => "variant of the referrer's email",
        "disposable_email" => "disposable email",
        "outcome" => "then",
        "text" => "text",
        "html" => "HTML",
        other => return other.replace('_', " "),
    };
    known.to_owned()
}

/// A path of setting keys as words: `fraud.same_ip.outcome` → "Same
/// address as the referrer › then".
fn label(path: &[String]) -> String {
    let words: Vec<String> = path
        .iter()
        .map(|k| match k.parse::<usize>() {
            Ok(i) => format!("#{}", i + 1),
            Err(_) => word(k),
        })
        .collect();
    capitalized(&words.join(" › "))
}

/// A setting's dotted path (`goal.event`, `person_fields[0].name`) in words.
pub fn field_label(field: &str) -> String {
    let path: Vec<String> = field
        .split(['.', '[', ']'])
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    let group = group_of(path.first().map_or("", String::as_str));
    let label = label(&path);
    if label.starts_with(group) {
        label
    } else {
        format!("{group}: {label}")
    }
}

/// A setting's value as a person reads it.
fn shown(v: &Value) -> String {
    let text = match v {
        Value::Null => return "—".into(),
        Value::Bool(true) => "on".into(),
        Value::Bool(false) => "off".into(),
        Value::String(s)
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') =>
        {
            s.replace('_', " ")
        }
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => return "none".into(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.is_empty() => return "none".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 140 {
        let cut: String = text.chars().take(140).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Every leaf of `v` under `path`.
fn leaves(path: &mut Vec<String>, v: &Value, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                path.push(k.clone());
                leaves(path, v, out);
                path.pop();
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                leaves(path, v, out);
                path.pop();
            }
        }
        other => out.push((path.clone(), other.clone())),
    }
}

/// What approving `draft` would change from `live`, by group.
pub fn changes(live: &OfferSettings, draft: &OfferSettings) -> Vec<Group> {
    let flat = |s: &OfferSettings| {
        let mut out = Vec::new();
        if let Ok(v) = serde_json::to_value(s) {
            leaves(&mut Vec::new(), &v, &mut out);
        }
        out
    };
    let (before, after) = (flat(live), flat(draft));
    let mut paths: Vec<&Vec<String>> = before.iter().chain(&after).map(|(p, _)| p).collect();
    paths.sort();
    paths.dedup();
    let find = |list: &[(Vec<String>, Value)], p: &Vec<String>| {
        (list.iter().find(|(k, _)| k == p)).map_or(Value::Null, |(_, v)| v.clone())
    };
    let mut groups: Vec<Group> = Vec::new();
    for p in paths {
        let (b, a) = (find(&before, p), find(&after, p));
        if b == a {
            continue;
        }
        let name = group_of(p.first().map_or("", String::as_str));
        let change = Change {
            label: label(p),
            before: shown(&b),
            after: shown(&a),
        };
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.changes.push(change),
            None => groups.push(Group {
                name,
                changes: vec![change],
            }),
        }
    }
    groups.sort_by_key(|g| GROUPS.iter().position(|n| *n == g.name));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(v: Value) -> OfferSettings {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_sign_up_goal_with_automatic_codes_reads_as_one_sentence() {
        let s = settings(json!({
            "name": "Spring",
            "goal": {"type": "referred_signups", "count": 3},
            "emails": {"fulfillment": {"subject": "Yours", "text": "{{ promo_code }}"}}
        }));
        let parts = parts(&s);
        assert_eq!(parts[0].group, "Goal");
        assert_eq!(
            parts[0].sentence,
            "Friends who sign up through a participant's link earn them one credit; at 3 credits they get a promo code by email, automatically."
        );
        for p in &parts {
            assert!(!p.sentence.contains('_'), "no setting's key: {p:?}");
        }
    }

    #[test]
    fn the_draft_s_changes_are_in_words_and_groups() {
        let live =
            settings(json!({"name": "Spring", "goal": {"type": "referred_signups", "count": 3}}));
        let mut draft = live.clone();
        draft.goal.count = Some(5);
        draft.fraud.same_ip.outcome = Outcome::Block;
        let groups = changes(&live, &draft);
        let names: Vec<&str> = groups.iter().map(|g| g.name).collect();
        assert_eq!(names, ["Goal", "Fraud rules"]);
        assert_eq!(groups[0].changes[0].label, "Goal › credits needed");
        assert_eq!(
            (
                groups[0].changes[0].before.as_str(),
                groups[0].changes[0].after.as_str()
            ),
            ("3", "5")
        );
        assert_eq!(
            groups[1].changes[0].label,
            "Fraud › same address as the referrer › then"
        );
        assert_eq!(groups[1].changes[0].after, "block");
    }
}
