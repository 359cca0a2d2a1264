//! The sandbox: resolves a guest path relative to a directory descriptor without ever leaving
//! that directory. Resolution walks the path one component at a time with `openat(O_PATH |
//! O_NOFOLLOW)` on descriptors it holds, expanding symbolic links itself, so the kernel never
//! follows a link or a ".." on the guest's behalf:
//! - absolute paths and absolute link targets are refused (`ENOTCAPABLE`);
//! - ".." may only climb back up what the walk went down into (else `ENOTCAPABLE`);
//! - at most `MAX_SYMLINKS` links are expanded per resolution (else `ELOOP`).
//!
//! The result is the directory holding the final component plus that component's name, for
//! the caller's `*at` call, which must not follow links (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`).
//! A trailing slash is kept on the name so the kernel applies its "must be a directory" rule.

use std::collections::VecDeque;
use std::fs::File;

use super::sys;
use super::types::{filetype, Errno};

/// Most symbolic links expanded while resolving one path (Linux's limit).
pub const MAX_SYMLINKS: u32 = 40;

/// The error for a path that would leave the sandbox.
pub const ESCAPE: Errno = Errno::NOTCAPABLE;

/// A resolved path: a directory and a name in it.
pub struct Resolved<'a> {
    base: &'a File,
    /// Directories walked into, innermost last; empty while at `base`.
    stack: Vec<File>,
    /// The final component: a plain name (possibly with a trailing '/'), or "." for the
    /// directory itself.
    pub name: String,
}

impl Resolved<'_> {
    /// The directory holding `name`.
    pub fn dir(&self) -> &File {
        self.stack.last().unwrap_or(self.base)
    }

    /// The final component without a trailing slash.
    pub fn bare_name(&self) -> &str {
        self.name.trim_end_matches('/')
    }

    /// Whether the guest path ended in a slash.
    pub fn trailing_slash(&self) -> bool {
        self.name.ends_with('/')
    }
}

fn components(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/').filter(|c| !c.is_empty() && *c != ".").map(str::to_owned)
}

/// Checks a guest path before resolution.
pub fn check_path(path: &str) -> Result<(), Errno> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path.contains('\0') {
        return Err(Errno::ILSEQ);
    }
    if path.starts_with('/') {
        return Err(ESCAPE);
    }
    Ok(())
}

/// Resolves `path` beneath `base`. With `follow`, a symbolic link in the final position is
/// expanded too (callers whose host call would follow a link named with a trailing slash pass
/// `follow` for such paths).
pub fn resolve<'a>(base: &'a File, path: &str, follow: bool) -> Result<Resolved<'a>, Errno> {
    check_path(path)?;
    let mut r = Resolved { base, stack: Vec::new(), name: String::new() };
    let mut queue: VecDeque<String> = components(path).collect();
    let mut trailing = path.ends_with('/') || path.ends_with("/.");
    let mut links = 0u32;
    let mut expand = |target: Vec<u8>, queue: &mut VecDeque<String>, trailing: &mut bool, last: bool| {
        links += 1;
        if links > MAX_SYMLINKS {
            return Err(Errno::LOOP);
        }
        let target = String::from_utf8(target).map_err(|_| Errno::ILSEQ)?;
        if target.starts_with('/') {
            return Err(ESCAPE);
        }
        if target.is_empty() {
            return Err(Errno::NOENT);
        }
        if last && (target.ends_with('/') || target.ends_with("/.") || target == ".") {
            *trailing = true;
        }
        for c in components(&target).collect::<Vec<_>>().into_iter().rev() {
            queue.push_front(c);
        }
        Ok(())
    };
    while let Some(c) = queue.pop_front() {
        let last = queue.is_empty();
        if c == ".." {
            if r.stack.pop().is_none() {
                return Err(ESCAPE);
            }
            if last {
                trailing = true;
            }
            continue;
        }
        if last {
            if follow {
                match sys::readlinkat(r.dir(), &c) {
                    Ok(target) => {
                        expand(target, &mut queue, &mut trailing, true)?;
                        continue;
                    }
                    // Not a link, or nothing there (yet): the caller's call decides.
                    Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOENT)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            r.name = if trailing { c + "/" } else { c };
            return Ok(r);
        }
        let f = sys::openat(r.dir(), &c, libc::O_PATH | libc::O_NOFOLLOW, 0)?;
        match sys::fstat(std::os::fd::AsRawFd::as_raw_fd(&f))?.filetype {
            filetype::DIRECTORY => r.stack.push(f),
            filetype::SYMBOLIC_LINK => {
                let target = sys::readlinkat(&f, "")?;
                expand(target, &mut queue, &mut trailing, false)?;
            }
            _ => return Err(Errno::NOTDIR),
        }
    }
    // Everything cancelled out: the path names the directory reached.
    r.name = ".".to_owned();
    Ok(r)
}
