/* fuzz_ingest: the whole pipeline into SQLite, and the promise of the
 * hourly job: a log read in two runs (the first part, then the file grown
 * to its end) leaves the database one run over the whole file leaves. The
 * input is the log; its first byte chooses where it is cut, at a line's end
 * or inside a line, as a run finds a line its writer is still writing (at 0,
 * the whole file is read twice, and the second run must add nothing). Each run is
 * analyze's sequence (store_open, ingest_file, ingest_finish, indexes,
 * store_close) into a file database; checkpoints every 3 lines, a cap of 4
 * open messages. Checks every line is counted once, and every row of
 * every table is the same in both databases (the bookkeeping columns that
 * tests/e2e_crash.sh leaves out, left out).
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "ingest.h"
#include "store.h"

static char dir[4096];
static char log_path[4200], db_parts[4200], db_whole[4200];

static void cleanup(void);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	store_library_init();
	/* tmpfs where there is one: the store syncs its files */
	struct stat st;
	const char *base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
	                   : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(dir, sizeof dir, "%s/smtplog-fuzz-ingest-XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("fuzz_ingest: mkdtemp");
		exit(1);
	}
	snprintf(log_path, sizeof log_path, "%s/mail.log", dir);
	snprintf(db_parts, sizeof db_parts, "%s/parts.db", dir);
	snprintf(db_whole, sizeof db_whole, "%s/whole.db", dir);
	atexit(cleanup);
	return 0;
}

static void remove_db(const char *db);

/* cleanup - at exit (libFuzzer's and the replay's): nothing left in the temporary directory */
static void cleanup(void)
{
	remove_db(db_parts);
	remove_db(db_whole);
	unlink(log_path);
	rmdir(dir);
}

static void remove_db(const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".loading",
	                                        ".loading-journal", ".lock" };
	char p[4300];
	for (size_t i = 0; i < SL_ARRAY_LEN(suffixes); i++) {
		snprintf(p, sizeof p, "%s%s", db, suffixes[i]);
		unlink(p);
	}
}

static void write_log(const uint8_t *data, size_t n, const char *mode)
{
	FILE *f = fopen(log_path, mode);
	FUZZ_CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0, "cannot write '%s'", log_path);
}

/* analyze - one run of analyze -q --no-report over the log into db */
static void analyze(const char *db)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct store *st = store_open(db, &err);
	FUZZ_CHECK(st, "store_open: %s", err.msg);
	const struct ingest_options opt = {
		.year = 2026,
		.corr = { .max_open = 4, .idle_seconds = 3600 },
		.checkpoint_lines = 3,
	};
	struct ingest *in = ingest_new(st, &opt, &err);
	FUZZ_CHECK(in, "ingest_new: %s", err.msg);
	struct ingest_file_result res;
	int rc = ingest_file(in, log_path, &res, &err);
	FUZZ_CHECK(rc == 0, "ingest_file: %d: %s", rc, err.msg);
	FUZZ_CHECK(res.lines == res.recognized + res.unrecognized + res.foreign,
	           "%llu lines, %llu + %llu + %llu counted", (unsigned long long)res.lines,
	           (unsigned long long)res.recognized, (unsigned long long)res.unrecognized,
	           (unsigned long long)res.foreign);
	FUZZ_CHECK(ingest_finish(in, &err) == 0, "ingest_finish: %s", err.msg);
	FUZZ_CHECK(store_build_indexes(st, STORE_INDEXES_REPORT, &err) == 0 &&
	           store_end_load(st, &err) == 0, "indexes: %s", err.msg);
	FUZZ_CHECK(ingest_wait(in, &err) == 0, "ingest_wait: %s", err.msg);
	ingest_free(in);
	FUZZ_CHECK(store_close(st, &err) == 0, "store_close: %s", err.msg);
}

/* ---- every row of every table, as a count and a hash per table */

struct table_sum {
	char name[64];
	uint64_t rows, hash;
};

static size_t dump(const char *db, struct table_sum *out, size_t max)
{
	sqlite3 *h;
	FUZZ_CHECK(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open '%s'", db);
	sqlite3_stmt *tables;
	FUZZ_CHECK(sqlite3_prepare_v2(h, "SELECT name, (SELECT group_concat(name, ', ') FROM"
	                                 " pragma_table_info(m.name) WHERE name NOT IN ('added_at',"
	                                 " 'updated_at', 'saved_at', 'dev', 'inode', 'key_fingerprint'))"
	                                 " FROM sqlite_master m WHERE type = 'table'"
	                                 " AND name NOT LIKE 'sqlite_%' ORDER BY name",
	                              -1, &tables, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
	size_t n = 0;
	while (sqlite3_step(tables) == SQLITE_ROW && n < max) {
		struct table_sum *t = &out[n++];
		snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(tables, 0));
		char *sql = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY 1, 2, 3",
		                            (const char *)sqlite3_column_text(tables, 1), t->name);
		sqlite3_stmt *rows;
		FUZZ_CHECK(sqlite3_prepare_v2(h, sql, -1, &rows, NULL) == SQLITE_OK, "%s: %s", sql,
		           sqlite3_errmsg(h));
		t->rows = 0;
		t->hash = SL_HASH_SEED;
		while (sqlite3_step(rows) == SQLITE_ROW) {
			t->rows++;
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				int type = sqlite3_column_type(rows, c);
				const unsigned char *v = sqlite3_column_text(rows, c);
				t->hash = sl_hash64(&type, sizeof type, t->hash);
				if (v)
					t->hash = sl_hash64(v, (size_t)sqlite3_column_bytes(rows, c), t->hash);
			}
		}
		sqlite3_finalize(rows);
		sqlite3_free(sql);
	}
	sqlite3_finalize(tables);
	sqlite3_close(h);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* the cut: after the k-th newline of the rest of the input (the low
	 * four bits of the first byte), then 7 bytes times the high four into
	 * the next line: the first run may find a line half-written */
	const uint8_t *log = data + 1;
	size_t len = size - 1, cut = 0;
	for (unsigned k = data[0] % 16; k > 0 && cut < len; k--) {
		const uint8_t *nl = memchr(log + cut, '\n', len - cut);
		cut = nl ? (size_t)(nl - log) + 1 : len;
	}
	cut += (size_t)(data[0] >> 4) * 7;
	if (cut > len)
		cut = len;
	remove_db(db_parts);
	remove_db(db_whole);
	unlink(log_path);
	/* An empty file is a source of its own (no first bytes to know it
	 * by when it has grown), so a cut at 0 reads the whole file twice:
	 * the second run must add nothing. */
	write_log(log, cut ? cut : len, "wb");
	analyze(db_parts);
	if (cut)
		write_log(log + cut, len - cut, "ab");
	analyze(db_parts);
	analyze(db_whole);

	struct table_sum a[32], b[32];
	size_t na = dump(db_parts, a, 32), nb = dump(db_whole, b, 32);
	FUZZ_CHECK(na == nb, "%zu tables against %zu", na, nb);
	for (size_t i = 0; i < na; i++) {
		FUZZ_CHECK(strcmp(a[i].name, b[i].name) == 0, "table %s against %s", a[i].name, b[i].name);
		FUZZ_CHECK(a[i].rows == b[i].rows && a[i].hash == b[i].hash,
		           "cut after %zu of %zu bytes: table %s: %llu rows in two runs, %llu in one%s",
		           cut, len, a[i].name, (unsigned long long)a[i].rows,
		           (unsigned long long)b[i].rows, a[i].rows == b[i].rows ? " (rows differ)" : "");
	}
	return 0;
}
