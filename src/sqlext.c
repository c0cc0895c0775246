/* sqlext: SQL functions and views for ad-hoc questions (include/sqlext.h).
 * SPDX-License-Identifier: MIT */
#include "sqlext.h"

#include <sqlite3.h>
#include <string.h>

#include "codes.h"
#include "reasons.h"

/* ---- functions */

/* domain_of(address) - the lower-cased part after the last '@', or NULL */
static void fn_domain_of(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *addr = (const char *)sqlite3_value_text(argv[0]);
	char dom[256];
	if (!addr || !strchr(addr, '@'))
		return;   /* NULL */
	sl_addr_domain(addr, dom, sizeof dom);
	size_t n = strlen(dom);
	if (n && dom[n - 1] == '>')   /* "<bob@example.org>" as logged */
		dom[--n] = '\0';
	if (n)
		sqlite3_result_text(ctx, dom, (int)n, SQLITE_TRANSIENT);
}

/* The class digit of 250, '250', '4.7.1'; 0 if none. */
static int class_digit(sqlite3_value *v)
{
	const char *s = (const char *)sqlite3_value_text(v);
	if (!s || s[0] < '2' || s[0] > '5')
		return 0;
	int reply;
	char enh[CODES_ENHANCED_MAX];
	if (!codes_extract(s, &reply, enh))
		return 0;
	return s[0] - '0';
}

/* code_class(code) - 'success', 'intermediate', 'transient', 'permanent' */
static void fn_code_class(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	static const char *const names[] = { [2] = "success", [3] = "intermediate",
	                                     [4] = "transient", [5] = "permanent" };
	int d = class_digit(argv[0]);
	if (d)
		sqlite3_result_text(ctx, names[d], -1, SQLITE_STATIC);
}

/* lang_arg - the optional language argument; -1 (and an SQL error) if bad */
static int lang_arg(sqlite3_context *ctx, int argc, sqlite3_value **argv, int i)
{
	if (argc <= i || sqlite3_value_type(argv[i]) == SQLITE_NULL)
		return CODES_EN;
	int l = codes_lang_parse((const char *)sqlite3_value_text(argv[i]));
	if (l < 0)
		sqlite3_result_error(ctx, "unknown language (expected en, ja, ko or zh)", -1);
	return l;
}

/* code_info - the knowledge of a bare code (250, '5.1.1'); false if none */
static bool code_info(sqlite3_value *v, enum codes_lang lang, struct codes_info *ci)
{
	const char *s = (const char *)sqlite3_value_text(v);
	int reply;
	char enh[CODES_ENHANCED_MAX];
	if (!s || !codes_extract(s, &reply, enh))
		return false;
	if (enh[0])
		return codes_enhanced(enh, lang, ci);
	return codes_reply(reply, lang, ci);
}

/* code_title(code [, lang]) - the code's title */
static void fn_code_title(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int l = lang_arg(ctx, argc, argv, 1);
	struct codes_info ci;
	if (l >= 0 && code_info(argv[0], (enum codes_lang)l, &ci))
		sqlite3_result_text(ctx, ci.title, -1, SQLITE_STATIC);
}

/* advice(code_or_reason [, lang]) - for a reason id ('greylisting') its
 * remedy; for a code what the sender can do */
static void fn_advice(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int l = lang_arg(ctx, argc, argv, 1);
	if (l < 0)
		return;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	struct reason_info ri;
	struct codes_info ci;
	if (s && reasons_text(s, (enum codes_lang)l, &ri))
		sqlite3_result_text(ctx, ri.remedy, -1, SQLITE_STATIC);
	else if (code_info(argv[0], (enum codes_lang)l, &ci))
		sqlite3_result_text(ctx, ci.fix_sender, -1, SQLITE_STATIC);
}

static const struct {
	const char *name;
	int nargs;
	void (*fn)(sqlite3_context *, int, sqlite3_value **);
} functions[] = {
	{ "domain_of", 1, fn_domain_of },
	{ "code_class", 1, fn_code_class },
	{ "code_title", 1, fn_code_title },
	{ "code_title", 2, fn_code_title },
	{ "advice", 1, fn_advice },
	{ "advice", 2, fn_advice },
};

/* sqlext_register - see sqlext.h */
int sqlext_register(sqlite3 *db)
{
	for (size_t i = 0; i < SL_ARRAY_LEN(functions); i++) {
		/* innocuous: no side effects, safe in views of an untrusted schema */
		int rc = sqlite3_create_function(db, functions[i].name, functions[i].nargs,
		                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		                                 NULL, functions[i].fn, NULL, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int auto_entry(sqlite3 *db, char **errmsg, const void *api)
{
	(void)errmsg, (void)api;
	return sqlext_register(db);
}

/* sqlext_register_everywhere - see sqlext.h */
void sqlext_register_everywhere(void)
{
	sqlite3_auto_extension((void (*)(void))auto_entry);
}

/* ---- views, each written only when it is missing or its definition
 * differs from this binary's (so a newer version brings its own, and an
 * unchanged database is not written at all) */
static const struct {
	const char *name;
	const char *sql;   /* exactly as sqlite_master keeps it */
} views[] = {
	{ "v_daily_volume",
	  "CREATE VIEW v_daily_volume AS\n"
	  "  SELECT substr(first_ts, 1, 10) AS date, count(*) AS messages, sum(size) AS bytes,\n"
	  "         sum(nrcpt) AS recipients, count(DISTINCT sender) AS senders,\n"
	  "         count(DISTINCT sender_domain) AS sender_domains\n"
	  "    FROM messages WHERE arrived = 1 AND origin_id IS NULL\n"
	  "   GROUP BY 1 ORDER BY 1" },
	{ "v_daily_senders",
	  "CREATE VIEW v_daily_senders AS\n"
	  "  SELECT substr(first_ts, 1, 10) AS date, sender, sender_domain, count(*) AS messages,\n"
	  "         sum(size) AS bytes, sum(nrcpt) AS recipients\n"
	  "    FROM messages WHERE arrived = 1 AND origin_id IS NULL\n"
	  "   GROUP BY 1, 2" },
	{ "v_message_timeline",
	  "CREATE VIEW v_message_timeline AS\n"
	  "  SELECT m.id AS message_id, m.host, m.queue_id, m.header_message_id, m.origin,\n"
	  "         m.origin_id, m.first_ts AS ts,\n"
	  "         CASE WHEN m.arrived THEN 'arrived' ELSE 'first seen' END AS what,\n"
	  "         m.sender, NULL AS recipient, NULL AS smtp_code, NULL AS enhanced_code,\n"
	  "         NULL AS reply, s.path AS file, NULL AS line, m.first_offset AS offset\n"
	  "    FROM messages m LEFT JOIN sources s ON s.id = m.source_id\n"
	  "  UNION ALL\n"
	  "  SELECT e.message_id, e.host, e.queue_id, m.header_message_id, m.origin, m.origin_id,\n"
	  "         e.ts, e.kind, e.sender, e.recipient, e.smtp_code, e.enhanced_code, e.reply,\n"
	  "         e.file, e.line, e.offset\n"
	  "    FROM events e LEFT JOIN messages m ON m.id = e.message_id" },
	{ "v_health",
	  "CREATE VIEW v_health AS\n"
	  "  SELECT substr(hour, 1, 10) AS date, category, program, shape, client,\n"
	  "         sum(count) AS count, min(sample) AS sample\n"
	  "    FROM health GROUP BY 1, 2, 3, 4, 5" },
	{ "v_failures_advice",
	  "CREATE VIEW v_failures_advice AS\n"
	  "  SELECT e.id AS event_id, e.ts, e.kind, e.class, e.queue_id, e.sender, e.recipient,\n"
	  "         e.recipient_domain, e.smtp_code, e.enhanced_code, e.reason, l.lang,\n"
	  "         coalesce(ce.title, cr.title) AS code_title,\n"
	  "         coalesce(ce.fix_sender, cr.fix_sender) AS fix_sender,\n"
	  "         coalesce(ce.fix_admin, cr.fix_admin) AS fix_admin,\n"
	  "         r.title AS reason_title, r.diagnosis, r.remedy, e.reply, e.file, e.line\n"
	  "    FROM events e\n"
	  "    JOIN (SELECT 'en' AS lang UNION ALL SELECT 'ja' UNION ALL SELECT 'ko'\n"
	  "          UNION ALL SELECT 'zh') l\n"
	  "    LEFT JOIN codes ce ON ce.code = e.enhanced_code AND ce.lang = l.lang\n"
	  "    LEFT JOIN codes cr ON cr.code = CAST(e.smtp_code AS TEXT) AND cr.lang = l.lang\n"
	  "    LEFT JOIN reasons r ON r.id = e.reason AND r.lang = l.lang" },
};

/* view_current - the view exists with this definition */
static bool view_current(sqlite3 *db, const char *name, const char *sql)
{
	sqlite3_stmt *st = NULL;
	bool same = false;
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		same = strcmp((const char *)sqlite3_column_text(st, 0), sql) == 0;
	sqlite3_finalize(st);
	return same;
}

/* sqlext_views_load - see sqlext.h */
int sqlext_views_load(sqlite3 *db, struct sl_error *err)
{
	bool all = true;
	for (size_t i = 0; i < SL_ARRAY_LEN(views) && all; i++)
		all = view_current(db, views[i].name, views[i].sql);
	if (all)
		return 0;
	int rc = sqlite3_exec(db, "SAVEPOINT sqlext_views", NULL, NULL, NULL);
	for (size_t i = 0; i < SL_ARRAY_LEN(views) && rc == SQLITE_OK; i++) {
		if (view_current(db, views[i].name, views[i].sql))
			continue;
		char *drop = sqlite3_mprintf("DROP VIEW IF EXISTS \"%w\"", views[i].name);
		rc = sqlite3_exec(db, drop, NULL, NULL, NULL);
		sqlite3_free(drop);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, views[i].sql, NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "RELEASE sqlext_views", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	int primary = sqlite3_extended_errcode(db) & 0xff;
	sl_error_set(err, primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? SL_EBUSY : SL_EDB,
	             "cannot create the views: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK TO sqlext_views", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE sqlext_views", NULL, NULL, NULL);
	return -1;
}
