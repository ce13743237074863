//! A real SMTP server for tests: it listens on `127.0.0.1:0`, speaks enough of RFC 5321 for
//! a real client (greeting, `EHLO`/`HELO`, `MAIL FROM`, `RCPT TO`, `DATA` with dot-stuffing,
//! `RSET`, `NOOP`, `QUIT`), keeps every message it accepts, and can be told to refuse the next
//! ones. No TLS and no authentication: point a mailer at [`SmtpSink::url`].

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The name the sink gives itself in its replies.
const SERVER_NAME: &str = "stride-smtp-sink";

/// Largest message the sink advertises (`SIZE`) and accepts, bytes.
const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// A running SMTP server; it stops, closing its connections, when dropped.
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    state: Arc<SinkState>,
    server: JoinHandle<()>,
}

/// A message the sink accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without angle brackets; empty for a bounce.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub to: Vec<String>,
    /// The message as sent after `DATA`, dot-stuffing undone, CRLF line ends kept.
    pub raw: Vec<u8>,
}

/// The parts of a received message tests look at.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMail {
    /// The decoded `Subject`.
    pub subject: String,
    /// The `To` header's recipients, `Name <address>` each, joined by `, `.
    pub to: String,
    /// The decoded `text/plain` part.
    pub text: String,
    /// The decoded `text/html` part.
    pub html: String,
    /// The message's top-level headers in order, values unfolded but not decoded.
    pub headers: Vec<(String, String)>,
}

impl ParsedMail {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Default)]
struct SinkState {
    messages: Mutex<Vec<ReceivedMail>>,
    /// Replies to give instead of accepting the next messages, one per message.
    data_failures: Mutex<VecDeque<String>>,
    /// How many messages have been accepted, for [`SmtpSink::wait_for`].
    accepted: watch::Sender<usize>,
}

impl SinkState {
    fn messages(&self) -> MutexGuard<'_, Vec<ReceivedMail>> {
        // A test that panicked while holding the lock left consistent data behind.
        self.messages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn data_failures(&self) -> MutexGuard<'_, VecDeque<String>> {
        self.data_failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SmtpSink {
    /// Starts a sink on a free port of `127.0.0.1`.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("the SMTP sink's address");
        let state = Arc::new(SinkState::default());
        let server = tokio::spawn(serve(listener, Arc::clone(&state)));
        SmtpSink {
            addr,
            state,
            server,
        }
    }

    /// The URL a mailer reaches the sink at: `smtp://127.0.0.1:PORT?tls=none` (plain SMTP;
    /// `tls=none` because a bare `smtp://` means STARTTLS to Stride's mailer).
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    /// The messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.state.messages().clone()
    }

    /// Waits until at least `count` messages were accepted and returns them all; an error
    /// saying how many arrived when `timeout` passes first.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<ReceivedMail>> {
        let mut accepted = self.state.accepted.subscribe();
        let waited = tokio::time::timeout(timeout, accepted.wait_for(|n| *n >= count)).await;
        match waited {
            Ok(Ok(_)) => Ok(self.messages()),
            Ok(Err(_)) => bail!("the SMTP sink stopped"),
            Err(_) => bail!(
                "the SMTP sink received {} of {count} messages in {timeout:?}",
                self.messages().len()
            ),
        }
    }

    /// Makes the next `times` messages fail: after their data, the sink answers `reply`
    /// (e.g. `451 4.3.0 try again later` or `550 5.7.1 refused`) and keeps nothing.
    pub fn fail_next_data(&self, times: usize, reply: &str) {
        self.state
            .data_failures()
            .extend(std::iter::repeat_n(reply.to_owned(), times));
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl ReceivedMail {
    /// Parses the message as MIME.
    pub fn parse(&self) -> anyhow::Result<ParsedMail> {
        let message = mail_parser::MessageParser::default()
            .parse(&self.raw)
            .context("the message is not a MIME message")?;
        let to = message
            .to()
            .map(|to| {
                to.iter()
                    .map(|addr| match (addr.name(), addr.address()) {
                        (Some(name), Some(address)) => format!("{name} <{address}>"),
                        (None, Some(address)) => address.to_owned(),
                        (Some(name), None) => name.to_owned(),
                        (None, None) => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        // Only a real part of each type: the parser would otherwise derive one from the other.
        let text = message
            .text_part(0)
            .filter(|part| part.is_text() && !part.is_text_html())
            .and_then(|part| part.text_contents())
            .context("the message has no text/plain part")?
            .to_owned();
        let html = message
            .html_part(0)
            .filter(|part| part.is_text_html())
            .and_then(|part| part.text_contents())
            .context("the message has no text/html part")?
            .to_owned();
        let headers = message
            .headers_raw()
            .map(|(name, value)| {
                let unfolded = value.replace("\r\n", "").replace('\n', "");
                (name.to_owned(), unfolded.trim().to_owned())
            })
            .collect();
        Ok(ParsedMail {
            subject: message.subject().unwrap_or_default().to_owned(),
            to,
            text,
            html,
            headers,
        })
    }
}

async fn serve(listener: TcpListener, state: Arc<SinkState>) {
    // Connections live in the set, so aborting this task closes them too.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, most likely: let connections finish rather than spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let state = Arc::clone(&state);
        connections.spawn(async move {
            if let Err(error) = session(stream, &state).await {
                tracing::debug!(%error, "SMTP sink connection ended");
            }
        });
    }
}

/// One mail transaction in progress.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    to: Vec<String>,
}

async fn session(stream: TcpStream, state: &SinkState) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut reply = async |text: &str| -> anyhow::Result<()> {
        write.write_all(text.as_bytes()).await?;
        write.flush().await?;
        Ok(())
    };
    reply(&format!("220 {SERVER_NAME} ESMTP ready\r\n")).await?;
    let mut greeted = false;
    let mut transaction = Transaction::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let (verb, argument) = match command.split_once(' ') {
            Some((verb, argument)) => (verb.to_ascii_uppercase(), argument.trim()),
            None => (command.to_ascii_uppercase(), ""),
        };
        match verb.as_str() {
            "EHLO" | "HELO" if argument.is_empty() => {
                reply("501 5.5.4 a domain or address is required\r\n").await?;
            }
            "EHLO" => {
                greeted = true;
                transaction = Transaction::default();
                reply(&format!(
                    "250-{SERVER_NAME} greets {argument}\r\n250-8BITMIME\r\n\
                     250 SIZE {MAX_MESSAGE_BYTES}\r\n"
                ))
                .await?;
            }
            "HELO" => {
                greeted = true;
                transaction = Transaction::default();
                reply(&format!("250 {SERVER_NAME}\r\n")).await?;
            }
            "MAIL" => {
                let Some(from) = path_argument(argument, "FROM:") else {
                    reply("501 5.5.4 syntax: MAIL FROM:<address>\r\n").await?;
                    continue;
                };
                if !greeted {
                    reply("503 5.5.1 send EHLO or HELO first\r\n").await?;
                } else if transaction.from.is_some() {
                    reply("503 5.5.1 a transaction is already open\r\n").await?;
                } else {
                    transaction.from = Some(from);
                    reply("250 2.1.0 OK\r\n").await?;
                }
            }
            "RCPT" => {
                let Some(to) = path_argument(argument, "TO:").filter(|to| !to.is_empty()) else {
                    reply("501 5.5.4 syntax: RCPT TO:<address>\r\n").await?;
                    continue;
                };
                if transaction.from.is_none() {
                    reply("503 5.5.1 send MAIL first\r\n").await?;
                } else {
                    transaction.to.push(to);
                    reply("250 2.1.5 OK\r\n").await?;
                }
            }
            "DATA" => {
                if transaction.to.is_empty() {
                    reply("503 5.5.1 send MAIL and RCPT first\r\n").await?;
                    continue;
                }
                reply("354 end data with <CR><LF>.<CR><LF>\r\n").await?;
                let Some(raw) = read_data(&mut read).await? else {
                    return Ok(());
                };
                let finished = std::mem::take(&mut transaction);
                if raw.len() > MAX_MESSAGE_BYTES {
                    reply("552 5.3.4 message too big\r\n").await?;
                    continue;
                }
                let failure = state.data_failures().pop_front();
                if let Some(failure) = failure {
                    reply(&format!("{}\r\n", failure.trim_end())).await?;
                    continue;
                }
                let accepted = {
                    let mut messages = state.messages();
                    messages.push(ReceivedMail {
                        from: finished.from.unwrap_or_default(),
                        to: finished.to,
                        raw,
                    });
                    messages.len()
                };
                state.accepted.send_replace(accepted);
                reply("250 2.0.0 OK: queued\r\n").await?;
            }
            "RSET" => {
                transaction = Transaction::default();
                reply("250 2.0.0 OK\r\n").await?;
            }
            "NOOP" => reply("250 2.0.0 OK\r\n").await?,
            "QUIT" => {
                reply(&format!("221 2.0.0 {SERVER_NAME} closing connection\r\n")).await?;
                return Ok(());
            }
            _ => reply("500 5.5.2 command not recognized\r\n").await?,
        }
    }
}

/// `FROM:<a@b> SIZE=12` → `a@b`; `None` when the argument does not start with `prefix`.
fn path_argument(argument: &str, prefix: &str) -> Option<String> {
    let head = argument.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let path = argument[prefix.len()..].trim_start();
    let path = path.split_whitespace().next().unwrap_or_default();
    let address = path.strip_prefix('<')?.strip_suffix('>')?;
    Some(address.to_owned())
}

/// Reads a message after `354` up to the line holding a single dot, undoing dot-stuffing;
/// `None` when the client went away first.
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> anyhow::Result<Option<Vec<u8>>> {
    let mut raw = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(Some(raw));
        }
        // Past the limit, keep reading to the end but stop keeping: the caller refuses it.
        if raw.len() <= MAX_MESSAGE_BYTES {
            let content = line.strip_prefix(b".").unwrap_or(&line);
            raw.extend_from_slice(content);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use stride::config::Secret;
    use stride::digest::mail::{MailConfig, MailError, Mailer};
    use stride::digest::model::{AthleteDigest, Digest, DigestLinks, LoadTrend, ProposalLine};
    use stride::digest::render::{RenderedDigest, render};
    use tokio::io::AsyncReadExt;
    use uuid::Uuid;

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    fn mailer_for(sink: &SmtpSink) -> anyhow::Result<Mailer> {
        Mailer::from_config(&MailConfig {
            smtp_url: Some(Secret::new(sink.url())),
            timeout_s: 10,
            ..MailConfig::default()
        })?
        .context("a URL turns email on")
    }

    fn links() -> DigestLinks {
        DigestLinks {
            open_url: "https://stride.example/digest?week=2026-03-02".to_owned(),
            unsubscribe_url: "https://stride.example/digest/unsubscribe?token=tok-123".to_owned(),
        }
    }

    fn digest() -> Digest {
        Digest {
            recipient_name: "Chloé".to_owned(),
            week_start: NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date"),
            week_end: NaiveDate::from_ymd_opt(2026, 3, 8).expect("valid date"),
            for_coach: false,
            athletes: vec![AthleteDigest {
                athlete_id: Uuid::from_u128(7),
                athlete_name: "Chloé <Runner>".to_owned(),
                load: Some(LoadTrend {
                    week_load: 300.0,
                    previous_week_load: 280.0,
                    chronic_start: 40.0,
                    chronic_end: 42.0,
                    acute_end: 45.0,
                    tsb_start: -2.0,
                    tsb_end: 3.0,
                    acwr_end: Some(1.07),
                }),
                sessions_done: 4,
                sessions_planned: 5,
                planned_completed: 4,
                minutes_done: 250.0,
                distance_km: 40.0,
                alerts: vec![],
                pending_proposals: vec![ProposalLine {
                    summary: "Move Thursday's intervals to Friday".to_owned(),
                    source: "coach".to_owned(),
                    created_at: Utc
                        .with_ymd_and_hms(2026, 3, 5, 9, 0, 0)
                        .single()
                        .expect("valid instant"),
                }],
                newest_insight: None,
            }],
        }
    }

    fn unix_lines(text: &str) -> String {
        text.replace("\r\n", "\n")
    }

    #[tokio::test]
    async fn smtp_sink_receives_a_digest_from_the_mailer() -> anyhow::Result<()> {
        let sink = SmtpSink::start().await;
        let mailer = mailer_for(&sink)?;
        let links = links();
        let rendered = render(&digest(), &links);
        mailer
            .send_digest("Chloé Runner", "chloe@example.org", &rendered, &links)
            .await?;

        let mails = sink.wait_for(1, WAIT).await?;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].from, "stride@localhost");
        assert_eq!(mails[0].to, vec!["chloe@example.org".to_owned()]);
        let parsed = mails[0].parse()?;
        assert_eq!(parsed.subject, rendered.subject);
        assert_eq!(parsed.to, "Chloé Runner <chloe@example.org>");
        assert_eq!(unix_lines(&parsed.text), rendered.text);
        assert_eq!(unix_lines(&parsed.html), rendered.html);
        assert!(parsed.text.contains("Chloé <Runner>"));
        assert!(parsed.html.contains("Chloé &lt;Runner&gt;"));
        assert_eq!(
            parsed.header("List-Unsubscribe"),
            Some("<https://stride.example/digest/unsubscribe?token=tok-123>")
        );
        assert_eq!(
            parsed.header("List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
        let content_type = parsed.header("Content-Type").unwrap_or_default();
        assert!(
            content_type.starts_with("multipart/alternative"),
            "{content_type}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn smtp_sink_undoes_dot_stuffing() -> anyhow::Result<()> {
        let sink = SmtpSink::start().await;
        let mailer = mailer_for(&sink)?;
        // ASCII with short lines goes out unencoded, so the dots reach the wire as they are.
        let rendered = RenderedDigest {
            subject: "Dots".to_owned(),
            text: "first\n.leading dot\n..two dots\n.\nlast\n".to_owned(),
            html: "<p>\n.dot in html\n</p>\n".to_owned(),
        };
        mailer
            .send_digest("", "dots@example.org", &rendered, &links())
            .await?;
        let mails = sink.wait_for(1, WAIT).await?;
        let parsed = mails[0].parse()?;
        assert_eq!(unix_lines(&parsed.text), rendered.text);
        assert_eq!(unix_lines(&parsed.html), rendered.html);
        assert_eq!(parsed.to, "dots@example.org");
        Ok(())
    }

    #[tokio::test]
    async fn smtp_sink_failures_map_to_transient_and_permanent_errors() -> anyhow::Result<()> {
        let sink = SmtpSink::start().await;
        let mailer = mailer_for(&sink)?;
        let links = links();
        let rendered = render(&digest(), &links);
        let send = || mailer.send_digest("Chloé", "chloe@example.org", &rendered, &links);

        sink.fail_next_data(1, "451 4.3.0 try again later");
        let error = send().await.expect_err("a 451 refuses the message");
        assert!(matches!(error, MailError::Transient(_)), "{error:?}");

        sink.fail_next_data(1, "550 5.7.1 message refused");
        let error = send().await.expect_err("a 550 refuses the message");
        assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
        assert!(error.to_string().contains("message refused"), "{error}");
        assert!(sink.messages().is_empty());

        send().await?;
        assert_eq!(sink.wait_for(1, WAIT).await?.len(), 1);

        let error = mailer
            .send_digest("Chloé", "not an address", &rendered, &links)
            .await
            .expect_err("a bad address is refused");
        assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
        Ok(())
    }

    #[tokio::test]
    async fn smtp_sink_unreachable_server_is_transient() -> anyhow::Result<()> {
        let sink = SmtpSink::start().await;
        let mailer = mailer_for(&sink)?;
        drop(sink);
        // Give the aborted listener a moment to close its socket.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let links = links();
        let error = mailer
            .send_digest(
                "Chloé",
                "chloe@example.org",
                &render(&digest(), &links),
                &links,
            )
            .await
            .expect_err("nobody listens");
        assert!(matches!(error, MailError::Transient(_)), "{error:?}");
        Ok(())
    }

    #[tokio::test]
    async fn smtp_sink_wait_for_times_out_naming_the_count() {
        let sink = SmtpSink::start().await;
        let error = sink
            .wait_for(1, Duration::from_millis(50))
            .await
            .expect_err("nothing was sent");
        assert!(error.to_string().contains("0 of 1"), "{error}");
    }

    /// Speaks to the sink by hand: the replies a client depends on.
    #[tokio::test]
    async fn smtp_sink_speaks_the_protocol() -> anyhow::Result<()> {
        let sink = SmtpSink::start().await;
        let stream = TcpStream::connect(sink.addr).await?;
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        async fn reply(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
            let mut all = String::new();
            loop {
                let mut line = String::new();
                read.read_line(&mut line).await.expect("a reply line");
                all.push_str(&line);
                if line.len() < 4 || line.as_bytes()[3] != b'-' {
                    return all;
                }
            }
        }
        assert!(reply(&mut read).await.starts_with("220 "));
        let mut exchange = async |command: &str| -> anyhow::Result<String> {
            write.write_all(command.as_bytes()).await?;
            Ok(reply(&mut read).await)
        };
        assert!(exchange("MAIL FROM:<a@b>\r\n").await?.starts_with("503 "));
        let ehlo = exchange("EHLO client.example\r\n").await?;
        assert!(ehlo.starts_with("250-"), "{ehlo}");
        assert!(ehlo.contains("250-8BITMIME\r\n"), "{ehlo}");
        assert!(ehlo.contains("250 SIZE "), "{ehlo}");
        assert!(exchange("NOOP\r\n").await?.starts_with("250 "));
        assert!(exchange("VRFY someone\r\n").await?.starts_with("500 "));
        assert!(exchange("DATA\r\n").await?.starts_with("503 "));
        assert!(
            exchange("mail from:<a@b> BODY=8BITMIME\r\n")
                .await?
                .starts_with("250 ")
        );
        assert!(exchange("RCPT TO:<c@d>\r\n").await?.starts_with("250 "));
        assert!(exchange("RSET\r\n").await?.starts_with("250 "));
        assert!(exchange("DATA\r\n").await?.starts_with("503 "));
        assert!(
            exchange("HELO client.example\r\n")
                .await?
                .starts_with("250 ")
        );
        assert!(exchange("MAIL FROM:<>\r\n").await?.starts_with("250 "));
        assert!(exchange("RCPT TO:<c@d>\r\n").await?.starts_with("250 "));
        assert!(exchange("DATA\r\n").await?.starts_with("354 "));
        let accepted = exchange("Subject: hi\r\n\r\n..dot\r\nend\r\n.\r\n").await?;
        assert!(accepted.starts_with("250 "), "{accepted}");
        assert!(exchange("QUIT\r\n").await?.starts_with("221 "));
        let mut rest = Vec::new();
        read.read_to_end(&mut rest).await?;
        assert!(rest.is_empty());

        let mails = sink.messages();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].from, "");
        assert_eq!(mails[0].to, vec!["c@d".to_owned()]);
        assert_eq!(mails[0].raw, b"Subject: hi\r\n\r\n.dot\r\nend\r\n");
        Ok(())
    }
}
