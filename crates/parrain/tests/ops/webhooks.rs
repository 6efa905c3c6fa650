//! Webhook deliveries of the real binary ignore the proxy the environment
//! names: a proxy resolves names itself, past parrain's address check.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{free_port, Listener, Server};

#[tokio::test]
async fn deliveries_go_straight_to_the_receiver_whatever_proxy_the_environment_names() {
    let dir = tempfile::tempdir().unwrap();
    let (receiver, proxy) = (Listener::start(), Listener::start());
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
        ("NO_PROXY", ""),
        ("no_proxy", ""),
    ];
    let extra = ["--allow-private-webhooks", "--worker-poll-ms", "50"];
    let server = Server::start_with_env(free_port(), dir.path(), &extra, &env);
    let sk = server.sk.clone().unwrap();
    let hook = json!({"url": format!("http://127.0.0.1:{}/hooks", receiver.port),
        "events": ["signs_up_for_referral_offer"]});
    let saved = server
        .client
        .post(format!("{}/v1/webhooks", server.base))
        .bearer_auth(&sk)
        .json(&hook)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 201);

    let offer = server.approved_offer(&sk).await;
    let (status, _) = server
        .sign_up(&sk, &offer, json!({"email": "ana@example.com"}))
        .await;
    assert_eq!(status, 201);

    let deadline = Instant::now() + Duration::from_secs(20);
    while receiver.connections() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(receiver.connections(), 1, "the receiver got the delivery");
    assert_eq!(proxy.connections(), 0, "the proxy saw nothing");
}
