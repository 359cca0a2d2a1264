//! The WASI context: what a guest program is given (arguments, environment, standard streams,
//! preopened directories and sockets) and the descriptor table it works through. Built with
//! [`WasiCtxBuilder`]; shared (cheaply cloned) between the host functions of an instance and
//! the embedder, who reads captured output and the exit status from it.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::sys;
use super::types::{filetype, rights, Errno};

/// Where the guest's standard input comes from.
pub enum Stdin {
    /// The host process's standard input.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// A host file.
    File(File),
    /// Nothing: reads return end of file.
    Null,
}

/// A buffer receiving output, readable by the embedder while or after the guest runs.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    pub fn new() -> Capture {
        Capture::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    /// Takes the output written so far, leaving the buffer empty.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Capture({} bytes)", self.lock().len())
    }
}

/// A host function receiving output.
pub type OutputCallback = Box<dyn FnMut(&[u8]) + Send>;

/// Where the guest's standard output or standard error goes.
pub enum Output {
    /// The host process's corresponding stream.
    Inherit,
    /// A host file.
    File(File),
    /// An in-memory buffer (see [`Capture`]).
    Capture(Capture),
    /// A callback given each write.
    Callback(OutputCallback),
    /// Discarded.
    Null,
}

/// Whether a preopened directory may be modified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirPerms {
    ReadWrite,
    ReadOnly,
}

struct PreopenSpec {
    host: PathBuf,
    guest: String,
    perms: DirPerms,
}

/// Builds a [`WasiCtx`].
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Stdin,
    stdout: Output,
    stderr: Output,
    preopens: Vec<PreopenSpec>,
    listeners: Vec<TcpListener>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    /// No arguments, no environment, standard input empty, output discarded, no preopens.
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Stdin::Null,
            stdout: Output::Null,
            stderr: Output::Null,
            preopens: Vec::new(),
            listeners: Vec::new(),
        }
    }

    /// Appends one argument (the first is the program name).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Appends the host process's arguments (those that are valid UTF-8).
    pub fn inherit_args(mut self) -> Self {
        self.args.extend(std::env::args_os().filter_map(|a| a.into_string().ok()));
        self
    }

    /// Adds one environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Adds the host process's environment (variables that are valid UTF-8).
    pub fn inherit_env(mut self) -> Self {
        self.env.extend(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))));
        self
    }

    pub fn stdin(mut self, stdin: Stdin) -> Self {
        self.stdin = stdin;
        self
    }

    pub fn stdout(mut self, out: Output) -> Self {
        self.stdout = out;
        self
    }

    pub fn stderr(mut self, out: Output) -> Self {
        self.stderr = out;
        self
    }

    /// Standard input, output and error of the host process.
    pub fn inherit_stdio(self) -> Self {
        self.stdin(Stdin::Inherit).stdout(Output::Inherit).stderr(Output::Inherit)
    }

    /// Makes host directory `host` visible to the guest as `guest` (e.g. "/" or "."). The
    /// guest reaches files only beneath preopened directories.
    pub fn preopen_dir(mut self, host: impl AsRef<Path>, guest: impl Into<String>, perms: DirPerms) -> Self {
        self.preopens.push(PreopenSpec { host: host.as_ref().to_path_buf(), guest: guest.into(), perms });
        self
    }

    /// Gives the guest a listening socket (for `sock_accept`), numbered after the directories.
    pub fn preopen_listener(mut self, listener: TcpListener) -> Self {
        self.listeners.push(listener);
        self
    }

    /// Opens the preopened directories and builds the context.
    pub fn build(self) -> io::Result<WasiCtx> {
        let mut fds = FdTable::default();
        let stdio_type = |fd: i32| {
            if sys::isatty(fd) {
                filetype::CHARACTER_DEVICE
            } else {
                match sys::fstat(fd).map(|s| s.filetype) {
                    Ok(filetype::REGULAR_FILE) => filetype::REGULAR_FILE,
                    Ok(filetype::CHARACTER_DEVICE) => filetype::CHARACTER_DEVICE,
                    _ => filetype::UNKNOWN,
                }
            }
        };
        let in_type = match &self.stdin {
            Stdin::Inherit => stdio_type(0),
            Stdin::File(f) => sys::fstat(f.as_raw_fd()).map(|s| s.filetype).unwrap_or(filetype::UNKNOWN),
            _ => filetype::UNKNOWN,
        };
        let input = match self.stdin {
            Stdin::Inherit => Input::Inherit,
            Stdin::Bytes(b) => Input::Bytes(Cursor::new(b)),
            Stdin::File(f) => Input::File(f),
            Stdin::Null => Input::Bytes(Cursor::new(Vec::new())),
        };
        let stdin_rights = rights::FD_READ | rights::FD_FDSTAT_SET_FLAGS | rights::FD_FILESTAT_GET;
        fds.insert_at(0, Desc::new(Kind::Stdin(input, in_type), stdin_rights | rights::POLL_FD_READWRITE, 0));
        for (fd, out) in [(1, self.stdout), (2, self.stderr)] {
            let ty = match &out {
                Output::Inherit => stdio_type(fd as i32),
                Output::File(f) => sys::fstat(f.as_raw_fd()).map(|s| s.filetype).unwrap_or(filetype::UNKNOWN),
                _ => filetype::UNKNOWN,
            };
            let sink = match out {
                Output::Inherit if fd == 1 => Sink::InheritStdout,
                Output::Inherit => Sink::InheritStderr,
                Output::File(f) => Sink::File(f),
                Output::Capture(c) => Sink::Capture(c),
                Output::Callback(cb) => Sink::Callback(cb),
                Output::Null => Sink::Null,
            };
            let r =
                rights::FD_WRITE | rights::FD_FDSTAT_SET_FLAGS | rights::FD_FILESTAT_GET | rights::POLL_FD_READWRITE;
            fds.insert_at(fd, Desc::new(Kind::Output(sink, ty), r, 0));
        }
        for p in self.preopens {
            let dir = File::open(&p.host)?;
            if !dir.metadata()?.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::NotADirectory,
                    format!("{} is not a directory", p.host.display()),
                ));
            }
            let (mut base, mut inheriting) = (rights::DIRECTORY, rights::DIRECTORY_INHERITING);
            if p.perms == DirPerms::ReadOnly {
                base &= !rights::MUTATING;
                inheriting &= !rights::MUTATING;
            }
            fds.push(Desc::new(Kind::Dir(DirDesc { dir, preopen: Some(p.guest), listing: None }), base, inheriting));
        }
        for l in self.listeners {
            fds.push(Desc::new(Kind::Listener(l), rights::SOCKET, rights::SOCKET));
        }
        let args = self.args.into_iter().map(String::into_bytes).collect();
        let env = self.env.into_iter().map(|(k, v)| format!("{k}={v}").into_bytes()).collect();
        Ok(WasiCtx { inner: Arc::new(Mutex::new(WasiState { args, env, fds, exit_code: None, interrupt: None })) })
    }
}

/// The WASI state of one program. Cheap to clone: clones share the state.
#[derive(Clone)]
pub struct WasiCtx {
    pub(crate) inner: Arc<Mutex<WasiState>>,
}

impl WasiCtx {
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::new()
    }

    /// The status the program passed to `proc_exit`, if it called it.
    pub fn exit_code(&self) -> Option<i32> {
        self.lock().exit_code
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, WasiState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.lock();
        f.debug_struct("WasiCtx").field("args", &st.args.len()).field("fds", &st.fds.map.len()).finish()
    }
}

pub(crate) struct WasiState {
    pub args: Vec<Vec<u8>>,
    /// `KEY=value` strings.
    pub env: Vec<Vec<u8>>,
    pub fds: FdTable,
    pub exit_code: Option<i32>,
    /// The interrupt request of the store calling (set for the duration of each call), so
    /// waits can end early when the embedder interrupts the program.
    pub interrupt: Option<Arc<crate::runtime::vmctx::Interrupt>>,
}

impl WasiState {
    /// Whether the embedder asked the running program to stop.
    pub fn interrupted(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|i| i.is_requested())
    }
}

/// Standard input as the guest sees it.
pub(crate) enum Input {
    Inherit,
    Bytes(Cursor<Vec<u8>>),
    File(File),
}

impl Input {
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Inherit => io::stdin().read(buf),
            Input::Bytes(c) => c.read(buf),
            Input::File(f) => f.read(buf),
        }
    }
}

/// Standard output or error as the guest sees it.
pub(crate) enum Sink {
    InheritStdout,
    InheritStderr,
    File(File),
    Capture(Capture),
    Callback(OutputCallback),
    Null,
}

impl Sink {
    pub fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Sink::InheritStdout => {
                let mut out = io::stdout().lock();
                out.write_all(data)?;
                out.flush()?;
            }
            Sink::InheritStderr => io::stderr().lock().write_all(data)?,
            Sink::File(f) => f.write_all(data)?,
            Sink::Capture(c) => c.lock().extend_from_slice(data),
            Sink::Callback(cb) => cb(data),
            Sink::Null => {}
        }
        Ok(data.len())
    }

    /// The host descriptor behind the sink, if any.
    pub fn raw_fd(&self) -> Option<i32> {
        match self {
            Sink::InheritStdout => Some(1),
            Sink::InheritStderr => Some(2),
            Sink::File(f) => Some(f.as_raw_fd()),
            _ => None,
        }
    }
}

/// A directory entry as `fd_readdir` reports it.
#[derive(Clone, Debug)]
pub(crate) struct DirEntry {
    pub name: Vec<u8>,
    pub ino: u64,
    pub filetype: u8,
}

pub(crate) struct DirDesc {
    pub dir: File,
    /// The guest path, for a preopened directory.
    pub preopen: Option<String>,
    /// The listing `fd_readdir` pages through; refreshed when a listing starts at cookie 0.
    pub listing: Option<Vec<DirEntry>>,
}

pub(crate) enum Kind {
    /// Standard input, and the file type reported for it.
    Stdin(Input, u8),
    /// Standard output or error, and the file type reported for it.
    Output(Sink, u8),
    File(File),
    Dir(DirDesc),
    Listener(TcpListener),
    Stream(TcpStream),
}

/// One open descriptor: what it is and what it may be used for.
pub(crate) struct Desc {
    pub kind: Kind,
    pub base: u64,
    pub inheriting: u64,
    /// `fdflags` of descriptors not backed by a host file (the standard streams).
    pub flags: u16,
}

impl Desc {
    pub fn new(kind: Kind, base: u64, inheriting: u64) -> Desc {
        Desc { kind, base, inheriting, flags: 0 }
    }

    /// Fails with `ENOTCAPABLE` unless the descriptor has every right in `needed`.
    pub fn require(&self, needed: u64) -> Result<(), Errno> {
        if self.base & needed == needed {
            Ok(())
        } else {
            Err(Errno::NOTCAPABLE)
        }
    }

    pub fn filetype(&self) -> u8 {
        match &self.kind {
            Kind::Stdin(_, t) | Kind::Output(_, t) => *t,
            Kind::File(f) => sys::fstat(f.as_raw_fd()).map(|s| s.filetype).unwrap_or(filetype::UNKNOWN),
            Kind::Dir(_) => filetype::DIRECTORY,
            Kind::Listener(_) | Kind::Stream(_) => filetype::SOCKET_STREAM,
        }
    }

    /// The host descriptor behind this one, if any.
    pub fn raw_fd(&self) -> Option<i32> {
        match &self.kind {
            Kind::Stdin(Input::Inherit, _) => Some(0),
            Kind::Stdin(Input::File(f), _) => Some(f.as_raw_fd()),
            Kind::Stdin(Input::Bytes(_), _) => None,
            Kind::Output(s, _) => s.raw_fd(),
            Kind::File(f) => Some(f.as_raw_fd()),
            Kind::Dir(d) => Some(d.dir.as_raw_fd()),
            Kind::Listener(l) => Some(l.as_raw_fd()),
            Kind::Stream(s) => Some(s.as_raw_fd()),
        }
    }
}

/// The guest's descriptor numbers.
#[derive(Default)]
pub(crate) struct FdTable {
    pub map: BTreeMap<u32, Desc>,
}

/// Most descriptors a guest may hold open at once.
pub const MAX_FDS: usize = 16_384;

impl FdTable {
    pub fn get(&self, fd: u32) -> Result<&Desc, Errno> {
        self.map.get(&fd).ok_or(Errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Desc, Errno> {
        self.map.get_mut(&fd).ok_or(Errno::BADF)
    }

    fn insert_at(&mut self, fd: u32, desc: Desc) {
        self.map.insert(fd, desc);
    }

    /// Adds a descriptor at the lowest free number.
    pub fn push(&mut self, desc: Desc) -> u32 {
        let mut fd = 0u32;
        for &k in self.map.keys() {
            if k != fd {
                break;
            }
            fd += 1;
        }
        self.map.insert(fd, desc);
        fd
    }

    /// Adds a descriptor, failing with `EMFILE` when the table is full.
    pub fn add(&mut self, desc: Desc) -> Result<u32, Errno> {
        if self.map.len() >= MAX_FDS {
            return Err(Errno::MFILE);
        }
        Ok(self.push(desc))
    }

    pub fn remove(&mut self, fd: u32) -> Result<Desc, Errno> {
        self.map.remove(&fd).ok_or(Errno::BADF)
    }
}
