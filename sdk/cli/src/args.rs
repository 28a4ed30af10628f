//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Drive the Tributary protocol over Stellar RPC.
#[derive(Parser, Debug)]
#[command(name = "tributary", version, about)]
pub struct Cli {
    /// Stellar RPC endpoint.
    #[arg(
        long,
        env = "TRIBUTARY_RPC_URL",
        default_value = "http://127.0.0.1:8000/rpc",
        global = true
    )]
    pub rpc_url: String,
    /// Network passphrase; checked against the RPC before anything is sent.
    #[arg(
        long,
        env = "TRIBUTARY_NETWORK_PASSPHRASE",
        default_value = "Standalone Network ; February 2017",
        global = true
    )]
    pub network_passphrase: String,
    /// File holding the signing key's secret seed (S…); else TRIBUTARY_SECRET_KEY.
    #[arg(long, global = true)]
    pub key_file: Option<PathBuf>,
    /// The deployment file: written by `deploy`, read by every other command.
    #[arg(
        long,
        env = "TRIBUTARY_DEPLOYMENT",
        default_value = "deployment.json",
        global = true
    )]
    pub deployment: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Upload and deploy the four contracts (insurance first) and write the deployment file.
    Deploy(DeployArgs),
    /// Payment streams.
    #[command(subcommand)]
    Stream(StreamCommand),
    /// Claim campaigns.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Creator tiers.
    #[command(subcommand)]
    Tier(TierCommand),
    /// Subscribe to a creator's tier (the key is the fan).
    Subscribe(SubscribeArgs),
    /// Let keepers renew the key's subscriptions: approve the access contract to pull up to
    /// `--amount` of a token (SEP-41 allowance) until a ledger.
    Allowance(AllowanceArgs),
    /// Renew a fan's subscription through the fan's allowance (any key may: a keeper).
    Renew(RenewArgs),
    /// Run a renewal keeper: renew subscriptions from the indexer's renewal queue as their
    /// windows open, in batches (the key pays the fees).
    Keeper(KeeperArgs),
    /// A creator's revenue forecast from the indexer: exact streams plus a Monte Carlo of
    /// subscription renewals and new subscribers, per horizon and token.
    Forecast(ForecastArgs),
    /// Access checks.
    #[command(subcommand)]
    Access(AccessCommand),
    /// The insurance treasury and its council.
    #[command(subcommand)]
    Insurance(InsuranceCommand),
}

/// `deploy`.
#[derive(Args, Debug)]
pub struct DeployArgs {
    /// Directory with tributary_{insurance,stream,claims,access}.wasm.
    #[arg(long, default_value = "target/wasm")]
    pub wasm_dir: PathBuf,
    /// A council member (G…); exactly five.
    #[arg(long = "council", required = true)]
    pub council: Vec<String>,
    /// An insured asset: `native`, `CODE:ISSUER` (its Stellar Asset Contract is deployed if
    /// missing) or a contract address (C…).
    #[arg(long = "asset", required = true)]
    pub assets: Vec<String>,
}

/// `stream …`.
#[derive(Subcommand, Debug)]
pub enum StreamCommand {
    /// Create a stream from the key's account.
    Create {
        /// Recipient address.
        #[arg(long)]
        recipient: String,
        /// Token: a contract address, `native`, or `CODE:ISSUER`.
        #[arg(long)]
        token: String,
        /// Deposit, base units.
        #[arg(long)]
        deposit: i128,
        /// Vesting start, Unix seconds (default: the latest ledger's close time).
        #[arg(long)]
        start: Option<u64>,
        /// Cliff, Unix seconds (default: the start).
        #[arg(long)]
        cliff: Option<u64>,
        /// Vesting end, Unix seconds.
        #[arg(long)]
        end: u64,
        /// The sender may cancel.
        #[arg(long)]
        cancelable: bool,
        /// The recipient may transfer the stream.
        #[arg(long)]
        transferable: bool,
    },
    /// Create several streams from the key's account in one transaction, from CSV rows
    /// `recipient,deposit,start,cliff,end` (a header row is optional; an empty start is now
    /// on the ledger clock, an empty cliff the start).
    CreateBatch {
        /// The CSV file.
        #[arg(long)]
        csv: PathBuf,
        /// Token: a contract address, `native`, or `CODE:ISSUER`.
        #[arg(long)]
        token: String,
        /// The sender may cancel every stream.
        #[arg(long)]
        cancelable: bool,
        /// The recipients may transfer their streams.
        #[arg(long)]
        transferable: bool,
    },
    /// Withdraw from a stream (everything withdrawable unless --amount).
    Withdraw {
        /// Stream id.
        #[arg(long)]
        id: u64,
        /// Where to pay (default: the recipient).
        #[arg(long)]
        to: Option<String>,
        /// Gross amount, base units.
        #[arg(long)]
        amount: Option<i128>,
    },
    /// Cancel a stream (the key is the sender).
    Cancel {
        /// Stream id.
        #[arg(long)]
        id: u64,
    },
    /// Give up the right to cancel, for good (the key is the sender).
    Renounce {
        /// Stream id.
        #[arg(long)]
        id: u64,
    },
    /// Hand a transferable stream to a new recipient (the key is the recipient).
    Transfer {
        /// Stream id.
        #[arg(long)]
        id: u64,
        /// The new recipient.
        #[arg(long)]
        to: String,
    },
    /// Show a stream with its status and amounts now.
    Show {
        /// Stream id.
        #[arg(long)]
        id: u64,
    },
}

/// `campaign …`.
#[derive(Subcommand, Debug)]
pub enum CampaignCommand {
    /// Build a campaign's Merkle tree from CSV rows `index,claimant,amount`.
    Build {
        /// The CSV file.
        #[arg(long)]
        csv: PathBuf,
        /// Where to write the tree: root, total, count, and every entry with its proof.
        #[arg(long)]
        out: PathBuf,
    },
    /// Mint a claim key per wallet-less recipient (rows `recipient,amount`; a recipient is a
    /// G…/C… address or a contact handle) for a campaign the key will fund: writes
    /// `<out>/tree.csv` (for `campaign build`), `<out>/links.csv` (handle, index, amount, claim
    /// link: bearer secrets, mode 0600) and `<out>/campaign.json` (the salt and campaign id
    /// the links name; pass `--salt` to `campaign create`).
    Keys {
        /// The recipients CSV.
        #[arg(long)]
        recipients: PathBuf,
        /// Output directory (created; its links.csv must not exist).
        #[arg(long)]
        out: PathBuf,
        /// The claim page the links open; the secret rides in the URL fragment.
        #[arg(long, default_value = "https://claim.tributary.invalid/")]
        link_base: String,
    },
    /// Create and fund a campaign from a built tree (the key is the funder).
    Create {
        /// The tree file from `campaign build`.
        #[arg(long)]
        tree: PathBuf,
        /// Token: a contract address, `native`, or `CODE:ISSUER`.
        #[arg(long)]
        token: String,
        /// Claims open, Unix seconds (default: the latest ledger's close time).
        #[arg(long)]
        start: Option<u64>,
        /// Claims close, Unix seconds.
        #[arg(long)]
        expiry: u64,
        /// A second person who must approve before claims open.
        #[arg(long)]
        approver: Option<String>,
        /// The id salt (default: random); `campaign keys` chose one its links name.
        #[arg(long)]
        salt: Option<u64>,
    },
    /// Claim entries (the key pays the fees; an address claimant must be the key).
    Claim {
        /// The tree file.
        #[arg(long)]
        tree: PathBuf,
        /// Campaign id (not with --link).
        #[arg(long, required_unless_present = "links")]
        id: Option<u64>,
        /// Entry index; repeat for a batch (not with --link).
        #[arg(long = "index", required_unless_present = "links")]
        indices: Vec<u32>,
        /// A claim link from `campaign keys` (campaign, index and claim key in one); repeat
        /// for a batch.
        #[arg(long = "link", conflicts_with_all = ["id", "indices", "claim_key_file"])]
        links: Vec<String>,
        /// Where to pay a claim-key entry (default: the key's account).
        #[arg(long)]
        to: Option<String>,
        /// File with the claim key's secret seed, for claim-key entries.
        #[arg(long)]
        claim_key_file: Option<PathBuf>,
        /// Claim every entry in one transaction (`claim_many`): all or nothing.
        #[arg(long)]
        one_transaction: bool,
    },
    /// Void an unclaimed entry (e.g. a lost or leaked claim link) and refund its amount to
    /// the funder (the key).
    Revoke {
        /// The tree file.
        #[arg(long)]
        tree: PathBuf,
        /// Campaign id.
        #[arg(long)]
        id: u64,
        /// Entry index.
        #[arg(long)]
        index: u32,
    },
    /// Approve a draft campaign (the key is its approver): claims open.
    Approve {
        /// Campaign id.
        #[arg(long)]
        id: u64,
    },
    /// Stop claims until `resume` (the key is the funder).
    Pause {
        /// Campaign id.
        #[arg(long)]
        id: u64,
    },
    /// Reopen a paused campaign (the key is the funder).
    Resume {
        /// Campaign id.
        #[arg(long)]
        id: u64,
    },
    /// Move the expiry later (the key is the funder).
    ExtendExpiry {
        /// Campaign id.
        #[arg(long)]
        id: u64,
        /// The new expiry, Unix seconds (later than the current one).
        #[arg(long)]
        expiry: u64,
    },
    /// Return the unclaimed funds after expiry (the key is the funder).
    Clawback {
        /// Campaign id.
        #[arg(long)]
        id: u64,
    },
}

/// `tier …`.
#[derive(Subcommand, Debug)]
pub enum TierCommand {
    /// Set (or reprice) one of the key's tiers.
    Set {
        /// Tier level.
        #[arg(long)]
        level: u32,
        /// Payment token: a contract address, `native`, or `CODE:ISSUER`.
        #[arg(long)]
        token: String,
        /// Price per period, base units.
        #[arg(long)]
        price: i128,
        /// Period, seconds.
        #[arg(long)]
        period: u64,
        /// Grace after expiry, seconds.
        #[arg(long, default_value_t = 0)]
        grace: u64,
    },
    /// Retire one of the key's tiers: no new subscriptions; existing ones run to their end.
    Retire {
        /// Tier level.
        #[arg(long)]
        level: u32,
    },
}

/// `subscribe`.
#[derive(Args, Debug)]
pub struct SubscribeArgs {
    /// The creator (G…).
    #[arg(long)]
    pub creator: String,
    /// Tier level.
    #[arg(long)]
    pub level: u32,
    /// Whole periods to pay for.
    #[arg(long, default_value_t = 1)]
    pub periods: u32,
    /// Highest acceptable price per period, base units (default: the tier's current price).
    #[arg(long)]
    pub max_price: Option<i128>,
}

/// `allowance`.
#[derive(Args, Debug)]
pub struct AllowanceArgs {
    /// Token: a contract address, `native`, or `CODE:ISSUER`.
    #[arg(long)]
    pub token: String,
    /// The most the access contract may pull in all, base units.
    #[arg(long)]
    pub amount: i128,
    /// Ledgers the allowance lasts from now (default: 30 days of 5-second ledgers).
    #[arg(long, default_value_t = 518_400)]
    pub ledgers: u32,
}

/// `renew`.
#[derive(Args, Debug)]
pub struct RenewArgs {
    /// The fan (G…).
    #[arg(long)]
    pub fan: String,
    /// The creator (G…).
    #[arg(long)]
    pub creator: String,
    /// Whole periods to pay for.
    #[arg(long, default_value_t = 1)]
    pub periods: u32,
}

/// `keeper`.
#[derive(Args, Debug)]
pub struct KeeperArgs {
    /// The indexer whose renewal queue (`/subscriptions?due_before=`) is worked.
    #[arg(
        long,
        env = "TRIBUTARY_INDEXER_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub indexer: String,
    /// Renewals per transaction.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub batch: u32,
    /// The most one transaction may bid, inclusion plus resource fee, stroops; a batch above
    /// it is not sent (and counted as an error).
    #[arg(long)]
    pub max_fee: Option<u32>,
    /// Seconds between passes.
    #[arg(long, default_value_t = 5)]
    pub interval: u64,
    /// How far back, seconds, a renewal window may have opened and still be worked.
    #[arg(long, default_value_t = 7 * 86_400)]
    pub lookback: u64,
    /// One pass, print its report, exit.
    #[arg(long)]
    pub once: bool,
    /// One pass that lists what would be renewed or fail; nothing is sent.
    #[arg(long)]
    pub dry_run: bool,
    /// Serve Prometheus metrics at `http://<addr>/metrics` while running.
    #[arg(long)]
    pub metrics_listen: Option<std::net::SocketAddr>,
}

/// `forecast`.
#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// The creator (G…).
    #[arg(long)]
    pub creator: String,
    /// The indexer serving `/creators/{address}/forecast`.
    #[arg(
        long,
        env = "TRIBUTARY_INDEXER_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub indexer: String,
    /// Horizons, comma-separated days.
    #[arg(long, default_value = "30,60,90")]
    pub horizons: String,
    /// Monte Carlo paths.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u32,
    /// The generator's seed: the same seed and ledger give the same forecast.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write the fan chart (SVG) to this file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

/// `access …`.
#[derive(Subcommand, Debug)]
pub enum AccessCommand {
    /// Whether a fan has access to a creator at a level now.
    Check {
        /// The fan.
        #[arg(long)]
        fan: String,
        /// The creator.
        #[arg(long)]
        creator: String,
        /// The least level that grants access.
        #[arg(long, default_value_t = 0)]
        min_level: u32,
    },
}

/// `insurance …`.
#[derive(Subcommand, Debug)]
pub enum InsuranceCommand {
    /// Propose a bailout (the key is a council member).
    Propose {
        /// Asset contract to pay from.
        #[arg(long)]
        asset: String,
        /// Amount, base units.
        #[arg(long)]
        amount: i128,
        /// Who receives it.
        #[arg(long)]
        recipient: String,
        /// Why: 64 hex digits, or text (its SHA-256 is recorded).
        #[arg(long)]
        reason: String,
    },
    /// Approve a proposal as it stands now (the key is a council member).
    Approve {
        /// Proposal id.
        #[arg(long)]
        id: u64,
    },
    /// Execute a queued proposal after its timelock.
    Execute {
        /// Proposal id.
        #[arg(long)]
        id: u64,
    },
    /// Veto a pending or queued proposal (the key is a council member).
    Cancel {
        /// Proposal id.
        #[arg(long)]
        id: u64,
    },
    /// Mark a proposal whose approval lifetime or execution window has passed as expired.
    Expire {
        /// Proposal id.
        #[arg(long)]
        id: u64,
    },
    /// Propose adding an asset to the allowlist, or removing it with --remove (the key is a
    /// council member).
    ProposeAsset {
        /// Asset: a contract address, `native`, or `CODE:ISSUER`.
        #[arg(long)]
        asset: String,
        /// Remove the asset instead of adding it.
        #[arg(long)]
        remove: bool,
    },
    /// Propose replacing council member --old by --new (the key is another member).
    ProposeCouncil {
        /// The member to replace.
        #[arg(long)]
        old: String,
        /// The replacement, not yet a member.
        #[arg(long)]
        new: String,
    },
    /// Show the council, balances, and a proposal.
    Show {
        /// Proposal id.
        #[arg(long)]
        id: Option<u64>,
    },
}
