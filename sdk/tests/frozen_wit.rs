//! Released plugin API versions never change: each folder listed in `wit/FROZEN` must hash
//! to the digest recorded there.

use sha2::{Digest, Sha256};
use std::path::Path;

fn digest(folder: &Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    names.sort();
    let mut hash = Sha256::new();
    for name in names {
        let data = std::fs::read(folder.join(&name)).expect("readable");
        hash.update(name.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update((data.len() as u64).to_be_bytes());
        hash.update(&data);
    }
    hex::encode(hash.finalize())
}

#[test]
fn released_wit_folders_are_unchanged() {
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("wit");
    let frozen = std::fs::read_to_string(wit.join("FROZEN")).expect("wit/FROZEN");
    let mut checked = 0;
    for line in frozen
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (folder, expected) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("`{line}` is not `folder digest`"));
        let actual = digest(&wit.join(folder));
        assert_eq!(
            actual,
            expected.trim(),
            "{folder} was released and is frozen: a change needs a new version folder"
        );
        checked += 1;
    }
    assert!(checked > 0, "wit/FROZEN lists no released version");
}
