-- The main sections of `smtplog report` as ClickHouse SQL over the tables of
-- clickhouse/schema.sql, for ClickHouse 18.16 and later. FINAL reads each
-- key once even before ClickHouse has merged the duplicates of a second
-- delivery away. Each query follows a comment that names it ("-- totals:").
-- Add `AND ts >= '2026-11-23 00:00:00' AND ts < ...` (UTC)
-- for a period, and `AND host = '...'` for one host, to each WHERE.
-- make test-clickhouse checks each query against smtplog's own report.
-- SPDX-License-Identifier: MIT

-- totals: the report's "Totals" section (report JSON: totals)
SELECT
    (SELECT count() FROM smtplog.messages FINAL
      WHERE arrived = 1 AND isNull(origin_key)) AS received,
    countIf(kind IN ('delivered', 'forwarded') AND handoff = 0) AS delivered,
    countIf(kind = 'forwarded' AND handoff = 0) AS forwarded,
    countIf(kind = 'deferred') AS deferred,
    uniqExactIf(assumeNotNull(message_key), kind = 'deferred' AND isNotNull(message_key))
        AS deferred_messages,
    countIf(kind = 'bounced') AS bounced,
    uniqExactIf(assumeNotNull(message_key), kind = 'bounced' AND isNotNull(message_key))
        AS bounced_messages,
    countIf(kind = 'expired') AS expired,
    countIf(kind = 'rejected') AS rejected,
    countIf(kind = 'rejected' AND (ifNull(intDiv(smtp_code, 100) = 4, 0)
            OR (isNull(smtp_code) AND ifNull(class = 'transient', 0)))) AS rejected_4xx,
    countIf(kind = 'probe') AS probes,
    countIf(kind = 'policy') AS policy,
    (SELECT count() FROM smtplog.messages FINAL
      WHERE origin = 'notification') AS notifications
FROM smtplog.events FINAL
FORMAT Vertical;

-- transient: temporary failures by reply code, enhanced code and reason
SELECT smtp_code, enhanced_code, reason, count() AS events,
       ifNull(uniqExact(message_key), 0) AS messages
FROM smtplog.events FINAL
WHERE kind IN ('deferred', 'bounced', 'expired', 'policy') AND class = 'transient'
GROUP BY smtp_code, enhanced_code, reason
ORDER BY events DESC, smtp_code, enhanced_code, reason;

-- permanent: permanent failures (bounces, expiries) by code and reason
SELECT smtp_code, enhanced_code, reason, count() AS events,
       ifNull(uniqExact(message_key), 0) AS messages
FROM smtplog.events FINAL
WHERE kind IN ('deferred', 'bounced', 'expired', 'policy') AND class = 'permanent'
GROUP BY smtp_code, enhanced_code, reason
ORDER BY events DESC, smtp_code, enhanced_code, reason;

-- rejected: what this server refused, by code and reason, with distinct clients
-- (a reject that names no client, as Sendmail's "<addr>... User unknown",
-- counts under its message's client, as smtplog's report does)
SELECT smtp_code, enhanced_code, reason, count() AS events,
       ifNull(uniqExact(if(isNull(remote_ip) AND isNull(remote_host),
                           ifNull(m_client_ip, m_client_host),
                           ifNull(remote_ip, remote_host))), 0) AS clients
FROM (SELECT smtp_code, enhanced_code, reason, remote_ip, remote_host, message_key
      FROM smtplog.events FINAL WHERE kind = 'rejected') AS e
ANY LEFT JOIN (SELECT key AS message_key, client_ip AS m_client_ip, client_host AS m_client_host
               FROM smtplog.messages FINAL) AS m USING message_key
GROUP BY smtp_code, enhanced_code, reason
ORDER BY events DESC, smtp_code, enhanced_code, reason;

-- domains: the top deferring domains (the view v_top_deferring_domains)
SELECT recipient_domain, count() AS deferrals, uniqExact(message_key) AS messages
FROM smtplog.events FINAL
WHERE kind = 'deferred'
GROUP BY recipient_domain
ORDER BY deferrals DESC, recipient_domain
LIMIT 10;

-- daily: per host and UTC day (the view v_daily_summary, split by host)
SELECT toDate(ts) AS date, host,
       countIf(kind IN ('delivered', 'forwarded') AND handoff = 0) AS delivered,
       countIf(kind = 'deferred') AS deferred,
       countIf(kind = 'bounced') AS bounced,
       countIf(kind = 'rejected') AS rejected
FROM smtplog.events FINAL
GROUP BY date, host
ORDER BY date, host;

-- titles: permanent failures with the knowledge base's title of their enhanced code
SELECT enhanced_code, title, events
FROM
(
    SELECT ifNull(enhanced_code, '') AS enhanced_code, count() AS events
    FROM smtplog.events FINAL
    WHERE class = 'permanent'
    GROUP BY enhanced_code
)
ANY LEFT JOIN
(
    SELECT code AS enhanced_code, title FROM smtplog.codes FINAL WHERE lang = 'en'
) USING enhanced_code
ORDER BY events DESC, enhanced_code;
