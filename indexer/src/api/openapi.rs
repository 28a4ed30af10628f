//! The OpenAPI 3.1 document served at `/openapi.json`. `tests/api.rs` GETs every described
//! `GET` path and checks it answers; `tests/webhooks*.rs` exercise the admin routes and the
//! live feed.

use serde_json::{json, Value};

fn param(name: &str, location: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": location, "required": location == "path", "description": description, "schema": schema })
}

fn page_params() -> Vec<Value> {
    vec![
        param(
            "limit",
            "query",
            "Items per page, 1–500 (default 50).",
            json!({ "type": "integer", "minimum": 1, "maximum": 500 }),
        ),
        param(
            "cursor",
            "query",
            "The previous page's next_cursor.",
            json!({ "type": "string" }),
        ),
    ]
}

fn at() -> Value {
    param(
        "at",
        "query",
        "Evaluate time-dependent values at this Unix time (default: max(wall clock, latest ledger close)).",
        json!({ "type": "integer" }),
    )
}

fn addr(name: &str, location: &str, what: &str) -> Value {
    param(
        name,
        location,
        &format!("{what}: a G… or C… strkey (SEP-23)."),
        json!({ "type": "string" }),
    )
}

fn id(what: &str) -> Value {
    param(
        "id",
        "path",
        &format!("{what} id."),
        json!({ "type": "integer", "format": "uint64" }),
    )
}

fn op(summary: &str, params: Vec<Value>, schema: &str, list: bool) -> Value {
    let item = json!({ "$ref": format!("#/components/schemas/{schema}") });
    let body = if list {
        json!({ "type": "object", "properties": { "items": { "type": "array", "items": item }, "next_cursor": { "type": ["string", "null"] } } })
    } else {
        item
    };
    json!({ "get": {
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": { "description": "OK", "content": { "application/json": { "schema": body } } },
            "400": { "$ref": "#/components/responses/BadParam" },
            "404": { "$ref": "#/components/responses/NotFound" },
        },
    }})
}

fn object(props: &[(&str, &str)]) -> Value {
    let props: serde_json::Map<String, Value> = props
        .iter()
        .map(|(k, t)| {
            let schema = match *t {
                "amount" => json!({ "type": "string", "description": "i128 base units, decimal" }),
                "address" => json!({ "type": "string", "description": "strkey" }),
                "time" => json!({ "type": "integer", "description": "Unix seconds" }),
                other => json!({ "type": other }),
            };
            ((*k).to_string(), schema)
        })
        .collect();
    json!({ "type": "object", "properties": props })
}

/// An admin operation: bearer token, 401 without it, 404 when webhooks are off or the id is
/// unknown.
fn admin(summary: &str, ok: &str, schema: &str) -> Value {
    json!({
        "summary": summary,
        "security": [{ "admin": [] }],
        "responses": {
            ok: { "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } },
            "400": { "$ref": "#/components/responses/BadParam" },
            "401": { "description": "Missing or wrong admin token" },
            "404": { "$ref": "#/components/responses/NotFound" },
        },
    })
}

/// The document.
pub fn document() -> Value {
    let mut streams = vec![
        addr("sender", "query", "Only this sender's streams"),
        addr("recipient", "query", "Only this recipient's streams"),
        param(
            "status",
            "query",
            "Status at `at`.",
            json!({ "enum": crate::query::STREAM_STATUSES }),
        ),
        at(),
    ];
    streams.extend(page_params());
    let history = |what: &str| {
        let mut p = vec![id(what)];
        p.extend(page_params());
        op(
            &format!("The {what}'s events, oldest first, decoded from XDR."),
            p,
            "Event",
            true,
        )
    };
    let mut claims = vec![addr("recipient", "query", "Paid-to address (required)")];
    claims.extend(page_params());
    let mut campaign_claims = vec![id("Campaign")];
    campaign_claims.extend(page_params());
    let mut tiers = vec![addr("addr", "path", "Creator")];
    tiers.extend(page_params());
    let forecast_params = vec![
        addr("addr", "path", "Creator"),
        param(
            "horizons",
            "query",
            "Comma-separated days, ascending, each 1–365 (default 30,60,90).",
            json!({ "type": "string" }),
        ),
        param(
            "paths",
            "query",
            "Monte Carlo paths, 100–100,000 (default 10,000).",
            json!({ "type": "integer" }),
        ),
        param(
            "seed",
            "query",
            "The generator's seed (default 0).",
            json!({ "type": "integer" }),
        ),
    ];
    let mut subs = vec![
        addr("fan", "query", "Fan"),
        addr("creator", "query", "Creator"),
        param("due_before", "query", "The renewal queue instead: subscriptions whose renewal window (from expires_at - min(period / 2, 1 day)) opens at or before this time, Unix seconds, soonest first. Not combined with fan or creator.", json!({ "type": "integer" })),
        param("due_after", "query", "With due_before: only windows opening at or after this time (default 0), Unix seconds.", json!({ "type": "integer" })),
    ];
    subs.extend(page_params());
    let mut proposals = vec![at()];
    proposals.extend(page_params());
    let error = json!({ "type": "object", "properties": {
        "error": { "type": "string" }, "parameter": { "type": "string" }, "message": { "type": "string" } } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Tributary indexer",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Projections of the Tributary contracts' events (Stellar RPC getEvents). Amounts are i128 base units as decimal strings; times Unix seconds; addresses strkeys.",
        },
        "paths": {
            "/health": { "get": { "summary": "Ingestion state and lag in ledgers and seconds (never lower than an applied ledger), the halt reason, a damaged record if a read found one, and the last RPC error with its time; 503 once ingestion has halted or damaged data was read.", "responses": { "200": { "description": "OK" }, "503": { "description": "Ingestion halted, or the database is degraded" } } } },
            "/streams": op("Streams, filtered by sender, recipient and status.", streams, "Stream", true),
            "/streams/{id}": op("One stream with status, streamed, withdrawable and refundable at `at`.", vec![id("Stream"), at()], "Stream", false),
            "/streams/{id}/history": history("stream"),
            "/campaigns/{id}": op("One claims campaign.", vec![id("Campaign")], "Campaign", false),
            "/campaigns/{id}/claims": op("A campaign's claimed and revoked entries by index.", campaign_claims, "Claim", true),
            "/campaigns/{id}/history": history("campaign"),
            "/claims": op("Claims paid to a recipient.", claims, "Claim", true),
            "/creators/{addr}/tiers": op("A creator's tiers by level.", tiers, "Tier", true),
            "/creators/{addr}/forecast": op(
                "The creator's revenue forecast at the last applied ledger, per horizon and token, net of the skim, in base units (7 decimals): streams to the creator exactly from their schedules; subscriptions by a Monte Carlo of renewals (a Beta posterior per tier from the creator's renewals and lapses) and new subscribers (a Poisson process with a log-linear trend fitted to the last 56 days), with mean, p2_5, p50, p97_5, the mean split by source, and the fitted factors per tier. Deterministic for a seed; cached per (creator, applied ledger, parameters).",
                forecast_params.clone(),
                "Forecast",
                false,
            ),
            "/creators/{addr}/forecast.svg": { "get": { "summary": "The same forecast's fan chart (SVG): the median of the cumulative revenue, its 50% and 95% bands, and the streams' exact part as its own area.", "parameters": forecast_params, "responses": { "200": { "description": "OK", "content": { "image/svg+xml": {} } }, "400": { "$ref": "#/components/responses/BadParam" } } } },
            "/subscriptions": op("Subscriptions by fan and/or creator; or, with due_before, the renewal queue a keeper works through (cursor `opens_at:fan:creator`).", subs, "Subscription", true),
            "/access/{fan}/{creator}": op(
                "has_access at `at`: level >= min_level and now < expires_at + grace.",
                vec![addr("fan", "path", "Fan"), addr("creator", "path", "Creator"), param("min_level", "query", "Level required (default 0).", json!({ "type": "integer" })), at()],
                "Access",
                false,
            ),
            "/insurance": op("The fund's skims in, bailouts out and indexed balance per asset, beside its on-chain balance (`onchain_balance`, read with getLedgerEntries when ingestion catches up) and whether they differ (`diverges`, e.g. after a direct transfer into the fund); the council epoch.", vec![], "Insurance", false),
            "/insurance/proposals": op("Proposals by id; status `expired` once the contract would report it.", proposals, "Proposal", true),
            "/insurance/proposals/{id}": op("One proposal.", vec![id("Proposal"), at()], "Proposal", false),
            "/insurance/proposals/{id}/history": history("proposal"),
            "/dead-letters": op("Events that could not be decoded or applied, with their raw XDR.", vec![], "DeadLetter", true),
            "/metrics": { "get": { "summary": "Prometheus text exposition.", "responses": { "200": { "description": "OK", "content": { "text/plain": {} } } } } },
            "/openapi.json": { "get": { "summary": "This document.", "responses": { "200": { "description": "OK" } } } },
            "/events/stream": { "get": {
                "summary": "The live feed: Server-Sent Events, one per committed event that passes the filters. SSE `id` = the event id (a getEvents cursor), `event` = its kind, `data` = the webhook body. Starts after the `Last-Event-ID` header, else after `after`, else at the newest event; resuming loses and repeats nothing. A comment every 15 s keeps it open; a client 1,024 events behind is disconnected (and may resume).",
                "parameters": [
                    param("kinds", "query", "Comma-separated kinds, `<stream|claims|access|insurance>.<event name>` (default: all).", json!({ "type": "string" })),
                    addr("party", "query", "Only events naming this address"),
                    addr("contract", "query", "Only events of this contract"),
                    param("after", "query", "Start after this event id.", json!({ "type": "string" })),
                    param("Last-Event-ID", "header", "Resume after this event id (sent by EventSource on reconnecting).", json!({ "type": "string" })),
                ],
                "responses": { "200": { "description": "An event stream", "content": { "text/event-stream": {} } }, "400": { "$ref": "#/components/responses/BadParam" } },
            } },
            "/webhooks": {
                "post": admin("Register an endpoint. Body: `url` (http/https; loopback, private and link-local addresses refused unless --webhooks-allow-private), `kinds` (default all), `party`, `contract`. The answer (201) carries the Standard Webhooks signing `secret` (`whsec_…`), shown only here.", "201", "Webhook"),
                "get": admin("Every endpoint (no secrets), with `pending` and `dead_letters` counts.", "200", "Webhook"),
            },
            "/webhooks/{id}": {
                "get": admin("One endpoint.", "200", "Webhook"),
                "delete": admin("Delete an endpoint with its outbox and dead letters.", "204", "Webhook"),
            },
            "/webhooks/{id}/enable": { "post": admin("Resume an endpoint disabled for failing; delivery restarts at its oldest waiting message.", "200", "Webhook") },
            "/webhooks/{id}/dead-letters": { "get": admin("Messages whose retries ran out: event id, `webhook-id`, kind, attempts, last error.", "200", "WebhookDeadLetter") },
            "/webhooks/{id}/dead-letters/replay": { "post": admin("Move every dead letter back to the outbox with a fresh schedule (same `webhook-id`s). Answers `{\"replayed\": n}`.", "200", "Webhook") },
            "/admin/backup": { "post": { "summary": "From loopback only: write a consistent copy of the database and its .sha256 into the backup directory (what `indexer backup` calls while the service runs). Body `{\"path\": <absolute file>, \"db\": <this instance's database>}`.", "responses": { "200": { "description": "Written" }, "400": { "$ref": "#/components/responses/BadParam" }, "403": { "description": "Not from loopback" } } } },
        },
        "components": {
            "responses": {
                "BadParam": { "description": "A malformed parameter, named in the body.", "content": { "application/json": { "schema": error } } },
                "NotFound": { "description": "Unknown id.", "content": { "application/json": { "schema": error } } },
            },
            "schemas": {
                "Stream": object(&[("id", "integer"), ("sender", "address"), ("recipient", "address"), ("token", "address"), ("deposit", "amount"), ("start", "time"), ("cliff", "time"), ("end", "time"), ("cancelable", "boolean"), ("transferable", "boolean"), ("canceled", "boolean"), ("withdrawn", "amount"), ("refunded", "amount"), ("created_ledger", "integer"), ("status", "string"), ("streamed", "amount"), ("withdrawable", "amount"), ("refundable", "amount"), ("as_of", "time")]),
                "Campaign": object(&[("id", "integer"), ("funder", "address"), ("token", "address"), ("root", "string"), ("total", "amount"), ("count", "integer"), ("start", "time"), ("expiry", "time"), ("approver", "address"), ("status", "string"), ("remaining", "amount"), ("claimed", "amount"), ("claims", "integer"), ("revoked", "integer"), ("created_ledger", "integer")]),
                "Claim": object(&[("campaign", "integer"), ("index", "integer"), ("status", "string"), ("claimant", "object"), ("to", "address"), ("amount", "amount"), ("net", "amount"), ("ledger", "integer")]),
                "Tier": object(&[("creator", "address"), ("level", "integer"), ("token", "address"), ("price", "amount"), ("period", "integer"), ("grace", "integer"), ("version", "integer"), ("retired", "boolean")]),
                "Forecast": object(&[("now", "time"), ("paths", "integer"), ("seed", "integer"), ("horizons", "array"), ("factors", "array"), ("subscribers", "integer"), ("streams", "integer")]),
                "Subscription": object(&[("fan", "address"), ("creator", "address"), ("level", "integer"), ("token", "address"), ("price", "amount"), ("period", "integer"), ("grace", "integer"), ("version", "integer"), ("expires_at", "time"), ("paid", "amount")]),
                "Access": object(&[("fan", "address"), ("creator", "address"), ("min_level", "integer"), ("has_access", "boolean"), ("subscription", "object"), ("as_of", "time")]),
                "Insurance": object(&[("assets", "array"), ("epoch", "integer"), ("onchain", "object")]),
                "Proposal": object(&[("id", "integer"), ("kind", "string"), ("action", "object"), ("proposer", "address"), ("created_at", "time"), ("epoch", "integer"), ("approvers", "array"), ("status", "string"), ("eta", "time")]),
                "Event": object(&[("id", "string"), ("ledger", "integer"), ("ledger_closed_at", "string"), ("tx_hash", "string"), ("contract_id", "address"), ("event", "string"), ("topics", "array"), ("data", "object")]),
                "DeadLetter": object(&[("id", "string"), ("error", "string"), ("event", "object")]),
                "Webhook": object(&[("id", "integer"), ("url", "string"), ("filter", "object"), ("created_at", "time"), ("disabled", "string"), ("pending", "integer"), ("dead_letters", "integer"), ("secret", "string")]),
                "WebhookDeadLetter": object(&[("event_id", "string"), ("message_id", "string"), ("kind", "string"), ("attempts", "integer"), ("enqueued_at_ms", "integer"), ("died_at_ms", "integer"), ("last_error", "string")]),
            },
            "securitySchemes": {
                "admin": { "type": "http", "scheme": "bearer", "description": "The admin token (--admin-token-file or INDEXER_ADMIN_TOKEN)." },
            },
        },
    })
}
