// @tributary/sdk: typed clients of Tributary's four contracts (generated from their specs by
// `scripts/gen-sdk`), the protocol's rules off-chain (the same as the Rust SDK's, held together
// by shared test vectors), typed errors and the `Tributary` facade.
export * as access from "./generated/access.js";
export * as claims from "./generated/claims.js";
export * as insurance from "./generated/insurance.js";
export * as stream from "./generated/stream.js";

export { hasAccess, renewalDue, renewalOpensAt, RENEWAL_LEAD } from "./access.js";
export { concat, fromHex, toHex } from "./bytes.js";
export { CLAIM_DOMAIN, claimMessage, signClaim } from "./claim_key.js";
export { ClaimLinkError, claimLinkKey, claimLinkUrl, parseClaimLink, signClaimLink, type ClaimLink } from "./claim_link.js";
export { TributaryError, WrongNetworkError, type ContractErrorName, type ContractName } from "./errors.js";
export { CAMPAIGN_ID_DOMAIN, campaignId, deriveId, randomSalt, STREAM_ID_DOMAIN, streamId } from "./ids.js";
export { proposalHash, TIMELOCK_SECONDS } from "./insurance.js";
export { CampaignError, CampaignTree, entryXdr, leaf, node, parseClaimant, verify, type Entry } from "./merkle.js";
export { BPS, netOf, SKIM_BPS, skimDue, skimOf } from "./skim.js";
export { refundable, status, streamed, vestedAt, withdrawable } from "./stream_math.js";
export { Tributary, type ConnectOptions, type Deployment, type NewStream, type Signer, type TributaryEvent } from "./tributary.js";
