//! Where the audit chain's key comes from: the key the command line was given (`--audit-key` or
//! `FAZHI_AUDIT_KEY`, 64 hex digits), or the key file `audit.key` in the data folder, created on
//! first start readable by the server's user only.
//! The key never enters the database: whoever can write the database still cannot sign records.

use std::io::Write;
use std::path::{Path, PathBuf};

use fazhi_domain::audit::AuditKey;

use crate::StoreError;

/// The setting that gives the key, as messages name it.
const KEY_SETTING: &str = "--audit-key 或 FAZHI_AUDIT_KEY";
pub const KEY_FILE: &str = "audit.key";

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

/// The key for the installation whose data folder is `data_dir`: the one `given`, or the folder's,
/// created there when it holds none.
pub fn load_or_create(data_dir: &Path, given: Option<&str>) -> Result<AuditKey, StoreError> {
    if let Some(text) = given {
        return AuditKey::from_hex(text.trim()).ok_or_else(|| {
            StoreError::Internal(format!("审计密钥（{KEY_SETTING}）须为64位十六进制数字（32字节密钥）"))
        });
    }
    let path = key_path(data_dir);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        read => parse_file(&path, read),
    }
}

/// The key of an existing installation, never a new one: for a restore, which must use the key
/// the archive was signed under.
pub fn load_existing(data_dir: &Path, given: Option<&str>) -> Result<AuditKey, StoreError> {
    if given.is_some() {
        return load_or_create(data_dir, given);
    }
    let path = key_path(data_dir);
    if !path.exists() {
        return Err(StoreError::Internal(format!(
            "数据目录中没有审计密钥 {}：请把原系统的 audit.key 复制到这里（或设置 {KEY_SETTING}）后再恢复",
            path.display()
        )));
    }
    parse_file(&path, std::fs::read_to_string(&path))
}

fn parse_file(path: &Path, read: std::io::Result<String>) -> Result<AuditKey, StoreError> {
    let text = read.map_err(|e| StoreError::Internal(format!("无法读取审计密钥文件 {}：{e}", path.display())))?;
    AuditKey::from_hex(&text)
        .ok_or_else(|| StoreError::Internal(format!("审计密钥文件 {} 已损坏：须为64位十六进制数字", path.display())))
}

fn create(path: &Path) -> Result<AuditKey, StoreError> {
    let failed = |e: std::io::Error| StoreError::Internal(format!("无法创建审计密钥文件 {}：{e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let key = AuditKey::from_bytes(crate::random_bytes::<32>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(key.to_hex().as_bytes()).map_err(failed)?;
            file.sync_all().map_err(failed)?;
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => parse_file(path, std::fs::read_to_string(path)),
        Err(e) => Err(failed(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_created_once_and_private() {
        let dir = std::env::temp_dir().join(format!("fazhi-key-{}", crate::random_token()));
        let first = load_or_create(&dir, None).unwrap();
        let again = load_or_create(&dir, None).unwrap();
        assert_eq!(first.fingerprint(), again.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&dir)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
