//! Turns a [`Digest`] into an email: a subject, a plain-text part readable at 72 columns and
//! a simple HTML part (inline styles, no images, every piece of user text escaped).
//!
//! Both parts are written from the same sections, so they always say the same thing.

use chrono::{Datelike, NaiveDate};

use super::model::{AthleteDigest, Digest, DigestLinks, LoadTrend, ProposalLine};

/// A digest ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedDigest {
    /// The email's subject line.
    pub subject: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part.
    pub html: String,
}

/// Renders a digest and its links into a subject, a text part and an HTML part.
pub fn render(digest: &Digest, links: &DigestLinks) -> RenderedDigest {
    let subject = subject(digest);
    let intro = intro(digest);
    let open_label = if digest.for_coach {
        "Open Stride to see your athletes' weeks in full"
    } else {
        "Open Stride to see your week in full"
    };
    let athletes: Vec<AthleteSections> = digest
        .athletes
        .iter()
        .map(|athlete| AthleteSections {
            name: athlete.athlete_name.clone(),
            sections: athlete_sections(athlete, digest.for_coach),
        })
        .collect();
    RenderedDigest {
        text: text_part(&digest.recipient_name, &intro, &athletes, open_label, links),
        html: html_part(
            &subject,
            &digest.recipient_name,
            &intro,
            &athletes,
            open_label,
            links,
        ),
        subject,
    }
}

/// Width the text part wraps at.
const TEXT_WIDTH: usize = 72;

/// What one athlete's part of the digest says, before it is laid out as text or HTML.
struct AthleteSections {
    name: String,
    sections: Vec<Section>,
}

/// A titled block: "Load and form", "Sessions", …
struct Section {
    title: &'static str,
    lines: Vec<Line>,
}

enum Line {
    /// A labelled figure: "Form (TSB): -4 → +3".
    Figure { label: &'static str, value: String },
    /// One entry of a list (an alert, a proposal).
    Item(String),
    /// A sentence: an empty state, an explanation, an insight.
    Note(String),
}

fn subject(digest: &Digest) -> String {
    let span = short_span(digest.week_start, digest.week_end);
    if digest.for_coach {
        let count = digest.athletes.len();
        return format!(
            "Your athletes' week, {span} ({count} {})",
            plural(count, "athlete", "athletes")
        );
    }
    let Some(athlete) = digest.athletes.first() else {
        return format!("Your week, {span}");
    };
    let sessions = if athlete.sessions_planned > 0 {
        format!(
            "{} of {} planned {}",
            athlete.planned_completed,
            athlete.sessions_planned,
            plural(athlete.sessions_planned as usize, "session", "sessions")
        )
    } else if athlete.sessions_done > 0 {
        format!(
            "{} {}",
            athlete.sessions_done,
            plural(athlete.sessions_done as usize, "session", "sessions")
        )
    } else {
        "no sessions logged".to_owned()
    };
    match &athlete.load {
        Some(load) => format!(
            "Your week, {span}: {sessions}, form {}",
            signed(load.tsb_end)
        ),
        None => format!("Your week, {span}: {sessions}"),
    }
}

fn intro(digest: &Digest) -> String {
    let span = long_span(digest.week_start, digest.week_end);
    if !digest.for_coach {
        return format!("Here is your training week, {span}.");
    }
    match digest.athletes.len() {
        0 => format!("No athlete shared their training with you for the week {span}."),
        1 => format!("Here is the week of the athlete who shares their training with you, {span}."),
        count => format!(
            "Here is the week of the {count} athletes who share their training with you, {span}."
        ),
    }
}

fn athlete_sections(athlete: &AthleteDigest, for_coach: bool) -> Vec<Section> {
    vec![
        load_section(athlete.load.as_ref()),
        sessions_section(athlete),
        alerts_section(&athlete.alerts),
        proposals_section(athlete, for_coach),
        insight_section(athlete.newest_insight.as_deref(), for_coach),
    ]
}

fn load_section(load: Option<&LoadTrend>) -> Section {
    let lines = match load {
        None => vec![Line::Note(
            "No load figures for this week: there is not enough training history yet.".to_owned(),
        )],
        Some(load) => vec![
            Line::Figure {
                label: "Training load this week",
                value: format!(
                    "{} (previous week {}{})",
                    whole(load.week_load),
                    whole(load.previous_week_load),
                    load_change(load.week_load, load.previous_week_load)
                ),
            },
            Line::Figure {
                label: "Fitness (chronic load)",
                value: format!(
                    "{} → {}",
                    whole(load.chronic_start),
                    whole(load.chronic_end)
                ),
            },
            Line::Figure {
                label: "Fatigue (acute load)",
                value: format!("{} at the end of the week", whole(load.acute_end)),
            },
            Line::Figure {
                label: "Form (TSB)",
                value: format!("{} → {}", signed(load.tsb_start), signed(load.tsb_end)),
            },
            Line::Figure {
                label: "Acute:chronic ratio (ACWR)",
                value: match load.acwr_end {
                    Some(acwr) => format!("{acwr:.2}"),
                    None => "not enough history yet".to_owned(),
                },
            },
        ],
    };
    Section {
        title: "Load and form",
        lines,
    }
}

/// ", up 8%" against the previous week; nothing when there was no load to compare with.
fn load_change(week: f64, previous: f64) -> String {
    if !previous.is_finite() || previous <= 0.0 || !week.is_finite() {
        return String::new();
    }
    let percent = ((week - previous) / previous * 100.0).round();
    if percent.abs() < 1.0 {
        ", about the same".to_owned()
    } else if percent > 0.0 {
        format!(", up {percent:.0}%")
    } else {
        format!(", down {:.0}%", -percent)
    }
}

fn sessions_section(athlete: &AthleteDigest) -> Section {
    let mut lines = Vec::new();
    if athlete.sessions_done == 0 {
        lines.push(Line::Note("No sessions logged this week.".to_owned()));
    } else {
        lines.push(Line::Figure {
            label: "Sessions logged",
            value: athlete.sessions_done.to_string(),
        });
    }
    if athlete.sessions_planned == 0 {
        lines.push(Line::Note("No sessions were planned.".to_owned()));
    } else {
        lines.push(Line::Figure {
            label: "Planned sessions done",
            value: format!(
                "{} of {}",
                athlete.planned_completed, athlete.sessions_planned
            ),
        });
    }
    if athlete.sessions_done > 0 {
        lines.push(Line::Figure {
            label: "Time",
            value: duration(athlete.minutes_done),
        });
        if athlete.distance_km >= 0.05 {
            lines.push(Line::Figure {
                label: "Distance",
                value: format!("{:.1} km", athlete.distance_km),
            });
        }
    }
    Section {
        title: "Sessions",
        lines,
    }
}

fn alerts_section(alerts: &[String]) -> Section {
    let lines = if alerts.is_empty() {
        vec![Line::Note("No alerts.".to_owned())]
    } else {
        alerts
            .iter()
            .map(|alert| Line::Item(alert.clone()))
            .collect()
    };
    Section {
        title: "Alerts",
        lines,
    }
}

fn proposals_section(athlete: &AthleteDigest, for_coach: bool) -> Section {
    let lines = if athlete.pending_proposals.is_empty() {
        vec![Line::Note(
            "No plan changes are waiting for confirmation.".to_owned(),
        )]
    } else {
        let mut lines: Vec<Line> = athlete
            .pending_proposals
            .iter()
            .map(|proposal| Line::Item(proposal_line(proposal)))
            .collect();
        lines.push(Line::Note(if for_coach {
            format!(
                "These changes wait for {}'s confirmation: the plan changes only once the \
                 athlete confirms them.",
                athlete.athlete_name
            )
        } else {
            "These changes wait for your confirmation: your plan changes only once you \
             confirm them in Stride."
                .to_owned()
        }));
        lines
    };
    Section {
        title: "Waiting for confirmation",
        lines,
    }
}

fn proposal_line(proposal: &ProposalLine) -> String {
    format!(
        "{} ({}, proposed {})",
        proposal.summary,
        proposal.source,
        proposal.created_at.format("%a %-d %b")
    )
}

fn insight_section(insight: Option<&str>, for_coach: bool) -> Section {
    let lines = match insight {
        None => vec![Line::Note("No new insight this week.".to_owned())],
        Some(insight) => vec![
            Line::Note(insight.to_owned()),
            Line::Note(
                if for_coach {
                    "This is an association seen in the athlete's data, not proof that one \
                     thing causes the other."
                } else {
                    "This is an association seen in your data, not proof that one thing \
                     causes the other."
                }
                .to_owned(),
            ),
        ],
    };
    Section {
        title: "Newest insight",
        lines,
    }
}

fn text_part(
    recipient: &str,
    intro: &str,
    athletes: &[AthleteSections],
    open_label: &str,
    links: &DigestLinks,
) -> String {
    let mut out = String::new();
    out.push_str(&wrap(&format!("Hello {recipient},"), "", ""));
    out.push('\n');
    out.push_str(&wrap(intro, "", ""));
    for athlete in athletes {
        out.push('\n');
        out.push_str(&athlete.name);
        out.push('\n');
        out.push_str(&"=".repeat(athlete.name.chars().count().clamp(1, TEXT_WIDTH)));
        out.push('\n');
        for section in &athlete.sections {
            out.push('\n');
            out.push_str(section.title);
            out.push('\n');
            for line in &section.lines {
                out.push_str(&match line {
                    Line::Figure { label, value } => {
                        wrap(&format!("{label}: {value}"), "  ", "      ")
                    }
                    Line::Item(item) => wrap(item, "  - ", "    "),
                    Line::Note(note) => wrap(note, "  ", "  "),
                });
            }
        }
    }
    out.push('\n');
    out.push_str(open_label);
    out.push_str(":\n");
    out.push_str(&links.open_url);
    out.push_str("\n\n");
    out.push_str("You receive this digest once a week. To stop it, unsubscribe:\n");
    out.push_str(&links.unsubscribe_url);
    out.push('\n');
    out
}

/// Greedy word wrap at [`TEXT_WIDTH`]; a word longer than a line (a URL) gets a line of its
/// own rather than being cut. Every line, the last included, ends with a newline.
fn wrap(text: &str, first_prefix: &str, rest_prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first_prefix);
    let mut line_has_word = false;
    for word in text.split_whitespace() {
        if line_has_word && line.chars().count() + 1 + word.chars().count() > TEXT_WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest_prefix);
            line_has_word = false;
        }
        if line_has_word {
            line.push(' ');
        }
        line.push_str(word);
        line_has_word = true;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

const STYLE_BODY: &str = "margin:0;padding:0;background-color:#f4f4f4;";
const STYLE_PAGE: &str = "max-width:600px;margin:0 auto;padding:24px 16px;\
    font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222222;\
    background-color:#ffffff;";
const STYLE_P: &str = "margin:0 0 12px;";
const STYLE_H2: &str = "margin:28px 0 8px;font-size:19px;color:#111111;";
const STYLE_TABLE: &str = "width:100%;border-collapse:collapse;margin:0 0 8px;";
const STYLE_TH: &str = "text-align:left;padding:12px 0 4px;font-size:15px;\
    border-bottom:1px solid #dddddd;";
const STYLE_LABEL: &str = "padding:4px 12px 4px 0;color:#555555;vertical-align:top;";
const STYLE_VALUE: &str = "padding:4px 0;vertical-align:top;";
const STYLE_ITEM: &str = "padding:4px 0 4px 12px;vertical-align:top;";
const STYLE_NOTE: &str = "padding:4px 0;color:#555555;vertical-align:top;";
const STYLE_LINK: &str = "color:#1a5fb4;";
const STYLE_FOOTER: &str = "margin:24px 0 0;font-size:12px;color:#777777;";

fn html_part(
    subject: &str,
    recipient: &str,
    intro: &str,
    athletes: &[AthleteSections],
    open_label: &str,
    links: &DigestLinks,
) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape_html(subject)));
    out.push_str(&format!("</head>\n<body style=\"{STYLE_BODY}\">\n"));
    out.push_str(&format!("<div style=\"{STYLE_PAGE}\">\n"));
    out.push_str(&format!(
        "<p style=\"{STYLE_P}\">Hello {},</p>\n",
        escape_html(recipient)
    ));
    out.push_str(&format!(
        "<p style=\"{STYLE_P}\">{}</p>\n",
        escape_html(intro)
    ));
    for athlete in athletes {
        out.push_str(&format!(
            "<h2 style=\"{STYLE_H2}\">{}</h2>\n",
            escape_html(&athlete.name)
        ));
        out.push_str(&format!(
            "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" \
             style=\"{STYLE_TABLE}\">\n"
        ));
        for section in &athlete.sections {
            out.push_str(&format!(
                "<tr><th colspan=\"2\" style=\"{STYLE_TH}\">{}</th></tr>\n",
                escape_html(section.title)
            ));
            for line in &section.lines {
                out.push_str(&match line {
                    Line::Figure { label, value } => format!(
                        "<tr><td style=\"{STYLE_LABEL}\">{}</td>\
                         <td style=\"{STYLE_VALUE}\">{}</td></tr>\n",
                        escape_html(label),
                        escape_html(value)
                    ),
                    Line::Item(item) => format!(
                        "<tr><td colspan=\"2\" style=\"{STYLE_ITEM}\">&#8226; {}</td></tr>\n",
                        escape_html(item)
                    ),
                    Line::Note(note) => format!(
                        "<tr><td colspan=\"2\" style=\"{STYLE_NOTE}\">{}</td></tr>\n",
                        escape_html(note)
                    ),
                });
            }
        }
        out.push_str("</table>\n");
    }
    let open = escape_html(&links.open_url);
    let unsubscribe = escape_html(&links.unsubscribe_url);
    out.push_str(&format!(
        "<p style=\"margin:24px 0 12px;\"><a href=\"{open}\" style=\"{STYLE_LINK}\">{}</a>\
         <br>{open}</p>\n",
        escape_html(open_label)
    ));
    out.push_str(&format!(
        "<p style=\"{STYLE_FOOTER}\">You receive this digest once a week. To stop it, \
         <a href=\"{unsubscribe}\" style=\"{STYLE_LINK}\">unsubscribe</a>: {unsubscribe}</p>\n"
    ));
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// "2 Mar – 8 Mar".
fn short_span(start: NaiveDate, end: NaiveDate) -> String {
    format!("{} – {}", start.format("%-d %b"), end.format("%-d %b"))
}

/// "Monday 2 March to Sunday 8 March 2026" (both years when the week spans two).
fn long_span(start: NaiveDate, end: NaiveDate) -> String {
    let start = if start.year() == end.year() {
        start.format("%A %-d %B").to_string()
    } else {
        start.format("%A %-d %B %Y").to_string()
    };
    format!("{start} to {}", end.format("%A %-d %B %Y"))
}

/// A load, fitness or fatigue figure: whole numbers, never "-0".
fn whole(value: f64) -> String {
    let rounded = value.round();
    if rounded.abs() < 0.5 {
        "0".to_owned()
    } else {
        format!("{rounded:.0}")
    }
}

/// A form (TSB) figure: whole and signed ("+3", "-12", "0").
fn signed(value: f64) -> String {
    let rounded = value.round();
    if rounded.abs() < 0.5 {
        "0".to_owned()
    } else {
        format!("{rounded:+.0}")
    }
}

/// "45 min", "2 h", "6 h 20 min".
fn duration(minutes: f64) -> String {
    // Saturating cast: NaN and negatives become 0, which is what an empty week shows.
    let minutes = minutes.round().max(0.0) as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use uuid::Uuid;

    use super::*;

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).expect("valid date")
    }

    fn links() -> DigestLinks {
        DigestLinks {
            open_url: "https://stride.example/digest?week=2026-03-02&athlete=all".to_owned(),
            unsubscribe_url: "https://stride.example/digest/unsubscribe?token=abc123".to_owned(),
        }
    }

    fn busy_week() -> AthleteDigest {
        AthleteDigest {
            athlete_id: Uuid::from_u128(1),
            athlete_name: "Ana Runner".to_owned(),
            load: Some(LoadTrend {
                week_load: 412.4,
                previous_week_load: 380.0,
                chronic_start: 51.6,
                chronic_end: 55.2,
                acute_end: 61.3,
                tsb_start: -4.2,
                tsb_end: 2.6,
                acwr_end: Some(1.114),
            }),
            sessions_done: 5,
            sessions_planned: 6,
            planned_completed: 5,
            minutes_done: 380.4,
            distance_km: 48.26,
            alerts: vec![
                "Resting heart rate was 8 bpm above its 30-day average on Thursday.".to_owned(),
            ],
            pending_proposals: vec![ProposalLine {
                summary: "Swap Thursday's intervals & Saturday's <long run>".to_owned(),
                source: "rule \"deload-after-spike\"".to_owned(),
                created_at: Utc
                    .with_ymd_and_hms(2026, 3, 6, 7, 30, 0)
                    .single()
                    .expect("valid instant"),
            }],
            newest_insight: Some(
                "On days after you slept more than 8 hours, your easy runs were on average \
                 4 beats per minute lower at the same pace."
                    .to_owned(),
            ),
        }
    }

    fn empty_week(id: u128, name: &str) -> AthleteDigest {
        AthleteDigest {
            athlete_id: Uuid::from_u128(id),
            athlete_name: name.to_owned(),
            load: None,
            sessions_done: 0,
            sessions_planned: 0,
            planned_completed: 0,
            minutes_done: 0.0,
            distance_km: 0.0,
            alerts: Vec::new(),
            pending_proposals: Vec::new(),
            newest_insight: None,
        }
    }

    fn digest(recipient: &str, for_coach: bool, athletes: Vec<AthleteDigest>) -> Digest {
        Digest {
            recipient_name: recipient.to_owned(),
            week_start: date(2),
            week_end: date(8),
            for_coach,
            athletes,
        }
    }

    #[test]
    fn athlete_digest_with_everything() {
        let rendered = render(&digest("Ana", false, vec![busy_week()]), &links());
        assert_eq!(
            rendered.subject,
            "Your week, 2 Mar – 8 Mar: 5 of 6 planned sessions, form +3"
        );
        insta::assert_snapshot!("athlete_full_text", rendered.text);
        insta::assert_snapshot!("athlete_full_html", rendered.html);
    }

    #[test]
    fn athlete_digest_of_an_empty_week() {
        let rendered = render(
            &digest("Ben", false, vec![empty_week(2, "Ben Walker")]),
            &links(),
        );
        assert_eq!(
            rendered.subject,
            "Your week, 2 Mar – 8 Mar: no sessions logged"
        );
        assert!(rendered.text.contains("No sessions logged this week."));
        insta::assert_snapshot!("athlete_empty_text", rendered.text);
        insta::assert_snapshot!("athlete_empty_html", rendered.html);
    }

    #[test]
    fn coach_digest_with_two_athletes() {
        let mut quiet = empty_week(3, "Chloé Swimmer");
        quiet.sessions_planned = 3;
        quiet.load = Some(LoadTrend {
            week_load: 0.0,
            previous_week_load: 210.0,
            chronic_start: 40.4,
            chronic_end: 35.1,
            acute_end: 12.0,
            tsb_start: 0.3,
            tsb_end: 23.1,
            acwr_end: None,
        });
        let rendered = render(
            &digest("Coach Dana", true, vec![busy_week(), quiet]),
            &links(),
        );
        assert_eq!(
            rendered.subject,
            "Your athletes' week, 2 Mar – 8 Mar (2 athletes)"
        );
        assert!(
            rendered
                .text
                .contains("These changes wait for Ana Runner's confirmation")
        );
        insta::assert_snapshot!("coach_two_athletes_text", rendered.text);
        insta::assert_snapshot!("coach_two_athletes_html", rendered.html);
    }

    #[test]
    fn text_lines_fit_in_72_columns_except_urls() {
        let rendered = render(&digest("Ana", false, vec![busy_week()]), &links());
        for line in rendered.text.lines() {
            assert!(
                line.chars().count() <= TEXT_WIDTH || line.starts_with("https://"),
                "too long: {line:?}"
            );
        }
    }

    #[test]
    fn both_parts_end_with_the_links() {
        let rendered = render(&digest("Ana", false, vec![busy_week()]), &links());
        assert!(
            rendered
                .text
                .ends_with("https://stride.example/digest/unsubscribe?token=abc123\n")
        );
        assert!(
            rendered
                .html
                .contains("href=\"https://stride.example/digest?week=2026-03-02&amp;athlete=all\"")
        );
        assert!(
            rendered
                .html
                .contains("href=\"https://stride.example/digest/unsubscribe?token=abc123\"")
        );
    }

    #[test]
    fn escape_html_escapes_markup_ampersands_and_quotes() {
        assert_eq!(
            escape_html(r#"<script>alert("x")</script> & 'co'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"
        );
        assert_eq!(escape_html("Chloé"), "Chloé");
    }

    #[test]
    fn user_text_is_escaped_in_the_html_part() {
        let mut athlete = busy_week();
        athlete.athlete_name = r#"Eve "<script>alert(1)</script>" & Co"#.to_owned();
        athlete.alerts = vec!["<b>bold</b> alert".to_owned()];
        athlete.newest_insight = Some("<img src=x onerror=alert(2)>".to_owned());
        let rendered = render(
            &digest(r#"<script>"Coach" & 'Co'</script>"#, true, vec![athlete]),
            &links(),
        );
        assert!(!rendered.html.contains("<script>"));
        assert!(!rendered.html.contains("<b>"));
        assert!(!rendered.html.contains("<img"));
        assert!(
            rendered
                .html
                .contains("Eve &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; Co")
        );
        assert!(
            rendered.html.contains(
                "Hello &lt;script&gt;&quot;Coach&quot; &amp; &#39;Co&#39;&lt;/script&gt;,"
            )
        );
        assert!(
            rendered
                .html
                .contains("Swap Thursday&#39;s intervals &amp; Saturday&#39;s &lt;long run&gt;")
        );
    }

    #[test]
    fn figures_round_sensibly() {
        assert_eq!(whole(-0.4), "0");
        assert_eq!(whole(412.5), "413");
        assert_eq!(signed(2.6), "+3");
        assert_eq!(signed(-12.2), "-12");
        assert_eq!(signed(-0.3), "0");
        assert_eq!(duration(45.0), "45 min");
        assert_eq!(duration(120.2), "2 h");
        assert_eq!(duration(380.4), "6 h 20 min");
        assert_eq!(load_change(412.4, 380.0), ", up 9%");
        assert_eq!(load_change(0.0, 210.0), ", down 100%");
        assert_eq!(load_change(100.0, 0.0), "");
    }

    #[test]
    fn weeks_across_new_year_name_both_years() {
        let start = NaiveDate::from_ymd_opt(2025, 12, 29).expect("valid date");
        let end = NaiveDate::from_ymd_opt(2026, 1, 4).expect("valid date");
        assert_eq!(
            long_span(start, end),
            "Monday 29 December 2025 to Sunday 4 January 2026"
        );
        assert_eq!(short_span(start, end), "29 Dec – 4 Jan");
    }
}
