//! The forecast's benchmark: a creator with 1,000 live subscribers over three tiers, a year of
//! history and 100 streams to them; 10,000 paths over 90 days. Prints the median and p99 of 40
//! runs (after 3 warm-ups), for the JSON forecast and with the chart's bands. Run:
//! `cargo run --profile native -p tributary-forecast --example bench_forecast`.

use std::time::Instant;

use tributary_forecast::{
    forecast, History, Params, Position, Schedule, SubEvent, SubEventKind, Tier, DAY,
};

const TOKEN: &str = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";

fn creator() -> History {
    let now = 400 * DAY;
    let tier = |level: u32, price: i128| Tier {
        level,
        token: TOKEN.into(),
        price,
        period: 30 * DAY,
        retired: false,
    };
    let tiers = vec![
        tier(1, 50_000_000),
        tier(2, 100_000_000),
        tier(3, 500_000_000),
    ];
    let positions = (0..1_000u64)
        .map(|i| Position {
            level: 1 + (i % 3) as u32,
            token: TOKEN.into(),
            price: [50_000_000, 100_000_000, 500_000_000][(i % 3) as usize],
            period: 30 * DAY,
            expires_at: now + (i * 2_591) % (30 * DAY),
            renewable: true,
            failing: i % 50 == 0,
        })
        .collect();
    // A year of events: ~8 new subscribers a day, each renewing a few times, some lapsing.
    let events = (0..365 * 8u64)
        .flat_map(|i| {
            let at = now - 365 * DAY + i * DAY / 8;
            let level = 1 + (i % 3) as u32;
            [
                SubEvent {
                    at,
                    level,
                    kind: SubEventKind::New,
                },
                SubEvent {
                    at: at + 29 * DAY,
                    level,
                    kind: SubEventKind::Renewed,
                },
                SubEvent {
                    at: at + 60 * DAY,
                    level,
                    kind: if i % 4 == 0 {
                        SubEventKind::Lapsed
                    } else {
                        SubEventKind::Renewed
                    },
                },
            ]
        })
        .filter(|e| e.at < now)
        .collect();
    let streams = (0..100u64)
        .map(|i| Schedule {
            token: TOKEN.into(),
            deposit: 1_000_000_000 + i128::from(i) * 7_777,
            start: now - 30 * DAY + i * 3_600,
            cliff: now - 30 * DAY + i * 3_600,
            end: now + 60 * DAY + i * DAY,
            canceled_at: (i % 10 == 0).then_some(now),
        })
        .collect();
    History {
        now,
        tiers,
        positions,
        events,
        streams,
    }
}

/// Median and p99 of 40 timed forecasts, after 3 warm-ups, in milliseconds.
fn time(h: &History, params: &Params) -> (f64, f64) {
    for _ in 0..3 {
        std::hint::black_box(forecast(h, params).expect("valid parameters"));
    }
    let mut ms: Vec<f64> = (0..40)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(forecast(h, params).expect("valid parameters"));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[ms.len() / 2], ms[(ms.len() * 99).div_ceil(100) - 1])
}

fn main() {
    let h = creator();
    let params = Params {
        horizons: vec![30, 60, 90],
        paths: 10_000,
        seed: 42,
        bands: false,
    };
    let (p50, p99) = time(&h, &params);
    let f = forecast(&h, &params).expect("valid parameters");
    let h90 = &f.horizons[2].tokens[0];
    println!(
        "forecast (JSON), 1,000 subscribers + 100 streams, 10,000 paths x 90 days: p50 {p50:.1} ms, p99 {p99:.1} ms (40 runs); 90-day mean {:.0}, 95% [{:.0}, {:.0}] base units",
        h90.mean, h90.p2_5, h90.p97_5
    );
    let (p50, p99) = time(
        &h,
        &Params {
            bands: true,
            ..params
        },
    );
    println!("with the chart's day-by-day bands (the .svg): p50 {p50:.1} ms, p99 {p99:.1} ms");
}
