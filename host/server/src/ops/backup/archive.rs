//! The backup file: a tar archive whose manifest lists every other member's checksum.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{
    BackupError, FORMAT_VERSION, KEYS_MEMBER, MANIFEST, Manifest, POSTGRES_MEMBER, SQLITE_MEMBER,
};

/// A manifest larger than this is not one.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// The SHA-256 (hex) and size of a file.
pub(super) fn digest_file(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)?;
    Ok((hex::encode(hasher.finalize()), size))
}

/// A ustar header for a member of `size` bytes, readable by its owner only (the archive
/// holds keys).
fn member_header(size: u64, at: DateTime<Utc>) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(u64::try_from(at.timestamp()).unwrap_or(0));
    header
}

/// Unpacks `archive` into `into`, checking every member against the manifest; returns the
/// manifest. Only the known member names are accepted, so nothing lands outside `into`.
pub(super) fn unpack(archive: &Path, into: &Path) -> anyhow::Result<Manifest> {
    let not_a_backup = |why: String| BackupError::NotABackup {
        path: archive.to_owned(),
        why,
    };
    let file =
        std::fs::File::open(archive).with_context(|| format!("opening {}", archive.display()))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(file));
    let mut manifest_bytes: Option<Vec<u8>> = None;
    let mut found: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let entries = tar
        .entries()
        .map_err(|e| not_a_backup(format!("not a tar archive ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| not_a_backup(format!("unreadable archive ({e})")))?;
        let name = entry.path()?.to_string_lossy().into_owned();
        let known = [MANIFEST, SQLITE_MEMBER, POSTGRES_MEMBER, KEYS_MEMBER];
        if !known.contains(&name.as_str()) || entry.header().entry_type() != tar::EntryType::Regular
        {
            return Err(not_a_backup(format!("unexpected member `{name}`")).into());
        }
        if name == MANIFEST {
            if entry.size() > MAX_MANIFEST_BYTES || manifest_bytes.is_some() {
                return Err(not_a_backup("its manifest is not one".to_owned()).into());
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            manifest_bytes = Some(bytes);
            continue;
        }
        if found.contains_key(&name) {
            return Err(not_a_backup(format!("{name} appears twice")).into());
        }
        let path = into.join(&name);
        let mut out =
            std::fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n])?;
            size += n as u64;
        }
        out.sync_all()?;
        found.insert(name, (hex::encode(hasher.finalize()), size));
    }
    let bytes = manifest_bytes.ok_or_else(|| not_a_backup(format!("it holds no {MANIFEST}")))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| not_a_backup(format!("its manifest is not JSON ({e})")))?;
    let format = value
        .get("format")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| not_a_backup("its manifest has no format".to_owned()))?;
    if format > u64::from(FORMAT_VERSION) {
        return Err(BackupError::NewerFormat {
            found: u32::try_from(format).unwrap_or(u32::MAX),
            known: FORMAT_VERSION,
            version: value
                .get("stride_version")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("unknown")
                .to_owned(),
        }
        .into());
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| not_a_backup(format!("its manifest does not read ({e})")))?;
    for member in &manifest.members {
        let Some((sha256, size)) = found.remove(&member.name) else {
            return Err(BackupError::MissingMember(member.name.clone()).into());
        };
        if sha256 != member.sha256 || size != member.size {
            return Err(BackupError::Damaged {
                member: member.name.clone(),
                expected: member.sha256.clone(),
                actual: sha256,
                expected_size: member.size,
                actual_size: size,
            }
            .into());
        }
    }
    if let Some(name) = found.into_keys().next() {
        return Err(BackupError::UnlistedMember(name).into());
    }
    Ok(manifest)
}

/// `<path>.before-restore-<time>`: where an existing file is kept (with `-2`, `-3`… when
/// two restores fall in one second, so no kept file is ever overwritten).
pub(super) fn aside(path: &Path, stamp: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".before-restore-{stamp}"));
    let first = PathBuf::from(&name);
    let taken = |p: &Path| p.exists() || with_suffix(p, "-wal").exists();
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|n| with_suffix(&first, &format!("-{n}")))
        .find(|p| !taken(p))
        .unwrap_or(first)
}

/// `path` with `suffix` appended to its name (`stride.db` → `stride.db-wal`).
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes `bytes` to `path` readable by its owner only, whole or not at all.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = tempfile::Builder::new()
        .prefix(".stride-restore-")
        .tempfile_in(parent_dir(path))?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path)
        .map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error))?;
    Ok(())
}

/// Sets a file readable by its owner only.
pub(super) fn make_private(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `manifest` and then `files` (member name, staged file) as one archive at `out`:
/// readable by its owner only, created whole or not at all, never replacing a file; returns
/// its size.
pub(super) fn write_archive(
    out: &Path,
    manifest: &[u8],
    files: &[(&str, PathBuf)],
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    // A temporary file is created readable by its owner only, and renamed into place whole.
    let partial = tempfile::Builder::new()
        .prefix(".stride-backup-")
        .suffix(".partial")
        .tempfile_in(parent_dir(out))?;
    let mut builder = tar::Builder::new(std::io::BufWriter::new(partial));
    let mut header = member_header(manifest.len() as u64, at);
    builder.append_data(&mut header, MANIFEST, manifest)?;
    for (name, path) in files {
        let file = std::fs::File::open(path)?;
        let mut header = member_header(file.metadata()?.len(), at);
        builder.append_data(&mut header, name, file)?;
    }
    let partial = builder
        .into_inner()?
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", out.display(), e.error()))?;
    partial.as_file().sync_all()?;
    let size = partial.as_file().metadata()?.len();
    partial
        .persist_noclobber(out)
        .map_err(|e| anyhow::anyhow!("writing {}: {}", out.display(), e.error))?;
    Ok(size)
}

/// The directory `path` is in (`.` for a bare name).
pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_files_sit_beside_the_original() {
        assert_eq!(
            aside(Path::new("/srv/stride.db"), "20260101T000000Z"),
            PathBuf::from("/srv/stride.db.before-restore-20260101T000000Z")
        );
        assert_eq!(
            with_suffix(Path::new("stride.db"), "-wal"),
            PathBuf::from("stride.db-wal")
        );
    }
}
