//! The report's grouped bar charts (by network, by reward): a group of bars
//! per network or reward, one bar per measure, on the same y axis with round
//! values and gridlines as the time chart (`report_chart`). Each bar's value,
//! and the previous period's, is in its tooltip; the previous period's value
//! is also drawn as a dashed mark across the bar.

use std::fmt::Write;

use super::report_chart::nice_top;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// The longest group label drawn under the axis (the tooltip has it whole).
const LABEL_CHARS: usize = 16;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One group of bars: a network or a reward.
pub struct Group {
    /// The group's key (`data-group`): a network's or a reward's id.
    pub key: String,
    pub label: String,
    /// One value per measure, in the chart's order.
    pub values: Vec<i64>,
    /// The same values in the previous period.
    pub previous: Vec<i64>,
}

/// A chart titled `title` of `groups`, each with a bar per measure of
/// `measures` (`(key, name)`: the key is the bar's class and `data-measure`).
pub fn bar_chart(title: &str, measures: &[(&str, &str)], groups: &[Group]) -> String {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().chain(&g.previous))
        .copied()
        .max()
        .unwrap_or(0);
    let (top, step) = nice_top(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: i64| TOP + plot_h - v.max(0) as f64 / top as f64 * plot_h;
    let group_w = plot_w / groups.len().max(1) as f64;
    let bar_w = group_w * 0.8 / measures.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart bars" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for k in 0..=4 {
        let value = step * k;
        let gy = y(value);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" y1="{gy:.1}" x2="{x2}" y2="{gy:.1}"/><text class="tick y" x="{tx}" y="{ty:.1}" text-anchor="end">{value}</text>"#,
            x2 = WIDTH - RIGHT,
            tx = LEFT - 6.0,
            ty = gy + 4.0,
        );
    }
    let base = TOP + plot_h;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{r}" y2="{base}"/>"#,
        r = WIDTH - RIGHT
    );
    for (g, group) in groups.iter().enumerate() {
        let left = LEFT + g as f64 * group_w + group_w * 0.1;
        let short: String = if group.label.chars().count() > LABEL_CHARS {
            let cut: String = group.label.chars().take(LABEL_CHARS - 1).collect();
            format!("{cut}…")
        } else {
            group.label.clone()
        };
        let _ = write!(
            svg,
            r#"<text class="tick x" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            left + group_w * 0.4,
            HEIGHT - 8.0,
            escape(&short)
        );
        for (m, (key, name)) in measures.iter().enumerate() {
            let value = group.values.get(m).copied().unwrap_or(0);
            let previous = group.previous.get(m).copied().unwrap_or(0);
            let x = left + m as f64 * bar_w;
            let top_y = y(value);
            let _ = write!(
                svg,
                r#"<rect class="bar {key}" x="{x:.1}" y="{top_y:.1}" width="{w:.1}" height="{h:.1}" data-group="{group_key}" data-measure="{key}" data-value="{value}" data-previous="{previous}"><title>{label}, {name}: {value} (previous period: {previous})</title></rect>"#,
                w = bar_w * 0.9,
                h = base - top_y,
                group_key = escape(&group.key),
                label = escape(&group.label),
            );
            let _ = write!(
                svg,
                r#"<line class="mark previous" x1="{x:.1}" y1="{py:.1}" x2="{x2:.1}" y2="{py:.1}"/>"#,
                py = y(previous),
                x2 = x + bar_w * 0.9,
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bar_has_its_value_and_the_previous_one() {
        let groups = vec![
            Group {
                key: "x".into(),
                label: "X".into(),
                values: vec![3, 1],
                previous: vec![0, 2],
            },
            Group {
                key: "tier-1".into(),
                label: "A label far longer than the room under it".into(),
                values: vec![9, 0],
                previous: vec![1, 1],
            },
        ];
        let svg = bar_chart(
            "By network",
            &[("shares", "Shares"), ("clicks", "Clicks")],
            &groups,
        );
        assert_eq!(svg.matches(r#"class="grid""#).count(), 5);
        assert!(svg.contains(">20</text>"), "top of the axis: {svg}");
        assert_eq!(svg.matches("<rect class=\"bar ").count(), 4);
        assert!(svg.contains("<title>X, Shares: 3 (previous period: 0)</title>"));
        assert!(svg.contains(r#"data-group="tier-1" data-measure="shares" data-value="9""#));
        assert!(svg.contains(">A label far lon…</text>"), "{svg}");
        assert_eq!(svg.matches("mark previous").count(), 4);
    }
}
