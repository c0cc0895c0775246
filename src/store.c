/* store: the SQLite database behind smtplog. Creates the schema (documented
 * in docs/schema.md), implements correlate's sink with statements prepared
 * once and rebound, and batches rows into transactions that also carry
 * each source's progress. It does not parse, correlate or report.
 * SPDX-License-Identifier: MIT */
#include "store.h"
#include "store_health.h"
#include "store_summary.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_PAGE_SIZE "16384"  /* bytes per page of a new database */
#define STORE_STMT_JOURNAL (4 << 20)   /* bytes of a statement journal kept in memory */
#define STORE_WAL_CHECKPOINT (64 << 20)  /* bytes of WAL folded into the file during a load */
#define STORE_CACHE_KIB "-4096"   /* page cache of each connection (negative: KiB) */
#ifndef STORE_APPEND_CACHE_KIB
#define STORE_APPEND_CACHE_KIB "-16384"
#endif
/* Commit on our own after this many rows when the caller checkpoints less
 * often: bounds the WAL and the work lost to a crash. */
#define STORE_BATCH_ROWS 50000
#define STORE_DEFAULT_ADOPT_WINDOW (7 * 24 * 3600)
#define SQL_NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* ---- schema: keep in step with docs/schema.md. The CHECKs spell out OR
 * chains because `x IN (...)` builds an ephemeral table on every INSERT,
 * which cost a fifth of the insert time. Ids of events and messages are
 * store_key()s: no UNIQUE index is needed for idempotency. */

#define SCHEMA_SOURCES \
	"CREATE TABLE sources (\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  path TEXT,\n" \
	"  fingerprint TEXT,\n" \
	"  fingerprint_len INTEGER,\n" \
	"  dev INTEGER,\n" \
	"  inode INTEGER,\n" \
	"  size INTEGER,\n" \
	"  compressed INTEGER,\n" \
	"  bytes INTEGER,\n" \
	"  lines INTEGER,\n" \
	"  recognized INTEGER,\n" \
	"  unrecognized INTEGER,\n" \
	"  foreign_lines INTEGER,\n" \
	"  truncated INTEGER,\n" \
	"  first_ts TEXT,\n" \
	"  last_ts TEXT,\n" \
	"  added_at TEXT,\n" \
	"  updated_at TEXT,\n" \
	"  key_fingerprint TEXT\n" \
	");\n" \
	"CREATE INDEX sources_fingerprint ON sources(fingerprint);\n"

#define SCHEMA_MESSAGES \
	"CREATE TABLE messages (\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  host TEXT,\n" \
	"  mta TEXT,\n" \
	"  queue_id TEXT,\n" \
	"  sender TEXT,\n" \
	"  sender_domain TEXT,\n" \
	"  size INTEGER,\n" \
	"  nrcpt INTEGER,\n" \
	"  header_message_id TEXT,\n" \
	"  client_host TEXT,\n" \
	"  client_ip TEXT,\n" \
	"  helo TEXT,\n" \
	"  protocol TEXT,\n" \
	"  first_ts TEXT,\n" \
	"  last_ts TEXT,\n" \
	"  arrived INTEGER NOT NULL DEFAULT 0,\n" \
	"  complete INTEGER NOT NULL DEFAULT 0,\n" \
	"  origin_id INTEGER REFERENCES messages(id),\n" \
	"  origin TEXT CHECK(origin = 'content-filter' OR origin = 'forward'\n" \
	"                    OR origin = 'notification'),\n" \
	"  source_id INTEGER,\n" \
	"  first_offset INTEGER\n" \
	");\n"

#define SCHEMA_CONTINUATIONS \
	"CREATE TABLE message_continuations (\n" \
	"  source_id INTEGER,\n" \
	"  first_offset INTEGER,\n" \
	"  message_id INTEGER REFERENCES messages(id),\n" \
	"  PRIMARY KEY(source_id, first_offset)\n" \
	") WITHOUT ROWID;\n"

#define SCHEMA_EVENTS \
	"CREATE TABLE events (\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  ts TEXT,\n" \
	"  host TEXT,\n" \
	"  mta TEXT,\n" \
	"  program TEXT,\n" \
	"  instance TEXT,\n" \
	"  queue_id TEXT,\n" \
	"  message_id INTEGER REFERENCES messages(id),\n" \
	"  kind TEXT CHECK(kind = 'delivered' OR kind = 'deferred' OR kind = 'bounced'\n" \
	"                  OR kind = 'expired' OR kind = 'rejected' OR kind = 'forwarded'\n" \
	"                  OR kind = 'probe' OR kind = 'policy'),\n" \
	"  sender TEXT,\n" \
	"  recipient TEXT,\n" \
	"  recipient_domain TEXT,\n" \
	"  orig_recipient TEXT,\n" \
	"  remote_host TEXT,\n" \
	"  remote_ip TEXT,\n" \
	"  helo TEXT,\n" \
	"  relay TEXT,\n" \
	"  smtp_code INTEGER,\n" \
	"  enhanced_code TEXT,\n" \
	"  class TEXT CHECK(class = 'success' OR class = 'transient' OR class = 'permanent'),\n" \
	"  reply TEXT,\n" \
	"  reason TEXT,\n" \
	"  forward_to TEXT,\n" \
	"  status TEXT,\n" \
	"  action TEXT,\n" \
	"  delay REAL,\n" \
	"  handoff INTEGER NOT NULL DEFAULT 0,\n" \
	"  pattern TEXT,\n" \
	"  source_id INTEGER,\n" \
	"  file TEXT,\n" \
	"  line INTEGER,\n" \
	"  offset INTEGER,\n" \
	"  seq INTEGER\n" \
	");\n"

/* The correlator's state at the last resume point (correlate_save): the
 * messages still open where the input ended, with what their later lines
 * need, for the next run to continue. One row, replaced in the
 * transaction that records how far each source was read. */
#define SCHEMA_STATE \
	"CREATE TABLE correlate_state (\n" \
	"  id INTEGER PRIMARY KEY CHECK(id = 1),\n" \
	"  open_messages INTEGER,\n" \
	"  saved_at TEXT,\n" \
	"  state BLOB\n" \
	");\n"

#define SCHEMA_UNRECOGNIZED \
	"CREATE TABLE unrecognized (\n" \
	"  source_id INTEGER,\n" \
	"  program TEXT,\n" \
	"  reason TEXT,\n" \
	"  count INTEGER,\n" \
	"  sample1 TEXT,\n" \
	"  sample2 TEXT,\n" \
	"  sample3 TEXT,\n" \
	"  PRIMARY KEY(source_id, program, reason)\n" \
	");\n"

/* Indexes for queries. A load into empty tables drops them and builds them
 * at the end (store_end_load), which is cheaper than keeping them up to
 * date row by row; any other write makes sure they exist. The report's come
 * first, so the others can be built while the report runs. */
#define SCHEMA_INDEXES_REPORT \
	"CREATE INDEX IF NOT EXISTS events_kind_ts ON events(kind, ts);\n" \
	"CREATE INDEX IF NOT EXISTS events_message ON events(message_id);\n"
#define SCHEMA_INDEXES_OTHER \
	"CREATE INDEX IF NOT EXISTS events_ts ON events(ts);\n" \
	"CREATE INDEX IF NOT EXISTS events_recipient_domain ON events(recipient_domain);\n" \
	"CREATE INDEX IF NOT EXISTS messages_host_queue ON messages(host, queue_id);\n"
#define SCHEMA_INDEXES SCHEMA_INDEXES_REPORT SCHEMA_INDEXES_OTHER
#define SCHEMA_DROP_INDEXES \
	"DROP INDEX IF EXISTS events_ts; DROP INDEX IF EXISTS events_kind_ts;\n" \
	"DROP INDEX IF EXISTS events_message; DROP INDEX IF EXISTS events_recipient_domain;\n" \
	"DROP INDEX IF EXISTS messages_host_queue;\n"
/* Kept during a load, partial and small: adoption looks up unfinished
 * messages; the report subtracts hand-offs to content filters, lists 251
 * and 551 replies and follows copies (.forward, notifications). Building
 * them afterwards would cost a scan of the table each. */
#define SCHEMA_UNFINISHED \
	"CREATE INDEX IF NOT EXISTS messages_unfinished ON messages(host, queue_id)" \
	" WHERE complete = 0;\n" \
	"CREATE INDEX IF NOT EXISTS messages_copies ON messages(origin, first_ts)" \
	" WHERE origin IS NOT NULL;\n" \
	"CREATE INDEX IF NOT EXISTS events_handoff ON events(kind) WHERE handoff <> 0;\n" \
	"CREATE INDEX IF NOT EXISTS events_forwarding ON events(smtp_code)" \
	" WHERE smtp_code IN (251, 551);\n"

#define SCHEMA_VIEWS \
	"CREATE VIEW v_deliveries AS\n" \
	"  SELECT * FROM events WHERE kind IN ('delivered','forwarded') AND handoff = 0;\n" \
	"CREATE VIEW v_failures_transient AS\n" \
	"  SELECT * FROM events WHERE class = 'transient';\n" \
	"CREATE VIEW v_failures_permanent AS\n" \
	"  SELECT * FROM events WHERE class = 'permanent';\n" \
	"CREATE VIEW v_rejections AS\n" \
	"  SELECT * FROM events WHERE kind = 'rejected';\n" \
	"CREATE VIEW v_forwarding AS\n" \
	"  SELECT * FROM events WHERE kind = 'forwarded' OR smtp_code IN (251, 551);\n" \
	"CREATE VIEW v_daily_summary AS\n" \
	"  SELECT date, sum(received) AS received, sum(delivered) AS delivered,\n" \
	"         sum(deferred) AS deferred, sum(bounced) AS bounced, sum(expired) AS expired,\n" \
	"         sum(rejected) AS rejected, sum(forwarded) AS forwarded\n" \
	"  FROM (SELECT substr(first_ts, 1, 10) AS date, 1 AS received, 0 AS delivered,\n" \
	"               0 AS deferred, 0 AS bounced, 0 AS expired, 0 AS rejected, 0 AS forwarded\n" \
	"        FROM messages WHERE arrived = 1 AND origin_id IS NULL\n" \
	"        UNION ALL\n" \
	"        SELECT substr(ts, 1, 10), 0,\n" \
	"               kind IN ('delivered','forwarded') AND handoff = 0,\n" \
	"               kind = 'deferred', kind = 'bounced', kind = 'expired',\n" \
	"               kind = 'rejected', kind = 'forwarded' AND handoff = 0\n" \
	"        FROM events)\n" \
	"  GROUP BY date ORDER BY date;\n" \
	"CREATE VIEW v_top_deferring_domains AS\n" \
	"  SELECT recipient_domain, count(*) AS deferrals,\n" \
	"         count(DISTINCT message_id) AS messages\n" \
	"  FROM events WHERE kind = 'deferred'\n" \
	"  GROUP BY recipient_domain ORDER BY deferrals DESC, recipient_domain;\n"

static const char schema_sql[] =
	SCHEMA_SOURCES SCHEMA_MESSAGES SCHEMA_CONTINUATIONS SCHEMA_EVENTS SCHEMA_UNRECOGNIZED
	SCHEMA_STATE STORE_HEALTH_SCHEMA SCHEMA_INDEXES SCHEMA_UNFINISHED SCHEMA_VIEWS
	STORE_SUMMARY_TABLES;

/* 1 -> 2: ids of events and messages become store_key()s, the UNIQUE
 * indexes they replace go. Old tables are renamed aside (legacy_alter_table
 * is on: nothing else is rewritten), copied with the new ids, and dropped;
 * the references to messages follow through msg_map. A row without a
 * position keeps its id, which is below any key. */
#define MIGRATE_2_KEY(src, off) \
	"CASE WHEN " src " > 0 AND " src " <= 1048575 AND " off " >= 0" \
	" AND " off " < 8796093022208 THEN (" src " << 43) + " off " END"
static const char migrate_2[] =
	"DROP VIEW v_deliveries; DROP VIEW v_failures_transient; DROP VIEW v_failures_permanent;\n"
	"DROP VIEW v_rejections; DROP VIEW v_forwarding; DROP VIEW v_daily_summary;\n"
	"DROP VIEW v_top_deferring_domains;\n"
	"DROP INDEX events_ts; DROP INDEX events_kind_ts; DROP INDEX events_message;\n"
	"DROP INDEX events_recipient_domain; DROP INDEX messages_host_queue;\n"
	"ALTER TABLE events RENAME TO events_v1;\n"
	"ALTER TABLE messages RENAME TO messages_v1;\n"
	SCHEMA_MESSAGES SCHEMA_EVENTS
	"CREATE TEMP TABLE msg_map(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);\n"
	"INSERT INTO msg_map SELECT id, coalesce(" MIGRATE_2_KEY("source_id", "first_offset")
	", id) FROM messages_v1;\n"
	"INSERT INTO messages SELECT m.new, host, mta, queue_id, sender, sender_domain, size,"
	" nrcpt, header_message_id, client_host, client_ip, helo, protocol, first_ts, last_ts,"
	" arrived, complete, coalesce((SELECT new FROM msg_map WHERE old = v.origin_id),"
	" v.origin_id), origin, source_id, first_offset"
	" FROM messages_v1 v JOIN msg_map m ON m.old = v.id;\n"
	"INSERT INTO events SELECT coalesce(" MIGRATE_2_KEY("source_id", "offset + seq") ", id),"
	" ts, host, mta, program, instance, queue_id,"
	" coalesce((SELECT new FROM msg_map WHERE old = message_id), message_id), kind, sender,"
	" recipient, recipient_domain, orig_recipient, remote_host, remote_ip, helo, relay,"
	" smtp_code, enhanced_code, class, reply, reason, forward_to, status, action, delay,"
	" handoff, pattern, source_id, file, line, offset, seq FROM events_v1;\n"
	"UPDATE message_continuations SET message_id ="
	" coalesce((SELECT new FROM msg_map WHERE old = message_id), message_id);\n"
	"DROP TABLE events_v1; DROP TABLE messages_v1; DROP TABLE temp.msg_map;\n"
	SCHEMA_INDEXES SCHEMA_UNFINISHED SCHEMA_VIEWS;

/* 2 -> 3: sources.key_fingerprint, the fingerprint a source was first
 * read with (the fingerprint column follows a file that grows), for the
 * export's de-duplication key and merge. */
static const char migrate_3[] =
	"ALTER TABLE sources ADD COLUMN key_fingerprint TEXT;\n"
	"UPDATE sources SET key_fingerprint = fingerprint;\n";

/* 3 -> 4: open messages are kept between runs. A database of version 3
 * kept them as unfinished rows, which adoption still continues. */
static const char migrate_4[] = SCHEMA_STATE;
static const char migrate_5[] = STORE_HEALTH_SCHEMA;

/* 5 -> 6: the summary tables, filled from the rows by migrate() */
static const char migrate_6[] = STORE_SUMMARY_TABLES;

/* Upgrade steps: migrations[v] takes a database from version v - 1 to v and
 * runs with the others in one transaction. Version 1 is the first. */
static const char *const migrations[STORE_SCHEMA_VERSION + 1] = {
	[2] = migrate_2, [3] = migrate_3, [4] = migrate_4, [5] = migrate_5,
	[6] = migrate_6,
};

/* ---- prepared statements, made once at open */

enum stmt_id {
	S_BEGIN, S_COMMIT,
	S_EVENT,
	S_MSG_INSERT, S_MSG_BY_KEY, S_MSG_UPDATE, S_MSG_ADOPT, S_CONT_GET, S_CONT_PUT,
	S_SRC_BY_FP, S_SRC_SHORTER, S_SRC_GET, S_SRC_SAME_FILE, S_SRC_INSERT, S_SRC_IDENTITY,
	S_SRC_PROGRESS, S_UNREC_SET, S_UNREC_ADD, S_UNREC_DEL, S_UNREC_CLEAR, S_STATE_PUT,
	S_STATE_GET, S_HANDOFF_LATE,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	/* the loopback deliveries of message ?1 that name the copy ?2 (correlate.c
	 * is_loopback_relay) */
	[S_HANDOFF_LATE] =
		"UPDATE events SET handoff = 1 WHERE message_id = ?1 AND kind = 'delivered'"
		" AND handoff = 0 AND instr(reply, ?2) > 0 AND (remote_ip LIKE '127.%'"
		" OR remote_ip IN ('::1', 'ipv6:::1') OR remote_host = 'localhost')",
	[S_COMMIT] = "COMMIT",
	[S_EVENT] =
		"INSERT OR IGNORE INTO events(ts, host, mta, program, instance, queue_id,"
		" message_id, kind, sender, recipient, recipient_domain, orig_recipient,"
		" remote_host, remote_ip, helo, relay, smtp_code, enhanced_code, class, reply,"
		" reason, forward_to, status, action, delay, handoff, pattern, source_id, file,"
		" line, offset, seq, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28,"
		" ?29, ?30, ?31, ?32, ?33)",
	[S_MSG_INSERT] =
		"INSERT OR IGNORE INTO messages(host, mta, queue_id, sender, sender_domain, size,"
		" nrcpt, header_message_id, client_host, client_ip, helo, protocol, first_ts,"
		" last_ts, arrived, complete, origin_id, origin, source_id, first_offset, id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		" ?17, ?18, ?19, ?20, ?21)",
	[S_MSG_BY_KEY] = "SELECT id FROM messages WHERE id = ?1",
	/* Parameters are numbered as in S_MSG_INSERT so one binder serves both. */
	[S_MSG_UPDATE] =
		"UPDATE messages SET sender = coalesce(?4, sender),"
		" sender_domain = coalesce(?5, sender_domain), size = coalesce(?6, size),"
		" nrcpt = coalesce(?7, nrcpt), header_message_id = coalesce(?8, header_message_id),"
		" client_host = coalesce(?9, client_host), client_ip = coalesce(?10, client_ip),"
		" helo = coalesce(?11, helo), protocol = coalesce(?12, protocol),"
		" first_ts = CASE WHEN ?13 IS NOT NULL AND (first_ts IS NULL OR ?13 < first_ts)"
		"   THEN ?13 ELSE first_ts END,"
		" last_ts = CASE WHEN ?14 IS NOT NULL AND (last_ts IS NULL OR ?14 > last_ts)"
		"   THEN ?14 ELSE last_ts END,"
		" arrived = arrived OR ?15, complete = complete OR ?16,"
		" origin_id = coalesce(?17, origin_id), origin = coalesce(?18, origin)"
		" WHERE id = ?21",
	[S_MSG_ADOPT] =
		"SELECT id FROM messages WHERE host IS ?1 AND queue_id = ?2 AND mta IS ?3"
		" AND complete = 0 AND last_ts >= ?4 AND (first_ts IS NULL OR first_ts <= ?5)"
		" ORDER BY last_ts DESC, id DESC LIMIT 1",
	[S_CONT_GET] =
		"SELECT message_id FROM message_continuations WHERE source_id = ?1"
		" AND first_offset = ?2",
	[S_CONT_PUT] =
		"INSERT OR IGNORE INTO message_continuations(source_id, first_offset, message_id)"
		" VALUES (?1, ?2, ?3)",
	[S_SRC_BY_FP] =
		"SELECT id FROM sources WHERE fingerprint = ?1 AND fingerprint_len = ?2"
		" ORDER BY id LIMIT 1",
	[S_SRC_SHORTER] =
		"SELECT id, fingerprint, fingerprint_len FROM sources"
		" WHERE fingerprint_len > 0 AND fingerprint_len < ?1"
		" ORDER BY fingerprint_len DESC, id",
	[S_SRC_GET] =
		"SELECT lines, size, compressed, bytes, recognized, unrecognized, foreign_lines,"
		" truncated FROM sources WHERE id = ?1",
	/* the file this path named before, now with other first bytes */
	[S_SRC_SAME_FILE] =
		"SELECT id FROM sources WHERE path = ?1 AND dev = ?2 AND inode = ?3 AND bytes > 0"
		" ORDER BY id DESC LIMIT 1",
	[S_SRC_INSERT] =
		"INSERT INTO sources(path, fingerprint, fingerprint_len, dev, inode, size,"
		" compressed, bytes, lines, recognized, unrecognized, foreign_lines, truncated,"
		" added_at, updated_at, key_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?7, 0, 0,"
		" 0, 0, 0, 0, " SQL_NOW ", " SQL_NOW ", ?2)",
	/* size is not the identity: it is recorded with the progress it
	 * vouches for (a file is unchanged only if read to that size) */
	[S_SRC_IDENTITY] =
		"UPDATE sources SET path = ?1, fingerprint = ?2, fingerprint_len = ?3, dev = ?4,"
		" inode = ?5, compressed = ?7, updated_at = " SQL_NOW " WHERE id = ?8",
	[S_SRC_PROGRESS] =
		"UPDATE sources SET bytes = ?1, lines = ?2, recognized = ?3, unrecognized = ?4,"
		" foreign_lines = ?5, truncated = ?6,"
		" first_ts = CASE WHEN ?7 IS NOT NULL AND (first_ts IS NULL OR ?7 < first_ts)"
		"   THEN ?7 ELSE first_ts END,"
		" last_ts = CASE WHEN ?8 IS NOT NULL AND (last_ts IS NULL OR ?8 > last_ts)"
		"   THEN ?8 ELSE last_ts END,"
		" size = ?10, updated_at = " SQL_NOW " WHERE id = ?9",
	[S_UNREC_SET] =
		"INSERT OR REPLACE INTO unrecognized(source_id, program, reason, count, sample1,"
		" sample2, sample3) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_UNREC_ADD] =
		"INSERT INTO unrecognized(source_id, program, reason, count, sample1, sample2,"
		" sample3) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO UPDATE SET"
		" count = count + excluded.count,"
		/* the new samples after the ones kept: the first three lines, as
		 * one run over the whole file keeps them (slots fill from the first) */
		" sample1 = coalesce(sample1, excluded.sample1),"
		" sample2 = CASE WHEN sample2 IS NOT NULL THEN sample2"
		"   WHEN sample1 IS NOT NULL THEN excluded.sample1 ELSE excluded.sample2 END,"
		" sample3 = CASE WHEN sample3 IS NOT NULL THEN sample3"
		"   WHEN sample2 IS NOT NULL THEN excluded.sample1"
		"   WHEN sample1 IS NOT NULL THEN excluded.sample2 ELSE excluded.sample3 END",
	[S_UNREC_DEL] =
		"DELETE FROM unrecognized WHERE source_id = ?1 AND program = ?2 AND reason = ?3",
	[S_UNREC_CLEAR] = "DELETE FROM unrecognized WHERE source_id = ?1",
	[S_STATE_PUT] =
		"INSERT OR REPLACE INTO correlate_state(id, open_messages, saved_at, state)"
		" VALUES (1, ?1, " SQL_NOW ", ?2)",
	[S_STATE_GET] = "SELECT state FROM correlate_state WHERE id = 1",
};

struct store {
	struct sqlite3 *db;
	char *path;                    /* as given, for messages */
	char *loading;                 /* a new database is built here, then renamed to path */
	int loading_fd;                /* holds the flock on loading; -1 */
	pthread_t syncer;              /* an early fdatasync of loading (start_writeback) */
	bool syncing;                  /* syncer runs: join it before the last fsync */
	bool broken;                   /* an SQLite error while loading without a journal */
	bool readonly;                 /* opened by a reader: never writes */
	struct store_options opt;
	sqlite3_stmt *stmt[S_COUNT];
	bool in_tx;                    /* a BEGIN is open */
	bool wal;                      /* switched to WAL for writing: undo at close */
	bool load_checked;             /* the first write transaction looked at the tables */
	bool bulk;                     /* they were empty: indexes are built at close */
	uint64_t batch_rows;           /* rows written since the last COMMIT */
	int64_t adopt_window;          /* seconds */
	const char *(*classify)(void *ctx, const struct event *ev);
	void *classify_ctx;
	struct sl_buf scratch;         /* lower-cased domains */
	struct store_summary_acc *sum; /* counts of the rows of the open batch: events */
	struct store_summary_acc *sum_msg;   /* messages (added before an update of one) */
	struct store_health_acc *health;     /* health lines of the open batch, by row */
	struct sink sink;
};

/* ---- names of enums, as the CHECK constraints spell them */

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_DELIVERED] = "delivered", [EV_DEFERRED] = "deferred", [EV_BOUNCED] = "bounced",
	[EV_EXPIRED] = "expired",     [EV_REJECTED] = "rejected", [EV_FORWARDED] = "forwarded",
	[EV_PROBE] = "probe",         [EV_POLICY] = "policy",
};

static const char *kind_name(enum ev_kind k)
{
	return (k > EV_NONE && k < EV_KIND_COUNT) ? kind_names[k] : NULL;
}

static const char *class_name(enum ev_class c)
{
	switch (c) {
	case EV_CLASS_SUCCESS: return "success";
	case EV_CLASS_TRANSIENT: return "transient";
	case EV_CLASS_PERMANENT: return "permanent";
	default: return NULL;
	}
}

static const char *mta_name(enum ev_mta m)
{
	switch (m) {
	case EV_MTA_POSTFIX: return "postfix";
	case EV_MTA_EXIM: return "exim";
	case EV_MTA_SENDMAIL: return "sendmail";
	default: return NULL;
	}
}

static const char *origin_name(enum corr_origin o)
{
	switch (o) {
	case CORR_ORIGIN_FILTER: return "content-filter";
	case CORR_ORIGIN_FORWARD: return "forward";
	case CORR_ORIGIN_NOTIFY: return "notification";
	default: return NULL;
	}
}

/* ---- errors */

/* lock_pid - the process holding a write lock on bytes [start, start+len)
 * of path (POSIX locks, as SQLite takes them), or 0 */
static pid_t lock_pid(const char *path, off_t start, off_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	pid_t pid = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? fl.l_pid : 0;
	close(fd);
	return pid;
}

/* holder - "process N (its command line)" holding the database's write
 * lock: the WAL write lock in PATH-shm, else the RESERVED or PENDING byte
 * of a rollback journal; "another process" when it cannot be told */
static void holder(const char *path, char *out, size_t size)
{
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_addf(&b, "%s-shm", path);
	pid_t pid = lock_pid(b.data, 120, 1);                 /* WAL_WRITE_LOCK */
	if (!pid)
		pid = lock_pid(path, 0x40000000, 2);               /* PENDING, RESERVED */
	snprintf(out, size, "another process");
	if (pid > 0) {
		char cmd[160] = "";
		sl_buf_reset(&b);
		sl_buf_addf(&b, "/proc/%ld/cmdline", (long)pid);
		FILE *f = fopen(b.data, "re");
		if (f) {
			size_t n = fread(cmd, 1, sizeof cmd - 1, f);
			fclose(f);
			cmd[n] = '\0';
			for (size_t i = 0; i < n; i++)   /* arguments apart, nothing unprintable */
				if (cmd[i] == '\0')
					cmd[i] = ' ';
				else if ((unsigned char)cmd[i] < 0x20 || cmd[i] == 0x7f)
					cmd[i] = '?';
			while (n && cmd[n - 1] == ' ')
				cmd[--n] = '\0';
		}
		if (cmd[0])
			snprintf(out, size, "process %ld (%s)", (long)pid, cmd);
		else
			snprintf(out, size, "process %ld", (long)pid);
	}
	sl_buf_release(&b);
}

/* store_busy_error - the message of a lock held by another process */
int store_busy_error(struct store *st, struct sl_error *err)
{
	char who[240];
	holder(st->path, who, sizeof who);
	return sl_error_set(err, SL_EBUSY, "database '%s' is locked by %s; waited %d s (--wait)",
	                    st->path, who, st->opt.wait_ms / 1000);
}

/* db_fail - fill err from an SQLite result code; -1 */
static int db_fail(struct store *st, int rc, struct sl_error *err, const char *what)
{
	const char *path = st->path;
	/* Without a journal nothing can be rolled back: the new file is void. */
	if (st->loading && !st->wal)
		st->broken = true;
	const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return store_busy_error(st, err);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return sl_error_set(err, SL_EDB, "'%s' is corrupt or not an SQLite database: %s",
		                    path, msg);
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return sl_error_set(err, SL_EIO, "cannot %s '%s': %s", what, path, msg);
	default:
		return sl_error_set(err, SL_EDB, "cannot %s '%s': %s", what, path, msg);
	}
}

/* exec - run SQL text without results */
static int exec(struct store *st, const char *sql, struct sl_error *err, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_fail(st, rc, err, what);
}

/* step_done - step a statement that returns no row, then reset it */
static int step_done(struct store *st, sqlite3_stmt *s, struct sl_error *err)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(st, rc, err, "write");
	return 0;
}

/* query_int - first column of a one-row query, or -1 with err */
static int query_int(struct store *st, const char *sql, int64_t *out, struct sl_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? 0 : db_fail(st, rc, err, "read");
}

/* ---- binding helpers: spans are not NUL-terminated, so lengths are explicit */

static void bind_span(sqlite3_stmt *s, int i, struct sl_span v)
{
	if (sl_span_empty(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v.p, (int)v.len, SQLITE_STATIC);
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* bind_nonempty - NULL for NULL and "" */
static void bind_nonempty(sqlite3_stmt *s, int i, const char *v)
{
	bind_str(s, i, v && *v ? v : NULL);
}

static void bind_int_or_null(sqlite3_stmt *s, int i, int64_t v, bool present)
{
	if (present)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* time_iso - format t into buf; NULL when t is unset (epoch 0: no stamp) */
static const char *time_iso(struct sl_time t, char buf[SL_TIME_ISO_MAX])
{
	if (t.sec == 0 && t.usec == 0)
		return NULL;
	sl_time_format_iso(t, buf);
	return buf;
}

/* domain_of - lower-cased text after the last '@' of addr[0..len) into
 * buf, stopping at '>'; false when there is none */
static bool domain_of(struct sl_buf *buf, const char *addr, size_t len)
{
	const char *at = NULL;
	for (size_t i = len; i > 0; i--)
		if (addr[i - 1] == '@') {
			at = addr + i - 1;
			break;
		}
	if (!at)
		return false;
	const char *p = at + 1, *end = addr + len;
	const char *gt = memchr(p, '>', (size_t)(end - p));
	size_t n = (size_t)((gt ? gt : end) - p);
	/* lower-cased straight into the buffer: once per event and message */
	sl_buf_reset(buf);
	sl_buf_grow(buf, n);
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		buf->data[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	buf->data[n] = '\0';
	buf->len = n;
	return n > 0;
}

/* ---- transactions */

/* prepare_load - in the first write transaction: a load into empty events
 * and messages drops the query indexes (built again at close); otherwise
 * make sure they exist (a load that was killed left them out) */
static int prepare_load(struct store *st, struct sl_error *err)
{
	int64_t used = 0;
	if (query_int(st, "SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM messages)",
	              &used, err) < 0)
		return -1;
	st->bulk = !used;
	if (exec(st, st->bulk ? SCHEMA_DROP_INDEXES SCHEMA_UNFINISHED
	                      : SCHEMA_INDEXES SCHEMA_UNFINISHED, err, "write") < 0)
		return -1;
	/* counted afresh if a merge or an upgrade was killed halfway */
	return store_summary_ensure(st->db, err);
}

/* begin_write - open a batch if none is open; the first one also switches to WAL */
static int begin_write(struct store *st, struct sl_error *err)
{
	if (st->in_tx)
		return 0;
	if (!st->wal && !st->loading) {
		/* WAL + NORMAL while writing: consistent after a crash, and a
		 * reader does not block the ingest. Undone in store_close.
		 * Changing the journal mode fails at once if another writer holds
		 * the lock, so first wait for it as BEGIN IMMEDIATE does. The WAL
		 * is folded in when it reaches 64 MiB and at close, not every
		 * 1000 pages: an hourly run then writes each page it changes into
		 * the file once, with two fsyncs instead of a pair per 1000 pages
		 * (the limit counts pages: 16 KiB ones in a new file, 4 KiB in
		 * files made before). */
		int64_t page = 0;
		char sql[160];
		if (query_int(st, "PRAGMA page_size", &page, err) < 0)
			return -1;
		snprintf(sql, sizeof sql,
		         "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		         " PRAGMA wal_autocheckpoint=%lld; PRAGMA cache_size = %s",
		         (long long)(STORE_WAL_CHECKPOINT / (page > 0 ? page : 4096)),
		         STORE_APPEND_CACHE_KIB);
		if (step_done(st, st->stmt[S_BEGIN], err) < 0 ||
		    step_done(st, st->stmt[S_COMMIT], err) < 0 || exec(st, sql, err, "write") < 0)
			return -1;
		st->wal = true;
	}
	if (step_done(st, st->stmt[S_BEGIN], err) < 0)
		return -1;
	st->in_tx = true;
	st->batch_rows = 0;
	store_summary_acc_clear(st->sum);   /* the counts of a batch rolled back */
	store_summary_acc_clear(st->sum_msg);
	store_health_acc_clear(st->health);
	if (!st->load_checked) {
		st->load_checked = true;
		if (prepare_load(st, err) < 0)
			return -1;
	}
	return 0;
}

/* commit - end the open batch, if any */
static int commit(struct store *st, struct sl_error *err)
{
	if (!st->in_tx)
		return 0;
	/* the counts of the batch's new rows, in its transaction */
	if (store_health_flush(st->health, st->db, err) < 0 ||
	    store_summary_flush(st->sum, st->db, err) < 0 ||
	    store_summary_flush(st->sum_msg, st->db, err) < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		st->in_tx = false;
		return -1;
	}
	int rc = sqlite3_step(st->stmt[S_COMMIT]);
	sqlite3_reset(st->stmt[S_COMMIT]);
	if (rc != SQLITE_DONE) {
		db_fail(st, rc, err, "write");
		if (sqlite3_get_autocommit(st->db) == 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		st->in_tx = false;
		return -1;
	}
	st->in_tx = false;
	st->batch_rows = 0;
	return 0;
}

/* row_written - count a row; commit when the batch is full */
static int row_written(struct store *st, struct sl_error *err)
{
	if (++st->batch_rows >= STORE_BATCH_ROWS)
		return commit(st, err);
	return 0;
}

/* ---- events */

/* store_key - (source_id << STORE_KEY_BITS) + offset, or -1 out of range */
int64_t store_key(int64_t source_id, uint64_t offset)
{
	if (source_id < 1 || source_id > STORE_MAX_SOURCE || offset >= (UINT64_C(1) << STORE_KEY_BITS))
		return -1;
	return (source_id << STORE_KEY_BITS) + (int64_t)offset;
}

/* store_event_fill - the flat row of a correlated event */
bool store_event_fill(const struct store *st, const struct corr_event *e,
                      struct store_event *row, struct sl_buf *scratch)
{
	const struct event *ev = e->ev;
	const struct logline *ll = e->ll;
	if (!kind_name(ev->kind))   /* lifecycle kinds update messages, not events */
		return false;
	memset(row, 0, sizeof *row);
	row->message_id = e->message_id > 0 ? e->message_id : 0;
	if (ll && ll->has_ts && !(ll->ts.sec == 0 && ll->ts.usec == 0))
		sl_time_format_iso(ll->ts, row->ts);
	row->mta = ev->mta;
	row->kind = ev->kind;
	row->class = ev->class;
	if (ll) {
		row->host = ll->host;
		row->program = ll->program;
		for (size_t i = ll->program.len; ll->program.p && i > 0; i--)
			if (ll->program.p[i - 1] == '/') {
				row->instance = (struct sl_span){ ll->program.p, i - 1 };
				break;
			}
	}
	row->queue_id = ev->queue_id;
	row->sender = ev->sender;
	row->recipient = ev->recipient;
	if (!sl_span_empty(ev->recipient) &&
	    domain_of(scratch, ev->recipient.p, ev->recipient.len))
		row->recipient_domain = (struct sl_span){ scratch->data, scratch->len };
	row->orig_recipient = ev->orig_recipient;
	row->remote_host = ev->remote_host;
	row->remote_ip = ev->remote_ip;
	row->helo = ev->helo;
	row->relay = ev->relay;
	row->reply = ev->reply;
	row->forward_to = ev->forward_to;
	row->status = ev->status;
	row->action = ev->action;
	row->smtp_code = ev->smtp_code > 0 ? ev->smtp_code : 0;
	memcpy(row->enhanced_code, ev->enhanced_code, sizeof row->enhanced_code);
	row->enhanced_code[sizeof row->enhanced_code - 1] = '\0';
	row->delay = ev->delay;
	row->handoff = e->handoff;
	if (st->classify && (ev->class == EV_CLASS_TRANSIENT || ev->class == EV_CLASS_PERMANENT))
		row->reason = st->classify(st->classify_ctx, ev);
	row->pattern = ev->pattern_id;
	row->seq = e->seq;
	if (e->pos) {
		row->has_pos = true;
		row->source_id = e->pos->source_id;
		row->file = e->pos->file;
		row->line = e->pos->line;
		row->offset = e->pos->offset;
		int64_t key = store_key(row->source_id, row->offset + (uint64_t)(e->seq > 0 ? e->seq : 0));
		row->id = key > 0 ? key : 0;
	}
	return true;
}

/* store_event_write - one row of events; INSERT OR IGNORE makes re-runs add nothing */
int store_event_write(struct store *st, const struct store_event *row, struct sl_error *err)
{
	if (begin_write(st, err) < 0)
		return -1;
	sqlite3_stmt *s = st->stmt[S_EVENT];
	bind_nonempty(s, 1, row->ts);
	bind_span(s, 2, row->host);
	bind_str(s, 3, mta_name(row->mta));
	bind_span(s, 4, row->program);
	bind_span(s, 5, row->instance);
	bind_span(s, 6, row->queue_id);
	bind_int_or_null(s, 7, row->message_id, row->message_id > 0);
	bind_str(s, 8, kind_name(row->kind));
	/* An empty but present sender is the null sender <>: keep it as ''. */
	if (row->sender.p)
		sqlite3_bind_text(s, 9, row->sender.p, (int)row->sender.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 9);
	bind_span(s, 10, row->recipient);
	bind_span(s, 11, row->recipient_domain);
	bind_span(s, 12, row->orig_recipient);
	bind_span(s, 13, row->remote_host);
	bind_span(s, 14, row->remote_ip);
	bind_span(s, 15, row->helo);
	bind_span(s, 16, row->relay);
	bind_int_or_null(s, 17, row->smtp_code, row->smtp_code > 0);
	bind_nonempty(s, 18, row->enhanced_code);
	bind_str(s, 19, class_name(row->class));
	bind_span(s, 20, row->reply);
	bind_str(s, 21, row->reason);
	bind_span(s, 22, row->forward_to);
	bind_span(s, 23, row->status);
	bind_span(s, 24, row->action);
	if (row->delay >= 0)
		sqlite3_bind_double(s, 25, row->delay);
	else
		sqlite3_bind_null(s, 25);
	sqlite3_bind_int(s, 26, row->handoff ? 1 : 0);
	bind_str(s, 27, row->pattern);
	bind_int_or_null(s, 28, row->source_id, row->has_pos && row->source_id > 0);
	bind_str(s, 29, row->has_pos ? row->file : NULL);
	bind_int_or_null(s, 30, (int64_t)row->line, row->has_pos);
	bind_int_or_null(s, 31, (int64_t)row->offset, row->has_pos);
	sqlite3_bind_int(s, 32, row->seq);
	bind_int_or_null(s, 33, row->id, row->id > 0);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE && sqlite3_changes(st->db) > 0)
		store_summary_add_event(st->sum, sqlite3_last_insert_rowid(st->db), row->ts,
		                        kind_name(row->kind), row->handoff,
		                        row->smtp_code > 0 ? row->smtp_code : 0, class_name(row->class),
		                        row->delay);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE ? db_fail(st, rc, err, "write") < 0 : 0)
		return -1;
	return row_written(st, err);
}

/* store_event_handoff_late - see store.h */
int store_event_handoff_late(struct store *st, int64_t origin_id, struct sl_span copy_qid,
                             struct sl_error *err)
{
	if (begin_write(st, err) < 0)
		return -1;
	/* the update's trigger takes the row's old counts from the summary
	 * table: the counts of the rows inserted in this batch first */
	if (store_summary_flush(st->sum, st->db, err) < 0)
		return -1;
	sqlite3_stmt *s = st->stmt[S_HANDOFF_LATE];
	sqlite3_bind_int64(s, 1, origin_id);
	sqlite3_bind_text(s, 2, copy_qid.p ? copy_qid.p : "", (int)copy_qid.len, SQLITE_STATIC);
	if (step_done(st, s, err) < 0)
		return -1;
	return row_written(st, err);
}

static int sink_handoff_late(void *ctx, int64_t origin_id, struct sl_span copy_qid,
                             struct sl_error *err)
{
	return store_event_handoff_late(ctx, origin_id, copy_qid, err);
}

/* sink_event - the synchronous sink: fill and write at once */
static int sink_event(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	struct store *st = ctx;
	struct store_event row;
	if (!store_event_fill(st, e, &row, &st->scratch))
		return 0;
	return store_event_write(st, &row, err);
}

/* store_health_batch, store_row_added - see store.h */
struct store_health_acc *store_health_batch(struct store *st, struct sl_error *err)
{
	return begin_write(st, err) < 0 ? NULL : st->health;
}

int store_row_added(struct store *st, struct sl_error *err)
{
	return row_written(st, err);
}

/* ---- sink: messages */

/* bind_message - parameters ?1..?20 of S_MSG_INSERT (and the same numbers of
 * S_MSG_UPDATE); ts1/ts2 hold the formatted times */
static void bind_message(struct store *st, sqlite3_stmt *s, const struct corr_message *m,
                         char ts1[SL_TIME_ISO_MAX], char ts2[SL_TIME_ISO_MAX])
{
	bind_nonempty(s, 1, m->host);
	bind_str(s, 2, mta_name(m->mta));
	bind_nonempty(s, 3, m->queue_id);
	bind_str(s, 4, m->sender);   /* "" is the null sender */
	if (m->sender && domain_of(&st->scratch, m->sender, strlen(m->sender)))
		sqlite3_bind_text(s, 5, st->scratch.data, (int)st->scratch.len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 5);
	bind_int_or_null(s, 6, m->size, m->size >= 0);
	bind_int_or_null(s, 7, m->nrcpt, m->nrcpt >= 0);
	bind_nonempty(s, 8, m->header_msgid);
	bind_nonempty(s, 9, m->client_host);
	bind_nonempty(s, 10, m->client_ip);
	bind_nonempty(s, 11, m->helo);
	bind_nonempty(s, 12, m->protocol);
	bind_str(s, 13, time_iso(m->first_ts, ts1));
	bind_str(s, 14, time_iso(m->last_ts, ts2));
	sqlite3_bind_int(s, 15, m->arrived ? 1 : 0);
	sqlite3_bind_int(s, 16, m->removed ? 1 : 0);
	bind_int_or_null(s, 17, m->origin_id, m->origin_id > 0);
	bind_str(s, 18, origin_name(m->origin));
}

/* select_id - run a one-column id query with a (and b, if it takes two)
 * bound; 0 if no row */
static int select_id(struct store *st, sqlite3_stmt *s, int64_t a, int64_t b, int64_t *id,
                     struct sl_error *err)
{
	sqlite3_bind_int64(s, 1, a);
	if (sqlite3_bind_parameter_count(s) > 1)
		sqlite3_bind_int64(s, 2, b);
	int rc = sqlite3_step(s);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* select_text_id - like select_id, with a text first parameter */
static int select_text_id(struct store *st, sqlite3_stmt *s, const char *a, int64_t b,
                          int64_t *id, struct sl_error *err)
{
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, b);
	int rc = sqlite3_step(s);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* update_message - merge m into row id */
static int update_message(struct store *st, const struct corr_message *m, int64_t id,
                          struct sl_error *err)
{
	char ts1[SL_TIME_ISO_MAX], ts2[SL_TIME_ISO_MAX];
	/* The update's trigger takes the row's old counts from the table: the
	 * counts of the rows inserted in this batch must be there first. */
	if (store_summary_flush(st->sum_msg, st->db, err) < 0)
		return -1;
	sqlite3_stmt *s = st->stmt[S_MSG_UPDATE];
	bind_message(st, s, m, ts1, ts2);
	sqlite3_bind_int64(s, 21, id);
	if (step_done(st, s, err) < 0)
		return -1;
	return row_written(st, err);
}

/* adopt - the unfinished row of an earlier run that m continues; 0 if none */
static int adopt(struct store *st, const struct corr_message *m, int64_t *id,
                 struct sl_error *err)
{
	char first[SL_TIME_ISO_MAX], bound[SL_TIME_ISO_MAX];
	*id = 0;
	if (!m->queue_id || !*m->queue_id || !time_iso(m->first_ts, first))
		return 0;
	struct sl_time lo = { .sec = m->first_ts.sec - st->adopt_window };
	sl_time_format_iso(lo, bound);

	sqlite3_stmt *s = st->stmt[S_MSG_ADOPT];
	bind_nonempty(s, 1, m->host);
	bind_str(s, 2, m->queue_id);
	bind_str(s, 3, mta_name(m->mta));
	bind_str(s, 4, bound);
	bind_str(s, 5, first);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* sink_message_open - give m an id: its key (a new row, or the row of an
 * earlier run of the same content), or the unfinished row it continues */
static int sink_message_open(void *ctx, struct corr_message *m, struct sl_error *err)
{
	struct store *st = ctx;
	int64_t id = 0;
	char ts1[SL_TIME_ISO_MAX], ts2[SL_TIME_ISO_MAX];
	int64_t key = store_key(m->source_id, m->first_offset);

	if (key < 0)
		return sl_error_set(err, SL_EDB, "cannot write '%s': source %lld, offset %llu is"
		                    " beyond what a row id holds", st->path, (long long)m->source_id,
		                    (unsigned long long)m->first_offset);
	if (begin_write(st, err) < 0)
		return -1;
	if (!m->arrived) {
		/* Began before this file: a re-run finds its row, or its earlier
		 * answer in message_continuations; a first run looks for the row
		 * to adopt. */
		if (select_id(st, st->stmt[S_MSG_BY_KEY], key, 0, &id, err) < 0)
			return -1;
		if (!id && select_id(st, st->stmt[S_CONT_GET], m->source_id,
		                     (int64_t)m->first_offset, &id, err) < 0)
			return -1;
		if (!id) {
			if (adopt(st, m, &id, err) < 0)
				return -1;
			if (id) {
				sqlite3_stmt *s = st->stmt[S_CONT_PUT];
				sqlite3_bind_int64(s, 1, m->source_id);
				sqlite3_bind_int64(s, 2, (int64_t)m->first_offset);
				sqlite3_bind_int64(s, 3, id);
				if (step_done(st, s, err) < 0)
					return -1;
			}
		}
		if (id) {
			m->id = id;
			return update_message(st, m, id, err);
		}
	}

	sqlite3_stmt *s = st->stmt[S_MSG_INSERT];
	bind_message(st, s, m, ts1, ts2);
	sqlite3_bind_int64(s, 19, m->source_id);
	sqlite3_bind_int64(s, 20, (int64_t)m->first_offset);
	sqlite3_bind_int64(s, 21, key);
	if (step_done(st, s, err) < 0)
		return -1;
	m->id = key;
	if (sqlite3_changes(st->db) > 0) {
		store_summary_add_message(st->sum_msg, m->source_id, time_iso(m->first_ts, ts1),
		                          m->arrived && m->origin_id <= 0,
		                          m->origin == CORR_ORIGIN_NOTIFY,
		                          m->size >= 0 ? m->size : 0);
		return row_written(st, err);
	}
	/* Ignored: the row of an earlier run of the same content. */
	return update_message(st, m, key, err);
}

/* sink_message_update - merge what is now known of m into its row */
static int sink_message_update(void *ctx, const struct corr_message *m, struct sl_error *err)
{
	struct store *st = ctx;
	if (m->id <= 0)
		SL_BUG("message_update before message_open (queue id '%s')",
		       m->queue_id ? m->queue_id : "");
	if (begin_write(st, err) < 0)
		return -1;
	return update_message(st, m, m->id, err);
}

/* ---- sources */

/* bind_identity - ?1..?7 of S_SRC_INSERT / S_SRC_IDENTITY */
static void bind_identity(sqlite3_stmt *s, const char *path, const struct reader_info *in)
{
	bind_str(s, 1, path);
	sqlite3_bind_text(s, 2, in->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)in->fingerprint_len);
	bind_int_or_null(s, 4, (int64_t)in->dev, !in->is_stdin);
	bind_int_or_null(s, 5, (int64_t)in->ino, !in->is_stdin);
	bind_int_or_null(s, 6, in->size, in->size >= 0);
	sqlite3_bind_int(s, 7, in->compressed ? 1 : 0);
}

/* find_grown - the longest stored source whose whole fingerprint is a prefix
 * of r's stream (the file grew since); id 0 if none */
static int find_grown(struct store *st, const struct reader *r, int64_t *id,
                      struct sl_error *err)
{
	sqlite3_stmt *s = st->stmt[S_SRC_SHORTER];
	int rc;
	*id = 0;
	sqlite3_bind_int64(s, 1, (int64_t)reader_info(r)->fingerprint_len);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *fp = (const char *)sqlite3_column_text(s, 1);
		int64_t len = sqlite3_column_int64(s, 2);
		char want[17];
		if (fp && len > 0 && reader_prefix_hash(r, (size_t)len, want) &&
		    strcmp(fp, want) == 0) {
			*id = sqlite3_column_int64(s, 0);
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* source_progress - what an earlier run recorded of source id: where it
 * stopped, its counts, and whether the file is as it was then */
static int source_progress(struct store *st, int64_t id, const struct reader_info *in,
                           struct store_source *out, struct sl_error *err)
{
	sqlite3_stmt *s = st->stmt[S_SRC_GET];
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t size = sqlite3_column_int64(s, 1), bytes = sqlite3_column_int64(s, 3);
		bool sized = sqlite3_column_type(s, 1) != SQLITE_NULL;
		out->before = (struct store_progress_counts){
			.offset = bytes > 0 ? (uint64_t)bytes : 0,
			.lines = (uint64_t)sqlite3_column_int64(s, 0),
			.recognized = (uint64_t)sqlite3_column_int64(s, 4),
			.unrecognized = (uint64_t)sqlite3_column_int64(s, 5),
			.foreign = (uint64_t)sqlite3_column_int64(s, 6),
			.truncated = (uint64_t)sqlite3_column_int64(s, 7),
		};
		out->lines_before = out->before.lines;
		/* The size is recorded with progress that reached the end of the
		 * file (for a compressed one, only then). The same first bytes
		 * and the same size: the same file, nothing new. */
		out->unchanged = sized && in->size > 0 && size == in->size &&
		                 (in->compressed || bytes == in->size) &&
		                 sqlite3_column_int(s, 2) == (in->compressed ? 1 : 0);
		/* A plain file smaller than what was read of it was truncated
		 * (copytruncate) and written again from its start. */
		out->shrank = !in->compressed && in->size >= 0 && bytes > in->size;
		out->resume = !out->shrank && bytes > 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* store_source_begin - find the source by content fingerprint, else add it */
int store_source_begin(struct store *st, const char *path, const struct reader *r,
                       struct store_source *out, struct sl_error *err)
{
	const struct reader_info *in = reader_info(r);
	int64_t id = 0;

	memset(out, 0, sizeof *out);
	if (begin_write(st, err) < 0)
		return -1;
	if (select_text_id(st, st->stmt[S_SRC_BY_FP], in->fingerprint, (int64_t)in->fingerprint_len,
	                   &id, err) < 0)
		return -1;
	if (!id && find_grown(st, r, &id, err) < 0)
		return -1;

	sqlite3_stmt *s;
	if (id) {
		if (source_progress(st, id, in, out, err) < 0)
			return -1;
		/* Same content (maybe renamed, recompressed or grown): keep the
		 * row, move its identity to what the file is now. */
		s = st->stmt[S_SRC_IDENTITY];
		bind_identity(s, path, in);
		sqlite3_bind_int64(s, 8, id);
		if (step_done(st, s, err) < 0)
			return -1;
		out->id = id;
		out->seen_before = true;
		if (out->shrank) {
			out->before = (struct store_progress_counts){ 0 };
			out->unchanged = false;
		}
		return 0;
	}
	if (!in->is_stdin) {
		/* the same file (path and inode) as a source read before, with
		 * other first bytes: truncated and written again */
		s = st->stmt[S_SRC_SAME_FILE];
		bind_str(s, 1, path);
		sqlite3_bind_int64(s, 2, (int64_t)in->dev);
		sqlite3_bind_int64(s, 3, (int64_t)in->ino);
		int rc = sqlite3_step(s);
		out->replaced = rc == SQLITE_ROW;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(st, rc, err, "read");
	}
	s = st->stmt[S_SRC_INSERT];
	bind_identity(s, path, in);
	if (step_done(st, s, err) < 0)
		return -1;
	out->id = sqlite3_last_insert_rowid(st->db);
	if (out->id > STORE_MAX_SOURCE) {
		sqlite3_exec(st->db, "DELETE FROM sources WHERE id > 1048575", NULL, NULL, NULL);
		return sl_error_set(err, SL_EDB, "cannot add '%s' to '%s': it holds %lld sources,"
		                    " the most row ids allow", path, st->path,
		                    (long long)STORE_MAX_SOURCE);
	}
	return 0;
}

/* put_progress - the source's row, as p says (no commit) */
static int put_progress(struct store *st, int64_t source_id, const struct store_progress *p,
                        struct sl_error *err)
{
	sqlite3_stmt *s = st->stmt[S_SRC_PROGRESS];
	sqlite3_bind_int64(s, 1, (int64_t)p->offset);
	sqlite3_bind_int64(s, 2, (int64_t)p->lines);
	sqlite3_bind_int64(s, 3, (int64_t)p->recognized);
	sqlite3_bind_int64(s, 4, (int64_t)p->unrecognized);
	sqlite3_bind_int64(s, 5, (int64_t)p->foreign);
	sqlite3_bind_int64(s, 6, (int64_t)p->truncated);
	bind_nonempty(s, 7, p->first_ts);
	bind_nonempty(s, 8, p->last_ts);
	sqlite3_bind_int64(s, 9, source_id);
	bind_int_or_null(s, 10, p->size, p->size > 0);
	return step_done(st, s, err);
}

/* store_checkpoint - record progress with the rows it covers, and commit */
int store_checkpoint(struct store *st, int64_t source_id, const struct store_progress *p,
                     struct sl_error *err)
{
	if (begin_write(st, err) < 0 || put_progress(st, source_id, p, err) < 0)
		return -1;
	return commit(st, err);
}

/* store_commit - end the current batch */
int store_commit(struct store *st, struct sl_error *err)
{
	return commit(st, err);
}

/* put_unrecognized - set, add or delete one (source, program, reason) count */
static int put_unrecognized(struct store *st, int64_t source_id, const struct store_tally *t,
                            bool add, struct sl_error *err)
{
	sqlite3_stmt *s = st->stmt[!t->count ? S_UNREC_DEL : add ? S_UNREC_ADD : S_UNREC_SET];
	sqlite3_bind_int64(s, 1, source_id);
	bind_str(s, 2, t->program ? t->program : "");
	bind_str(s, 3, t->reason ? t->reason : "");
	if (t->count) {
		sqlite3_bind_int64(s, 4, (int64_t)t->count);
		for (size_t i = 0; i < STORE_UNRECOGNIZED_SAMPLES; i++)
			bind_str(s, 5 + (int)i, i < t->nsamples && t->samples ? t->samples[i] : NULL);
	}
	return step_done(st, s, err);
}

/* store_set_unrecognized - replace one (source, program, reason) count */
int store_set_unrecognized(struct store *st, int64_t source_id, const char *program,
                           const char *reason, uint64_t count, const char *const *samples,
                           size_t nsamples, struct sl_error *err)
{
	if (begin_write(st, err) < 0)
		return -1;
	struct store_tally t = { program, reason, count, samples, nsamples };
	if (put_unrecognized(st, source_id, &t, false, err) < 0)
		return -1;
	return row_written(st, err);
}

/* store_resume_point - one transaction: the rows so far, the source's
 * progress and lines not understood, and the correlator's state */
int store_resume_point(struct store *st, const struct store_resume *rp, struct sl_error *err)
{
	if (begin_write(st, err) < 0)
		return -1;
	if (rp->from_start) {
		sqlite3_stmt *s = st->stmt[S_UNREC_CLEAR];
		sqlite3_bind_int64(s, 1, rp->source_id);
		if (step_done(st, s, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < rp->ntallies; i++)
		if (rp->tallies[i].count &&
		    put_unrecognized(st, rp->source_id, &rp->tallies[i], true, err) < 0)
			return -1;
	if (rp->source_id > 0 && put_progress(st, rp->source_id, &rp->progress, err) < 0)
		return -1;
	if (rp->state) {
		sqlite3_stmt *s = st->stmt[S_STATE_PUT];
		sqlite3_bind_int64(s, 1, (int64_t)rp->open_messages);
		sqlite3_bind_blob(s, 2, rp->state, (int)rp->state_len, SQLITE_STATIC);
		if (step_done(st, s, err) < 0)
			return -1;
	}
	sl_fault("resume-commit");
	if (commit(st, err) < 0)
		return -1;
	sl_fault("resumed");
	return 0;
}

/* store_load_state - the state of the last resume point, or len 0 */
int store_load_state(struct store *st, struct sl_buf *out, struct sl_error *err)
{
	sl_buf_reset(out);
	sqlite3_stmt *s = st->stmt[S_STATE_GET];
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(s, 0);
		int n = sqlite3_column_bytes(s, 0);
		if (p && n > 0)
			sl_buf_add(out, p, (size_t)n);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, rc, err, "read");
	return 0;
}

/* ---- open and close */

/* ---- a new database: built under another name, without a journal
 *
 * Until the file exists there is nothing a crash could damage, so a first
 * load writes PATH.loading with no journal and no fsync (a fifth to a
 * quarter faster than WAL, whose pages are written twice), and store_close
 * renames it to PATH once it is complete and synced. A crash or kill leaves
 * no database, only the .loading file, which the next run replaces. The
 * .loading file is flock()ed by the run that builds it. */

static const char *const loading_leftovers[] = { "-journal", "-wal", "-shm" };

/* unlink_with_suffix - remove base+suffix, ignoring a missing file */
static void unlink_with_suffix(const char *base, const char *suffix)
{
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_addf(&b, "%s%s", base, suffix);
	unlink(b.data);
	sl_buf_release(&b);
}

/* file_mode - 0600, or 0640 when a group shares the database */
static mode_t file_mode(const struct store *st)
{
	return st->opt.group >= 0 ? 0640 : 0600;
}

/* set_group - a new file's group, when one is given */
static int set_group(const struct store *st, int fd, const char *path, struct sl_error *err)
{
	if (st->opt.group < 0)
		return 0;
	if (fchown(fd, (uid_t)-1, (gid_t)st->opt.group) < 0 || fchmod(fd, 0640) < 0)
		return sl_error_set(err, SL_EIO, "cannot give '%s' to group %ld: %s", path,
		                    (long)st->opt.group, strerror(errno));
	return 0;
}

/* lock_waiting - flock(LOCK_EX), retried for up to wait_ms */
static int lock_waiting(int fd, int wait_ms)
{
	for (int waited = 0;; waited += 100) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK || waited >= wait_ms)
			return -1;
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* begin_loading - if path does not exist, lock and reset PATH.loading and
 * make it st->loading: 1; 0 when path exists; -1 with err */
static int begin_loading(struct store *st, struct sl_error *err)
{
	struct stat target;
	struct sl_buf tmp;
	sl_buf_init(&tmp);
	sl_buf_addf(&tmp, "%s.loading", st->path);
	for (int attempt = 0; attempt < 3; attempt++) {
		if (stat(st->path, &target) == 0 || errno != ENOENT)
			break;   /* it exists (or SQLite will say why it cannot be opened) */
		/* never through a link, never another user's file */
		bool created = false;
		int fd = sl_open_safe(tmp.data, O_RDWR, file_mode(st), &created, err);
		if (fd < 0) {
			sl_buf_release(&tmp);
			return -1;
		}
		if (created && set_group(st, fd, tmp.data, err) < 0) {
			close(fd);
			unlink(tmp.data);
			sl_buf_release(&tmp);
			return -1;
		}
		if (lock_waiting(fd, st->opt.wait_ms) < 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				sl_error_set(err, SL_EBUSY, "database '%s' is being created by another "
				             "smtplog run (lock on '%s'); waited %d s (--wait)", st->path,
				             tmp.data, st->opt.wait_ms / 1000);
			else
				sl_error_set(err, SL_EIO, "cannot lock '%s': %s", tmp.data, strerror(e));
			sl_buf_release(&tmp);
			return -1;
		}
		/* The file locked must still be the one named .loading (another
		 * run may have renamed it into place meanwhile) and the database
		 * must still be missing. */
		struct stat held, named;
		bool ours = fstat(fd, &held) == 0 && stat(tmp.data, &named) == 0 &&
		            held.st_dev == named.st_dev && held.st_ino == named.st_ino;
		if (ours && stat(st->path, &target) < 0 && errno == ENOENT) {
			/* A killed run's file and journals: start afresh. */
			for (size_t i = 0; i < sizeof loading_leftovers / sizeof *loading_leftovers; i++)
				unlink_with_suffix(tmp.data, loading_leftovers[i]);
			if (ftruncate(fd, 0) < 0) {
				sl_error_set(err, SL_EIO, "cannot reset '%s': %s", tmp.data, strerror(errno));
				close(fd);
				sl_buf_release(&tmp);
				return -1;
			}
			st->loading = xstrdup(tmp.data);
			st->loading_fd = fd;
			sl_buf_release(&tmp);
			return 1;
		}
		if (ours)
			unlink(tmp.data);   /* the database appeared: this one is stray */
		close(fd);
	}
	sl_buf_release(&tmp);
	return 0;
}

static void *sync_loading(void *arg)
{
	(void)fdatasync(*(int *)arg);
	return NULL;
}

/* start_writeback - a new file's pages on their way to disk now, on a
 * thread of their own, so that the fsync before the file takes the
 * database's name (finish_loading) finds most of them written: the disk
 * works while the indexes are built and the report is read, not after.
 * Once per load; without a thread, the fsync does it all as before. */
static void start_writeback(struct store *st)
{
	if (!st->loading || st->loading_fd < 0 || st->syncing)
		return;
	st->syncing = pthread_create(&st->syncer, NULL, sync_loading, &st->loading_fd) == 0;
}

/* end_writeback - wait for start_writeback's thread */
static void end_writeback(struct store *st)
{
	if (st->syncing)
		pthread_join(st->syncer, NULL);
	st->syncing = false;
}

/* finish_loading - sync PATH.loading and rename it to path; or, after an
 * SQLite error (no journal: the file may be inconsistent), remove it */
static int finish_loading(struct store *st, bool keep, struct sl_error *err)
{
	int ret = 0;
	struct stat target;
	struct stat wal;
	struct sl_buf wal_path;
	sl_buf_init(&wal_path);
	sl_buf_addf(&wal_path, "%s-wal", st->loading);
	bool wal_left = stat(wal_path.data, &wal) == 0 && wal.st_size > 0;
	sl_buf_release(&wal_path);
	if (keep && wal_left) {
		/* Pages still in the WAL (another process held it open): the main
		 * file alone would be incomplete. */
		ret = sl_error_set(err, SL_EBUSY, "'%s' is still in use; this run's database is "
		                   "left in '%s'", st->loading, st->loading);
	} else if (keep && stat(st->path, &target) == 0 && target.st_size > 0) {
		/* Someone else made a database there meanwhile: do not replace it. */
		ret = sl_error_set(err, SL_EBUSY, "'%s' was created by another process during this "
		                   "run; this run's database is left in '%s'", st->path, st->loading);
	} else if (keep) {
		end_writeback(st);
		if (fsync(st->loading_fd) < 0 || rename(st->loading, st->path) < 0) {
			ret = sl_error_set(err, SL_EIO, "cannot move '%s' to '%s': %s", st->loading,
			                   st->path, strerror(errno));
		} else {
			/* the rename itself, durable */
			char *dir = xstrdup(st->path);
			char *slash = strrchr(dir, '/');
			if (slash)
				slash[slash == dir ? 1 : 0] = '\0';
			int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
			free(dir);
		}
	} else {
		unlink(st->loading);
		for (size_t i = 0; i < sizeof loading_leftovers / sizeof *loading_leftovers; i++)
			unlink_with_suffix(st->loading, loading_leftovers[i]);
		if (err && !err->msg[0])
			sl_error_set(err, SL_EDB, "nothing was stored: the new database '%s' was "
			             "discarded after an error", st->path);
		else if (err)
			snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
			         " (nothing was stored: the new database was discarded)");
	}
	end_writeback(st);   /* never close the fd under it */
	close(st->loading_fd);
	st->loading_fd = -1;
	return ret;
}

/* create_schema - a new, empty database: tables, views and the version
 * stamps in one transaction (DDL is transactional in SQLite) */
static int create_schema(struct store *st, struct sl_error *err)
{
	int64_t n = 0;
	char *sql = NULL;
	int ret = -1;

	/* 16 KiB pages: the loads, index builds and report scan the file in
	 * order, and a quarter of the page reads costs a tenth less CPU than
	 * SQLite's 4 KiB (docs/performance.md, seventh session). Set before the
	 * first table; a file that has pages keeps its own size. */
	if (exec(st, "PRAGMA page_size = " STORE_PAGE_SIZE, err, "create the schema in") < 0 ||
	    exec(st, "BEGIN IMMEDIATE", err, "create the schema in") < 0)
		return -1;
	/* Re-check under the write lock: another process may have won. */
	if (query_int(st, "SELECT count(*) FROM sqlite_master", &n, err) < 0)
		goto out;
	if (n == 0) {
		sql = sqlite3_mprintf("%s PRAGMA application_id = %d; PRAGMA user_version = %d;",
		                      schema_sql, STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
		if (!sql)
			SL_BUG("out of memory in sqlite3_mprintf");
		if (exec(st, sql, err, "create the schema in") < 0 ||
		    store_summary_ensure(st->db, err) < 0)
			goto out;
	}
	ret = exec(st, "COMMIT", err, "create the schema in");
out:
	sqlite3_free(sql);
	if (ret < 0 && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

/* migrate - bring an older schema up to STORE_SCHEMA_VERSION in one transaction */
static int migrate(struct store *st, int64_t from, struct sl_error *err)
{
	if (from < 1)
		return sl_error_set(err, SL_EDB, "'%s' has an unknown smtplog schema version %lld",
		                    st->path, (long long)from);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	/* Tables renamed aside keep every other table's text as it is. */
	if (exec(st, "PRAGMA legacy_alter_table = ON", err, "upgrade") < 0 ||
	    exec(st, "BEGIN IMMEDIATE", err, "upgrade") < 0)
		return -1;
	for (int64_t v = from + 1; v <= STORE_SCHEMA_VERSION; v++)
		if (migrations[v] && exec(st, migrations[v], err, "upgrade") < 0)
			goto fail;
	/* counted afresh: the triggers alone do not say the tables are new */
	if (store_summary_recount(st->db, err) < 0)
		goto fail;
	if (exec(st, sql, err, "upgrade") < 0 || exec(st, "COMMIT", err, "upgrade") < 0)
		goto fail;
	sqlite3_exec(st->db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
	return 0;
fail:
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
	return -1;
}

/* check_schema - create, accept, upgrade or refuse what path holds */
static int check_schema(struct store *st, struct sl_error *err)
{
	int64_t app = 0, version = 0, objects = 0;
	/* The first read: a file that is not SQLite fails here. */
	if (query_int(st, "PRAGMA application_id", &app, err) < 0 ||
	    query_int(st, "PRAGMA user_version", &version, err) < 0 ||
	    query_int(st, "SELECT count(*) FROM sqlite_master", &objects, err) < 0)
		return -1;
	if (app == 0 && version == 0 && objects == 0)
		return create_schema(st, err);
	if (app != STORE_APPLICATION_ID)
		return sl_error_set(err, SL_EDB, "'%s' is not an smtplog database", st->path);
	if (version > STORE_SCHEMA_VERSION)
		return sl_error_set(err, SL_EDB,
		                    "'%s' was written by a newer smtplog (schema version %lld, "
		                    "this binary knows %d)",
		                    st->path, (long long)version, STORE_SCHEMA_VERSION);
	if (version < STORE_SCHEMA_VERSION)
		return migrate(st, version, err);
	return 0;
}

/* store_library_init - process-wide SQLite settings, before any connection:
 * no memory statistics (smtplog reads none), which spares a global mutex on
 * every allocation: 6% of the writer thread's instructions. Statement
 * journals in memory up to STORE_STMT_JOURNAL bytes (SQLite spills them to
 * a temporary file past 64 KiB, four 16 KiB pages): a load into an existing
 * database updates messages under the summary triggers, and each such
 * statement saved its pages to a file, 19 MiB of writes an hourly run. */
void store_library_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STORE_STMT_JOURNAL);
}

/* check_files - the database and the files SQLite keeps beside it, where
 * they exist, are regular files of this user: SQLite would write through
 * a planted link (the new -wal, -shm and -journal it makes itself with
 * O_EXCL|O_NOFOLLOW) */
static int check_files(const char *path, struct sl_error *err)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	struct sl_buf b;
	sl_buf_init(&b);
	int rc = 0;
	for (size_t i = 0; i < SL_ARRAY_LEN(sfx) && rc == 0; i++) {
		sl_buf_reset(&b);
		sl_buf_addf(&b, "%s%s", path, sfx[i]);
		rc = sl_check_own(b.data, err);
	}
	sl_buf_release(&b);
	return rc;
}

/* open_readonly - a reader's connection: SQLITE_OPEN_READONLY, no schema
 * change, no knowledge tables, nothing written, so a member of the file's
 * group reads a 0640 database (and its -wal and -shm while a writer runs) */
static struct store *open_readonly(struct store *st, struct sl_error *err)
{
	int rc = sqlite3_open_v2(st->path, &st->db,
	                         SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
	                         NULL);
	int64_t app = 0, version = 0;
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "open");
	} else {
		sqlite3_extended_result_codes(st->db, 0);
		sqlite3_busy_timeout(st->db, st->opt.wait_ms);
		if (query_int(st, "PRAGMA application_id", &app, err) == 0 &&
		    query_int(st, "PRAGMA user_version", &version, err) == 0) {
			if (app != STORE_APPLICATION_ID)
				rc = sl_error_set(err, SL_EDB, "'%s' is not an smtplog database", st->path);
			else if (version > STORE_SCHEMA_VERSION)
				rc = sl_error_set(err, SL_EDB, "'%s' was written by a newer smtplog (schema "
				                  "version %lld, this binary knows %d)", st->path,
				                  (long long)version, STORE_SCHEMA_VERSION);
			else if (version < 2)
				rc = sl_error_set(err, SL_EDB, "'%s' has an older schema (version %lld): "
				                  "the next 'smtplog analyze' upgrades it", st->path,
				                  (long long)version);
			else
				return st;
		}
	}
	sqlite3_close(st->db);
	free(st->path);
	free(st);
	return NULL;
}

/* store_open - open or create the database at path */
struct store *store_open(const char *path, struct sl_error *err)
{
	return store_open_opts(path, NULL, err);
}

struct store *store_open_opts(const char *path, const struct store_options *opt,
                              struct sl_error *err)
{
	bool memory = strcmp(path, ":memory:") == 0;
	struct store *st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->loading_fd = -1;
	st->opt = opt ? *opt : (struct store_options){ .wait_ms = STORE_BUSY_TIMEOUT_MS, .group = -1 };
	if (st->opt.wait_ms < 0)
		st->opt.wait_ms = 0;
	if (st->opt.readonly && !memory) {
		st->readonly = true;
		return open_readonly(st, err);
	}
	if (!memory && *path) {
		int fresh = check_files(path, err) < 0 ? -1 : begin_loading(st, err);
		if (fresh < 0) {
			free(st->path);
			free(st);
			return NULL;
		}
	}
	st->adopt_window = STORE_DEFAULT_ADOPT_WINDOW;
	sl_buf_init(&st->scratch);
	st->sum = store_summary_acc_new();
	st->sum_msg = store_summary_acc_new();
	st->health = store_health_acc_new();
	st->sink = (struct sink){
		.ctx = st,
		.message_open = sink_message_open,
		.message_update = sink_message_update,
		.event = sink_event,
		.health = store_health_sink,
		.handoff_late = sink_handoff_late,
	};

	int rc = sqlite3_open_v2(st->loading ? st->loading : path, &st->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	                         SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		db_fail(st, rc, err, "open");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 0);
	sqlite3_busy_timeout(st->db, st->opt.wait_ms);
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		/* SQLite opens a file it cannot write read-only, and fails later */
		sl_error_set(err, SL_EIO, "cannot write '%s': a readonly database (this user may "
		             "not write the file)", path);
		goto fail;
	}
	if (st->loading && exec(st, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", err,
	                        "open") < 0)
		goto fail;
	/* foreign_keys stays OFF: the sink writes a message row before the
	 * events and copies that name it (correlate opens a message before
	 * anything refers to it), the ingest is the only writer, and enforcing
	 * would add a lookup in messages to every event insert. The
	 * REFERENCES clauses document the joins. */
	if (check_schema(st, err) < 0)
		goto fail;
	/* 4 MiB of page cache: rows are appended, so a larger cache bought no
	 * time on the benchmarks (32 MiB cost 24 MiB more memory). SQLite's
	 * sorter (CREATE INDEX, GROUP BY) takes up to as much again. */
	if (exec(st, "PRAGMA cache_size = " STORE_CACHE_KIB, err, "open") < 0)
		goto fail;
	for (int i = 0; i < S_COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                        &st->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			db_fail(st, rc, err, "open");
			goto fail;
		}
	}
	return st;
fail:
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	store_summary_acc_free(st->sum);
	store_summary_acc_free(st->sum_msg);
	store_health_acc_free(st->health);
	sqlite3_close(st->db);
	if (st->loading) {
		finish_loading(st, false, NULL);
		free(st->loading);
	}
	sl_buf_release(&st->scratch);
	free(st->path);
	free(st);
	return NULL;
}

/* store_build_indexes - commit, and build the indexes (those of the
 * report, or all) a load into empty tables left out, in one sort each */
int store_build_indexes(struct store *st, enum store_index_set which, struct sl_error *err)
{
	if (commit(st, err) < 0)
		return -1;
	if (!st->bulk)
		return 0;
	start_writeback(st);   /* the rows, while the indexes are built */
	const char *sql = "BEGIN IMMEDIATE; " SCHEMA_INDEXES;
	if (which == STORE_INDEXES_REPORT)
		sql = "BEGIN IMMEDIATE; " SCHEMA_INDEXES_REPORT;
	else
		st->bulk = false;
	if (exec(st, sql, err, "index") < 0 || exec(st, "COMMIT", err, "index") < 0) {
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* store_end_load - every index a load left out */
int store_end_load(struct store *st, struct sl_error *err)
{
	return store_build_indexes(st, STORE_INDEXES_ALL, err);
}

/* store_open_reader - a second, read-only connection to the file, for a
 * report while this one writes; NULL when there is no file to share */
struct sqlite3 *store_open_reader(struct store *st, struct sl_error *err)
{
	if (!*st->path || strcmp(st->path, ":memory:") == 0 || !st->load_checked)
		return NULL;
	if (!st->wal) {
		/* A new file, written without a journal so far: a reader beside
		 * the writer needs WAL. */
		if (commit(st, err) < 0 ||
		    exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", err, "write") < 0)
			return NULL;
		st->wal = true;
		start_writeback(st);   /* the main file, while the report is read */
	}
	return store_open_read_connection(st->loading ? st->loading : st->path, err);
}

struct sqlite3 *store_open_read_connection(const char *path, struct sl_error *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sl_error_set(err, SL_EDB, "cannot open '%s' for reading: %s", path,
		             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_exec(db, "PRAGMA cache_size = " STORE_CACHE_KIB, NULL, NULL, NULL);
	return db;
}

void store_close_reader(struct sqlite3 *db)
{
	sqlite3_close(db);
}

/* store_close - commit, tidy the file for readers, free st */
int store_close(struct store *st, struct sl_error *err)
{
	int ret = 0;
	if (!st)
		return 0;
	sl_fault("closing");
	if (st->db && commit(st, err) < 0)
		ret = -1;
	if (st->db && ret == 0 && store_end_load(st, err) < 0)
		ret = -1;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	store_summary_acc_free(st->sum);
	store_summary_acc_free(st->sum_msg);
	store_health_acc_free(st->health);
	st->sum = st->sum_msg = NULL;
	st->health = NULL;
	if (st->db && (st->wal || st->loading))
		sqlite3_exec(st->db, "PRAGMA optimize", NULL, NULL, NULL);   /* planner statistics */
	if (st->db && st->wal) {
		/* Fold the WAL into the main file and leave rollback-journal mode,
		 * so a member of the file's group can read it without write access
		 * to the directory (at rest there is no -wal or -shm to open). A
		 * reader in the middle of a report holds the WAL: wait for it as
		 * for a writer. If it holds on longer, the file stays in WAL mode
		 * with its -wal and -shm (which readers can open) until the next
		 * writer's close. */
		for (int waited = 0;; waited += 100) {
			sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
			int64_t wal = 1;
			sqlite3_stmt *s = NULL;
			if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=DELETE", -1, &s, NULL) ==
			        SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
				wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
			sqlite3_finalize(s);
			if (!wal || waited >= st->opt.wait_ms)
				break;
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	if (st->db) {
		int rc = sqlite3_close(st->db);
		if (rc != SQLITE_OK && ret == 0) {
			ret = sl_error_set(err, SL_EDB, "cannot close '%s': %s", st->path,
			                   sqlite3_errstr(rc));
		}
	}
	if (st->loading) {
		if (finish_loading(st, ret == 0 && !st->broken, err) < 0 || st->broken)
			ret = -1;
		free(st->loading);
	}
	sl_buf_release(&st->scratch);
	free(st->path);
	free(st);
	return ret;
}

const struct sink *store_sink(struct store *st)
{
	return &st->sink;
}

struct sqlite3 *store_db(struct store *st)
{
	/* whoever reads through it sees the summary counts of the rows of
	 * the open batch too (added to that batch's transaction) */
	struct sl_error err = { 0 };
	if (st->in_tx && (store_health_flush(st->health, st->db, &err) < 0 ||
	                  store_summary_flush(st->sum, st->db, &err) < 0 ||
	                  store_summary_flush(st->sum_msg, st->db, &err) < 0))
		st->broken = true;
	return st->db;
}

/* store_set_reason_classifier - plug in the reasons module for failures */
void store_set_reason_classifier(struct store *st,
                                 const char *(*classify)(void *ctx, const struct event *ev),
                                 void *ctx)
{
	st->classify = classify;
	st->classify_ctx = ctx;
}

/* store_set_adopt_window - how far back an unfinished message may be adopted */
void store_set_adopt_window(struct store *st, int64_t seconds)
{
	st->adopt_window = seconds > 0 ? seconds : 0;
}

/* ---- retention */

/* store_prune - events and messages whose last line is before `before`,
 * and what refers only to them, deleted in one transaction; the file
 * then rebuilt (VACUUM) so the space goes back to the file system.
 * Sources stay: a pruned file that shows up again is known by its
 * fingerprint and read from where it was read to, which is its end. */
int store_prune(struct store *st, const char *before, const struct store_prune_keep *keep,
                struct store_prune_stats *out, struct sl_error *err)
{
	memset(out, 0, sizeof *out);
	if (st->readonly)
		SL_BUG("store_prune on a read-only store");
	struct stat sb;
	if (st->loading || stat(st->path, &sb) < 0)
		sb.st_size = 0;
	out->bytes_before = (int64_t)sb.st_size;
	sqlite3_stmt *s = NULL;
	/* the messages a later run goes on with (a TEMP table: not in the file) */
	if (exec(st, "CREATE TEMP TABLE IF NOT EXISTS prune_keep(id INTEGER PRIMARY KEY);"
	             "DELETE FROM prune_keep", err, "prune") < 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO prune_keep VALUES (?1)", -1, &s,
	                       NULL) != SQLITE_OK)
		return db_fail(st, sqlite3_errcode(st->db), err, "prune");
	for (size_t i = 0; i < keep->nids; i++) {
		sqlite3_bind_int64(s, 1, keep->ids[i]);
		if (step_done(st, s, err) < 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	if (begin_write(st, err) < 0)
		return -1;
	static const char *const sql[] = {
		"DELETE FROM events WHERE ts < ?1",
		/* a message is pruned with its last line, never while lines of it
		 * remain or while it is open (a later run updates its row) */
		"DELETE FROM messages WHERE last_ts < ?1 AND NOT EXISTS"
		" (SELECT 1 FROM events e WHERE e.message_id = messages.id)"
		" AND id NOT IN (SELECT id FROM temp.prune_keep)",
		"DELETE FROM message_continuations WHERE NOT EXISTS"
		" (SELECT 1 FROM messages m WHERE m.id = message_continuations.message_id)",
		"UPDATE messages SET origin_id = NULL WHERE origin_id IS NOT NULL AND NOT EXISTS"
		" (SELECT 1 FROM messages o WHERE o.id = messages.origin_id)",
		STORE_HEALTH_PRUNE,
	};
	int64_t *counts[] = { &out->events, &out->messages, NULL, NULL, NULL };
	for (size_t i = 0; i <= SL_ARRAY_LEN(sql); i++) {
		if (i == SL_ARRAY_LEN(sql)) {
			/* the open messages left, with the rows they need */
			if (!keep->state)
				break;
			s = st->stmt[S_STATE_PUT];
			sqlite3_bind_int64(s, 1, (int64_t)keep->open_messages);
			sqlite3_bind_blob(s, 2, keep->state, (int)keep->state_len, SQLITE_STATIC);
			int rc = sqlite3_step(s);
			sqlite3_reset(s);
			s = NULL;
			if (rc == SQLITE_DONE)
				break;
			db_fail(st, rc, err, "prune");
			if (!sqlite3_get_autocommit(st->db))
				sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			st->in_tx = false;
			return -1;
		}
		int rc = sqlite3_prepare_v2(st->db, sql[i], -1, &s, NULL);
		if (rc == SQLITE_OK) {
			if (sqlite3_bind_parameter_count(s) > 0)
				sqlite3_bind_text(s, 1, before, -1, SQLITE_STATIC);
			rc = sqlite3_step(s);
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			db_fail(st, rc, err, "prune");
			if (!sqlite3_get_autocommit(st->db))
				sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			st->in_tx = false;
			return -1;
		}
		if (counts[i])
			*counts[i] = sqlite3_changes64(st->db);
	}
	if (commit(st, err) < 0)
		return -1;
	/* VACUUM runs outside a transaction and rewrites the file: in WAL
	 * mode the new pages go through the WAL, which the close folds in */
	if (exec(st, "VACUUM", err, "compact") < 0)
		return -1;
	return 0;
}

/* store_file_size - see store.h */
int64_t store_file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}
