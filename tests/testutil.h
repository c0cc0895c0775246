/* testutil: what every cmocka test includes. SOURCE_DIR is the repository
 * root, set by the Makefile, so tests find tests/data and the corpus. */
#ifndef SMTPLOG_TESTUTIL_H
#define SMTPLOG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

/* The shared corpus sits beside the repository unless SMTPLOG_CORPUS says where. */
static inline const char *test_corpus_dir(void)
{
	const char *d = getenv("SMTPLOG_CORPUS");
	return d && *d ? d : SOURCE_DIR "/../shared/corpus";
}

/* A temporary directory for tests that write files: test_tmp_setup and
 * test_tmp_teardown are cmocka setup and teardown functions, test_tmp_path
 * names a file in it (one of 16 rotating buffers, so several stay valid). */
static inline char *test_tmpdir(void)
{
	static char dir[64];
	return dir;
}

static inline int test_tmp_setup(void **state)
{
	(void)state;
	strcpy(test_tmpdir(), "/tmp/smtplog_test_XXXXXX");
	return mkdtemp(test_tmpdir()) ? 0 : -1;
}

static inline int test_tmp_teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_tmpdir());
	return system(cmd) == 0 ? 0 : -1;
}

static inline const char *test_tmp_path(const char *name)
{
	static char bufs[16][128];
	static int i;
	char *b = bufs[i++ % 16];
	snprintf(b, sizeof bufs[0], "%s/%s", test_tmpdir(), name);
	return b;
}

#endif
