//! `/admin/offers/{id}/participants`: an offer's participants with their
//! progress and promo codes, filtered by goal, fulfilment, email and (on an
//! offer with `rewards`) a reward and its state, a page at a time, and
//! "Send fulfillment" for the ones ticked.
//!
//! Fulfilment goes through the store's bulk flow, the same as
//! `POST /v1/offers/{id}/fulfill`: each participant gets its own outcome,
//! which the page lists. On an offer with `rewards`, the ticked
//! participants can also be given a reward, or have a held one cancelled,
//! by hand (see `by_hand`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::context;
use parrain_core::ids::{OfferId, ParticipantId};
use parrain_core::reward::RewardState;
use parrain_store::{
    Audit, AuditEntry, FulfillOutcome, PageRequest, Participant, ParticipantFilter,
};
use serde::{Deserialize, Serialize};

use super::activities::when;
use super::render;
use super::session::{CsrfForm, Operator};
use super::PageError;
use crate::AppState;

pub const TEMPLATES: [(&str, &str); 1] = [(
    "participants.html",
    include_str!("../../templates/admin/participants.html"),
)];

/// Participants shown per page.
const PAGE: u32 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/offers/{id}/participants", get(page))
        .route("/admin/offers/{id}/participants/fulfill", post(fulfill))
        .route("/admin/offers/{id}/participants/rewards", post(by_hand))
}

/// The filters, as the page's form sends them (an empty field is no filter).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Filters {
    #[serde(default)]
    goal: String,
    #[serde(default)]
    fulfilled: String,
    #[serde(default)]
    q: String,
    /// A reward's id: those with an occurrence of it.
    #[serde(default)]
    reward: String,
    /// A reward state (`earned`, `held`, `given`, `cancelled`).
    #[serde(default)]
    reward_state: String,
    #[serde(default)]
    cursor: String,
}

impl Filters {
    fn store_filter(&self) -> ParticipantFilter {
        let yes_no = |v: &str, yes: &str, no: &str| match v {
            v if v == yes => Some(true),
            v if v == no => Some(false),
            _ => None,
        };
        let q = self.q.trim();
        ParticipantFilter {
            achieved: yes_no(&self.goal, "met", "not_met"),
            fulfilled: yes_no(&self.fulfilled, "yes", "no"),
            email: (!q.is_empty()).then(|| q.to_owned()),
            reward: Some(self.reward.clone()).filter(|r| !r.is_empty()),
            reward_state: RewardState::parse(&self.reward_state),
        }
    }

    /// Reads one of the page's filters from a posted form (they come back
    /// with the list); false when `key` is not one of them.
    fn read_posted(&mut self, key: &str, value: String) -> bool {
        match key {
            "goal" => self.goal = value,
            "fulfilled" => self.fulfilled = value,
            "q" => self.q = value,
            // The posted form's own `reward` is the one given by hand.
            "filter_reward" => self.reward = value,
            "filter_reward_state" => self.reward_state = value,
            _ => return false,
        }
        true
    }

    /// The query string of these filters, for links to other pages.
    fn query(&self, cursor: Option<&str>) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("goal", self.goal.as_str()),
            ("fulfilled", &self.fulfilled),
            ("q", self.q.trim()),
            ("reward", &self.reward),
            ("reward_state", &self.reward_state),
        ] {
            if !v.is_empty() {
                query.append_pair(k, v);
            }
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
        query.finish()
    }
}

#[derive(Serialize)]
struct Row {
    id: String,
    email: String,
    name: String,
    credit: i64,
    goal: Option<i64>,
    /// How far along the goal, 0 to 100.
    percent: i64,
    achieved: bool,
    fulfilled: Option<String>,
    promo_code: Option<String>,
    created: String,
    /// Credits that did not count, each "reason (friend)".
    not_counted: Vec<String>,
}

impl From<Participant> for Row {
    fn from(p: Participant) -> Self {
        let name = [p.first_name.as_deref(), p.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let percent = match p.goal_count {
            Some(goal) if goal > 0 => (p.credit * 100 / goal).clamp(0, 100),
            _ if p.achieved_at.is_some() => 100,
            _ => 0,
        };
        Self {
            id: p.id.to_string(),
            email: p.email,
            name,
            credit: p.credit,
            goal: p.goal_count,
            percent,
            achieved: p.achieved_at.is_some(),
            fulfilled: p.fulfilled_at.map(when),
            promo_code: p.promo_code,
            created: when(p.created_at),
            not_counted: Vec::new(),
        }
    }
}

/// One participant's outcome of "Send fulfillment", "Give reward" or
/// "Cancel held reward" (`fulfilled`: it was done).
#[derive(Serialize)]
struct Outcome {
    email: String,
    fulfilled: bool,
    promo_code: Option<String>,
    error: Option<String>,
}

fn no_offer() -> Response {
    PageError::not_found("offer").into_response()
}

async fn draw(
    state: &AppState,
    operator: Operator,
    id: OfferId,
    filters: Filters,
    (action, outcomes): (&str, Option<Vec<Outcome>>),
    error: Option<String>,
) -> Response {
    let offer = match state.store.offer(&id).await {
        Ok(offer) => offer,
        Err(e) => return PageError::from(e).into_response(),
    };
    let cursor = Some(filters.cursor.clone()).filter(|c| !c.is_empty());
    let page = PageRequest {
        cursor: cursor.clone(),
        limit: PAGE,
    };
    let list = match state
        .store
        .list_participants(&id, filters.store_filter(), page)
        .await
    {
        Ok(list) => list,
        Err(e) => return PageError::from(e).into_response(),
    };
    let next = list.next_cursor.as_deref().map(|c| filters.query(Some(c)));
    let first = cursor.is_some().then(|| filters.query(None));
    let ids = list.items.iter().map(|p| p.id.clone()).collect();
    let not_counted = match state.store.ineligible_of(ids).await {
        Ok(n) => n,
        Err(e) => return PageError::from(e).into_response(),
    };
    let rows: Vec<Row> = (list.items.into_iter().zip(not_counted))
        .map(|(p, credits)| Row {
            not_counted: credits
                .into_iter()
                .map(|c| match c.friend_email {
                    Some(email) => format!("{} ({email})", c.reason.replace('_', " ")),
                    None => c.reason.replace('_', " "),
                })
                .collect(),
            ..Row::from(p)
        })
        .collect();
    let fulfilled_count = outcomes
        .as_ref()
        .map(|o| o.iter().filter(|o| o.fulfilled).count());
    render(
        "participants.html",
        context! {
            title => "Participants",
            may => operator.rights(),
            operator => operator.0.email,
            csrf => operator.0.csrf_token,
            offer_id => id.to_string(),
            offer_name => offer.editable().name.clone(),
            offer_status => offer.status.as_str(),
            total => offer.participants,
            rows,
            filters,
            next,
            first,
            outcomes,
            fulfilled_count,
            action,
            rewards => offer.live.as_ref().map(|s| (s.rewards.iter())
                .map(|r| serde_json::json!({"id": r.id, "label": r.label}))
                .collect::<Vec<_>>()).unwrap_or_default(),
            error,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    operator: Operator,
    Path(id): Path<String>,
    Query(filters): Query<Filters>,
) -> Response {
    match OfferId::parse(&id) {
        Ok(id) => draw(&state, operator, id, filters, ("fulfil", None), None).await,
        Err(_) => no_offer(),
    }
}

/// "Send fulfillment": the ticked participants (`id`, repeated), with the
/// page's filters so the list comes back as it was.
pub async fn fulfill(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(operator, pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let mut ids = Vec::new();
    let mut filters = Filters::default();
    for (k, v) in pairs {
        if k == "id" {
            ids.push(v);
        } else {
            filters.read_posted(&k, v);
        }
    }
    let Ok(id) = OfferId::parse(&id) else {
        return no_offer();
    };
    if ids.is_empty() {
        let error = "Tick at least one participant to fulfil.".to_owned();
        return draw(&state, operator, id, filters, ("fulfil", None), Some(error)).await;
    }
    // Ids that are not participant ids name no one; they get their own outcome.
    let (valid, invalid): (Vec<_>, Vec<_>) = ids
        .iter()
        .map(|raw| (raw, ParticipantId::parse(raw).ok()))
        .partition(|(_, parsed)| parsed.is_some());
    let valid: Vec<ParticipantId> = valid.into_iter().filter_map(|(_, p)| p).collect();
    let mut outcomes = Vec::new();
    if !valid.is_empty() {
        let entry = super::audit::entry(
            &state,
            operator.email(),
            "participants.fulfil",
            id.as_str(),
            "",
        );
        let audit = Audit::of(move |outcomes: &Vec<FulfillOutcome>| {
            let fulfilled: Vec<&str> = (outcomes.iter())
                .filter(|o| o.fulfilled)
                .map(|o| o.participant_id.as_str())
                .collect();
            let detail = fulfilled.join(", ");
            (!fulfilled.is_empty()).then(|| AuditEntry {
                detail,
                ..entry.clone()
            })
        });
        let done = match state
            .store
            .fulfill_many(&id, valid, state.clock.now(), audit)
            .await
        {
            Ok(done) => done,
            Err(e) => return PageError::from(e).into_response(),
        };
        for o in done {
            let email = match state.store.participant(&o.participant_id).await {
                Ok(detail) => detail.participant.email,
                Err(_) => o.participant_id.to_string(),
            };
            outcomes.push(Outcome {
                email,
                fulfilled: o.fulfilled,
                promo_code: o.promo_code,
                error: o.error.map(|(_, message)| message),
            });
        }
    }
    outcomes.extend(invalid.into_iter().map(|(raw, _)| Outcome {
        email: raw.clone(),
        fulfilled: false,
        promo_code: None,
        error: Some("not a participant".into()),
    }));
    draw(
        &state,
        operator,
        id,
        filters,
        ("fulfil", Some(outcomes)),
        None,
    )
    .await
}

/// "Give reward" / "Cancel held reward" for the ticked participants: the
/// reward chosen (`reward`), `action` give or cancel, an optional `note`.
/// Each goes through the store as `POST /v1/participants/{id}/rewards/…`
/// does, once: an occurrence already given, cancelled or still held is
/// that participant's refusal in the list, and nothing changes for it.
pub async fn by_hand(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(operator, pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let (mut ids, mut filters) = (Vec::new(), Filters::default());
    let (mut reward, mut action, mut note) = (String::new(), String::new(), String::new());
    for (k, v) in pairs {
        if filters.read_posted(&k, v.clone()) {
            continue;
        }
        match &*k {
            "id" => ids.push(v),
            "reward" => reward = v,
            "action" => action = v,
            "note" => note = v,
            _ => {}
        }
    }
    let Ok(id) = OfferId::parse(&id) else {
        return no_offer();
    };
    let action: &'static str = match action.as_str() {
        "give" => "give",
        "cancel" => "cancel",
        _ => return PageError::not_found("action").into_response(),
    };
    if ids.is_empty() || reward.is_empty() {
        let error = "Tick at least one participant and choose a reward.".to_owned();
        return draw(&state, operator, id, filters, (action, None), Some(error)).await;
    }
    let note = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
    let mut outcomes = Vec::new();
    for raw in ids {
        let Ok(participant) = ParticipantId::parse(&raw) else {
            outcomes.push(Outcome {
                email: raw,
                fulfilled: false,
                promo_code: None,
                error: Some("not a participant".into()),
            });
            continue;
        };
        let email = match state.store.participant(&participant).await {
            Ok(detail) if detail.participant.offer_id == id => detail.participant.email,
            Ok(_) | Err(parrain_store::StoreError::NotFound { .. }) => {
                outcomes.push(Outcome {
                    email: raw,
                    fulfilled: false,
                    promo_code: None,
                    error: Some("not a participant of this offer".into()),
                });
                continue;
            }
            Err(e) => return PageError::from(e).into_response(),
        };
        let now = state.clock.now();
        let what = format!("participants.reward_{action}");
        let detail = format!("{reward}: {email}");
        let audit = super::audit::by(&state, &operator, &what, participant.as_str(), &detail);
        let done = if action == "give" {
            (state.store)
                .give_reward(&participant, reward.clone(), None, note.clone(), now, audit)
                .await
        } else {
            (state.store)
                .cancel_reward(&participant, reward.clone(), None, note.clone(), now, audit)
                .await
        };
        outcomes.push(match done {
            Ok(r) => Outcome {
                email,
                fulfilled: true,
                promo_code: r.promo_code,
                error: None,
            },
            Err(e @ parrain_store::StoreError::Database(_)) => {
                return PageError::from(e).into_response()
            }
            Err(e) => Outcome {
                email,
                fulfilled: false,
                promo_code: None,
                error: Some(e.to_string()),
            },
        });
    }
    draw(
        &state,
        operator,
        id,
        filters,
        (action, Some(outcomes)),
        None,
    )
    .await
}
