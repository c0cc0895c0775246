/* trace: a message's story from the database (see include/trace.h). The
 * family of a message is found with one recursive query over
 * messages.origin_id: up to the original, then down to every copy and
 * notification made from it.
 * SPDX-License-Identifier: MIT */
#include "trace.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static int db_error(sqlite3 *db, struct sl_error *err)
{
	return sl_error_set(err, (sqlite3_errcode(db) & 0xff) == SQLITE_BUSY ? SL_EBUSY : SL_EDB,
	                    "cannot read the database: %s", sqlite3_errmsg(db));
}

/* The seeds: messages the key names. The lists of ids that follow are
 * written into the SQL as integers (the connection is the query module's,
 * whose authorizer refuses table-valued functions such as json_each). */
static const char SEED_SQL[] =
	"  SELECT id FROM messages WHERE ?2 = 'q' AND queue_id = ?1\n"
	"  UNION SELECT id FROM messages WHERE ?2 = 'm' AND header_message_id = ?1\n"
	"  UNION SELECT id FROM messages WHERE ?2 = 'a' AND sender = ?1 COLLATE NOCASE\n"
	"  UNION SELECT message_id FROM events WHERE ?2 = 'a' AND message_id IS NOT NULL\n"
	"    AND recipient_domain = lower(substr(?1, instr(?1, '@') + 1))\n"
	"    AND recipient = ?1 COLLATE NOCASE\n"
	"  UNION SELECT message_id FROM events WHERE ?2 = 'a' AND message_id IS NOT NULL\n"
	"    AND orig_recipient = ?1 COLLATE NOCASE";

static const char FAMILY_SQL[] =
	"WITH RECURSIVE\n"
	"  up(id) AS (SELECT id FROM messages WHERE id IN (%s)\n"
	"             UNION SELECT m.origin_id FROM messages m JOIN up ON m.id = up.id\n"
	"              WHERE m.origin_id IS NOT NULL),\n"
	"  down(id) AS (SELECT id FROM up\n"
	"               UNION SELECT m.id FROM messages m JOIN down ON m.origin_id = down.id)\n"
	"SELECT m.id, m.queue_id, m.host, m.mta, m.origin, o.queue_id, m.first_ts, m.arrived,\n"
	"       m.sender, m.size, m.nrcpt, m.header_message_id, m.client_host, m.client_ip,\n"
	"       m.source_id, s.path, m.first_offset\n"
	"  FROM messages m LEFT JOIN messages o ON o.id = m.origin_id\n"
	"  LEFT JOIN sources s ON s.id = m.source_id\n"
	" WHERE m.id IN (SELECT id FROM down) ORDER BY m.first_ts, m.id";

static const char EVENTS_SQL[] =
	"SELECT ts, queue_id, host, kind, sender, recipient, orig_recipient, smtp_code,\n"
	"       enhanced_code, relay, remote_host, remote_ip, forward_to, handoff, reply,\n"
	"       source_id, file, line, offset\n"
	"  FROM events\n"
	" WHERE message_id IN (%s)\n"
	"    OR (message_id IS NULL AND ?3 = 'a' AND (sender = ?2 COLLATE NOCASE\n"
	"        OR (recipient_domain = lower(substr(?2, instr(?2, '@') + 1))\n"
	"            AND recipient = ?2 COLLATE NOCASE)))\n"
	"    OR (message_id IS NULL AND ?3 = 'q' AND queue_id = ?2)\n"
	" ORDER BY ts, id";

static struct trace_item *add_item(struct trace *t)
{
	t->items = xrealloc(t->items, (t->nitems + 1) * sizeof *t->items);
	struct trace_item *it = &t->items[t->nitems++];
	memset(it, 0, sizeof *it);
	return it;
}

/* family - the messages of the seeds' families, and their first lines */
static int family(sqlite3 *db, const char *seeds, struct trace *t, struct sl_buf *ids,
                  struct sl_error *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf(FAMILY_SQL, seeds);
	int prc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (prc != SQLITE_OK)
		return db_error(db, err);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->msgs = xrealloc(t->msgs, (t->nmsgs + 1) * sizeof *t->msgs);
		struct trace_message *m = &t->msgs[t->nmsgs++];
		memset(m, 0, sizeof *m);
		m->id = sqlite3_column_int64(st, 0);
		m->queue_id = col_dup(st, 1);
		m->host = col_dup(st, 2);
		m->mta = col_dup(st, 3);
		m->origin = col_dup(st, 4);
		m->origin_queue_id = col_dup(st, 5);
		struct sl_buf s;
		sl_buf_init(&s);
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			sl_buf_addf(&s, "from <%s>", sqlite3_column_text(st, 8));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			sl_buf_addf(&s, "%s%lld bytes", s.len ? ", " : "", sqlite3_column_int64(st, 9));
		if (sqlite3_column_type(st, 10) != SQLITE_NULL)
			sl_buf_addf(&s, "%s%lld recipient%s", s.len ? ", " : "", sqlite3_column_int64(st, 10),
			            sqlite3_column_int64(st, 10) == 1 ? "" : "s");
		if (sqlite3_column_type(st, 11) != SQLITE_NULL)
			sl_buf_addf(&s, "%sMessage-ID <%s>", s.len ? ", " : "", sqlite3_column_text(st, 11));
		m->summary = sl_buf_detach(&s);
		sl_buf_addf(ids, "%s%lld", t->nmsgs > 1 ? "," : "", (long long)m->id);   /* integers */

		/* its first line: the arrival when it was seen */
		struct trace_item *it = add_item(t);
		it->ts = col_dup(st, 6);
		it->queue_id = xstrdup(m->queue_id ? m->queue_id : "");
		it->host = col_dup(st, 2);
		it->what = xstrdup(sqlite3_column_int(st, 7) ? "arrived" : "first seen");
		sl_buf_init(&s);
		if (sqlite3_column_type(st, 12) != SQLITE_NULL || sqlite3_column_type(st, 13) != SQLITE_NULL)
			sl_buf_addf(&s, "client %s[%s]",
			            sqlite3_column_text(st, 12) ? (const char *)sqlite3_column_text(st, 12) : "",
			            sqlite3_column_text(st, 13) ? (const char *)sqlite3_column_text(st, 13) : "");
		if (m->origin)
			sl_buf_addf(&s, "%s%s of %s", s.len ? ", " : "", m->origin,
			            m->origin_queue_id ? m->origin_queue_id : "?");
		it->detail = sl_buf_detach(&s);
		it->source_id = sqlite3_column_int64(st, 14);
		it->file = col_dup(st, 15);
		it->offset = (uint64_t)sqlite3_column_int64(st, 16);
	}
	if (rc != SQLITE_DONE)
		rc = db_error(db, err);
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* events - every event of the family, and those outside a message that
 * name the key */
static int events(sqlite3 *db, const char *ids, const char *key, const char *how, struct trace *t,
                  struct sl_error *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = sqlite3_mprintf(EVENTS_SQL, ids);
	int prc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (prc != SQLITE_OK)
		return db_error(db, err);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, how, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct trace_item *it = add_item(t);
		it->ts = col_dup(st, 0);
		it->queue_id = col_dup(st, 1);
		if (!it->queue_id)
			it->queue_id = xstrdup("NOQUEUE");
		it->host = col_dup(st, 2);
		it->what = col_dup(st, 3);
		struct sl_buf s;
		sl_buf_init(&s);
		const char *rcpt = (const char *)sqlite3_column_text(st, 5);
		const char *orig = (const char *)sqlite3_column_text(st, 6);
		if (rcpt)
			sl_buf_addf(&s, "to <%s>", rcpt);
		if (orig && (!rcpt || strcmp(orig, rcpt) != 0))
			sl_buf_addf(&s, " (orig <%s>)", orig);
		if (strcmp(it->what, "rejected") == 0 && sqlite3_column_type(st, 4) != SQLITE_NULL)
			sl_buf_addf(&s, "%sfrom <%s>", s.len ? " " : "", sqlite3_column_text(st, 4));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			sl_buf_addf(&s, "%s%d", s.len ? ", " : "", sqlite3_column_int(st, 7));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			sl_buf_addf(&s, "%s%s", s.len ? (sqlite3_column_type(st, 7) != SQLITE_NULL ? " " : ", ") : "",
			            sqlite3_column_text(st, 8));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			sl_buf_addf(&s, "%srelay %s", s.len ? ", " : "", sqlite3_column_text(st, 9));
		else if (sqlite3_column_type(st, 10) != SQLITE_NULL || sqlite3_column_type(st, 11) != SQLITE_NULL)
			sl_buf_addf(&s, "%sremote %s[%s]", s.len ? ", " : "",
			            sqlite3_column_text(st, 10) ? (const char *)sqlite3_column_text(st, 10) : "",
			            sqlite3_column_text(st, 11) ? (const char *)sqlite3_column_text(st, 11) : "");
		if (sqlite3_column_type(st, 12) != SQLITE_NULL)
			sl_buf_addf(&s, "%sforward to <%s>", s.len ? ", " : "", sqlite3_column_text(st, 12));
		if (sqlite3_column_int(st, 13))
			sl_buf_addf(&s, "%shand-off to a content filter", s.len ? ", " : "");
		it->detail = sl_buf_detach(&s);
		it->reply = col_dup(st, 14);
		it->source_id = sqlite3_column_int64(st, 15);
		it->file = col_dup(st, 16);
		it->line = (uint64_t)sqlite3_column_int64(st, 17);
		it->offset = (uint64_t)sqlite3_column_int64(st, 18);
	}
	if (rc != SQLITE_DONE)
		rc = db_error(db, err);
	else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct trace_item *a = pa, *b = pb;
	int c = strcmp(a->ts ? a->ts : "", b->ts ? b->ts : "");
	if (c)
		return c;
	if (a->source_id != b->source_id)
		return a->source_id < b->source_id ? -1 : 1;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* trace_find - see trace.h */
int trace_find(sqlite3 *db, const char *key, struct trace *t, struct sl_error *err)
{
	memset(t, 0, sizeof *t);
	char *k = xstrdup(key);
	size_t n = strlen(k);
	/* "<id@host>": a Message-ID header as it is written in mail */
	bool bracketed = n >= 2 && k[0] == '<' && k[n - 1] == '>';
	if (bracketed) {
		memmove(k, k + 1, n - 2);
		k[n - 2] = '\0';
	}
	bool at = strchr(k, '@') != NULL;
	const char *how[2] = { bracketed ? "m" : at ? "m" : "q", at && !bracketed ? "a" : NULL };
	struct sl_buf seeds, ids;
	sl_buf_init(&seeds);
	sl_buf_init(&ids);
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, SEED_SQL, -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(db, err);
		goto out;
	}
	/* seeds of every reading of the key: a list of integers */
	for (int i = 0; i < 2 && how[i]; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, how[i], -1, SQLITE_STATIC);
		int src;
		while ((src = sqlite3_step(st)) == SQLITE_ROW)
			sl_buf_addf(&seeds, "%s%lld", seeds.len ? "," : "", sqlite3_column_int64(st, 0));
		if (src != SQLITE_DONE) {
			rc = db_error(db, err);
			goto out;
		}
	}
	if (!seeds.len)
		sl_buf_adds(&seeds, "NULL");
	if (family(db, seeds.data, t, &ids, err)) {
		rc = -1;
		goto out;
	}
	if (!ids.len)
		sl_buf_adds(&ids, "NULL");
	if (events(db, ids.data, k, how[1] ? how[1] : how[0], t, err)) {
		rc = -1;
		goto out;
	}
	if (t->nitems)
		qsort(t->items, t->nitems, sizeof *t->items, item_cmp);
out:
	sqlite3_finalize(st);
	sl_buf_release(&seeds);
	sl_buf_release(&ids);
	free(k);
	return rc;
}

/* ---- the original lines */

struct want {
	uint64_t offset;
	struct trace_item *item;
};

static int want_cmp(const void *pa, const void *pb)
{
	const struct want *a = pa, *b = pb;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* open_source - the file, if it still holds the content stored as the
 * source (same fingerprint of the same length); NULL otherwise, with why */
static struct reader *open_source(sqlite3 *db, int64_t source_id, const char *path, struct sl_buf *why)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct reader *r = reader_open(path, 0, &err);
	if (!r) {
		sl_buf_addf(why, "%s\n", err.msg);
		return NULL;
	}
	sqlite3_stmt *st = NULL;
	bool same = false;
	if (sqlite3_prepare_v2(db, "SELECT fingerprint, fingerprint_len FROM sources WHERE id = ?1", -1,
	                       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
			char fp[17];
			same = reader_prefix_hash(r, (size_t)sqlite3_column_int64(st, 1), fp) &&
			       strcmp(fp, (const char *)sqlite3_column_text(st, 0)) == 0;
		}
	}
	sqlite3_finalize(st);
	if (!same) {
		sl_buf_addf(why, "'%s' no longer holds the lines that were read from it\n", path);
		reader_free(r);
		return NULL;
	}
	return r;
}

/* read_file - the lines at the wanted offsets of one file */
static size_t read_file(sqlite3 *db, int64_t source_id, const char *path, struct want *w, size_t n,
                        struct sl_buf *missing)
{
	if (strcmp(path, "-") == 0) {
		sl_buf_addf(missing, "lines read from standard input cannot be read again\n");
		return n;
	}
	struct reader *r = open_source(db, source_id, path, missing);
	if (!r)
		return n;
	qsort(w, n, sizeof *w, want_cmp);
	struct reader_line l;
	struct sl_error err;
	sl_error_clear(&err);
	size_t i = 0;
	while (i < n && reader_next(r, &l, &err) == 1) {
		while (i < n && w[i].offset < l.offset)
			i++;   /* an offset inside a line: not a line's start */
		while (i < n && w[i].offset == l.offset) {
			w[i].item->raw = xstrndup(l.text, l.len);
			if (!w[i].item->line)
				w[i].item->line = l.lineno;
			i++;
		}
	}
	reader_free(r);
	size_t lost = 0;
	for (size_t k = 0; k < n; k++)
		lost += w[k].item->raw == NULL;
	if (lost)
		sl_buf_addf(missing, "'%s': %zu line%s not found\n", path, lost, lost == 1 ? "" : "s");
	return lost;
}

/* trace_read_raw - see trace.h */
size_t trace_read_raw(sqlite3 *db, struct trace *t, struct sl_buf *missing)
{
	size_t lost = 0;
	bool *done = xcalloc(t->nitems + 1, sizeof *done);
	struct want *w = xcalloc(t->nitems + 1, sizeof *w);
	for (size_t i = 0; i < t->nitems; i++) {
		if (done[i])
			continue;
		const struct trace_item *a = &t->items[i];
		if (!a->file) {
			done[i] = true;
			lost++;
			continue;
		}
		/* every item of the same source and path: one pass over the file */
		size_t n = 0;
		for (size_t k = i; k < t->nitems; k++) {
			struct trace_item *b = &t->items[k];
			if (!done[k] && b->file && b->source_id == a->source_id && strcmp(b->file, a->file) == 0) {
				w[n++] = (struct want){ b->offset, b };
				done[k] = true;
			}
		}
		lost += read_file(db, a->source_id, a->file, w, n, missing);
	}
	free(w);
	free(done);
	return lost;
}

/* trace_format - see trace.h */
void trace_format(const struct trace *t, struct sl_buf *out)
{
	for (size_t i = 0; i < t->nmsgs; i++) {
		const struct trace_message *m = &t->msgs[i];
		sl_buf_addf(out, "%s %s (%s)", m->queue_id ? m->queue_id : "?", m->host ? m->host : "-",
		            m->mta ? m->mta : "?");
		if (m->origin)
			sl_buf_addf(out, ": %s of %s", m->origin, m->origin_queue_id ? m->origin_queue_id : "?");
		sl_buf_addf(out, "%s%s\n", m->summary[0] ? ": " : "", m->summary);
	}
	if (t->nmsgs)
		sl_buf_addc(out, '\n');
	for (size_t i = 0; i < t->nitems; i++) {
		const struct trace_item *it = &t->items[i];
		sl_buf_addf(out, "%-20s  %-12s %-10s  %s", it->ts ? it->ts : "-", it->queue_id,
		            it->what, it->detail ? it->detail : "");
		if (it->file && it->line)
			sl_buf_addf(out, "  [%s:%llu]\n", it->file, (unsigned long long)it->line);
		else if (it->file)
			sl_buf_addf(out, "  [%s, byte %llu]\n", it->file, (unsigned long long)it->offset);
		else
			sl_buf_addc(out, '\n');
		if (it->reply)
			sl_buf_addf(out, "%24s%s\n", "", it->reply);
	}
}

/* trace_release - frees what t holds */
void trace_release(struct trace *t)
{
	for (size_t i = 0; i < t->nmsgs; i++) {
		struct trace_message *m = &t->msgs[i];
		free(m->queue_id), free(m->host), free(m->mta), free(m->summary);
		free(m->origin), free(m->origin_queue_id);
	}
	for (size_t i = 0; i < t->nitems; i++) {
		struct trace_item *it = &t->items[i];
		free(it->ts), free(it->queue_id), free(it->host), free(it->what), free(it->detail);
		free(it->reply), free(it->file), free(it->raw);
	}
	free(t->msgs);
	free(t->items);
	memset(t, 0, sizeof *t);
}
