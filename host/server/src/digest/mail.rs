//! Sending digests by SMTP.
//!
//! One connection per message (no pool): digests go out once a week, and a pooled transport
//! would tie the mailer to the runtime it was built on.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::model::DigestLinks;
use super::render::RenderedDigest;
use crate::config::Secret;

/// How Stride sends email (`[mail]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server; `None` turns email off. A secret, as it may carry a password.
    ///
    /// - `smtp://user:pass@host:587`: STARTTLS, required (the default port is 587);
    ///   `?tls=opportunistic` upgrades only when the server offers it.
    /// - `smtps://user:pass@host:465`: TLS from the first byte (the default port is 465).
    /// - `smtp://host:25?tls=none`: no TLS at all, for a relay on the same machine or a test
    ///   server; credentials are refused there, since they would cross the network in clear.
    ///
    /// User and password are percent-encoded, as in any URL. Unlike some mail libraries, a
    /// bare `smtp://` here never means plaintext: that takes `?tls=none`.
    pub smtp_url: Option<Secret>,
    /// The sender, e.g. `Stride <stride@localhost>`.
    pub from: String,
    /// Seconds a connection, or a reply from the server, may take.
    pub timeout_s: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Stride <stride@localhost>".to_owned(),
            timeout_s: 20,
        }
    }
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Sending again will not help: a 5xx reply, a bad address, a message that cannot be built.
    #[error("email refused: {0}")]
    Permanent(String),
    /// Worth retrying later: a connection failure, a timeout, a 4xx reply.
    #[error("email not sent, try again later: {0}")]
    Transient(String),
}

/// Sends email through the configured SMTP server. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<MailerInner>,
}

struct MailerInner {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server without credentials (`smtp://host:587, STARTTLS`), for logs.
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.inner.server)
            .field("from", &self.inner.from.to_string())
            .finish()
    }
}

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// How the connection is secured, from the URL's scheme and `tls` parameter.
enum Security {
    StartTls { required: bool },
    Wrapper,
    Plain,
}

impl Mailer {
    /// Builds the mailer `config` describes: `Ok(None)` when email is off, an error naming the
    /// problem when the URL or the sender is not usable. Never puts the password in an error.
    pub fn from_config(config: &MailConfig) -> anyhow::Result<Option<Mailer>> {
        let Some(smtp_url) = &config.smtp_url else {
            return Ok(None);
        };
        let from: Mailbox = config.from.parse().with_context(|| {
            format!(
                "mail.from {:?} is not an email address (e.g. `Stride <stride@example.org>`)",
                config.from
            )
        })?;
        // The parse error never repeats the input, so the password stays out of it.
        let url = url::Url::parse(smtp_url.expose())
            .map_err(|error| anyhow::anyhow!("mail.smtp_url is not a valid URL: {error}"))?;
        let host = match url.host_str() {
            Some(host) if !host.is_empty() => host.to_owned(),
            _ => bail!("mail.smtp_url names no host (e.g. `smtp://mail.example.org:587`)"),
        };
        let mut tls_parameter = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" => tls_parameter = Some(value.into_owned()),
                other => bail!("mail.smtp_url has an unknown parameter `{other}` (only `tls`)"),
            }
        }
        let security = match (url.scheme(), tls_parameter.as_deref()) {
            ("smtp", None | Some("required")) => Security::StartTls { required: true },
            ("smtp", Some("opportunistic")) => Security::StartTls { required: false },
            ("smtp", Some("none")) => Security::Plain,
            ("smtp", Some(other)) => bail!(
                "mail.smtp_url has `tls={other}`; use `required` (the default), \
                 `opportunistic` or `none`"
            ),
            ("smtps", None) => Security::Wrapper,
            ("smtps", Some(_)) => {
                bail!("mail.smtp_url: `smtps://` is always TLS; remove the `tls` parameter")
            }
            (scheme, _) => bail!(
                "mail.smtp_url has the scheme `{scheme}`; use `smtp://` (STARTTLS) or \
                 `smtps://` (TLS)"
            ),
        };
        let port = url.port().unwrap_or(match security {
            Security::StartTls { .. } => 587,
            Security::Wrapper => 465,
            Security::Plain => 25,
        });
        let credentials = if url.username().is_empty() {
            if url.password().is_some() {
                bail!("mail.smtp_url has a password but no user");
            }
            None
        } else {
            let Some(password) = url.password() else {
                bail!("mail.smtp_url has a user but no password");
            };
            let decode = |part: &str, what: &str| {
                percent_encoding::percent_decode_str(part)
                    .decode_utf8()
                    .map(|decoded| decoded.into_owned())
                    .map_err(|_| anyhow::anyhow!("mail.smtp_url: the {what} is not UTF-8"))
            };
            Some(Credentials::new(
                decode(url.username(), "user")?,
                decode(password, "password")?,
            ))
        };
        if credentials.is_some() && matches!(security, Security::Plain) {
            bail!(
                "mail.smtp_url has credentials with `tls=none`, which would send them in \
                 clear; use STARTTLS (drop `tls=none`) or `smtps://`"
            );
        }

        let (tls, described) = match security {
            Security::StartTls { required } => {
                let parameters = tls_parameters(&host)?;
                if required {
                    (Tls::Required(parameters), "STARTTLS")
                } else {
                    (Tls::Opportunistic(parameters), "STARTTLS if offered")
                }
            }
            Security::Wrapper => (Tls::Wrapper(tls_parameters(&host)?), "TLS"),
            Security::Plain => (Tls::None, "no TLS"),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.as_str())
            .port(port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_s.max(1))));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Some(Mailer {
            inner: Arc::new(MailerInner {
                transport: builder.build(),
                from,
                server: format!("{}://{host}:{port} ({described})", url.scheme()),
            }),
        }))
    }

    /// Sends a rendered digest to one recipient as `multipart/alternative` (text, then HTML),
    /// with one-click unsubscribe headers (RFC 8058).
    #[tracing::instrument(skip_all, fields(server = %self.inner.server))]
    pub async fn send_digest(
        &self,
        to_name: &str,
        to_email: &str,
        rendered: &RenderedDigest,
        links: &DigestLinks,
    ) -> Result<(), MailError> {
        let address: Address = to_email
            .trim()
            .parse()
            .map_err(|error| MailError::Permanent(format!("bad recipient address: {error}")))?;
        let name = Some(to_name.trim())
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        let message = Message::builder()
            .from(self.inner.from.clone())
            .to(Mailbox::new(name, address))
            .subject(rendered.subject.clone())
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE,
                format!("<{}>", links.unsubscribe_url),
            ))
            .raw_header(HeaderValue::new(
                LIST_UNSUBSCRIBE_POST,
                "List-Unsubscribe=One-Click".to_owned(),
            ))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|error| MailError::Permanent(format!("could not build the email: {error}")))?;
        match self.inner.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) => {
                let error = classify(&error);
                tracing::warn!(%error, "digest email not sent");
                Err(error)
            }
        }
    }
}

fn tls_parameters(host: &str) -> anyhow::Result<TlsParameters> {
    TlsParameters::new(host.to_owned())
        .map_err(|error| anyhow::anyhow!("mail.smtp_url: cannot set up TLS for {host}: {error}"))
}

/// A 5xx reply is final; everything else (4xx, connection, timeout, TLS, a server that does
/// not speak as expected) may pass, so the job retries it.
fn classify(error: &lettre::transport::smtp::Error) -> MailError {
    if error.is_permanent() {
        MailError::Permanent(error.to_string())
    } else {
        MailError::Transient(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: Option<&str>) -> MailConfig {
        MailConfig {
            smtp_url: url.map(Secret::new),
            ..MailConfig::default()
        }
    }

    fn error_of(url: &str) -> String {
        match Mailer::from_config(&config(Some(url))) {
            Ok(_) => panic!("{url} should be refused"),
            Err(error) => format!("{error:#}"),
        }
    }

    fn server_of(url: &str) -> String {
        match Mailer::from_config(&config(Some(url))) {
            Ok(Some(mailer)) => mailer.inner.server.clone(),
            Ok(None) => panic!("{url} turned email off"),
            Err(error) => panic!("{url} refused: {error:#}"),
        }
    }

    #[test]
    fn no_url_means_email_is_off() {
        assert!(matches!(Mailer::from_config(&config(None)), Ok(None)));
    }

    #[test]
    fn defaults() {
        let config = MailConfig::default();
        assert_eq!(config.from, "Stride <stride@localhost>");
        assert_eq!(config.timeout_s, 20);
        assert!(config.smtp_url.is_none());
    }

    #[test]
    fn urls_choose_tls_and_default_ports() {
        assert_eq!(
            server_of("smtp://user:p%40ss@mail.example.org"),
            "smtp://mail.example.org:587 (STARTTLS)"
        );
        assert_eq!(
            server_of("smtp://mail.example.org:2525?tls=opportunistic"),
            "smtp://mail.example.org:2525 (STARTTLS if offered)"
        );
        assert_eq!(
            server_of("smtps://mail.example.org"),
            "smtps://mail.example.org:465 (TLS)"
        );
        assert_eq!(
            server_of("smtp://127.0.0.1?tls=none"),
            "smtp://127.0.0.1:25 (no TLS)"
        );
    }

    #[test]
    fn bad_urls_are_refused_with_the_reason_and_without_the_password() {
        assert!(error_of("imap://u:hunter2@host").contains("scheme `imap`"));
        assert!(error_of("smtp://u:hunter2@host?tls=maybe").contains("tls=maybe"));
        assert!(error_of("smtp://u:hunter2@host?tls=none").contains("in clear"));
        assert!(error_of("smtps://u:hunter2@host?tls=none").contains("remove the `tls`"));
        assert!(error_of("smtp://u:hunter2@host?port=1").contains("unknown parameter `port`"));
        assert!(error_of("smtp://user@host").contains("no password"));
        assert!(error_of("not a url hunter2").contains("not a valid URL"));
        for url in [
            "imap://u:hunter2@host",
            "smtp://u:hunter2@host?tls=none",
            "smtp://u:hunter2@[::1",
        ] {
            assert!(!error_of(url).contains("hunter2"), "{url}");
        }
    }

    #[test]
    fn a_bad_sender_is_refused() {
        let config = MailConfig {
            from: "Stride".to_owned(),
            ..config(Some("smtp://localhost?tls=none"))
        };
        let Err(error) = Mailer::from_config(&config) else {
            panic!("a sender without an address should be refused");
        };
        assert!(error.to_string().contains("mail.from"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let mailer = Mailer::from_config(&config(Some("smtps://user:hunter2@mail.example.org")));
        let shown = format!("{mailer:?}");
        assert!(shown.contains("mail.example.org"));
        assert!(!shown.contains("hunter2"));
        assert!(!format!("{:?}", config(Some("smtps://u:hunter2@h"))).contains("hunter2"));
    }
}
