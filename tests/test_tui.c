/*
 * test_tui.c - end-to-end tests of the review TUI: the real program runs
 * inside tmux (private servers, -L, sockets in the temporary directory),
 * keys go in with send-keys and the screen comes back with capture-pane.
 * Nothing sleeps for a fixed time: every step polls the screen (or a
 * file) until what it expects appears, with a generous timeout for
 * sanitizer builds.
 *
 * The repository is the demo (tools/make-demo), built once in a temporary
 * directory; each test works on a spec of its own so the tests do not
 * depend on each other's order:
 *   helpdesk-ops  alignment and wrapping, search, refusal, h-scrolling
 *   benefits-dev  evidence, NO_COLOR
 *   website-ops   annotating and recording
 *   mail-cloud    the draft that survives kill -9
 *   scan-pdf      resizing
 *   archive-dev   quitting
 * (and one small repository of its own for control characters).  The
 * program runs with LANG=C.UTF-8, TERM=screen, HOME an empty directory
 * (no user key bindings) and the identity in the demo's git config: the
 * reviewer 山田 花子.
 *
 * Column checks use a width table of this file's own (kanji, kana and
 * full-width forms take two columns), not the engine's, so that a wrong
 * width in the engine shows up as a wrong screen here.
 */
#include <dirent.h>
#include <signal.h>
#include <time.h>

#include "testutil.h"
#include "testscreen.h"

#define COLS 100
#define ROWS 30
#define GUTTER 7           /* "%5d" line number, a mark, a space */
#define TEXTW (COLS - GUTTER) /* the text pane at 100 columns (stacked) */
#define TIMEOUT_MS 10000   /* sanitizer builds are slow */
#define MAXROWS 128

static char *tmp;         /* the temporary directory of the whole run */
static char demo[1024];   /* the demo repository */
static char conf[1100];   /* tmux configuration */
static char exitf[1100];  /* "EXIT=<status>" written after the program */
static char sttyf[1100];  /* stty -a after the program */
static char sock[64];     /* tmux -L socket name */

/* ---- small utilities ----------------------------------------------------- */



static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}






static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* ---- tmux ------------------------------------------------------------------- */

static int tmux(char **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int tmux(char **out, const char *fmt, ...)
{
	char args[6000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return t_run(out, NULL, "tmux -u -f '%s' -L %s %s", conf, sock, args);
}

static void keys(const char *k)
{
	assert_int_equal(tmux(NULL, "send-keys -t sr %s", k), 0);
}

/* Types text literally (UTF-8; no single quotes). */
static void type(const char *text)
{
	assert_int_equal(tmux(NULL, "send-keys -t sr -l '%s'", text), 0);
}

static void kill_server(void)
{
	tmux(NULL, "kill-server");
}

/* The screen as text; with `esc`, with attributes as escape sequences. */
static char *screen(int esc)
{
	char *out = NULL;

	if (tmux(&out, "capture-pane -p %s -t sr", esc ? "-e" : "") != 0) {
		free(out);
		return strdup("");
	}
	return out;
}

/* Splits a capture into rows (pointers into a copy of `s`, valid until
 * the next call). */
static size_t split_rows(const char *scr, char **rows)
{
	static char *copy;
	size_t n = 0;
	char *s;

	free(copy);
	copy = strdup(scr);
	assert_non_null(copy);
	s = copy;
	while (*s && n < MAXROWS) {
		char *nl = strchr(s, '\n');

		rows[n++] = s;
		if (!nl)
			break;
		*nl = '\0';
		s = nl + 1;
	}
	return n;
}

static void dump_fail(const char *what, const char *scr)
	__attribute__((noreturn));

static void dump_fail(const char *what, const char *scr)
{
	fprintf(stderr, "---- screen ----\n%s---- end ----\n", scr);
	fail_msg("%s", what);
	abort(); /* not reached */
}

/* Polls until the screen shows `needle`; returns the screen (to free). */
static char *wait_for(const char *needle)
{
	long end = now_ms() + TIMEOUT_MS;
	char *s;

	for (;;) {
		s = screen(0);
		if (strstr(s, needle))
			return s;
		if (now_ms() > end)
			break;
		free(s);
		nap();
	}
	{
		char msg[512];

		snprintf(msg, sizeof(msg), "timed out waiting for '%s'", needle);
		dump_fail(msg, s);
	}
}

/* Polls until the screen shows a or b; returns 0 or 1. */
static int wait_either(const char *a, const char *b)
{
	long end = now_ms() + TIMEOUT_MS;
	char *s;

	for (;;) {
		s = screen(0);
		if (strstr(s, a) || strstr(s, b)) {
			int r = strstr(s, a) ? 0 : 1;

			free(s);
			return r;
		}
		if (now_ms() > end)
			break;
		free(s);
		nap();
	}
	{
		char msg[512];

		snprintf(msg, sizeof(msg), "timed out waiting for '%s' or '%s'",
			 a, b);
		dump_fail(msg, s);
	}
}

/* Polls until a file exists and contains `needle` (NULL: anything). */
static char *wait_file(const char *path, const char *needle)
{
	long end = now_ms() + TIMEOUT_MS;

	for (;;) {
		char *s = read_file(path);

		if (s && (!needle || strstr(s, needle)))
			return s;
		free(s);
		if (now_ms() > end) {
			char *scr = screen(0);
			char msg[4400];

			snprintf(msg, sizeof(msg), "timed out waiting for %s%s%s",
				 path, needle ? " to contain " : "",
				 needle ? needle : "");
			dump_fail(msg, scr);
		}
		nap();
	}
}

/* A check of a captured screen: 1 when it passes, else 0 and why. */
typedef int (*screen_check)(const char *scr, void *ctx, char *why,
			    size_t whyn);

/*
 * Polls the screen until `check` passes; returns that screen (to free).
 * A screen can be caught half redrawn, so every check of what is on it
 * goes through here rather than looking once.
 */
static char *poll_screen(int esc, screen_check check, void *ctx,
			 const char *what)
{
	long end = now_ms() + TIMEOUT_MS;
	char why[4096];

	for (;;) {
		char *s = screen(esc);

		why[0] = '\0';
		if (check(s, ctx, why, sizeof(why)))
			return s;
		if (now_ms() > end) {
			fprintf(stderr, "%s\n", why);
			dump_fail(what, s);
		}
		free(s);
		nap();
	}
}

struct strings {
	const char *s[16];
	size_t n;
};

static int has_all(const char *scr, void *ctx, char *why, size_t whyn)
{
	const struct strings *w = ctx;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!strstr(scr, w->s[i])) {
			snprintf(why, whyn, "missing: %s", w->s[i]);
			return 0;
		}
	return 1;
}

/* Polls until the screen shows every one of the strings (NULL ends). */
static char *wait_all(const char *first, ...)
{
	struct strings w;
	va_list ap;
	const char *x;

	memset(&w, 0, sizeof(w));
	va_start(ap, first);
	for (x = first; x && w.n < 16; x = va_arg(ap, const char *))
		w.s[w.n++] = x;
	va_end(ap);
	return poll_screen(0, has_all, &w, "the screen lacks what it should show");
}

/* Numbers read off the screen: `fmt` (with one or two %d, ending in
 * %n so that only a complete match counts) applied where `prefix` is. */
struct scan {
	const char *prefix, *fmt;
	int nvals, a, b;
};

static int scan_ok(const char *scr, void *ctx, char *why, size_t whyn)
{
	struct scan *sc = ctx;
	const char *p = strstr(scr, sc->prefix);
	int end = -1, got;

	if (!p) {
		snprintf(why, whyn, "no '%s'", sc->prefix);
		return 0;
	}
	got = sc->nvals == 1 ? sscanf(p, sc->fmt, &sc->a, &end)
			     : sscanf(p, sc->fmt, &sc->a, &sc->b, &end);
	if (got < sc->nvals || end <= 0) {
		snprintf(why, whyn, "'%s' is not complete", sc->prefix);
		return 0;
	}
	return 1;
}

/*
 * Starts the program in a new tmux server.  `env` is extra VAR=VALUE
 * words; with `use_exec` the program replaces the pane's shell (so the
 * pane's pid is the program's), else its exit status and the terminal
 * settings after it are written to exitf and sttyf.
 */
static void start(const char *env, const char *repo, int use_exec)
{
	static int nstarts;
	char cmd[5600], *err = NULL;

	/* A new server on a new socket each time: one that is still
	 * shutting down cannot get in the way. */
	kill_server();
	snprintf(sock, sizeof(sock), "sr%d", ++nstarts);
	unlink(exitf);
	unlink(sttyf);
	if (use_exec)
		snprintf(cmd, sizeof(cmd), "exec env %s %s --repo %s", env,
			 t_prog(), repo);
	else
		/* The pane stays alive for a while afterwards so that the
		 * terminal's state can be looked at; kill-server ends it. */
		snprintf(cmd, sizeof(cmd),
			 "env %s %s --repo %s; echo EXIT=$? > %s.tmp; "
			 "stty -a > %s; mv %s.tmp %s; exec sleep 300",
			 env, t_prog(), repo, exitf, sttyf, exitf, exitf);
	if (t_run(NULL, &err, "tmux -u -f '%s' -L %s new-session -d -s sr "
			      "-x %d -y %d '%s'",
		  conf, sock, COLS, ROWS, cmd) != 0)
		fail_msg("tmux new-session failed: %s", err);
	free(err);
}

/* The screen's first row (the title), as a new string. */
static char *title_row(void)
{
	char *s = screen(0), *nl = strchr(s, '\n');

	if (nl)
		*nl = '\0';
	return s;
}

/* Whether the pane shows the alternate screen (the TUI's). */
static int alternate_on(void)
{
	char *out = NULL;
	int on = 1;

	if (tmux(&out, "display -p -t sr '#{alternate_on}'") == 0)
		on = strcmp(out, "0\n") != 0;
	free(out);
	return on;
}

/* Quits from wherever it is (q closes views, then the program) and
 * checks that the program ended with status 0. */
static void quit_clean(void)
{
	char *s, *t;
	int i, left = 0;
	long end;

	for (i = 0; i < 6 && !left; i++) {
		char *before = title_row();

		keys("q");
		end = now_ms() + TIMEOUT_MS;
		while (now_ms() < end) {
			if (access(exitf, F_OK) == 0) {
				left = 1;
				break;
			}
			left = !alternate_on(); /* the TUI's screen is gone */
			t = title_row();
			if (left || strcmp(t, before)) {
				free(t);
				break; /* a view closed: q again */
			}
			free(t);
			nap();
		}
		free(before);
	}
	if (!left)
		dump_fail("q did not quit", screen(0));
	/* The program may take a moment to end (sanitizers check for leaks
	 * at exit): wait, without sending more keys. */
	s = wait_file(exitf, NULL);
	if (strcmp(s, "EXIT=0\n")) {
		char msg[256];

		snprintf(msg, sizeof(msg), "the program ended with %s", s);
		dump_fail(msg, screen(0));
	}
	free(s);
}

static int teardown(void **state)
{
	(void)state;
	kill_server();
	return 0;
}

/* ---- the screen's parts -------------------------------------------------- */

/* Row index of the text pane's row showing the first piece of `line`. */
static int row_of_line(char **rows, size_t n, int line)
{
	char num[16];
	size_t i;

	snprintf(num, sizeof(num), "%5d", line);
	for (i = 1; i < n; i++) {
		if (!strncmp(rows[i], " checklist:", 11))
			break;
		if (!strncmp(rows[i], num, 5))
			return (int)i;
	}
	return -1;
}

/* Line `line` (1-based) of a spec in the demo, as a new string. */
static char *spec_line(const char *repo, const char *path, int line)
{
	char p[4500], *buf, *s, *e, *out;
	int i;

	snprintf(p, sizeof(p), "%s/%s", repo, path);
	buf = read_file(p);
	assert_non_null(buf);
	s = buf;
	for (i = 1; i < line && s; i++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	assert_non_null(s);
	e = strchr(s, '\n');
	out = strndup(s, e ? (size_t)(e - s) : strlen(s));
	free(buf);
	return out;
}

/* Opens the spec whose title contains `title` from the spec list. */
static void open_spec(const char *title, const char *path)
{
	char want[256];

	free(wait_for(title));
	keys("/");
	type(title);
	keys("Enter Enter");
	snprintf(want, sizeof(want), "%s · ", path);
	free(wait_for(want));
}

/* The gutter of line *(int *)ctx shows ✎. */
static int note_mark(const char *scr, void *ctx, char *why, size_t whyn)
{
	char *rows[MAXROWS];
	size_t n = split_rows(scr, rows);
	int line = *(int *)ctx, r = row_of_line(rows, n, line);

	if (r < 0 || strncmp(rows[r] + 5, "✎", strlen("✎"))) {
		snprintf(why, whyn, "no ✎ in the gutter of line %d", line);
		return 0;
	}
	return 1;
}

/* Whether a file under the demo's drafts directory contains `needle`. */
static int draft_has(const char *needle)
{
	char dir[4500];
	DIR *d;
	struct dirent *de;
	int found = 0;

	snprintf(dir, sizeof(dir), "%s/.git/specreview/drafts", demo);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char p[4800], *s;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		s = read_file(p);
		found = s && strstr(s, needle);
		free(s);
	}
	closedir(d);
	return found;
}

static void wait_draft(const char *needle)
{
	long end = now_ms() + TIMEOUT_MS;

	while (!draft_has(needle)) {
		if (now_ms() > end)
			dump_fail("the draft was not autosaved", screen(0));
		nap();
	}
}

static char *records_head(void)
{
	char *out = NULL;

	if (t_run(&out, NULL, "git -C '%s' rev-parse --verify -q "
			      "specreview/records", demo) != 0) {
		free(out);
		return strdup("");
	}
	return out;
}

/* ---- setup ------------------------------------------------------------- */

static int group_setup(void **state)
{
	char home[1100], *out = NULL, *err = NULL;
	FILE *f;

	(void)state;
	if (t_run(NULL, NULL, "tmux -V") != 0) {
		fprintf(stderr,
			"test_tui: tmux is not installed; the TUI tests drive "
			"the program inside tmux (apt-get install tmux, or "
			"tools/install-deps)\n");
		return -1;
	}
	tmp = t_mkdtemp();
	snprintf(sock, sizeof(sock), "sr0");
	snprintf(conf, sizeof(conf), "%s/tmux.conf", tmp);
	snprintf(exitf, sizeof(exitf), "%s/exit", tmp);
	snprintf(sttyf, sizeof(sttyf), "%s/stty", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(demo, sizeof(demo), "%s/demo", tmp);
	mkdir(home, 0700);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	/* A plain terminal every system has; the pane is exactly the
	 * window (no status line). */
	fputs("set -g default-terminal screen\n"
	      "set -g status off\n"
	      "set -g escape-time 0\n"
	      "set -g history-limit 100\n",
	      f);
	fclose(f);

	/* What the program and tmux see: a UTF-8 locale, no user files, no
	 * identity but the demo repository's own git config. */
	setenv("LANG", "C.UTF-8", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", tmp, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("NO_COLOR");
	unsetenv("TMUX");
	setenv("TMUX_TMPDIR", tmp, 1); /* the socket goes with the rest */
	unsetenv("ESCDELAY");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_AUTHOR_DATE");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	unsetenv("GIT_COMMITTER_DATE");

	if (t_run(&out, &err, "SPECREVIEW='%s' sh '%s' '%s'", t_prog(),
		  t_src("tools/make-demo"), demo) != 0) {
		fprintf(stderr, "test_tui: tools/make-demo failed:\n%s%s\n",
			out ? out : "", err ? err : "");
		free(out);
		free(err);
		return -1;
	}
	free(out);
	free(err);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	kill_server();
	t_rm_rf(tmp);
	free(tmp);
	return 0;
}

/* ---- tests -------------------------------------------------------------- */

/* Without a terminal it says so and exits 2, drawing nothing. */
static void test_needs_a_terminal(void **state)
{
	char *out = NULL, *err = NULL, *s, p[4300];

	(void)state;
	/* Neither stdin nor stdout a terminal. */
	assert_int_equal(t_run(&out, &err, "%s --repo '%s'", t_prog(), demo), 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "needs a terminal"));
	free(out);
	free(err);

	/* stdin a terminal, stdout a file. */
	snprintf(p, sizeof(p), "%s/piped", tmp);
	kill_server();
	snprintf(sock, sizeof(sock), "sr-piped");
	unlink(exitf);
	assert_int_equal(tmux(NULL, "new-session -d -s sr -x %d -y %d "
				    "'%s --repo %s > %s.out 2> %s.err; "
				    "echo EXIT=$? > %s.tmp; mv %s.tmp %s'",
			      COLS, ROWS, t_prog(), demo, p, p, exitf, exitf,
			      exitf),
			 0);
	s = wait_file(exitf, NULL);
	assert_string_equal(s, "EXIT=2\n");
	free(s);
	snprintf(p, sizeof(p), "%s/piped.out", tmp);
	s = read_file(p);
	assert_non_null(s);
	assert_string_equal(s, ""); /* no escape sequences into the file */
	free(s);
	snprintf(p, sizeof(p), "%s/piped.err", tmp);
	s = read_file(p);
	assert_non_null(s);
	assert_non_null(strstr(s, "needs a terminal"));
	free(s);
}

/* The spec list: every spec with its state, coverage and last action. */
static const struct {
	const char *title, *state;
} list_want[] = {
	{ "給付金オンライン", "cleared" },
	{ "職員向けヘルプデスク", "reviewed" },
	{ "当庁公式ウェブサイト", "in-review" },
	{ "メールシステムのクラウド", "draft" },
	{ "文書管理システム", "draft" },
	{ "統計データ公開システム", "draft" },
	{ "Online Building Permit Portal", "draft" },
	{ "Records and FOIA", "draft" },
};

static int spec_list_ok(const char *scr, void *ctx, char *why, size_t whyn)
{
	char *rows[MAXROWS];
	size_t n = split_rows(scr, rows), i, k;

	(void)ctx;
	if (n < 12 || !strstr(rows[0], "9 specs")) {
		snprintf(why, whyn, "no title with 9 specs");
		return 0;
	}
	for (i = 0; i < sizeof(list_want) / sizeof(list_want[0]); i++) {
		size_t sl = strlen(list_want[i].state);

		for (k = 2; k < n; k++)
			if (strstr(rows[k], list_want[i].title))
				break;
		if (k == n) {
			snprintf(why, whyn, "no row for %s", list_want[i].title);
			return 0;
		}
		if (strncmp(rows[k], list_want[i].state, sl) || rows[k][sl] != ' ') {
			snprintf(why, whyn, "%s is not %s", list_want[i].title,
				 list_want[i].state);
			return 0;
		}
	}
	/* The cleared spec: full coverage, no gaps, the CIO assistant last. */
	for (k = 2; k < n && !strstr(rows[k], "給付金"); k++)
		;
	if (!strstr(rows[k], "17/17") || !strstr(rows[k], "gaps 0") ||
	    !strstr(rows[k], "高橋 美咲")) {
		snprintf(why, whyn, "the cleared spec's row is wrong");
		return 0;
	}
	return 1;
}

static void test_spec_list(void **state)
{
	(void)state;
	start("", demo, 0);
	/* Coverage and titles are filled in while idle. */
	free(poll_screen(0, spec_list_ok, NULL, "the spec list is wrong"));
	quit_clean();
}

/* Polls until the text pane shows line `line`; returns the screen. */
static char *wait_line(int line)
{
	long end = now_ms() + TIMEOUT_MS;
	char *rows[MAXROWS];

	for (;;) {
		char *s = screen(0);
		size_t n = split_rows(s, rows);

		if (row_of_line(rows, n, line) >= 0)
			return s;
		if (now_ms() > end) {
			char msg[64];

			snprintf(msg, sizeof(msg), "line %d is not shown", line);
			dump_fail(msg, s);
		}
		free(s);
		nap();
	}
}

/* Cuts `src` into the pieces a TEXTW-column pane shows, by this test's
 * widths: each the longest prefix that fits. */
static size_t wrap_pieces(const char *src, char pieces[][1024], size_t max)
{
	size_t at = 0, n = 0;

	while (src[at] && n < max) {
		size_t end = at;
		int w = 0;

		while (src[end]) {
			uint32_t cp;
			size_t k = dec(src + end, &cp);

			if (w + cpw(cp) > TEXTW)
				break;
			w += cpw(cp);
			end += k;
		}
		snprintf(pieces[n], 1024, "%.*s", (int)(end - at), src + at);
		rtrim(pieces[n]);
		n++;
		at = end;
	}
	return n;
}

/* Whether the screen shows `line` as exactly these pieces; a message in
 * why[] when not. */
static int shows_pieces(const char *s, int line, char pieces[][1024],
			size_t npieces, char *why, size_t whyn)
{
	char *rows[MAXROWS];
	size_t n = split_rows(s, rows), i;
	int r = row_of_line(rows, n, line);

	if (r < 0) {
		snprintf(why, whyn, "line %d is not shown", line);
		return 0;
	}
	for (i = 0; i < npieces; i++, r++) {
		char *row;

		if (r >= (int)n || !strncmp(rows[r], " checklist:", 11)) {
			snprintf(why, whyn, "piece %zu is not shown", i);
			return 0;
		}
		if (i > 0 && strncmp(rows[r], "     ", 5)) {
			snprintf(why, whyn, "piece %zu has a line number", i);
			return 0;
		}
		row = rows[r] + at_col(rows[r], GUTTER);
		rtrim(row);
		if (strcmp(row, pieces[i])) {
			snprintf(why, whyn,
				 "piece %zu\n got: '%.1000s'\nwant: '%.1000s'",
				 i, row, pieces[i]);
			return 0;
		}
	}
	/* And the line ends there: the next row is another line. */
	if (r < (int)n && !strncmp(rows[r], "     ", 5)) {
		snprintf(why, whyn, "more pieces than %zu", npieces);
		return 0;
	}
	return 1;
}

/* Searches for `what` (on line `line` of helpdesk-ops.md) and checks
 * that the line is wrapped into exactly the expected pieces.  The search
 * leaves the line at the bottom, or anywhere; j moves onto its last piece
 * so that every piece is on the screen. */
static void check_wrapped(int line, const char *what)
{
	static char pieces[8][1024];
	char *s, *src, why[3000] = "";
	size_t np, k;
	long end;

	src = spec_line(demo, "specs/ja/helpdesk-ops.md", line);
	np = wrap_pieces(src, pieces, 8);
	assert_true(np >= 2);
	free(src);
	keys("/");
	type(what);
	keys("Enter");
	free(wait_line(line));
	for (k = 1; k < np; k++)
		keys("j");
	end = now_ms() + TIMEOUT_MS;
	for (;;) {
		s = screen(0);
		if (shows_pieces(s, line, pieces, np, why, sizeof(why)))
			break;
		if (now_ms() > end) {
			fprintf(stderr, "%s\n", why);
			dump_fail("a long line is not wrapped as it should", s);
		}
		free(s);
		nap();
	}
	free(s);
}

/* Where strings must stand on a line of the text pane. */
struct cols {
	int line;
	struct {
		const char *s;
		int col;
	} at[6];
	size_t n;
};

static int cols_ok(const char *scr, void *ctx, char *why, size_t whyn)
{
	const struct cols *c = ctx;
	char *rows[MAXROWS];
	size_t n = split_rows(scr, rows), i;
	int r = row_of_line(rows, n, c->line);

	if (r < 0) {
		snprintf(why, whyn, "line %d is not shown", c->line);
		return 0;
	}
	for (i = 0; i < c->n; i++)
		if (col_of(rows[r], c->at[i].s) != c->at[i].col) {
			snprintf(why, whyn, "line %d: '%s' at column %d, not %d",
				 c->line, c->at[i].s, col_of(rows[r], c->at[i].s),
				 c->at[i].col);
			return 0;
		}
	return 1;
}

/* A Japanese line: characters after a kanji run sit at their true column,
 * and long lines wrap at the pane's width without losing a character. */
static void test_japanese_alignment(void **state)
{
	(void)state;
	start("", demo, 0);
	open_spec("職員向けヘルプデスク", "specs/ja/helpdesk-ops.md");
	/* "   14  令和7年1月": 令和 is four columns. */
	{
		struct cols c = { 14, { { "令和", GUTTER }, { "7", GUTTER + 4 },
					{ "年", GUTTER + 5 },
					{ "1月", GUTTER + 7 } }, 4 };

		free(poll_screen(0, cols_ok, &c, "line 14 is misaligned"));
	}

	/* Line 25 is about 140 characters of Japanese: it wraps into pieces
	 * that each fill the 93 columns as far as whole characters go.  Line
	 * 65 starts with "3. ": its first piece is exactly 93 columns. */
	check_wrapped(25, "一元的に対応する");
	check_wrapped(65, "1年間保存し");

	/* A table row further down: "| 利用職員数 | 約2,500名 |". */
	keys("/");
	type("利用職員数");
	keys("Enter");
	{
		struct cols c = { 35, { { "| 利用", GUTTER },
					{ "2,500", GUTTER + 2 + 10 + 3 + 2 },
					{ "名 |", GUTTER + 2 + 10 + 3 + 2 + 5 } },
				  3 };

		free(poll_screen(0, cols_ok, &c, "line 35 is misaligned"));
	}
	quit_clean();
}

/* `/` finds words in the text also where the wrapping cut the line in
 * between: line 65 wraps between 改 and ざん. */
static void test_search_across_wrap(void **state)
{
	long end;

	(void)state;
	start("", demo, 0);
	open_spec("職員向けヘルプデスク", "specs/ja/helpdesk-ops.md");
	free(wait_line(14));
	keys("/");
	type("改ざんを防止する措置");
	keys("Enter");
	end = now_ms() + TIMEOUT_MS;
	for (;;) {
		char *s = screen(0), *rows[MAXROWS];
		size_t n = split_rows(s, rows);

		if (strstr(s, "not found: 改ざんを防止する措置"))
			dump_fail("a phrase cut by the wrapping is not found",
				  s);
		if (row_of_line(rows, n, 65) >= 0 &&
		    !strncmp(rows[n - 1], "/改ざんを防止する措置", 10)) {
			free(s);
			break;
		}
		if (now_ms() > end)
			dump_fail("the search did not go to line 65", s);
		free(s);
		nap();
	}
	quit_clean();
}

/* Enter on an item jumps to its evidence; n walks on to the next. */
static void test_evidence_jump(void **state)
{
	int total, line, line2;

	(void)state;
	start("", demo, 0);
	open_spec("給付金オンライン", "specs/ja/benefits-dev.md");
	/* Items pane; the first row is a group header, the next an item. */
	keys("Tab j Enter");
	{
		struct scan sc = { "evidence 1/",
				   "evidence 1/%d at line %d (n/N%n", 2, 0, 0 };

		free(poll_screen(0, scan_ok, &sc, "no evidence 1/N at line L"));
		total = sc.a;
		line = sc.b;
	}
	assert_true(total >= 1);
	assert_true(line >= 1);
	{
		struct cols c = { line, { { NULL, 0 } }, 0 };

		free(poll_screen(0, cols_ok, &c, "the evidence is not shown"));
	}
	if (total > 1) {
		char want[64];

		keys("n");
		{
			struct scan sc = { "evidence 2/",
					   "evidence 2/%d at line %d (n/N%n", 2,
					   0, 0 };

			free(poll_screen(0, scan_ok, &sc,
					 "no evidence 2/N at line L"));
			assert_int_equal(sc.a, total);
			line2 = sc.b;
		}
		{
			struct cols c = { line2, { { NULL, 0 } }, 0 };

			free(poll_screen(0, cols_ok, &c,
					 "the second evidence is not shown"));
		}
		/* N goes back to the first. */
		keys("N");
		snprintf(want, sizeof(want), "evidence 1/%d at line %d", total,
			 line);
		free(wait_for(want));
	}
	quit_clean();
}

/* A note typed in Japanese goes into the autosaved draft; the review is
 * recorded after a preview of exactly what is committed. */
static void test_annotate_and_record(void **state)
{
	const char *note = "更新担当者の権限を確認",
		   *summary = "権限の記載を追記してください";
	char *s, *rows[MAXROWS], *out = NULL, *before, *after, want[256];
	size_t n, i;
	int line = 0, cx = -1, cy = -1;

	(void)state;
	start("", demo, 0);
	open_spec("当庁公式ウェブサイト", "specs/ja/website-ops.md");
	keys("/");
	type("CMS利用者");
	keys("Enter");
	free(wait_for("/CMS利用者"));
	keys("a");
	{
		struct scan sc = { "Note on line ", "Note on line %d (empty%n", 1,
				   0, 0 };

		free(poll_screen(0, scan_ok, &sc, "no editor for a note"));
		line = sc.a;
	}
	/* Backspace takes a whole wide character. */
	type(note);
	type("要X");
	keys("BSpace BSpace");
	s = wait_for(note);
	free(s);
	/* The cursor stands right after the text, at its true width. */
	{
		long end = now_ms() + TIMEOUT_MS;

		for (;;) {
			char *pos = NULL;
			int ok = 0;

			s = screen(0);
			n = split_rows(s, rows);
			for (i = 0; i < n; i++)
				if (strstr(rows[i], note) &&
				    !strstr(rows[i], "要"))
					break;
			if (i < n && tmux(&pos, "display -p -t sr "
						"'#{cursor_x} #{cursor_y}'") == 0 &&
			    sscanf(pos, "%d %d", &cx, &cy) == 2)
				ok = cy == (int)i &&
				     cx == col_of(rows[i], note) +
						   strw(note, strlen(note));
			free(pos);
			if (ok)
				break;
			if (now_ms() > end)
				dump_fail("the editor's cursor is not after "
					  "the text",
					  s);
			free(s);
			nap();
		}
		free(s);
	}
	/* Saved as it is typed, before Ctrl-D. */
	wait_draft(note);
	keys("C-d");
	free(wait_for("kept in the draft"));
	assert_true(draft_has(note));
	free(poll_screen(0, note_mark, &line, "the annotated line has no ✎"));

	/* Record: request-changes with a summary, preview, y. */
	before = records_head();
	keys("R");
	free(wait_for("Record the review: decision"));
	keys("j Enter");
	free(wait_for("request-changes: summary"));
	type(summary);
	keys("C-d");
	free(wait_all("will be committed to", "decision: request-changes",
		      "spec: \"specs/ja/website-ops.md\"", summary, note,
		      "role: reviewer", "山田 花子", "Commit it? y", NULL));
	after = records_head();
	assert_string_equal(before, after); /* nothing before 'y' */
	free(after);
	keys("y");
	free(wait_for("recorded request-changes on specs/ja/website-ops.md"));

	assert_int_equal(t_run(&out, NULL,
			       "git -C '%s' log -1 --format=%%s specreview/records",
			       demo),
			 0);
	assert_string_equal(out, "review: request-changes specs/ja/website-ops.md\n");
	free(out);
	assert_int_equal(t_run(&out, NULL,
			       "git -C '%s' log -1 -p --format=%%an%%n%%b "
			       "specreview/records",
			       demo),
			 0);
	assert_non_null(strstr(out, "山田 花子"));
	assert_non_null(strstr(out, summary));
	assert_non_null(strstr(out, note));
	snprintf(want, sizeof(want), "line: %d", line);
	assert_non_null(strstr(out, want));
	free(out);
	after = records_head();
	assert_string_not_equal(before, after);
	free(before);
	free(after);
	/* The draft went with the record. */
	assert_false(draft_has(note));
	quit_clean();
}

/* Sign-off needs the adviser role: a reviewer is refused, clearly, and
 * nothing is committed. */
static void test_refusal_wrong_role(void **state)
{
	char *before, *after;
	int which;

	(void)state;
	before = records_head();
	start("", demo, 0);
	open_spec("職員向けヘルプデスク", "specs/ja/helpdesk-ops.md");
	keys("S");
	which = wait_either("needs the adviser role", "sign-off: summary");
	if (which == 1) {
		/* It asks for the summary first. */
		type("問題なし");
		keys("C-d");
	}
	/* The program is still there, on the same spec. */
	free(wait_all("sign-off needs the adviser role",
		      "specs/ja/helpdesk-ops.md · ", NULL));
	after = records_head();
	assert_string_equal(before, after);
	free(before);
	free(after);
	quit_clean();
}

/* Resizing to 60x20, below the minimum and back: redrawn, no crash. */
static void test_resize(void **state)
{
	char *s, *rows[MAXROWS];
	size_t n, i;

	(void)state;
	start("", demo, 0);
	open_spec("統計データ公開システム", "specs/ja/scan-pdf.md");
	assert_int_equal(tmux(NULL, "resize-window -t sr -x 60 -y 20"), 0);
	/* The separator of the stacked panes moves to 20 rows: 18*3/5+1. */
	{
		long end = now_ms() + TIMEOUT_MS;

		for (;;) {
			s = screen(0);
			n = split_rows(s, rows);
			if (n >= 12 && !strncmp(rows[11], " checklist:", 11))
				break;
			if (now_ms() > end)
				dump_fail("not redrawn at 60x20", s);
			free(s);
			nap();
		}
	}
	assert_non_null(strstr(rows[0], "specs/ja/scan-pdf.md"));
	for (i = 0; i < n; i++)
		if (strw(rows[i], strlen(rows[i])) > 60)
			dump_fail("a row wider than 60 columns", s);
	free(s);
	keys("j j Tab j");
	assert_int_equal(tmux(NULL, "resize-window -t sr -x 30 -y 8"), 0);
	free(wait_for("terminal too small"));
	assert_int_equal(tmux(NULL, "resize-window -t sr -x %d -y %d", COLS,
			      ROWS),
			 0);
	{
		long end = now_ms() + TIMEOUT_MS;

		for (;;) {
			s = screen(0);
			n = split_rows(s, rows);
			if (n >= 18 && !strncmp(rows[17], " checklist:", 11) &&
			    strstr(rows[0], "specs/ja/scan-pdf.md · "))
				break;
			if (now_ms() > end)
				dump_fail("not redrawn at 100x30", s);
			free(s);
			nap();
		}
		free(s);
	}
	/* Still working: back to the list. */
	keys("q");
	free(wait_for("STATE"));
	quit_clean();
}

/* SGR parameters that set a color. */
static int has_color_sgr(const char *s, char *what, size_t n)
{
	const char *p = s;

	while ((p = strstr(p, "\033[")) != NULL) {
		const char *q = p + 2;
		char *end;

		while (*q && (*q == ';' || (*q >= '0' && *q <= '9')))
			q++;
		if (*q == 'm') {
			const char *r = p + 2;

			while (r < q) {
				long v = strtol(r, &end, 10);

				if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
				    (v >= 90 && v <= 97) || (v >= 100 && v <= 107)) {
					snprintf(what, n, "%.*s", (int)(q - p + 1),
						 p);
					what[0] = 'E';
					return 1;
				}
				r = end == r ? r + 1 : end;
				if (*r == ';')
					r++;
			}
		}
		p = q;
	}
	return 0;
}

/* The spec list is filled in, and (ctx non-NULL) has colors. */
static int list_colored(const char *scr, void *ctx, char *why, size_t whyn)
{
	char what[64];

	if (!strstr(scr, "当庁公式ウェブサイト")) {
		snprintf(why, whyn, "the list is not filled in");
		return 0;
	}
	if (ctx && !has_color_sgr(scr, what, sizeof(what))) {
		snprintf(why, whyn, "no colors at all");
		return 0;
	}
	return 1;
}

/* Reverse video somewhere (the title bar, the cursor row). */
static int mono_list(const char *scr, void *ctx, char *why, size_t whyn)
{
	(void)ctx;
	if (!list_colored(scr, NULL, why, whyn))
		return 0;
	if (!strstr(scr, "\033[7m") && !strstr(scr, ";7m")) {
		snprintf(why, whyn, "no reverse video");
		return 0;
	}
	return 1;
}

/* Evidence shown: the status, the gutter bar, underlined words, marks. */
static int mono_evidence(const char *scr, void *ctx, char *why, size_t whyn)
{
	(void)ctx;
	if (!strstr(scr, "evidence 1/") || !strstr(scr, "▌") ||
	    !strstr(scr, "✓")) {
		snprintf(why, whyn, "the evidence is not shown");
		return 0;
	}
	if (!strstr(scr, "\033[4m") && !strstr(scr, ";4m") &&
	    !strstr(scr, ";4;")) {
		snprintf(why, whyn, "the evidence is not underlined");
		return 0;
	}
	return 1;
}

/* NO_COLOR: no colors at all, and still every state (reverse, bold,
 * underline, marks). */
static void test_no_color(void **state)
{
	char *s, what[64];

	(void)state;
	/* A check that can fail: with colors, there are colors. */
	start("", demo, 0);
	free(poll_screen(1, list_colored, "", "no colors without NO_COLOR"));
	quit_clean();

	start("NO_COLOR=1", demo, 0);
	s = poll_screen(1, mono_list, NULL, "the monochrome list is wrong");
	if (has_color_sgr(s, what, sizeof(what)))
		dump_fail(what, s);
	free(s);
	open_spec("給付金オンライン", "specs/ja/benefits-dev.md");
	keys("Tab j Enter");
	s = poll_screen(1, mono_evidence, NULL, "the evidence is not marked");
	if (has_color_sgr(s, what, sizeof(what)))
		dump_fail(what, s);
	free(s);
	quit_clean();
}

/* q quits with status 0 and leaves the terminal as it was. */
static void test_quit_restores_terminal(void **state)
{
	char *s, *out = NULL;

	(void)state;
	start("", demo, 0);
	open_spec("文書管理システム", "specs/ja/archive-dev.md");
	keys("q");
	free(wait_for("STATE"));
	keys("q");
	s = wait_file(exitf, NULL);
	assert_string_equal(s, "EXIT=0\n");
	free(s);
	s = wait_file(sttyf, NULL);
	/* Cooked mode again: canonical input and echo. */
	if (strstr(s, "-icanon") || strstr(s, "-echo ") || !strstr(s, "icanon") ||
	    !strstr(s, " echo "))
		fail_msg("terminal not restored: %s", s);
	free(s);
	assert_int_equal(tmux(&out, "display -p -t sr "
				    "'#{alternate_on} #{cursor_flag} "
				    "#{keypad_flag} #{mouse_any_flag}'"),
			 0);
	/* The alternate screen is left, the cursor shown, the keypad and
	 * the mouse back to normal. */
	assert_string_equal(out, "0 1 0 0\n");
	free(out);
	s = screen(0);
	if (strstr(s, "STATE   "))
		dump_fail("the TUI is still on the screen", s);
	free(s);
}

/* The note in an open editor survives kill -9 and comes back. */
static void test_draft_after_kill9(void **state)
{
	const char *note = "移行時の停止時間を明記";
	char *out = NULL, p[64], comm[512] = "";
	long pid;
	int line = 12;
	FILE *f;

	(void)state;
	start("", demo, 1);
	open_spec("メールシステムのクラウド", "specs/ja/mail-cloud.md");
	/* Line 12 (the front matter lines are short: one row each). */
	keys("g j j j j j j j j j j j a");
	free(wait_for("Note on line 12"));
	type(note);
	wait_draft(note);
	free(wait_for(note));

	assert_int_equal(tmux(&out, "list-panes -t sr -F '#{pane_pid}'"), 0);
	pid = strtol(out, NULL, 10);
	free(out);
	assert_true(pid > 1);
	/* The program (under make valgrind, valgrind running it). */
	snprintf(p, sizeof(p), "/proc/%ld/cmdline", pid);
	if ((f = fopen(p, "r")) != NULL) {
		size_t k, got = fread(comm, 1, sizeof(comm) - 1, f);

		for (k = 0; k < got; k++)
			if (!comm[k])
				comm[k] = ' ';
		comm[got] = '\0';
		fclose(f);
		assert_non_null(strstr(comm, "specreview"));
	}
	assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
	{
		long end = now_ms() + TIMEOUT_MS;

		/* Dead: a zombie (tmux reaps it later) or gone. */
		for (;;) {
			char st[256] = "", *paren;
			FILE *sf;

			snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
			sf = fopen(p, "r");
			if (!sf) {
				if (kill((pid_t)pid, 0) != 0 ||
				    access("/proc/self/stat", R_OK) == 0)
					break;
			} else {
				if (!fgets(st, sizeof(st), sf))
					st[0] = '\0';
				fclose(sf);
				paren = strrchr(st, ')');
				if (paren && (paren[2] == 'Z' || paren[2] == 'X'))
					break;
			}
			if (now_ms() > end)
				fail_msg("the program did not die");
			nap();
		}
	}

	start("", demo, 0);
	open_spec("メールシステムのクラウド", "specs/ja/mail-cloud.md");
	free(wait_for("draft restored"));
	free(poll_screen(0, note_mark, &line, "no ✎ on line 12 after the restore"));
	keys("g j j j j j j j j j j j Enter");
	free(wait_for("line 12: 移行時の停止時間を明記"));
	/* Opening the editor again shows the text that was being typed. */
	keys("a");
	free(wait_all("Note on line 12", note, NULL));
	keys("Escape");
	free(wait_for("specs/ja/mail-cloud.md · "));
	quit_clean();
}

/* Horizontal scrolling (w, then l): every line shows the same columns of
 * its text, also lines with highlighted evidence. */
static void test_hscroll_alignment(void **state)
{
	char *s, *rows[MAXROWS];
	size_t n;
	int i, checked = 0;
	const int skip = 16; /* two presses of l, 8 columns each */

	(void)state;
	start("", demo, 0);
	open_spec("職員向けヘルプデスク", "specs/ja/helpdesk-ops.md");
	/* Jump to evidence so highlighted words are on the screen. */
	keys("Tab j j j Enter");
	free(wait_for("evidence 1/"));
	keys("Tab w");
	free(wait_for("long lines scroll"));
	keys("l l");
	/* Wait for the redraw after the scroll: compare until it matches or
	 * the time is up. */
	{
		long end = now_ms() + TIMEOUT_MS;

		for (;;) {
			int bad = -1;
			char diff[4096] = "";

			s = screen(0);
			n = split_rows(s, rows);
			checked = 0;
			for (i = 1; i < (int)n; i++) {
				char num[8], *src, want[1024], *row;
				int line, col = 0, w = 0;
				size_t k = 0;

				if (!strncmp(rows[i], " checklist:", 11))
					break;
				snprintf(num, sizeof(num), "%.5s", rows[i]);
				if (sscanf(num, "%d", &line) != 1)
					continue;
				src = spec_line(demo, "specs/ja/helpdesk-ops.md",
						line);
				/* Columns [skip, skip + TEXTW) of the text; the
				 * visible half of a cut wide character is a space. */
				want[0] = '\0';
				while (src[k]) {
					uint32_t cp;
					size_t b = dec(src + k, &cp);
					int cw = cpw(cp);
					size_t wl = strlen(want);

					if (col + cw <= skip) {
						/* scrolled off */
					} else if (col < skip) {
						snprintf(want + wl, sizeof(want) - wl, " ");
						w += col + cw - skip;
					} else if (w + cw <= TEXTW) {
						snprintf(want + wl, sizeof(want) - wl,
							 "%.*s", (int)b, src + k);
						w += cw;
					} else {
						break;
					}
					col += cw;
					k += b;
				}
				free(src);
				rtrim(want);
				row = rows[i] + at_col(rows[i], GUTTER);
				rtrim(row);
				checked++;
				if (strcmp(row, want)) {
					bad = i;
					snprintf(diff, sizeof(diff),
						 "line %d\n got: '%.1500s'\n"
						 "want: '%.1023s'\n",
						 line, row, want);
					break;
				}
			}
			if (bad < 0 && checked >= 5)
				break;
			if (now_ms() > end) {
				fputs(diff, stderr);
				dump_fail("horizontally scrolled lines are not "
					  "aligned",
					  s);
			}
			free(s);
			nap();
		}
		free(s);
	}
	quit_clean();
}

/* ---- a repository of odd characters ------------------------------------ */

/* 45 あ (90 columns), a form feed, 10 い: line 6 of specs/odd.md. */
#define CTL_LINE 6
static void ctl_line(char *line, size_t n)
{
	int k;

	line[0] = '\0';
	for (k = 0; k < 45; k++)
		strncat(line, "あ", n - strlen(line) - 1);
	strncat(line, "\f", n - strlen(line) - 1);
	for (k = 0; k < 10; k++)
		strncat(line, "い", n - strlen(line) - 1);
}

/* Lines 7.. of specs/odd.md: each ends in '|' after `cols` columns.
 * Marks after narrow characters, inside a word and not, and after wide
 * ones. */
#define ODD_FIRST 7
static const struct {
	const char *text;
	int cols;
} odd_lines[] = {
	{ "abcde\xcc\x81" "fg|", 7 },                 /* e + combining acute */
	{ "名前e\xcc\x81" "x|", 6 },
	{ "12e\xcc\x81" "3|", 4 },
	{ "the cafe\xcc\x81 is|", 11 },
	{ "\xe3\x81\x8b\xe3\x82\x99\xe3\x81\x8d|", 4 }, /* か + dakuten, き */
	{ "x\xf0\x9f\x98\x80y|", 4 },                 /* x 😀 y */
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9z|", 5 }, /* 👨 ZWJ 👩 z */
	{ "\xe8\x91\x9b\xf3\xa0\x84\x80z|", 3 },      /* 葛 + IVS, z */
};

/* A small repository with one spec of odd characters (made once). */
static const char *odd_repo(void)
{
	static char repo[1100];
	char spec[2048], line[512], p[1200];
	size_t i;

	if (repo[0])
		return repo;
	snprintf(repo, sizeof(repo), "%s/odd", tmp);
	ctl_line(line, sizeof(line));
	/* Short, so that every line is on the first screen. */
	snprintf(spec, sizeof(spec),
		 "---\ntitle: odd characters\nkind: operations\n"
		 "lang: ja\n---\n%s\n", line);
	for (i = 0; i < sizeof(odd_lines) / sizeof(odd_lines[0]); i++) {
		strncat(spec, odd_lines[i].text, sizeof(spec) - strlen(spec) - 2);
		strcat(spec, "\n");
	}
	assert_int_equal(t_run(NULL, NULL, "mkdir -p '%s/specs' && "
					   "git init -q '%s'",
			       repo, repo),
			 0);
	snprintf(p, sizeof(p), "%s/specs/odd.md", repo);
	t_write(p, spec);
	assert_int_equal(t_run(NULL, NULL,
			       "cd '%s' && git add -A && git -c "
			       "user.name=A -c user.email=a@example.com "
			       "commit -q -m odd",
			       repo),
			 0);
	return repo;
}

static void open_odd(void)
{
	start("", odd_repo(), 0);
	free(wait_for("odd characters"));
	keys("Enter");
	free(wait_for("specs/odd.md · "));
}

/* The line with ^L is shown whole, in pieces no wider than the pane. */
static int ctl_ok(const char *scr, void *ctx, char *why, size_t whyn)
{
	const char *shown = ctx;
	char *rows[MAXROWS], got[1024] = "";
	size_t n = split_rows(scr, rows), used = 0;
	int r = row_of_line(rows, n, CTL_LINE), k;

	if (r < 0 || row_of_line(rows, n, CTL_LINE + 1) < 0) {
		snprintf(why, whyn, "line %d is not shown", CTL_LINE);
		return 0;
	}
	for (k = r; k < (int)n; k++) {
		char *piece;

		if (k > r && strncmp(rows[k], "      ", 6))
			break;
		piece = rows[k] + at_col(rows[k], GUTTER);
		rtrim(piece);
		if (strw(piece, strlen(piece)) > TEXTW) {
			snprintf(why, whyn, "a row is wider than the pane");
			return 0;
		}
		used += (size_t)snprintf(got + used, sizeof(got) - used, "%s",
					 piece);
	}
	if (strcmp(got, shown)) {
		snprintf(why, whyn, " got: '%.1000s'\nwant: '%.1000s'", got,
			 shown);
		return 0;
	}
	return 1;
}

/* A control character in a long line is shown as ^X; the line still
 * wraps without losing a character. */
static void test_control_chars_wrap(void **state)
{
	char line[512], shown[600];

	(void)state;
	ctl_line(line, sizeof(line));
	snprintf(shown, sizeof(shown), "%.*s^L%s",
		 (int)(strchr(line, '\f') - line), line,
		 strchr(line, '\f') + 1);
	open_odd();
	free(poll_screen(0, ctl_ok, shown,
			 "characters of a wrapped line with ^L are lost"));
	quit_clean();
}

/* The odd lines are drawn as they are, '|' at the column it belongs. */
static int odd_ok(const char *scr, void *ctx, char *why, size_t whyn)
{
	char *rows[MAXROWS];
	size_t n = split_rows(scr, rows), i;

	(void)ctx;
	for (i = 0; i < sizeof(odd_lines) / sizeof(odd_lines[0]); i++) {
		int r = row_of_line(rows, n, ODD_FIRST + (int)i);
		char *text;

		if (r < 0) {
			snprintf(why, whyn, "line %zu is not shown", ODD_FIRST + i);
			return 0;
		}
		text = rows[r] + at_col(rows[r], GUTTER);
		rtrim(text);
		if (strcmp(text, odd_lines[i].text)) {
			snprintf(why, whyn, "line %zu\n got: '%.200s'\nwant: '%s'",
				 ODD_FIRST + i, text, odd_lines[i].text);
			return 0;
		}
		if (col_of(rows[r], "|") != GUTTER + odd_lines[i].cols) {
			snprintf(why, whyn, "line %zu: '|' at column %d, not %d",
				 ODD_FIRST + i, col_of(rows[r], "|"),
				 GUTTER + odd_lines[i].cols);
			return 0;
		}
	}
	return 1;
}

/* Combining marks stay on their own base character; emoji, joiners and
 * variation selectors do not move what follows them. */
static void test_marks_and_emoji(void **state)
{
	(void)state;
	open_odd();
	free(poll_screen(0, odd_ok, NULL,
			 "a line with marks or emoji is drawn wrong"));
	quit_clean();
}

/*
 * The disk fills up while a review is recorded (tests/faultfs.c makes
 * writes of objects fail once a trigger file exists): the refusal names
 * the cause, the records branch does not move, the draft with the note is
 * kept, and it comes back when the spec is opened again.
 */
static void test_record_on_full_disk_keeps_draft(void **state)
{
	const char *note = "保存期間を確認", *so = getenv("SR_FAULTFS");
	char env[3000], trigger[1100], *before, *after;

	(void)state;
	if (!so)
		fail_msg("SR_FAULTFS is not set: run the tests with make test");
	snprintf(trigger, sizeof(trigger), "%s/disk-full", tmp);
	unlink(trigger);
	snprintf(env, sizeof(env),
		 "LD_PRELOAD=%s ASAN_OPTIONS=${ASAN_OPTIONS}:"
		 "verify_asan_link_order=0 FAULT_PREFIX=/.git/objects/ "
		 "FAULT_ERRNO=ENOSPC FAULT_TRIGGER=%s",
		 so, trigger);
	start(env, demo, 0);
	open_spec("Records and FOIA", "specs/en/records-ops.md");
	keys("g j j j j j j j j j j j a");
	free(wait_for("Note on line "));
	type(note);
	keys("C-d");
	free(wait_for("kept in the draft"));
	wait_draft(note);

	t_write(trigger, "");
	before = records_head();
	keys("R");
	free(wait_for("Record the review: decision"));
	keys("Enter");
	free(wait_for("comment: summary"));
	type("on a full disk");
	keys("C-d");
	free(wait_for("Commit it? y"));
	keys("y");
	free(wait_for("No space left on device"));
	after = records_head();
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_true(draft_has(note));
	keys("Escape");
	quit_clean();

	unlink(trigger);
	start("", demo, 0);
	open_spec("Records and FOIA", "specs/en/records-ops.md");
	free(wait_for("draft restored"));
	quit_clean();
}

/* A file of /proc (whose size says 0), up to 4 KiB; NULL when absent. */
static char *read_proc(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 4097);
	size_t n;

	assert_non_null(buf);
	if (!f) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, 4096, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * Without a UTF-8 locale the screen falls back to ASCII: Japanese titles
 * become '?' (one per column, so the columns stay put), separators and
 * rules their ASCII look-alikes, the coverage bar '#', and no byte of
 * the screen is outside ASCII.
 */
static void test_ascii_without_utf8_locale(void **state)
{
	char *s;
	size_t i;

	(void)state;
	start("LANG=C LC_ALL=C", demo, 0);
	s = wait_all("STATE", "Online Building Permit Portal", "###", NULL);
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] >= 0x80)
			dump_fail("a byte outside ASCII on the screen", s);
	assert_non_null(strstr(s, "????"));
	free(s);
	keys("/");
	type("Online Building Permit Portal");
	keys("Enter Enter");
	s = wait_all("specs/en/permits-dev.md - Online", "-- External attack",
		     "x OS-14 missing", NULL);
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] >= 0x80)
			dump_fail("a byte outside ASCII in the review", s);
	free(s);
	quit_clean();
}

/* A draft that cannot be written (a read-only .git) is said to be so,
 * never reported as kept. */
static void test_unwritable_draft_said(void **state)
{
	const char *so = getenv("SR_FAULTFS");
	char env[3000], *s;

	(void)state;
	if (!so)
		fail_msg("SR_FAULTFS is not set: run the tests with make test");
	snprintf(env, sizeof(env),
		 "LD_PRELOAD=%s ASAN_OPTIONS=${ASAN_OPTIONS}:"
		 "verify_asan_link_order=0 FAULT_PREFIX=/specreview/drafts "
		 "FAULT_ERRNO=EROFS",
		 so);
	start(env, demo, 0);
	open_spec("Online Building Permit Portal", "specs/en/permits-dev.md");
	keys("g j j j a");
	free(wait_for("Note on line "));
	type("not on disk");
	keys("C-d");
	s = wait_for("cannot save the draft");
	if (strstr(s, "kept in the draft"))
		dump_fail("an unsaved note reported as kept", s);
	free(s);
	quit_clean();
}

/*
 * A repository whose spec has terminal escape sequences in its name and
 * title: the screen shows them escaped (^[), and none reaches the
 * terminal (the OSC would have set the window's title).
 */
static void test_hostile_names_on_screen(void **state)
{
	char repo[1100], *s, *out = NULL;

	(void)state;
	snprintf(repo, sizeof(repo), "%s/hostile", tmp);
	assert_int_equal(
	    t_run(NULL, NULL,
		  "mkdir -p '%s/specs' && cd '%s' && git init -q && "
		  "printf '# evil \\033]0;pwned\\007 title\\n\\nThe "
		  "contractor shall keep information confidential.\\n' > "
		  "\"$(printf 'specs/esc\\033]0;pwned\\007.md')\" && "
		  "git add -A && git -c user.name=A -c user.email=a@x "
		  "commit -qm hostile",
		  repo, repo),
	    0);
	start("", repo, 0);
	s = wait_for("specs/esc^[]0;pwned^G.md");
	free(s);
	keys("Enter");
	s = wait_for("# evil ^[]0;pwned^G title");
	free(s);
	assert_int_equal(tmux(&out, "display -p -t sr '#{pane_title}'"), 0);
	assert_null(strstr(out, "pwned"));
	free(out);
	quit_clean();
}

/* The program's pid: the pane's process (started with exec) or its child
 * (started through the shell that writes the exit status). */
static long prog_pid(void)
{
	char *out = NULL, p[128], *kids;
	long pid, child;

	assert_int_equal(tmux(&out, "list-panes -t sr -F '#{pane_pid}'"), 0);
	pid = strtol(out, NULL, 10);
	free(out);
	assert_true(pid > 1);
	snprintf(p, sizeof(p), "/proc/%ld/task/%ld/children", pid, pid);
	kids = read_proc(p);
	child = kids ? strtol(kids, NULL, 10) : 0;
	free(kids);
	return child > 1 ? child : pid;
}

/* Whether process `pid` has ended (gone, or a zombie not yet reaped). */
static int ended(long pid)
{
	char p[64], *st, *paren;
	int dead;

	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	st = read_proc(p);
	if (!st)
		return 1;
	paren = strrchr(st, ')');
	dead = paren && (paren[2] == 'Z' || paren[2] == 'X');
	free(st);
	return dead;
}

/* Opens the note editor on a spec and types `note` (autosaved). */
static void type_note(const char *note)
{
	open_spec("Online Building Permit Portal", "specs/en/permits-dev.md");
	keys("g j j j j j a");
	free(wait_for("Note on line "));
	type(note);
	wait_draft(note);
}

/*
 * SIGINT, SIGTERM and SIGHUP while a note is being typed: the program
 * ends with 128 + the signal, the terminal is as it was (cooked mode,
 * normal screen, cursor shown), and the note is in the draft.
 */
static void test_signals_restore_terminal(void **state)
{
	static const struct {
		int sig;
		const char *exit;
	} sigs[] = {
		{ SIGINT, "EXIT=130\n" },
		{ SIGTERM, "EXIT=143\n" },
		{ SIGHUP, "EXIT=129\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sigs) / sizeof(*sigs); i++) {
		char note[64], *s, *out = NULL;

		snprintf(note, sizeof(note), "signal %d note", sigs[i].sig);
		start("", demo, 0);
		type_note(note);
		assert_int_equal(kill((pid_t)prog_pid(), sigs[i].sig), 0);
		s = wait_file(exitf, NULL);
		assert_string_equal(s, sigs[i].exit);
		free(s);
		s = wait_file(sttyf, NULL);
		if (strstr(s, "-icanon") || strstr(s, "-echo ") ||
		    !strstr(s, "icanon") || !strstr(s, " echo "))
			fail_msg("signal %d: terminal not restored: %s",
				 sigs[i].sig, s);
		free(s);
		assert_int_equal(tmux(&out, "display -p -t sr "
					    "'#{alternate_on} #{cursor_flag}'"),
				 0);
		assert_string_equal(out, "0 1\n");
		free(out);
		assert_true(draft_has(note));
		kill_server();
	}
}

/*
 * The terminal goes away (its window is closed) while a note is being
 * typed: the program ends by itself, soon, and the note is in the draft.
 * Also when SIGHUP does not reach it (blocked here, by a perl wrapper):
 * a hung-up terminal must not leave it spinning on errors.
 */
static void test_closed_terminal(void **state)
{
	static const char *const how[] = {
		"",
		"perl -MPOSIX -e "
		"\"sigprocmask(SIG_BLOCK,POSIX::SigSet->new(SIGHUP));exec@ARGV\" "
		"env",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(how) / sizeof(*how); i++) {
		char note[64];
		long pid, end;

		snprintf(note, sizeof(note), "closed terminal note %zu", i);
		start(how[i], demo, 1);
		type_note(note);
		pid = prog_pid();
		kill_server();
		end = now_ms() + TIMEOUT_MS;
		while (!ended(pid)) {
			if (now_ms() > end) {
				kill((pid_t)pid, SIGKILL);
				fail_msg("%s: the program still runs after its "
					 "terminal was closed",
					 i ? "SIGHUP blocked" : "SIGHUP");
			}
			nap();
		}
		assert_true(draft_has(note));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_needs_a_terminal, teardown),
		cmocka_unit_test_teardown(test_spec_list, teardown),
		cmocka_unit_test_teardown(test_japanese_alignment, teardown),
		cmocka_unit_test_teardown(test_search_across_wrap, teardown),
		cmocka_unit_test_teardown(test_evidence_jump, teardown),
		cmocka_unit_test_teardown(test_annotate_and_record, teardown),
		cmocka_unit_test_teardown(test_refusal_wrong_role, teardown),
		cmocka_unit_test_teardown(test_resize, teardown),
		cmocka_unit_test_teardown(test_no_color, teardown),
		cmocka_unit_test_teardown(test_quit_restores_terminal, teardown),
		cmocka_unit_test_teardown(test_draft_after_kill9, teardown),
		cmocka_unit_test_teardown(test_hscroll_alignment, teardown),
		cmocka_unit_test_teardown(test_control_chars_wrap, teardown),
		cmocka_unit_test_teardown(test_marks_and_emoji, teardown),
		cmocka_unit_test_teardown(test_record_on_full_disk_keeps_draft,
					  teardown),
		cmocka_unit_test_teardown(test_signals_restore_terminal,
					  teardown),
		cmocka_unit_test_teardown(test_closed_terminal, teardown),
		cmocka_unit_test_teardown(test_ascii_without_utf8_locale,
					  teardown),
		cmocka_unit_test_teardown(test_hostile_names_on_screen,
					  teardown),
		cmocka_unit_test_teardown(test_unwritable_draft_said, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
