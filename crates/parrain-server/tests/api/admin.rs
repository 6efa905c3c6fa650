//! `/admin` sign-in: the session cookie's flags, CSRF tokens on the login
//! and logout forms, the same answer for a wrong email or password, the
//! per-email rate limit, and the offers list behind the session.

use parrain_core::email::Email;
use parrain_core::ids::OfferId;
use parrain_server::password;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{offer_settings, spawn_app, TestApp};

pub(crate) const PASSWORD: &str = "correct horse battery";

pub(crate) async fn operator(app: &TestApp, email: &str) {
    let email = Email::parse(email).unwrap();
    let hash = password::hash(PASSWORD).unwrap();
    app.store.set_operator(&email, hash, 0).await.unwrap();
}

/// The `name=value` of a `Set-Cookie` named `name`, and the whole header.
pub(crate) fn set_cookie(response: &Response, name: &str) -> (String, String) {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"));
    (header.split(';').next().unwrap().to_owned(), header)
}

pub(crate) fn csrf_field(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).expect("a csrf field") + 19;
    html[start..].split('"').next().unwrap().to_owned()
}

/// Opens the login form; returns (csrf cookie pair, csrf field).
pub(crate) async fn login_form(app: &TestApp) -> (String, String) {
    let response = app
        .client
        .get(app.url("/admin/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (pair, _) = set_cookie(&response, "parrain_csrf");
    (pair, csrf_field(&response.text().await.unwrap()))
}

pub(crate) async fn post_login(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url("/admin/login"))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn get_admin(app: &TestApp, cookie: &str) -> Response {
    let request = app.client.get(app.url("/admin")).header("cookie", cookie);
    request.send().await.unwrap()
}

#[tokio::test]
async fn an_operator_signs_in_sees_the_offers_and_signs_out() {
    let app = spawn_app().await;
    operator(&app, "ops@example.com").await;
    app.create_offer(&offer_settings(
        json!({"type": "referred_signups", "count": 3}),
    ))
    .await;

    let anonymous = get_admin(&app, "").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/admin/login");

    let (cookie, csrf) = login_form(&app).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "OPS@example.com"),
        ("password", PASSWORD),
    ];
    let signed_in = post_login(&app, &cookie, &form).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/admin");
    let (session, header) = set_cookie(&signed_in, "parrain_admin");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );

    let page = get_admin(&app, &session).await;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers();
    assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
    assert_eq!(
        headers["content-security-policy"],
        "frame-ancestors 'self'; script-src 'self'; object-src 'none'; base-uri 'self'"
    );
    assert_eq!(headers["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Spring referral") && html.contains(">draft<"),
        "{html}"
    );
    assert!(html.contains("ops@example.com"));

    let logout = |csrf: String| {
        let request = app.client.post(app.url("/admin/logout"));
        request
            .header("cookie", &session)
            .form(&[("csrf", csrf)])
            .send()
    };
    assert_eq!(
        logout(String::new()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_admin(&app, &session).await.status(),
        StatusCode::OK,
        "still in"
    );
    let out = logout(csrf_field(&html)).await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get_admin(&app, &session).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_login_without_its_csrf_token_or_with_a_wrong_password_is_refused() {
    let app = spawn_app().await;
    operator(&app, "csrf@example.com").await;
    let (cookie, csrf) = login_form(&app).await;

    let form = [("email", "csrf@example.com"), ("password", PASSWORD)];
    let no_token = post_login(&app, &cookie, &form).await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "csrf@example.com"),
        ("password", PASSWORD),
    ];
    let no_cookie = post_login(&app, "", &form).await;
    assert_eq!(no_cookie.status(), StatusCode::FORBIDDEN);

    let wrong = [
        ("csrf", csrf.as_str()),
        ("email", "csrf@example.com"),
        ("password", "nope nope nope"),
    ];
    let unknown = [
        ("csrf", csrf.as_str()),
        ("email", "who@example.com"),
        ("password", PASSWORD),
    ];
    for form in [&wrong[..], &unknown[..]] {
        let refused = post_login(&app, &cookie, form).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("do not match an operator"));
    }
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_email() {
    let app = spawn_app().await;
    operator(&app, "limited@example.com").await;
    let (cookie, csrf) = login_form(&app).await;
    let wrong = [
        ("csrf", csrf.as_str()),
        ("email", "limited@example.com"),
        ("password", "guess guess guess"),
    ];
    for _ in 0..5 {
        let refused = post_login(&app, &cookie, &wrong).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let right = [
        ("csrf", csrf.as_str()),
        ("email", "limited@example.com"),
        ("password", PASSWORD),
    ];
    let limited = post_login(&app, &cookie, &right).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.text().await.unwrap().contains("Too many attempts"));
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failed_attempts() {
    let app = spawn_app().await;
    operator(&app, "forgetful@example.com").await;
    let (cookie, csrf) = login_form(&app).await;
    let wrong = [
        ("csrf", csrf.as_str()),
        ("email", "forgetful@example.com"),
        ("password", "guess guess guess"),
    ];
    let right = [
        ("csrf", csrf.as_str()),
        ("email", "forgetful@example.com"),
        ("password", PASSWORD),
    ];
    for _ in 0..4 {
        let refused = post_login(&app, &cookie, &wrong).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let signed_in = post_login(&app, &cookie, &right).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    // Four more mistakes are not the sixth: the count started over.
    for _ in 0..4 {
        let refused = post_login(&app, &cookie, &wrong).await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let signed_in = post_login(&app, &cookie, &right).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
}

/// Signs in as a new operator; returns the session cookie pair.
pub(crate) async fn signed_in(app: &TestApp, email: &str) -> String {
    operator(app, email).await;
    let (cookie, csrf) = login_form(app).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", email),
        ("password", PASSWORD),
    ];
    let response = post_login(app, &cookie, &form).await;
    set_cookie(&response, "parrain_admin").0
}

#[tokio::test]
async fn the_report_page_draws_five_funnel_bars_and_a_point_per_bucket() {
    let app = spawn_app().await;
    let session = signed_in(&app, "charts@example.com").await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    app.track("share", json!({"code": ana["code"], "channel": "x"}))
        .await;
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).header("cookie", &session);
        request.send()
    };
    let query = "interval=hour&from=2026-01-01T00:00:00Z&to=2026-01-01T06:00:00Z";
    let page = get(format!("/admin/offers/{offer}/report?{query}"))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches(r#"<svg class="chart funnel""#).count(), 1);
    assert_eq!(html.matches(r#"class="bar""#).count(), 5);
    // By network: a bar per network and measure; no rewards to chart.
    assert_eq!(html.matches(r#"<svg class="chart bars""#).count(), 1);
    assert_eq!(html.matches(r#"<rect class="bar "#).count(), 15);
    assert!(html.contains("This offer has no rewards."), "{html}");
    // Six hours of one day: the period's dates are that day, both ends.
    assert!(
        html.contains(r#"name="from" value="2026-01-01""#)
            && html.contains(r#"name="to" value="2026-01-01""#),
        "{html}"
    );
    // A point per hour on each chart: campaign visits and referred sign-ups.
    assert_eq!(html.matches(r#"class="point""#).count(), 12);
    assert!(
        html.contains("report.csv?from=2026-01-01T00%3A00%3A00Z"),
        "{html}"
    );

    let csv = get(format!("/admin/offers/{offer}/report.csv?{query}"))
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.text().await.unwrap().lines().count(), 7);

    let today = get(format!("/admin/offers/{offer}/report")).await.unwrap();
    let html = today.text().await.unwrap();
    assert!(html.contains("<b>1</b> profiles"), "{html}");

    let anonymous = app
        .client
        .get(app.url(&format!("/admin/offers/{offer}/report")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_report_page_offers_periods_and_compares_with_the_one_before() {
    let app = spawn_app().await;
    let session = signed_in(&app, "periods@example.com").await;
    let offer = app
        .live_offer(json!({"type": "referred_signups", "count": 1}))
        .await;
    let ana = app.participant(&offer, "ana@example.com").await;
    app.sign_up(
        &offer,
        json!({"email": "bo@example.com", "referral_code": ana["code"]}),
    )
    .await;
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).header("cookie", &session);
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };

    let (status, html) = get(format!("/admin/offers/{offer}/report?period=7")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"class="current" aria-current="page">Last 7 days</a>"#),
        "{html}"
    );
    // Seven days, each a point on both charts, with gridlines and values
    // (on the chart by network too).
    assert_eq!(html.matches(r#"class="point""#).count(), 14);
    assert_eq!(html.matches(r#"class="grid""#).count(), 15);
    assert!(html.contains(r#"class="tick y""#), "{html}");
    assert!(
        !html.contains("T00:00:00Z</text>"),
        "dates read as dates: {html}"
    );
    // This week against the week before.
    let row = html
        .split("<tr ")
        .find(|r| r.starts_with(r#"data-step="registrations""#))
        .unwrap();
    assert!(row.contains(r#"<td class="now">1</td>"#), "{row}");
    assert!(row.contains(r#"<td class="before">0</td>"#), "{row}");
    assert!(row.contains(">new<"), "{row}");

    let (status, html) = get(format!(
        "/admin/offers/{offer}/report?from=2026-03-01&to=2026-03-10"
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches(r#"class="point""#).count(), 20, "ten days");
    assert!(html.contains(r#"value="2026-03-01""#) && html.contains(r#"value="2026-03-10""#));

    let (status, _) = get(format!(
        "/admin/offers/{offer}/report?from=2026-03-10&to=2026-03-01"
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_ip_whatever_the_email() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    operator(&app, "ops@example.com").await;
    let (cookie, csrf) = login_form(&app).await;
    let attempt = |ip: &'static str, email: String, password: &'static str| {
        let form = [
            ("csrf", csrf.clone()),
            ("email", email),
            ("password", password.into()),
        ];
        app.client
            .post(app.url("/admin/login"))
            .header("cookie", &cookie)
            .header("x-forwarded-for", ip)
            .form(&form)
            .send()
    };
    // A guesser walking through emails, each under its own per-email limit.
    let mut limited_at = None;
    for i in 0..40 {
        let email = format!("guess{i}@example.com");
        let response = attempt("203.0.113.9", email, "guess guess guess")
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited_at = Some(i);
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(limited_at.is_some_and(|i| i >= 20), "{limited_at:?}");
    // Even the right password is refused from there for now.
    let right = attempt("203.0.113.9", "ops@example.com".into(), PASSWORD)
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another client (an IPv6 one) signs in.
    let other = attempt("2001:db8::7", "ops@example.com".into(), PASSWORD)
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_unknown_email_costs_as_long_as_a_wrong_password() {
    let app = spawn_app().await;
    operator(&app, "timed0@example.com").await;
    operator(&app, "timed1@example.com").await;
    let (cookie, csrf) = login_form(&app).await;
    let time = |email: String| {
        let form = [
            ("csrf", csrf.clone()),
            ("email", email),
            ("password", "guess guess guess".into()),
        ];
        let request = app
            .client
            .post(app.url("/admin/login"))
            .header("cookie", &cookie)
            .form(&form);
        async move {
            let started = std::time::Instant::now();
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            started.elapsed()
        }
    };
    // Fastest of eight each, interleaved: on a machine shared with other
    // work a single slow moment must not decide. Two operators keep each
    // email under the limit of 5 failures, and all 16 under the per-IP
    // burst of 20.
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..8 {
        wrong.push(time(format!("timed{}@example.com", i % 2)).await);
        unknown.push(time(format!("nobody{i}@example.com")).await);
    }
    let (wrong, unknown) = (*wrong.iter().min().unwrap(), *unknown.iter().min().unwrap());
    // A password hash takes milliseconds by design; without one, an unknown
    // email is answered in well under a tenth of that.
    assert!(
        unknown * 2 > wrong,
        "unknown email {unknown:?}, wrong password {wrong:?}"
    );
}

#[tokio::test]
async fn the_admin_cookies_are_secure_when_the_public_url_is_https() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.public_url = "https://referrals.example.com".into();
    })
    .await;
    operator(&app, "tls@example.com").await;
    let form = app
        .client
        .get(app.url("/admin/login"))
        .send()
        .await
        .unwrap();
    let (cookie, header) = set_cookie(&form, "parrain_csrf");
    assert!(header.contains("; Secure"), "{header}");
    let csrf = csrf_field(&form.text().await.unwrap());
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "tls@example.com"),
        ("password", PASSWORD),
    ];
    let signed_in = post_login(&app, &cookie, &form).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let (_, header) = set_cookie(&signed_in, "parrain_admin");
    assert!(
        header.contains("; Secure") && header.contains("HttpOnly"),
        "{header}"
    );
    // Over plain http (the default test server), no Secure: the browser would drop it.
    let plain = spawn_app().await;
    let form = plain
        .client
        .get(plain.url("/admin/login"))
        .send()
        .await
        .unwrap();
    let (_, header) = set_cookie(&form, "parrain_csrf");
    assert!(!header.contains("Secure"), "{header}");
}

#[tokio::test]
async fn the_offer_editor_shows_verify_friend_email_off_by_default() {
    let app = spawn_app().await;
    let offer = app.live_offer(json!({"count": 3})).await;
    let cookie = signed_in(&app, "ops@example.com").await;
    let page = app
        .client
        .get(app.url(&format!("/admin/offers/{offer}/edit")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let field = html
        .find("name=\"fraud.verify_friend_email\"")
        .unwrap_or_else(|| panic!("no verify_friend_email input in:\n{html}"));
    let select = &html[field..field + 200];
    assert!(
        select.contains("<option value=\"false\" selected>Off</option>"),
        "{select}"
    );
    assert!(html.contains("only once the friend confirms their email"));
}

#[tokio::test]
async fn a_failing_admin_page_answers_with_a_page_not_json() {
    let app = spawn_app().await;
    let session = signed_in(&app, "pages@example.com").await;
    let offer = app
        .create_offer(&offer_settings(
            json!({"type": "referred_signups", "count": 1}),
        ))
        .await;
    let id = offer["id"].as_str().unwrap();
    // Well formed, but names no offer: the store's not-found.
    let last = id.chars().last().unwrap();
    let other = if last == 'a' { 'b' } else { 'a' };
    let unknown = format!("{}{other}", &id[..id.len() - 1]);
    let get = |path: String| {
        let request = app.client.get(app.url(&path));
        request.header("cookie", &session).send()
    };
    for (path, status) in [
        (
            format!("/admin/offers/{unknown}/edit"),
            StatusCode::NOT_FOUND,
        ),
        ("/admin/offers/nothing/report".into(), StatusCode::NOT_FOUND),
    ] {
        let page = get(path.clone()).await.unwrap();
        assert_eq!(page.status(), status, "{path}");
        let kind = page.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let html = page.text().await.unwrap();
        assert!(html.contains("offer not found"), "{path}: {html}");
    }
    // A form without its token is refused with a page too, and changes nothing.
    let refused = app
        .client
        .post(app.url(&format!("/admin/offers/{id}/approve")))
        .header("cookie", &session)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let kind = refused.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("did not come from parrain"));
    let still = app.store.offer(&OfferId::parse(id).unwrap()).await.unwrap();
    assert_eq!(still.status.as_str(), "draft");
}
