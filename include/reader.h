/* reader: bytes -> lines. Opens a path (or "-" for standard input), detects
 * gzip by its magic bytes (never by name), and hands out one line at a time
 * from one reused buffer, so memory stays bounded whatever the input. */
#ifndef SMTPLOG_READER_H
#define SMTPLOG_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "util.h"

#define READER_DEFAULT_MAX_LINE (64 * 1024)
#define READER_FINGERPRINT_BYTES (64 * 1024)

struct reader;

struct reader_line {
	const char *text;    /* not NUL-terminated; NUL bytes inside are replaced by ' ';
	                        a final "\n" or "\r\n" is stripped. Valid until the next
	                        reader_next() or reader_free(). */
	size_t len;
	uint64_t lineno;     /* 1-based */
	uint64_t offset;     /* byte offset of the line's first byte in the decompressed stream */
	bool truncated;      /* the line was longer than max_line: text holds its first max_line bytes */
	bool unterminated;   /* the stream ended without a final newline */
};

struct reader_stats {
	uint64_t lines;
	uint64_t bytes;           /* decompressed bytes consumed */
	uint64_t truncated;       /* lines longer than max_line */
	uint64_t nul_bytes;       /* NUL bytes replaced */
	uint64_t invalid_utf8;    /* lines holding invalid UTF-8 (kept as bytes) */
};

struct reader_info {
	bool is_stdin;
	bool compressed;          /* gzip detected */
	dev_t dev;
	ino_t ino;
	int64_t size;             /* on-disk size, -1 for pipes */
	int64_t mtime;            /* seconds since epoch, or -1 for pipes */
	/* Identity of the content, not the name: sl_hash64 of the first
	 * min(READER_FINGERPRINT_BYTES, stream length) decompressed bytes, as 16
	 * lower-case hex digits, and how many bytes it covers. A rotated or
	 * recompressed copy has the same fingerprint; a file that grew past
	 * fingerprint_len is matched with reader_prefix_hash(). */
	char fingerprint[17];
	size_t fingerprint_len;
};

/* path "-" reads standard input. max_line 0 means READER_DEFAULT_MAX_LINE.
 * A character device (other than standard input) is refused; a FIFO is read
 * from when a writer opens it (within 60 s, $SMTPLOG_FIFO_WAIT) until its
 * last writer closes it.
 * Returns NULL and fills err (SL_EIO) when the file cannot be opened or read,
 * or its gzip header is corrupt. */
struct reader *reader_open(const char *path, size_t max_line, struct sl_error *err);

/* 1: a line was stored in *out; 0: end of stream; -1: read or gzip error
 * (err filled; the lines already returned stay valid data). */
int reader_next(struct reader *r, struct reader_line *out, struct sl_error *err);

/* Before the first reader_next: go on from byte offset of the stream, the
 * first line there numbered lineno + 1 (a resumed source). A plain file
 * seeks; a compressed stream or a pipe is read through to offset. Stats
 * then count from there, but bytes is the offset reached. 0 or -1 (err). */
int reader_seek(struct reader *r, uint64_t offset, uint64_t lineno, struct sl_error *err);

/* At the end of the stream, a last line without its newline is not handed
 * out or counted in bytes (follow: its writer is still writing it; the
 * next reading, from reader_stats()->bytes, gets it whole). */
void reader_hold_partial(struct reader *r);
/* After reader_next returned 0: the bytes of the last line left unread by
 * reader_hold_partial (0 when the stream ended with a newline). */
uint64_t reader_held(const struct reader *r);

/* The fingerprint (as in reader_info) of the first len decompressed bytes;
 * false if the stream is shorter than len or len > READER_FINGERPRINT_BYTES.
 * The prefix is read ahead at open, so this works at any time. */
bool reader_prefix_hash(const struct reader *r, size_t len, char out[17]);

/* How far into the file (or pipe) reading has got, in bytes as stored:
 * for gzip the compressed bytes consumed, so it compares with the file's
 * size (progress). */
uint64_t reader_raw_offset(const struct reader *r);
const struct reader_info *reader_info(const struct reader *r);
const struct reader_stats *reader_stats(const struct reader *r);
const char *reader_path(const struct reader *r);
void reader_free(struct reader *r);

#endif
