/* testutil: what every cmocka test includes. SOURCE_DIR is the repository
 * root, set by the Makefile, so tests find tests/data and the corpus. */
#ifndef SMTPLOG_TESTUTIL_H
#define SMTPLOG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

#endif
