/* fuzz_reader: bytes -> lines, plain and gzip (by magic bytes; the seeds
 * hold gzip files, one member and several, whole and cut short). Each input
 * is written to a file and read through reader_open, with a line limit that
 * depends on the input's length so truncation is exercised. Checks, for a
 * plain file, that every line is exactly its bytes at its offset (NULs as
 * spaces) and that every byte is counted; for both, the line limits, the
 * UTF-8 count against an independent checker, and the fingerprint.
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <unistd.h>
#include "reader.h"

static char path[4096];

static void cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/smtplog-fuzz-reader-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("fuzz_reader: mkstemp");
		exit(1);
	}
	close(fd);
	atexit(cleanup);
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL, "cannot write '%s'", path);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write '%s'", path);
}

static bool utf8_line_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = fuzz_utf8_len((const unsigned char *)s, n, i, &cp);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[4] = { 0, 16, 100, 4096 };
	size_t max_line = limits[size % 4];
	size_t limit = max_line ? max_line : READER_DEFAULT_MAX_LINE;
	write_input(data, size);

	struct sl_error err;
	sl_error_clear(&err);
	struct reader *r = reader_open(path, max_line, &err);
	if (!r) {
		FUZZ_CHECK(err.code == SL_EIO && err.msg[0], "open failed without a message");
		return 0;
	}
	const struct reader_info *info = reader_info(r);
	bool plain = !info->compressed;
	if (plain) {
		size_t flen = size < READER_FINGERPRINT_BYTES ? size : READER_FINGERPRINT_BYTES;
		FUZZ_CHECK(info->fingerprint_len == flen, "fingerprint covers %zu of %zu bytes",
		           info->fingerprint_len, flen);
	}
	char fp[17];
	FUZZ_CHECK(reader_prefix_hash(r, info->fingerprint_len, fp) &&
	           strcmp(fp, info->fingerprint) == 0, "prefix hash differs from the fingerprint");
	FUZZ_CHECK(!reader_prefix_hash(r, info->fingerprint_len + 1, fp),
	           "a prefix hash past the stream's end");

	/* the file as the reader hands it out: NULs as spaces (one memcmp a
	 * line: a byte-by-byte loop here cost more than the reader) */
	char *expect = malloc(size ? size : 1);
	for (size_t i = 0; i < size; i++)
		expect[i] = data[i] ? (char)data[i] : ' ';
	struct reader_line line;
	uint64_t lineno = 0, next_offset = 0, invalid = 0;
	int rc;
	while ((rc = reader_next(r, &line, &err)) == 1) {
		FUZZ_CHECK(line.lineno == ++lineno, "line number %llu after %llu",
		           (unsigned long long)line.lineno, (unsigned long long)lineno - 1);
		FUZZ_CHECK(line.len <= limit, "a line of %zu bytes over the limit %zu", line.len, limit);
		FUZZ_CHECK(!line.truncated || line.len == limit, "truncated to %zu, not %zu", line.len,
		           limit);
		FUZZ_CHECK(line.offset >= next_offset, "line at %llu overlaps the one before",
		           (unsigned long long)line.offset);
		FUZZ_CHECK(!memchr(line.text, '\0', line.len), "a NUL byte in a line");
		if (!utf8_line_valid(line.text, line.len))
			invalid++;
		if (plain) {
			FUZZ_CHECK(line.offset + line.len <= size, "line past the end of the file");
			FUZZ_CHECK(memcmp(line.text, expect + line.offset, line.len) == 0,
			           "line %llu differs from the file", (unsigned long long)line.lineno);
			if (!line.unterminated && !line.truncated) {
				size_t end = (size_t)line.offset + line.len;
				FUZZ_CHECK(end < size && (data[end] == '\n' ||
				                          (data[end] == '\r' && end + 1 < size && data[end + 1] == '\n')),
				           "line %llu does not end at a newline", (unsigned long long)line.lineno);
			}
		}
		next_offset = line.offset + line.len;
	}
	const struct reader_stats *st = reader_stats(r);
	FUZZ_CHECK(st->lines == lineno, "%llu lines counted, %llu read",
	           (unsigned long long)st->lines, (unsigned long long)lineno);
	FUZZ_CHECK(st->invalid_utf8 == invalid, "%llu lines counted invalid UTF-8, %llu are",
	           (unsigned long long)st->invalid_utf8, (unsigned long long)invalid);
	if (rc == 0 && plain)
		FUZZ_CHECK(st->bytes == size, "%llu bytes counted of %zu", (unsigned long long)st->bytes,
		           size);
	if (rc < 0)
		FUZZ_CHECK(err.msg[0] != '\0', "a read error without a message");
	reader_free(r);
	free(expect);
	return 0;
}
