/* patterns: the file format, errors that name file and line, overriding by
 * id, program filters, prefilters, the match limit on hostile input, and a
 * copy of one mta's entries for another thread. */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "patterns.h"

static const char good[] =
	"# a comment\n"
	"id: t.one\n"
	"mta: test\n"
	"programs: smtp lmtp\n"
	"kind: delivered\n"
	"prefilter: to=\n"
	"reason: example\n"
	"regex: ^(?<queue_id>\\w+): to=<(?<recipient>[^>]*)>\n"
	"  (?:, size=(?<size>\\d+))?$\n"
	"\n"
	"id: t.two\n"
	"mta: test\n"
	"programs: *\n"
	"kind: none\n"
	"regex: ^(?:connect|disconnect) from (?<x_host>\\S+)$\n";

static struct pattern_set *load(const char *text, struct sl_error *err)
{
	struct pattern_set *set = patterns_new();
	if (patterns_add_text(set, "test.pat", text, strlen(text), err) || patterns_compile(set, err)) {
		patterns_free(set);
		return NULL;
	}
	return set;
}

static void test_load_and_match(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = load(good, &err);
	assert_non_null(set);
	assert_int_equal(patterns_count(set, "test"), 2);
	struct pattern_match m;
	const char *msg = "ABC: to=<a@b.c>, size=42";
	assert_true(patterns_match(set, "test", (struct sl_span){ "smtp", 4 }, msg, strlen(msg), &m));
	assert_string_equal(pattern_id(m.pattern), "t.one");
	assert_string_equal(pattern_attr(m.pattern, "reason"), "example");
	assert_int_equal(m.field[PF_RECIPIENT].len, 5);
	assert_memory_equal(m.field[PF_SIZE].p, "42", 2);
	/* program filter: qmgr is not in the list */
	assert_false(patterns_match(set, "test", (struct sl_span){ "qmgr", 4 }, msg, strlen(msg), &m));
	/* helper groups fill nothing */
	msg = "connect from x.example";
	assert_true(patterns_match(set, "test", (struct sl_span){ "qmgr", 4 }, msg, strlen(msg), &m));
	for (int f = 0; f < PF_COUNT; f++)
		assert_true(sl_span_empty(m.field[f]));
	patterns_free(set);
}

/* The entries a program admits are cached per program name: more names
 * than the cache holds, and names too long for it, filter the same. */
static void test_program_filter_many_programs(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = load(good, &err);
	assert_non_null(set);
	struct pattern_match m;
	const char *msg = "ABC: to=<a@b.c>";
	char name[64];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 40; i++) {
			int n = snprintf(name, sizeof name, "prog%d", i);
			assert_false(patterns_match(set, "test", (struct sl_span){ name, (size_t)n }, msg,
			                            strlen(msg), &m));
			assert_true(patterns_match(set, "test", (struct sl_span){ "lmtp", 4 }, msg,
			                           strlen(msg), &m));
			assert_string_equal(pattern_id(m.pattern), "t.one");
		}
		memset(name, 'x', 40);
		assert_false(patterns_match(set, "test", (struct sl_span){ name, 40 }, msg, strlen(msg), &m));
		/* no program: every entry applies */
		assert_true(patterns_match(set, "test", SL_SPAN_NULL, msg, strlen(msg), &m));
	}
	patterns_free(set);
}

static void test_prefilter_counts(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = load(good, &err);
	struct pattern_match m;
	const char *msg = "nothing to see";
	assert_false(patterns_match(set, "test", SL_SPAN_NULL, msg, strlen(msg), &m));
	assert_int_equal(patterns_stats(set)->prefiltered_out, 1);
	patterns_free(set);
}

/* A copy of one mta's entries matches as the original (attributes,
 * programs, prefilters, fields) and keeps its own counts. */
static void test_copy_of_one_mta(void **state)
{
	(void)state;
	struct sl_error err;
	static const char more[] = "\nid: u.one\nmta: other\nkind: none\nregex: ^ABC\n";
	char text[sizeof good + sizeof more];
	snprintf(text, sizeof text, "%s%s", good, more);
	struct pattern_set *set = load(text, &err);
	assert_non_null(set);
	struct pattern_set *copy = patterns_copy(set, "test");
	assert_int_equal(patterns_count(copy, NULL), 2);
	assert_int_equal(patterns_count(copy, "other"), 0);
	struct pattern_match a, b;
	const char *msg = "ABC: to=<a@b.c>, size=42";
	assert_true(patterns_match(copy, "test", (struct sl_span){ "lmtp", 4 }, msg, strlen(msg), &b));
	assert_true(patterns_match(set, "test", (struct sl_span){ "lmtp", 4 }, msg, strlen(msg), &a));
	assert_string_equal(pattern_id(b.pattern), "t.one");
	assert_ptr_not_equal(a.pattern, b.pattern);
	assert_string_equal(pattern_attr(b.pattern, "reason"), "example");
	assert_memory_equal(a.field, b.field, sizeof a.field);
	assert_false(patterns_match(copy, "test", (struct sl_span){ "qmgr", 4 }, msg, strlen(msg), &b));
	assert_false(patterns_match(copy, "test", SL_SPAN_NULL, "no", 2, &b));
	assert_int_equal(patterns_stats(copy)->prefiltered_out, 1);
	assert_int_equal(patterns_stats(set)->prefiltered_out, 0);
	patterns_free(set);   /* the copy does not depend on it */
	assert_true(patterns_match_id(copy, "t.two", "connect from x", 14, &b));
	patterns_free(copy);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	struct sl_error err;
	assert_null(load("id: x\nmta: t\nkind: none\nregex: ^(?<recipent>a)\n", &err));
	assert_int_equal(err.code, SL_EFORMAT);
	assert_non_null(strstr(err.msg, "unknown group name 'recipent'"));
	assert_non_null(strstr(err.msg, "test.pat:1"));
	assert_null(load("id: x\nmta: t\nkind: none\nregex: ^(a\n", &err));
	assert_non_null(strstr(err.msg, "pattern 'x'"));
	assert_null(load("id: x\nkind: none\nregex: a\n", &err));
	assert_non_null(strstr(err.msg, "needs"));
	assert_null(load("id: x\nno colon here\n", &err));
	assert_non_null(strstr(err.msg, "test.pat:2"));
}

static void test_override_by_id(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = patterns_new();
	assert_int_equal(patterns_add_text(set, "a.pat", good, strlen(good), &err), 0);
	const char *over = "id: t.two\nmta: test\nkind: none\nregex: ^hello$\n";
	assert_int_equal(patterns_add_text(set, "b.pat", over, strlen(over), &err), 0);
	assert_int_equal(patterns_compile(set, &err), 0);
	assert_int_equal(patterns_count(set, NULL), 2);
	struct pattern_match m;
	assert_true(patterns_match(set, "test", SL_SPAN_NULL, "hello", 5, &m));
	assert_false(patterns_match(set, "test", SL_SPAN_NULL, "connect from x", 14, &m));
	patterns_free(set);
}

static void test_match_limit_is_no_match(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = load("id: evil\nmta: t\nkind: none\nregex: ^(\\w+\\s?)*$\n", &err);
	assert_non_null(set);
	char line[200];
	memset(line, 'a', sizeof line);
	memcpy(line + sizeof line - 2, "!!", 2);
	struct pattern_match m;
	assert_false(patterns_match(set, "t", SL_SPAN_NULL, line, sizeof line, &m));
	assert_int_equal(patterns_stats(set)->limit_hits, 1);
	patterns_free(set);
}

static void test_builtin_compile_and_dir(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = patterns_new();
	assert_int_equal(patterns_add_builtin(set, &err), 0);
	assert_int_equal(patterns_add_dir(set, SOURCE_DIR "/patterns", &err), 0);
	assert_int_equal(patterns_compile(set, &err), 0);
	assert_true(patterns_count(set, "postfix") > 5);
	assert_int_equal(patterns_add_dir(set, SOURCE_DIR "/no-such-dir", &err), -1);
	assert_int_equal(err.code, SL_EIO);
	assert_non_null(strstr(err.msg, "no-such-dir"));
	patterns_free(set);
	/* an id used twice in one file is an error, not a silent override */
	set = patterns_new();
	const char *dup = "id: a\nmta: t\nkind: none\nregex: x\n\nid: a\nmta: t\nkind: none\nregex: y\n";
	assert_int_equal(patterns_add_text(set, "d.pat", dup, strlen(dup), &err), -1);
	assert_non_null(strstr(err.msg, "already used at d.pat:1"));
	patterns_free(set);
}

/* Built-in entries are compiled on the first line that reaches them, and
 * every one of them compiles */
static void test_builtin_compiled_on_use(void **state)
{
	(void)state;
	struct sl_error err;
	struct pattern_set *set = patterns_new();
	assert_int_equal(patterns_add_builtin(set, &err), 0);
	assert_int_equal(patterns_compile(set, &err), 0);
	assert_int_equal(patterns_stats(set)->compiled, 0);
	/* a copy for another thread, made before any line: it compiles its own */
	struct pattern_set *copy = patterns_copy(set, "postfix");
	const char *msg = "4F9D22A1B3: to=<a@example.org>, relay=mx.example.org[192.0.2.1]:25, "
	                  "delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)";
	struct pattern_match m;
	assert_true(patterns_match(set, "postfix", (struct sl_span){ "smtp", 4 }, msg, strlen(msg),
	                           &m));
	unsigned long used = patterns_stats(set)->compiled;
	assert_true(used > 0);
	assert_true(used < patterns_count(set, "postfix"));
	assert_int_equal(patterns_stats(copy)->compiled, 0);
	assert_true(patterns_match(copy, "postfix", (struct sl_span){ "smtp", 4 }, msg,
	                           strlen(msg), &m));
	assert_int_equal(patterns_stats(copy)->compiled, used);
	patterns_free(copy);
	assert_int_equal(patterns_compile_all(set, &err), 0);
	assert_true(patterns_stats(set)->compiled >
	            used + patterns_count(set, "exim") + patterns_count(set, "sendmail") - 2);
	assert_true(patterns_match(set, "postfix", (struct sl_span){ "smtp", 4 }, msg, strlen(msg),
	                           &m));
	patterns_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_match),
		cmocka_unit_test(test_program_filter_many_programs),
		cmocka_unit_test(test_prefilter_counts),
		cmocka_unit_test(test_copy_of_one_mta),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_override_by_id),
		cmocka_unit_test(test_match_limit_is_no_match),
		cmocka_unit_test(test_builtin_compile_and_dir),
		cmocka_unit_test(test_builtin_compiled_on_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
