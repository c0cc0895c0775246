/* test_query: the lock-down (authorizer, read-only check), errors with the
 * place SQLite points at, and each output format. */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "query.h"
#include "redact.h"

struct ran {
	int rc;
	char *out;
	struct sl_error err;
};

static struct ran run(struct query *q, const char *sql, enum query_format fmt)
{
	struct ran r;
	size_t len;
	FILE *f = open_memstream(&r.out, &len);
	sl_error_clear(&r.err);
	r.rc = query_run(q, sql, fmt, true, f, &r.err);
	fclose(f);
	return r;
}

static void test_formats(void **state)
{
	(void)state;
	struct sl_error err;
	struct query *q = query_open(":memory:", 5000, &err);
	assert_non_null(q);
	static const struct {
		enum query_format fmt;
		const char *sql, *want;
	} cases[] = {
		{ QUERY_CSV, "SELECT 'a,b' AS x, NULL AS y, 3 AS z", "x,y,z\n\"a,b\",,3\n" },
		{ QUERY_TSV, "SELECT 'a\tb' AS x, 'c\\d' AS y", "x\ty\na\\tb\tc\\\\d\n" },
		{ QUERY_JSON, "SELECT 'q\"' AS x, 2.5 AS y, NULL AS z", "[\n{\"x\":\"q\\\"\",\"y\":2.5,\"z\":null}\n]\n" },
		{ QUERY_JSONL, "SELECT 1 AS a UNION ALL SELECT 2", "{\"a\":1}\n{\"a\":2}\n" },
		{ QUERY_MARKDOWN, "SELECT 'a|b' AS x", "| x |\n|---|\n| a\\|b |\n" },
		{ QUERY_TABLE, "SELECT 'ab' AS x, 10 AS n UNION ALL SELECT 'abcd', 7",
		  "x     n\n----  --\nab    10\nabcd   7\n" },
		{ QUERY_TABLE, "SELECT x'00ff' AS b", "b\n-------\nx'00ff'\n" },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct ran r = run(q, cases[i].sql, cases[i].fmt);
		if (r.rc != 0 || strcmp(r.out, cases[i].want) != 0) {
			print_error("case %zu: got rc %d \"%s\" (%s), want \"%s\"\n", i, r.rc, r.out,
			            r.err.msg, cases[i].want);
			fail();
		}
		free(r.out);
	}
	query_free(q);
}

static void test_refused(void **state)
{
	(void)state;
	struct sl_error err;
	struct query *q = query_open(":memory:", 5000, &err);
	assert_non_null(q);
	static const char *const refused[] = {
		"CREATE TABLE t(x)", "CREATE TEMP TABLE t(x)", "ATTACH 'x.db' AS x", "PRAGMA user_version = 3",
		"PRAGMA query_only = 0", "SELECT load_extension('x')", "VACUUM INTO 'y.db'", "BEGIN",
		"PRAGMA table_info(sqlite_master)",
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(refused); i++) {
		struct ran r = run(q, refused[i], QUERY_TSV);
		if (r.rc != -1 || r.err.code != SL_EUSAGE) {
			print_error("'%s' was not refused: rc %d\n", refused[i], r.rc);
			fail();
		}
		free(r.out);
	}
	struct ran r = run(q, "PRAGMA user_version", QUERY_TSV);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "user_version\n0\n");
	free(r.out);
	query_free(q);
}

static void test_error_place(void **state)
{
	(void)state;
	struct sl_error err;
	struct query *q = query_open(":memory:", 5000, &err);
	assert_non_null(q);
	struct ran r = run(q, "SELECT 1;\nSELECT 2,\n\tnope", QUERY_TSV);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.err.msg, "SQL error: no such column: nope\n   nope\n   ^");
	free(r.out);
	query_free(q);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(query_text_width("abc"), 3);
	assert_int_equal(query_text_width("日本語"), 6);
	assert_int_equal(query_text_width("한국"), 4);
	assert_int_equal(query_text_width("é"), 1);
	assert_int_equal(query_text_width("\xff"), 1);   /* a stray byte: one column */
	assert_int_equal(query_format_parse("jsonl"), QUERY_JSONL);
	assert_int_equal(query_format_parse("xml"), -1);
}

/* --redact: address columns whole, other text by the addresses in it,
 * numbers and NULL untouched, blobs withheld; one address, one token */
static void test_redact(void **state)
{
	(void)state;
	struct sl_error err;
	struct query *q = query_open(":memory:", 5000, &err);
	assert_non_null(q);
	struct redact *r = redact_new("0123456789abcdef", 16);
	query_set_redact(q, r);
	struct ran got = run(q, "SELECT 'bob@example.org' AS Recipient, 'root' AS sender, '<>' AS sender,"
	                        " '550 <bob@example.org>: no' AS reply, 7 AS n, NULL AS x,"
	                        " x'00ff' AS b, 'root' AS word", QUERY_CSV);
	assert_int_equal(got.rc, 0);
	struct sl_buf tok, root;
	sl_buf_init(&tok);
	sl_buf_init(&root);
	redact_address(r, "bob@example.org", 15, &tok);
	redact_address(r, "root", 4, &root);
	sl_buf_addc(&tok, '\0');
	sl_buf_addc(&root, '\0');
	char want[512];
	snprintf(want, sizeof want, "Recipient,sender,sender,reply,n,x,b,word\n%s,%s,<>,550 <%s>: no,7,,"
	         "(2 bytes withheld by --redact),root\n", tok.data, root.data, tok.data);
	assert_string_equal(got.out, want);
	assert_null(strstr(got.out, "bob@"));
	free(got.out);
	sl_buf_release(&tok);
	sl_buf_release(&root);
	query_free(q);
	redact_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_error_place),
		cmocka_unit_test(test_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
