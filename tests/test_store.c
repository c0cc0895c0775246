/* test_store: the schema and its stamps, exact rows written through the
 * sink, idempotent re-runs, adoption of unfinished messages across runs,
 * source identity by fingerprint and by prefix, the error paths (not ours,
 * newer, garbage, locked), unrecognized counts, the views, and a printed
 * (never asserted) insert rate. Files go to a mkdtemp directory in /tmp. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store.h"
#include "util.h"

/* ---- helpers */

static void write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

static void write_gz(const char *path, const char *data)
{
	gzFile gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, data, (unsigned)strlen(data)), (int)strlen(data));
	assert_int_equal(gzclose(gz), Z_OK);
}

static struct sl_span S(const char *s)
{
	return s ? (struct sl_span){ s, strlen(s) } : SL_SPAN_NULL;
}

static struct sl_time T(const char *iso)
{
	struct sl_time t = { 0, 0, 0 };
	if (iso)
		assert_int_equal(sl_time_parse_iso(iso, strlen(iso), &t), 0);
	return t;
}

static struct store *must_open(const char *path)
{
	struct sl_error err = { 0 };
	struct store *st = store_open(path, &err);
	if (!st)
		fail_msg("store_open '%s': %s", path, err.msg);
	return st;
}

static void must_close(struct store *st)
{
	struct sl_error err = { 0 };
	if (store_close(st, &err) != 0)
		fail_msg("store_close: %s", err.msg);
}

/* row - the first row of sql, columns joined by '|', NULL shown as "~";
 * the caller frees. NULL when there is no row. */
static char *row(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	struct sl_buf b;
	sl_buf_init(&b);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return NULL;
	}
	for (int i = 0; i < sqlite3_column_count(s); i++) {
		if (i)
			sl_buf_addc(&b, '|');
		const unsigned char *v = sqlite3_column_text(s, i);
		sl_buf_adds(&b, v ? (const char *)v : "~");
	}
	sqlite3_finalize(s);
	return sl_buf_detach(&b);
}

static void assert_row(sqlite3 *db, const char *sql, const char *want)
{
	char *got = row(db, sql);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s\n  got  \"%s\"\n  want \"%s\"", sql, got ? got : "(no row)", want);
	free(got);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
	char *r = row(db, sql);
	assert_non_null(r);
	int64_t v = strtoll(r, NULL, 10);
	free(r);
	return v;
}

/* One log line's worth of structs, as ingest would fill them. */
struct line {
	struct logline ll;
	struct event ev;
	struct corr_pos pos;
	struct corr_event ce;
};

static void line_init(struct line *l, int64_t source_id, uint64_t offset, const char *ts,
                      enum ev_kind kind, enum ev_class cls)
{
	memset(l, 0, sizeof *l);
	l->ll.format = LOGLINE_RFC3164;
	l->ll.has_ts = ts != NULL;
	l->ll.ts = T(ts);
	l->ll.host = S("mx1");
	l->ll.program = S("postfix/smtp");
	l->ll.pid = 123;
	l->ev.mta = EV_MTA_POSTFIX;
	l->ev.kind = kind;
	l->ev.class = cls;
	l->ev.size = -1;
	l->ev.nrcpt = -1;
	l->ev.delay = -1;
	l->pos.source_id = source_id;
	l->pos.file = "mail.log";
	l->pos.line = offset / 100 + 1;
	l->pos.offset = offset;
	l->ce.ev = &l->ev;
	l->ce.ll = &l->ll;
	l->ce.pos = &l->pos;
}

static void put_event(struct store *st, struct line *l)
{
	struct sl_error err = { 0 };
	const struct sink *k = store_sink(st);
	if (k->event(k->ctx, &l->ce, &err) != 0)
		fail_msg("event: %s", err.msg);
}

static void msg_init(struct corr_message *m, const char *host, const char *qid,
                     int64_t source_id, uint64_t offset, const char *first, const char *last)
{
	memset(m, 0, sizeof *m);
	m->mta = EV_MTA_POSTFIX;
	m->host = (char *)host;
	m->queue_id = (char *)qid;
	m->size = -1;
	m->nrcpt = -1;
	m->first_ts = T(first);
	m->last_ts = T(last ? last : first);
	m->source_id = source_id;
	m->first_offset = offset;
}

static int64_t put_open(struct store *st, struct corr_message *m)
{
	struct sl_error err = { 0 };
	const struct sink *k = store_sink(st);
	if (k->message_open(k->ctx, m, &err) != 0)
		fail_msg("message_open: %s", err.msg);
	assert_true(m->id > 0);
	return m->id;
}

static void put_update(struct store *st, const struct corr_message *m)
{
	struct sl_error err = { 0 };
	const struct sink *k = store_sink(st);
	if (k->message_update(k->ctx, m, &err) != 0)
		fail_msg("message_update: %s", err.msg);
}

/* A source row without a reader: a stand-in for store_source_begin. */
static int64_t fake_source(struct store *st, const char *path)
{
	char *sql = sqlite3_mprintf("INSERT INTO sources(path, fingerprint, fingerprint_len)"
	                            " VALUES (%Q, 'x', 1)", path);
	assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	return sqlite3_last_insert_rowid(store_db(st));
}

/* ---- schema */

static void test_new_schema(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	sqlite3 *db = store_db(st);
	assert_int_equal(q_int(db, "PRAGMA application_id"), STORE_APPLICATION_ID);
	assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(q_int(db, "PRAGMA foreign_keys"), 0);
	assert_int_equal(q_int(db, "PRAGMA page_size"), 16384);   /* set before the first table */
	assert_row(db,
	           "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	           " WHERE type = 'table' ORDER BY name)",
	           "correlate_state events health message_continuations messages sources summary_delays"
	           " summary_events summary_messages unrecognized");
	assert_row(db,
	           "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	           " WHERE type = 'trigger' ORDER BY name)",
	           "summary_events_delete summary_events_update summary_messages_delete"
	           " summary_messages_update");
	assert_row(db,
	           "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	           " WHERE type = 'view' ORDER BY name)",
	           "v_daily_summary v_deliveries v_failures_permanent v_failures_transient"
	           " v_forwarding v_rejections v_top_deferring_domains");
	assert_row(db,
	           "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	           " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)",
	           "events_forwarding events_handoff events_kind_ts events_message"
	           " events_recipient_domain events_ts health_key messages_copies messages_host_queue"
	           " messages_unfinished sources_fingerprint");
	/* every view compiles */
	assert_int_equal(q_int(db, "SELECT count(*) FROM v_daily_summary"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM v_top_deferring_domains"), 0);
	must_close(st);
}

static void test_file_mode_and_journal(void **state)
{
	(void)state;
	const char *path = test_tmp_path("mode.db");
	mode_t um = umask(022);
	umask(um);
	/* A new file is loaded without a journal, an existing one in WAL mode;
	 * both end in rollback-journal mode with no WAL left. */
	for (int run = 0; run < 2; run++) {
		struct store *st = must_open(path);
		int64_t src = fake_source(st, run ? "b.log" : "a.log");
		struct line l;
		line_init(&l, src, 0, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
		put_event(st, &l);
		assert_row(store_db(st), "PRAGMA journal_mode", run ? "wal" : "off");
		if (run)   /* the WAL is folded in at 64 MiB, in this file's 16 KiB pages */
			assert_int_equal(q_int(store_db(st), "PRAGMA wal_autocheckpoint"), 4096);
		must_close(st);

		struct stat sb;
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600 & ~um);   /* personal data: 0600 */
		assert_int_equal(stat(test_tmp_path("mode.db-wal"), &sb), -1);
		assert_int_equal(errno, ENOENT);

		sqlite3 *db = NULL;
		assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		assert_row(db, "PRAGMA journal_mode", "delete");
		assert_int_equal(q_int(db, "SELECT count(*) FROM events"), run + 1);
		sqlite3_close(db);
	}
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A new database is built as PATH.loading and appears whole at close; a
 * killed run's .loading file and journals are replaced; a second run
 * while one builds it is refused as busy. */
static void test_new_file_appears_at_close(void **state)
{
	(void)state;
	const char *path = test_tmp_path("new.db");
	char loading[512], wal[512];
	snprintf(loading, sizeof loading, "%s.loading", path);
	snprintf(wal, sizeof wal, "%s.loading-wal", path);
	write_file(loading, "left by a killed run: not a database");
	write_file(wal, "a stale WAL that must not be replayed");

	struct store *st = must_open(path);
	assert_false(exists(path));
	assert_true(exists(loading));
	assert_false(exists(wal));

	struct sl_error err = { 0 };
	assert_null(store_open(path, &err));
	assert_int_equal(err.code, SL_EBUSY);
	if (!strstr(err.msg, "being created by another smtplog run"))
		fail_msg("got \"%s\"", err.msg);

	int64_t src = fake_source(st, "a.log");
	struct line l;
	line_init(&l, src, 0, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
	put_event(st, &l);
	/* a reader beside the writer: the file goes to WAL for it */
	sqlite3 *reader = store_open_reader(st, &err);
	assert_non_null(reader);
	assert_row(store_db(st), "PRAGMA journal_mode", "wal");
	assert_int_equal(q_int(reader, "SELECT count(*) FROM events"), 1);
	store_close_reader(reader);
	must_close(st);

	assert_true(exists(path));
	assert_false(exists(loading));
	assert_false(exists(wal));
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_row(db, "PRAGMA integrity_check", "ok");
	assert_int_equal(q_int(db, "SELECT count(*) FROM events"), 1);
	sqlite3_close(db);
}

/* ---- events */

static const char index_list[] =
	"SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	" WHERE type = 'index' AND sql IS NOT NULL AND name LIKE 'events%' ORDER BY name)";

static void test_load_builds_indexes_at_close(void **state)
{
	(void)state;
	const char *path = test_tmp_path("bulk.db");
	const char *all = "events_forwarding events_handoff events_kind_ts events_message"
	                  " events_recipient_domain events_ts";
	/* a load into empty tables writes no index entries until the end, but
	 * to the small partial ones of hand-offs and 251/551 replies */
	struct store *st = must_open(path);
	struct line l;
	line_init(&l, 1, 0, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
	put_event(st, &l);
	assert_row(store_db(st), index_list, "events_forwarding events_handoff");
	must_close(st);
	st = must_open(path);
	assert_row(store_db(st), index_list, all);
	/* a later load keeps them up to date; one that was killed before its
	 * close left them out: the next write makes them again */
	assert_int_equal(sqlite3_exec(store_db(st), "DROP INDEX events_ts", NULL, NULL, NULL),
	                 SQLITE_OK);
	line_init(&l, 1, 100, "2026-11-23T06:25:02Z", EV_DELIVERED, EV_CLASS_SUCCESS);
	put_event(st, &l);
	assert_row(store_db(st), index_list, all);
	assert_row(store_db(st), "SELECT count(*) FROM events INDEXED BY events_ts WHERE ts > ''", "2");
	must_close(st);
}

static void test_event_row(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	int64_t src = fake_source(st, "mail.log");
	struct line l;
	line_init(&l, src, 4711, "2026-11-23T06:25:01Z", EV_DEFERRED, EV_CLASS_TRANSIENT);
	/* spans are not NUL-terminated: give them trailing garbage */
	static const char text[] = "postfix-out/smtpXX";
	l.ll.program = (struct sl_span){ text, 16 };
	l.ev.pattern_id = "postfix-smtp-deferred";
	l.ev.queue_id = S("4BQ2xY0z1Kz9");
	l.ev.sender = S("alice@example.org");
	l.ev.recipient = (struct sl_span){ "Bob@Mail.Example.NET>junk", 20 };
	l.ev.orig_recipient = S("");
	l.ev.remote_host = S("mx.example.net");
	l.ev.remote_ip = S("192.0.2.1");
	l.ev.relay = S("mx.example.net[192.0.2.1]:25");
	l.ev.reply = S("host mx.example.net[192.0.2.1] said: 451 4.7.1 Try again later");
	l.ev.status = S("deferred");
	l.ev.smtp_code = 451;
	strcpy(l.ev.enhanced_code, "4.7.1");
	l.ev.delay = 1.5;
	l.pos.seq = 2;
	l.ce.seq = 2;
	l.ce.message_id = 0;
	put_event(st, &l);

	assert_row(store_db(st),
	           "SELECT ts, host, mta, program, instance, queue_id, message_id, kind, sender,"
	           " recipient, recipient_domain, orig_recipient, remote_host, remote_ip, helo,"
	           " relay, smtp_code, enhanced_code, class, reply, reason, forward_to, status,"
	           " action, delay, handoff, pattern, source_id, file, line, offset, seq"
	           " FROM events",
	           "2026-11-23T06:25:01Z|mx1|postfix|postfix-out/smtp|postfix-out|4BQ2xY0z1Kz9|~|"
	           "deferred|alice@example.org|Bob@Mail.Example.NET|mail.example.net|~|"
	           "mx.example.net|192.0.2.1|~|mx.example.net[192.0.2.1]:25|451|4.7.1|transient|"
	           "host mx.example.net[192.0.2.1] said: 451 4.7.1 Try again later|~|~|deferred|~|"
	           "1.5|0|postfix-smtp-deferred|1|mail.log|48|4711|2");
	assert_row(store_db(st), "SELECT typeof(smtp_code), typeof(delay), typeof(offset) FROM events",
	           "integer|real|integer");
	must_close(st);
}

static void test_event_nulls_and_null_sender(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	struct line l;
	line_init(&l, 1, 0, NULL, EV_REJECTED, EV_CLASS_PERMANENT);
	l.ll.host = SL_SPAN_NULL;
	l.ll.program = SL_SPAN_NULL;
	l.ev.mta = EV_MTA_UNKNOWN;
	l.ev.sender = (struct sl_span){ "x", 0 };   /* from=<>: present but empty */
	l.ce.handoff = true;
	put_event(st, &l);
	assert_row(store_db(st),
	           "SELECT ts, host, mta, program, instance, queue_id, quote(sender), recipient,"
	           " recipient_domain, smtp_code, enhanced_code, delay, handoff, pattern FROM events",
	           "~|~|~|~|~|~|''|~|~|~|~|~|1|~");
	must_close(st);
}

static void test_instance_names(void **state)
{
	(void)state;
	static const struct {
		const char *program, *instance;
	} cases[] = {
		{ "postfix/smtp", "postfix" },
		{ "postfix-out/smtp", "postfix-out" },
		{ "postfix/submission/smtpd", "postfix/submission" },
		{ "exim", "~" },
		{ "sm-mta", "~" },
		{ "/smtp", "~" },
	};
	struct store *st = must_open(":memory:");
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct line l;
		line_init(&l, 1, i * 100, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
		l.ll.program = S(cases[i].program);
		put_event(st, &l);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT instance FROM events WHERE offset = %zu", i * 100);
		assert_row(store_db(st), sql, cases[i].instance);
	}
	must_close(st);
}

static void test_event_idempotent(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	for (int run = 0; run < 2; run++) {
		for (int i = 0; i < 3; i++) {
			struct line l;
			line_init(&l, 1, 100, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
			l.ce.seq = i;
			l.ev.recipient = S(i == 0 ? "a@x.org" : i == 1 ? "b@x.org" : "c@x.org");
			put_event(st, &l);
		}
		/* lifecycle kinds are not rows of events */
		struct line l;
		line_init(&l, 1, 200, "2026-11-23T06:25:02Z", EV_MSG_REMOVED, EV_CLASS_NONE);
		put_event(st, &l);
		line_init(&l, 1, 300, "2026-11-23T06:25:02Z", EV_NONE, EV_CLASS_NONE);
		put_event(st, &l);
	}
	assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM events"), 3);
	assert_row(store_db(st), "SELECT group_concat(recipient) FROM events ORDER BY seq",
	           "a@x.org,b@x.org,c@x.org");
	must_close(st);
}

static const char *classify_stub(void *ctx, const struct event *ev)
{
	int *calls = ctx;
	(*calls)++;
	return ev->smtp_code == 451 ? "greylisting" : NULL;
}

static void test_reason_classifier(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	int calls = 0;
	store_set_reason_classifier(st, classify_stub, &calls);
	static const struct {
		enum ev_kind kind;
		enum ev_class cls;
		int code;
		const char *reason;
	} cases[] = {
		{ EV_DEFERRED, EV_CLASS_TRANSIENT, 451, "greylisting" },
		{ EV_BOUNCED, EV_CLASS_PERMANENT, 550, "~" },
		{ EV_DELIVERED, EV_CLASS_SUCCESS, 451, "~" },   /* not asked */
		{ EV_POLICY, EV_CLASS_NONE, 451, "~" },         /* not asked */
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct line l;
		line_init(&l, 1, i, "2026-11-23T06:25:01Z", cases[i].kind, cases[i].cls);
		l.ev.smtp_code = cases[i].code;
		put_event(st, &l);
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT reason FROM events WHERE offset = %zu", i);
		assert_row(store_db(st), sql, cases[i].reason);
	}
	assert_int_equal(calls, 2);
	must_close(st);
}

/* ---- messages */

/* The summary of messages follows a message's row through the updates of
 * one batch: inserted as received mail, then found to be a content-filter
 * copy (origin_id set) before the batch commits, it counts for nothing. */
static void test_summary_messages_in_batch(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	struct corr_message a, b;
	msg_init(&a, "mx1", "ORIG1", 1, 100, "2026-11-23T06:25:01Z", NULL);
	a.arrived = true;
	a.size = 500;
	int64_t orig = put_open(st, &a);
	msg_init(&b, "mx1", "COPY1", 1, 200, "2026-11-23T06:25:02Z", NULL);
	b.arrived = true;
	b.size = 700;
	put_open(st, &b);
	b.origin_id = orig;
	b.origin = CORR_ORIGIN_FILTER;
	put_update(st, &b);
	assert_row(store_db(st), "SELECT source_id || ' ' || hour || ' ' || received || ' ' ||"
	           " notifications || ' ' || bytes_received FROM summary_messages",
	           "1 2026-11-23T06 1 0 500");
	store_close(st, NULL);
}

static void test_message_open_update(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	struct corr_message m;
	msg_init(&m, "mx1", "ABC123", 1, 1000, "2026-11-23T06:25:01Z", NULL);
	m.arrived = true;
	m.client_host = "client.example.org";
	m.client_ip = "198.51.100.7";
	m.protocol = "ESMTP";
	int64_t id = put_open(st, &m);

	m.sender = "Alice@Example.ORG";
	m.size = 1234;
	m.nrcpt = 2;
	m.header_msgid = "abc@example.org";
	m.last_ts = T("2026-11-23T06:25:09Z");
	m.client_host = NULL;      /* NULL never erases what is known */
	put_update(st, &m);
	m.removed = true;
	m.arrived = false;         /* OR-ed: stays 1 */
	m.first_ts = T("2026-11-23T06:25:05Z");   /* later: first_ts keeps the minimum */
	m.last_ts = T("2026-11-23T06:25:08Z");    /* earlier: last_ts keeps the maximum */
	put_update(st, &m);

	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT host, mta, queue_id, sender, sender_domain, size, nrcpt,"
	         " header_message_id, client_host, client_ip, helo, protocol, first_ts, last_ts,"
	         " arrived, complete, origin_id, origin, source_id, first_offset"
	         " FROM messages WHERE id = %lld", (long long)id);
	assert_row(store_db(st), sql,
	           "mx1|postfix|ABC123|Alice@Example.ORG|example.org|1234|2|abc@example.org|"
	           "client.example.org|198.51.100.7|~|ESMTP|2026-11-23T06:25:01Z|"
	           "2026-11-23T06:25:09Z|1|1|~|~|1|1000");

	/* a copy linked to its origin; a null sender */
	struct corr_message c;
	msg_init(&c, "mx1", "DEF456", 1, 2000, "2026-11-23T06:25:03Z", NULL);
	c.arrived = true;
	c.sender = "";
	c.origin_id = id;
	c.origin = CORR_ORIGIN_FILTER;
	int64_t cid = put_open(st, &c);
	snprintf(sql, sizeof sql,
	         "SELECT quote(sender), sender_domain, origin_id = %lld, origin FROM messages"
	         " WHERE id = %lld", (long long)id, (long long)cid);
	assert_row(store_db(st), sql, "''|~|1|content-filter");

	/* a second run of the same content: same ids, no new rows */
	struct corr_message again;
	msg_init(&again, "mx1", "ABC123", 1, 1000, "2026-11-23T06:25:01Z", NULL);
	again.arrived = true;
	assert_int_equal(put_open(st, &again), id);
	msg_init(&again, "mx1", "DEF456", 1, 2000, "2026-11-23T06:25:03Z", NULL);
	again.arrived = true;
	assert_int_equal(put_open(st, &again), cid);
	assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM messages"), 2);
	/* and nothing learned before was lost */
	snprintf(sql, sizeof sql, "SELECT sender, complete FROM messages WHERE id = %lld",
	         (long long)id);
	assert_row(store_db(st), sql, "Alice@Example.ORG|1");
	must_close(st);
}

static void test_adoption_across_runs(void **state)
{
	(void)state;
	const char *path = test_tmp_path("adopt.db");
	struct corr_message m;
	int64_t id;

	/* run 1, file A: ABC arrives, is deferred, the file ends */
	struct store *st = must_open(path);
	int64_t a = fake_source(st, "mail.log.1");
	msg_init(&m, "mx1", "ABC", a, 500, "2026-11-23T23:50:00Z", "2026-11-23T23:59:00Z");
	m.arrived = true;
	m.sender = "alice@example.org";
	id = put_open(st, &m);
	put_update(st, &m);
	/* a finished message with a queue id that will be reused */
	msg_init(&m, "mx1", "REUSED", a, 600, "2026-11-23T23:51:00Z", "2026-11-23T23:52:00Z");
	m.arrived = true;
	m.removed = true;
	int64_t done = put_open(st, &m);
	/* an unfinished message from long ago */
	msg_init(&m, "mx1", "OLD", a, 100, "2026-11-01T00:00:00Z", NULL);
	m.arrived = true;
	int64_t old = put_open(st, &m);
	must_close(st);

	for (int run = 2; run <= 3; run++) {
		st = must_open(path);
		store_set_adopt_window(st, 7 * 24 * 3600);
		int64_t b = run == 2 ? fake_source(st, "mail.log") : 2;
		/* file B: ABC is delivered and removed; no arrival line */
		msg_init(&m, "mx1", "ABC", b, 0, "2026-11-24T00:10:00Z", "2026-11-24T00:10:05Z");
		assert_int_equal(put_open(st, &m), id);
		m.removed = true;
		put_update(st, &m);
		/* REUSED is complete: a continuation does not join it */
		msg_init(&m, "mx1", "REUSED", b, 100, "2026-11-24T00:11:00Z", NULL);
		int64_t r = put_open(st, &m);
		assert_true(r != done);
		/* OLD is outside the window */
		msg_init(&m, "mx1", "OLD", b, 200, "2026-11-24T00:12:00Z", NULL);
		int64_t o = put_open(st, &m);
		assert_true(o != old);
		/* another host's ABC is another message */
		msg_init(&m, "mx2", "ABC", b, 300, "2026-11-24T00:13:00Z", NULL);
		int64_t other = put_open(st, &m);
		assert_true(other != id);
		must_close(st);
	}

	st = must_open(path);
	sqlite3 *db = store_db(st);
	assert_int_equal(q_int(db, "SELECT count(*) FROM messages"), 6);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT sender, first_ts, last_ts, arrived, complete, source_id, first_offset"
	         " FROM messages WHERE id = %lld", (long long)id);
	assert_row(db, sql,
	           "alice@example.org|2026-11-23T23:50:00Z|2026-11-24T00:10:05Z|1|1|1|500");
	snprintf(sql, sizeof sql,
	         "SELECT source_id, first_offset, message_id = %lld FROM message_continuations",
	         (long long)id);
	assert_row(db, sql, "2|0|1");

	/* a re-run of file A adopts nothing and adds nothing */
	msg_init(&m, "mx1", "ABC", a, 500, "2026-11-23T23:50:00Z", "2026-11-23T23:59:00Z");
	m.arrived = true;
	assert_int_equal(put_open(st, &m), id);
	assert_int_equal(q_int(db, "SELECT count(*) FROM messages"), 6);
	must_close(st);
}

static void test_adopt_window_zero(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	struct corr_message m;
	msg_init(&m, "mx1", "Q1", 1, 0, "2026-11-23T10:00:00Z", NULL);
	m.arrived = true;
	int64_t id = put_open(st, &m);
	store_set_adopt_window(st, 0);
	msg_init(&m, "mx1", "Q1", 2, 0, "2026-11-23T10:00:01Z", NULL);
	assert_true(put_open(st, &m) != id);
	msg_init(&m, "mx1", "Q1", 3, 0, "2026-11-23T10:00:00Z", NULL);
	assert_int_equal(put_open(st, &m), id);   /* last_ts >= first_ts - 0 */
	must_close(st);
}

/* ---- sources */

static struct reader *rd(const char *path)
{
	struct sl_error err = { 0 };
	struct reader *r = reader_open(path, 0, &err);
	if (!r)
		fail_msg("reader_open: %s", err.msg);
	return r;
}

static struct store_source begin(struct store *st, const char *path)
{
	struct sl_error err = { 0 };
	struct store_source src;
	struct reader *r = rd(path);
	if (store_source_begin(st, path, r, &src, &err) != 0)
		fail_msg("store_source_begin: %s", err.msg);
	reader_free(r);
	return src;
}

static void progress(struct store *st, int64_t id, uint64_t lines)
{
	struct sl_error err = { 0 };
	struct store_progress p = {
		.offset = lines * 50, .lines = lines, .recognized = lines - 1, .unrecognized = 1,
		.foreign = 0, .truncated = 0,
		.first_ts = "2026-11-23T06:25:01Z", .last_ts = "2026-11-23T07:00:00Z",
	};
	if (store_checkpoint(st, id, &p, &err) != 0)
		fail_msg("store_checkpoint: %s", err.msg);
}

/* A plain file read to its end and not grown since is "unchanged" (the
 * ingest skips it); one read in part, grown, or compressed is not. */
static void test_unchanged_source(void **state)
{
	(void)state;
	const char *log = test_tmp_path("unchanged.log");
	const char *gz = test_tmp_path("unchanged.log.gz");
	const char *text = "Nov 23 06:25:01 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]\n"
	                   "Nov 23 06:25:02 mx1 postfix/smtpd[1]: disconnect from a[192.0.2.1]\n";
	write_file(log, text);
	struct store *st = must_open(":memory:");
	struct store_source s = begin(st, log);
	assert_false(s.unchanged);
	struct sl_error err = { 0 };
	struct store_progress part = { .offset = 10, .lines = 1, .recognized = 1 };
	if (store_checkpoint(st, s.id, &part, &err) != 0)
		fail_msg("store_checkpoint: %s", err.msg);
	assert_false(begin(st, log).unchanged);                 /* read in part */
	struct store_progress whole = { .offset = strlen(text), .lines = 2, .recognized = 2,
	                                .foreign = 0, .truncated = 0,
	                                .size = (int64_t)strlen(text) };
	if (store_checkpoint(st, s.id, &whole, &err) != 0)
		fail_msg("store_checkpoint: %s", err.msg);
	s = begin(st, log);
	assert_true(s.unchanged);
	assert_int_equal(s.before.lines, 2);
	assert_int_equal(s.before.recognized, 2);
	assert_int_equal(s.before.offset, strlen(text));
	write_gz(gz, text);                                     /* its end is not known by size */
	assert_false(begin(st, gz).unchanged);
	char grown[512];
	snprintf(grown, sizeof grown, "%s%s", text,
	         "Nov 23 06:26:00 mx1 postfix/smtpd[1]: connect from b[192.0.2.2]\n");
	write_file(log, grown);
	assert_false(begin(st, log).unchanged);                 /* grew */
	must_close(st);
}

static void test_source_identity(void **state)
{
	(void)state;
	const char *log = test_tmp_path("mail.log");
	const char *rot = test_tmp_path("mail.log.1");
	const char *gz = test_tmp_path("mail.log.2.gz");
	const char *other = test_tmp_path("other.log");
	const char *empty = test_tmp_path("empty.log");
	const char *text = "Nov 23 06:25:01 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]\n"
	                   "Nov 23 06:25:02 mx1 postfix/smtpd[1]: disconnect from a[192.0.2.1]\n";
	write_file(log, text);
	write_file(other, "Nov 23 06:25:01 mx1 postfix/qmgr[2]: something else entirely\n");
	write_file(empty, "");

	struct store *st = must_open(":memory:");
	sqlite3 *db = store_db(st);
	struct store_source s1 = begin(st, log);
	assert_false(s1.seen_before);
	assert_int_equal(s1.lines_before, 0);
	progress(st, s1.id, 2);

	/* the same content again, then renamed, then recompressed */
	struct store_source s = begin(st, log);
	assert_true(s.seen_before);
	assert_int_equal(s.id, s1.id);
	assert_int_equal(s.lines_before, 2);
	assert_int_equal(rename(log, rot), 0);
	s = begin(st, rot);
	assert_int_equal(s.id, s1.id);
	write_gz(gz, text);
	s = begin(st, gz);
	assert_int_equal(s.id, s1.id);
	assert_true(s.seen_before);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT path = '%s', compressed FROM sources WHERE id = %lld", gz,
	         (long long)s1.id);
	assert_row(db, sql, "1|1");

	/* the file grew: found by the prefix, its identity moves forward */
	char grown[512];
	snprintf(grown, sizeof grown, "%s%s", text,
	         "Nov 23 06:26:00 mx1 postfix/smtpd[1]: connect from b[192.0.2.2]\n");
	write_file(log, grown);
	s = begin(st, log);
	assert_int_equal(s.id, s1.id);
	assert_true(s.seen_before);
	assert_int_equal(s.lines_before, 2);
	/* the size is recorded with progress, not here */
	snprintf(sql, sizeof sql, "SELECT fingerprint_len, size, compressed FROM sources WHERE id = %lld",
	         (long long)s1.id);
	char want[64];
	snprintf(want, sizeof want, "%zu|~|0", strlen(grown));
	assert_row(db, sql, want);

	/* other content is another source; an empty file matches nothing by prefix */
	struct store_source s2 = begin(st, other);
	assert_false(s2.seen_before);
	assert_true(s2.id != s1.id);
	struct store_source s3 = begin(st, empty);
	assert_false(s3.seen_before);
	struct store_source s4 = begin(st, other);
	assert_int_equal(s4.id, s2.id);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sources"), 3);

	/* two stored sources are prefixes of a file: the longer one wins */
	const char *first = test_tmp_path("first.log");
	write_file(first, text);                 /* s1 moved on: this is new again */
	struct store_source s5 = begin(st, first);
	assert_false(s5.seen_before);
	assert_true(s5.id != s1.id);
	char longer[640];
	snprintf(longer, sizeof longer, "%s%s", grown,
	         "Nov 23 06:27:00 mx1 postfix/smtpd[1]: connect from c[192.0.2.3]\n");
	write_file(log, longer);
	s = begin(st, log);
	assert_int_equal(s.id, s1.id);
	must_close(st);
}

static void test_checkpoint_commits(void **state)
{
	(void)state;
	const char *path = test_tmp_path("ckpt.db");
	const char *log = test_tmp_path("ckpt.log");
	write_file(log, "Nov 23 06:25:01 mx1 postfix/smtpd[1]: connect from a[192.0.2.1]\n");
	must_close(must_open(path));   /* an existing file: commits are visible at once */
	struct store *st = must_open(path);
	struct store_source src = begin(st, log);
	struct line l;
	line_init(&l, src.id, 0, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
	put_event(st, &l);

	sqlite3 *other = NULL;
	assert_int_equal(sqlite3_open_v2(path, &other, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(q_int(other, "SELECT count(*) FROM events"), 0);   /* not yet */
	progress(st, src.id, 7);
	assert_int_equal(q_int(other, "SELECT count(*) FROM events"), 1);
	assert_row(other,
	           "SELECT bytes, lines, recognized, unrecognized, foreign_lines, truncated,"
	           " first_ts, last_ts, added_at IS NOT NULL, dev IS NOT NULL FROM sources",
	           "350|7|6|1|0|0|2026-11-23T06:25:01Z|2026-11-23T07:00:00Z|1|1");
	sqlite3_close(other);
	must_close(st);
}

/* ---- errors */

static void expect_open_error(const char *path, int code, const char *want)
{
	struct sl_error err = { 0 };
	struct store *st = store_open(path, &err);
	if (st) {
		store_close(st, NULL);
		fail_msg("store_open '%s' succeeded", path);
	}
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, want))
		fail_msg("got \"%s\", want \"%s\"", err.msg, want);
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void test_open_errors(void **state)
{
	(void)state;
	char want[256];

	const char *foreign = test_tmp_path("foreign.db");
	raw_exec(foreign, "CREATE TABLE t(x)");
	snprintf(want, sizeof want, "'%s' is not an smtplog database", foreign);
	expect_open_error(foreign, SL_EDB, want);

	const char *appid = test_tmp_path("appid.db");
	raw_exec(appid, "PRAGMA application_id = 42");
	snprintf(want, sizeof want, "'%s' is not an smtplog database", appid);
	expect_open_error(appid, SL_EDB, want);

	const char *newer = test_tmp_path("newer.db");
	must_close(must_open(newer));
	raw_exec(newer, "PRAGMA user_version = 99");
	snprintf(want, sizeof want,
	         "'%s' was written by a newer smtplog (schema version 99, this binary knows %d)",
	         newer, STORE_SCHEMA_VERSION);
	expect_open_error(newer, SL_EDB, want);

	const char *zero = test_tmp_path("zero.db");
	must_close(must_open(zero));
	raw_exec(zero, "PRAGMA user_version = 0");
	snprintf(want, sizeof want, "'%s' has an unknown smtplog schema version 0", zero);
	expect_open_error(zero, SL_EDB, want);

	const char *garbage = test_tmp_path("garbage.db");
	char junk[4096];
	for (size_t i = 0; i < sizeof junk - 1; i++)
		junk[i] = (char)('a' + i % 26);
	junk[sizeof junk - 1] = '\0';
	write_file(garbage, junk);
	snprintf(want, sizeof want, "'%s' is corrupt or not an SQLite database", garbage);
	expect_open_error(garbage, SL_EDB, want);

	snprintf(want, sizeof want, "cannot create '%s/no/such/dir.db.loading': No such file or directory",
	         test_tmpdir());
	expect_open_error(test_tmp_path("no/such/dir.db"), SL_EIO, want);
}

static void test_locked(void **state)
{
	(void)state;
	const char *path = test_tmp_path("locked.db");
	must_close(must_open(path));

	sqlite3 *holder = NULL;
	assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
	/* another smtplog in the middle of a batch */
	assert_int_equal(sqlite3_exec(holder, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE;"
	                                      " INSERT INTO sources(path) VALUES ('x')",
	                              NULL, NULL, NULL), SQLITE_OK);

	/* reading is possible, writing waits busy_timeout (5 s) and gives up */
	struct store *st = must_open(path);
	struct line l;
	line_init(&l, 1, 0, "2026-11-23T06:25:01Z", EV_DELIVERED, EV_CLASS_SUCCESS);
	struct sl_error err = { 0 };
	const struct sink *k = store_sink(st);
	assert_int_equal(k->event(k->ctx, &l.ce, &err), -1);
	assert_int_equal(err.code, SL_EBUSY);
	char want[256];
	snprintf(want, sizeof want, "database '%s' is locked by another process; waited 5 s (--wait)",
	         path);
	assert_string_equal(err.msg, want);
	must_close(st);

	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
}

/* ---- unrecognized */

static void test_unrecognized(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	sqlite3 *db = store_db(st);
	struct sl_error err = { 0 };
	const char *samples[] = { "line one", "line two" };
	assert_int_equal(store_set_unrecognized(st, 1, "postfix/smtpd", "no pattern", 5, samples, 2,
	                                        &err), 0);
	assert_int_equal(store_set_unrecognized(st, 1, "dovecot", "not mail-transfer", 9, NULL, 0,
	                                        &err), 0);
	assert_row(db,
	           "SELECT source_id, program, reason, count, sample1, sample2, sample3"
	           " FROM unrecognized ORDER BY program DESC",
	           "1|postfix/smtpd|no pattern|5|line one|line two|~");
	/* set, not add: a second run of the whole file replaces */
	const char *more[] = { "a", "b", "c", "d" };
	assert_int_equal(store_set_unrecognized(st, 1, "postfix/smtpd", "no pattern", 7, more, 4,
	                                        &err), 0);
	assert_row(db,
	           "SELECT count, sample1, sample2, sample3 FROM unrecognized"
	           " WHERE program = 'postfix/smtpd'",
	           "7|a|b|c");
	assert_int_equal(q_int(db, "SELECT count(*) FROM unrecognized"), 2);
	assert_int_equal(store_set_unrecognized(st, 1, "dovecot", "not mail-transfer", 0, NULL, 0,
	                                        &err), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM unrecognized"), 1);
	must_close(st);
}

/* ---- views */

struct ev_spec {
	uint64_t offset;
	const char *ts;
	enum ev_kind kind;
	enum ev_class cls;
	int64_t message_id;
	const char *rcpt;
	int code;
	bool handoff;
};

static void test_views(void **state)
{
	(void)state;
	struct store *st = must_open(":memory:");
	sqlite3 *db = store_db(st);
	struct corr_message m;
	msg_init(&m, "mx1", "M1", 1, 1, "2026-11-23T06:00:00Z", NULL);
	m.arrived = true;
	int64_t m1 = put_open(st, &m);
	msg_init(&m, "mx1", "M2", 1, 2, "2026-11-23T07:00:00Z", NULL);
	m.arrived = true;
	int64_t m2 = put_open(st, &m);
	msg_init(&m, "mx1", "M3", 1, 3, "2026-11-24T07:00:00Z", NULL);
	m.arrived = true;
	m.origin_id = m1;            /* a re-injected copy: not received mail */
	m.origin = CORR_ORIGIN_FILTER;
	put_open(st, &m);
	msg_init(&m, "mx1", "M4", 1, 4, "2026-11-24T08:00:00Z", NULL);
	m.arrived = false;           /* began before the log: not received here */
	put_open(st, &m);

	const struct ev_spec evs[] = {
		{ 10, "2026-11-23T06:00:01Z", EV_DELIVERED, EV_CLASS_SUCCESS, m1, "a@filter.local", 250, true },
		{ 11, "2026-11-23T06:00:02Z", EV_DELIVERED, EV_CLASS_SUCCESS, m1, "a@x.org", 250, false },
		{ 12, "2026-11-23T06:00:03Z", EV_FORWARDED, EV_CLASS_SUCCESS, m1, "b@x.org", 251, false },
		{ 13, "2026-11-23T07:00:01Z", EV_DEFERRED, EV_CLASS_TRANSIENT, m2, "c@slow.net", 451, false },
		{ 14, "2026-11-23T08:00:01Z", EV_DEFERRED, EV_CLASS_TRANSIENT, m2, "c@slow.net", 451, false },
		{ 15, "2026-11-24T07:00:01Z", EV_DEFERRED, EV_CLASS_TRANSIENT, m1, "d@Slow.net", 421, false },
		{ 16, "2026-11-24T07:00:02Z", EV_DEFERRED, EV_CLASS_TRANSIENT, m1, "e@other.net", 421, false },
		{ 17, "2026-11-24T07:00:03Z", EV_BOUNCED, EV_CLASS_PERMANENT, m2, "f@x.org", 550, false },
		{ 18, "2026-11-24T07:00:04Z", EV_BOUNCED, EV_CLASS_PERMANENT, m2, "g@x.org", 551, false },
		{ 19, "2026-11-24T07:00:05Z", EV_EXPIRED, EV_CLASS_PERMANENT, m2, "h@x.org", 0, false },
		{ 20, "2026-11-24T07:00:06Z", EV_REJECTED, EV_CLASS_TRANSIENT, 0, "i@us.org", 450, false },
		{ 21, "2026-11-24T07:00:07Z", EV_REJECTED, EV_CLASS_PERMANENT, 0, "j@us.org", 554, false },
		{ 22, "2026-11-24T07:00:08Z", EV_PROBE, EV_CLASS_SUCCESS, 0, "k@x.org", 250, false },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(evs); i++) {
		struct line l;
		line_init(&l, 1, evs[i].offset, evs[i].ts, evs[i].kind, evs[i].cls);
		l.ce.message_id = evs[i].message_id;
		l.ce.handoff = evs[i].handoff;
		l.ev.recipient = S(evs[i].rcpt);
		l.ev.smtp_code = evs[i].code;
		put_event(st, &l);
	}
	assert_row(db, "SELECT group_concat(offset) FROM v_deliveries", "11,12");
	assert_row(db, "SELECT group_concat(offset) FROM v_failures_transient", "13,14,15,16,20");
	assert_row(db, "SELECT group_concat(offset) FROM v_failures_permanent", "17,18,19,21");
	assert_row(db, "SELECT group_concat(offset) FROM v_rejections", "20,21");
	assert_row(db, "SELECT group_concat(offset) FROM v_forwarding", "12,18");
	assert_row(db,
	           "SELECT group_concat(date || ':' || received || ',' || delivered || ',' ||"
	           " deferred || ',' || bounced || ',' || expired || ',' || rejected || ',' ||"
	           " forwarded, ' ') FROM v_daily_summary",
	           "2026-11-23:2,2,2,0,0,0,1 2026-11-24:0,0,2,2,1,2,0");
	assert_row(db,
	           "SELECT group_concat(recipient_domain || ':' || deferrals || ',' || messages, ' ')"
	           " FROM v_top_deferring_domains",
	           "slow.net:3,2 other.net:1,1");
	must_close(st);
}

/* ---- upgrade */

/* The schema of version 1, as smtplog 0.1 wrote it. */
static const char v1_schema[] =
	"CREATE TABLE sources (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  path TEXT,\n"
	"  fingerprint TEXT,\n"
	"  fingerprint_len INTEGER,\n"
	"  dev INTEGER,\n"
	"  inode INTEGER,\n"
	"  size INTEGER,\n"
	"  compressed INTEGER,\n"
	"  bytes INTEGER,\n"
	"  lines INTEGER,\n"
	"  recognized INTEGER,\n"
	"  unrecognized INTEGER,\n"
	"  foreign_lines INTEGER,\n"
	"  truncated INTEGER,\n"
	"  first_ts TEXT,\n"
	"  last_ts TEXT,\n"
	"  added_at TEXT,\n"
	"  updated_at TEXT\n"
	");\n"
	"CREATE INDEX sources_fingerprint ON sources(fingerprint);\n"
	"CREATE TABLE messages (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  host TEXT,\n"
	"  mta TEXT,\n"
	"  queue_id TEXT,\n"
	"  sender TEXT,\n"
	"  sender_domain TEXT,\n"
	"  size INTEGER,\n"
	"  nrcpt INTEGER,\n"
	"  header_message_id TEXT,\n"
	"  client_host TEXT,\n"
	"  client_ip TEXT,\n"
	"  helo TEXT,\n"
	"  protocol TEXT,\n"
	"  first_ts TEXT,\n"
	"  last_ts TEXT,\n"
	"  arrived INTEGER NOT NULL DEFAULT 0,\n"
	"  complete INTEGER NOT NULL DEFAULT 0,\n"
	"  origin_id INTEGER REFERENCES messages(id),\n"
	"  origin TEXT CHECK(origin = 'content-filter' OR origin = 'forward'\n"
	"                    OR origin = 'notification'),\n"
	"  source_id INTEGER,\n"
	"  first_offset INTEGER,\n"
	"  UNIQUE(source_id, first_offset)\n"
	");\n"
	"CREATE INDEX messages_host_queue ON messages(host, queue_id);\n"
	"CREATE TABLE message_continuations (\n"
	"  source_id INTEGER,\n"
	"  first_offset INTEGER,\n"
	"  message_id INTEGER REFERENCES messages(id),\n"
	"  PRIMARY KEY(source_id, first_offset)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  ts TEXT,\n"
	"  host TEXT,\n"
	"  mta TEXT,\n"
	"  program TEXT,\n"
	"  instance TEXT,\n"
	"  queue_id TEXT,\n"
	"  message_id INTEGER REFERENCES messages(id),\n"
	"  kind TEXT CHECK(kind = 'delivered' OR kind = 'deferred' OR kind = 'bounced'\n"
	"                  OR kind = 'expired' OR kind = 'rejected' OR kind = 'forwarded'\n"
	"                  OR kind = 'probe' OR kind = 'policy'),\n"
	"  sender TEXT,\n"
	"  recipient TEXT,\n"
	"  recipient_domain TEXT,\n"
	"  orig_recipient TEXT,\n"
	"  remote_host TEXT,\n"
	"  remote_ip TEXT,\n"
	"  helo TEXT,\n"
	"  relay TEXT,\n"
	"  smtp_code INTEGER,\n"
	"  enhanced_code TEXT,\n"
	"  class TEXT CHECK(class = 'success' OR class = 'transient' OR class = 'permanent'),\n"
	"  reply TEXT,\n"
	"  reason TEXT,\n"
	"  forward_to TEXT,\n"
	"  status TEXT,\n"
	"  action TEXT,\n"
	"  delay REAL,\n"
	"  handoff INTEGER NOT NULL DEFAULT 0,\n"
	"  pattern TEXT,\n"
	"  source_id INTEGER,\n"
	"  file TEXT,\n"
	"  line INTEGER,\n"
	"  offset INTEGER,\n"
	"  seq INTEGER,\n"
	"  UNIQUE(source_id, offset, seq)\n"
	");\n"
	"CREATE INDEX events_ts ON events(ts);\n"
	"CREATE INDEX events_kind_ts ON events(kind, ts);\n"
	"CREATE INDEX events_message ON events(message_id);\n"
	"CREATE INDEX events_recipient_domain ON events(recipient_domain);\n"
	"CREATE TABLE unrecognized (\n"
	"  source_id INTEGER,\n"
	"  program TEXT,\n"
	"  reason TEXT,\n"
	"  count INTEGER,\n"
	"  sample1 TEXT,\n"
	"  sample2 TEXT,\n"
	"  sample3 TEXT,\n"
	"  PRIMARY KEY(source_id, program, reason)\n"
	");\n"
	"CREATE VIEW v_deliveries AS\n"
	"  SELECT * FROM events WHERE kind IN ('delivered','forwarded') AND handoff = 0;\n"
	"CREATE VIEW v_failures_transient AS\n"
	"  SELECT * FROM events WHERE class = 'transient';\n"
	"CREATE VIEW v_failures_permanent AS\n"
	"  SELECT * FROM events WHERE class = 'permanent';\n"
	"CREATE VIEW v_rejections AS\n"
	"  SELECT * FROM events WHERE kind = 'rejected';\n"
	"CREATE VIEW v_forwarding AS\n"
	"  SELECT * FROM events WHERE kind = 'forwarded' OR smtp_code IN (251, 551);\n"
	"CREATE VIEW v_daily_summary AS\n"
	"  SELECT date, sum(received) AS received, sum(delivered) AS delivered,\n"
	"         sum(deferred) AS deferred, sum(bounced) AS bounced, sum(expired) AS expired,\n"
	"         sum(rejected) AS rejected, sum(forwarded) AS forwarded\n"
	"  FROM (SELECT substr(first_ts, 1, 10) AS date, 1 AS received, 0 AS delivered,\n"
	"               0 AS deferred, 0 AS bounced, 0 AS expired, 0 AS rejected, 0 AS forwarded\n"
	"        FROM messages WHERE arrived = 1 AND origin_id IS NULL\n"
	"        UNION ALL\n"
	"        SELECT substr(ts, 1, 10), 0,\n"
	"               kind IN ('delivered','forwarded') AND handoff = 0,\n"
	"               kind = 'deferred', kind = 'bounced', kind = 'expired',\n"
	"               kind = 'rejected', kind = 'forwarded' AND handoff = 0\n"
	"        FROM events)\n"
	"  GROUP BY date ORDER BY date;\n"
	"CREATE VIEW v_top_deferring_domains AS\n"
	"  SELECT recipient_domain, count(*) AS deferrals,\n"
	"         count(DISTINCT message_id) AS messages\n"
	"  FROM events WHERE kind = 'deferred'\n"
	"  GROUP BY recipient_domain ORDER BY deferrals DESC, recipient_domain;\n";


static void test_migrate_v1(void **state)
{
	(void)state;
	const char *path = test_tmp_path("v1.db");
	char *sql = sqlite3_mprintf(
		"%s PRAGMA application_id = %d; PRAGMA user_version = 1;"
		"INSERT INTO sources(id, path, fingerprint, fingerprint_len) VALUES (1, 'a', 'x', 1),"
		" (2, 'b', 'y', 1);"
		"INSERT INTO messages(id, host, mta, queue_id, first_ts, last_ts, arrived, complete,"
		" origin_id, origin, source_id, first_offset) VALUES"
		" (1, 'mx1', 'postfix', 'Q1', '2026-11-23T06:00:00Z', '2026-11-23T06:00:09Z', 1, 1,"
		"  NULL, NULL, 1, 100),"
		" (2, 'mx1', 'postfix', 'Q2', '2026-11-23T06:00:01Z', '2026-11-23T06:00:02Z', 1, 0,"
		"  1, 'content-filter', 1, 250),"
		" (3, 'mx1', 'postfix', 'Q3', '2026-11-24T06:00:00Z', '2026-11-24T06:00:00Z', 0, 1,"
		"  NULL, NULL, 2, 0);"
		"INSERT INTO message_continuations VALUES (2, 40, 2);"
		"INSERT INTO events(id, ts, kind, class, message_id, recipient, recipient_domain,"
		" handoff, source_id, file, line, offset, seq) VALUES"
		" (1, '2026-11-23T06:00:05Z', 'delivered', 'success', 1, 'a@x.org', 'x.org', 1, 1,"
		"  'a', 3, 300, 0),"
		" (2, '2026-11-23T06:00:06Z', 'deferred', 'transient', 2, 'b@y.org', 'y.org', 0, 1,"
		"  'a', 4, 400, 0),"
		" (3, '2026-11-23T06:00:06Z', 'deferred', 'transient', 2, 'c@y.org', 'y.org', 0, 1,"
		"  'a', 4, 400, 1),"
		" (4, '2026-11-23T06:00:07Z', 'rejected', 'permanent', NULL, 'd@z.org', 'z.org', 0,"
		"  1, 'a', 5, 500, 0);",
		v1_schema, STORE_APPLICATION_ID);
	raw_exec(path, sql);
	sqlite3_free(sql);

	struct store *st = must_open(path);
	sqlite3 *db = store_db(st);
	assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	int64_t k = INT64_C(1) << STORE_KEY_BITS;
	char want[256];
	snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)(k + 100), (long long)(k + 250),
	         (long long)(2 * k));
	assert_row(db, "SELECT group_concat(id) FROM (SELECT id FROM messages ORDER BY id)", want);
	assert_row(db, "SELECT o.queue_id FROM messages c JOIN messages o ON o.id = c.origin_id",
	           "Q1");
	snprintf(want, sizeof want, "%lld,%lld,%lld,%lld", (long long)(k + 300),
	         (long long)(k + 400), (long long)(k + 401), (long long)(k + 500));
	assert_row(db, "SELECT group_concat(id) FROM (SELECT id FROM events ORDER BY id)", want);
	assert_row(db,
	           "SELECT group_concat(e.recipient || '>' || coalesce(m.queue_id, '-'), ' ') FROM"
	           " (SELECT * FROM events ORDER BY id) e LEFT JOIN messages m ON m.id = e.message_id",
	           "a@x.org>Q1 b@y.org>Q2 c@y.org>Q2 d@z.org>-");
	assert_row(db,
	           "SELECT m.queue_id FROM message_continuations c JOIN messages m"
	           " ON m.id = c.message_id", "Q2");
	assert_row(db, "SELECT group_concat(offset || ':' || seq) FROM v_failures_transient",
	           "400:0,400:1");
	assert_row(db, "SELECT deferred FROM v_daily_summary", "2");
	/* the same layout as a new database */
	assert_row(db,
	           "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master"
	           " WHERE sql IS NOT NULL ORDER BY name)",
	           "correlate_state events events_forwarding events_handoff events_kind_ts events_message"
	           " events_recipient_domain events_ts health health_key"
	           " message_continuations messages messages_copies messages_host_queue messages_unfinished sources"
	           " sources_fingerprint summary_delays summary_events summary_events_delete"
	           " summary_events_update summary_messages summary_messages_delete"
	           " summary_messages_update"
	           " unrecognized v_daily_summary v_deliveries v_failures_permanent"
	           " v_failures_transient v_forwarding v_rejections v_top_deferring_domains");
	assert_row(db, "PRAGMA integrity_check", "ok");
	/* and writing goes on with keys */
	struct corr_message m;
	msg_init(&m, "mx1", "Q4", 2, 700, "2026-11-24T07:00:00Z", NULL);
	m.arrived = true;
	assert_int_equal(put_open(st, &m), 2 * k + 700);
	must_close(st);
}

/* ---- speed: printed, never asserted */

static void test_insert_rate(void **state)
{
	(void)state;
	const char *path = test_tmp_path("rate.db");
	const char *env = getenv("SMTPLOG_STORE_BENCH");
	long n = env && *env ? atol(env) : 100000;
	struct store *st = must_open(path);
	int64_t src = fake_source(st, "rate.log");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char rcpt[64], qid[32];
	struct corr_message m;
	int64_t mid = 0;
	for (long i = 0; i < n; i++) {
		if (i % 4 == 0) {
			snprintf(qid, sizeof qid, "Q%08lX", i);
			msg_init(&m, "mx1", qid, src, (uint64_t)i * 120, "2026-11-23T06:25:01Z", NULL);
			m.first_ts.sec += i / 10;
			m.last_ts = m.first_ts;
			m.arrived = true;
			mid = put_open(st, &m);
		}
		struct line l;
		char reply[] = "host mx.example.net[192.0.2.1] said: 250 2.0.0 Ok: queued as ABC";
		line_init(&l, src, (uint64_t)i * 120 + 60, "2026-11-23T06:25:01Z",
		          i % 10 ? EV_DELIVERED : EV_DEFERRED,
		          i % 10 ? EV_CLASS_SUCCESS : EV_CLASS_TRANSIENT);
		l.ll.ts.sec += i / 10;
		snprintf(rcpt, sizeof rcpt, "user%ld@domain%ld.example", i % 1000, i % 300);
		l.ev.recipient = S(rcpt);
		l.ev.queue_id = S(qid);
		l.ev.sender = S("sender@example.org");
		l.ev.relay = S("mx.example.net[192.0.2.1]:25");
		l.ev.remote_host = S("mx.example.net");
		l.ev.remote_ip = S("192.0.2.1");
		l.ev.reply = S(reply);
		l.ev.status = S("sent");
		l.ev.smtp_code = 250;
		strcpy(l.ev.enhanced_code, "2.0.0");
		l.ev.delay = 0.5;
		l.ce.message_id = mid;
		put_event(st, &l);
		if (i % 100000 == 99999)
			progress(st, src, (uint64_t)i + 1);
	}
	progress(st, src, (uint64_t)n);
	must_close(st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("store: %ld events + %ld messages in %.2f s: %.0f events/s (file DB, "
	              "incl. close)\n", n, (n + 3) / 4, s, (double)n / s);
}

/* Files are never written through a planted link or reused from another
 * user: a symlink named PATH.loading is refused and its target untouched
 * (issue: `ln -s victim s.db.loading` made the victim the database); so is
 * a -wal link beside an existing database, and a hard-linked database. */
static void test_no_write_through_links(void **state)
{
	(void)state;
	const char *victim = test_tmp_path("victim.txt");
	const char *db = test_tmp_path("linked.db");
	char loading[256], wal[256];
	snprintf(loading, sizeof loading, "%s.loading", db);
	snprintf(wal, sizeof wal, "%s-wal", db);
	FILE *f = fopen(victim, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(symlink(victim, loading), 0);
	expect_open_error(db, SL_EIO, "is a symbolic link");
	struct stat sb;
	assert_int_equal(stat(victim, &sb), 0);
	assert_int_equal(sb.st_size, 9);
	assert_int_equal(access(db, F_OK), -1);
	unlink(loading);

	must_close(must_open(db));                       /* a real database now */
	assert_int_equal(symlink(victim, wal), 0);
	expect_open_error(db, SL_EIO, "symbolic link");
	unlink(wal);
	const char *hard = test_tmp_path("hard.db");
	assert_int_equal(link(db, hard), 0);
	expect_open_error(db, SL_EIO, "other hard links");
	unlink(hard);
	must_close(must_open(db));
	assert_int_equal(stat(victim, &sb), 0);
	assert_int_equal(sb.st_size, 9);
}

/* A reader opens read-only: it changes nothing, not even the journal mode
 * or the knowledge tables, and a database it cannot write is no error. */
static void test_readonly_open(void **state)
{
	(void)state;
	const char *db = test_tmp_path("ro.db");
	must_close(must_open(db));
	assert_int_equal(chmod(db, 0400), 0);
	struct stat before, after;
	assert_int_equal(stat(db, &before), 0);
	struct sl_error err = { 0 };
	struct store_options o = { .readonly = true, .wait_ms = 1000, .group = -1 };
	struct store *st = store_open_opts(db, &o, &err);
	if (!st)
		fail_msg("read-only open: %s", err.msg);
	assert_row(store_db(st), "SELECT count(*) FROM sources", "0");
	assert_int_equal(sqlite3_exec(store_db(st), "CREATE TABLE x(a)", NULL, NULL, NULL),
	                 SQLITE_READONLY);
	assert_int_equal(store_close(st, &err), 0);
	assert_int_equal(stat(db, &after), 0);
	assert_int_equal(before.st_mtime, after.st_mtime);
	assert_int_equal(before.st_size, after.st_size);
	char wal[256];
	snprintf(wal, sizeof wal, "%s-wal", db);
	assert_int_equal(access(wal, F_OK), -1);
	const char *none = test_tmp_path("none.db");
	assert_null(store_open_opts(none, &o, &err));      /* never created by a reader */
	assert_int_equal(access(none, F_OK), -1);
	chmod(db, 0600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_schema),
		cmocka_unit_test(test_file_mode_and_journal),
		cmocka_unit_test(test_new_file_appears_at_close),
		cmocka_unit_test(test_load_builds_indexes_at_close),
		cmocka_unit_test(test_event_row),
		cmocka_unit_test(test_event_nulls_and_null_sender),
		cmocka_unit_test(test_instance_names),
		cmocka_unit_test(test_event_idempotent),
		cmocka_unit_test(test_reason_classifier),
		cmocka_unit_test(test_message_open_update),
		cmocka_unit_test(test_summary_messages_in_batch),
		cmocka_unit_test(test_adoption_across_runs),
		cmocka_unit_test(test_adopt_window_zero),
		cmocka_unit_test(test_source_identity),
		cmocka_unit_test(test_unchanged_source),
		cmocka_unit_test(test_no_write_through_links),
		cmocka_unit_test(test_readonly_open),
		cmocka_unit_test(test_checkpoint_commits),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_unrecognized),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_migrate_v1),
		cmocka_unit_test(test_insert_rate),
	};
	return cmocka_run_group_tests(tests, test_tmp_setup, test_tmp_teardown);
}
