/* merge: one smtplog database into another, idempotently. The column lists
 * are read from the target's schema, so a column added later is merged
 * without a change here; only the id columns are rewritten.
 * SPDX-License-Identifier: MIT */
#include "merge.h"
#include "store_summary.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "correlate.h"
#include "store.h"

#define MAP "temp.merge_map"
/* A row id rebuilt on the target's source: (new source << 43) + offset.
 * Ids below 1 << 43 (rows from schema 1 with no position) map to NULL. */
#define REMAP(col) \
	"((SELECT new FROM " MAP " WHERE old = " col " >> 43) << 43) + (" col " & 8796093022207)"
_Static_assert(STORE_KEY_BITS == 43, "REMAP spells STORE_KEY_BITS out");

struct merger {
	sqlite3 *db;
	const char *path;
	struct sl_error *err;
};

static int fail(struct merger *m, const char *what)
{
	int rc = sqlite3_errcode(m->db) & 0xff;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return sl_error_set(m->err, SL_EBUSY, "cannot merge '%s': a database is locked by another"
		                    " process", m->path);
	return sl_error_set(m->err, SL_EDB, "cannot merge '%s' (%s): %s", m->path, what,
	                    sqlite3_errmsg(m->db));
}

static int exec(struct merger *m, const char *sql, const char *what)
{
	return sqlite3_exec(m->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(m, what);
}

static int query_int(struct merger *m, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(m->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(m, "read");
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(m, "read");
}

/* columns - the target's columns of table: "a, b, c" into names, and the
 * same list with the id columns rewritten (REMAP, the source map) into
 * exprs; skip: a column left out of both */
static int columns(struct merger *m, const char *table, const char *skip, struct sl_buf *names,
                   struct sl_buf *exprs)
{
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA main.table_info(%s)", table);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(m->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(m, "read the schema");
	sl_buf_reset(names);
	sl_buf_reset(exprs);
	bool msg_table = strcmp(table, "messages") == 0 || strcmp(table, "events") == 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 1);
		if (skip && strcmp(c, skip) == 0)
			continue;
		if (names->len) {
			sl_buf_adds(names, ", ");
			sl_buf_adds(exprs, ", ");
		}
		sl_buf_addf(names, "\"%s\"", c);
		if (strcmp(c, "source_id") == 0)
			sl_buf_adds(exprs, "(SELECT new FROM " MAP " WHERE old = x.source_id)");
		else if ((msg_table && strcmp(c, "id") == 0) || strcmp(c, "message_id") == 0 ||
		         strcmp(c, "origin_id") == 0)
			sl_buf_addf(exprs, REMAP("x.\"%s\""), c, c);
		else
			sl_buf_addf(exprs, "x.\"%s\"", c);
	}
	sqlite3_finalize(s);
	return names->len ? 0 : sl_error_set(m->err, SL_EDB, "cannot merge '%s': the target has no"
	                                     " table '%s'", m->path, table);
}

/* check_source - an smtplog database of this schema version, not the target */
static int check_source(struct merger *m)
{
	int64_t app = 0, version = 0;
	if (query_int(m, "PRAGMA src.application_id", &app) < 0 ||
	    query_int(m, "PRAGMA src.user_version", &version) < 0)
		return -1;
	if (app != STORE_APPLICATION_ID)
		return sl_error_set(m->err, SL_EDB, "cannot merge '%s': it is not an smtplog database",
		                    m->path);
	if (version != STORE_SCHEMA_VERSION)
		return sl_error_set(m->err, SL_EDB, "cannot merge '%s': its schema version is %" PRId64
		                    ", this smtplog's is %d (open it once with this smtplog, e.g. "
		                    "'smtplog report --db %s', to upgrade it)", m->path, version,
		                    STORE_SCHEMA_VERSION, m->path);
	return 0;
}

/* map_sources - temp.merge_map(old, new, newer): each source of src and
 * its row in the target (added if the target has no source of the same
 * key fingerprint); newer = the source database read at least as far,
 * whose whole-file figures then replace the target's */
static int map_sources(struct merger *m, struct merge_stats *stats)
{
	struct sl_buf names, exprs, sql;
	sl_buf_init(&names);
	sl_buf_init(&exprs);
	sl_buf_init(&sql);
	int rc = -1;
	if (exec(m, "DROP TABLE IF EXISTS " MAP ";"
	         "CREATE TEMP TABLE merge_map(old INTEGER PRIMARY KEY, new INTEGER, newer INTEGER);"
	         "INSERT INTO " MAP " SELECT s.id, (SELECT t.id FROM main.sources t"
	         "  WHERE coalesce(t.key_fingerprint, t.fingerprint)"
	         "      = coalesce(s.key_fingerprint, s.fingerprint) ORDER BY t.id LIMIT 1),"
	         " 1 FROM src.sources s;"
	         "UPDATE " MAP " SET newer = (SELECT coalesce(s.bytes, 0) >= coalesce(t.bytes, 0)"
	         "  FROM src.sources s, main.sources t WHERE s.id = old AND t.id = new)"
	         " WHERE new IS NOT NULL;", "map the sources") < 0)
		goto out;
	if (columns(m, "sources", "id", &names, &exprs) < 0)
		goto out;
	int64_t known = 0, unknown = 0;
	if (query_int(m, "SELECT count(*) FROM " MAP " WHERE new IS NOT NULL", &known) < 0 ||
	    query_int(m, "SELECT count(*) FROM " MAP " WHERE new IS NULL", &unknown) < 0)
		goto out;
	/* new sources: the target's next ids, in the source database's order */
	sl_buf_addf(&sql, "INSERT INTO main.sources(%s) SELECT %s FROM src.sources x WHERE x.id = ?1",
	            names.data, names.data);
	/* "x."-less names work in the SELECT: only src.sources is in scope */
	sqlite3_stmt *ins = NULL, *set = NULL, *todo = NULL;
	if (sqlite3_prepare_v2(m->db, sql.data, -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "UPDATE " MAP " SET new = ?2 WHERE old = ?1", -1, &set, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(m->db, "SELECT old FROM " MAP " WHERE new IS NULL ORDER BY old", -1, &todo,
	                       NULL) != SQLITE_OK) {
		fail(m, "add the sources");
		goto fin;
	}
	while (sqlite3_step(todo) == SQLITE_ROW) {
		int64_t old = sqlite3_column_int64(todo, 0);
		sqlite3_bind_int64(ins, 1, old);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fail(m, "add the sources");
			goto fin;
		}
		sqlite3_reset(ins);
		int64_t id = sqlite3_last_insert_rowid(m->db);
		if (id > STORE_MAX_SOURCE) {
			sl_error_set(m->err, SL_EDB, "cannot merge '%s': the target would hold more than"
			             " %lld sources, the most row ids allow", m->path,
			             (long long)STORE_MAX_SOURCE);
			goto fin;
		}
		sqlite3_bind_int64(set, 1, old);
		sqlite3_bind_int64(set, 2, id);
		if (sqlite3_step(set) != SQLITE_DONE) {
			fail(m, "add the sources");
			goto fin;
		}
		sqlite3_reset(set);
	}
	/* known sources the source database read further: its figures */
	sl_buf_reset(&sql);
	if (columns(m, "sources", "id", &names, &exprs) < 0)
		goto fin;
	sl_buf_addf(&sql, "UPDATE main.sources SET (%s) = (SELECT %s FROM src.sources x, " MAP " m"
	            " WHERE m.new = main.sources.id AND x.id = m.old AND m.newer ORDER BY x.id LIMIT 1)"
	            " WHERE id IN (SELECT new FROM " MAP " WHERE newer)", names.data, exprs.data);
	if (exec(m, sql.data, "update the sources") < 0)
		goto fin;
	stats->sources_known += (uint64_t)known;
	stats->sources_new += (uint64_t)unknown;
	rc = 0;
fin:
	sqlite3_finalize(ins);
	sqlite3_finalize(set);
	sqlite3_finalize(todo);
out:
	sl_buf_release(&names);
	sl_buf_release(&exprs);
	sl_buf_release(&sql);
	return rc;
}

/* copy_rows - events, messages, continuations and unrecognized counts */
static int copy_rows(struct merger *m, struct merge_stats *stats)
{
	struct sl_buf names, exprs, sql, set;
	sl_buf_init(&names);
	sl_buf_init(&exprs);
	sl_buf_init(&sql);
	sl_buf_init(&set);
	int rc = -1;
	/* Messages first (events name them). One already in the target takes
	 * what the newer copy knows, with the rules of a later ingest: the
	 * earliest first line, the latest last line, arrived and complete
	 * once seen, other fields where the target has none. */
	if (columns(m, "messages", NULL, &names, &exprs) < 0)
		goto out;
	sl_buf_addf(&sql, "INSERT INTO main.messages(%s) SELECT %s FROM src.messages x"
	            " WHERE x.id >> 43 IN (SELECT old FROM " MAP ")"
	            " ON CONFLICT(id) DO UPDATE SET (", names.data, exprs.data);
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(m->db, "PRAGMA main.table_info(messages)", -1, &s, NULL) != SQLITE_OK) {
		fail(m, "read the schema");
		goto out;
	}
	sl_buf_reset(&names);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(s, 1);
		if (strcmp(c, "id") == 0 || strcmp(c, "source_id") == 0 || strcmp(c, "first_offset") == 0)
			continue;
		sl_buf_adds(&names, names.len ? ", " : "");
		sl_buf_addf(&names, "\"%s\"", c);
		sl_buf_adds(&set, set.len ? ", " : "");
		if (strcmp(c, "first_ts") == 0)
			sl_buf_adds(&set, "CASE WHEN excluded.first_ts < first_ts OR first_ts IS NULL"
			                  " THEN excluded.first_ts ELSE first_ts END");
		else if (strcmp(c, "last_ts") == 0)
			sl_buf_adds(&set, "CASE WHEN excluded.last_ts > last_ts OR last_ts IS NULL"
			                  " THEN excluded.last_ts ELSE last_ts END");
		else if (strcmp(c, "arrived") == 0 || strcmp(c, "complete") == 0)
			sl_buf_addf(&set, "max(\"%s\", excluded.\"%s\")", c, c);
		else
			sl_buf_addf(&set, "coalesce(\"%s\", excluded.\"%s\")", c, c);
	}
	sqlite3_finalize(s);
	/* only where something changes, so a second merge reports nothing */
	sl_buf_addf(&sql, "%s) = (%s) WHERE (%s) IS NOT (%s)", names.data, set.data, names.data,
	            set.data);
	if (exec(m, sql.data, "copy the messages") < 0)
		goto out;
	stats->messages += (uint64_t)sqlite3_changes(m->db);

	if (columns(m, "events", NULL, &names, &exprs) < 0)
		goto out;
	sl_buf_reset(&sql);
	sl_buf_addf(&sql, "INSERT OR IGNORE INTO main.events(%s) SELECT %s FROM src.events x"
	            " WHERE x.id >> 43 IN (SELECT old FROM " MAP ")", names.data, exprs.data);
	if (exec(m, sql.data, "copy the events") < 0)
		goto out;
	stats->events += (uint64_t)sqlite3_changes(m->db);

	if (columns(m, "message_continuations", NULL, &names, &exprs) < 0)
		goto out;
	sl_buf_reset(&sql);
	sl_buf_addf(&sql, "INSERT OR IGNORE INTO main.message_continuations(%s) SELECT %s"
	            " FROM src.message_continuations x WHERE x.source_id IN (SELECT old FROM " MAP ")",
	            names.data, exprs.data);
	if (exec(m, sql.data, "copy the continuations") < 0)
		goto out;

	/* whole-file counts: from the copy that read further */
	if (columns(m, "unrecognized", NULL, &names, &exprs) < 0)
		goto out;
	sl_buf_reset(&sql);
	sl_buf_addf(&sql, "INSERT OR REPLACE INTO main.unrecognized(%s) SELECT %s"
	            " FROM src.unrecognized x WHERE x.source_id IN (SELECT old FROM " MAP " WHERE newer)",
	            names.data, exprs.data);
	if (exec(m, sql.data, "copy the unrecognized lines") < 0)
		goto out;
	/* health counts are whole-file figures too: the rows of the copy that
	 * read further replace the source's */
	if (columns(m, "health", NULL, &names, &exprs) < 0)
		goto out;
	sl_buf_reset(&sql);
	sl_buf_addf(&sql, "DELETE FROM main.health WHERE source_id IN (SELECT new FROM " MAP
	            " WHERE newer); INSERT INTO main.health(%s) SELECT %s FROM src.health x"
	            " WHERE x.source_id IN (SELECT old FROM " MAP " WHERE newer)", names.data,
	            exprs.data);
	if (exec(m, sql.data, "copy the health counts") < 0)
		goto out;
	rc = 0;
out:
	sl_buf_release(&names);
	sl_buf_release(&exprs);
	sl_buf_release(&sql);
	sl_buf_release(&set);
	return rc;
}

/* The source map in memory, for the ids in a saved state */
struct id_map {
	struct merger *m;
	sqlite3_stmt *get;
};

static int64_t map_source(void *ctx, int64_t old)
{
	struct id_map *im = ctx;
	sqlite3_bind_int64(im->get, 1, old);
	int64_t id = sqlite3_step(im->get) == SQLITE_ROW ? sqlite3_column_int64(im->get, 0) : 0;
	sqlite3_reset(im->get);
	return id;
}

static int64_t map_message(void *ctx, int64_t old)
{
	return (map_source(ctx, old >> STORE_KEY_BITS) << STORE_KEY_BITS) |
	       (old & (((int64_t)1 << STORE_KEY_BITS) - 1));
}

/* blob - column 0 of the one-row query sql into out (empty: no row) */
static int blob(struct merger *m, const char *sql, struct sl_buf *out)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(m->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(m, "read the open messages");
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) > 0)
		sl_buf_add(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(m, "read the open messages");
}

/* copy_state - the messages open at the end of the source database's
 * files join the target's saved state: a later run over the same files
 * into the target goes on with them as the source database would have */
static int copy_state(struct merger *m)
{
	struct sl_buf a, b, out;
	sl_buf_init(&a);
	sl_buf_init(&b);
	sl_buf_init(&out);
	struct id_map im = { .m = m };
	int rc = -1;
	if (blob(m, "SELECT state FROM main.correlate_state WHERE id = 1", &a) < 0 ||
	    blob(m, "SELECT state FROM src.correlate_state WHERE id = 1", &b) < 0)
		goto out;
	if (!b.len) {
		rc = 0;   /* nothing open there */
		goto out;
	}
	if (sqlite3_prepare_v2(m->db, "SELECT new FROM " MAP " WHERE old = ?1", -1, &im.get,
	                       NULL) != SQLITE_OK) {
		fail(m, "map the open messages");
		goto out;
	}
	struct corr_id_map map = { map_message, map_source, &im };
	uint64_t open = 0;
	if (correlate_state_merge(a.data, a.len, b.data, b.len, &map, &out, &open, m->err) < 0) {
		struct sl_error why = *m->err;   /* say which database */
		sl_error_set(m->err, SL_EDB, "cannot merge '%s': %s", m->path, why.msg);
		goto out;
	}
	if (out.len == a.len && memcmp(out.data, a.data, a.len) == 0) {
		rc = 0;   /* merged before: nothing new */
		goto out;
	}
	sqlite3_stmt *put;
	if (sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO main.correlate_state(id, open_messages,"
	                       " saved_at, state) VALUES (1, ?1, strftime('%Y-%m-%dT%H:%M:%SZ',"
	                       " 'now'), ?2)", -1, &put, NULL) != SQLITE_OK) {
		fail(m, "save the open messages");
		goto out;
	}
	sqlite3_bind_int64(put, 1, (int64_t)open);
	sqlite3_bind_blob(put, 2, out.data, (int)out.len, SQLITE_STATIC);
	int st = sqlite3_step(put);
	sqlite3_finalize(put);
	rc = st == SQLITE_DONE ? 0 : fail(m, "save the open messages");
out:
	sqlite3_finalize(im.get);
	sl_buf_release(&a);
	sl_buf_release(&b);
	sl_buf_release(&out);
	return rc;
}

/* same_file - whether a and b name one file */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && *a && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* merge_database - see merge.h */
int merge_database(sqlite3 *db, const char *path, struct merge_stats *stats, struct sl_error *err)
{
	struct merge_stats local = { 0 };
	if (!stats)
		stats = &local;
	struct merger m = { .db = db, .path = path, .err = err };
	struct stat sb;
	/* ATTACH would create a missing file */
	if (stat(path, &sb) != 0)
		return sl_error_set(err, SL_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return sl_error_set(err, SL_EIO, "cannot open '%s': not a regular file", path);
	if (same_file(sqlite3_db_filename(db, "main"), path))
		return sl_error_set(err, SL_EDB, "cannot merge '%s' into itself", path);
	sqlite3_stmt *att;
	if (sqlite3_prepare_v2(db, "ATTACH ?1 AS src", -1, &att, NULL) != SQLITE_OK)
		return fail(&m, "attach");
	sqlite3_bind_text(att, 1, path, -1, SQLITE_STATIC);
	int rc = sqlite3_step(att);
	sqlite3_finalize(att);
	if (rc != SQLITE_DONE)
		return fail(&m, "attach");
	struct merge_stats add = { 0 };
	int ret = check_source(&m);
	if (ret == 0)
		ret = exec(&m, "BEGIN IMMEDIATE", "begin");
	if (ret == 0) {
		ret = map_sources(&m, &add);
		if (ret == 0)
			ret = copy_rows(&m, &add);
		if (ret == 0)
			ret = copy_state(&m);
		/* the summary tables count inserts only where a load writes them */
		if (ret == 0)
			ret = store_summary_recount(db, err);
		if (ret == 0)
			ret = exec(&m, "DROP TABLE " MAP "; COMMIT", "commit");
		if (ret != 0 && !sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_exec(db, "DETACH src", NULL, NULL, NULL);
	if (ret == 0) {
		stats->sources_new += add.sources_new;
		stats->sources_known += add.sources_known;
		stats->events += add.events;
		stats->messages += add.messages;
	}
	return ret;
}
