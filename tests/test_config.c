/*
 * test_config.c - `.specreview.yaml`: defaults, a full file, every kind of
 * problem with its exact position, and the glob matcher.
 */
#include "testutil.h"

#include "config.h"
#include "error.h"
#include "strbuf.h"
#include "util.h"

/* Parses `yaml` on top of the defaults; returns the code. */
static int parse(struct sr_config *c, struct sr_error *err, const char *yaml)
{
	assert_int_equal(config_init(c), 0);
	return config_parse(c, yaml, strlen(yaml), ".specreview.yaml", err);
}

static void assert_diag(const struct sr_error *err, size_t i, int line, int col,
			const char *needle)
{
	assert_true(i < err->n);
	if (!strstr(err->diags[i].msg, needle))
		fail_msg("diagnostic %zu is '%s', wanted '%s'", i,
			 err->diags[i].msg, needle);
	assert_string_equal(err->diags[i].path, ".specreview.yaml");
	assert_int_equal(err->diags[i].line, line);
	assert_int_equal(err->diags[i].col, col);
}

static void test_defaults(void **state)
{
	struct sr_config c;
	char *ref;

	(void)state;
	assert_int_equal(config_init(&c), 0);
	assert_int_equal(c.nspecs, 2);
	assert_string_equal(c.specs[0], "specs/**/*.md");
	assert_string_equal(c.specs[1], "specs/**/*.txt");
	assert_int_equal(c.nchecklists, 0);
	assert_int_equal(c.checklists_set, 0);
	assert_string_equal(c.records_branch, "specreview/records");
	assert_int_equal(c.ndictionaries, 1);
	assert_null(c.words);
	ref = config_records_ref(&c);
	assert_string_equal(ref, "refs/heads/specreview/records");
	free(ref);
	assert_true(config_is_spec(&c, "specs/a.md"));
	assert_true(config_is_spec(&c, "specs/ja/sub/b.txt"));
	assert_false(config_is_spec(&c, "specs/a.pdf"));
	assert_false(config_is_spec(&c, "README.md"));
	assert_false(config_is_spec(&c, "other/specs/a.md"));
	config_release(&c);
	config_release(&c); /* released twice is harmless */
}

static void test_empty_files(void **state)
{
	static const char *const inputs[] = {"", "\n", "# nothing\n", "---\n",
					     "~\n"};
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(inputs); i++) {
		assert_int_equal(parse(&c, &err, inputs[i]), 0);
		assert_int_equal(err.n, 0);
		assert_int_equal(c.nspecs, 2);
		config_release(&c);
	}
}

static void test_full(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;
	char *ref;

	(void)state;
	assert_int_equal(parse(&c, &err,
			       "# settings\n"
			       "specs:\n"
			       "  - \"調達/**/*.md\"\n"
			       "  - docs/spec-?.txt\n"
			       "checklists: [lists/a.yaml, lists/b.yaml]\n"
			       "records_branch: review/records\n"
			       "dictionaries: []\n"
			       "words: lists/words.dic\n"),
			 0);
	assert_int_equal(err.n, 0);
	assert_int_equal(c.nspecs, 2);
	assert_string_equal(c.specs[0], "調達/**/*.md");
	assert_string_equal(c.specs[1], "docs/spec-?.txt");
	assert_int_equal(c.nchecklists, 2);
	assert_string_equal(c.checklists[1], "lists/b.yaml");
	assert_int_equal(c.checklists_set, 1);
	assert_int_equal(c.ndictionaries, 0);
	assert_string_equal(c.words, "lists/words.dic");
	ref = config_records_ref(&c);
	assert_string_equal(ref, "refs/heads/review/records");
	free(ref);
	assert_true(config_is_spec(&c, "調達/2026/仕様書.md"));
	assert_true(config_is_spec(&c, "docs/spec-1.txt"));
	assert_false(config_is_spec(&c, "specs/a.md"));
	config_release(&c);
}

static void test_unknown_key(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;

	(void)state;
	assert_int_equal(parse(&c, &err,
			       "specs: [a/*.md]\n"
			       "  \n"
			       "record_branch: x\n"
			       "colour: blue\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 2);
	assert_diag(&err, 0, 3, 1,
		    "unknown key 'record_branch' (did you mean "
		    "'records_branch'?)");
	assert_diag(&err, 1, 4, 1, "unknown key 'colour'");
	assert_null(strstr(err.diags[1].msg, "did you mean"));
	/* A file with errors changes nothing. */
	assert_string_equal(c.specs[0], "specs/**/*.md");
	config_release(&c);
	sr_error_release(&err);
}

static void test_wrong_types(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;

	(void)state;
	assert_int_equal(parse(&c, &err,
			       "specs: specs/*.md\n"
			       "checklists:\n"
			       "  - a.yaml\n"
			       "  - {x: 1}\n"
			       "  - [b]\n"
			       "records_branch: [a, b]\n"
			       "words:\n"
			       "dictionaries: {en: US}\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 6);
	assert_diag(&err, 0, 1, 8,
		    "'specs' must be a list of strings, not a string");
	assert_diag(&err, 1, 4, 5,
		    "'checklists' entries must be strings, not a mapping");
	assert_diag(&err, 2, 5, 5,
		    "'checklists' entries must be strings, not a list");
	assert_diag(&err, 3, 6, 17,
		    "'records_branch' must be a string, not a list");
	assert_diag(&err, 4, 7, 7, "'words' must be a string, not null");
	assert_diag(&err, 5, 8, 15,
		    "'dictionaries' must be a list of strings, not a mapping");
	config_release(&c);
	sr_error_release(&err);
}

static void test_bad_values(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;

	(void)state;
	assert_int_equal(parse(&c, &err,
			       "specs: ['/abs/*.md', '', 'a/[bc.md']\n"
			       "records_branch: 'bad..name'\n"
			       "checklists: [../outside.yaml]\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 5);
	assert_diag(&err, 0, 1, 9, "drop the leading '/'");
	assert_diag(&err, 1, 1, 22, "empty glob");
	assert_diag(&err, 2, 1, 26, "unterminated '['");
	assert_diag(&err, 3, 2, 17, "not a valid branch name");
	assert_diag(&err, 4, 3, 14, "'..' leaves the repository");
	config_release(&c);
	sr_error_release(&err);
}

static void test_structure(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;

	(void)state;
	/* Duplicate key, then a non-scalar key. */
	assert_int_equal(parse(&c, &err,
			       "words: a.dic\n"
			       "words: b.dic\n"
			       "? [x]\n"
			       ": 1\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 2);
	assert_diag(&err, 0, 2, 1, "duplicate key 'words' (first on line 1)");
	assert_diag(&err, 1, 3, 3, "a key must be a plain name, not a list");
	config_release(&c);
	sr_error_release(&err);

	/* Not a mapping. */
	assert_int_equal(parse(&c, &err, "- specs\n"), SR_EPARSE);
	assert_int_equal(err.n, 1);
	assert_diag(&err, 0, 1, 1,
		    "expected a mapping of settings, not a list");
	config_release(&c);
	sr_error_release(&err);

	/* Two documents. */
	assert_int_equal(parse(&c, &err, "words: a\n---\nwords: b\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 1);
	assert_diag(&err, 0, 2, 1, "only one YAML document");
	config_release(&c);
	sr_error_release(&err);

	/* Aliases. */
	assert_int_equal(parse(&c, &err,
			       "specs: &s [a/*.md]\n"
			       "checklists: *s\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 1);
	assert_diag(&err, 0, 2, 13, "aliases are not supported");
	config_release(&c);
	sr_error_release(&err);
}

static void test_syntax_error(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;

	(void)state;
	assert_int_equal(parse(&c, &err,
			       "specs: [a/*.md\n"
			       "words: x\n"),
			 SR_EPARSE);
	assert_true(err.n >= 1);
	assert_non_null(strstr(err.diags[0].msg, "syntax error"));
	assert_true(err.diags[0].line >= 1);
	assert_true(err.diags[0].col >= 1);
	config_release(&c);
	sr_error_release(&err);

	/* Bad UTF-8: the reader's byte offset becomes line:col. */
	assert_int_equal(parse(&c, &err, "words: ok\nspecs: [\"a\xff\"]\n"),
			 SR_EPARSE);
	assert_int_equal(err.n, 1);
	assert_diag(&err, 0, 2, 11, "syntax error");
	config_release(&c);
	sr_error_release(&err);

	/* A tab where indentation is expected, at its exact place. */
	assert_int_equal(parse(&c, &err, "specs:\n\t- a\n"), SR_EPARSE);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diags[0].line, 2);
	config_release(&c);
	sr_error_release(&err);
}

static void test_every_problem_counted(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct sr_config c;
	int i;

	(void)state;
	for (i = 0; i < 150; i++)
		strbuf_addf(&sb, "k%d: 1\n", i);
	assert_int_equal(parse(&c, &err, sb.buf), SR_EPARSE);
	assert_int_equal(err.n, 101);
	assert_non_null(strstr(err.diags[100].msg, "too many errors"));
	config_release(&c);
	sr_error_release(&err);
	strbuf_release(&sb);
}

struct glob_case {
	const char *pattern, *path;
	int match;
};

static void test_glob(void **state)
{
	static const struct glob_case cases[] = {
	    {"specs/**/*.md", "specs/a.md", 1},
	    {"specs/**/*.md", "specs/x/y/z/a.md", 1},
	    {"specs/**/*.md", "specs/a.txt", 0},
	    {"specs/**/*.md", "specsx/a.md", 0},
	    {"specs/**/*.md", "a/specs/a.md", 0},
	    {"specs/*.md", "specs/x/a.md", 0},
	    {"specs/*.md", "specs/.md", 1},
	    {"**/*.md", "a.md", 1},
	    {"**/*.md", "a/b/c.md", 1},
	    {"**", "a/b", 1},
	    {"specs/**", "specs/a/b", 1},
	    {"specs/**", "specs", 0},
	    {"a/**/b/**/c", "a/b/c", 1},
	    {"a/**/b/**/c", "a/x/b/y/z/c", 1},
	    {"a/**/b/**/c", "a/x/y/c", 0},
	    {"*.md", "a.md", 1},
	    {"*.md", "d/a.md", 0},
	    {"a?c", "abc", 1},
	    {"a?c", "a/c", 0},
	    {"a?c", "aあc", 1},
	    {"a??c", "aあc", 0},
	    {"*??", "あ", 0},
	    {"[abc].md", "b.md", 1},
	    {"[!abc].md", "b.md", 0},
	    {"[^abc].md", "d.md", 1},
	    {"[a-c]x", "bx", 1},
	    {"[a-c]x", "dx", 0},
	    {"[]]x", "]x", 1},
	    {"[あ-お]", "え", 1},
	    {"[あ-お]", "か", 0},
	    {"a\\*", "a*", 1},
	    {"a\\*", "ab", 0},
	    {"*a*b*c*", "xaybzc", 1},
	    {"*a*b*c*", "xaybz", 0},
	    {"仕様/**/*.md", "仕様/第1章/本文.md", 1},
	    {"a[", "a[", 1},
	    {"a**b", "axxb", 1},
	    {"a**b", "ax/xb", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		int got = config_glob_match(cases[i].pattern, cases[i].path);

		if (got != cases[i].match)
			fail_msg("glob '%s' on '%s': %d, wanted %d",
				 cases[i].pattern, cases[i].path, got,
				 cases[i].match);
	}
}

static void test_glob_pathological(void **state)
{
	struct strbuf p = STRBUF_INIT, s = STRBUF_INIT;
	int i;

	(void)state;
	/* Many ** and stars: polynomial, not exponential. */
	for (i = 0; i < 30; i++)
		strbuf_addstr(&p, "**/");
	strbuf_addstr(&p, "*a*a*a*a*a*a*a*b");
	for (i = 0; i < 40; i++)
		strbuf_addstr(&s, "d/");
	strbuf_addchars(&s, 'a', 200);
	assert_false(config_glob_match(p.buf, s.buf));
	strbuf_addch(&s, 'b');
	assert_true(config_glob_match(p.buf, s.buf));
	strbuf_release(&p);
	strbuf_release(&s);
}

static void test_full_ref(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct sr_config c;
	char *ref;

	(void)state;
	assert_int_equal(parse(&c, &err, "records_branch: refs/review/x\n"), 0);
	ref = config_records_ref(&c);
	assert_string_equal(ref, "refs/review/x");
	free(ref);
	config_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_empty_files),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_syntax_error),
	    cmocka_unit_test(test_every_problem_counted),
	    cmocka_unit_test(test_glob),
	    cmocka_unit_test(test_glob_pathological),
	    cmocka_unit_test(test_full_ref),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
