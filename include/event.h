/* event: what a recognizer extracts from one log line. Plain data, no code:
 * every text field is a span into the line being parsed (or into the
 * logline's scratch buffer, or recog.h's static action words), valid until
 * the next line is read. */
#ifndef SMTPLOG_EVENT_H
#define SMTPLOG_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include "util.h"
#include "util_time.h"

enum ev_mta { EV_MTA_UNKNOWN = 0, EV_MTA_POSTFIX, EV_MTA_EXIM, EV_MTA_SENDMAIL };

enum ev_kind {
	EV_NONE = 0,         /* recognized MTA line that carries no event (connect, TLS, anvil...) */
	/* ---- rows of `events` (keep in step with store's kind names) */
	EV_DELIVERED,        /* accepted by the next hop or delivered locally */
	EV_DEFERRED,         /* transient failure, will be retried */
	EV_BOUNCED,          /* permanent failure, a bounce is (or would be) sent */
	EV_EXPIRED,          /* gave up after the queue lifetime */
	EV_REJECTED,         /* our server refused (4xx or 5xx) at SMTP time or in cleanup */
	EV_FORWARDED,        /* accepted with 251, or forwarded by local delivery (.forward) */
	EV_PROBE,            /* address-verification result: never a delivery */
	EV_POLICY,           /* a policy action that neither rejects nor delivers:
	                        warn, hold, discard, filter, redirect */
	/* ---- message lifecycle: update `messages`, never rows of `events` */
	EV_MSG_ARRIVAL,      /* a message enters: smtpd client=, pickup uid=, Exim <= */
	EV_MSG_HEADER_ID,    /* the Message-ID header (cleanup message-id=) */
	EV_MSG_QUEUED,       /* envelope: from=, size=, nrcpt= (qmgr) */
	EV_MSG_REMOVED,      /* the queue file is gone: the message is finished */
	EV_MSG_NOTIFY,       /* a notification about this message was queued as new_qid
	                        (Postfix bounce "sender non-delivery notification: NEWID") */
	/* ---- daemon health: rows of `health` (store_health.c), never of `events` */
	EV_HEALTH,           /* an MTA warning, error, fatal error or panic, a SASL or TLS
	                        failure, a postscreen verdict: event.health names which */
	EV_KIND_COUNT
};

/* Status classes, following what the MTA did, not the reply's first digit. */
enum ev_class { EV_CLASS_NONE = 0, EV_CLASS_SUCCESS, EV_CLASS_TRANSIENT, EV_CLASS_PERMANENT };

/* "x.yyy.zzz" + NUL; RFC 3463 allows 1-3 digits per sub-code. */
#define EV_DSN_SIZE sizeof("5.123.456")

struct event {
	enum ev_mta mta;
	enum ev_kind kind;
	enum ev_class class;
	const char *pattern_id;     /* the pattern that matched (static storage) */

	struct sl_span queue_id;    /* empty outside a queue (NOQUEUE rejects) */
	struct sl_span sender;
	struct sl_span recipient;
	struct sl_span orig_recipient;
	struct sl_span remote_host; /* the relay we delivered to, or the client we rejected */
	struct sl_span remote_ip;
	struct sl_span helo;
	struct sl_span relay;       /* the raw relay= value: "mx.example.net[192.0.2.1]:25", "local", "none" */
	struct sl_span reply;       /* the reply or status text */
	struct sl_span status;      /* raw status word: sent, deferred, bounced, deliverable, ... */
	struct sl_span action;      /* raw policy action word: reject, defer, warn, hold, ... */
	struct sl_span header_msgid;/* Message-ID header value, without <> */
	struct sl_span new_queue_id;/* "queued as X", "forwarded as X", notification id */
	struct sl_span forward_to;  /* the address a 251/551 reply names */
	struct sl_span protocol;    /* proto=ESMTP, P=esmtps */

	int smtp_code;              /* 0 when the line has none */
	char enhanced_code[EV_DSN_SIZE]; /* "" when none */
	int64_t size;               /* -1 when unknown */
	int nrcpt;                  /* -1 when unknown */
	double delay;               /* seconds, -1 when unknown */
	bool recipient_list;        /* recipient holds "<a>,<b>,...": one event per address */
	bool more_recipients;       /* not the last address of its line's list (set by ingest) */
	struct sl_span origin_queue_id; /* on an arrival: the message this one notifies about
	                               (Exim "<= <> R=ID"), linked as its notification */
	const char *health;         /* EV_HEALTH: "warning", "error", "fatal", "panic", "sasl",
	                               "tls" or "postscreen" (static storage) */
	bool envelope_split;        /* EV_MSG_NOTIFY: new_queue_id is not a notice but the
	                               message's envelope split off, with sender the owner
	                               it names (Sendmail "clone: owner="): a copy for other
	                               recipients, linked as a forward */
	bool failure_notice;        /* a bounce/expiry announced by a notice (Sendmail "DSN:"):
	                               it counts only if no permanent failure of the message
	                               was logged, and only once */
};

void event_clear(struct event *ev);  /* in recog.c: zero spans, codes; size/nrcpt/delay = -1 */

#endif
