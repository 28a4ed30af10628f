//! The network's configuration as ledger entries (`LedgerKey::ConfigSetting`), as stellar-core
//! stores them and `getLedgerEntries` serves them: stellar-cli reads `StateArchival` before
//! `contract extend`, and `network settings` reads every id.
//!
//! Per-transaction limits, fee rates, TTLs and the cost model are [`Settings`]' own, the values
//! this network enforces and charges. Ledger-wide limits, the eviction scan and SCP timing are
//! Mainnet's as of protocol 23 (stellar-core's `Config` defaults for pubnet): this single node
//! applies every queued transaction in one ledger and has no consensus, so it doesn't enforce
//! them; they are served so that clients which read them see realistic values.

use stellar_xdr::{
    ConfigSettingContractBandwidthV0, ConfigSettingContractComputeV0,
    ConfigSettingContractEventsV0, ConfigSettingContractExecutionLanesV0,
    ConfigSettingContractHistoricalDataV0, ConfigSettingContractLedgerCostExtV0,
    ConfigSettingContractLedgerCostV0, ConfigSettingContractParallelComputeV0, ConfigSettingEntry,
    ConfigSettingId, ConfigSettingScpTiming, EvictionIterator, FreezeBypassTxs,
    FreezeBypassTxsDelta, FrozenLedgerKeys, FrozenLedgerKeysDelta, LedgerEntry, LedgerEntryData,
    LedgerEntryExt, StateArchivalSettings,
};

use crate::settings::Settings;

/// Samples in the live Soroban state size window (Mainnet's).
const STATE_SIZE_WINDOW_SAMPLES: u32 = 30;

/// The configuration entry `id`, as of genesis (ledger 1: this network's settings never
/// change while it runs).
pub fn config_entry(settings: &Settings, id: ConfigSettingId) -> LedgerEntry {
    LedgerEntry {
        last_modified_ledger_seq: 1,
        data: LedgerEntryData::ConfigSetting(config_setting(settings, id)),
        ext: LedgerEntryExt::V0,
    }
}

/// The configuration setting `id`.
pub fn config_setting(s: &Settings, id: ConfigSettingId) -> ConfigSettingEntry {
    let l = &s.limits;
    let fees = s.fees();
    let rent = s.rent();
    match id {
        ConfigSettingId::ContractMaxSizeBytes => {
            ConfigSettingEntry::ContractMaxSizeBytes(l.contract_code_entry_size_bytes)
        }
        ConfigSettingId::ContractComputeV0 => {
            ConfigSettingEntry::ContractComputeV0(ConfigSettingContractComputeV0 {
                ledger_max_instructions: 600_000_000,
                tx_max_instructions: i64::from(l.instructions),
                fee_rate_per_instructions_increment: fees.fee_per_instruction_increment,
                tx_memory_limit: l.memory_bytes,
            })
        }
        ConfigSettingId::ContractLedgerCostV0 => {
            ConfigSettingEntry::ContractLedgerCostV0(ConfigSettingContractLedgerCostV0 {
                ledger_max_disk_read_entries: 1_000,
                ledger_max_disk_read_bytes: 7_000_000,
                ledger_max_write_ledger_entries: 500,
                ledger_max_write_bytes: 143_360,
                tx_max_disk_read_entries: l.disk_read_entries,
                tx_max_disk_read_bytes: l.disk_read_bytes,
                tx_max_write_ledger_entries: l.write_entries,
                tx_max_write_bytes: l.write_bytes,
                fee_disk_read_ledger_entry: fees.fee_per_disk_read_entry,
                fee_write_ledger_entry: fees.fee_per_write_entry,
                fee_disk_read1_kb: fees.fee_per_disk_read_1kb,
                soroban_state_target_size_bytes: 3_000_000_000,
                rent_fee1_kb_soroban_state_size_low: rent.fee_per_rent_1kb,
                rent_fee1_kb_soroban_state_size_high: 10_000,
                soroban_state_rent_fee_growth_factor: 5_000,
            })
        }
        ConfigSettingId::ContractHistoricalDataV0 => {
            ConfigSettingEntry::ContractHistoricalDataV0(ConfigSettingContractHistoricalDataV0 {
                fee_historical1_kb: fees.fee_per_historical_1kb,
            })
        }
        ConfigSettingId::ContractEventsV0 => {
            ConfigSettingEntry::ContractEventsV0(ConfigSettingContractEventsV0 {
                tx_max_contract_events_size_bytes: l.contract_events_size_bytes,
                fee_contract_events1_kb: fees.fee_per_contract_event_1kb,
            })
        }
        ConfigSettingId::ContractBandwidthV0 => {
            ConfigSettingEntry::ContractBandwidthV0(ConfigSettingContractBandwidthV0 {
                ledger_max_txs_size_bytes: 133_120,
                tx_max_size_bytes: l.tx_size_bytes,
                fee_tx_size1_kb: fees.fee_per_transaction_size_1kb,
            })
        }
        ConfigSettingId::ContractCostParamsCpuInstructions => {
            ConfigSettingEntry::ContractCostParamsCpuInstructions(s.cpu_cost_params.clone())
        }
        ConfigSettingId::ContractCostParamsMemoryBytes => {
            ConfigSettingEntry::ContractCostParamsMemoryBytes(s.mem_cost_params.clone())
        }
        ConfigSettingId::ContractDataKeySizeBytes => {
            ConfigSettingEntry::ContractDataKeySizeBytes(l.contract_data_key_size_bytes)
        }
        ConfigSettingId::ContractDataEntrySizeBytes => {
            ConfigSettingEntry::ContractDataEntrySizeBytes(l.contract_data_entry_size_bytes)
        }
        ConfigSettingId::StateArchival => {
            ConfigSettingEntry::StateArchival(StateArchivalSettings {
                max_entry_ttl: s.max_entry_ttl,
                min_temporary_ttl: s.min_temp_ttl,
                min_persistent_ttl: s.min_persistent_ttl,
                persistent_rent_rate_denominator: rent.persistent_rent_rate_denominator,
                temp_rent_rate_denominator: rent.temporary_rent_rate_denominator,
                max_entries_to_archive: 1_000,
                live_soroban_state_size_window_sample_size: STATE_SIZE_WINDOW_SAMPLES,
                live_soroban_state_size_window_sample_period: 64,
                eviction_scan_size: 500_000,
                starting_eviction_scan_level: 7,
            })
        }
        ConfigSettingId::ContractExecutionLanes => {
            ConfigSettingEntry::ContractExecutionLanes(ConfigSettingContractExecutionLanesV0 {
                ledger_max_tx_count: 1_000,
            })
        }
        // The ledger close meta reports a live Soroban state size of 0, so every sample is 0.
        ConfigSettingId::LiveSorobanStateSizeWindow => {
            ConfigSettingEntry::LiveSorobanStateSizeWindow(
                vec![0; STATE_SIZE_WINDOW_SAMPLES as usize]
                    .try_into()
                    .unwrap_or_default(),
            )
        }
        ConfigSettingId::EvictionIterator => {
            ConfigSettingEntry::EvictionIterator(EvictionIterator {
                bucket_list_level: 7,
                is_curr_bucket: true,
                bucket_file_offset: 0,
            })
        }
        // Transactions run one after another here, in a single cluster.
        ConfigSettingId::ContractParallelComputeV0 => {
            ConfigSettingEntry::ContractParallelComputeV0(ConfigSettingContractParallelComputeV0 {
                ledger_max_dependent_tx_clusters: 1,
            })
        }
        ConfigSettingId::ContractLedgerCostExtV0 => {
            ConfigSettingEntry::ContractLedgerCostExtV0(ConfigSettingContractLedgerCostExtV0 {
                tx_max_footprint_entries: l.footprint_entries,
                fee_write1_kb: fees.fee_per_write_1kb,
            })
        }
        ConfigSettingId::ScpTiming => ConfigSettingEntry::ScpTiming(ConfigSettingScpTiming {
            ledger_target_close_time_milliseconds: 5_000,
            nomination_timeout_initial_milliseconds: 1_000,
            nomination_timeout_increment_milliseconds: 1_000,
            ballot_timeout_initial_milliseconds: 1_000,
            ballot_timeout_increment_milliseconds: 1_000,
        }),
        // No key is frozen and no transaction bypasses a freeze.
        ConfigSettingId::FrozenLedgerKeys => {
            ConfigSettingEntry::FrozenLedgerKeys(FrozenLedgerKeys {
                keys: Default::default(),
            })
        }
        ConfigSettingId::FrozenLedgerKeysDelta => {
            ConfigSettingEntry::FrozenLedgerKeysDelta(FrozenLedgerKeysDelta {
                keys_to_freeze: Default::default(),
                keys_to_unfreeze: Default::default(),
            })
        }
        ConfigSettingId::FreezeBypassTxs => ConfigSettingEntry::FreezeBypassTxs(FreezeBypassTxs {
            tx_hashes: Default::default(),
        }),
        ConfigSettingId::FreezeBypassTxsDelta => {
            ConfigSettingEntry::FreezeBypassTxsDelta(FreezeBypassTxsDelta {
                add_txs: Default::default(),
                remove_txs: Default::default(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::PASSPHRASE;

    #[test]
    fn every_id_has_its_own_entry_with_the_enforced_values() {
        let s = Settings::mainnet_like(PASSPHRASE);
        for id in ConfigSettingId::variants() {
            assert_eq!(config_setting(&s, id).discriminant(), id, "{id:?}");
        }
        let ConfigSettingEntry::StateArchival(a) =
            config_setting(&s, ConfigSettingId::StateArchival)
        else {
            panic!("state archival")
        };
        assert_eq!(
            (a.max_entry_ttl, a.min_persistent_ttl, a.min_temporary_ttl),
            (s.max_entry_ttl, s.min_persistent_ttl, s.min_temp_ttl)
        );
    }
}
