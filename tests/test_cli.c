/*
 * test_cli.c - the program as users run it: options, exit codes, error
 * messages with positions, and the machine-readable formats.
 */
#include "testutil.h"
#include "jsonv.h"

static char *dir;

static const char *const mini_checklist =
	"id: mini\n"
	"version: '1'\n"
	"title: {ja: ミニ, en: Mini}\n"
	"items:\n"
	"  - id: A-1\n"
	"    title: {ja: 秘密保持, en: Confidentiality}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      all:\n"
	"        - any: [秘密保持, confidential*]\n"
	"        - any: [開示, disclos*]\n"
	"  - id: A-2\n"
	"    title: {ja: 監査, en: Audit}\n"
	"    severity: recommended\n"
	"    match:\n"
	"      all:\n"
	"        - any: [監査, audit*]\n";

static int setup(void **state)
{
	char p[4200];

	(void)state;
	dir = t_mkdtemp();
	snprintf(p, sizeof(p), "%s/mini.yaml", dir);
	t_write(p, mini_checklist);
	snprintf(p, sizeof(p), "%s/good.md", dir);
	t_write(p, "---\ntitle: 良い仕様書\n---\n# 仕様\n\n受託者は、秘密保持のため、"
		   "知り得た情報を第三者に開示してはならない。\n\n監査を受け入れること。\n");
	snprintf(p, sizeof(p), "%s/gap.md", dir);
	t_write(p, "# Spec\n\nThe contractor shall keep information confidential.\n");
	snprintf(p, sizeof(p), "%s/bin.md", dir);
	{
		FILE *f = fopen(p, "wb");
		assert_non_null(f);
		fwrite("\x7f" "ELF\0\0\0binary", 1, 13, f);
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/broken.yaml", dir);
	t_write(p, "id: broken\nversion: '1'\ntitle: {ja: x, en: x}\nitems:\n"
		   "  - id: B-1\n    title: {ja: x, en: x}\n    severty: mandatory\n"
		   "    match:\n      all:\n        - any: []\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	t_rm_rf(dir);
	free(dir);
	return 0;
}

static void test_version_and_help(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s --version", t_prog()), 0);
	assert_non_null(strstr(out, "specreview "));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s --help", t_prog()), 0);
	assert_non_null(strstr(out, "check"));
	assert_non_null(strstr(out, "lint"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s help check", t_prog()), 0);
	assert_non_null(strstr(out, "--format"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s check --help", t_prog()), 0);
	assert_non_null(strstr(out, "usage: specreview check"));
	free(out);
}

static void test_unknown_command_and_option(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(t_run(NULL, &err, "%s frobnicate", t_prog()), 2);
	assert_non_null(strstr(err, "unknown command 'frobnicate'"));
	assert_non_null(strstr(err, "Try 'specreview --help'"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s --frob", t_prog()), 2);
	assert_non_null(strstr(err, "Try 'specreview --help'"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s check --frob x.md", t_prog()), 2);
	assert_non_null(strstr(err, "Try 'specreview help check'"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s check --format yaml x.md", t_prog()), 2);
	assert_non_null(strstr(err, "unknown format 'yaml'"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s help frob", t_prog()), 2);
	free(err);
}

static void test_lint_shipped_checklist(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(t_run(&out, &err, "%s lint %s", t_prog(),
			       t_src("checklists/outsourcing-security.yaml")),
			 0);
	assert_non_null(strstr(out, "ok (28 items"));
	free(out);
	free(err);
}

static void test_lint_reports_every_problem(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(t_run(NULL, &err, "%s lint %s/broken.yaml", t_prog(), dir), 1);
	/* The misspelt key and the empty group, each with its position; the
	 * missing severity is reported at the item. */
	assert_non_null(strstr(err, "broken.yaml:7:5: unknown key 'severty' (did you mean 'severity'?)"));
	assert_non_null(strstr(err, "broken.yaml:10:16:"));
	assert_non_null(strstr(err, "missing required key 'severity'"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s lint %s/nothing.yaml", t_prog(), dir), 2);
	assert_non_null(strstr(err, "nothing.yaml"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s lint", t_prog()), 2);
	free(err);
}

static void test_check_exit_codes(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s check -c %s/mini.yaml %s/good.md",
			       t_prog(), dir, dir), 0);
	assert_non_null(strstr(out, "good.md: 1/1 mandatory satisfied"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s check -c %s/mini.yaml %s/gap.md",
			       t_prog(), dir, dir), 1);
	/* The partial item points at the sentence that came closest. */
	assert_non_null(strstr(out, "gap.md:3:1: A-1 partial: Confidentiality"));
	assert_non_null(strstr(out, "A-2 missing: Audit (recommended)"));
	assert_null(strstr(out, "\033[")); /* no color when piped */
	free(out);
	/* A binary file is reported and skipped; the others are checked. */
	assert_int_equal(t_run(&out, &err, "%s check -c %s/mini.yaml %s/bin.md %s/good.md",
			       t_prog(), dir, dir, dir), 2);
	assert_non_null(strstr(err, "bin.md"));
	assert_non_null(strstr(out, "good.md: 1/1 mandatory satisfied"));
	free(out);
	free(err);
	assert_int_equal(t_run(NULL, &err, "%s check -c %s/mini.yaml %s/none.md",
			       t_prog(), dir, dir), 2);
	assert_non_null(strstr(err, "none.md"));
	free(err);
	/* Nothing named outside a repository: nothing to check. */
	assert_int_equal(t_run(NULL, &err, "cd %s && %s check", dir, t_prog()), 2);
	assert_non_null(strstr(err, "not a git repository"));
	free(err);
}

static void test_check_json(void **state)
{
	char *out = NULL;
	const char *p;
	int n = 0;

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s check -f json -c %s/mini.yaml %s/bin.md %s/good.md %s/gap.md",
			       t_prog(), dir, dir, dir, dir), 2);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"version\":1"));
	/* Every item for every readable spec, in checklist order. */
	for (p = out; (p = strstr(p, "\"item\":\"A-")); p++)
		n++;
	assert_int_equal(n, 4);
	assert_non_null(strstr(out, "\"title\":\"良い仕様書\""));
	assert_non_null(strstr(out, "\"summary\":{\"items\":2,\"applicable\":2,\"mandatory\":1,"
				    "\"mandatory_satisfied\":1,\"satisfied\":2"));
	assert_non_null(strstr(out, "\"errors\":[{\"path\":"));
	free(out);
}

static void test_check_sarif_and_junit(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s check -f sarif -c %s/mini.yaml %s/good.md %s/gap.md",
			       t_prog(), dir, dir, dir), 1);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"version\":\"2.1.0\""));
	assert_non_null(strstr(out, "\"ruleId\":\"A-1\""));
	assert_non_null(strstr(out, "\"startLine\":3"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s check -f junit -c %s/mini.yaml %s/good.md %s/gap.md",
			       t_prog(), dir, dir, dir), 1);
	assert_true(xml_balanced(out));
	assert_non_null(strstr(out, "<failure message=\"partial\""));
	free(out);
}

static void test_check_directory_and_builtin(void **state)
{
	char *out = NULL;

	(void)state;
	/* Without --checklist the built-in checklist is used, from any
	 * directory. */
	assert_int_equal(t_run(&out, NULL, "cd / && %s check -f json %s", t_prog(), dir), 2);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"id\":\"outsourcing-security\""));
	assert_non_null(strstr(out, "good.md"));
	assert_non_null(strstr(out, "gap.md"));
	free(out);
}

/*
 * A directory is walked whole, nested directories and links to them too,
 * without hidden entries or files that are not specs, and its specs are
 * checked in byte order of their paths, whatever order the directory
 * lists them in.
 */
static void test_check_walks_directory_in_order(void **state)
{
	static const char *const want[] = {
		"tree/Z.md\"", "tree/a.md\"", "tree/b.txt\"", "tree/link/c.md\"",
		"tree/sub/c.md\"", "tree/sub/deeper/d.markdown\"",
	};
	char *out = NULL;
	const char *at = NULL;
	size_t i;

	(void)state;
	assert_int_equal(t_run(NULL, NULL, "cd %s && mkdir -p tree/sub/deeper tree/.hid && "
			       "for f in b.txt sub/c.md a.md .dot.md .hid/h.md notes.yaml "
			       "sub/deeper/d.markdown Z.md; do echo '# T' > tree/$f; done && "
			       "ln -s sub tree/link", dir), 0);
	assert_int_equal(t_run(&out, NULL, "cd %s && %s check -f json tree", dir, t_prog()),
			 1);
	assert_true(json_valid(out));
	for (i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const char *p = strstr(out, want[i]);

		assert_non_null(p);
		assert_true(!at || p > at);
		at = p;
	}
	assert_null(strstr(out, "dot.md"));
	assert_null(strstr(out, "h.md"));
	assert_null(strstr(out, "notes.yaml"));
	free(out);
}

/*
 * Output of many specs goes out in whole pages with the rest held back:
 * every spec is in it once, in order; a full disk is an error, not a
 * silent loss.
 */
static void test_check_output_whole(void **state)
{
	char *out = NULL, *err = NULL;
	char want[64];
	const char *p = NULL;
	int i;

	(void)state;
	assert_int_equal(t_run(NULL, NULL, "cd %s && mkdir -p many && for i in $(seq 100 399); do "
			       "cp good.md many/$i.md; done", dir), 0);
	/* Some 300 KB of JSON: several writes, most of them not ending a
	 * spec's part. */
	assert_int_equal(t_run(&out, NULL, "cd %s && %s check -j2 -f json many", dir, t_prog()),
			 1);
	assert_true(strlen(out) > 4 * 65536);
	assert_true(json_valid(out));
	for (i = 100; i < 400; i++) {
		snprintf(want, sizeof(want), "\"path\":\"many/%d.md\"", i);
		p = strstr(p ? p : out, want);
		assert_non_null(p);
		assert_null(strstr(p + 1, want));
	}
	free(out);
	assert_int_equal(t_run(NULL, &err, "cd %s && %s check -f json many >/dev/full", dir, t_prog()),
			 2);
	assert_non_null(strstr(err, "cannot write output"));
	free(err);
}

/* new writes every kind and language, and the result checks clean. */
static void test_new_round_trips(void **state)
{
	static const char *const kinds[] = { "development", "operations", "cloud" };
	static const char *const langs[] = { "ja", "en" };
	char *out = NULL, *err = NULL;
	size_t k, l;

	(void)state;
	for (k = 0; k < 3; k++)
		for (l = 0; l < 2; l++) {
			assert_int_equal(t_run(&out, &err, "cd %s && %s new --kind %s --lang %s "
					       "--title 'T' n-%s-%s.md && %s check n-%s-%s.md",
					       dir, t_prog(), kinds[k], langs[l], kinds[k],
					       langs[l], t_prog(), kinds[k], langs[l]),
					 0);
			assert_non_null(strstr(out, "missing 0"));
			assert_non_null(strstr(out, "partial 0"));
			free(out);
			free(err);
		}
	/* Never overwrites. */
	assert_int_equal(t_run(NULL, &err, "cd %s && %s new --kind cloud n-cloud-ja.md",
			       dir, t_prog()), 2);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	assert_int_equal(t_run(NULL, &err, "cd %s && %s new --kind nope x.md", dir,
			       t_prog()), 2);
	assert_non_null(strstr(err, "unknown kind 'nope'"));
	free(err);
}

/* suggest gives the chapter and the model wording of each gap. */
static void test_suggest(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(t_run(&out, NULL, "%s suggest %s/gap.md", t_prog(), dir), 0);
	assert_non_null(strstr(out, "OS-05 missing"));
	assert_non_null(strstr(out, "belongs in: 第4章"));
	assert_non_null(strstr(out, "templates/clauses/OS-05.ja.md"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s suggest --format json --lang en %s/gap.md",
			       t_prog(), dir), 0);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"section\":\"4. Security Requirements\""));
	free(out);
}

/* A hostile file name never reaches the terminal raw. */
static void test_hostile_names_escaped(void **state)
{
	char path[4200], *out = NULL, *err = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/evil\033[2Jname.md", dir);
	t_write(path, "# x\n");
	assert_int_equal(t_run(&out, &err, "%s check -c %s/mini.yaml %s/evil*name.md",
			       t_prog(), dir, dir), 1);
	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "evil\\x1b[2Jname.md: 0/1"));
	free(out);
	free(err);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_help),
		cmocka_unit_test(test_unknown_command_and_option),
		cmocka_unit_test(test_lint_shipped_checklist),
		cmocka_unit_test(test_lint_reports_every_problem),
		cmocka_unit_test(test_check_exit_codes),
		cmocka_unit_test(test_check_json),
		cmocka_unit_test(test_check_sarif_and_junit),
		cmocka_unit_test(test_check_directory_and_builtin),
		cmocka_unit_test(test_check_walks_directory_in_order),
		cmocka_unit_test(test_check_output_whole),
		cmocka_unit_test(test_new_round_trips),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_hostile_names_escaped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
