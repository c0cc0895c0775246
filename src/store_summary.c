/* store_summary: the summary tables of include/store_summary.h, their
 * triggers, and their build from the rows in one pass.
 * SPDX-License-Identifier: MIT */
#include "store_summary.h"

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

/* The triggers; '@' is replaced by NEW or OLD, '$' by the other one (the
 * WHEN of an update compares what the row added before and after). */
static const struct trigger {
	const char *name, *head, *body;
} triggers[] = {
	{ "summary_events_insert", "AFTER INSERT ON events", "#" EV_ADD },
	{ "summary_events_delete", "AFTER DELETE ON events", "%" EV_SUB },
	{ "summary_events_update",
	  "AFTER UPDATE OF id, ts, kind, handoff, smtp_code, class, delay ON events",
	  "%" EV_SUB "#" EV_ADD },
	{ "summary_messages_insert", "AFTER INSERT ON messages", "#" MSG_ADD },
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
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
	                       " AND name IN ('summary_events_insert', 'summary_events_delete',"
	                       " 'summary_events_update', 'summary_messages_insert',"
	                       " 'summary_messages_delete', 'summary_messages_update')",
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
		sl_buf_addf(&b, "DROP TRIGGER IF EXISTS %s;\n", triggers[i].name);
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
		sl_buf_addf(&b, "DROP TRIGGER IF EXISTS %s;\n", triggers[i].name);
	int ret = exec_buf(db, &b, err, "suspend");
	sl_buf_release(&b);
	return ret;
}
