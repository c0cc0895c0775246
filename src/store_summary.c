/* store_summary: the summary tables of include/store_summary.h, their
 * triggers, and their build from the rows in one pass.
 * SPDX-License-Identifier: MIT */
#include "store_summary.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

/* What a row adds, written once for every place it is needed: '@' stands
 * for the row (NEW, OLD, or the alias of a full scan). The 4xx rejection
 * is the report's REJECT_4XX, NULL counted as 0 as the report's sums do. */
#define EV_SRC "(@.id >> 43)"
#define EV_HOUR "coalesce(substr(@.ts, 1, 13), '')"
#define EV_KIND "coalesce(@.kind, '')"
#define EV_4XX "coalesce(@.smtp_code / 100 = 4 OR (@.smtp_code IS NULL AND @.class = 'transient'), 0)"
#define EV_KEY EV_SRC ", " EV_HOUR ", " EV_KIND ", @.handoff"
#define EV_MATCH "source_id = " EV_SRC " AND hour = " EV_HOUR " AND kind = " EV_KIND \
                 " AND handoff = @.handoff"
#define MSG_SRC "coalesce(@.source_id, -1)"
#define MSG_HOUR "coalesce(substr(@.first_ts, 1, 13), '')"
#define MSG_REC "(@.arrived = 1 AND @.origin_id IS NULL)"
#define MSG_NOTE "coalesce(@.origin = 'notification', 0)"
#define MSG_BYTES "(CASE WHEN " MSG_REC " THEN coalesce(@.size, 0) ELSE 0 END)"
#define MSG_COUNTS MSG_REC " OR " MSG_NOTE

/* The parts of the triggers: a row's counts added, or taken away. */
#define EV_ADD \
	"INSERT INTO summary_events VALUES (" EV_KEY ", " EV_4XX ", 1)" \
	" ON CONFLICT DO UPDATE SET n = n + 1;\n" \
	"INSERT INTO summary_delays SELECT " EV_KEY ", @.delay, 1 WHERE @.delay IS NOT NULL" \
	" ON CONFLICT DO UPDATE SET n = n + 1;\n"
/* A count that falls to zero goes: the tables hold what a build from the
 * rows would, whatever order the rows came and went in. */
#define EV_SUB \
	"UPDATE summary_events SET n = n - 1 WHERE " EV_MATCH " AND reject_4xx = " EV_4XX ";\n" \
	"DELETE FROM summary_events WHERE n = 0 AND " EV_MATCH " AND reject_4xx = " EV_4XX ";\n" \
	"UPDATE summary_delays SET n = n - 1 WHERE @.delay IS NOT NULL AND " EV_MATCH \
	" AND delay = @.delay;\n" \
	"DELETE FROM summary_delays WHERE n = 0 AND @.delay IS NOT NULL AND " EV_MATCH \
	" AND delay = @.delay;\n"
#define MSG_ADD \
	"INSERT INTO summary_messages SELECT " MSG_SRC ", " MSG_HOUR ", " MSG_REC ", " MSG_NOTE \
	", " MSG_BYTES " WHERE " MSG_COUNTS " ON CONFLICT DO UPDATE SET" \
	" received = received + excluded.received," \
	" notifications = notifications + excluded.notifications," \
	" bytes_received = bytes_received + excluded.bytes_received;\n"
#define MSG_SUB \
	"UPDATE summary_messages SET received = received - " MSG_REC "," \
	" notifications = notifications - " MSG_NOTE ", bytes_received = bytes_received - " \
	MSG_BYTES " WHERE (" MSG_COUNTS ") AND source_id = " MSG_SRC " AND hour = " MSG_HOUR ";\n" \
	"DELETE FROM summary_messages WHERE received = 0 AND notifications = 0" \
	" AND bytes_received = 0 AND (" MSG_COUNTS ") AND source_id = " MSG_SRC \
	" AND hour = " MSG_HOUR ";\n"

/* The triggers of updates and deletes (prune, the whole-log reason rule,
 * a message seen again); '@' is replaced by NEW or OLD, '$' by the other one (the
 * WHEN of an update compares what the row added before and after). */
static const struct trigger {
	const char *name, *head, *body;
} triggers[] = {
	{ "summary_events_delete", "AFTER DELETE ON events", "%" EV_SUB },
	{ "summary_events_update",
	  "AFTER UPDATE OF id, ts, kind, handoff, smtp_code, class, delay ON events",
	  "%" EV_SUB "#" EV_ADD },
	{ "summary_messages_delete", "AFTER DELETE ON messages", "%" MSG_SUB },
	/* a message row is updated in most batches that see it again:
	 * only a change of what it counts for touches the summary */
	{ "summary_messages_update",
	  "AFTER UPDATE OF source_id, first_ts, arrived, origin_id, origin, size ON messages"
	  " WHEN " MSG_SRC " IS NOT {" MSG_SRC "} OR " MSG_HOUR " IS NOT {" MSG_HOUR "}"
	  " OR " MSG_REC " IS NOT {" MSG_REC "} OR " MSG_NOTE " IS NOT {" MSG_NOTE "}"
	  " OR " MSG_BYTES " IS NOT {" MSG_BYTES "}",
	  "%" MSG_SUB "#" MSG_ADD },
};

/* The build from the rows: what the triggers would have added. */
#define REBUILD \
	"DELETE FROM summary_events; DELETE FROM summary_delays; DELETE FROM summary_messages;\n" \
	"INSERT INTO summary_events SELECT " EV_KEY ", " EV_4XX ", count(*) FROM events @" \
	" GROUP BY 1, 2, 3, 4, 5;\n" \
	"INSERT INTO summary_delays SELECT " EV_KEY ", @.delay, count(*) FROM events @" \
	" WHERE @.delay IS NOT NULL GROUP BY 1, 2, 3, 4, 5;\n" \
	"INSERT INTO summary_messages SELECT " MSG_SRC ", " MSG_HOUR ", sum(" MSG_REC ")," \
	" sum(" MSG_NOTE "), sum(" MSG_BYTES ") FROM messages @ WHERE " MSG_COUNTS \
	" GROUP BY 1, 2;\n"

/* expand - text with '@' as `row`; in a WHEN, text in {} is about `other`;
 * '#' and '%' switch the row to NEW and OLD (the parts of a trigger body) */
static void expand(struct sl_buf *b, const char *text, const char *row, const char *other)
{
	bool braced = false;
	for (const char *p = text; *p; p++) {
		if (*p == '@')
			sl_buf_adds(b, braced ? other : row);
		else if (*p == '{' || *p == '}')
			braced = *p == '{';
		else if (*p == '#')
			row = "NEW";
		else if (*p == '%')
			row = "OLD";
		else
			sl_buf_addc(b, *p);
	}
}

static int exec_buf(sqlite3 *db, struct sl_buf *b, struct sl_error *err, const char *what)
{
	int rc = sqlite3_exec(db, b->data, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sl_error_set(err, SL_EDB, "cannot %s the summary tables: %s", what,
		                    sqlite3_errmsg(db));
	return 0;
}

bool store_summary_ready(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;
	/* the insert triggers of the first version of schema 6 would count
	 * twice: their presence asks for a count afresh, which drops them */
	if (sqlite3_prepare_v2(db, "SELECT coalesce(sum(CASE WHEN name IN ('summary_events_insert',"
	                       " 'summary_messages_insert') THEN -100 ELSE 1 END), 0)"
	                       " FROM sqlite_master WHERE type = 'trigger'"
	                       " AND name IN ('summary_events_delete', 'summary_events_update',"
	                       " 'summary_messages_delete', 'summary_messages_update',"
	                       " 'summary_events_insert', 'summary_messages_insert')",
	                       -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n == (int64_t)SL_ARRAY_LEN(triggers);
}

int store_summary_ensure(sqlite3 *db, struct sl_error *err)
{
	if (store_summary_ready(db))
		return 0;
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_adds(&b, STORE_SUMMARY_TABLES);
	for (size_t i = 0; i < SL_ARRAY_LEN(triggers); i++)
		sl_buf_addf(&b, "DROP TRIGGER IF EXISTS main.%s;\n", triggers[i].name);
	/* the insert triggers of a first version: inserts are counted by
	 * store_summary_add_* now */
	sl_buf_adds(&b, "DROP TRIGGER IF EXISTS main.summary_events_insert;\n"
	                "DROP TRIGGER IF EXISTS main.summary_messages_insert;\n");
	expand(&b, REBUILD, "r", "r");
	for (size_t i = 0; i < SL_ARRAY_LEN(triggers); i++) {
		sl_buf_addf(&b, "CREATE TRIGGER %s ", triggers[i].name);
		expand(&b, triggers[i].head, "NEW", "OLD");
		sl_buf_adds(&b, " BEGIN\n");
		expand(&b, triggers[i].body, "NEW", "OLD");
		sl_buf_adds(&b, "END;\n");
	}
	int ret = exec_buf(db, &b, err, "build");
	sl_buf_release(&b);
	return ret;
}

int store_summary_suspend(sqlite3 *db, struct sl_error *err)
{
	struct sl_buf b;
	sl_buf_init(&b);
	for (size_t i = 0; i < SL_ARRAY_LEN(triggers); i++)
		sl_buf_addf(&b, "DROP TRIGGER IF EXISTS main.%s;\n", triggers[i].name);
	int ret = exec_buf(db, &b, err, "suspend");
	sl_buf_release(&b);
	return ret;
}

int store_summary_recount(sqlite3 *db, struct sl_error *err)
{
	return store_summary_suspend(db, err) < 0 ? -1 : store_summary_ensure(db, err);
}

/* ---- the counts of inserted rows, kept in memory until the commit */

enum { ACC_EVENT, ACC_DELAY, ACC_MESSAGE };

struct acc_entry {
	bool used;
	uint8_t type, handoff, r4;
	int64_t src;
	char hour[14];
	const char *kind;          /* static (store's names), or "" */
	double delay;
	int64_t n, notes, bytes;   /* messages: received, notifications, bytes */
};

struct store_summary_acc {
	struct acc_entry *v;
	size_t cap, used;
	sqlite3_stmt *stmt[3];
};

static const char *const acc_sql[3] = {
	[ACC_EVENT] = "INSERT INTO summary_events VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	              " ON CONFLICT DO UPDATE SET n = n + excluded.n",
	[ACC_DELAY] = "INSERT INTO summary_delays VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	              " ON CONFLICT DO UPDATE SET n = n + excluded.n",
	[ACC_MESSAGE] = "INSERT INTO summary_messages VALUES (?1, ?2, ?3, ?4, ?5)"
	                " ON CONFLICT DO UPDATE SET received = received + excluded.received,"
	                " notifications = notifications + excluded.notifications,"
	                " bytes_received = bytes_received + excluded.bytes_received",
};

struct store_summary_acc *store_summary_acc_new(void)
{
	struct store_summary_acc *a = xcalloc(1, sizeof *a);
	return a;
}

void store_summary_acc_free(struct store_summary_acc *a)
{
	if (!a)
		return;
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(a->stmt[i]);
	free(a->v);
	free(a);
}

void store_summary_acc_clear(struct store_summary_acc *a)
{
	if (a->used)
		memset(a->v, 0, a->cap * sizeof *a->v);
	a->used = 0;
}

static uint64_t acc_hash(const struct acc_entry *k)
{
	uint64_t h = 1469598103934665603u;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211u)
	MIX(k->type);
	MIX(k->handoff);
	MIX(k->r4);
	MIX(k->src);
	for (const char *p = k->hour; *p; p++)
		MIX((unsigned char)*p);
	for (const char *p = k->kind; *p; p++)
		MIX((unsigned char)*p);
	uint64_t d;
	memcpy(&d, &k->delay, sizeof d);
	MIX(d);
#undef MIX
	return h ^ (h >> 29);
}

static bool acc_same(const struct acc_entry *a, const struct acc_entry *b)
{
	return a->type == b->type && a->handoff == b->handoff && a->r4 == b->r4 &&
	       a->src == b->src && a->delay == b->delay && strcmp(a->hour, b->hour) == 0 &&
	       strcmp(a->kind, b->kind) == 0;
}

/* acc_get - the entry of key k, added if new */
static struct acc_entry *acc_get(struct store_summary_acc *a, const struct acc_entry *k)
{
	if (2 * (a->used + 1) > a->cap) {
		struct acc_entry *old = a->v;
		size_t n = a->cap;
		a->cap = a->cap ? a->cap * 2 : 256;
		a->v = xcalloc(a->cap, sizeof *a->v);
		a->used = 0;
		for (size_t i = 0; i < n; i++)
			if (old[i].used)
				*acc_get(a, &old[i]) = old[i];
		free(old);
	}
	size_t i = (size_t)acc_hash(k) & (a->cap - 1);
	while (a->v[i].used && !acc_same(&a->v[i], k))
		i = (i + 1) & (a->cap - 1);
	if (!a->v[i].used) {
		a->v[i] = *k;
		a->v[i].used = true;
		a->v[i].n = a->v[i].notes = a->v[i].bytes = 0;
		a->used++;
	}
	return &a->v[i];
}

static void hour_of(char out[14], const char *ts)
{
	size_t n = ts ? strnlen(ts, 13) : 0;
	memcpy(out, ts ? ts : "", n);
	out[n] = '\0';
}

void store_summary_add_event(struct store_summary_acc *a, int64_t id, const char *ts,
                             const char *kind, bool handoff, int smtp_code, const char *class,
                             double delay)
{
	struct acc_entry k = { .type = ACC_EVENT, .handoff = handoff, .src = id >> 43,
	                       .kind = kind ? kind : "" };
	hour_of(k.hour, ts && *ts ? ts : NULL);
	k.r4 = smtp_code > 0 ? smtp_code / 100 == 4 : class && strcmp(class, "transient") == 0;
	acc_get(a, &k)->n++;
	if (delay >= 0) {
		k.type = ACC_DELAY;
		k.r4 = 0;
		k.delay = delay;
		acc_get(a, &k)->n++;
	}
}

void store_summary_add_message(struct store_summary_acc *a, int64_t source_id,
                               const char *first_ts, bool received, bool notification,
                               int64_t size)
{
	if (!received && !notification)
		return;
	struct acc_entry k = { .type = ACC_MESSAGE, .src = source_id, .kind = "" };
	hour_of(k.hour, first_ts);
	struct acc_entry *e = acc_get(a, &k);
	e->n += received;
	e->notes += notification;
	e->bytes += received && size > 0 ? size : 0;
}

int store_summary_flush(struct store_summary_acc *a, sqlite3 *db, struct sl_error *err)
{
	int ret = 0;
	for (size_t i = 0; ret == 0 && a->used && i < a->cap; i++) {
		const struct acc_entry *e = &a->v[i];
		if (!e->used)
			continue;
		sqlite3_stmt *s = a->stmt[e->type];
		if (!s && sqlite3_prepare_v3(db, acc_sql[e->type], -1, SQLITE_PREPARE_PERSISTENT,
		                             &a->stmt[e->type], NULL) != SQLITE_OK) {
			ret = sl_error_set(err, SL_EDB, "cannot write the summary tables: %s",
			                   sqlite3_errmsg(db));
			break;
		}
		s = a->stmt[e->type];
		sqlite3_bind_int64(s, 1, e->src);
		sqlite3_bind_text(s, 2, e->hour, -1, SQLITE_STATIC);
		if (e->type == ACC_MESSAGE) {
			sqlite3_bind_int64(s, 3, e->n);
			sqlite3_bind_int64(s, 4, e->notes);
			sqlite3_bind_int64(s, 5, e->bytes);
		} else {
			sqlite3_bind_text(s, 3, e->kind, -1, SQLITE_STATIC);
			sqlite3_bind_int(s, 4, e->handoff);
			if (e->type == ACC_EVENT)
				sqlite3_bind_int(s, 5, e->r4);
			else
				sqlite3_bind_double(s, 5, e->delay);
			sqlite3_bind_int64(s, 6, e->n);
		}
		if (sqlite3_step(s) != SQLITE_DONE)
			ret = sl_error_set(err, SL_EDB, "cannot write the summary tables: %s",
			                   sqlite3_errmsg(db));
		sqlite3_reset(s);
	}
	store_summary_acc_clear(a);
	return ret;
}
