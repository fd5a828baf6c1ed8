//! The fetcher against a real HTTP server on 127.0.0.1 (started here; no internet): tiles arrive
//! and decode, land in the disk cache and are served from it offline; 404, garbage, 500 and a
//! stalled answer come back as Missing/Failed without a panic or a stall.

use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use borderwatch::tiles::{
    FetcherConfig, HttpConfig, TileFetcher, TileId, TileOutcome, TileResult, TileSource,
};

/// How long the stalled tile makes the client wait; the client gives up after one second.
const STALL: Duration = Duration::from_secs(5);

fn t(z: u8, x: u32, y: u32) -> TileId {
    TileId { z, x, y }
}

fn colour(id: TileId) -> [u8; 3] {
    [40 + 70 * id.z, 30 + 60 * id.x as u8, 30 + 60 * id.y as u8]
}

fn png(id: TileId) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(256, 256, image::Rgb(colour(id)));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A minimal HTTP/1.1 tile server: one request per connection.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    user_agents: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let user_agents = Arc::new(Mutex::new(Vec::new()));
        let (flag, agents) = (Arc::clone(&stop), Arc::clone(&user_agents));
        let thread = std::thread::spawn(move || {
            // Bounded: at most a minute, then the server stops by itself.
            let deadline = Instant::now() + Duration::from_secs(60);
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let agents = Arc::clone(&agents);
                        std::thread::spawn(move || serve(stream, &agents));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self {
            port,
            stop,
            thread: Some(thread),
            user_agents,
        }
    }

    fn template(&self) -> String {
        format!("http://127.0.0.1:{}/{{z}}/{{x}}/{{y}}.png", self.port)
    }

    /// Stops accepting; the port then refuses connections.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(stream: TcpStream, agents: &Mutex<Vec<String>>) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("user-agent")
        {
            agents.lock().unwrap().push(value.trim().to_owned());
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, body): (&str, Vec<u8>) = match path {
        "/1/1/1.png" => ("404 Not Found", b"no tile".to_vec()),
        "/1/0/1.png" => ("200 OK", b"<html>this is not an image</html>".to_vec()),
        "/2/3/3.png" => ("500 Internal Server Error", b"oops".to_vec()),
        "/2/0/0.png" => {
            std::thread::sleep(STALL);
            ("200 OK", png(t(2, 0, 0)))
        }
        _ => match parse_tile(path) {
            Some(id) => ("200 OK", png(id)),
            None => ("400 Bad Request", Vec::new()),
        },
    };
    let mut stream = stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // The client may have given up (the stalled tile): write errors are expected then.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(&body));
}

fn parse_tile(path: &str) -> Option<TileId> {
    let mut parts = path.trim_start_matches('/').trim_end_matches(".png").split('/');
    let z = parts.next()?.parse().ok()?;
    let x = parts.next()?.parse().ok()?;
    let y = parts.next()?.parse().ok()?;
    TileId::new(z, x, y)
}

fn config(stale_after: Duration) -> FetcherConfig {
    FetcherConfig {
        http: HttpConfig {
            connect_timeout: Duration::from_millis(500),
            timeout: Duration::from_secs(1),
            env_proxy: false,
            ..HttpConfig::default()
        },
        stale_after,
        ..FetcherConfig::default()
    }
}

fn fetch_all(fetcher: &TileFetcher, ids: &[TileId]) -> Vec<TileResult> {
    fetcher.request(ids);
    let start = Instant::now();
    let mut results = Vec::new();
    while results.len() < ids.len() && start.elapsed() < Duration::from_secs(10) {
        results.extend(fetcher.poll());
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(results.len(), ids.len(), "results: {results:?}");
    results.sort_by_key(|r| r.id);
    results
}

fn assert_tile(result: &TileResult) {
    match &result.outcome {
        TileOutcome::Ok(tile) => {
            let [r, g, b] = colour(result.id);
            assert_eq!(tile.pixel(200, 17), Some([r, g, b, 255]), "{}", result.id);
        }
        other => panic!("{}: expected a tile, got {other:?}", result.id),
    }
}

fn cache_file(dir: &Path, template: &str, id: TileId) -> std::path::PathBuf {
    let key = TileSource::parse(template).unwrap().key();
    dir.join(key).join(format!("{}/{}/{}.tile", id.z, id.x, id.y))
}

#[test]
fn downloads_caches_and_serves_offline() {
    let mut server = Server::start();
    let template = server.template();
    let cache = tempfile::tempdir().unwrap();
    let source = TileSource::parse(&template).unwrap();
    let fetcher = TileFetcher::with_config(
        source.clone(),
        Some(cache.path().into()),
        true,
        config(Duration::MAX),
    );
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    fetcher.set_wake(Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let good = [t(0, 0, 0), t(1, 0, 0), t(1, 1, 0)];
    let bad = [t(1, 0, 1), t(1, 1, 1), t(2, 0, 0), t(2, 3, 3)];
    let start = Instant::now();
    let results = fetch_all(&fetcher, &[&good[..], &bad[..]].concat());
    // The stalled tile costs one timeout (1 s; "timed out" below), not the server's 5 s stall or
    // the 15 s default; the margin is for a loaded machine.
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    for r in &results {
        match (r.id, &r.outcome) {
            (id, _) if good.contains(&id) => assert_tile(r),
            (TileId { z: 1, x: 1, y: 1 }, TileOutcome::Missing) => {}
            (TileId { z: 1, x: 0, y: 1 }, TileOutcome::Failed(m)) => assert!(m.contains("/1/0/1.png"), "{m}"),
            (TileId { z: 2, x: 0, y: 0 }, TileOutcome::Failed(m)) => assert!(m.contains("timed out"), "{m}"),
            (TileId { z: 2, x: 3, y: 3 }, TileOutcome::Failed(m)) => assert!(m.contains("500"), "{m}"),
            (id, other) => panic!("{id}: unexpected {other:?}"),
        }
    }
    assert_eq!(wakes.load(Ordering::SeqCst), 7);
    for id in good {
        assert!(cache_file(cache.path(), &template, id).is_file(), "{id} cached");
    }
    for id in bad {
        assert!(
            !cache_file(cache.path(), &template, id).exists(),
            "{id} not cached"
        );
    }
    let agents = server.user_agents.lock().unwrap().clone();
    assert_eq!(agents.len(), 7);
    let expected = format!("borderwatch/{} (desktop map viewer)", env!("CARGO_PKG_VERSION"));
    assert!(agents.iter().all(|a| *a == expected), "{agents:?}");
    drop(fetcher);
    server.stop();

    // Server gone, online: cached tiles come from disk; others fail fast (connection refused).
    let online = TileFetcher::with_config(
        source.clone(),
        Some(cache.path().into()),
        true,
        config(Duration::MAX),
    );
    let results = fetch_all(&online, &[t(0, 0, 0), t(1, 0, 0), t(2, 1, 1)]);
    assert_tile(&results[0]);
    assert_tile(&results[1]);
    assert!(
        matches!(results[2].outcome, TileOutcome::Failed(_)),
        "{:?}",
        results[2]
    );

    // Offline: the cache or Missing, never the network.
    let offline = TileFetcher::with_config(
        source.clone(),
        Some(cache.path().into()),
        false,
        config(Duration::MAX),
    );
    let results = fetch_all(&offline, &[t(1, 1, 0), t(1, 1, 1), t(2, 1, 1)]);
    assert_tile(&results[0]);
    assert!(matches!(results[1].outcome, TileOutcome::Missing));
    assert!(matches!(results[2].outcome, TileOutcome::Missing));

    // Stale tiles are refetched when online; when that fails the stale copy is still shown.
    let stale = TileFetcher::with_config(
        source.clone(),
        Some(cache.path().into()),
        true,
        config(Duration::ZERO),
    );
    assert_tile(&fetch_all(&stale, &[t(1, 1, 0)])[0]);

    // A corrupt cache file is deleted and treated as missing.
    let corrupt = cache_file(cache.path(), &template, t(0, 0, 0));
    std::fs::write(&corrupt, b"\x89PNG truncated").unwrap();
    let results = fetch_all(&offline, &[t(0, 0, 0)]);
    assert!(
        matches!(results[0].outcome, TileOutcome::Missing),
        "{:?}",
        results[0]
    );
    assert!(!corrupt.exists());
}

#[test]
fn stale_tiles_are_replaced_when_the_server_answers() {
    let server = Server::start();
    let template = server.template();
    let cache = tempfile::tempdir().unwrap();
    let source = TileSource::parse(&template).unwrap();
    // A cached copy with the wrong colour, stale at once.
    let file = cache_file(cache.path(), &template, t(1, 1, 0));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, png(t(0, 0, 0))).unwrap();
    let fetcher = TileFetcher::with_config(source, Some(cache.path().into()), true, config(Duration::ZERO));
    assert_tile(&fetch_all(&fetcher, &[t(1, 1, 0)])[0]);
    assert_eq!(std::fs::read(&file).unwrap(), png(t(1, 1, 0)));
    assert_eq!(server.user_agents.lock().unwrap().len(), 1);
}
