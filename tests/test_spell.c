/*
 * test_spell.c - spelling and inflections (src/spell.c) on the tiny test
 * dictionary in tests/data/spell/, so that results do not depend on the
 * installed word lists; one test against the installed en_US; and the
 * `spell` command and `check --spell` through the program.
 */
#include "testutil.h"
#include "testrepo.h"

#include "builtin.h"
#include "check.h"
#include "checklist.h"
#include "error.h"
#include "match.h"
#include "spell.h"
#include "strbuf.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

/* The tiny dictionary, without the built-in word list. */
static struct spell *tiny(void)
{
	char *dicts[1];
	struct spell_opts o;
	struct sr_error err = SR_ERROR_INIT;
	struct spell *s = NULL;
	int ret;

	memset(&o, 0, sizeof(o));
	dicts[0] = (char *)t_src("tests/data/spell/tiny");
	o.dicts = dicts;
	o.ndicts = 1;
	ret = spell_open(&s, &o, &err);
	if (ret < 0)
		fail_msg("spell_open: %s", err.n ? err.diags[0].msg : "?");
	sr_error_release(&err);
	return s;
}

/* Misspelt words of `text`, as "word@line:col" separated by spaces. */
static char *misses(struct spell *s, const char *text)
{
	struct spell_result r = SPELL_RESULT_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	assert_int_equal(spell_check_text(s, text, strlen(text), 0, &r), 0);
	for (i = 0; i < r.n; i++)
		strbuf_addf(&sb, "%s%s@%d:%d", i ? " " : "", r.v[i].word,
			    r.v[i].line, r.v[i].col);
	spell_result_release(&r);
	return strbuf_detach(&sb, NULL);
}

#define assert_misses(s, text, expected)                                     \
	do {                                                                 \
		char *got_ = misses((s), (text));                            \
		assert_string_equal(got_, (expected));                       \
		free(got_);                                                  \
	} while (0)

/* ---- dictionaries ------------------------------------------------------ */

static void test_words_and_suggestions(void **state)
{
	struct spell *s = tiny();
	struct spell_result r = SPELL_RESULT_INIT;
	const char *text = "The contracter shall not subcontract any part of "
			   "the work.\n";

	(void)state;
	assert_int_equal(spell_check_text(s, text, strlen(text), SPELL_SUGGEST,
					  &r),
			 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].word, "contracter");
	assert_int_equal(r.v[0].line, 1);
	assert_int_equal(r.v[0].col, 5);
	assert_int_equal(r.v[0].end_col, 15);
	assert_int_equal(r.v[0].start, 4);
	assert_int_equal(r.v[0].end, 14);
	/* One letter away, in Hunspell's order: the wrong letter first. */
	assert_true(r.v[0].nsuggestions >= 2);
	assert_string_equal(r.v[0].suggestions[0], "contractor");
	assert_string_equal(r.v[0].suggestions[1], "contracted");
	spell_result_release(&r);
	/* Case as Hunspell has it; affixed forms. */
	assert_misses(s, "SUBCONTRACT Subcontracted reports audits", "");
	spell_free(s);
}

static void test_missing_dictionary(void **state)
{
	char *dicts[] = { "xx_NOPE" };
	struct spell_opts o;
	struct sr_error err = SR_ERROR_INIT;
	struct spell *s = (struct spell *)&o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.dicts = dicts;
	o.ndicts = 1;
	setenv("DICPATH", "/nonexistent-dir", 1);
	assert_int_equal(spell_open(&s, &o, &err), SR_ENOTFOUND);
	assert_null(s);
	assert_int_equal(err.n, 1);
	/* The message names the dictionary and where it was looked for. */
	assert_non_null(strstr(err.diags[0].msg, "xx_NOPE"));
	assert_non_null(strstr(err.diags[0].msg, "/nonexistent-dir/xx_NOPE.dic"));
	assert_non_null(strstr(err.diags[0].msg, "/usr/share/hunspell/xx_NOPE.dic"));
	sr_error_release(&err);
	unsetenv("DICPATH");
}

static void test_dicpath(void **state)
{
	char *dicts[] = { "tiny" };
	struct spell_opts o;
	struct sr_error err = SR_ERROR_INIT;
	struct spell *s = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.dicts = dicts;
	o.ndicts = 1;
	setenv("DICPATH", t_src("tests/data/spell"), 1);
	assert_int_equal(spell_open(&s, &o, &err), 0);
	unsetenv("DICPATH");
	assert_misses(s, "the agency", "");
	spell_free(s);
	sr_error_release(&err);
}

/* ---- what is checked ----------------------------------------------------- */

static void test_japanese_only(void **state)
{
	struct spell *s = tiny();

	(void)state;
	assert_misses(s,
		      "# 第1章 総則\n\n"
		      "受注者は、本業務の実施に当たり知り得た情報を第三者に開示し"
		      "てはならない。\n"
		      "１．再委託の禁止　ＩＳＭＡＰ（イスマップ）に登録された"
		      "クラウドサービスを利用すること。\n"
		      "| 項目 | 内容 |\n|---|---|\n| 稼働率 | ９９．９％ |\n",
		      "");
	/* Latin words written against Japanese belong to it. */
	assert_misses(s, "受注者はzzqxに登録すること。Webサイト", "");
	spell_free(s);
}

static void test_positions_after_multibyte(void **state)
{
	struct spell *s = tiny();
	struct spell_result r = SPELL_RESULT_INIT;
	/* 受注者は、 is 5 code points and 15 bytes; é is 2 bytes. */
	const char *text = "the data\n受注者は、 the zzqx and résumé "
			   "qqxz\n\t\xf0\x9f\x98\x80 zzqx\n";

	(void)state;
	assert_int_equal(spell_check_text(s, text, strlen(text), 0, &r), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.v[0].word, "zzqx");
	assert_int_equal(r.v[0].line, 2);
	assert_int_equal(r.v[0].col, 11);
	assert_int_equal(r.v[0].end_col, 15);
	assert_int_equal(r.v[0].start, 9 + 15 + 5);
	assert_memory_equal(text + r.v[0].start, "zzqx", 4);
	assert_string_equal(r.v[1].word, "résumé");
	assert_int_equal(r.v[1].col, 20);
	assert_int_equal(r.v[1].end_col, 26);
	assert_int_equal(r.v[1].end - r.v[1].start, 8);
	assert_string_equal(r.v[2].word, "qqxz");
	assert_int_equal(r.v[2].col, 27);
	/* A tab and an emoji are one code point each. */
	assert_int_equal(r.v[3].line, 3);
	assert_int_equal(r.v[3].col, 4);
	spell_result_release(&r);
	/* CRLF line ends. */
	assert_misses(s, "the data\r\nzzqx\r\n", "zzqx@2:1");
	spell_free(s);
}

static void test_skipped(void **state)
{
	static const struct {
		const char *what, *text;
	} cases[] = {
		{ "code span", "the `zzqx` data ``a ` zzqx``" },
		{ "fence", "```sh\nzzqx --qqxz\n```\n~~~~\nzzqx\n~~~~\n" },
		{ "fence in a list", "- the data\n\n    ```\n    zzqx\n    ```\n" },
		{ "url", "the https://example.com/zzqx and www.zzqx.org." },
		{ "e-mail", "write to zzqx@example.com or <zzqx@example.org>" },
		{ "path", "in docs/zzqx.md or C:\\zzqx\\qqxz or ./zzqx" },
		{ "dotted", "the zzqx.yaml file, e.g. data" },
		{ "acronym", "the ZZQX and QQXZZZ data, ZZQXs and ZZQX's" },
		{ "number", "the 12zzqx data 3.14 and 2nd" },
		{ "snake_case", "the zzqx_qqxz data" },
		{ "camelCase", "the zzqxQqxz and FedRAMPish and eZzqx data" },
		{ "html", "the <span class=\"zzqx\">data</span> &zzqx; &#8217;" },
		{ "comment", "the data <!-- zzqx\nqqxz --> and\n<!-- zzqx -->" },
		{ "link", "the [data](zzqx) and ![data](qqxz \"zzqx\")" },
		{ "pandoc", "the [data]{.zzqx} and {#qqxz}" },
		{ "front matter", "---\nkind: zzqx\nlang: qqxz\n---\nthe data\n" },
		{ "long", "the zzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqxzzqx"
			  "zzqxzzqxzzqx data" },
	};
	struct spell *s = tiny();
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		char *got = misses(s, cases[i].text);

		if (*got)
			fail_msg("%s: %s", cases[i].what, got);
		free(got);
	}
	/* The controls: the same words are caught in prose. */
	assert_misses(s, "the zzqx data", "zzqx@1:5");
	assert_misses(s, "---\ntitle: the zzqx\n---\n", "zzqx@2:12");
	assert_misses(s, "the Zzqx and ZZQXZZQ", "Zzqx@1:5 ZZQXZZQ@1:14");
	spell_free(s);
}

static void test_apostrophes_and_hyphens(void **state)
{
	struct spell *s = tiny();

	(void)state;
	/* Possessives, straight and curly; a trailing apostrophe. */
	assert_misses(s, "the contractor's data, the contractor’s data, "
			 "the contractors' data", "");
	assert_misses(s, "the zzqx's data", "zzqx's@1:5");
	/* A compound: the whole, else each part, at its own column. */
	assert_misses(s, "agency-wide data", "");
	assert_misses(s, "agency-zzqx data", "zzqx@1:8");
	assert_misses(s, "zzqx-qqxz", "zzqx@1:1 qqxz@1:6");
	/* Prefixes that are not words of their own. */
	assert_misses(s, "pre-audit and non-contract and sub-contract", "");
	/* Hyphen and dash characters, and the invisible soft hyphen. */
	assert_misses(s, "agency\u2010zzqx", "zzqx@1:8");
	assert_misses(s, "sub\u00adcontract", "");
	/* Hyphens and quotes at the ends are no part of the word. */
	assert_misses(s, "'the' -data- \"agency\"", "");
	spell_free(s);
}

/* ---- word lists ---------------------------------------------------------- */

static void test_word_lists(void **state)
{
	struct spell *s = tiny();
	struct sr_error err = SR_ERROR_INIT;
	const char *list = "12\n# a comment\nzzqx\n  qqxz/SD  \r\n\n"
			   "two words\nKasumigaseki\n";

	(void)state;
	assert_misses(s, "zzqx qqxz Kasumigaseki", "zzqx@1:1 qqxz@1:6 "
						    "Kasumigaseki@1:11");
	assert_int_equal(spell_add_words(s, list, strlen(list), "w.dic", &err),
			 0);
	/* Answers cached before are forgotten. */
	assert_misses(s, "zzqx qqxz Kasumigaseki KASUMIGASEKI", "");
	assert_misses(s, "Zzqx", "");
	/* "two words" is refused with a warning at its line. */
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diags[0].severity, SR_SEV_WARNING);
	assert_int_equal(err.diags[0].line, 6);
	sr_error_release(&err);
	assert_int_equal(spell_add_word(s, "xqzq"), 0);
	assert_misses(s, "xqzq", "");
	spell_free(s);
}

static void test_builtin_list_and_personal(void **state)
{
	char *dir = t_mkdtemp(), path[4200], *dicts[1];
	struct spell_opts o;
	struct sr_error err = SR_ERROR_INIT;
	struct spell *s = NULL;
	const struct builtin_file *f = builtin_find(SPELL_BUILTIN_WORDS);

	(void)state;
	assert_non_null(f);
	assert_non_null(strstr(f->data, "\nFedRAMP\n"));
	snprintf(path, sizeof(path), "%s/words", dir);
	t_write(path, "zzqx\n");
	memset(&o, 0, sizeof(o));
	dicts[0] = (char *)t_src("tests/data/spell/tiny");
	o.dicts = dicts;
	o.ndicts = 1;
	o.builtin_words = 1;
	o.personal = path;
	assert_int_equal(spell_open(&s, &o, &err), 0);
	assert_misses(s, "zzqx CSIRTs FedRAMP EDINET cybersecurity "
			 "unauthorised", "");
	spell_free(s);
	/* A missing personal list is an empty one. */
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(spell_open(&s, &o, &err), 0);
	assert_int_equal(err.n, 0);
	spell_free(s);
	t_rm_rf(dir);
	free(dir);
}

static void test_save_word(void **state)
{
	char *dir = t_mkdtemp(), path[4200], *buf = NULL;
	struct sr_error err = SR_ERROR_INIT;
	struct strbuf p = STRBUF_INIT;
	size_t len = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/words", dir);
	assert_int_equal(spell_save_word(path, "zzqx", &err), 0);
	assert_int_equal(spell_save_word(path, "qqxz", &err), 0);
	assert_int_equal(spell_save_word(path, "zzqx", &err), 0);
	assert_int_equal(sr_read_file(&buf, &len, path, 1000, &err), 0);
	assert_string_equal(buf, "zzqx\nqqxz\n");
	free(buf);
	assert_int_equal(spell_save_word(path, "two words", &err), SR_EINVAL);
	assert_int_equal(spell_save_word(path, "", &err), SR_EINVAL);
	sr_error_release(&err);
	/* The personal list lives in the XDG directory. */
	setenv("XDG_CONFIG_HOME", "/x", 1);
	assert_int_equal(spell_personal_path(&p), 0);
	assert_string_equal(p.buf, "/x/specreview/words");
	unsetenv("XDG_CONFIG_HOME");
	strbuf_release(&p);
	t_rm_rf(dir);
	free(dir);
}

/* ---- the cache ------------------------------------------------------------ */

static void test_cache(void **state)
{
	struct spell *s = tiny();
	struct spell_stats st;
	const char *const *sg;
	size_t n;

	(void)state;
	assert_misses(s, "the data the data the zzqx zzqx Zzqx",
		      "zzqx@1:23 zzqx@1:28 Zzqx@1:33");
	spell_get_stats(s, &st);
	assert_int_equal(st.lookups, 8);
	assert_int_equal(st.checks, 4); /* the data zzqx Zzqx */
	assert_int_equal(st.hits, 4);
	assert_misses(s, "zzqx the", "zzqx@1:1");
	spell_get_stats(s, &st);
	assert_int_equal(st.checks, 4);
	assert_int_equal(st.hits, 6);
	/* Suggestions are made once a word. */
	assert_int_equal(spell_suggest(s, "contracter", &sg, &n), 0);
	assert_int_equal(spell_suggest(s, "contracter", &sg, &n), 0);
	spell_get_stats(s, &st);
	assert_int_equal(st.suggests, 1);
	assert_string_equal(sg[0], "contractor");
	spell_free(s);
}

/* ---- inflections ---------------------------------------------------------- */

static const char *const infl_yaml =
	"id: t\n"
	"version: '1'\n"
	"title: {ja: テスト, en: Test}\n"
	"items:\n"
	"  - id: SUB\n"
	"    title: {ja: 再委託, en: Subcontracting}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      scope: sentence\n"
	"      all:\n"
	"        - any: [再委託, subcontract, commit, audit*, manage]\n"
	"        - any: [承認, prior approval, meet, end of the contract]\n"
	"      not_alone: [meet, report]\n";

static int has_norm(const struct cl_term *t, size_t n, const char *norm)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(t[k].norm, norm))
			return 1;
	return 0;
}

static int has_term(const struct cl_group *g, const char *norm)
{
	return has_norm(g->terms, g->nterms, norm);
}

static const char *status_of(const struct checklist *cl, const char *text)
{
	struct check_report rep = CHECK_REPORT_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct matcher *m = NULL;
	const char *st;

	assert_int_equal(matcher_new(&m, cl, &err), 0);
	assert_int_equal(check_buffer(&rep, m, "t.md", text, strlen(text)), 0);
	st = finding_status_name(rep.result.findings[0].status);
	check_report_release(&rep);
	matcher_free(m);
	return st;
}

static void test_inflections(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	struct spell *s = tiny();
	const struct cl_item *it;
	const char *text = "The contractor subcontracted the work with prior "
			   "approvals.";
	size_t added = 0, n0;

	(void)state;
	assert_int_equal(checklist_load_buffer(&cl, infl_yaml,
					       strlen(infl_yaml), "t.yaml",
					       &err),
			 0);
	assert_string_equal(status_of(cl, text), "missing");
	it = &cl->items[0];
	n0 = it->groups[0].nterms;
	assert_int_equal(spell_expand_checklist(s, cl, &added), 0);
	assert_true(added > 0);
	/* Inflections Hunspell confirms, normalized, after the terms. */
	assert_true(has_term(&it->groups[0], "subcontracts"));
	assert_true(has_term(&it->groups[0], "subcontracted"));
	assert_true(has_term(&it->groups[0], "subcontracting"));
	assert_true(has_term(&it->groups[0], "committed"));   /* doubled */
	assert_true(has_term(&it->groups[0], "committing"));
	assert_true(has_term(&it->groups[0], "managing"));    /* e dropped */
	assert_true(has_term(&it->groups[0], "managed"));
	assert_false(has_term(&it->groups[0], "commited"));   /* not a word */
	/* Derivations are other words: never added. */
	assert_false(has_term(&it->groups[0], "subcontractor"));
	assert_false(has_term(&it->groups[0], "subcontractors"));
	assert_false(has_term(&it->groups[0], "management"));
	/* Prefix terms already take every ending. */
	assert_false(has_term(&it->groups[0], "audits"));
	/* A phrase: only its last word, only as a plural. */
	assert_true(has_term(&it->groups[1], "prior approvals"));
	assert_false(has_term(&it->groups[1], "end of the contracted"));
	assert_true(has_term(&it->groups[1], "end of the contracts"));
	/* "meeting" is an entry of its own: another word than "meet". */
	assert_true(has_term(&it->groups[1], "meets"));
	assert_false(has_term(&it->groups[1], "meeting"));
	/* not_alone follows, so an inflected weak term stays weak. */
	assert_true(has_norm(it->not_alone, it->nnot_alone, "reported"));
	assert_int_equal(it->groups[0].terms[n0].line,
			 it->groups[0].terms[0].line);
	assert_int_equal(it->groups[0].terms[n0].prefix, 0);
	assert_string_equal(status_of(cl, text), "satisfied");
	assert_string_equal(status_of(cl, "We subcontracted it. We meet."),
			    "partial");
	checklist_free(cl);
	spell_free(s);
	sr_error_release(&err);
}

/* ---- the installed en_US ----------------------------------------------- */

static void test_en_us(void **state)
{
	struct spell *s = NULL;
	struct sr_error err = SR_ERROR_INIT;
	struct spell_result r = SPELL_RESULT_INIT;
	const char *text = "The Contractor shall not subcontract any part of "
			   "the work without the Government's prior written "
			   "approval; FedRAMP and ISMAP-LIU cloud services, "
			   "cybersecurity, e-mail.  The goverment will recieve "
			   "it.\n";

	(void)state;
	if (access("/usr/share/hunspell/en_US.dic", R_OK) != 0) {
		print_message("en_US not installed (tools/install-deps)\n");
		skip();
	}
	unsetenv("DICPATH");
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	assert_int_equal(spell_open_default(&s, &err), 0);
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(spell_check_text(s, text, strlen(text), SPELL_SUGGEST,
					  &r),
			 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].word, "goverment");
	assert_string_equal(r.v[0].suggestions[0], "government");
	assert_string_equal(r.v[1].word, "recieve");
	assert_string_equal(r.v[1].suggestions[0], "receive");
	spell_result_release(&r);
	spell_free(s);
	sr_error_release(&err);
}

/* ---- the program --------------------------------------------------------- */

/* Runs the program with DICPATH on a directory where the tiny dictionary
 * is en_US, and no personal list. */
static int run_prog(char **out, char **err, const char *dicdir,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int run_prog(char **out, char **err, const char *dicdir,
		    const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return t_run(out, err, "DICPATH='%s' XDG_CONFIG_HOME='%s' '%s' %s",
		     dicdir, dicdir, t_prog(), args);
}

static char *tiny_as_en_us(void)
{
	char *dir = t_mkdtemp();
	int st = t_run(NULL, NULL, "cp '%s' '%s/en_US.aff' && cp '%s' '%s/en_US.dic'",
		       t_src("tests/data/spell/tiny.aff"), dir,
		       t_src("tests/data/spell/tiny.dic"), dir);

	assert_int_equal(st, 0);
	return dir;
}

static void test_cli_spell(void **state)
{
	char *dir = tiny_as_en_us(), *out = NULL, *err = NULL, spec[4200],
	     clean[4200];

	(void)state;
	snprintf(spec, sizeof(spec), "%s/a.md", dir);
	snprintf(clean, sizeof(clean), "%s/b.md", dir);
	t_write(spec, "# Work\n\n受注者は、 the contracter shall zzqx.\n");
	t_write(clean, "The contractor shall not subcontract the work.\n");
	assert_int_equal(run_prog(&out, &err, dir, "spell %s", spec), 1);
	{
		char want[9000];

		snprintf(want, sizeof(want),
			 "%s:3:11: contracter (suggestions: contractor, "
			 "contracted)\n%s:3:28: zzqx\n",
			 spec, spec);
		assert_string_equal(out, want);
	}
	free(out);
	free(err);
	assert_int_equal(run_prog(&out, &err, dir, "spell %s", clean), 0);
	assert_string_equal(out, "");
	free(out);
	free(err);
	assert_int_equal(run_prog(&out, &err, dir, "spell --format json %s %s",
				  clean, spec),
			 1);
	assert_non_null(strstr(out, "\"spelling\":[]"));
	assert_non_null(strstr(out, "{\"line\":3,\"column\":11,\"word\":"
				    "\"contracter\",\"suggestions\":["
				    "\"contractor\",\"contracted\"]}"));
	free(out);
	free(err);
	/* A spec that cannot be read: exit 2, the others still spelt. */
	assert_int_equal(run_prog(&out, &err, dir, "spell %s/none.md %s", dir,
				  spec),
			 2);
	assert_non_null(strstr(out, "contracter"));
	assert_non_null(strstr(err, "none.md"));
	free(out);
	free(err);
	/* check --spell: the findings, then the misspellings. */
	assert_int_equal(run_prog(&out, &err, dir, "check --spell %s", spec), 1);
	assert_non_null(strstr(out, ":3:11: spelling: contracter (suggestions:"));
	free(out);
	free(err);
	assert_int_equal(run_prog(&out, &err, dir,
				  "check --spell --format json %s", spec),
			 1);
	assert_non_null(strstr(out, "\"spelling\":[{\"line\":3,\"column\":11,"));
	free(out);
	free(err);
	assert_int_equal(run_prog(&out, &err, dir,
				  "check --format json %s", spec),
			 1);
	assert_null(strstr(out, "\"spelling\""));
	free(out);
	free(err);
	assert_int_equal(run_prog(&out, &err, dir,
				  "check --spell --format sarif %s", spec),
			 2);
	free(out);
	free(err);
	t_rm_rf(dir);
	free(dir);
}

static void test_cli_repo(void **state)
{
	char *dir = tiny_as_en_us(), *out = NULL, *err = NULL, p[4200];
	git_repository *r;

	(void)state;
	git_libgit2_init();
	snprintf(p, sizeof(p), "%s/repo", dir);
	r = tr_mkrepo(p, 0);
	git_repository_free(r);
	snprintf(p, sizeof(p), "%s/repo/specs", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/repo/specs/a.md", dir);
	t_write(p, "The contractor shall zzqx the qqxz.\n");
	snprintf(p, sizeof(p), "%s/repo/words.txt", dir);
	t_write(p, "qqxz\n");
	snprintf(p, sizeof(p), "%s/repo/.specreview.yaml", dir);
	t_write(p, "words: words.txt\n");
	/* The repository's word list adds to the dictionary. */
	assert_int_equal(run_prog(&out, &err, dir,
				  "--repo %s/repo spell --worktree", dir),
			 1);
	assert_string_equal(out, "specs/a.md:1:22: zzqx\n");
	free(out);
	free(err);
	/* A dictionary that is not installed: exit 2, naming it. */
	t_write(p, "dictionaries: [xx_NOPE]\n");
	assert_int_equal(run_prog(&out, &err, dir,
				  "--repo %s/repo spell --worktree", dir),
			 2);
	assert_non_null(strstr(err, "xx_NOPE"));
	assert_non_null(strstr(err, "/usr/share/hunspell/xx_NOPE.dic"));
	free(out);
	free(err);
	git_libgit2_shutdown();
	t_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_suggestions),
		cmocka_unit_test(test_missing_dictionary),
		cmocka_unit_test(test_dicpath),
		cmocka_unit_test(test_japanese_only),
		cmocka_unit_test(test_positions_after_multibyte),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_apostrophes_and_hyphens),
		cmocka_unit_test(test_word_lists),
		cmocka_unit_test(test_builtin_list_and_personal),
		cmocka_unit_test(test_save_word),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_inflections),
		cmocka_unit_test(test_en_us),
		cmocka_unit_test(test_cli_spell),
		cmocka_unit_test(test_cli_repo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
