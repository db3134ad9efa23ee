# specreview - one non-recursive Makefile.
#
#   make            build libspecreview.a and ./specreview
#   make test       build and run every test
#   make check      the same under AddressSanitizer + UBSan (build-san/)
#   make fuzz       run every fuzz target for FUZZ_SECONDS (clang, libFuzzer)
#   make bench      benchmarks (see tests/bench/)
#   make install    PREFIX=/usr/local DESTDIR=
#   make pot        refresh po/specreview.pot and merge it into po/*.po
#   make clean
#   V=1             show full commands;  DEVELOPER=0  no -Werror

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/specreview
MANDIR ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
BUILD ?= build
DEVELOPER ?= 1
FUZZ_SECONDS ?= 60

CC ?= cc
PKG_CONFIG ?= pkg-config
ENGINE_PKGS := yaml-0.1 hunspell libgit2 libutf8proc libpcre2-8
TUI_PKGS := ncursesw

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wvla \
	-Wimplicit-fallthrough
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif

ENGINE_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(ENGINE_PKGS))
# libgit2 and Hunspell are loaded when first needed (src/dynlib.h): the
# program is not linked with them.  Tests that make repositories are.
DYNLIB_PKGS := libgit2 hunspell
ENGINE_LIBS := $(shell $(PKG_CONFIG) --libs \
	$(filter-out $(DYNLIB_PKGS),$(ENGINE_PKGS))) -lpthread
GIT_LIBS := $(shell $(PKG_CONFIG) --libs libgit2)
# ... by the names dlopen(3) finds them under: the SONAMEs of the
# libraries a link would take.
dynlib_so = $(shell objdump -p $$($(PKG_CONFIG) --variable=libdir $(1))/lib$(patsubst \
	-l%,%,$(filter -l%,$(shell $(PKG_CONFIG) --libs $(1)))).so 2>/dev/null | \
	sed -n 's/^ *SONAME *//p')
LIBGIT2_SO := $(call dynlib_so,libgit2)
HUNSPELL_SO := $(call dynlib_so,hunspell)
TUI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TUI_PKGS))
TUI_LIBS := $(shell $(PKG_CONFIG) --libs $(TUI_PKGS))
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSR_VERSION='"$(VERSION)"' \
	-DSR_DATADIR='"$(DATADIR)"' -DSR_LOCALEDIR='"$(LOCALEDIR)"' \
	-DSR_BUILD_LOCALEDIR='"$(BUILD_LOCALEDIR)"' \
	-Isrc -I$(BUILD)/gen $(WARNINGS) $(CFLAGS)
DEPFLAGS = -MMD -MP

ifeq ($(V),1)
Q :=
QUIET_CC :=
QUIET_AR :=
QUIET_LINK :=
QUIET_GEN :=
else
Q := @
QUIET_CC = @echo '   CC      $@';
QUIET_AR = @echo '   AR      $@';
QUIET_LINK = @echo '   LINK    $@';
QUIET_GEN = @echo '   GEN     $@';
endif

ENGINE_SRC := $(sort $(wildcard src/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
TUI_SRC := $(sort $(wildcard tui/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# Data built into the program so it works without being installed.
BUILTIN_FILES := $(sort $(wildcard checklists/*.yaml) $(wildcard checklists/*.dic) \
	$(wildcard templates/*.md) $(wildcard templates/*.tsv) \
	$(wildcard templates/clauses/*.md))

ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/builtin.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB := $(BUILD)/libspecreview.a

# The program finds the catalogue of its build tree relative to itself
# (BUILD_LOCALEDIR, from the program's directory), the installed one in
# LOCALEDIR (see cli/main.c).
ifeq ($(BUILD),build)
PROG := specreview
BUILD_LOCALEDIR := build/locale
else
PROG := $(BUILD)/specreview
BUILD_LOCALEDIR := locale
endif

# Messages: English in the code, po/LANG.po translations compiled into
# $(BUILD)/locale (see src/i18n.h).
PO_FILES := $(sort $(wildcard po/*.po))
MO_FILES := $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/specreview.mo)
POT_SRC := $(CLI_SRC) $(TUI_SRC) $(ENGINE_SRC) $(sort $(wildcard cli/*.h tui/*.h src/*.h))
XGETTEXT ?= xgettext
MSGFMT ?= msgfmt
MSGMERGE ?= msgmerge
XGETTEXT_FLAGS := --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
	--add-comments=TRANSLATORS: --package-name=specreview \
	--package-version=$(VERSION) --foreign-user

.PHONY: all test check tsan valgrind fuzz bench demo man pot install uninstall clean engine-no-curses
.DELETE_ON_ERROR:

all: $(PROG) $(MO_FILES)

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -Itui $(ENGINE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(ENGINE_CFLAGS) $(TUI_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/gen/builtin.c: tools/embed.sh $(BUILTIN_FILES)
	@mkdir -p $(@D)
	$(QUIET_GEN)sh tools/embed.sh $(BUILTIN_FILES) > $@.tmp && mv $@.tmp $@

# The engine's build id: a digest of its sources, so that cached check
# results from another build of the engine are never trusted.
$(BUILD)/gen/engine_id.h: $(ENGINE_SRC) $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(QUIET_GEN)printf '#define SR_ENGINE_ID "%s"\n' \
		"$$(cat $(ENGINE_SRC) $(wildcard src/*.h) | cksum | tr ' ' '-')" > $@.tmp && mv $@.tmp $@

$(BUILD)/src/review.o: $(BUILD)/gen/engine_id.h

# The functions of the libraries loaded when first needed that the engine
# calls, and the calls sent through their tables (tools/dynapi.sh).
GIT_API_SRC := src/store.c src/sync.c src/verify.c
$(BUILD)/gen/git-api.h: tools/dynapi.sh $(GIT_API_SRC)
	@mkdir -p $(@D)
	$(QUIET_GEN)sh tools/dynapi.sh git git2.h git_ $(GIT_API_SRC) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/hunspell-api.h: tools/dynapi.sh src/spell.c
	@mkdir -p $(@D)
	$(QUIET_GEN)sh tools/dynapi.sh hunspell hunspell/hunspell.h Hunspell_ src/spell.c > $@.tmp && mv $@.tmp $@
$(GIT_API_SRC:%.c=$(BUILD)/%.o) $(BUILD)/src/dynlib.o: $(BUILD)/gen/git-api.h
$(BUILD)/src/spell.o $(BUILD)/src/dynlib.o: $(BUILD)/gen/hunspell-api.h
$(BUILD)/src/dynlib.o: ALL_CFLAGS += -DSR_LIBGIT2_SO='"$(LIBGIT2_SO)"' \
	-DSR_HUNSPELL_SO='"$(HUNSPELL_SO)"'

$(BUILD)/gen/builtin.o: $(BUILD)/gen/builtin.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(LIB): $(ENGINE_OBJ)
	@rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

$(PROG): $(CLI_OBJ) $(TUI_OBJ) $(LIB)
	$(QUIET_LINK)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(TUI_OBJ) $(LIB) \
		$(ENGINE_LIBS) $(TUI_LIBS) -lm

# Catalogues: msgfmt --check (format strings, headers) on every build.
$(BUILD)/locale/%/LC_MESSAGES/specreview.mo: po/%.po
	@mkdir -p $(@D)
	$(QUIET_GEN)$(MSGFMT) --check -o $@.tmp $< && mv $@.tmp $@

# The template as the sources say now; test_i18n compares it with the
# committed po/specreview.pot and with every translation.  (xgettext
# warns that no bug address is given: the project has none; that one
# warning is dropped, any other is shown.)
$(BUILD)/po/specreview.pot: $(POT_SRC)
	@mkdir -p $(@D)
	$(QUIET_GEN)$(XGETTEXT) $(XGETTEXT_FLAGS) -o $@.tmp $(POT_SRC) 2> $@.log; \
		st=$$?; grep -v -e 'msgid-bugs-address' -e 'Makevars' \
			-e 'MSGID_BUGS_ADDRESS' -e 'specify an --msgid' $@.log >&2; \
		rm -f $@.log; test $$st = 0 && mv $@.tmp $@

# `make pot`: refresh the committed template and merge it into each
# translation (new messages come in untranslated or fuzzy: a test fails
# until they are translated).
pot: $(BUILD)/po/specreview.pot
	$(Q)cp $< po/specreview.pot
	$(Q)for po in $(PO_FILES); do \
		$(MSGMERGE) --quiet --update --backup=none $$po po/specreview.pot || exit 1; \
		printf '   PO      %s: ' $$po; \
		$(MSGFMT) --statistics -o /dev/null $$po; \
	done

# A preloaded library that makes writes under a path fail (a full disk, a
# read-only .git) for the fault tests; built without sanitizers, whose
# runtime must not be preloaded twice.
FAULTFS := $(BUILD)/tests/faultfs.so
$(FAULTFS): tests/faultfs.c
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) -O1 -g -shared -fPIC -o $@ $< -ldl

# Engine tests link without ncursesw: the engine must not need it.
$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(ENGINE_CFLAGS) \
		$(CMOCKA_CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(LIB) \
		$(ENGINE_LIBS) $(GIT_LIBS) $(CMOCKA_LIBS) -lm

# Every test program runs even when an earlier one fails; the target fails
# if any did.  Tests find the program and the source tree through the
# environment, and run in English unless they choose a language
# themselves (test_i18n runs both).
TEST_LANG := LANG=C.UTF-8 LC_ALL= LC_MESSAGES= LANGUAGE=
TEST_ENV = $(TEST_LANG) SR_SRCDIR="$(CURDIR)" \
	SR_POT="$(abspath $(BUILD))/po/specreview.pot" \
	SR_FAULTFS="$(abspath $(FAULTFS))"
TEST_DEPS = $(PROG) $(MO_FILES) $(BUILD)/po/specreview.pot $(TEST_BIN) $(FAULTFS)
test: $(TEST_DEPS)
	@failed=0; for t in $(TEST_BIN); do \
		echo "== $$t"; \
		$(TEST_ENV) SPECREVIEW="$(CURDIR)/$(PROG)" $(TEST_WRAP) $$t || failed=1; \
	done; \
	if [ $$failed = 0 ]; then echo "all tests passed"; else echo "some tests FAILED"; exit 1; fi

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
check:
	$(Q)$(MAKE) --no-print-directory BUILD=build-san \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		ASAN_OPTIONS=detect_leaks=1 test

# The suite under ThreadSanitizer: checks run on several threads, which
# share a matcher (and the regex code it makes on first use) and a report
# stream.  Without address randomization where the system allows it
# (setarch -R, which the programs the tests start inherit; a container's
# seccomp may refuse it): GCC 12's TSan cannot map its shadow memory on
# kernels that randomize 32 bits of mmap addresses.
TSAN_FLAGS := -O1 -g -fsanitize=thread
tsan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-tsan \
		CFLAGS="$(TSAN_FLAGS)" LDFLAGS="-fsanitize=thread" \
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
		TEST_WRAP="$$(setarch -R true 2>/dev/null && echo setarch -R)" test

# The whole suite under valgrind's memcheck: the test programs, and the
# program they run (through a wrapper, so the TUI and CLI tests count).
# PCRE2's JIT is off (SPECREVIEW_NO_JIT): valgrind cannot follow JIT code.
# Slow; not part of `make test`.
VALGRIND ?= valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q
valgrind: $(TEST_DEPS)
	@mkdir -p $(BUILD)
	@printf '#!/bin/sh\nexec $(VALGRIND) "$(CURDIR)/$(PROG)" "$$@"\n' > $(BUILD)/specreview-vg
	@chmod +x $(BUILD)/specreview-vg
	@failed=0; for t in $(TEST_BIN); do \
		echo "== $$t (valgrind)"; \
		$(TEST_ENV) SPECREVIEW="$(CURDIR)/$(BUILD)/specreview-vg" \
			SR_SLOW=1 SPECREVIEW_NO_JIT=1 $(VALGRIND) $$t || failed=1; \
	done; \
	if [ $$failed = 0 ]; then echo "valgrind: all tests passed"; else echo "valgrind: some tests FAILED"; exit 1; fi

# Fuzzing: clang + libFuzzer, sanitizers on.  Each target runs FUZZ_SECONDS.
FUZZ_BUILD := build-fuzz
FUZZ_CC ?= clang
# Undefined behaviour stops a run as a crash does (UBSan would only print
# it and go on, and the run would end as if nothing had been found).
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		$(FUZZ_BUILD)/libspecreview.a
	$(Q)failed=; for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		echo "   FUZZ    $$n ($(FUZZ_SECONDS)s)"; \
		$(FUZZ_CC) $(FUZZ_FLAGS) -std=c11 -D_GNU_SOURCE -Isrc $(ENGINE_CFLAGS) \
			-o $(FUZZ_BUILD)/$$n $$f $(FUZZ_BUILD)/libspecreview.a \
			$(ENGINE_LIBS) -lm || exit 1; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$n $(FUZZ_BUILD)/crashes/$$n; \
		seeds=tests/fuzz/corpus/$$n; [ -d $$seeds ] || seeds=; \
		case $$n in fuzz_match|fuzz_doc) \
			seeds="$$seeds specs/en specs/ja";; esac; \
		$(FUZZ_BUILD)/$$n -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$$n/ \
			-print_final_stats=1 $(FUZZ_BUILD)/corpus/$$n $$seeds \
			|| failed="$$failed $$n"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: findings in$$failed (see $(FUZZ_BUILD)/crashes/)"; exit 1; \
	fi

# The demo: a repository made from specs/ with a believable review
# history (tools/make-demo), opened in the review TUI as its reviewer.
DEMO_DIR ?= demo-repo
demo: $(PROG) $(MO_FILES)
	$(Q)SPECREVIEW=$(CURDIR)/$(PROG) sh tools/make-demo $(DEMO_DIR)
	$(Q)./$(PROG) --repo $(DEMO_DIR)

# specreview(1) is generated from the command and action tables; a test
# fails when the committed page is out of step: `make man` refreshes it.
man: $(PROG)
	$(Q)./$(PROG) --man > docs/specreview.1

bench: $(PROG)
	$(Q)sh tests/bench/run.sh "$(CURDIR)/$(PROG)"

# The engine must build and link without curses: nothing in src/ may
# include it, and the engine tests link without -lncursesw.
engine-no-curses:
	$(Q)! grep -nE '#include[[:space:]]*[<"](n?curses|ncursesw/)' src/*.c src/*.h cli/*.c

install: $(PROG) $(MO_FILES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/checklists \
		$(DESTDIR)$(DATADIR)/templates/clauses \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 644 docs/specreview.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/specreview-checklist.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/specreview
	install -m 644 checklists/*.yaml $(DESTDIR)$(DATADIR)/checklists/
	for f in templates/*.md templates/*.tsv; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/templates/; done; true
	for f in templates/clauses/*.md; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/templates/clauses/; done; true
	for po in $(PO_FILES); do \
		l=$$(basename $$po .po); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/specreview.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/specreview
	rm -f $(DESTDIR)$(MANDIR)/man1/specreview.1 \
		$(DESTDIR)$(MANDIR)/man5/specreview-checklist.5
	rm -rf $(DESTDIR)$(DATADIR)
	for po in $(PO_FILES); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$(basename $$po .po)/LC_MESSAGES/specreview.mo; \
	done

clean:
	rm -rf build build-san build-tsan build-fuzz specreview demo-repo

-include $(shell find $(BUILD) build-san build-tsan -name '*.d' 2>/dev/null)

# check-html: the survey's HTML in a real browser.  Renders the report of
# the sample specs (a temporary repository made from specs/) with headless
# Chromium and fails when the screenshot is blank: a blank 1200x2000 page
# is about 11 kB of PNG, the rendered survey well over 100 kB.  Not part
# of `make test` (the browser is large): apt-get install chromium.
CHROMIUM ?= chromium
HTML_MIN_PNG_BYTES ?= 40000
.PHONY: check-html
check-html: $(PROG)
	$(Q)command -v $(CHROMIUM) > /dev/null 2>&1 || { \
		echo "check-html needs Chromium: apt-get install chromium" \
		     "(Debian), or CHROMIUM=/path/to/chrome" >&2; exit 1; }
	$(Q)fc-list :lang=ja 2> /dev/null | grep -q . || \
		echo "check-html: no Japanese font, kanji will show as boxes" \
		     "(apt-get install fonts-noto-cjk)" >&2
	$(Q)set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r specs "$$tmp/specs"; \
	git -C "$$tmp" init -q; git -C "$$tmp" add -A; \
	git -C "$$tmp" -c user.name=check-html \
		-c user.email=check-html@example.invalid commit -qm specs; \
	"$(CURDIR)/$(PROG)" --repo "$$tmp" report --format html --lang ja \
		--history > "$$tmp/report.html"; \
	$(CHROMIUM) --headless --no-sandbox --disable-gpu \
		--screenshot="$$tmp/report.png" --window-size=1200,2000 \
		"file://$$tmp/report.html" > /dev/null 2>&1; \
	size=$$(wc -c < "$$tmp/report.png"); \
	echo "   HTML    survey rendered by Chromium: $$size bytes of PNG" \
	     "(blank: under $(HTML_MIN_PNG_BYTES))"; \
	test "$$size" -gt $(HTML_MIN_PNG_BYTES) || { \
		echo "check-html: the rendered survey is blank" >&2; exit 1; }
