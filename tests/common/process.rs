//! Processes started by a test, and plain HTTP/1.1 to a server started so: the real binary
//! over real sockets, from a chosen loopback address (the rate limit is per address).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A child process killed when the test ends, however it ends.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program`, waits for the line of its standard error (or output) that contains
/// `marker`, and returns the process and that line: the process says when it is ready.
pub fn start(program: &str, args: &[&str], dir: &Path, marker: &str, stdout: bool) -> (Killed, String) {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir).stdin(Stdio::null());
    if stdout {
        command.stdout(Stdio::piped()).stderr(Stdio::null());
    } else {
        command.stderr(Stdio::piped()).stdout(Stdio::null());
    }
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stream: Box<dyn Read + Send> =
        if stdout { Box::new(child.stdout.take().unwrap()) } else { Box::new(child.stderr.take().unwrap()) };
    let mut lines = BufReader::new(stream).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("{program} ended without saying `{marker}`"));
    // Keep draining, so that the process never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (Killed(child), line)
}

/// `crossroads serve` with `args`, started in `dir`; returns it and the address it listens on.
pub fn serve(args: &[&str], dir: &Path) -> (Killed, SocketAddr) {
    let mut all = vec!["serve", "--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let (child, line) = start(env!("CARGO_BIN_EXE_crossroads"), &all, dir, "serving the intake on", false);
    let address = line.split("http://").nth(1).and_then(|s| s.split('/').next()).unwrap();
    (child, address.parse().unwrap())
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of the cookie `name` that the reply sets, if it sets one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .find_map(|(_, v)| v.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_string))
    }
}

/// One request over a new connection from the loopback address `from` (127.0.0.0/8), as
/// HTTP/1.1 with `Connection: close`; the reply read whole.
pub fn request(
    from: IpAddr,
    to: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = connect_from(from, to);
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn connect_from(from: IpAddr, to: SocketAddr) -> std::net::TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        socket.connect(to).await.unwrap()
    });
    let stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a whole HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = unchunk(&body);
    }
    Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 4 + size..];
    }
}
