//! The fan chart (`GET /creators/{address}/forecast.svg`), drawn with plotters: per token, the
//! median of the cumulative revenue, its 50% and 95% bands, and the streams' exact part as
//! its own area underneath. Amounts in whole tokens (base units / 10^7).

use plotters::prelude::*;

use super::{
    simulate::{quantiles, TokenPaths},
    DECIMALS,
};

/// One token's bands, cumulative from now, at `days[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bands {
    /// Token contract (C…).
    pub token: String,
    /// Days from now.
    pub days: Vec<u32>,
    /// Streams' exact part.
    pub streams: Vec<f64>,
    /// 2.5th, 25th, 50th, 75th, 97.5th percentiles of the total (streams included).
    pub q: [Vec<f64>; 5],
}

/// The chart's days for a forecast of `last` days: every `max(1, last / 30)` days from 1, and
/// `last` (at most about 31 points).
pub fn days(last: u32) -> Vec<u32> {
    let step = (last / 30).max(1);
    let mut days: Vec<u32> = (step..=last).step_by(step as usize).collect();
    if days.last() != Some(&last) {
        days.push(last);
    }
    days
}

impl Bands {
    /// The bands of `paths` at [`days`] of its last checkpoint, with `streams(d)` the
    /// streams' part over `d` days.
    pub fn of(paths: &TokenPaths, streams: impl Fn(u32) -> f64) -> Self {
        // From day 0 (nothing yet) to the last checkpoint.
        let last = paths.checkpoints.last().copied().unwrap_or(0);
        let days: Vec<u32> = std::iter::once(0).chain(days(last)).collect();
        let mut q: [Vec<f64>; 5] = Default::default();
        let mut stream_part = Vec::with_capacity(days.len());
        for &d in &days {
            let s = streams(d);
            stream_part.push(s);
            let mut totals = paths.totals_at(d);
            let qs = quantiles(&mut totals, &[0.025, 0.25, 0.5, 0.75, 0.975]);
            for (band, v) in q.iter_mut().zip(qs) {
                band.push(s + v);
            }
        }
        Self {
            token: paths.token.clone(),
            days,
            streams: stream_part,
            q,
        }
    }
}

/// The SVG of `bands` (one panel per token), titled with `title`.
///
/// # Errors
/// plotters' drawing error, as text.
pub fn svg(bands: &[Bands], title: &str) -> Result<String, String> {
    let mut out = String::new();
    let height = 80 + 300 * bands.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut out, (800, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let root = root
            .titled(title, ("sans-serif", 20))
            .map_err(|e| e.to_string())?;
        let panels = root.split_evenly((bands.len().max(1), 1));
        let unit = 10f64.powi(DECIMALS as i32);
        for (b, area) in bands.iter().zip(panels.iter()) {
            let top = b.q[4].iter().copied().fold(0.0, f64::max) / unit;
            let last = f64::from(b.days.last().copied().unwrap_or(1).max(1));
            let mut chart = ChartBuilder::on(area)
                .margin(10)
                .caption(format!("token {}", b.token), ("sans-serif", 14))
                .x_label_area_size(30)
                .y_label_area_size(70)
                .build_cartesian_2d(0f64..last, 0f64..(top * 1.05).max(1e-7))
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .x_desc("days from now")
                .y_desc("cumulative revenue (tokens)")
                .draw()
                .map_err(|e| e.to_string())?;
            let pts = |v: &[f64]| -> Vec<(f64, f64)> {
                b.days
                    .iter()
                    .zip(v)
                    .map(|(d, y)| (f64::from(*d), y / unit))
                    .collect()
            };
            let band = |lo: &[f64], hi: &[f64]| -> Vec<(f64, f64)> {
                let mut p = pts(hi);
                p.extend(pts(lo).into_iter().rev());
                p
            };
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(&b.q[0], &b.q[4]),
                    BLUE.mix(0.15),
                )))
                .map_err(|e| e.to_string())?
                .label("95%")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 15, y + 5)], BLUE.mix(0.15).filled())
                });
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band(&b.q[1], &b.q[3]),
                    BLUE.mix(0.35),
                )))
                .map_err(|e| e.to_string())?
                .label("50%")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 15, y + 5)], BLUE.mix(0.35).filled())
                });
            chart
                .draw_series(AreaSeries::new(pts(&b.streams), 0.0, GREEN.mix(0.4)))
                .map_err(|e| e.to_string())?
                .label("streams (exact)")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 15, y + 5)], GREEN.mix(0.4).filled())
                });
            chart
                .draw_series(LineSeries::new(pts(&b.q[2]), BLUE.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label("median")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 15, y)], BLUE.stroke_width(2)));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
