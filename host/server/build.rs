//! Builds the bundled plugins (the `plugins/` workspace) for wasm32-wasip2, in a target
//! directory of their own, and tells the host where the `.wasm` files are.
//!
//! Set `STRIDE_SKIP_PLUGIN_BUILD=1` to skip (the host then finds no bundled plugins).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .expect("host/server/ sits two levels inside the workspace")
        .to_owned();
    let plugins = root.join("plugins");
    let sdk = root.join("sdk");
    for dir in [&plugins, &sdk] {
        watch(dir);
    }
    // The root manifest and lock decide the SDK's dependencies (and their features).
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-env-changed=STRIDE_SKIP_PLUGIN_BUILD");

    let target_root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let plugin_target = target_root.join("plugins");
    // Production plugins go to dist/; the guide's example and the test plugins (`test-*`) go
    // to examples/ so a server never loads them by default.
    let dist = plugin_target.join("dist");
    let examples = plugin_target.join("examples");
    println!("cargo:rustc-env=BUNDLED_PLUGINS_DIR={}", dist.display());
    println!("cargo:rustc-env=EXAMPLE_PLUGINS_DIR={}", examples.display());
    if std::env::var_os("STRIDE_SKIP_PLUGIN_BUILD").is_some() {
        return;
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(&plugins)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
        ])
        .arg(&plugin_target);
    // The outer build's settings (flags, wrappers such as clippy, its target) must not leak
    // into the plugins' build.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        command.env_remove(var);
    }
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO_PROFILE_")
            || key.starts_with("CARGO_CFG_")
            || key.starts_with("__CARGO")
        {
            command.env_remove(&key);
        }
    }
    let status = command
        .status()
        .expect("running cargo to build the plugins");
    assert!(
        status.success(),
        "building the plugins for wasm32-wasip2 failed (cargo's errors are above). If it says the \
         target is missing: `rustup target add wasm32-wasip2`; if plugins/Cargo.lock needs \
         updating after a dependency change: `cargo update --manifest-path plugins/Cargo.toml --workspace`"
    );

    std::fs::create_dir_all(&dist).expect("creating the plugin dist directory");
    std::fs::create_dir_all(&examples).expect("creating the example plugin directory");
    let built = plugin_target.join("wasm32-wasip2").join("release");
    for entry in std::fs::read_dir(&built)
        .expect("reading the plugins' build output")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm")
            && let Some(name) = path.file_stem().and_then(|s| s.to_str())
        {
            // stride_plugin_strava.wasm -> strava.wasm
            let short = name.trim_start_matches("stride_plugin_");
            let folder = if short == "example" || short.starts_with("test_") {
                &examples
            } else {
                &dist
            };
            let to = folder.join(format!("{}.wasm", short.replace('_', "-")));
            copy_if_changed(&path, &to);
        }
    }
}

fn watch(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        if path.is_dir() {
            watch(&path);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

fn copy_if_changed(from: &Path, to: &Path) {
    let new = std::fs::read(from).expect("reading a built plugin");
    if std::fs::read(to).ok().as_deref() != Some(new.as_slice()) {
        std::fs::write(to, new).expect("copying a built plugin");
    }
}
