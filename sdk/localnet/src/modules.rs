//! The module cache: every live contract's parsed WASM, kept across transactions as
//! stellar-core keeps it since protocol 23, so invocations pay the cached-instantiation cost
//! that simulation assumes.

use std::fmt::Debug;

use soroban_env_host::{
    budget::{AsBudget, Budget},
    vm::VersionedContractCodeCostInputs,
    xdr::{ContractCodeEntry, ContractCodeEntryExt, LedgerEntryData},
    CompilationContext, Error, ErrorHandler, HostError, ModuleCache, Val,
};

use crate::{
    settings::{Settings, PROTOCOL_VERSION},
    state::LedgerState,
};

/// The budget and error context modules are compiled in, outside any transaction.
#[derive(Clone)]
struct Compiler(Budget);

impl AsBudget for Compiler {
    fn as_budget(&self) -> &Budget {
        &self.0
    }
}

impl ErrorHandler for Compiler {
    fn map_err<T, E>(&self, res: Result<T, E>) -> Result<T, HostError>
    where
        Error: From<E>,
        E: Debug,
    {
        res.map_err(|e| HostError::from(Error::from(e)))
    }

    fn error(&self, error: Error, _msg: &str, _args: &[Val]) -> HostError {
        HostError::from(error)
    }
}

impl CompilationContext for Compiler {}

/// Parsed modules by WASM hash.
#[derive(Clone)]
pub struct Modules {
    cache: ModuleCache,
    settings: std::sync::Arc<Settings>,
}

impl Modules {
    /// A cache holding every contract code entry in `state`.
    ///
    /// # Errors
    /// A host error if the compiler can't be set up.
    pub fn new(settings: std::sync::Arc<Settings>, state: &LedgerState) -> Result<Self, HostError> {
        let cache = ModuleCache::new(&Compiler(settings.budget(u32::MAX)?))?;
        let modules = Self { cache, settings };
        for (_, e) in state.iter() {
            if let LedgerEntryData::ContractCode(code) = &e.entry.data {
                modules.add(code);
            }
        }
        Ok(modules)
    }

    /// The cache, for the host.
    pub fn cache(&self) -> &ModuleCache {
        &self.cache
    }

    /// Parses and caches `code` if it isn't cached yet. Code that doesn't parse stays out;
    /// an invocation of it then fails in the host as it would on the network.
    pub fn add(&self, code: &ContractCodeEntry) {
        let inputs = match &code.ext {
            ContractCodeEntryExt::V0 => VersionedContractCodeCostInputs::V0 {
                wasm_bytes: code.code.len(),
            },
            ContractCodeEntryExt::V1(v1) => {
                VersionedContractCodeCostInputs::V1(v1.cost_inputs.clone())
            }
        };
        let Ok(budget) = self.settings.budget(u32::MAX) else {
            return;
        };
        if let Err(e) = self.cache.parse_and_cache_module(
            &Compiler(budget),
            PROTOCOL_VERSION,
            &code.hash,
            &code.code,
            inputs,
        ) {
            tracing::warn!(
                "contract code {} not cached: {e:?}",
                hex::encode(code.hash.0)
            );
        }
    }
}
