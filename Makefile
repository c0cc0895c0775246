# smtplog: see README.md. Targets: all test check fuzz bench install uninstall clean.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
VERSION ?= 0.1.0
PKG_CONFIG ?= pkg-config

# SQLite: SQLITE=static (the default) compiles the amalgamation made from
# Debian's own source of the installed libsqlite3-0 (tools/sqlite-source.sh,
# kept in build/sqlite for every BUILD) into smtplog, with the speed options
# below: the writer thread runs a fifth fewer instructions
# (docs/performance.md). When the source cannot be had, or with
# SQLITE=system, smtplog links the shared libsqlite3.
SQLITE     ?= static
SQLITE_DIR := build/sqlite
SQLITE_AMALGAMATION :=
ifeq ($(SQLITE),static)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(SQLITE_DIR)/sqlite.mk
ifneq ($(wildcard $(SQLITE_DIR)/FAILED),)
$(info smtplog: SQLite's source could not be had: linking the shared libsqlite3 ('make clean' tries again))
endif
endif
endif
# THREADSAFE=2: every connection is used by one thread at a time (they are
# opened SQLITE_OPEN_NOMUTEX); DQS=0: smtplog's SQL quotes strings with '
# HAVE_*: what Debian's configure finds on Linux and the bare amalgamation
# cannot know: pread/pwrite (no lseek per page), fdatasync, and usleep (without
# it a busy timeout sleeps in whole seconds)
SQLITE_OPTS := -DSQLITE_THREADSAFE=2 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 \
           -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_MAX_EXPR_DEPTH=0 -DSQLITE_OMIT_DEPRECATED \
           -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_DECLTYPE -DSQLITE_USE_ALLOCA -DSQLITE_DQS=0 \
           -DSQLITE_ENABLE_MATH_FUNCTIONS -DNDEBUG \
           -DHAVE_PREAD -DHAVE_PWRITE -DHAVE_FDATASYNC -DHAVE_USLEEP -DHAVE_LOCALTIME_R \
           -DHAVE_GMTIME_R -DHAVE_STRCHRNUL
ifneq ($(SQLITE_AMALGAMATION),)
PKGS       := libpcre2-8 zlib libcrypto
SQLITE_OBJ := $(BUILD)/sqlite/sqlite3.o
SQLITE_INC := -I$(SQLITE_DIR)
else
PKGS       := libpcre2-8 sqlite3 zlib libcrypto
SQLITE_OBJ :=
SQLITE_INC :=
endif
DEPCFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEPLIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wformat=2 -Wno-format-nonliteral -Wundef -Wvla
ALL_CFLAGS := -std=c11 -DSMTPLOG_VERSION=\"$(VERSION)\" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -I$(BUILD) \
           $(SQLITE_INC) $(DEPCFLAGS) $(CFLAGS)
LDLIBS  := $(DEPLIBS) -lpthread -lm

# Every src/*.c but main.c goes into the library the tests link against.
LIB_SRCS := $(filter-out src/main.c,$(wildcard src/*.c))
GEN_SRCS := $(BUILD)/gen/patterns_builtin.c $(BUILD)/gen/codes_data.c $(BUILD)/gen/report_labels.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GEN_SRCS:%.c=%.o) $(SQLITE_OBJ)
LIB      := $(BUILD)/libsmtplog.a
BIN      := $(BUILD)/smtplog

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
# The fuzz harnesses, also built without libFuzzer (tests/fuzz/standalone.c)
# to replay tests/fuzz/regress/ in `make test`
FUZZ_NAMES  := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz-replay/%)

.PHONY: all test check unit e2e test-clickhouse test-crash-long bench demo install uninstall clean fuzz fuzz-build fuzz-replay
all: $(BIN) smtplog

smtplog: $(BIN)
	ln -sf $(BIN) $@

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# ---- SQLite, when linked statically: the amalgamation is made once (it is
# not this project's code: no warnings, no sanitizers, always optimized)
.PHONY: sqlite-source
$(SQLITE_DIR)/sqlite.mk: sqlite-source
	@sh tools/sqlite-source.sh $(SQLITE_DIR)

$(BUILD)/sqlite/sqlite3.o: $(SQLITE_AMALGAMATION)
	@mkdir -p $(dir $@)
	$(CC) -O2 $(SQLITE_OPTS) -c -o $@ $<

# ---- generated sources: patterns and the code knowledge base, embedded so an
# installed binary needs no source tree. Generators are checked at build time.
$(BUILD)/tools/%: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -o $@ $<

$(BUILD)/gen/patterns_builtin.c: $(BUILD)/tools/embed $(wildcard patterns/*.pat)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed patterns_builtin $(sort $(wildcard patterns/*.pat)) > $@.tmp && mv $@.tmp $@

# the report's words and its advice for this server's administrator
$(BUILD)/gen/report_labels.c: $(BUILD)/tools/embed $(wildcard data/report/*.txt)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed report_labels_builtin $(sort $(wildcard data/report/*.txt)) > $@.tmp && mv $@.tmp $@

CODES_DATA := $(sort $(wildcard data/codes/*) $(wildcard data/reasons/*))
$(BUILD)/gen/codes_data.c: $(BUILD)/tools/gencodes $(CODES_DATA)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/gencodes $(CODES_DATA) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

# ---- tests
$(BUILD)/tests/%: tests/%.c tests/testutil.h tests/recog_testutil.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -DSOURCE_DIR='"$(CURDIR)"' -o $@ $< $(LIB) \
		$(LDFLAGS) $(CMOCKA_LIBS) $(LDLIBS)

unit: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $$t; done

# Every tests/e2e_*.sh but the helper library and the extras (which need
# Chromium and promtool: make e2e-extras); a new script needs no line here.
E2E_SCRIPTS := $(filter-out tests/e2e_lib.sh tests/e2e_report_extras.sh,$(sort $(wildcard tests/e2e_*.sh)))
e2e: $(BIN)
	SMTPLOG=$(CURDIR)/$(BIN) E2E_INSTALL=1 bash tests/e2e.sh
	@set -e; for s in $(E2E_SCRIPTS); do SMTPLOG=$(CURDIR)/$(BIN) bash $$s; done

# The crash test on 1M-line Postfix and Exim logs from genlog (minutes).
test-crash-long: $(BIN)
	SMTPLOG=$(CURDIR)/$(BIN) CRASH_GENLOG_LINES=$${CRASH_GENLOG_LINES:-1000000} bash tests/e2e_crash.sh

test: unit e2e fuzz-replay

# The ClickHouse set-up of README "Scaling out", end to end (run by CI):
# installs Debian's clickhouse-server if missing, runs it on loopback.
test-clickhouse: $(BIN)
	bash tools/setup-debian.sh --clickhouse
	bash tools/test-clickhouse.sh $(CURDIR)/$(BIN)

# The report in headless Chromium and through promtool (tools/setup-debian.sh
# --ci-extras installs them); the screenshot stays in build/test-artifacts/.
.PHONY: e2e-extras
e2e-extras: $(BIN)
	SMTPLOG=$(CURDIR)/$(BIN) ARTIFACTS=$(CURDIR)/$(BUILD)/test-artifacts bash tests/e2e_report_extras.sh

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check:
	$(MAKE) BUILD=build-san CFLAGS="$(SAN)" LDFLAGS="-fsanitize=address,undefined" test

# The main job on the bundled logs, into a throw-away database.
demo: $(BIN)
	rm -f $(BUILD)/demo.db
	$(BIN) analyze --db $(BUILD)/demo.db sample-logs/mail.log* sample-logs/exim/mainlog sample-logs/sendmail/maillog

# ---- fuzzing: libFuzzer harnesses of tests/fuzz/ (clang; tools/setup-debian.sh --fuzz).
# `make fuzz FUZZ_SECONDS=N` builds them with ASan and UBSan and runs each N
# seconds on seeds made from tests/corpus, sample-logs and patterns/; zlib is
# compiled from Debian's source when it can be had (tests/fuzz/zlib-source.sh),
# so coverage counts inflate too. See tests/fuzz/README.md.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ZLIB_FUZZ_SRCS := $(filter-out %/example.c %/minigzip.c,$(wildcard $(BUILD)/zlib/*.c))
ZLIB_FUZZ_LIB  := $(if $(ZLIB_FUZZ_SRCS),$(BUILD)/zlib/libz-fuzz.a)

fuzz:
	sh tests/fuzz/zlib-source.sh $(FUZZ_BUILD)/zlib || echo "fuzz: zlib is not instrumented (linked from the system)" >&2
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link -I$(FUZZ_BUILD)/zlib" fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

# every input that once crashed a harness, replayed by the harness built without libFuzzer
fuzz-replay: $(FUZZ_REPLAY)
	@set -e; for n in $(FUZZ_NAMES); do $(BUILD)/fuzz-replay/$$n tests/fuzz/regress/$$n; done

$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/standalone.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/standalone.c $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/zlib/%.o: $(BUILD)/zlib/%.c
	$(CC) $(CFLAGS) -D_LARGEFILE64_SOURCE=1 -DHAVE_UNISTD_H -DHAVE_STDARG_H -w -c -o $@ $<

$(BUILD)/zlib/libz-fuzz.a: $(ZLIB_FUZZ_SRCS:%.c=%.o)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB) $(ZLIB_FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(ZLIB_FUZZ_LIB) $(LDFLAGS) $(LDLIBS)

bench: $(BIN)
	bash tools/bench.sh $(CURDIR)/$(BIN)

# The binary, the default patterns, the man pages, bash and zsh completion,
# and contrib/ (cron and systemd files, to be copied into /etc by hand:
# contrib/README.md) beside the documentation.
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/smtplog/patterns
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/smtplog
	install -m 644 patterns/*.pat $(DESTDIR)$(PREFIX)/share/smtplog/patterns/
	cd contrib && find . -type f | while read -r f; do \
		install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/doc/smtplog/contrib/$$f" || exit 1; done
	install -D -m 644 man/smtplog.1 $(DESTDIR)$(MANDIR)/man1/smtplog.1
	install -D -m 644 man/smtplog.5 $(DESTDIR)$(MANDIR)/man5/smtplog.5
	install -D -m 644 contrib/completion/smtplog.bash $(DESTDIR)$(BASHCOMPDIR)/smtplog
	install -D -m 644 contrib/completion/_smtplog $(DESTDIR)$(ZSHCOMPDIR)/_smtplog

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/smtplog
	rm -rf $(DESTDIR)$(PREFIX)/share/smtplog $(DESTDIR)$(PREFIX)/share/doc/smtplog
	rm -f $(DESTDIR)$(MANDIR)/man1/smtplog.1 $(DESTDIR)$(MANDIR)/man5/smtplog.5
	rm -f $(DESTDIR)$(BASHCOMPDIR)/smtplog $(DESTDIR)$(ZSHCOMPDIR)/_smtplog

clean:
	rm -rf build build-san build-fuzz smtplog

-include $(wildcard $(BUILD)/src/*.d)
