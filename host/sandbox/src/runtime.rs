//! The wasmtime engine: one per host, with the pooling allocator, epoch interruption and an
//! on-disk cache of compiled components.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{
    Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, Trap, UpdateDeadline,
    WasmBacktrace,
};

use crate::bindings::{since_v1_0_0, since_v1_1_0};
use crate::health::FailureKind;
use crate::imports::{CallState, HostRuleViolated, MemoryLimitExceeded};

/// How often the epoch advances; the granularity of deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Engine-wide sizing.
#[derive(Debug, Clone, Copy)]
pub struct EngineLimits {
    /// Most plugin calls running at once (the pool's size).
    pub max_concurrent_calls: u32,
    /// Largest linear memory of one call, bytes.
    pub memory_bytes: usize,
    /// Memory of each slot kept mapped between calls, bytes (0: none).
    pub keep_resident_bytes: usize,
}

/// The compiled-code engine shared by every plugin.
pub struct Runtime {
    engine: Engine,
    linker: Linker<CallState>,
    cache_dir: Option<PathBuf>,
    ticker_stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("cache_dir", &self.cache_dir)
            .finish()
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}

/// Why a call did not return normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFailure {
    /// Class of failure.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
    /// The wasm stack at the trap.
    pub backtrace: Option<String>,
}

/// The call passed its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the plugin ran past its {0:?} deadline")]
pub struct DeadlineExceeded(pub Duration);

/// The call spent its CPU budget running guest code.
#[derive(Debug, thiserror::Error)]
#[error("the plugin computed for more than {0:?} without waiting on anything (a busy loop?)")]
pub struct CpuBudgetExceeded(pub Duration);

/// The time limits of one call.
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    /// Wall-clock time, waiting on the host included.
    pub deadline: Duration,
    /// Time spent running guest code.
    pub cpu: Duration,
}

impl Runtime {
    /// Builds the engine, its linker (WASI with nothing granted, plus Stride's imports) and the
    /// epoch ticker.
    pub fn new(limits: EngineLimits, cache_dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let n = limits.max_concurrent_calls.max(1);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(n)
            .total_core_instances(n * 8)
            .total_memories(n * 4)
            .total_tables(n * 8)
            .total_stacks(n)
            .max_memory_size(limits.memory_bytes);
        if limits.keep_resident_bytes > 0 {
            // After a call, the pages it wrote (found with Linux's PAGEMAP_SCAN where the
            // kernel has it) are reset in place rather than unmapped, so the next instance in
            // the slot does not fault every page in again. Resetting costs what the call
            // wrote, not the size kept. Without PAGEMAP_SCAN (Linux before 6.7) wasmtime resets
            // all of the kept memory after every call instead; the setting's documentation
            // says to lower it there.
            let keep = limits.keep_resident_bytes.min(limits.memory_bytes);
            pool.linear_memory_keep_resident(keep)
                .table_keep_resident(keep.min(1 << 20))
                .pagemap_scan(wasmtime::Enabled::Auto);
        }
        let mut config = wasmtime::Config::new();
        config
            .wasm_component_model(true)
            .epoch_interruption(true)
            .wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Enable)
            .max_wasm_stack(512 * 1024)
            .async_stack_size(2 * 1024 * 1024)
            .memory_reservation(limits.memory_bytes as u64)
            .memory_guard_size(64 * 1024)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config)
            .map_err(|e| anyhow::anyhow!("configuring the plugin engine: {e}"))?;
        let mut linker = Linker::<CallState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("linking WASI: {e}"))?;
        // Every supported API version's imports, side by side: their names carry the version.
        since_v1_0_0::Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |s| s)
            .map_err(|e| anyhow::anyhow!("linking the Stride 1.0 plugin imports: {e}"))?;
        since_v1_1_0::Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |s| s)
            .map_err(|e| anyhow::anyhow!("linking the Stride 1.1 plugin imports: {e}"))?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let weak = engine.weak();
        let stop = ticker_stop.clone();
        std::thread::Builder::new()
            .name("stride-plugin-epoch".to_owned())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match weak.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => break,
                    }
                }
            })
            .context("starting the epoch ticker")?;
        if let Some(dir) = &cache_dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the plugin cache at {}", dir.display()))?;
        }
        Ok(Self {
            engine,
            linker,
            cache_dir,
            ticker_stop,
        })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A handle that compiles components off the async executor.
    pub fn compiler(&self) -> Compiler {
        Compiler {
            engine: self.engine.clone(),
            cache_dir: self.cache_dir.clone(),
        }
    }

    /// Type-checks the component's imports against the host once, so each call only
    /// instantiates.
    pub(crate) fn prepare(
        &self,
        component: &Component,
    ) -> anyhow::Result<wasmtime::component::InstancePre<CallState>> {
        self.linker
            .instantiate_pre(component)
            .map_err(|e| anyhow::anyhow!("the plugin's imports do not match this host: {e}"))
    }

    /// A store for one call, with its memory limiter and two limits enforced from epoch
    /// ticks: the call yields to the executor every tick and traps once its wall-clock
    /// deadline has passed, or once it has run guest code for more ticks than its CPU budget.
    /// Ticks are counted only while the guest runs: the callback fires when guest code crosses
    /// a tick, never while the call waits on a host import (an HTTP request).
    pub fn store(&self, state: CallState, limits: CallLimits) -> Store<CallState> {
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let ends = Instant::now() + limits.deadline;
        let cpu_ticks = (limits.cpu.as_millis() / EPOCH_TICK.as_millis()).max(1);
        let mut ticks: u128 = 0;
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            ticks += 1;
            if Instant::now() >= ends {
                Err(wasmtime::Error::new(DeadlineExceeded(limits.deadline)))
            } else if ticks > cpu_ticks {
                Err(wasmtime::Error::new(CpuBudgetExceeded(limits.cpu)))
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        store
    }
}

/// Compiles components with the host's engine and cache; cheap to clone and `Send`, so it
/// can run on a blocking thread.
#[derive(Clone)]
pub struct Compiler {
    engine: Engine,
    cache_dir: Option<PathBuf>,
}

impl Compiler {
    fn cache_path(&self, wasm: &[u8]) -> Option<PathBuf> {
        let dir = self.cache_dir.as_ref()?;
        let mut compat = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut compat);
        let digest = Sha256::digest(wasm);
        // The compatibility hash omits wasmtime's own version, so the key names it.
        let key = format!(
            "{}-wasmtime48-{}-{:016x}",
            hex::encode(&digest[..16]),
            env!("CARGO_PKG_VERSION"),
            compat.finish()
        );
        Some(dir.join(format!("{key}.cwasm")))
    }

    /// Compiles a component, reusing the on-disk cache when it holds this exact code for this
    /// engine. CPU-heavy: call from a blocking thread.
    pub fn compile(&self, wasm: &[u8]) -> anyhow::Result<Component> {
        let cached = self.cache_path(wasm);
        if let Some(path) = &cached
            && path.exists()
        {
            match deserialize_cached(&self.engine, path) {
                Ok(component) => return Ok(component),
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "discarding an unusable cached plugin");
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        let component = Component::new(&self.engine, wasm)
            .map_err(|e| anyhow::anyhow!("compiling the plugin: {e}"))?;
        if let Some(path) = cached {
            match component.serialize() {
                Ok(bytes) => {
                    let partial =
                        path.with_extension(format!("partial-{}", uuid::Uuid::new_v4().simple()));
                    if std::fs::write(&partial, bytes)
                        .and_then(|()| std::fs::rename(&partial, &path))
                        .is_err()
                    {
                        let _ = std::fs::remove_file(&partial);
                        tracing::warn!(path = %path.display(), "could not write the plugin cache");
                    }
                }
                Err(error) => tracing::warn!(%error, "could not serialize a compiled plugin"),
            }
        }
        Ok(component)
    }
}

#[expect(
    unsafe_code,
    reason = "wasmtime requires unsafe to load precompiled code"
)]
fn deserialize_cached(engine: &Engine, path: &Path) -> anyhow::Result<Component> {
    // SAFETY: files in the cache directory are written only by `Runtime::compile` from
    // `Component::serialize` of this engine's own output, and the directory belongs to the
    // host (plugins have no filesystem access). wasmtime checks the header and engine
    // compatibility and returns an error, never undefined behaviour, on a mismatch.
    unsafe { Component::deserialize_file(engine, path) }.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Classifies an error from a call (trap, limit, deadline, host failure) for admins.
pub fn classify(error: &wasmtime::Error) -> CallFailure {
    let backtrace = error
        .downcast_ref::<WasmBacktrace>()
        .map(|bt| format!("{bt}"));
    let (kind, message) = if let Some(limit) = error.downcast_ref::<MemoryLimitExceeded>() {
        (FailureKind::MemoryLimit, limit.to_string())
    } else if let Some(deadline) = error.downcast_ref::<DeadlineExceeded>() {
        (FailureKind::Deadline, deadline.to_string())
    } else if let Some(cpu) = error.downcast_ref::<CpuBudgetExceeded>() {
        (FailureKind::CpuLimit, cpu.to_string())
    } else if let Some(rule) = error.downcast_ref::<HostRuleViolated>() {
        (FailureKind::Trap, format!("stopped by the host: {rule}"))
    } else if let Some(trap) = error.downcast_ref::<Trap>() {
        match trap {
            Trap::StackOverflow => (
                FailureKind::StackOverflow,
                "the plugin overflowed its stack".to_owned(),
            ),
            Trap::Interrupt => (
                FailureKind::Deadline,
                "the plugin was interrupted at its deadline".to_owned(),
            ),
            Trap::UnreachableCodeReached => (
                FailureKind::Trap,
                "the plugin panicked or aborted (wasm `unreachable`)".to_owned(),
            ),
            other => (FailureKind::Trap, format!("the plugin trapped: {other}")),
        }
    } else {
        (FailureKind::Host, format!("{error:#}"))
    };
    CallFailure {
        kind,
        message,
        backtrace,
    }
}
