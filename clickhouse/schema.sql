-- smtplog's central store in ClickHouse (see clickhouse/README.md).
-- Written for ClickHouse 18.16 (Debian 12) and later: no LowCardinality,
-- no DateTime64, no JOIN ... ON. Rows come from `smtplog export --format
-- jsonl` (docs/export.md, version 1) through smtplog.ingest, whose
-- materialized views route each row by its `type`. Tables de-duplicate on
-- the export's `key`: an export delivered twice counts once (after a merge,
-- or at once with FINAL).
-- SPDX-License-Identifier: MIT

CREATE DATABASE IF NOT EXISTS smtplog;

-- The landing table: keeps nothing (Null engine); every export field.
CREATE TABLE IF NOT EXISTS smtplog.ingest (
    v UInt8,
    type String,
    key String,
    ts DateTime,
    host String,
    mta String,
    program Nullable(String),
    instance Nullable(String),
    queue_id Nullable(String),
    message_key Nullable(String),
    kind String,
    class Nullable(String),
    sender Nullable(String),
    sender_domain Nullable(String),
    recipient Nullable(String),
    recipient_domain Nullable(String),
    orig_recipient Nullable(String),
    remote_host Nullable(String),
    remote_ip Nullable(String),
    helo Nullable(String),
    relay Nullable(String),
    smtp_code Nullable(UInt16),
    enhanced_code Nullable(String),
    reply Nullable(String),
    reason Nullable(String),
    forward_to Nullable(String),
    status Nullable(String),
    action Nullable(String),
    delay Nullable(Float64),
    handoff UInt8,
    size Nullable(UInt64),
    nrcpt Nullable(UInt32),
    header_message_id Nullable(String),
    client_host Nullable(String),
    client_ip Nullable(String),
    protocol Nullable(String),
    first_ts Nullable(DateTime),
    last_ts DateTime,
    arrived UInt8,
    complete UInt8,
    origin_key Nullable(String),
    origin Nullable(String),
    source String,
    file Nullable(String),
    line Nullable(UInt64),
    offset UInt64,
    seq UInt32,
    pattern Nullable(String)
) ENGINE = Null;

-- One row per delivery-level event (docs/schema.md, `events`).
CREATE TABLE IF NOT EXISTS smtplog.events (
    key String,
    ts DateTime,
    host String,
    mta String,
    program Nullable(String),
    instance Nullable(String),
    queue_id Nullable(String),
    message_key Nullable(String),
    kind String,
    class Nullable(String),
    sender Nullable(String),
    recipient Nullable(String),
    recipient_domain Nullable(String),
    orig_recipient Nullable(String),
    remote_host Nullable(String),
    remote_ip Nullable(String),
    helo Nullable(String),
    relay Nullable(String),
    smtp_code Nullable(UInt16),
    enhanced_code Nullable(String),
    reply Nullable(String),
    reason Nullable(String),
    forward_to Nullable(String),
    status Nullable(String),
    action Nullable(String),
    delay Nullable(Float64),
    handoff UInt8,
    source String,
    file Nullable(String),
    line Nullable(UInt64),
    offset UInt64,
    seq UInt32,
    pattern Nullable(String)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (host, ts, key);

-- One row per message (docs/schema.md, `messages`). A message exported
-- while open is exported again later: the row with the latest last_ts wins.
CREATE TABLE IF NOT EXISTS smtplog.messages (
    key String,
    ts DateTime,
    host String,
    mta String,
    queue_id Nullable(String),
    sender Nullable(String),
    sender_domain Nullable(String),
    size Nullable(UInt64),
    nrcpt Nullable(UInt32),
    header_message_id Nullable(String),
    client_host Nullable(String),
    client_ip Nullable(String),
    helo Nullable(String),
    protocol Nullable(String),
    first_ts Nullable(DateTime),
    last_ts DateTime,
    arrived UInt8,
    complete UInt8,
    origin_key Nullable(String),
    origin Nullable(String),
    source String,
    offset UInt64
) ENGINE = ReplacingMergeTree(last_ts)
PARTITION BY toYYYYMM(ts)
ORDER BY (host, ts, key);

CREATE MATERIALIZED VIEW IF NOT EXISTS smtplog.ingest_events TO smtplog.events AS
SELECT key, ts, host, mta, program, instance, queue_id, message_key, kind, class, sender,
       recipient, recipient_domain, orig_recipient, remote_host, remote_ip, helo, relay,
       smtp_code, enhanced_code, reply, reason, forward_to, status, action, delay, handoff,
       source, file, line, offset, seq, pattern
FROM smtplog.ingest WHERE type = 'event';

CREATE MATERIALIZED VIEW IF NOT EXISTS smtplog.ingest_messages TO smtplog.messages AS
SELECT key, ts, host, mta, queue_id, sender, sender_domain, size, nrcpt, header_message_id,
       client_host, client_ip, helo, protocol, first_ts, last_ts, arrived, complete,
       origin_key, origin, source, offset
FROM smtplog.ingest WHERE type = 'message';

-- The code knowledge base (docs/knowledge.md), loaded from an smtplog
-- database (README.md here): one row per code and language.
CREATE TABLE IF NOT EXISTS smtplog.codes (
    code String,
    lang String,
    class UInt8,
    title Nullable(String),
    description Nullable(String),
    when_seen Nullable(String),
    fix_sender Nullable(String),
    fix_admin Nullable(String)
) ENGINE = ReplacingMergeTree
ORDER BY (code, lang);

CREATE TABLE IF NOT EXISTS smtplog.reasons (
    id String,
    lang String,
    title Nullable(String),
    diagnosis Nullable(String),
    remedy Nullable(String)
) ENGINE = ReplacingMergeTree
ORDER BY (id, lang);
