/* recog_testutil: what the recognizer tests share: the built-in pattern set
 * and a recognizer as group fixtures, and field checks that print every
 * mismatch of a table case (then count it) instead of stopping at the first. */
#ifndef SMTPLOG_RECOG_TESTUTIL_H
#define SMTPLOG_RECOG_TESTUTIL_H

#include <stdio.h>
#include <string.h>

#include "recog.h"

static struct pattern_set *set;
static struct recog *rec;
static int failures;

static int setup(void **state)
{
	(void)state;
	struct sl_error err;
	set = patterns_new();
	if (patterns_add_builtin(set, &err) || patterns_compile(set, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	rec = recog_new(set, NULL, &err);
	return rec ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	recog_free(rec);
	patterns_free(set);
	return 0;
}

/* want NULL: the field must be empty; "<>": present and empty (the null
 * sender); prefix: want is a prefix of the field. */
static inline void span_check(int i, const char *what, struct sl_span got, const char *want,
                              bool prefix)
{
	bool ok;
	if (!want)
		ok = sl_span_empty(got);
	else if (strcmp(want, "<>") == 0)
		ok = got.p != NULL && got.len == 0;
	else if (prefix)
		ok = got.len >= strlen(want) && memcmp(got.p, want, strlen(want)) == 0;
	else
		ok = sl_span_eq(got, want);
	if (!ok) {
		printf("case %d: %s: got \"%.*s\", want %s%s%s\n", i, what, (int)got.len,
		       got.p ? got.p : "", want ? "\"" : "", want ? want : "(empty)", want ? "\"" : "");
		failures++;
	}
}

static inline void int_check(int i, const char *what, long got, long want)
{
	if (got != want) {
		printf("case %d: %s: got %ld, want %ld\n", i, what, got, want);
		failures++;
	}
}

static inline int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#endif
