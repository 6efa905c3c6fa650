//! The participant's own page, `/p/{token}` (SPEC §12): share link and
//! buttons, progress toward the goal (on an offer with `rewards`, toward
//! the next reward, with each reward's state and codes: see `rewards`),
//! friends (first name, date, counted or not), the promo code, the
//! offer's leaderboard when it is on (see `leaderboard`) and the
//! invitation form. Server-rendered in the
//! widget's language and colours, without script, and laid out for a phone.
//!
//! It opens with an access token (the browser that signed up holds one) or
//! an emailed sign-in link. A sign-in link only asks for a click: its POST
//! spends it and redirects to a page with a new access token, since mail
//! scanners fetch links and must not spend them. Share buttons go through
//! `/p/{token}/share/{network}`, which records the share and redirects to
//! the network. The token is in the URL, so the page is never cached nor
//! sent as a referrer. `/c/{token}` is a referred friend's confirmation link
//! (`fraud.verify_friend_email`), spent the same way by a POST.

mod leaderboard;
mod rewards;

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use parrain_core::email::Email;
use parrain_core::ids::ParticipantId;
use parrain_core::offer::{GoalType, Network, OfferSettings};
use parrain_store::{Invite, Leader, PageFriend, Participant, ParticipantReward};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::participant_token as token;
use crate::AppState;

pub fn pages() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/p/{token}",
            axum::routing::get(open).post(spend_sign_in_link),
        )
        .route("/p/{token}/invite", axum::routing::post(invite))
        .route("/p/{token}/share/{network}", axum::routing::get(share))
        .route("/c/{token}", axum::routing::get(confirm_page).post(confirm))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Percent-encodes a URL component.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Fills `{name}` placeholders.
fn fill(text: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(text.to_owned(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

/// A colour the offer's settings accepted, or the widget's default.
fn colour(value: &Option<String>, default: &'static str) -> String {
    value
        .as_deref()
        .filter(|c| parrain_core::widget::valid_colour(c))
        .unwrap_or(default)
        .to_owned()
}

fn html_page(
    status: StatusCode,
    lang: &str,
    settings: Option<&OfferSettings>,
    body: &str,
) -> Response {
    let (p, t, bg, bt, bd, font) = match settings.map(|s| &s.widget) {
        Some(w) => (
            colour(&w.colours.primary, "#4f46e5"),
            colour(&w.colours.text, "#1f2937"),
            colour(&w.colours.background, "#ffffff"),
            colour(&w.colours.button_text, "#ffffff"),
            colour(&w.colours.border, "#e5e7eb"),
            w.font_family
                .as_deref()
                .filter(|f| !f.contains(['<', '>', '{', '}', ';']))
                .unwrap_or("system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif")
                .to_owned(),
        ),
        None => (
            "#4f46e5".into(),
            "#1f2937".into(),
            "#ffffff".into(),
            "#ffffff".into(),
            "#e5e7eb".into(),
            "system-ui,sans-serif".into(),
        ),
    };
    let title = settings.map_or("parrain".to_owned(), |s| esc(&s.name));
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <meta name=robots content=noindex><title>{title}</title><style>\
         body{{margin:0;background:{bg};color:{t};font:16px/1.5 {font}}}\
         main{{max-width:36rem;margin:0 auto;padding:1rem}}\
         h1{{font-size:1.4rem;margin:.5rem 0}}h2{{font-size:1.1rem;margin:1.5rem 0 .5rem}}\
         .box{{border:1px solid {bd};border-radius:12px;padding:1rem;margin:0 0 1rem}}\
         .btn{{display:inline-block;box-sizing:border-box;min-height:44px;padding:10px 16px;border-radius:8px;\
         border:1px solid {p};background:{p};color:{bt};font:inherit;font-weight:600;text-decoration:none;cursor:pointer}}\
         .nets{{display:flex;flex-wrap:wrap;gap:8px}}.nets .btn{{flex:1 1 8rem;text-align:center}}\
         input,textarea{{box-sizing:border-box;width:100%;font:inherit;padding:8px;border:1px solid #9ca3af;border-radius:8px}}\
         .bar{{height:8px;background:{bd};border-radius:4px;overflow:hidden}}.bar i{{display:block;height:100%;background:{p}}}\
         ul{{padding-left:1.2rem}}.no{{color:#991b1b}}.m{{opacity:.8;font-size:.95rem}}\
         .lb{{list-style:none;padding:0}}.lb li{{display:flex;justify-content:space-between;gap:1rem;padding:2px 6px;border-radius:6px;overflow-wrap:anywhere}}\
         .lb li.me{{outline:2px solid {p};font-weight:700}}\
         </style></head><body><main>{body}</main></body></html>"
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
    headers.insert(
        header::REFERRER_POLICY,
        "no-referrer".parse().expect("static"),
    );
    response
}

fn unknown_link() -> Response {
    html_page(
        StatusCode::NOT_FOUND,
        "en",
        None,
        "<h1>This link does not open a page</h1>\
         <p data-part=link-invalid>It has expired or was already used. Ask for a new link \
         from the offer's page (\"Track your progress\").</p>",
    )
}

/// The page a token opens, or the sign-in link's button.
async fn open(State(state): State<AppState>, Path(t): Path<String>) -> ApiResult<Response> {
    if let Some(participant) = token::participant(&state, &t).await? {
        return render(&state, &t, &participant, None).await;
    }
    let valid = t.starts_with(token::PREFIX)
        && t.len() <= 100
        && state
            .store
            .sign_in_token_valid(&token::hash(&t), state.clock.now())
            .await?;
    if !valid {
        return Ok(unknown_link());
    }
    let body = format!(
        "<h1>parrain</h1><form method=post action=\"/p/{}\">\
         <button class=btn type=submit data-part=open-page>Open my page</button></form>\
         <p class=m>This link works once, within 24 hours.</p>",
        esc(&t)
    );
    Ok(html_page(StatusCode::OK, "en", None, &body))
}

/// Spends a sign-in link and sends the browser to its page.
async fn spend_sign_in_link(
    State(state): State<AppState>,
    Path(t): Path<String>,
) -> ApiResult<Response> {
    if !t.starts_with(token::PREFIX) || t.len() > 100 {
        return Ok(unknown_link());
    }
    let access = token::draw();
    let spent = state
        .store
        .exchange_sign_in_token(&token::hash(&t), &token::hash(&access), state.clock.now())
        .await?;
    Ok(match spent {
        Some(_) => Redirect::to(&format!("/p/{access}")).into_response(),
        None => unknown_link(),
    })
}

/// A friend's confirmation link asks for a click (mail scanners fetch links).
async fn confirm_page(Path(t): Path<String>) -> Response {
    let body = format!(
        "<h1>Confirm your email</h1><form method=post action=\"/c/{}\">\
         <button class=btn type=submit data-part=confirm>Confirm my email</button></form>",
        esc(&t)
    );
    html_page(StatusCode::OK, "en", None, &body)
}

/// Confirms a referred friend's email: its referrer's credit counts now.
async fn confirm(State(state): State<AppState>, Path(t): Path<String>) -> ApiResult<Response> {
    if !t.starts_with(token::PREFIX) || t.len() > 100 {
        return Ok(unknown_link());
    }
    let confirmed = state
        .store
        .confirm_friend(&token::hash(&t), state.clock.now())
        .await?;
    Ok(if confirmed {
        html_page(
            StatusCode::OK,
            "en",
            None,
            "<h1>Thank you</h1><p data-part=confirmed>Your email is confirmed.</p>",
        )
    } else {
        unknown_link()
    })
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    emails: String,
    #[serde(default)]
    message: String,
}

/// The page's invitation form.
async fn invite(
    State(state): State<AppState>,
    Path(t): Path<String>,
    Form(form): Form<InviteForm>,
) -> ApiResult<Response> {
    let Some(participant) = token::participant(&state, &t).await? else {
        return Ok(unknown_link());
    };
    let offer_id = state
        .store
        .participant(&participant)
        .await?
        .participant
        .offer_id;
    let mut lines = Vec::new();
    let mut valid = Vec::new();
    for raw in form
        .emails
        .split([' ', ',', ';', '\n', '\r', '\t'])
        .filter(|s| !s.is_empty())
        .take(100)
    {
        match Email::parse(raw) {
            Ok(email) => valid.push(email),
            Err(e) => lines.push((false, format!("{raw}: {e}"))),
        }
    }
    let message = Some(form.message.trim().to_owned()).filter(|m| !m.is_empty());
    if message
        .as_ref()
        .is_some_and(|m| m.chars().count() > parrain_core::sharing::MAX_MESSAGE)
    {
        lines.push((false, "The message is too long.".into()));
    } else if !valid.is_empty() {
        let invite = Invite {
            offer_id,
            participant_id: participant.clone(),
            emails: valid,
            message,
        };
        match state.store.invite(invite, state.clock.now()).await {
            Ok(outcome) => {
                for (email, refusal) in outcome.outcomes {
                    lines.push(match refusal {
                        None => (true, email.to_string()),
                        Some(r) => (false, format!("{email}: {}", r.message(outcome.limit))),
                    });
                }
            }
            Err(parrain_store::StoreError::Database(e)) => {
                return Err(parrain_store::StoreError::Database(e).into())
            }
            Err(e) => lines.push((false, e.to_string())),
        }
    }
    render(&state, &t, &participant, Some(lines)).await
}

/// A share button: records the share, then goes to the network.
async fn share(
    State(state): State<AppState>,
    Path((t, network)): Path<(String, String)>,
) -> ApiResult<Response> {
    let Some(participant) = token::participant(&state, &t).await? else {
        return Ok(unknown_link());
    };
    let Some(network) = Network::parse(&network) else {
        return Ok(unknown_link());
    };
    let detail = state.store.participant(&participant).await?.participant;
    let offer = state.store.offer(&detail.offer_id).await?;
    let Some(settings) = offer.live.as_ref() else {
        return Ok(unknown_link());
    };
    state
        .store
        .track_share(
            detail.code.clone(),
            network.as_str().to_owned(),
            state.clock.now(),
        )
        .await?;
    let strings = settings.widget.strings();
    let link = format!(
        "{}?ch={}",
        crate::views::share_url(&state.config.public_url, &detail.code),
        network.as_str()
    );
    let first_name = detail.first_name.clone().unwrap_or_default();
    let vars = [
        ("share_url", link.as_str()),
        ("offer_name", settings.name.as_str()),
        ("first_name", first_name.as_str()),
        ("html_title", settings.name.as_str()),
        ("html_description", ""),
    ];
    let message = settings
        .share_messages
        .get(&network)
        .unwrap_or(&strings["share_message"]);
    let text = fill(message, &vars);
    let url = match network {
        Network::Email => format!(
            "mailto:?subject={}&body={}",
            enc(&fill(&strings["email_subject"], &vars)),
            enc(&format!("{text}\n\n{link}"))
        ),
        Network::X => format!(
            "https://twitter.com/intent/tweet?text={}&url={}",
            enc(&text),
            enc(&link)
        ),
        Network::Linkedin => format!(
            "https://www.linkedin.com/sharing/share-offsite/?url={}",
            enc(&link)
        ),
        Network::Facebook => format!(
            "https://www.facebook.com/sharer/sharer.php?u={}",
            enc(&link)
        ),
    };
    Ok(Redirect::to(&url).into_response())
}

async fn render(
    state: &AppState,
    t: &str,
    participant: &ParticipantId,
    invited: Option<Vec<(bool, String)>>,
) -> ApiResult<Response> {
    let found = state.store.participant(participant).await?;
    let detail = found.participant;
    let offer = state.store.offer(&detail.offer_id).await?;
    let friends = state.store.page_friends(participant).await?;
    let Some(settings) = offer.live.as_ref() else {
        return Ok(unknown_link());
    };
    let leaders = match settings.leaderboard.enabled {
        true => Some(
            (state.store)
                .leaderboard(&offer.id, settings.leaderboard.size)
                .await?,
        ),
        false => None,
    };
    let body = page_body(
        state,
        t,
        settings,
        (&detail, &found.rewards),
        (&friends, leaders.as_deref()),
        invited,
    );
    let lang = match settings.widget.language {
        parrain_core::widget::Language::En => "en",
        parrain_core::widget::Language::Fr => "fr",
    };
    Ok(html_page(StatusCode::OK, lang, Some(settings), &body))
}

fn page_body(
    state: &AppState,
    t: &str,
    settings: &OfferSettings,
    (p, rewards): (&Participant, &[ParticipantReward]),
    (friends, leaders): (&[PageFriend], Option<&[Leader]>),
    invited: Option<Vec<(bool, String)>>,
) -> String {
    let s: BTreeMap<&str, String> = settings.widget.strings();
    let st = |key: &str| esc(&s[key]);
    let tok = esc(t);
    let share_url = crate::views::share_url(&state.config.public_url, &p.code);
    let goal = p.goal_count.or(settings.goal.count).unwrap_or(1).max(1);
    let goal_key = match settings.goal.kind {
        GoalType::ReferredVisits => "goal_visits",
        GoalType::ReferredSignups => "goal_signups",
        _ => "goal_other",
    };
    let mut out = format!(
        "<h1>{}</h1>{}<p class=m>{}</p>",
        esc(&settings.name),
        settings
            .description
            .as_deref()
            .map(|d| format!("<p>{}</p>", esc(d)))
            .unwrap_or_default(),
        esc(&fill(&s[goal_key], &[("count", &goal.to_string())]))
    );
    // Progress: toward each reward, or v1's one goal.
    if !settings.rewards.is_empty() {
        out += &rewards::rewards_box(&s, settings, p.credit, rewards);
    } else {
        out += &v1_progress(&s, settings, p);
    }
    // Share link and buttons.
    out += &format!(
        "<h2>{}</h2><input readonly data-part=share-link value=\"{}\" aria-label=\"{}\">\
         <div class=nets style=\"margin-top:8px\">",
        st("your_link"),
        esc(&share_url),
        st("your_link")
    );
    for network in &settings.networks {
        let label = st(&format!("share_{}", network.as_str()));
        out += &format!(
            "<a class=btn rel=noopener target=_blank data-part=share-{n} \
             href=\"/p/{tok}/share/{n}\">{label}</a>",
            n = network.as_str()
        );
    }
    out += "</div>";
    // Friends.
    out += &format!("<h2>{}</h2>", st("friends"));
    if friends.is_empty() {
        out += &format!("<p class=m data-part=no-friends>{}</p>", st("no_friends"));
    } else {
        out += "<ul data-part=friends>";
        for f in friends {
            let name = f.first_name.as_deref().map_or_else(|| st("a_friend"), esc);
            let date = &crate::views::ts(f.at)[..10];
            let counted = if f.counted {
                st("friend_counted")
            } else {
                st("friend_not_counted")
            };
            out += &format!("<li data-part=friend>{name} · {date} · {counted}</li>");
        }
        out += "</ul>";
    }
    if let Some(leaders) = leaders {
        out += &leaderboard::leaderboard_box(&s, leaders, &p.id);
    }
    // Invitations.
    let inv = &settings.invitations;
    if inv.enabled && settings.networks.contains(&Network::Email) {
        out += &format!(
            "<h2>{}</h2><form method=post action=\"/p/{tok}/invite\" data-part=invite>\
             <label for=emails>{}</label>\
             <textarea id=emails name=emails rows=2 data-part=invite-emails></textarea>\
             <p><button class=btn type=submit data-part=invite-send>{}</button></p></form>",
            st("invite_title"),
            esc(&fill(
                &s["invite_label"],
                &[("max", &inv.max_recipients_per_request.to_string())]
            )),
            st("invite_send")
        );
        if let Some(lines) = invited {
            out += "<ul data-part=invite-results>";
            for (ok, text) in lines {
                if ok {
                    let sent = fill(&s["invite_sent"], &[("email", &text)]);
                    out += &format!("<li>{}</li>", esc(&sent));
                } else {
                    out += &format!("<li class=no>{}</li>", esc(&text));
                }
            }
            out += "</ul>";
        }
    }
    out
}

/// v1's progress toward its one goal, and the promo code once fulfilled.
fn v1_progress(s: &BTreeMap<&str, String>, settings: &OfferSettings, p: &Participant) -> String {
    let st = |key: &str| esc(&s[key]);
    let goal = p.goal_count.or(settings.goal.count).unwrap_or(1).max(1);
    let status = if p.fulfilled_at.is_some() {
        format!(" — {}", st("reward_sent"))
    } else if p.achieved_at.is_some() {
        format!(" — {}", st("goal_met"))
    } else {
        String::new()
    };
    let width = (p.credit.min(goal) * 100) / goal;
    let mut out = format!(
        "<div class=box><p data-part=progress><strong>{}</strong>{status}</p>\
         <div class=bar role=progressbar aria-label=\"{}\" aria-valuemin=0 aria-valuemax={goal} aria-valuenow={}>\
         <i style=\"width:{width}%\"></i></div></div>",
        esc(&fill(
            &s["credits"],
            &[
                ("credit", &p.credit.to_string()),
                ("goal", &goal.to_string())
            ]
        )),
        esc(&s["credits_label"]),
        p.credit.min(goal)
    );
    if let Some(code) = &p.promo_code {
        out += &format!(
            "<div class=box><p>{}: <strong data-part=promo-code>{}</strong></p></div>",
            st("promo_code"),
            esc(code)
        );
    }
    out
}
