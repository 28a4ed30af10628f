//! The README's wallet integration: create a stream, then withdraw from it. Reads `RPC_URL`,
//! `SENDER_SECRET`, `RECIPIENT_SECRET`, `STREAM_CONTRACT` and `TOKEN_CONTRACT`.
use tributary_sdk::{generated::stream::StreamContract, ids::random_salt, Client, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let sender = Signer::from_secret(&env("SENDER_SECRET")?)?;
    let recipient = Signer::from_secret(&env("RECIPIENT_SECRET")?)?;
    let (rpc_url, stream_contract, token) = (
        env("RPC_URL")?,
        env("STREAM_CONTRACT")?,
        env("TOKEN_CONTRACT")?,
    );
    stream_and_withdraw(&rpc_url, &sender, &recipient, &stream_contract, &token).await?;
    Ok(())
}

// Verbatim in sdk/README.md (a test checks): keep the layout.
#[rustfmt::skip]
pub async fn stream_and_withdraw(rpc_url: &str, sender: &Signer, recipient: &Signer,
                             stream_contract: &str, token: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let client = Client::connect(rpc_url, "Standalone Network ; February 2017").await?;
    let streams = StreamContract::new(stream_contract.parse()?);
    let now = client.ledger_time().await?; // the clock the contract checks `end` against

    // 100 XLM (in stroops) vesting linearly over an hour, cancelable, not transferable.
    let create = streams.create_stream(&sender.address(), random_salt(), &recipient.address(), &token.parse()?,
                                       1_000_000_000, now, now, now + 3_600, true, false);
    let id = client.invoke(sender, &create, &[]).await?.value;

    // Later, the recipient takes what has vested; 1% of it goes to the insurance fund.
    let paid = client.invoke(recipient, &streams.withdraw_max(id, &recipient.address()), &[]).await?;
    println!("stream {id}: received {} stroops (tx {})", paid.value, paid.hash);
    Ok(id)
}
