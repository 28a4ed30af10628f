//! `GET /creators/{addr}/forecast` and `.svg` on an indexer with nothing ingested: a creator
//! with no history gets an empty forecast, not an error; bad parameters are named 400s.
//! (The demo's end-to-end test checks a forecast's stream part against its schedule.)
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forecast_routes_answer_and_name_bad_parameters() {
    let dir = support::temp_dir("forecast");
    let running = support::start_idle(dir.path()).await;
    let base = format!("http://{}", running.addr);
    let creator = stellar_strkey::ed25519::PublicKey([7; 32]).to_string();
    let (status, body) = support::get(format!(
        "{base}/creators/{creator}/forecast?horizons=7,30&paths=500"
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let days: Vec<u64> = body["horizons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["days"].as_u64().unwrap())
        .collect();
    assert_eq!(days, [7, 30]);
    assert_eq!(body["subscribers"], 0);
    assert_eq!(body["horizons"][0]["tokens"], serde_json::json!([]));
    for (query, param) in [
        ("horizons=30,7", "horizons"),
        ("horizons=0", "horizons"),
        ("horizons=a", "horizons"),
        ("paths=10", "paths"),
        ("seed=-1", "seed"),
        ("colour=red", "colour"),
    ] {
        let (status, body) =
            support::get(format!("{base}/creators/{creator}/forecast?{query}")).await;
        assert_eq!(
            (status, body["parameter"].as_str()),
            (400, Some(param)),
            "{query}: {body}"
        );
    }
    let (status, body) = support::get(format!("{base}/creators/GABC/forecast")).await;
    assert_eq!(
        (status, body["parameter"].as_str()),
        (400, Some("addr")),
        "{body}"
    );
    let (status, svg) =
        support::get(format!("{base}/creators/{creator}/forecast.svg?paths=500")).await;
    assert_eq!(status, 200);
    assert!(svg.as_str().unwrap().starts_with("<svg"), "{svg}");
    running.stop().await;
}
