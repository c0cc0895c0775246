/* test_writer: the store written from another thread gives the same rows as
 * the store's own sink (messages opened and updated in one batch merged into
 * one write, updates across batches, links to finished messages, progress
 * and unrecognized counts in order), the ids of messages that continue an
 * unfinished row are rewritten in what follows, and the writer thread's
 * error reaches the producer; the reason of a failure is classified
 * once, on the thread named, with the same rows either way. Files go to a
 * mkdtemp directory in /tmp. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store.h"
#include "writer.h"

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

static void ok(int rc, const struct sl_error *err)
{
	if (rc != 0)
		fail_msg("%s", err->msg);
}

/* dump - every row of the query as text, one per line */
static char *dump(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	struct sl_buf b;
	sl_buf_init(&b);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			const unsigned char *v = sqlite3_column_text(s, i);
			sl_buf_addf(&b, "%s%s", i ? "|" : "", v ? (const char *)v : "~");
		}
		sl_buf_addc(&b, '\n');
	}
	sqlite3_finalize(s);
	return sl_buf_detach(&b);
}

static struct sl_time T(int64_t sec)
{
	return (struct sl_time){ .sec = INT64_C(1795500000) + sec };
}

static struct sl_span S(const char *s)
{
	return (struct sl_span){ s, s ? strlen(s) : 0 };
}

/* ---- a history, fed to any sink */

struct feeder {
	const struct sink *k;
	int64_t src;
	uint64_t offset;
	char qid[32], rcpt[64];
};

static void f_open(struct feeder *f, struct corr_message *m, const char *qid, int64_t sec,
                   bool arrived)
{
	struct sl_error err = { 0 };
	memset(m, 0, sizeof *m);
	m->mta = EV_MTA_POSTFIX;
	m->host = "mx1";
	snprintf(f->qid, sizeof f->qid, "%s", qid);
	m->queue_id = xstrdup(qid);
	m->size = -1;
	m->nrcpt = -1;
	m->first_ts = m->last_ts = T(sec);
	m->arrived = arrived;
	m->source_id = f->src;
	m->first_offset = f->offset;
	f->offset += 100;
	ok(f->k->message_open(f->k->ctx, m, &err), &err);
}

static void f_update(struct feeder *f, const struct corr_message *m)
{
	struct sl_error err = { 0 };
	ok(f->k->message_update(f->k->ctx, m, &err), &err);
}

static void f_event(struct feeder *f, int64_t message_id, const char *qid, int64_t sec,
                    enum ev_kind kind, int code, const char *rcpt, int seq)
{
	struct sl_error err = { 0 };
	struct logline ll = { .format = LOGLINE_RFC3164, .has_ts = true, .ts = T(sec),
	                      .host = S("mx1"), .program = S("postfix/smtp"), .pid = 1 };
	struct event ev;
	event_clear(&ev);
	ev.mta = EV_MTA_POSTFIX;
	ev.kind = kind;
	ev.class = kind == EV_DEFERRED ? EV_CLASS_TRANSIENT
	         : kind == EV_BOUNCED ? EV_CLASS_PERMANENT : EV_CLASS_SUCCESS;
	ev.queue_id = S(qid);
	ev.recipient = S(rcpt);
	ev.sender = (struct sl_span){ "", 0 };
	ev.smtp_code = code;
	ev.reply = S(code == 451 ? "451 4.7.1 Greylisted, try later" : "250 2.0.0 Ok");
	ev.relay = S("mx.example.net[192.0.2.1]:25");
	ev.pattern_id = "postfix.delivery.status";
	ev.delay = 1.25;
	struct corr_pos pos = { .source_id = f->src, .file = "mail.log", .line = f->offset / 100,
	                        .offset = f->offset, .seq = seq };
	if (!seq)
		f->offset += 100;
	struct corr_event ce = { .ev = &ev, .ll = &ll, .pos = &pos, .seq = seq,
	                         .message_id = message_id };
	ok(f->k->event(f->k->ctx, &ce, &err), &err);
}

static void free_msg(struct corr_message *m)
{
	free(m->queue_id);
	free(m->sender);
	m->queue_id = m->sender = NULL;
}

/* history - n messages, each opened, delivered (some deferred first, some
 * to two recipients of one line), updated twice and closed; every 50th
 * linked as a copy of an earlier finished one by a minimal update */
static void history(struct feeder *f, int n)
{
	int64_t first_id = 0;
	for (int i = 0; i < n; i++) {
		struct corr_message m;
		char qid[16];
		snprintf(qid, sizeof qid, "Q%05d", i);
		f_open(f, &m, qid, i, true);
		if (!first_id)
			first_id = m.id;
		m.sender = xstrdup(i % 7 ? "alice@Example.ORG" : "");
		m.size = 1000 + i;
		m.nrcpt = 1 + i % 2;
		m.last_ts = T(i + 1);
		f_update(f, &m);
		if (i % 5 == 0)
			f_event(f, m.id, qid, i + 1, EV_DEFERRED, 451, "bob@slow.example", 0);
		snprintf(f->rcpt, sizeof f->rcpt, "user%d@Dest%d.example", i, i % 13);
		f_event(f, m.id, qid, i + 2, EV_DELIVERED, 250, f->rcpt, 0);
		if (i % 3 == 0) {
			f_event(f, m.id, qid, i + 2, EV_DELIVERED, 250, "x@a.example", 0);
			f->offset -= 100;
			f_event(f, m.id, qid, i + 2, EV_DELIVERED, 250, "y@a.example", 1);
			f->offset += 100;
		}
		m.removed = true;
		m.last_ts = T(i + 3);
		f_update(f, &m);
		if (i % 50 == 49) {
			struct corr_message link = { .id = m.id, .size = -1, .nrcpt = -1,
			                             .first_ts = T(i), .last_ts = T(i + 3),
			                             .origin_id = first_id,
			                             .origin = CORR_ORIGIN_NOTIFY };
			f_update(f, &link);
		}
		free_msg(&m);
	}
}

static const char *const tables[] = {
	"SELECT * FROM events ORDER BY id",
	"SELECT * FROM messages ORDER BY id",
	"SELECT source_id, program, reason, count, sample1, sample2, sample3 FROM unrecognized"
	" ORDER BY 1, 2, 3",
	"SELECT id, bytes, lines, recognized, unrecognized, foreign_lines, truncated, first_ts,"
	" last_ts FROM sources ORDER BY id",
};

static int64_t add_source(struct store *st, const char *path)
{
	char *sql = sqlite3_mprintf("INSERT INTO sources(path, fingerprint, fingerprint_len)"
	                            " VALUES (%Q, 'x', 1)", path);
	assert_int_equal(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	return sqlite3_last_insert_rowid(store_db(st));
}

static void test_same_rows_as_the_store(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	const int n = 3000;   /* more records than a batch holds */
	const char *samples[] = { "one", "two" };
	struct store_progress p = { .offset = 123, .lines = 45, .recognized = 40,
	                            .unrecognized = 2, .foreign = 3, .first_ts = "2026-11-23T06:00:00Z",
	                            .last_ts = "2026-11-23T07:00:00Z" };

	/* directly */
	struct store *a = must_open(test_tmp_path("direct.db"));
	struct feeder fa = { .k = store_sink(a), .src = add_source(a, "mail.log") };
	history(&fa, n);
	ok(store_set_unrecognized(a, fa.src, "postfix/smtpd", "no pattern", 2, samples, 2, &err), &err);
	ok(store_checkpoint(a, fa.src, &p, &err), &err);

	/* through the writer thread */
	struct store *b = must_open(test_tmp_path("writer.db"));
	int64_t src = add_source(b, "mail.log");
	struct writer *w = writer_new(b, &err);
	assert_non_null(w);
	struct feeder fb = { .k = writer_sink(w), .src = src };
	history(&fb, n);
	ok(writer_set_unrecognized(w, src, "postfix/smtpd", "no pattern", 2, samples, 2, &err), &err);
	ok(writer_checkpoint(w, src, &p, &err), &err);
	ok(writer_sync(w, &err), &err);
	const struct writer_stats *ws = writer_stats(w);
	assert_true(ws->batches > 1);
	assert_true(ws->coalesced >= (uint64_t)n);   /* most updates merged */
	assert_true(ws->messages < (uint64_t)(3 * n));
	assert_int_equal(ws->remapped, 0);

	for (size_t i = 0; i < SL_ARRAY_LEN(tables); i++) {
		char *da = dump(store_db(a), tables[i]), *db = dump(store_db(b), tables[i]);
		if (strcmp(da, db) != 0)
			fail_msg("%s differs:\ndirect: %.300s\nwriter: %.300s", tables[i], da, db);
		free(da);
		free(db);
	}
	writer_free(w);
	must_close(a);
	must_close(b);
}

/* A classifier that notes the thread it runs on: the producer's ctx must
 * be called on the producer's thread only, the writer's on another. */
struct side_ctx {
	pthread_t producer;
	bool producer_side;
	unsigned calls, wrong_thread;
};

static const char *stub_classify(void *ctx, const struct store_event *row)
{
	struct side_ctx *c = ctx;
	c->calls++;
	if (pthread_equal(pthread_self(), c->producer) != c->producer_side)
		c->wrong_thread++;
	return row->smtp_code == 451 ? "greylisting" : "other";
}

/* events_on - the history through the writer, reasons classified on side */
static char *events_on(enum writer_side side, const char *name)
{
	struct sl_error err = { 0 };
	struct store *st = must_open(test_tmp_path(name));
	int64_t src = add_source(st, "mail.log");
	struct writer *w = writer_new(st, &err);
	assert_non_null(w);
	struct side_ctx p = { .producer = pthread_self(), .producer_side = true };
	struct side_ctx c = { .producer = pthread_self(), .producer_side = false };
	writer_set_classifier(w, &(struct writer_classifier){ stub_classify, &p, &c, side });
	struct feeder f = { .k = writer_sink(w), .src = src };
	history(&f, 3000);   /* 600 deferrals over several batches */
	ok(writer_sync(w, &err), &err);
	const struct writer_stats *ws = writer_stats(w);
	assert_int_equal(p.calls + c.calls, 600);   /* the failures only, each once */
	assert_int_equal(ws->reasons_producer, p.calls);
	assert_int_equal(ws->reasons_writer, c.calls);
	assert_int_equal(p.wrong_thread + c.wrong_thread, 0);
	if (side == WRITER_SIDE_PRODUCER)
		assert_int_equal(c.calls, 0);
	if (side == WRITER_SIDE_WRITER)
		assert_int_equal(p.calls, 0);
	writer_free(w);
	char *got = dump(store_db(st), "SELECT count(*) FROM events WHERE reason = 'greylisting'"
	                               " AND smtp_code = 451");
	assert_string_equal(got, "600\n");
	free(got);
	got = dump(store_db(st), "SELECT * FROM events ORDER BY id");
	must_close(st);
	return got;
}

static void test_reasons_on_either_thread(void **state)
{
	(void)state;
	char *a = events_on(WRITER_SIDE_PRODUCER, "reasons-producer.db");
	char *b = events_on(WRITER_SIDE_WRITER, "reasons-writer.db");
	char *c = events_on(WRITER_SIDE_BALANCED, "reasons-balanced.db");
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static void test_continuation_ids_rewritten(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	const char *path = test_tmp_path("adopt.db");

	/* run 1: ABC arrives and is deferred when the file ends */
	struct store *st = must_open(path);
	struct feeder f = { .k = store_sink(st), .src = add_source(st, "mail.log.1") };
	struct corr_message m;
	f_open(&f, &m, "ABC", 0, true);
	int64_t old = m.id;
	free_msg(&m);
	must_close(st);

	/* run 2, through the writer: ABC goes on without its arrival */
	st = must_open(path);
	struct writer *w = writer_new(st, &err);
	struct feeder g = { .k = writer_sink(w), .src = add_source(st, "mail.log") };
	f_open(&g, &m, "ABC", 60, false);
	int64_t key = m.id;
	assert_int_equal(key, store_key(g.src, 0));   /* the producer knows only the key */
	f_event(&g, m.id, "ABC", 61, EV_DELIVERED, 250, "a@x.example", 0);
	m.removed = true;
	m.last_ts = T(62);
	f_update(&g, &m);
	/* a copy of ABC, announced after ABC finished */
	struct corr_message c;
	f_open(&g, &c, "DEF", 63, true);
	c.origin_id = key;
	c.origin = CORR_ORIGIN_FORWARD;
	f_update(&g, &c);
	free_msg(&m);
	free_msg(&c);
	ok(writer_sync(w, &err), &err);
	assert_int_equal(writer_stats(w)->remapped, 1);
	writer_free(w);

	char sql[256], want[64];
	snprintf(want, sizeof want, "%lld", (long long)old);
	assert_int_equal(sqlite3_exec(store_db(st), "SELECT 1", NULL, NULL, NULL), SQLITE_OK);
	char *got = dump(store_db(st), "SELECT message_id FROM events");
	snprintf(sql, sizeof sql, "%s\n", want);
	assert_string_equal(got, sql);
	free(got);
	got = dump(store_db(st), "SELECT origin_id FROM messages WHERE queue_id = 'DEF'");
	assert_string_equal(got, sql);
	free(got);
	got = dump(store_db(st), "SELECT count(*), sum(complete) FROM messages WHERE queue_id = 'ABC'");
	assert_string_equal(got, "1|1\n");
	free(got);
	must_close(st);
}

static void test_error_reaches_producer(void **state)
{
	(void)state;
	const char *path = test_tmp_path("locked.db");
	must_close(must_open(path));
	struct store *st = must_open(path);
	struct sl_error err = { 0 };
	struct writer *w = writer_new(st, &err);

	sqlite3 *holder = NULL;
	assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE;"
	                                      " INSERT INTO sources(path) VALUES ('x')",
	                              NULL, NULL, NULL), SQLITE_OK);
	struct feeder f = { .k = writer_sink(w), .src = 1 };
	f_event(&f, 0, NULL, 0, EV_DELIVERED, 250, "a@x.example", 0);
	assert_int_equal(writer_sync(w, &err), -1);   /* after busy_timeout */
	assert_int_equal(err.code, SL_EBUSY);
	char want[256];
	snprintf(want, sizeof want, "database '%s' is locked by another process; waited 5 s (--wait)",
	         path);
	assert_string_equal(err.msg, want);
	/* and from then on the sink refuses */
	struct logline ll = { 0 };
	struct event ev;
	event_clear(&ev);
	ev.kind = EV_DELIVERED;
	struct corr_pos pos = { .source_id = 1, .file = "x", .offset = 1000 };
	struct corr_event ce = { .ev = &ev, .ll = &ll, .pos = &pos };
	const struct sink *k = writer_sink(w);
	int rc = 0;
	sl_error_clear(&err);
	for (int i = 0; i < 5000 && rc == 0; i++) {   /* until a batch is handed over */
		pos.offset += 10;
		rc = k->event(k->ctx, &ce, &err);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(err.code, SL_EBUSY);
	writer_free(w);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	must_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_rows_as_the_store),
		cmocka_unit_test(test_reasons_on_either_thread),
		cmocka_unit_test(test_continuation_ids_rewritten),
		cmocka_unit_test(test_error_reaches_producer),
	};
	return cmocka_run_group_tests(tests, test_tmp_setup, test_tmp_teardown);
}
