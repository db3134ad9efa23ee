/*
 * test_i18n.c - the program in Japanese and in English: key commands and
 * a screen of the review TUI run under LANG=ja_JP.UTF-8 and LANG=C.UTF-8
 * (and LC_MESSAGES), asserting on the text each shows; and the catalogue
 * itself: every message the sources mark is translated in po/ja.po, none
 * fuzzy, and the committed po/specreview.pot is the template the sources
 * give now ($SR_POT, extracted by `make test` into the build tree).
 *
 * The Japanese half needs the ja_JP.UTF-8 locale.  Without it the tests
 * fail, saying how to generate it; they never skip.
 *
 * The TUI runs inside tmux as in test_tui.c (a private server, its socket
 * in the temporary directory), every step polling the screen.
 */
#include <locale.h>
#include <time.h>

#include "testutil.h"
#include "testscreen.h"

#define COLS 100
#define ROWS 30
#define TIMEOUT_MS 10000
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static char *tmp;        /* the temporary directory of the whole run */
static char repo[1024];  /* a small specs repository */
static char files[1024]; /* specs and a checklist on disk */
static char conf[1100];  /* tmux configuration */
static char sock[64];    /* tmux -L socket name */

/* How a command is run in each language: the variables a user sets. */
#define JA "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ja_JP.UTF-8"
#define EN "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C.UTF-8"

static const char *const mini_checklist =
	"id: mini\n"
	"version: '1'\n"
	"title: {ja: ミニ, en: Mini}\n"
	"items:\n"
	"  - id: A-1\n"
	"    title: {ja: 秘密保持, en: Confidentiality}\n"
	"    guidance: {ja: 秘密保持を定めること。, en: Require confidentiality.}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      all:\n"
	"        - any: [秘密保持, confidential*]\n"
	"        - any: [開示, disclos*]\n"
	"  - id: A-2\n"
	"    title: {ja: 監査の受入れ, en: Audits}\n"
	"    guidance: {ja: 監査を定めること。, en: Require audits.}\n"
	"    severity: recommended\n"
	"    match:\n"
	"      all:\n"
	"        - any: [監査, audit*]\n";

/* ---- small utilities --------------------------------------------------- */



/* The Japanese half cannot run without the locale: say how to get it. */
static void need_ja(void)
{
	const char *old = setlocale(LC_ALL, NULL);
	char *saved = strdup(old ? old : "C");
	int ok = setlocale(LC_ALL, "ja_JP.UTF-8") != NULL;

	setlocale(LC_ALL, saved);
	free(saved);
	if (!ok)
		fail_msg("the ja_JP.UTF-8 locale is not installed, so the "
			 "Japanese interface cannot be tested: generate it "
			 "(Debian: apt-get install locales; sed -i 's/^# "
			 "*ja_JP.UTF-8/ja_JP.UTF-8/' /etc/locale.gen; "
			 "locale-gen; .ci/run does this)");
}




/* The line of `text` that contains `needle`, as a new string. */
static char *line_with(const char *text, const char *needle)
{
	const char *p = strstr(text, needle), *b, *e;
	char *l;

	if (!p) {
		fprintf(stderr, "---- text ----\n%s---- end ----\n", text);
		fail_msg("no line with '%s' in the text above", needle);
	}
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	l = strndup(b, (size_t)(e - b));
	assert_non_null(l);
	return l;
}

static void has(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		fprintf(stderr, "---- text ----\n%s---- end ----\n", text);
		fail_msg("expected '%s' in the text above", needle);
	}
}

static void lacks(const char *text, const char *needle)
{
	if (strstr(text, needle)) {
		fprintf(stderr, "---- text ----\n%s---- end ----\n", text);
		fail_msg("did not expect '%s' in the text above", needle);
	}
}

/* ---- the command line ----------------------------------------------------- */

static void test_usage_both(void **state)
{
	char *out = NULL;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, NULL, JA " %s --help", t_prog()), 0);
	has(out, "使い方: specreview [--repo DIR]");
	has(out, "コマンド:");
	has(out, "仕様書に必須の情報セキュリティ条項があるか検査する");
	has(out, "終了ステータス:");
	lacks(out, "Commands:");
	free(out);

	assert_int_equal(t_run(&out, NULL, EN " %s --help", t_prog()), 0);
	has(out, "usage: specreview [--repo DIR]");
	has(out, "Commands:");
	has(out, "check specs for the mandatory security clauses");
	lacks(out, "コマンド");
	free(out);

	/* LC_MESSAGES alone chooses the messages' language. */
	assert_int_equal(t_run(&out, NULL,
			       "env -u LC_ALL -u LANGUAGE LANG=C.UTF-8 "
			       "LC_MESSAGES=ja_JP.UTF-8 %s --help",
			       t_prog()),
			 0);
	has(out, "コマンド:");
	free(out);
}

/* The command table's summaries line up whatever their width. */
static void test_usage_aligned(void **state)
{
	char *out = NULL, *a, *b;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, NULL, JA " %s --help", t_prog()), 0);
	a = line_with(out, "  check ");
	b = line_with(out, "  suggest ");
	assert_int_equal(col_of(a, "仕様書に必須"), 13);
	assert_int_equal(col_of(b, "欠けている条項"), 13);
	free(a);
	free(b);
	free(out);
}

static void test_help_check_both(void **state)
{
	char *out = NULL;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, NULL, JA " %s help check", t_prog()), 0);
	has(out, "使い方: specreview check [--ref REF | --worktree]");
	has(out, "仕様書をチェックリストと照合し");
	has(out, "  -f, --format FORMAT   text (既定)、json、sarif、junit");
	has(out, "終了ステータス:");
	free(out);

	assert_int_equal(t_run(&out, NULL, EN " %s help check", t_prog()), 0);
	has(out, "usage: specreview check [--ref REF | --worktree]");
	has(out, "Checks specs against the checklist");
	has(out, "  -f, --format FORMAT   text (default), json, sarif or junit");
	free(out);

	/* check --help says the same. */
	assert_int_equal(t_run(&out, NULL, JA " %s check --help", t_prog()), 0);
	has(out, "仕様書をチェックリストと照合し");
	free(out);
}

static void test_unknown_command_both(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, &err, JA " %s frobnicate", t_prog()), 2);
	assert_string_equal(out, "");
	has(err, "specreview: 不明なコマンド 'frobnicate' です");
	has(err, "'specreview --help' を参照してください。");
	free(out);
	free(err);

	assert_int_equal(t_run(&out, &err, EN " %s frobnicate", t_prog()), 2);
	has(err, "specreview: unknown command 'frobnicate'");
	has(err, "Try 'specreview --help'.");
	free(out);
	free(err);

	/* A usage error of a command points at its help. */
	assert_int_equal(t_run(NULL, &err, JA " %s check --jobs 99 x.md",
			       t_prog()),
			 2);
	has(err, "--jobs には 1 から 16 を指定してください");
	has(err, "'specreview help check' を参照してください。");
	free(err);
}

/* check's text output: the summary, the clause titles from the
 * checklist's own Japanese or English, the engine's diagnostics. */
static void test_check_text_both(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, NULL, JA " %s check --checklist "
					      "'%s/mini.yaml' '%s/gap.md'",
			       t_prog(), files, files),
			 1);
	has(out, "gap.md: 必須 0/1 充足 (一部 1、欠落 1、参照のみ 0)");
	has(out, "A-1 partial: 秘密保持");
	has(out, "A-2 missing: 監査の受入れ (推奨)");
	lacks(out, "Confidentiality");
	free(out);

	assert_int_equal(t_run(&out, NULL, EN " %s check --checklist "
					      "'%s/mini.yaml' '%s/gap.md'",
			       t_prog(), files, files),
			 1);
	has(out, "gap.md: 0/1 mandatory satisfied (partial 1, missing 1, by "
		 "reference 0)");
	has(out, "A-1 partial: Confidentiality");
	has(out, "A-2 missing: Audits (recommended)");
	free(out);

	/* A diagnostic of the engine. */
	assert_int_equal(t_run(&out, &err, JA " %s check --checklist "
					      "'%s/mini.yaml' '%s/none.md'",
			       t_prog(), files, files),
			 2);
	has(err, "none.md: 開けません: ");
	free(out);
	free(err);
	assert_int_equal(t_run(&out, &err, EN " %s check --checklist "
					      "'%s/mini.yaml' '%s/none.md'",
			       t_prog(), files, files),
			 2);
	has(err, "none.md: cannot open: ");
	free(out);
	free(err);

	/* JSON is a machine format: keys and status names stay. */
	assert_int_equal(t_run(&out, NULL, JA " %s check --format json "
					      "--checklist '%s/mini.yaml' "
					      "'%s/gap.md'",
			       t_prog(), files, files),
			 1);
	has(out, "\"status\":\"missing\"");
	has(out, "\"title\":\"Confidentiality\"");
	free(out);
}

/* status: the header in both languages, and aligned with its rows in
 * Japanese (kanji are two columns wide). */
static void test_status_header_both(void **state)
{
	char *out = NULL, *head, *row;

	(void)state;
	need_ja();
	assert_int_equal(t_run(&out, NULL, JA " %s --repo '%s' status",
			       t_prog(), repo),
			 0);
	head = line_with(out, "状態");
	has(head, "充足");
	has(head, "不備");
	has(head, "仕様書");
	has(head, "最終操作");
	row = line_with(out, "specs/a.md");
	assert_int_equal(col_of(head, "仕様書"), col_of(row, "specs/a.md"));
	assert_int_equal(col_of(head, "仕様書"), 32);
	has(out, "(* = その状態になった後に変更あり)");
	free(head);
	free(row);
	free(out);

	assert_int_equal(t_run(&out, NULL, EN " %s --repo '%s' status",
			       t_prog(), repo),
			 0);
	head = line_with(out, "STATE");
	has(head, "COVER");
	has(head, "GAPS");
	has(head, "LAST");
	row = line_with(out, "specs/a.md");
	assert_int_equal(col_of(head, "SPEC"), col_of(row, "specs/a.md"));
	has(out, "(* = changed since that state was reached)");
	free(head);
	free(row);
	free(out);
}

/* roles, verify and sync: the records branch's messages, from the
 * engine (a refusal, a missing remote) and the command (the summary). */
#define ADMIN "GIT_AUTHOR_NAME=Admin GIT_AUTHOR_EMAIL=admin@example.invalid"
#define OTHER "GIT_AUTHOR_NAME=Other GIT_AUTHOR_EMAIL=other@example.invalid"

static void test_records_both(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	need_ja();
	/* The first 'roles add' makes its writer an admin. */
	assert_int_equal(t_run(&out, NULL, JA " " ADMIN " %s --repo '%s' roles "
					      "add admin admin@example.invalid",
			       t_prog(), repo),
			 0);
	has(out, "admin@example.invalid に役割 admin を付与しました");
	free(out);

	assert_int_equal(t_run(NULL, &err, JA " " OTHER " %s --repo '%s' roles "
					      "add reviewer other@example.invalid",
			       t_prog(), repo),
			 1);
	has(err, "specreview: 役割の変更には admin の役割が必要です。"
		 "other@example.invalid は admin ではありません "
		 "(admin: admin@example.invalid)");
	free(err);
	assert_int_equal(t_run(NULL, &err, EN " " OTHER " %s --repo '%s' roles "
					      "add reviewer other@example.invalid",
			       t_prog(), repo),
			 1);
	has(err, "specreview: changing roles needs the admin role; "
		 "other@example.invalid is not an admin "
		 "(admins: admin@example.invalid)");
	free(err);

	assert_int_equal(t_run(&out, NULL, JA " %s --repo '%s' verify",
			       t_prog(), repo),
			 0);
	has(out, ": コミット 1 件、記録 0 件、正しい署名 0 件: 問題なし");
	lacks(out, "commit");
	free(out);
	assert_int_equal(t_run(&out, NULL, EN " %s --repo '%s' verify",
			       t_prog(), repo),
			 0);
	has(out, ": 1 commit, 0 records, 0 good signatures: ok");
	free(out);

	assert_int_equal(t_run(NULL, &err, JA " %s --repo '%s' sync nosuch",
			       t_prog(), repo),
			 2);
	has(err, "リモート 'nosuch' はありません");
	free(err);
}

/* ---- the TUI ---------------------------------------------------------------- */

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

static void kill_server(void)
{
	tmux(NULL, "kill-server");
}

static void keys(const char *k)
{
	assert_int_equal(tmux(NULL, "send-keys -t sr %s", k), 0);
}

static char *screen(void)
{
	char *out = NULL;

	if (tmux(&out, "capture-pane -p -t sr") != 0) {
		free(out);
		return strdup("");
	}
	return out;
}

/* Polls until the screen shows every one of `n` strings; returns it. */
static char *wait_all(const char *const *want, size_t n)
{
	long end = now_ms() + TIMEOUT_MS;
	char *s;
	size_t i;

	for (;;) {
		s = screen();
		for (i = 0; i < n && strstr(s, want[i]); i++)
			;
		if (i == n)
			return s;
		if (now_ms() > end)
			break;
		free(s);
		nap();
	}
	fprintf(stderr, "---- screen ----\n%s---- end ----\n", s);
	fail_msg("timed out waiting for '%s'", want[i]);
	return NULL; /* not reached */
}

/* Starts the program in a new tmux server with `env` (VAR=VALUE words). */
static void start(const char *env)
{
	static int nstarts;
	char *err = NULL;

	kill_server();
	snprintf(sock, sizeof(sock), "i18n%d", ++nstarts);
	if (t_run(NULL, &err, "tmux -u -f '%s' -L %s new-session -d -s sr "
			      "-x %d -y %d 'exec env -u LC_ALL -u LC_MESSAGES "
			      "-u LANGUAGE %s %s --repo %s'",
		  conf, sock, COLS, ROWS, env, t_prog(), repo) != 0)
		fail_msg("tmux new-session failed: %s", err);
	free(err);
}

/* The help screen's columns: keys, action, help, aligned in both. */
static void check_help_columns(const char *scr, const char *a,
			       const char *b, const char *help_a,
			       const char *help_b)
{
	char *la = line_with(scr, a), *lb = line_with(scr, b);

	assert_int_equal(col_of(la, a), col_of(lb, b));
	assert_int_equal(col_of(la, help_a), col_of(lb, help_b));
	free(la);
	free(lb);
}

static void test_tui_both(void **state)
{
	static const char *const ja_list[] = { "仕様書 1 件", "パス順", "状態",
					       "充足率", "仕様書" };
	static const char *const ja_help[] = { "キー (操作表から生成",
					       "カーソルを 1 行上へ",
					       "仕様書を確認する", "ヘルプ" };
	static const char *const ja_review[] = { "チェックリスト: 必須",
						 "下書きに注記 0 件" };
	static const char *const en_list[] = { "1 specs", "sorted by path",
					       "STATE", "COVERAGE", "SPEC" };
	static const char *const en_help[] = { "Keys (from the action table",
					       "Move the cursor up one line",
					       "Sign off the spec", "F1 help" };
	static const char *const en_review[] = { " checklist: ",
						 "0 notes, 0 dispositions" };
	char *s;

	(void)state;
	need_ja();
	start("LANG=ja_JP.UTF-8");
	s = wait_all(ja_list, N_ELEMS(ja_list));
	lacks(s, "STATE");
	free(s);
	keys("'?'");
	s = wait_all(ja_help, N_ELEMS(ja_help));
	check_help_columns(s, "move-up", "sign-off", "カーソルを 1 行上へ",
			   "仕様書を確認する");
	has(s, "?, F1 ヘルプ");
	free(s);
	keys("q");
	keys("Enter");
	s = wait_all(ja_review, N_ELEMS(ja_review));
	free(s);
	kill_server();

	start("LANG=C.UTF-8");
	s = wait_all(en_list, N_ELEMS(en_list));
	lacks(s, "仕様書 1 件");
	free(s);
	keys("'?'");
	s = wait_all(en_help, N_ELEMS(en_help));
	check_help_columns(s, "move-up", "sign-off", "Move the cursor up",
			   "Sign off the spec");
	has(s, "?, F1 help");
	free(s);
	keys("q");
	keys("Enter");
	s = wait_all(en_review, N_ELEMS(en_review));
	free(s);
	kill_server();
}

/* ---- the catalogue -------------------------------------------------------- */

/* Every message the sources mark is translated, none fuzzy; the
 * committed template is the one the sources give. */
static void test_catalogue_complete(void **state)
{
	const char *pot = getenv("SR_POT");
	char *out = NULL, *err = NULL, ja[4200], committed[4200];

	(void)state;
	if (!pot || !*pot)
		fail_msg("SR_POT is not set: run the tests with `make test`, "
			 "which extracts the template from the sources");
	snprintf(ja, sizeof(ja), "%s", t_src("po/ja.po"));
	snprintf(committed, sizeof(committed), "%s",
		 t_src("po/specreview.pot"));
	if (t_run(NULL, NULL, "msgcmp --version") != 0)
		fail_msg("msgcmp is missing: install gettext "
			 "(tools/install-deps)");
	/* Not vacuous: the sources mark a few hundred messages. */
	assert_int_equal(t_run(&out, NULL, "grep -c '^msgid ' '%s'", pot), 0);
	assert_true(atoi(out) > 250);
	free(out);

	if (t_run(NULL, &err, "msgcmp '%s' '%s'", ja, pot) != 0)
		fail_msg("po/ja.po lacks translations of messages in the "
			 "sources (untranslated, fuzzy or missing; `make pot` "
			 "merges the new ones in):\n%s",
			 err);
	free(err);
	if (t_run(NULL, &err, "msgfmt --check -o /dev/null '%s'", ja) != 0)
		fail_msg("po/ja.po does not compile:\n%s", err);
	free(err);
	if (t_run(NULL, &err, "msgcmp --use-untranslated '%s' '%s' && "
			      "msgcmp --use-untranslated '%s' '%s'",
		  committed, pot, pot, committed) != 0)
		fail_msg("po/specreview.pot is out of date with the sources: "
			 "run `make pot`\n%s",
			 err);
	free(err);
	/* msgcmp ignores a fuzzy header and obsolete entries; a fuzzy
	 * flag anywhere is a translation nobody has checked. */
	assert_int_equal(t_run(&out, NULL, "grep -n '^#,.*fuzzy' '%s'", ja), 1);
	free(out);
}

/* ---- setup ------------------------------------------------------------- */

static int group_setup(void **state)
{
	char p[4200], home[1100], *out = NULL, *err = NULL;
	FILE *f;

	(void)state;
	if (t_run(NULL, NULL, "tmux -V") != 0) {
		fprintf(stderr, "test_i18n: tmux is not installed (apt-get "
				"install tmux, or tools/install-deps)\n");
		return -1;
	}
	tmp = t_mkdtemp();
	snprintf(conf, sizeof(conf), "%s/tmux.conf", tmp);
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(repo, sizeof(repo), "%s/repo", tmp);
	snprintf(files, sizeof(files), "%s/files", tmp);
	mkdir(home, 0700);
	mkdir(files, 0700);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	fputs("set -g default-terminal screen\n"
	      "set -g status off\n"
	      "set -g escape-time 0\n",
	      f);
	fclose(f);

	/* No user files, no system git config, no inherited language. */
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", tmp, 1);
	setenv("TMUX_TMPDIR", tmp, 1);
	unsetenv("TMUX");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("NO_COLOR");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("SPECREVIEW_LOCALEDIR"); /* the build tree's catalogue */

	snprintf(p, sizeof(p), "%s/mini.yaml", files);
	t_write(p, mini_checklist);
	snprintf(p, sizeof(p), "%s/gap.md", files);
	t_write(p, "# Spec\n\nThe contractor shall keep information "
		   "confidential.\n");

	snprintf(p, sizeof(p), "%s/specs", repo);
	if (t_run(NULL, NULL, "mkdir -p '%s'", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/specs/a.md", repo);
	t_write(p, "---\ntitle: 文書管理システム運用業務 調達仕様書\n---\n"
		   "# 第1章 概要\n\n受託者は、業務上知り得た情報の秘密を保持し、"
		   "第三者に開示してはならない。\n");
	if (t_run(&out, &err, "git init -q '%s' && git -C '%s' add -A && "
			      "git -C '%s' -c user.name=test "
			      "-c user.email=test@example.invalid "
			      "commit -qm specs",
		  repo, repo, repo) != 0) {
		fprintf(stderr, "test_i18n: cannot make the repository:\n%s%s\n",
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_both),
		cmocka_unit_test(test_usage_aligned),
		cmocka_unit_test(test_help_check_both),
		cmocka_unit_test(test_unknown_command_both),
		cmocka_unit_test(test_check_text_both),
		cmocka_unit_test(test_status_header_both),
		cmocka_unit_test(test_records_both),
		cmocka_unit_test(test_tui_both),
		cmocka_unit_test(test_catalogue_complete),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
