/* codes_sql: the knowledge base as SQL tables `codes` and `reasons`.
 * It reads the tables through the codes and reasons APIs and writes them
 * with prepared statements inside one savepoint.
 * SPDX-License-Identifier: MIT */
#include "codes_sql.h"

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "codes.h"
#include "reasons.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS codes ("
	" code TEXT NOT NULL, lang TEXT NOT NULL, class INTEGER NOT NULL,"
	" title TEXT, description TEXT, when_seen TEXT, fix_sender TEXT, fix_admin TEXT,"
	" PRIMARY KEY (code, lang));"
	"CREATE TABLE IF NOT EXISTS reasons ("
	" id TEXT NOT NULL, lang TEXT NOT NULL, title TEXT, diagnosis TEXT, remedy TEXT,"
	" PRIMARY KEY (id, lang));"
	"DELETE FROM codes;"
	"DELETE FROM reasons;";

/* db_error - err from the connection's last error; always -1 */
static int db_error(sqlite3 *db, int rc, struct sl_error *err, const char *what)
{
	int primary = rc & 0xff;
	return sl_error_set(err, primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? SL_EBUSY : SL_EDB,
	                    "cannot load the %s table: %s", what, sqlite3_errmsg(db));
}

static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
	return sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
}

/* load_codes - one row per table entry and language */
static int load_codes(sqlite3 *db, struct sl_error *err)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;
	int rc = sqlite3_prepare_v2(db,
	                            "INSERT INTO codes (code, lang, class, title, description, when_seen,"
	                            " fix_sender, fix_admin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, rc, err, "codes");
		goto out;
	}
	for (int l = 0; l < CODES_LANG_COUNT; l++) {
		for (size_t i = 0; i < codes_count(); i++) {
			struct codes_info ci;
			if (!codes_at(i, (enum codes_lang)l, &ci))
				SL_BUG("codes_at(%zu) failed below codes_count()", i);
			bind_text(st, 1, ci.code);
			bind_text(st, 2, codes_lang_name((enum codes_lang)l));
			sqlite3_bind_int(st, 3, ci.klass);
			bind_text(st, 4, ci.title);
			bind_text(st, 5, ci.description);
			bind_text(st, 6, ci.when);
			bind_text(st, 7, ci.fix_sender);
			bind_text(st, 8, ci.fix_admin);
			rc = sqlite3_step(st);
			if (rc != SQLITE_DONE) {
				db_error(db, rc, err, "codes");
				goto out;
			}
			sqlite3_reset(st);
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

/* load_reasons - one row per reason and language */
static int load_reasons(sqlite3 *db, struct sl_error *err)
{
	sqlite3_stmt *st = NULL;
	int ret = -1;
	int rc = sqlite3_prepare_v2(db,
	                            "INSERT INTO reasons (id, lang, title, diagnosis, remedy)"
	                            " VALUES (?1, ?2, ?3, ?4, ?5)",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, rc, err, "reasons");
		goto out;
	}
	for (int l = 0; l < CODES_LANG_COUNT; l++) {
		for (size_t i = 0; i < reasons_count(); i++) {
			struct reason_info ri;
			if (!reasons_text(reasons_id_at(i), (enum codes_lang)l, &ri))
				SL_BUG("reasons_text('%s') failed", reasons_id_at(i));
			bind_text(st, 1, ri.id);
			bind_text(st, 2, codes_lang_name((enum codes_lang)l));
			bind_text(st, 3, ri.title);
			bind_text(st, 4, ri.diagnosis);
			bind_text(st, 5, ri.remedy);
			rc = sqlite3_step(st);
			if (rc != SQLITE_DONE) {
				db_error(db, rc, err, "reasons");
				goto out;
			}
			sqlite3_reset(st);
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

/* The knowledge base's version: a hash of the data files it was built from
 * (tools/gencodes.c), so a load that finds it stored has nothing to write */
extern const char codes_gen_hash[];

/* stored_hash_is - the knowledge_version row holds hash */
static bool stored_hash_is(sqlite3 *db, const char *hash)
{
	sqlite3_stmt *st = NULL;
	bool same = false;
	if (sqlite3_prepare_v2(db, "SELECT hash FROM knowledge_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		same = v && strcmp((const char *)v, hash) == 0;
	}
	sqlite3_finalize(st);
	return same;
}

/* codes_sql_load - (re)fill `codes` and `reasons` atomically, when the
 * built-in texts differ from what the tables hold */
int codes_sql_load(struct sqlite3 *db, struct sl_error *err)
{
	const char *hash = codes_gen_hash;
	if (stored_hash_is(db, hash))
		return 0;   /* as this binary would write them: nothing to do */
	/* A savepoint nests inside a caller's transaction and acts as BEGIN
	 * outside one, so the tables are never seen half-filled. */
	int rc = sqlite3_exec(db, "SAVEPOINT codes_sql_load", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_error(db, rc, err, "codes");
	rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, rc, err, "codes");
		goto fail;
	}
	if (load_codes(db, err) || load_reasons(db, err))
		goto fail;
	char *sql = sqlite3_mprintf("CREATE TABLE IF NOT EXISTS knowledge_version (hash TEXT);"
	                            " DELETE FROM knowledge_version;"
	                            " INSERT INTO knowledge_version VALUES ('%q')", hash);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK) {
		db_error(db, rc, err, "codes");
		goto fail;
	}
	rc = sqlite3_exec(db, "RELEASE codes_sql_load", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, rc, err, "codes");
		goto fail;
	}
	return 0;
fail:
	sqlite3_exec(db, "ROLLBACK TO codes_sql_load", NULL, NULL, NULL);
	sqlite3_exec(db, "RELEASE codes_sql_load", NULL, NULL, NULL);
	return -1;
}

/* codes_sql_whole_log_reasons - see codes_sql.h */
int codes_sql_whole_log_reasons(struct sqlite3 *db, struct sl_error *err)
{
	static const char sql[] =
	        "UPDATE events SET reason = 'user-unknown'"
	        " WHERE kind = 'rejected' AND mta = 'exim' AND reason = 'host-not-found'"
	        "   AND reply LIKE '%Unrouteable address%' AND recipient_domain IN ("
	        "     SELECT recipient_domain FROM events"
	        "      WHERE kind = 'delivered' AND mta = 'exim' AND recipient_domain IS NOT NULL"
	        "        AND remote_host IS NULL AND remote_ip IS NULL AND handoff = 0)";
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_error(db, rc, err, "reasons");
}

