//! The WASI preview1 ABI vocabulary: errno values, rights, flags, file types, clock ids and the
//! byte layouts of the structures guests exchange with the host (the `wasi_unstable` layouts
//! that differ live in `unstable.rs`).

use std::io;

/// A WASI error number (`errno`). `Errno::SUCCESS` is never returned as an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Errno(pub u16);

#[allow(missing_docs)]
impl Errno {
    pub const SUCCESS: Errno = Errno(0);
    pub const TOOBIG: Errno = Errno(1);
    pub const ACCES: Errno = Errno(2);
    pub const ADDRINUSE: Errno = Errno(3);
    pub const ADDRNOTAVAIL: Errno = Errno(4);
    pub const AFNOSUPPORT: Errno = Errno(5);
    pub const AGAIN: Errno = Errno(6);
    pub const ALREADY: Errno = Errno(7);
    pub const BADF: Errno = Errno(8);
    pub const BADMSG: Errno = Errno(9);
    pub const BUSY: Errno = Errno(10);
    pub const CANCELED: Errno = Errno(11);
    pub const CHILD: Errno = Errno(12);
    pub const CONNABORTED: Errno = Errno(13);
    pub const CONNREFUSED: Errno = Errno(14);
    pub const CONNRESET: Errno = Errno(15);
    pub const DEADLK: Errno = Errno(16);
    pub const DESTADDRREQ: Errno = Errno(17);
    pub const DOM: Errno = Errno(18);
    pub const DQUOT: Errno = Errno(19);
    pub const EXIST: Errno = Errno(20);
    pub const FAULT: Errno = Errno(21);
    pub const FBIG: Errno = Errno(22);
    pub const HOSTUNREACH: Errno = Errno(23);
    pub const IDRM: Errno = Errno(24);
    pub const ILSEQ: Errno = Errno(25);
    pub const INPROGRESS: Errno = Errno(26);
    pub const INTR: Errno = Errno(27);
    pub const INVAL: Errno = Errno(28);
    pub const IO: Errno = Errno(29);
    pub const ISCONN: Errno = Errno(30);
    pub const ISDIR: Errno = Errno(31);
    pub const LOOP: Errno = Errno(32);
    pub const MFILE: Errno = Errno(33);
    pub const MLINK: Errno = Errno(34);
    pub const MSGSIZE: Errno = Errno(35);
    pub const MULTIHOP: Errno = Errno(36);
    pub const NAMETOOLONG: Errno = Errno(37);
    pub const NETDOWN: Errno = Errno(38);
    pub const NETRESET: Errno = Errno(39);
    pub const NETUNREACH: Errno = Errno(40);
    pub const NFILE: Errno = Errno(41);
    pub const NOBUFS: Errno = Errno(42);
    pub const NODEV: Errno = Errno(43);
    pub const NOENT: Errno = Errno(44);
    pub const NOEXEC: Errno = Errno(45);
    pub const NOLCK: Errno = Errno(46);
    pub const NOLINK: Errno = Errno(47);
    pub const NOMEM: Errno = Errno(48);
    pub const NOMSG: Errno = Errno(49);
    pub const NOPROTOOPT: Errno = Errno(50);
    pub const NOSPC: Errno = Errno(51);
    pub const NOSYS: Errno = Errno(52);
    pub const NOTCONN: Errno = Errno(53);
    pub const NOTDIR: Errno = Errno(54);
    pub const NOTEMPTY: Errno = Errno(55);
    pub const NOTRECOVERABLE: Errno = Errno(56);
    pub const NOTSOCK: Errno = Errno(57);
    pub const NOTSUP: Errno = Errno(58);
    pub const NOTTY: Errno = Errno(59);
    pub const NXIO: Errno = Errno(60);
    pub const OVERFLOW: Errno = Errno(61);
    pub const OWNERDEAD: Errno = Errno(62);
    pub const PERM: Errno = Errno(63);
    pub const PIPE: Errno = Errno(64);
    pub const PROTO: Errno = Errno(65);
    pub const PROTONOSUPPORT: Errno = Errno(66);
    pub const PROTOTYPE: Errno = Errno(67);
    pub const RANGE: Errno = Errno(68);
    pub const ROFS: Errno = Errno(69);
    pub const SPIPE: Errno = Errno(70);
    pub const SRCH: Errno = Errno(71);
    pub const STALE: Errno = Errno(72);
    pub const TIMEDOUT: Errno = Errno(73);
    pub const TXTBSY: Errno = Errno(74);
    pub const XDEV: Errno = Errno(75);
    pub const NOTCAPABLE: Errno = Errno(76);

    /// Translates a host `errno` value.
    pub fn from_host(e: i32) -> Errno {
        use libc::*;
        #[allow(unreachable_patterns)] // EWOULDBLOCK == EAGAIN, EOPNOTSUPP == ENOTSUP on Linux
        match e {
            0 => Errno::SUCCESS,
            E2BIG => Errno::TOOBIG,
            EACCES => Errno::ACCES,
            EADDRINUSE => Errno::ADDRINUSE,
            EADDRNOTAVAIL => Errno::ADDRNOTAVAIL,
            EAFNOSUPPORT => Errno::AFNOSUPPORT,
            EAGAIN | EWOULDBLOCK => Errno::AGAIN,
            EALREADY => Errno::ALREADY,
            EBADF => Errno::BADF,
            EBADMSG => Errno::BADMSG,
            EBUSY => Errno::BUSY,
            ECANCELED => Errno::CANCELED,
            ECHILD => Errno::CHILD,
            ECONNABORTED => Errno::CONNABORTED,
            ECONNREFUSED => Errno::CONNREFUSED,
            ECONNRESET => Errno::CONNRESET,
            EDEADLK => Errno::DEADLK,
            EDESTADDRREQ => Errno::DESTADDRREQ,
            EDOM => Errno::DOM,
            EDQUOT => Errno::DQUOT,
            EEXIST => Errno::EXIST,
            EFAULT => Errno::FAULT,
            EFBIG => Errno::FBIG,
            EHOSTUNREACH => Errno::HOSTUNREACH,
            EIDRM => Errno::IDRM,
            EILSEQ => Errno::ILSEQ,
            EINPROGRESS => Errno::INPROGRESS,
            EINTR => Errno::INTR,
            EINVAL => Errno::INVAL,
            EIO => Errno::IO,
            EISCONN => Errno::ISCONN,
            EISDIR => Errno::ISDIR,
            ELOOP => Errno::LOOP,
            EMFILE => Errno::MFILE,
            EMLINK => Errno::MLINK,
            EMSGSIZE => Errno::MSGSIZE,
            EMULTIHOP => Errno::MULTIHOP,
            ENAMETOOLONG => Errno::NAMETOOLONG,
            ENETDOWN => Errno::NETDOWN,
            ENETRESET => Errno::NETRESET,
            ENETUNREACH => Errno::NETUNREACH,
            ENFILE => Errno::NFILE,
            ENOBUFS => Errno::NOBUFS,
            ENODEV => Errno::NODEV,
            ENOENT => Errno::NOENT,
            ENOEXEC => Errno::NOEXEC,
            ENOLCK => Errno::NOLCK,
            ENOLINK => Errno::NOLINK,
            ENOMEM => Errno::NOMEM,
            ENOMSG => Errno::NOMSG,
            ENOPROTOOPT => Errno::NOPROTOOPT,
            ENOSPC => Errno::NOSPC,
            ENOSYS => Errno::NOSYS,
            ENOTCONN => Errno::NOTCONN,
            ENOTDIR => Errno::NOTDIR,
            ENOTEMPTY => Errno::NOTEMPTY,
            ENOTRECOVERABLE => Errno::NOTRECOVERABLE,
            ENOTSOCK => Errno::NOTSOCK,
            ENOTSUP | EOPNOTSUPP => Errno::NOTSUP,
            ENOTTY => Errno::NOTTY,
            ENXIO => Errno::NXIO,
            EOVERFLOW => Errno::OVERFLOW,
            EOWNERDEAD => Errno::OWNERDEAD,
            EPERM => Errno::PERM,
            EPIPE => Errno::PIPE,
            EPROTO => Errno::PROTO,
            EPROTONOSUPPORT => Errno::PROTONOSUPPORT,
            EPROTOTYPE => Errno::PROTOTYPE,
            ERANGE => Errno::RANGE,
            EROFS => Errno::ROFS,
            ESPIPE => Errno::SPIPE,
            ESRCH => Errno::SRCH,
            ESTALE => Errno::STALE,
            ETIMEDOUT => Errno::TIMEDOUT,
            ETXTBSY => Errno::TXTBSY,
            EXDEV => Errno::XDEV,
            _ => Errno::IO,
        }
    }
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        match e.raw_os_error() {
            Some(code) => Errno::from_host(code),
            None => match e.kind() {
                io::ErrorKind::NotFound => Errno::NOENT,
                io::ErrorKind::PermissionDenied => Errno::ACCES,
                io::ErrorKind::AlreadyExists => Errno::EXIST,
                io::ErrorKind::WouldBlock => Errno::AGAIN,
                io::ErrorKind::InvalidInput => Errno::INVAL,
                io::ErrorKind::BrokenPipe => Errno::PIPE,
                io::ErrorKind::Interrupted => Errno::INTR,
                io::ErrorKind::Unsupported => Errno::NOTSUP,
                io::ErrorKind::OutOfMemory => Errno::NOMEM,
                _ => Errno::IO,
            },
        }
    }
}

/// Rights (`rights` bit set): what a descriptor may be used for.
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;

    /// Every right of a regular file.
    pub const REGULAR_FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
    /// Every right of a directory.
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_ADVISE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | POLL_FD_READWRITE;
    /// What a directory lets descriptors opened beneath it have.
    pub const DIRECTORY_INHERITING: u64 = DIRECTORY | REGULAR_FILE;
    /// Rights of a terminal or pipe used as standard input/output.
    pub const STDIO: u64 = FD_READ | FD_FDSTAT_SET_FLAGS | FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE;
    /// Rights of a socket.
    pub const SOCKET: u64 =
        FD_READ | FD_FDSTAT_SET_FLAGS | FD_WRITE | FD_FILESTAT_GET | POLL_FD_READWRITE | SOCK_SHUTDOWN | SOCK_ACCEPT;
    /// Rights that modify the file system: removed from read-only preopens.
    pub const MUTATING: u64 = FD_DATASYNC
        | FD_WRITE
        | FD_ALLOCATE
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
    /// Rights that need the host descriptor opened for writing.
    pub const NEED_WRITE: u64 = FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
    /// Rights that need the host descriptor opened for reading.
    pub const NEED_READ: u64 = FD_READ | FD_READDIR;
}

/// `filetype`
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_DGRAM: u8 = 5;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// `fdflags`
pub mod fdflags {
    pub const APPEND: u16 = 1;
    pub const DSYNC: u16 = 2;
    pub const NONBLOCK: u16 = 4;
    pub const RSYNC: u16 = 8;
    pub const SYNC: u16 = 16;
    pub const ALL: u16 = 31;
}

/// `oflags`
pub mod oflags {
    pub const CREAT: u16 = 1;
    pub const DIRECTORY: u16 = 2;
    pub const EXCL: u16 = 4;
    pub const TRUNC: u16 = 8;
    pub const ALL: u16 = 15;
}

/// `lookupflags`
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

/// `fstflags`
pub mod fstflags {
    pub const ATIM: u16 = 1;
    pub const ATIM_NOW: u16 = 2;
    pub const MTIM: u16 = 4;
    pub const MTIM_NOW: u16 = 8;
    pub const ALL: u16 = 15;
}

/// `clockid`
pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME_ID: u32 = 2;
    pub const THREAD_CPUTIME_ID: u32 = 3;
}

/// `whence` (preview1 order; `wasi_unstable` uses cur, end, set).
pub mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

/// `eventtype`
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// `eventrwflags`
pub const EVENT_FD_READWRITE_HANGUP: u16 = 1;
/// `subclockflags`
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;
/// `preopentype`
pub const PREOPENTYPE_DIR: u8 = 0;

/// `riflags`, `roflags`, `sdflags`
pub mod sockflags {
    pub const RECV_PEEK: u16 = 1;
    pub const RECV_WAITALL: u16 = 2;
    pub const RECV_DATA_TRUNCATED: u16 = 1;
    pub const SHUT_RD: u8 = 1;
    pub const SHUT_WR: u8 = 2;
}

/// File attributes as WASI describes them (`filestat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// Size of the preview1 `filestat` structure.
    pub const SIZE: u32 = 64;

    /// The preview1 encoding.
    pub fn encode(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// Size of a `dirent` header (the name follows it).
pub const DIRENT_SIZE: usize = 24;
/// Size of `fdstat`.
pub const FDSTAT_SIZE: u32 = 24;
/// Size of `prestat`.
pub const PRESTAT_SIZE: u32 = 8;
/// Size of `event`.
pub const EVENT_SIZE: u32 = 32;
/// Size of a preview1 `subscription`.
pub const SUBSCRIPTION_SIZE: u32 = 48;
