//! Tile downloads over HTTP(S) with `ureq`: an identifying User-Agent, timeouts and a body cap,
//! as tile servers (OSM's usage policy in particular) expect of a client.

use std::time::Duration;

/// Settings of the HTTP client.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Limit for opening the connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Limit for the whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted; a raster tile is tens of kilobytes.
    pub max_body: u64,
    /// Sent with every request: OSM blocks clients without an identifying one.
    pub user_agent: String,
    /// Use `HTTP(S)_PROXY`/`NO_PROXY` from the environment (tests on loopback turn it off).
    pub env_proxy: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_body: 4 * 1024 * 1024,
            user_agent: user_agent(),
            env_proxy: true,
        }
    }
}

/// `borderwatch/<version> (desktop map viewer)`.
pub fn user_agent() -> String {
    format!("borderwatch/{} (desktop map viewer)", env!("CARGO_PKG_VERSION"))
}

/// A failed download, naming the URL.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No complete answer in time.
    #[error("{url}: timed out ({detail})")]
    Timeout {
        /// The tile URL.
        url: String,
        /// Which limit was hit.
        detail: String,
    },
    /// The server answered with a status other than 200 or 404.
    #[error("{url}: HTTP status {status}")]
    Status {
        /// The tile URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The body was larger than the cap.
    #[error("{url}: response larger than {limit} bytes")]
    TooLarge {
        /// The tile URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// Connection, TLS or protocol failure.
    #[error("{url}: {source}")]
    Request {
        /// The tile URL.
        url: String,
        /// The client's error.
        source: Box<ureq::Error>,
    },
}

/// A blocking HTTP client; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
    max_body: u64,
}

impl HttpClient {
    /// A client with these settings.
    pub fn new(config: &HttpConfig) -> Self {
        let mut builder = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .user_agent(config.user_agent.as_str())
            // 404 is an answer (no tile here), not an error: look at statuses ourselves.
            .http_status_as_error(false)
            // The fetcher runs two workers; keeping two idle connections lets both reuse theirs.
            .max_idle_connections_per_host(2);
        if !config.env_proxy {
            builder = builder.proxy(None);
        }
        Self {
            agent: builder.build().into(),
            max_body: config.max_body,
        }
    }

    /// The body of a 200 answer, `None` for 404 (and 204, which some servers send for an empty
    /// tile), an error for anything else.
    pub fn get(&self, url: &str) -> Result<Option<Vec<u8>>, HttpError> {
        let mut response = self.agent.get(url).call().map_err(|e| self.error(url, e))?;
        match response.status().as_u16() {
            200 => {}
            404 | 204 => return Ok(None),
            status => {
                return Err(HttpError::Status {
                    url: url.to_owned(),
                    status,
                });
            }
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| self.error(url, e))?;
        Ok(Some(body))
    }

    fn error(&self, url: &str, error: ureq::Error) -> HttpError {
        let url = url.to_owned();
        match error {
            ureq::Error::Timeout(which) => HttpError::Timeout {
                url,
                detail: which.to_string(),
            },
            ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge {
                url,
                limit: self.max_body,
            },
            other => HttpError::Request {
                url,
                source: Box::new(other),
            },
        }
    }
}
