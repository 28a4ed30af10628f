//! Network settings: passphrase, protocol, Soroban limits and fee rates.
//!
//! Limits and fee rates are Stellar Mainnet's as soroban-sdk 29.0.1 records them
//! (`InvocationResourceLimits::mainnet()` and `CostEstimate::fee()`, a snapshot of
//! 2026-07-10). TTLs are Mainnet's since protocol 23, in ledgers. The cost model is the host's
//! own calibration (`Budget::default()` of soroban-env-host 29.0.1), the values stellar-core
//! proposes in its network upgrades.

use sha2::{Digest, Sha256};
use soroban_env_host::{
    budget::Budget,
    fees::{FeeConfiguration, RentFeeConfiguration, MINIMUM_RENT_WRITE_FEE_PER_1KB},
    xdr::{ContractCostParamEntry, ContractCostParams, ContractCostType, ExtensionPoint},
    LedgerInfo,
};
use soroban_simulation::NetworkConfig;

/// The standalone network passphrase (quickstart's `local` network).
pub const PASSPHRASE: &str = "Standalone Network ; February 2017";
/// The ledger protocol version: the highest soroban-env-host 29.0.1 supports.
pub const PROTOCOL_VERSION: u32 = 29;
/// Base fee per operation, stroops (the network minimum inclusion fee).
pub const BASE_FEE: u32 = 100;
/// Base reserve, stroops (0.5 XLM, as on Mainnet).
pub const BASE_RESERVE: u32 = 5_000_000;
/// Total lumens in the genesis root account, stroops (100 billion XLM).
pub const TOTAL_COINS: i64 = 1_000_000_000_000_000_000;

/// Per-transaction Soroban limits (Mainnet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxLimits {
    /// CPU instructions.
    pub instructions: u32,
    /// Host memory, bytes.
    pub memory_bytes: u32,
    /// Classic and archived entries read from disk.
    pub disk_read_entries: u32,
    /// Entries written.
    pub write_entries: u32,
    /// Footprint keys, read-only plus read-write.
    pub footprint_entries: u32,
    /// Bytes read from disk.
    pub disk_read_bytes: u32,
    /// Bytes written.
    pub write_bytes: u32,
    /// Contract events plus the return value, bytes.
    pub contract_events_size_bytes: u32,
    /// Encoded transaction envelope, bytes.
    pub tx_size_bytes: u32,
    /// `LedgerKey` XDR of a contract data entry, bytes.
    pub contract_data_key_size_bytes: u32,
    /// `LedgerEntry` XDR of a contract data entry, bytes.
    pub contract_data_entry_size_bytes: u32,
    /// Contract code (WASM) size, bytes.
    pub contract_code_entry_size_bytes: u32,
}

/// Mainnet's per-transaction limits (soroban-sdk 29.0.1 `InvocationResourceLimits::mainnet()`,
/// plus Mainnet's `txMaxSizeBytes`).
pub const MAINNET_TX_LIMITS: TxLimits = TxLimits {
    instructions: 400_000_000,
    memory_bytes: 41_943_040,
    disk_read_entries: 200,
    write_entries: 200,
    footprint_entries: 400,
    disk_read_bytes: 200_000,
    write_bytes: 132_096,
    contract_events_size_bytes: 16_384,
    tx_size_bytes: 132_096,
    contract_data_key_size_bytes: 250,
    contract_data_entry_size_bytes: 65_536,
    contract_code_entry_size_bytes: 131_072,
};

/// Everything about the network that doesn't change while it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Network passphrase.
    pub passphrase: String,
    /// `sha256(passphrase)`: the network id signatures commit to.
    pub network_id: [u8; 32],
    /// Per-transaction Soroban limits.
    pub limits: TxLimits,
    /// Minimum TTL of a new persistent entry or code, ledgers.
    pub min_persistent_ttl: u32,
    /// Minimum TTL of a new temporary entry, ledgers.
    pub min_temp_ttl: u32,
    /// Maximum TTL, ledgers.
    pub max_entry_ttl: u32,
    /// CPU cost model.
    pub cpu_cost_params: ContractCostParams,
    /// Memory cost model.
    pub mem_cost_params: ContractCostParams,
}

impl Settings {
    /// Mainnet's settings under the given passphrase.
    pub fn mainnet_like(passphrase: &str) -> Self {
        let (cpu_cost_params, mem_cost_params) = host_cost_params();
        Self {
            passphrase: passphrase.to_string(),
            network_id: Sha256::digest(passphrase.as_bytes()).into(),
            limits: MAINNET_TX_LIMITS,
            min_persistent_ttl: 2_073_600,
            min_temp_ttl: 17_280,
            max_entry_ttl: 3_110_400,
            cpu_cost_params,
            mem_cost_params,
        }
    }

    /// Resource fee rates, stroops (Mainnet's, per soroban-sdk 29.0.1 `CostEstimate::fee`).
    pub fn fees(&self) -> FeeConfiguration {
        FeeConfiguration {
            fee_per_instruction_increment: 7,
            fee_per_disk_read_entry: 1563,
            fee_per_write_entry: 2500,
            fee_per_disk_read_1kb: 447,
            fee_per_write_1kb: 875,
            fee_per_historical_1kb: 4059,
            fee_per_contract_event_1kb: 5000,
            fee_per_transaction_size_1kb: 406,
        }
    }

    /// Rent fee rates, stroops. The rent rate per 1 KiB is the host's floor
    /// (`MINIMUM_RENT_WRITE_FEE_PER_1KB`, 1,000), the rate `compute_rent_write_fee_per_1kb`
    /// gives while the live Soroban state is well below its target size. soroban-sdk's
    /// estimate uses 12,000 as a deliberate overestimate; at that rate a 32 KiB contract's
    /// 120-day rent would exceed the largest fee a transaction can carry (`u32::MAX` stroops).
    pub fn rent(&self) -> RentFeeConfiguration {
        RentFeeConfiguration {
            fee_per_write_1kb: 875,
            fee_per_rent_1kb: MINIMUM_RENT_WRITE_FEE_PER_1KB,
            fee_per_write_entry: 2500,
            persistent_rent_rate_denominator: 1215,
            temporary_rent_rate_denominator: 2430,
        }
    }

    /// The host's view of a ledger with this sequence and close time (Unix seconds).
    pub fn ledger_info(&self, sequence_number: u32, timestamp: u64) -> LedgerInfo {
        LedgerInfo {
            protocol_version: PROTOCOL_VERSION,
            sequence_number,
            timestamp,
            network_id: self.network_id,
            base_reserve: BASE_RESERVE,
            min_temp_entry_ttl: self.min_temp_ttl,
            min_persistent_entry_ttl: self.min_persistent_ttl,
            max_entry_ttl: self.max_entry_ttl,
        }
    }

    /// The same settings in soroban-simulation's form.
    pub fn network_config(&self) -> NetworkConfig {
        NetworkConfig {
            fee_configuration: self.fees(),
            rent_fee_configuration: self.rent(),
            tx_max_instructions: i64::from(self.limits.instructions),
            tx_memory_limit: self.limits.memory_bytes,
            cpu_cost_params: self.cpu_cost_params.clone(),
            memory_cost_params: self.mem_cost_params.clone(),
            min_temp_entry_ttl: self.min_temp_ttl,
            min_persistent_entry_ttl: self.min_persistent_ttl,
            max_entry_ttl: self.max_entry_ttl,
        }
    }

    /// A fresh budget for one transaction with `instructions` declared.
    ///
    /// # Errors
    /// A host error if the cost model is malformed (it is built in, so never in practice).
    pub fn budget(&self, instructions: u32) -> Result<Budget, soroban_env_host::HostError> {
        Budget::try_from_configs(
            u64::from(instructions),
            u64::from(self.limits.memory_bytes),
            self.cpu_cost_params.clone(),
            self.mem_cost_params.clone(),
        )
    }
}

/// The host's calibrated cost model, as `ContractCostParams` for CPU and memory.
///
/// soroban-env-host exposes the calibrated terms only through `Budget`'s `Debug` table
/// (columns: type, iterations, input, cpu, mem, const cpu, linear cpu, const mem, linear mem),
/// so this reads them from there; the linear terms are printed in their scaled XDR form.
fn host_cost_params() -> (ContractCostParams, ContractCostParams) {
    let table = format!("{:?}", Budget::default());
    let mut cpu = Vec::new();
    let mut mem = Vec::new();
    for ty in ContractCostType::variants() {
        let name = format!("{ty:?}");
        let row = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name.as_str()));
        let terms: Vec<i64> = row
            .map(|l| {
                l.split_whitespace()
                    .rev()
                    .take(4)
                    .filter_map(|t| t.parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        // Reversed: [lin_mem, const_mem, lin_cpu, const_cpu].
        let [lin_mem, const_mem, lin_cpu, const_cpu] = terms[..] else {
            continue;
        };
        cpu.push(ContractCostParamEntry {
            ext: ExtensionPoint::V0,
            const_term: const_cpu,
            linear_term: lin_cpu,
        });
        mem.push(ContractCostParamEntry {
            ext: ExtensionPoint::V0,
            const_term: const_mem,
            linear_term: lin_mem,
        });
    }
    (
        ContractCostParams(cpu.try_into().unwrap_or_default()),
        ContractCostParams(mem.try_into().unwrap_or_default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_model_has_every_cost_type_and_matches_the_default_budget() {
        let s = Settings::mainnet_like(PASSPHRASE);
        assert_eq!(
            s.cpu_cost_params.0.len(),
            ContractCostType::variants().len()
        );
        assert_eq!(
            s.mem_cost_params.0.len(),
            ContractCostType::variants().len()
        );
        // A budget built from the parsed terms charges what the default one does.
        let parsed = s.budget(u32::MAX).unwrap();
        let default = Budget::default();
        for ty in ContractCostType::variants() {
            for input in [None, Some(1)] {
                let (a, b) = (parsed.charge(ty, input), default.charge(ty, input));
                assert_eq!(a.is_ok(), b.is_ok(), "{ty:?} {input:?}");
            }
        }
        assert_eq!(
            parsed.get_cpu_insns_consumed().unwrap(),
            default.get_cpu_insns_consumed().unwrap()
        );
        assert_eq!(
            parsed.get_mem_bytes_consumed().unwrap(),
            default.get_mem_bytes_consumed().unwrap()
        );
        assert!(parsed.get_cpu_insns_consumed().unwrap() > 0);
    }

    #[test]
    fn network_id_is_sha256_of_the_passphrase() {
        let s = Settings::mainnet_like(PASSPHRASE);
        assert_eq!(
            hex::encode(s.network_id),
            "baefd734b8d3e48472cff83912375fedbc7573701912fe308af730180f97d74a"
        );
    }
}
