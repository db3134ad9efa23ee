/*
 * test_match.c - the matcher: automaton, scope units, statuses and the
 * traps of CLAUSES.md, on small checklists written here.
 */
#include "testutil.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check.h"
#include "checklist.h"
#include "doc.h"
#include "error.h"
#include "match.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"

static const char *const base_yaml =
	"id: t\n"
	"version: '1'\n"
	"title: {ja: テスト, en: Test}\n"
	"by_reference:\n"
	"  any: [契約書に定める, 別紙, as set out in the contract]\n"
	"  regex: ['far\\s*52\\.\\d']\n"
	"empty_markers: [特になし, 該当なし, n/a, none]\n"
	"exclude: [廃棄物]\n"
	"items:\n"
	"  - id: SUB\n"
	"    title: {ja: 再委託, en: Subcontracting}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      scope: sentence\n"
	"      all:\n"
	"        - any: [再委託, 再々委託, subcontract*]\n"
	"        - any: [承認, 禁止, してはならない, prior approval, prohibited]\n"
	"  - id: DEL\n"
	"    title: {ja: 消去, en: Deletion}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      scope: paragraph\n"
	"      all:\n"
	"        - any: [廃棄, 消去, 返却, destroy*, return*]\n"
	"        - any: [情報, データ, data, information]\n"
	"        - any: [業務終了, 契約終了, end of the contract]\n"
	"  - id: INC\n"
	"    title: {ja: 事故, en: Incident}\n"
	"    severity: conditional\n"
	"    applies_when: {kind: [operations]}\n"
	"    match:\n"
	"      scope: sentence\n"
	"      all:\n"
	"        - any: [インシデント, incident*]\n"
	"        - any: [直ちに, 報告, immediately]\n"
	"          regex: ['within \\d+ hours?']\n"
	"  - id: NDA\n"
	"    title: {ja: 秘密, en: NDA}\n"
	"    severity: recommended\n"
	"    match:\n"
	"      scope: section\n"
	"      all:\n"
	"        - any: [秘密保持, nda, confidential*]\n"
	"        - any: [第三者, third part*, disclos*]\n"
	"      not_alone: [confidential*]\n"
	"  - id: AUD\n"
	"    title: {ja: 監査, en: Audit}\n"
	"    severity: mandatory\n"
	"    match:\n"
	"      scope: paragraph\n"
	"      all:\n"
	"        - any: [audit]\n";

struct fixture {
	struct checklist *cl;
	struct matcher *m;
	struct check_report rep;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sr_error err = SR_ERROR_INIT;

	assert_non_null(f);
	if (checklist_load_buffer(&f->cl, base_yaml, strlen(base_yaml),
				  "t.yaml", &err) < 0) {
		for (size_t i = 0; i < err.n; i++)
			fprintf(stderr, "%d:%d: %s\n", err.diags[i].line,
				err.diags[i].col, err.diags[i].msg);
		fail();
	}
	assert_int_equal(matcher_new(&f->m, f->cl, &err), 0);
	sr_error_release(&err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	check_report_release(&f->rep);
	matcher_free(f->m);
	checklist_free(f->cl);
	free(f);
	return 0;
}

/* A checklist of a test's own, and its matcher. */
static struct matcher *own_matcher(const char *yaml, size_t len,
				   struct checklist **cl)
{
	struct matcher *m = NULL;

	assert_int_equal(checklist_load_buffer(cl, yaml, len, "own.yaml", NULL),
			 0);
	assert_int_equal(matcher_new(&m, *cl, NULL), 0);
	return m;
}

static const struct finding *run(struct fixture *f, const char *text,
				 const char *id)
{
	size_t i;

	check_report_release(&f->rep);
	assert_int_equal(check_buffer(&f->rep, f->m, "spec.md", text,
				      strlen(text)),
			 0);
	for (i = 0; i < f->rep.result.nfindings; i++)
		if (!strcmp(f->rep.result.findings[i].item->id, id))
			return &f->rep.result.findings[i];
	fail_msg("no finding for %s", id);
	return NULL;
}

static enum finding_status status(struct fixture *f, const char *text,
				  const char *id)
{
	return run(f, text, id)->status;
}

/* One table for the statuses: text, item, expected status. */
static const struct {
	const char *text, *item;
	enum finding_status want;
} cases[] = {
	/* Prohibition and permission both satisfy. */
	{ "受託者は、本業務を再委託してはならない。", "SUB", FINDING_SATISFIED },
	{ "再委託する場合は、あらかじめ当省の承認を得ること。", "SUB", FINDING_SATISFIED },
	{ "The contractor shall not subcontract without prior approval.", "SUB", FINDING_SATISFIED },
	{ "Subcontracting is prohibited.", "SUB", FINDING_SATISFIED },
	{ "Subcontractors are listed in Annex B.", "SUB", FINDING_PARTIAL },
	/* 再々委託 is its own term, not 再委託 inside something. */
	{ "再々委託は禁止する。", "SUB", FINDING_SATISFIED },
	/* The groups must co-occur in one sentence. */
	{ "再委託先の一覧を示す。承認された者に限る。", "SUB", FINDING_PARTIAL },
	/* Only the second group: nothing about the subject. */
	{ "成果物は承認を得ること。", "SUB", FINDING_MISSING },
	/* By reference. */
	{ "再委託については契約書に定めるとおりとする。", "SUB", FINDING_BY_REFERENCE },
	{ "Subcontracting terms are as set out in the contract.", "SUB", FINDING_BY_REFERENCE },
	{ "Subcontracting: FAR 52.244-2 applies.", "SUB", FINDING_BY_REFERENCE },
	/* A heading whose body says "none". */
	{ "## 再委託の承認\n\n特になし\n\n## 次\n\n本文。\n", "SUB", FINDING_MISSING },
	{ "## Subcontracting approval\n\nN/A.\n", "SUB", FINDING_MISSING },
	/* A heading is context for its body, never evidence on its own. */
	{ "## 再委託\n\n事前に当省の承認を得ること。\n", "SUB", FINDING_SATISFIED },
	{ "## 再委託の承認\n\n本章では概要を示す。\n", "SUB", FINDING_PARTIAL },
	{ "## 再委託の承認\n\n別紙のとおりとする。\n", "SUB", FINDING_BY_REFERENCE },
	{ "## 再委託の承認\n\n### 細目\n\n事前に承認を得ること。\n", "SUB", FINDING_PARTIAL },
	/* ... the second group in the heading, the subject in its body */
	{ "## 承認\n\n再委託する場合は、事前に申請すること。\n", "SUB", FINDING_SATISFIED },
	{ "## Prior approval\n\nThe contractor may subcontract the work.\n", "SUB", FINDING_SATISFIED },
	{ "## Prior approval\n\n### Scope\n\nThe contractor may subcontract.\n", "SUB", FINDING_PARTIAL },
	/* 廃棄物 is waste, not disposal of information. */
	{ "業務終了後、産業廃棄物の情報を届け出ること。", "DEL", FINDING_MISSING },
	{ "業務終了時に、提供された情報を返却し、又は消去すること。", "DEL", FINDING_SATISFIED },
	/* Conditional items follow the front matter. */
	{ "---\nkind: development\n---\nインシデントは直ちに報告すること。\n", "INC", FINDING_NOT_APPLICABLE },
	{ "---\nkind: operations\n---\nインシデントは直ちに報告すること。\n", "INC", FINDING_SATISFIED },
	{ "インシデントは直ちに報告すること。\n", "INC", FINDING_SATISFIED },
	/* Regex alternatives inside a group. */
	{ "Report any incident within 24 hours.", "INC", FINDING_SATISFIED },
	/* not_alone: "confidential" alone does not make the clause. */
	{ "## Handling\n\nConfidential information shall not be disclosed.\n", "NDA", FINDING_SATISFIED },
	{ "## Marking\n\nConfidential material is not shared with third parties.\n", "NDA", FINDING_SATISFIED },
	/* Word boundaries for ASCII terms; a trailing * lifts the end one. */
	{ "This is standard practice for third parties.", "NDA", FINDING_MISSING },
	{ "An auditor will visit.", "AUD", FINDING_MISSING },
	{ "An audit will take place.", "AUD", FINDING_SATISFIED },
	/* Normalization: full width, PDF spaces, emphasis, line breaks. */
	{ "ＡＵＤＩＴ rights apply.", "AUD", FINDING_SATISFIED },
	{ "受託者は、再 委 託する場合、承 認を得ること。", "SUB", FINDING_SATISFIED },
	{ "受託者は、**再委託**する場合は\n承認を得ること。", "SUB", FINDING_SATISFIED },
	{ "The contractor shall not subcontract without the prior\napproval of the agency.", "SUB", FINDING_SATISFIED },
};

static void test_status_table(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum finding_status got = status(f, cases[i].text, cases[i].item);

		if (got != cases[i].want)
			fail_msg("case %zu (%s in \"%s\"): want %s, got %s", i,
				 cases[i].item, cases[i].text,
				 finding_status_name(cases[i].want),
				 finding_status_name(got));
	}
}

static void test_not_alone_only(void **state)
{
	struct fixture *f = *state;
	/* Both groups hit, but by one weak word and... itself: the only
	 * evidence for the subject is "confidential" and for the second group
	 * "disclosure" is strong, so this is satisfied; with nothing strong
	 * it is not. */
	static const char *yaml =
		"id: w\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: W\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n        - any: [confidential*, secret]\n"
		"      not_alone: [confidential*]\n";
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	const char *text = "Confidential.";

	(void)f;
	m = own_matcher(yaml, strlen(yaml), &cl);
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_MISSING);
	check_report_release(&rep);
	text = "Keep it secret.";
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_SATISFIED);
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * Checks `text` with m into *rep; fails, naming the text and the item,
 * if the first n findings' statuses are not want[].
 */
static void expect_statuses(struct check_report *rep, const struct matcher *m,
			    const char *text, const enum finding_status *want,
			    size_t n)
{
	assert_int_equal(check_buffer(rep, m, "s", text, strlen(text)), 0);
	for (size_t k = 0; k < n; k++)
		if (rep->result.findings[k].status != want[k])
			fail_msg("\"%s\": %s is %s, not %s", text,
				 rep->result.findings[k].item->id,
				 finding_status_name(rep->result.findings[k].status),
				 finding_status_name(want[k]));
}

/*
 * An item whose subject (first group) a spec never names is missing,
 * however much of the rest it names; one whose subject is there only
 * weakly, in a heading, by reference or in another item's words is still
 * weighed as a whole.
 */
static void test_subject_decides(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\n"
		"by_reference:\n  any: [契約書に定める]\n"
		"items:\n"
		"  - id: SUB\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      scope: sentence\n      all:\n"
		"        - any: [再委託, 外部委託]\n"
		"        - any: [承認, 許可]\n"
		"      not_alone: [外部委託]\n"
		"  - id: OPS\n    title: {ja: a, en: a}\n    severity: conditional\n"
		"    applies_when: {kind: [operations]}\n"
		"    match:\n      all:\n        - any: [承認]\n";
	static const struct {
		const char *text;
		enum finding_status st[2]; /* SUB, OPS */
	} subj_cases[] = {
	    /* The rest everywhere, the subject nowhere. */
	    {"承認を得る。許可する。承認済み。",
	     {FINDING_MISSING, FINDING_SATISFIED}},
	    {"再委託は承認を得る。", {FINDING_SATISFIED, FINDING_SATISFIED}},
	    /* Only a weak word for the subject: with a strong one of the
	     * other group, that is enough. */
	    {"外部委託は承認を得る。", {FINDING_SATISFIED, FINDING_SATISFIED}},
	    /* The subject in a heading, the rest in its body. */
	    {"## 再委託\n\n事前に承認を得ること。\n",
	     {FINDING_SATISFIED, FINDING_SATISFIED}},
	    {"再委託は契約書に定めるとおり。",
	     {FINDING_BY_REFERENCE, FINDING_MISSING}},
	    {"再委託について記す。", {FINDING_PARTIAL, FINDING_MISSING}},
	    /* Not applicable, though its words are there. */
	    {"---\nkind: development\n---\n承認する。",
	     {FINDING_MISSING, FINDING_NOT_APPLICABLE}},
	};
	struct checklist *cl = NULL;
	struct matcher *m = NULL;

	(void)state;
	m = own_matcher(yaml, strlen(yaml), &cl);
	for (size_t i = 0; i < sizeof(subj_cases) / sizeof(*subj_cases); i++) {
		struct check_report rep = CHECK_REPORT_INIT;

		expect_statuses(&rep, m, subj_cases[i].text, subj_cases[i].st,
				2);
		if (subj_cases[i].st[0] == FINDING_MISSING) {
			assert_int_equal(rep.result.findings[0].nevidence, 0);
			assert_int_equal(rep.result.findings[0].groups_hit, 0);
		}
		check_report_release(&rep);
	}
	matcher_free(m);
	checklist_free(cl);
}

/*
 * The same bytes with different boundary rules, and as a regex anchor:
 * every use must still hit (each once had only the last one win).
 */
static void test_same_bytes_different_rules(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: WHOLE\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n        - any: [data]\n"
		"  - id: PREFIX\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n        - any: [data*]\n"
		"  - id: REGEX\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n        - regex: ['(data|info)\\w*\\s+at\\s+rest']\n";
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	const char *text = "Data at rest and databases.";

	(void)state;
	m = own_matcher(yaml, strlen(yaml), &cl);
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_SATISFIED);
	assert_int_equal(rep.result.findings[1].status, FINDING_SATISFIED);
	/* "data" and "databases" for the prefix term. */
	assert_int_equal(rep.result.findings[1].evidence[0].nhits, 2);
	assert_int_equal(rep.result.findings[2].status, FINDING_SATISFIED);
	check_report_release(&rep);
	/* The anchored regex does not match where its anchor is not. */
	text = "Databases at rest.";
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_MISSING);
	assert_int_equal(rep.result.findings[2].status, FINDING_SATISFIED);
	check_report_release(&rep);
	text = "Stored at rest.";
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[2].status, FINDING_MISSING);
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * One regex in several places (two groups of an item, another item, with
 * and without an anchor the automaton finds, and caseless): each place
 * gets its hits, though it runs once.
 */
static void test_shared_regex(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: TWICE\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - regex: ['kept\\s+in\\s+japan', '(?:''|x)s\\s+policy']\n"
		"        - regex: ['kept\\s+in\\s+japan', '(?:''|x)s\\s+policy']\n"
		"  - id: ONCE\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - regex: ['(?:''|x)s\\s+policy']\n"
		"  - id: OTHER\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - regex: ['(?i)kept\\s+in\\s+japan']\n";
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	const char *text = "Data is kept in Japan. The agency's policy applies.";
	const struct match_evidence *ev;

	(void)state;
	m = own_matcher(yaml, strlen(yaml), &cl);
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(rep.result.findings[i].status, FINDING_SATISFIED);
	/* Both groups, in both sentences. */
	assert_int_equal(rep.result.findings[0].nevidence, 2);
	ev = &rep.result.findings[0].evidence[0];
	assert_int_equal(ev->nhits, 1); /* the same words for both groups */
	assert_string_equal(ev->hits[0].text, "kept in Japan");
	assert_string_equal(rep.result.findings[0].evidence[1].hits[0].text,
			    "'s policy");
	assert_string_equal(rep.result.findings[1].evidence[0].hits[0].text,
			    "'s policy");
	assert_string_equal(rep.result.findings[2].evidence[0].hits[0].text,
			    "kept in Japan");
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * A checklist whose one regex has no literal to steer it gives the
 * automaton no pattern at all: the regex is run over the whole text.
 * (fuzz_tails found the matcher's build taking a state's slices from a
 * null pointer then: clang's UBSan, as the fuzz build has it, traps it
 * here; GCC's does not see it.)
 */
static void test_no_pattern_at_all(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: DIGITS\n    title: {ja: a, en: a}\n"
		"    severity: mandatory\n"
		"    match:\n      all:\n        - regex: ['\\d\\d+']\n";
	static const struct {
		const char *text;
		enum finding_status st;
	} digit_cases[] = {
		{ "Within 24 hours.", FINDING_SATISFIED },
		{ "Within a day.", FINDING_MISSING },
		{ "", FINDING_MISSING },
	};
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	size_t i;

	(void)state;
	m = own_matcher(yaml, strlen(yaml), &cl);
	for (i = 0; i < sizeof(digit_cases) / sizeof(*digit_cases); i++) {
		assert_int_equal(check_buffer(&rep, m, "s", digit_cases[i].text,
					      strlen(digit_cases[i].text)),
				 0);
		assert_int_equal(rep.result.findings[0].status,
				 digit_cases[i].st);
		check_report_release(&rep);
	}
	matcher_free(m);
	checklist_free(cl);
}

/*
 * A regex that starts with punctuation of no case (’ and “, as specs
 * type them) is tried where the automaton finds it, byte for byte in
 * the folded text: every place it matches is still found, a curly
 * apostrophe beside a straight one, in Japanese text too.
 */
static void test_punctuation_anchor(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: Q\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      scope: document\n      all:\n"
		"        - regex: ['(?:''|\u2019)s\\s+(\\S+\\s+){0,3}security\\s+"
		"polic(y|ies)\\b', '\u201c[^\u201d]{1,20}\u201d']\n";
	struct checklist *cl = NULL;
	struct matcher *m = own_matcher(yaml, strlen(yaml), &cl);
	struct check_report rep = CHECK_REPORT_INIT;
	const char *text = "The agency\u2019s IT Security Policy and the "
			   "bureau's security policies apply.\n\n"
			   "\u300c\u898f\u7a0b\u300d\u2019s security policy "
			   "\u201cnamed\u201d.";
	const struct finding *f;

	(void)state;
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	f = &rep.result.findings[0];
	assert_int_equal(f->status, FINDING_SATISFIED);
	assert_int_equal(f->nevidence, 1);
	assert_int_equal(f->evidence[0].nhits, 4);
	assert_string_equal(f->evidence[0].hits[0].text,
			    "\u2019s IT Security Policy");
	assert_string_equal(f->evidence[0].hits[1].text,
			    "'s security policies");
	assert_string_equal(f->evidence[0].hits[2].text,
			    "\u2019s security policy");
	assert_string_equal(f->evidence[0].hits[3].text, "\u201cnamed\u201d");
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * Two regexes of two groups finding the same words: the evidence shows
 * them once, as the first group's, whether a regex is tried where its
 * anchor was found (the first) or over the whole text (the second).
 */
static void test_same_words_two_regexes(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: TWO\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - any: [keystone]\n"
		"        - regex: ['abc\\w']\n"
		"        - regex: ['\\w+bcd']\n";
	struct checklist *cl = NULL;
	struct matcher *m = own_matcher(yaml, strlen(yaml), &cl);
	struct check_report rep = CHECK_REPORT_INIT;
	const char *text = "The keystone abcd.";
	const struct match_evidence *ev;

	(void)state;
	assert_int_equal(check_buffer(&rep, m, "s", text, strlen(text)), 0);
	assert_int_equal(rep.result.findings[0].status, FINDING_SATISFIED);
	ev = &rep.result.findings[0].evidence[0];
	assert_int_equal(ev->nhits, 2);
	assert_string_equal(ev->hits[1].text, "abcd");
	assert_int_equal(ev->hits[1].group, 1);
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * A regex is run only for the items it can change, but for each of them:
 * one whose subject a term names, one whose subject is a regex, one that
 * shares its pattern with an item ruled out, and a by-reference phrase.
 */
static void test_regex_needs_subject(void **state)
{
	static const char *yaml =
		"id: s\nversion: '1'\ntitle: {ja: a, en: a}\n"
		"by_reference:\n  regex: ['as\\s+set\\s+out\\s+in\\s+the\\s+contract']\n"
		"items:\n"
		"  - id: DEAD\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - any: [zebra]\n"
		"        - regex: ['approv\\w+']\n"
		"  - id: LIVE\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - any: [subcontract]\n"
		"        - regex: ['approv\\w+']\n"
		"  - id: RXSUBJ\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      all:\n"
		"        - regex: ['data\\s+centers?']\n"
		"        - any: [japan]\n"
		"  - id: OUT\n    title: {ja: a, en: a}\n    severity: conditional\n"
		"    applies_when: {kind: [operations]}\n"
		"    match:\n      all:\n"
		"        - any: [subcontract]\n"
		"        - regex: ['approv\\w+']\n";
	static const struct {
		const char *text;
		enum finding_status st[4];
	} rx_cases[] = {
	    {"The contractor shall not subcontract without prior approval. "
	     "Our data centers are in Japan.",
	     {FINDING_MISSING, FINDING_SATISFIED, FINDING_SATISFIED,
	      FINDING_SATISFIED}},
	    {"---\nkind: development\n---\nNo subcontract without approval.",
	     {FINDING_MISSING, FINDING_SATISFIED, FINDING_MISSING,
	      FINDING_NOT_APPLICABLE}},
	    {"Subcontract as set out in the contract. Approved.",
	     {FINDING_MISSING, FINDING_BY_REFERENCE, FINDING_MISSING,
	      FINDING_BY_REFERENCE}},
	    {"Zebra approvals, data centers, Japan.",
	     {FINDING_SATISFIED, FINDING_MISSING, FINDING_SATISFIED,
	      FINDING_MISSING}},
	};
	struct checklist *cl = NULL;
	struct matcher *m = NULL;

	(void)state;
	m = own_matcher(yaml, strlen(yaml), &cl);
	for (size_t i = 0; i < sizeof(rx_cases) / sizeof(*rx_cases); i++) {
		struct check_report rep = CHECK_REPORT_INIT;

		expect_statuses(&rep, m, rx_cases[i].text, rx_cases[i].st, 4);
		check_report_release(&rep);
	}
	matcher_free(m);
	checklist_free(cl);
}

/* Evidence points at the original text, line and column. */
static void test_evidence_positions(void **state)
{
	struct fixture *f = *state;
	const char *text = "# 仕様\n\n受託者は、**再 委 託**する場合は\n承認を得ること。\n";
	const struct finding *fd = run(f, text, "SUB");
	const struct match_evidence *ev;

	assert_int_equal(fd->status, FINDING_SATISFIED);
	assert_int_equal(fd->nevidence, 1);
	ev = &fd->evidence[0];
	/* The sentence starts at 受 on line 3 and ends after 。 on line 4. */
	assert_int_equal(ev->pos.line, 3);
	assert_int_equal(ev->pos.col, 1);
	assert_int_equal(ev->pos.end_line, 4);
	assert_int_equal(ev->pos.end_col, 9);
	assert_string_equal(ev->quote, "受託者は、**再 委 託**する場合は 承認を得ること。");
	assert_int_equal(ev->nhits, 2);
	/* 再 委 託 is found where it is written, spaces and all. */
	assert_int_equal(ev->hits[0].pos.line, 3);
	assert_int_equal(ev->hits[0].pos.col, 8);
	assert_int_equal(ev->hits[0].pos.end_col, 13);
	assert_string_equal(ev->hits[0].text, "再 委 託");
	assert_int_equal(ev->hits[0].group, 0);
	assert_int_equal(ev->hits[1].pos.line, 4);
	assert_int_equal(ev->hits[1].pos.col, 1);
	assert_string_equal(ev->hits[1].text, "承認");
	assert_int_equal(ev->hits[1].group, 1);
}

/* The cache form gives back exactly the report it was made from. */
static void test_serialize_round_trip(void **state)
{
	struct fixture *f = *state;
	struct check_report back = CHECK_REPORT_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *text = "---\ntitle: \"タブ\tと改行\"\nkind: operations\n---\n"
			   "# 仕様\n\n再委託は禁止する。\n\nReport incidents within 2 hours.\n\xff\n"
			   "\nSubcontracting to \\\\srv\\share\\ is prohibited.\n";
	const struct finding *fd = run(f, text, "SUB"), *fb;

	assert_int_equal(check_report_serialize(&f->rep, &a), 0);
	assert_int_equal(check_report_deserialize(&back, f->cl, a.buf, a.len), 0);
	assert_int_equal(check_report_serialize(&back, &b), 0);
	assert_string_equal(a.buf, b.buf);
	/* Quotes and the words, escapes and all, read back in place. */
	fb = &back.result.findings[fd - f->rep.result.findings];
	assert_int_equal(fb->nevidence, 2);
	assert_string_equal(fb->evidence[0].quote, "再委託は禁止する。");
	assert_string_equal(fb->evidence[0].hits[1].text, "禁止");
	assert_string_equal(fb->evidence[1].quote,
			    "Subcontracting to \\\\srv\\share\\ is prohibited.");
	assert_string_equal(fb->evidence[1].hits[0].text, "Subcontract");
	assert_string_equal(fb->evidence[1].hits[1].text, "prohibited");
	assert_string_equal(back.title, "タブ\tと改行");
	assert_int_equal(back.summary.satisfied, f->rep.summary.satisfied);
	assert_int_equal(back.summary.failing, f->rep.summary.failing);
	assert_int_equal(back.diags.n, 1); /* the invalid byte's warning */
	check_report_release(&back);
	/* A tab in a quote, or a field too many, is damage too; so are a
	 * number that is not one, or not where it should be. */
	{
#define DAMAGED_F "specreview-report 1\nM\t1\t-\t-\t-\nF\t0\t0\t3\n"
		static const char *const damaged[] = {
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t4\t+a\tb\n",
		    "specreview-report 1\nM\t1\t-\t-\t-\nF\t0\t3\t0\t9\n",
		    "specreview-report 1\nM\t1\t-\t-\t-\t-\n",
		    DAMAGED_F "E\t1\t01\t1\t5\t0\t4\t+a\n",
		    DAMAGED_F "E\t1\t1x\t1\t5\t0\t4\t+a\n",
		    DAMAGED_F "E\t-1\t1\t1\t5\t0\t4\t+a\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t\t+a\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t4\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t4\t+a\n"
			      "H\t1\t1\t1\t2\t0\t1\t+a\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t4\t+a\n"
			      "H\t1\t1\t1\t2\t0\t1\t33\t+a\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t99999999999\t+a\n",
		    DAMAGED_F "E\t1\t1\t1\t5\t0\t"
			      "123456789012345678901234567890\t+a\n",
		};
#undef DAMAGED_F
		static const char nul[] = "specreview-report 1\nM\t1\t-\t-\t-"
					  "\n\0F\t0\t0\t3\n";

		for (size_t k = 0; k < sizeof(damaged) / sizeof(*damaged); k++) {
			assert_int_equal(check_report_deserialize(&back, f->cl,
								  damaged[k],
								  strlen(damaged[k])),
					 SR_EPARSE);
			check_report_release(&back);
		}
		/* what follows a NUL is not left unread */
		assert_int_equal(check_report_deserialize(&back, f->cl, nul,
							  sizeof(nul) - 1),
				 SR_EPARSE);
		check_report_release(&back);
	}
	/* Anything damaged is refused, never half-used. */
	for (size_t cut = 0; cut < a.len; cut += 7) {
		struct strbuf bad = STRBUF_INIT;

		strbuf_add(&bad, a.buf, cut);
		strbuf_addstr(&bad, "X\tjunk\n");
		assert_int_equal(check_report_deserialize(&back, f->cl, bad.buf, bad.len),
				 SR_EPARSE);
		assert_int_equal(back.result.nfindings, 0);
		check_report_release(&back);
		strbuf_release(&bad);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

/* Several satisfying units give several pieces of evidence, capped. */
static void test_evidence_cap(void **state)
{
	struct fixture *f = *state;
	struct strbuf sb = STRBUF_INIT;
	const struct finding *fd;
	int i;

	for (i = 0; i < 8; i++)
		strbuf_addstr(&sb, "再委託は禁止する。\n\n");
	fd = run(f, sb.buf, "SUB");
	assert_int_equal(fd->status, FINDING_SATISFIED);
	assert_int_equal(fd->nevidence, MATCH_MAX_EVIDENCE);
	strbuf_release(&sb);
}

/*
 * The evidence is the first units to satisfy an item, in order, however
 * many come after: accumulate stops reading at the last of them, and
 * counts as satisfying only what evaluate will (a heading's words count
 * for its own body, not for a later section's, and a heading alone
 * satisfies nothing, though it holds every group).
 */
static void test_evidence_first_satisfying_units(void **state)
{
	static const char *text =
		"## 業務終了時の措置\n\n"
		"情報を消去する。\n\n"             /* with its heading: 1 */
		"データを返却する。\n\n"           /* 2 */
		"## 別の節\n\n"
		"情報を消去する。\n\n"             /* no end of the work */
		"業務終了後に情報を廃棄する。\n\n" /* 3 */
		"## 業務終了時の情報の消去\n\n"    /* a heading: none */
		"以上。\n\n"
		"データを消去する。\n\n"           /* with its heading: 4 */
		"契約終了時にデータを消去する。\n\n" /* 5 */
		"業務終了時に情報を返却する。\n";    /* 6: not shown */
	static const char *const want[] = {
		"情報を消去する。", "データを返却する。",
		"業務終了後に情報を廃棄する。", "データを消去する。",
		"契約終了時にデータを消去する。",
	};
	/* ... nor a unit whose every word is not_alone */
	static const char *weak_yaml =
		"id: w\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: W\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      scope: paragraph\n      all:\n"
		"        - any: [alpha, alfa]\n        - any: [beta, bet]\n"
		"      not_alone: [alfa, bet]\n";
	static const char *weak_text =
		"Alpha beta one.\n\nAlfa bet.\n\nAlpha beta two.\n\n"
		"Alpha beta three.\n\nAlpha beta four.\n\n"
		"Alpha beta five.\n\nAlpha beta six.\n";
	/* ... at sentence scope too (the first sentence under 別の節 is
	 * split, its paragraph naming the subject, but it does not) */
	static const char *sent_text =
		"## 再委託\n\n承認を得る。禁止する。\n\n"
		"## 別の節\n\n承認を得る。再委託は禁止する。\n\n"
		"再委託には承認を要する。再委託は承認制とする。"
		"再委託は禁止。\n";
	static const char *const sent_want[] = {
		"承認を得る。", "禁止する。", "再委託は禁止する。",
		"再委託には承認を要する。", "再委託は承認制とする。",
	};
	struct fixture *f = *state;
	const struct finding *fd = run(f, text, "DEL");
	struct checklist *cl = NULL;
	struct matcher *m;
	struct check_report rep = CHECK_REPORT_INIT;
	size_t i;

	assert_int_equal(fd->status, FINDING_SATISFIED);
	assert_int_equal(fd->nevidence, MATCH_MAX_EVIDENCE);
	for (i = 0; i < MATCH_MAX_EVIDENCE; i++)
		assert_string_equal(fd->evidence[i].quote, want[i]);
	fd = run(f, sent_text, "SUB");
	assert_int_equal(fd->status, FINDING_SATISFIED);
	assert_int_equal(fd->nevidence, MATCH_MAX_EVIDENCE);
	for (i = 0; i < MATCH_MAX_EVIDENCE; i++)
		assert_string_equal(fd->evidence[i].quote, sent_want[i]);

	m = own_matcher(weak_yaml, strlen(weak_yaml), &cl);
	assert_int_equal(check_buffer(&rep, m, "w", weak_text,
				      strlen(weak_text)),
			 0);
	fd = &rep.result.findings[0];
	assert_int_equal(fd->status, FINDING_SATISFIED);
	assert_int_equal(fd->nevidence, MATCH_MAX_EVIDENCE);
	assert_string_equal(fd->evidence[4].quote, "Alpha beta five.");
	check_report_release(&rep);
	matcher_free(m);
	checklist_free(cl);
}

/*
 * An item's hits are a list of their own among all items' (in document
 * order): a unit's evidence holds the item's hits only, a unit whose
 * groups come from its heading holds none, and a section's subject is
 * found for a by-reference phrase however few hits it has.
 */
static void test_item_hit_lists(void **state)
{
	struct fixture *f = *state;
	const struct finding *fd;

	/* The first item hit of all is an audit's; the paragraph under
	 * the heading has another, and DEL's groups from its heading. */
	fd = run(f, "Audit first.\n\n## 情報の消去\n\nAudit here.\n", "DEL");
	assert_int_equal(fd->status, FINDING_PARTIAL);
	assert_int_equal(fd->nevidence, 2);
	assert_int_equal(fd->evidence[0].nhits, 2); /* 情報, 消去 */
	assert_int_equal(fd->evidence[1].nhits, 0);
	fd = run(f, "秘密保持については契約書に定めるとおりとする。\n", "NDA");
	assert_int_equal(fd->status, FINDING_BY_REFERENCE);
	/* Sentences are split as far as an item reads its hits; short of
	 * satisfied, its heading's body is split too, hits or none: the
	 * subject in the heading makes its body's sentence partial. */
	fd = run(f, "## 再委託について\n\n本件は以下のとおり。\n", "SUB");
	assert_int_equal(fd->status, FINDING_PARTIAL);
	assert_int_equal(fd->nevidence, 2);
	assert_string_equal(fd->evidence[1].quote, "本件は以下のとおり。");
}

/*
 * A heading over an empty body is no evidence, wherever it is among many
 * sections with long bodies (their ends are looked up from the last).
 */
static void test_empty_sections_among_many(void **state)
{
	struct fixture *f = *state;
	static const char *const bodies[] = {
	    "特になし\n\n", /* dropped */
	    "該当なし\n\n### 細目\n\n本文。\n\n", /* its own body */
	    "本文。\n\n", /* kept: the heading alone is partial */
	};
	static const enum finding_status want[] = {
	    FINDING_MISSING, FINDING_MISSING, FINDING_PARTIAL };

	for (size_t b = 0; b < 3; b++)
		for (size_t at = 0; at < 300; at += 149) {
			struct strbuf sb = STRBUF_INIT;

			for (size_t k = 0; k < 300; k++) {
				if (k == at) {
					strbuf_addstr(&sb, "## 再委託の承認\n\n");
					strbuf_addstr(&sb, bodies[b]);
					continue;
				}
				strbuf_addf(&sb, "## 第%zu節\n\n", k);
				for (size_t w = 0; w < k % 40; w++)
					strbuf_addstr(&sb, "作業は計画に沿って進める。");
				strbuf_addstr(&sb, "\n\n");
			}
			assert_false(sb.failed);
			assert_int_equal(status(f, sb.buf, "SUB"), want[b]);
			strbuf_release(&sb);
		}
}

/* Section scope: the heading and its subsections belong to the unit. */
static void test_section_scope(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(status(f, "## 秘密保持\n\n### 1.1 範囲\n\n第三者に開示しないこと。\n",
				"NDA"),
			 FINDING_SATISFIED);
	{
		/* The evidence points at the block of the first hit, not at
		 * the whole section, and keeps every hit. */
		const struct finding *fd = run(f, "## 秘密保持\n\n### 1.1 範囲\n\n"
					       "第三者に開示しないこと。\n", "NDA");

		assert_int_equal(fd->evidence[0].pos.line, 1);
		assert_int_equal(fd->evidence[0].pos.end_line, 1);
		assert_int_equal(fd->evidence[0].nhits, 2);
		assert_int_equal(fd->evidence[0].hits[1].pos.line, 5);
	}
	/* Text before the first heading is a section of its own. */
	assert_int_equal(status(f, "秘密保持のため、第三者に開示しないこと。\n\n## 次\n\n本文。\n",
				"NDA"),
			 FINDING_SATISFIED);
	assert_int_equal(status(f, "秘密保持について。\n\n## 次\n\n第三者に開示しないこと。\n",
				"NDA"),
			 FINDING_PARTIAL);
	/* Blocks are set apart: 秘密保持 is not found across two list
	 * items (the subject is missing), though the section combines
	 * the words of its items. */
	assert_int_equal(status(f, "## 規定\n\n- 資料は秘密\n- 保持期間の後も第三者に渡さない。\n",
				"NDA"),
			 FINDING_MISSING);
	assert_int_equal(status(f, "## 規定\n\n- 資料は秘密保持の対象\n- 第三者に渡さない。\n",
				"NDA"),
			 FINDING_SATISFIED);
	/* Across two sibling sections it does not combine. */
	assert_int_equal(status(f, "## 秘密保持\n\n対象を定める。\n\n## 別件\n\n第三者に開示しないこと。\n",
				"NDA"),
			 FINDING_PARTIAL);
}

/* Every item of the checklist gets a finding, in checklist order. */
static void test_findings_in_order(void **state)
{
	struct fixture *f = *state;
	size_t i;

	run(f, "nothing here", "SUB");
	assert_int_equal(f->rep.result.nfindings, f->cl->nitems);
	for (i = 0; i < f->cl->nitems; i++)
		assert_ptr_equal(f->rep.result.findings[i].item,
				 &f->cl->items[i]);
	assert_int_equal(f->rep.summary.applicable, 5);
	assert_int_equal(f->rep.summary.mandatory, 4);
	assert_int_equal(f->rep.summary.missing, 5);
	assert_int_equal(f->rep.summary.failing, 4);
}

/* Empty and whitespace-only specs are fine: everything is missing. */
static void test_empty_spec(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(status(f, "", "SUB"), FINDING_MISSING);
	assert_int_equal(status(f, "\n\n   \n", "AUD"), FINDING_MISSING);
	assert_int_equal(status(f, "---\ntitle: x\n---\n", "AUD"),
			 FINDING_MISSING);
}

/* Invalid bytes do not stop matching around them. */
static void test_invalid_utf8(void **state)
{
	struct fixture *f = *state;
	const char text[] = "\xff\xfe audit \xc3 here";

	assert_int_equal(status(f, text, "AUD"), FINDING_SATISFIED);
	assert_true(f->rep.diags.n >= 1);
	assert_int_equal(f->rep.diags.diags[0].severity, SR_SEV_WARNING);
}

/* A long text is read as four parts at once: a term across where a part
 * starts is found once, wherever the start falls in it.  The text is four
 * runs of filler with ten terms between them, and the parts start inside
 * those terms; a last term ends the text, in the bytes after the fourth
 * part (0 to 3 as the length goes). */
static void test_long_text_parts(void **state)
{
	struct fixture *f = *state;
	struct strbuf text = STRBUF_INIT;
	int shift, k, part;

	for (shift = 0; shift < 14; shift++) {
		const struct finding *fd;

		strbuf_reset(&text);
		for (k = 0; k < shift; k++)
			strbuf_addch(&text, 'q');
		for (part = 0; part < 4; part++) {
			for (k = 0; k < 1250; k++)
				strbuf_addstr(&text, "z ");
			for (k = 0; part < 3 && k < 10; k++)
				strbuf_addstr(&text, "audit ");
		}
		/* and at the very end, past the last of four equal parts */
		strbuf_addstr(&text, "audit");
		fd = run(f, text.buf, "AUD");
		assert_int_equal(fd->status, FINDING_SATISFIED);
		assert_int_equal(fd->nevidence, 1);
		assert_int_equal(fd->evidence[0].nhits, 31);
	}
	strbuf_release(&text);
}

/*
 * Long texts are read in parts: by scan_wide() where the processor has
 * AVX-512, by scan_chains() elsewhere and with SPECREVIEW_NO_AVX512.  The
 * two give the same report, to the byte, with the shipped checklist: on
 * the sample specs cut at many lengths (so that the parts' edges fall in
 * every kind of place, in terms and in Japanese characters) and whole.
 */
static void test_scan_paths_agree(void **state)
{
	static const char *const samples[] = {
		"specs/ja/benefits-dev.md", "specs/en/permits-dev.md",
		"specs/ja/helpdesk-ops.md", "specs/en/records-ops.md",
	};
	struct checklist *cl = NULL;
	struct matcher *wide = NULL, *narrow = NULL;
	struct strbuf text = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i, len, ncut = 0;

	(void)state;
	if (!__builtin_cpu_supports("avx512f"))
		fprintf(stderr, "(no AVX-512 here: both reports by "
				"scan_chains)\n");
	assert_int_equal(check_load_default_checklist(&cl, NULL), 0);
	assert_int_equal(matcher_new(&wide, cl, NULL), 0);
	setenv("SPECREVIEW_NO_AVX512", "1", 1);
	assert_int_equal(matcher_new(&narrow, cl, NULL), 0);
	unsetenv("SPECREVIEW_NO_AVX512");
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		char *buf = NULL;
		size_t n = 0;

		assert_int_equal(sr_read_file(&buf, &n, t_src(samples[i]),
					      1 << 20, NULL),
				 0);
		strbuf_add(&text, buf, n);
		free(buf);
	}
	for (len = 4096; len <= text.len; len += len < 6000 ? 29 : 997) {
		struct check_report ra = CHECK_REPORT_INIT,
				    rb = CHECK_REPORT_INIT;

		if (len + 997 > text.len)
			len = text.len; /* and the whole of them last */
		assert_int_equal(check_buffer(&ra, wide, "s.md", text.buf, len),
				 0);
		assert_int_equal(check_buffer(&rb, narrow, "s.md", text.buf,
					      len),
				 0);
		strbuf_reset(&a);
		strbuf_reset(&b);
		assert_int_equal(check_report_serialize(&ra, &a), 0);
		assert_int_equal(check_report_serialize(&rb, &b), 0);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
			fail_msg("the %zu bytes of the samples: the reports "
				 "differ", len);
		/* Something to compare: clauses found. */
		assert_true(ra.summary.satisfied + ra.summary.partial > 0);
		check_report_release(&ra);
		check_report_release(&rb);
		ncut++;
	}
	assert_true(ncut > 60);
	strbuf_release(&text);
	strbuf_release(&a);
	strbuf_release(&b);
	matcher_free(wide);
	matcher_free(narrow);
	checklist_free(cl);
}

/*
 * A matcher of many terms (random words of 32 letters) finds what a
 * matcher of the few terms the texts use finds, in short texts and in
 * long ones (which the 16-bit table reads in parts).  1,200 words make
 * 36,613 states: the 16-bit table, numbered past 32,767 (where a flag
 * bit was once kept); 2,400 make 72,583, more than 16 bits number, so
 * the matcher keeps its 32-bit table.  Two Japanese terms, which no word
 * boundary hides, have the second start inside the first: the text
 * follows the first for six characters, then the automaton has to go
 * on from the second's fifth (a failure state other than the root).
 */
#define WIDE_LEN 32
#define WIDE_JA_A "一二三四五六七八九十上"
#define WIDE_JA_B "二三四五六大小中山川田"

static void wide_automaton(size_t nterms)
{
	static const char *const head =
		"id: w\nversion: '1'\ntitle: {ja: a, en: a}\nitems:\n"
		"  - id: W\n    title: {ja: a, en: a}\n    severity: mandatory\n"
		"    match:\n      scope: sentence\n      all:\n"
		"        - any: [keystone]\n        - any: [";
	const size_t used[] = { 7, 500, nterms - 1 };
	char (*terms)[WIDE_LEN + 1] = calloc(nterms, sizeof(*terms));
	struct strbuf wide = STRBUF_INIT, narrow = STRBUF_INIT,
		      text = STRBUF_INIT;
	struct checklist *wcl = NULL, *ncl = NULL;
	struct matcher *wm, *nm;
	uint32_t x = 2463534242u;
	size_t i, k, t;

	assert_non_null(terms);
	for (i = 0; i < nterms; i++)
		for (k = 0; k < WIDE_LEN; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			terms[i][k] = (char)('a' + x % 26);
		}
	strbuf_addstr(&wide, head);
	for (i = 0; i < nterms; i++)
		strbuf_addf(&wide, "%s, ", terms[i]);
	strbuf_addstr(&wide, WIDE_JA_A ", " WIDE_JA_B "]\n");
	strbuf_addstr(&narrow, head);
	for (i = 0; i < sizeof(used) / sizeof(*used); i++)
		strbuf_addf(&narrow, "%s, ", terms[used[i]]);
	strbuf_addstr(&narrow, WIDE_JA_B "]\n");
	wm = own_matcher(wide.buf, wide.len, &wcl);
	nm = own_matcher(narrow.buf, narrow.len, &ncl);

	for (t = 0; t < 7; t++) {
		struct check_report wr = CHECK_REPORT_INIT, nr = CHECK_REPORT_INIT;
		const struct finding *wf, *nf;
		static const enum finding_status want[] = {
			FINDING_SATISFIED, FINDING_PARTIAL, FINDING_SATISFIED,
			FINDING_MISSING,   FINDING_SATISFIED, FINDING_SATISFIED,
			FINDING_SATISFIED,
		};

		strbuf_reset(&text);
		if (t >= 2 && t != 5) /* long: past the parts the 16-bit
					* table reads */
			for (k = 0; k < 3000; k++)
				strbuf_addstr(&text, "z ");
		switch (t) {
		case 0:
			strbuf_addf(&text, "The keystone is %s.", terms[7]);
			break;
		case 1: /* the term but its last letter */
			strbuf_addf(&text, "The keystone is %.*s.", WIDE_LEN - 1,
				    terms[500]);
			break;
		case 2:
			strbuf_addf(&text, "Keystone %s. ", terms[500]);
			for (k = 0; k < 3000; k++)
				strbuf_addstr(&text, "z ");
			strbuf_addf(&text, "%s keystone", terms[nterms - 1]);
			break;
		case 3:
			strbuf_addf(&text, "%s %s.", terms[7], terms[500]);
			break;
		case 4: /* upper case, and a term inside a longer word */
			strbuf_addstr(&text, "KEYSTONE ");
			for (k = 0; k < WIDE_LEN; k++)
				strbuf_addch(&text, terms[7][k] - 'a' + 'A');
			strbuf_addf(&text, " and x%s.", terms[500]);
			break;
		case 5: /* the second Japanese term inside the first's start */
		case 6:
			strbuf_addstr(&text, "keystone、一" WIDE_JA_B "。");
			break;
		}
		assert_int_equal(check_buffer(&wr, wm, "s", text.buf, text.len),
				 0);
		assert_int_equal(check_buffer(&nr, nm, "s", text.buf, text.len),
				 0);
		wf = &wr.result.findings[0];
		nf = &nr.result.findings[0];
		assert_int_equal(wf->status, want[t]);
		assert_int_equal(nf->status, want[t]);
		assert_int_equal(wf->nevidence, nf->nevidence);
		for (i = 0; i < wf->nevidence; i++) {
			assert_int_equal(wf->evidence[i].nhits,
					 nf->evidence[i].nhits);
			for (k = 0; k < wf->evidence[i].nhits; k++)
				assert_string_equal(wf->evidence[i].hits[k].text,
						    nf->evidence[i].hits[k].text);
		}
		if (t == 2)
			assert_int_equal(wf->nevidence, 2);
		if (t >= 5)
			assert_string_equal(wf->evidence[0].hits[1].text,
					    WIDE_JA_B);
		check_report_release(&wr);
		check_report_release(&nr);
	}
	/*
	 * Each state on the Japanese terms' paths goes on where its failure
	 * state would: after the first k characters of either term, the
	 * second term still starts (a state whose moves were not taken
	 * over from its failure state would return to the root, and lose
	 * the term's first byte).
	 */
	for (t = 0; t < 2 * 10; t++) {
		const char *p = t < 10 ? WIDE_JA_A : WIDE_JA_B;
		struct matcher *both[2] = { wm, nm };

		strbuf_reset(&text);
		strbuf_addf(&text, "keystone、%.*s" WIDE_JA_B "。",
			    3 * (int)(t % 10 + 1), p);
		for (i = 0; i < 2; i++) {
			struct check_report rep = CHECK_REPORT_INIT;

			assert_int_equal(check_buffer(&rep, both[i], "s",
						      text.buf, text.len),
					 0);
			if (rep.result.findings[0].status != FINDING_SATISFIED)
				fail_msg("%s matcher, \"%s\": %s",
					 i ? "narrow" : "wide", text.buf,
					 finding_status_name(
					     rep.result.findings[0].status));
			check_report_release(&rep);
		}
	}
	matcher_free(wm);
	matcher_free(nm);
	checklist_free(wcl);
	checklist_free(ncl);
	strbuf_release(&wide);
	strbuf_release(&narrow);
	strbuf_release(&text);
	free(terms);
}

/*
 * A term longer than the parts a long text is read in (scan_warm): each
 * part's state is warmed up from far enough back whatever its length,
 * so the term is found wherever it starts and ends, and one letter short
 * it is found nowhere.  The two scans agree on each.
 */
static void long_term_at(struct matcher *wide, struct matcher *narrow,
			 const char *term, size_t tlen, size_t n, size_t at,
			 enum finding_status want)
{
	struct strbuf text = STRBUF_INIT;
	struct matcher *m[2] = { wide, narrow };
	size_t k;

	while (text.len < at)
		strbuf_addstr(&text, "z ");
	strbuf_add(&text, term, tlen);
	while (text.len < n)
		strbuf_addstr(&text, " z");
	for (k = 0; k < 2; k++) {
		struct check_report rep = CHECK_REPORT_INIT;

		assert_int_equal(check_buffer(&rep, m[k], "s.md", text.buf,
					      text.len),
				 0);
		if (rep.result.findings[0].status != want)
			fail_msg("%s scan, a term of %zu bytes at %zu of %zu: "
				 "%s, not %s",
				 k ? "the portable" : "the first", tlen, at,
				 text.len,
				 finding_status_name(
					 rep.result.findings[0].status),
				 finding_status_name(want));
		check_report_release(&rep);
	}
	strbuf_release(&text);
}

static void test_long_term_across_parts(void **state)
{
	struct strbuf yaml = STRBUF_INIT, term = STRBUF_INIT;
	struct checklist *cl = NULL, *ncl = NULL;
	struct matcher *wide, *narrow;
	size_t words, at, n = 6000;

	(void)state;
	for (words = 60; words <= 170; words += 110) {
		/* 60 words: shorter than a part of 6,000 bytes (1,000 in
		 * six, 1,500 in four); 170: longer than both. */
		strbuf_reset(&term);
		strbuf_reset(&yaml);
		strbuf_addstr(&term, "keystone");
		while (term.len < words * 9)
			strbuf_addf(&term, " lorem%03zu", term.len / 9);
		strbuf_addf(&yaml,
			    "id: l\nversion: '1'\ntitle: {ja: a, en: a}\n"
			    "items:\n  - id: L\n    title: {ja: a, en: a}\n"
			    "    severity: mandatory\n    match:\n"
			    "      scope: document\n      all:\n"
			    "        - any: ['%s']\n",
			    term.buf);
		wide = own_matcher(yaml.buf, yaml.len, &cl);
		setenv("SPECREVIEW_NO_AVX512", "1", 1);
		narrow = own_matcher(yaml.buf, yaml.len, &ncl);
		unsetenv("SPECREVIEW_NO_AVX512");
		for (at = 0; at + term.len < n; at += 250) {
			long_term_at(wide, narrow, term.buf, term.len, n, at,
				     FINDING_SATISFIED);
			long_term_at(wide, narrow, term.buf, term.len - 1, n,
				     at, FINDING_MISSING);
		}
		matcher_free(wide);
		matcher_free(narrow);
		checklist_free(cl);
		checklist_free(ncl);
	}
	strbuf_release(&yaml);
	strbuf_release(&term);
}

static void test_wide_automaton(void **state)
{
	(void)state;
	wide_automaton(1200);
}

static void test_wider_automaton(void **state)
{
	(void)state;
	wide_automaton(2400);
}

/*
 * Regex tails (match.c) only skip attempts that cannot match: on random
 * texts made of the regexes' own words, the matcher finds each regex
 * exactly where PCRE2 scanning the whole normalized text does.  The
 * regexes are the shapes the reader must get right: optional and
 * repeated characters, escapes, classes, lookarounds, nested and
 * optional groups, upper case, Japanese.
 */
/* q and five combining marks: one grapheme cluster of 11 bytes */
#define QMARKS "q\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x86"

static const struct {
	const char *regex;
	const char *words[10]; /* what texts for it are made of */
} tail_cases[] = {
	{ "(情報|データ|資料)[^。]{0,30}(返却|返還)",
	  { "情報", "データ", "を", "返却", "返還", "する", "。" } },
	{ "\\bbreach(es)?\\s+of\\s+(this|the)\\s+(\\S+\\s+){0,3}"
	  "(obligations?|dut(y|ies))\\b",
	  { "breach", "breaches", "of", "the", "this", "contract",
	    "obligation", "duties", "duty" } },
	{ "\\bsub-?contract\\w*",
	  { "sub", "-", "contract", "subcontract", "sub-contractor", "or" } },
	{ "(?<=\\d)%\\s*(availability|uptime)",
	  { "50", "%", "availability", "uptime", "9" } },
	{ "iso\\s*[/-]?\\s*(iec\\s*)?270(0[12]|1[78])(?!\\d)",
	  { "iso", "27001", "iec", "/", "27018", "270", "0", "1" } },
	{ "\\bsecurely\\s+(transferr|sen[dt]|shar)\\w*",
	  { "securely", "send", "sent", "sharing", "transferred", "sen" } },
	{ "ab+c{2,3}def", { "a", "b", "c", "def", "abbbccdef", "de", "f" } },
	{ "xy\\.zz\\.abc", { "xy", ".", "zz", "abc", ".zz", ".abc" } },
	{ "(?:foo|bar)baz(qux)?quux",
	  { "foo", "bar", "baz", "qux", "quux", "foobazquux" } },
	{ "(alpha|beta)[^.]{0,20}(gamma|delta)\\b",
	  { "alpha", "beta", "gamma", "delta", "deltas", "." } },
	{ "(Alpha|BETA)\\s+Omega", { "ALPHA", "beta", "OMEGA", "Omega" } },
	{ "(セキュリティ|対策)[^。]{0,10}(不十分|違反)",
	  { "セキュリティ", "対策", "が", "不十分", "違反", "。" } },
	{ "(?<!not )accept(ance|ed)[^.]{0,30}(cyber)?security",
	  { "accepted", "not", "acceptance", "cyber", "security", "." } },
	{ "(期間)?(の|が)?満了", { "期間", "の", "が", "満了" } },
	{ "gam+ma\\s*delta", { "ga", "m", "ma", "delta", "gamma" } },
	/* an optional group longer than what must follow it */
	{ "alpha\\s+(gammas|deltas)?\\s*ome",
	  { "alpha", "gammas", "deltas", "ome", "omega" } },
	{ "kilo(meters)*\\s*per", { "kilo", "meters", "per", "perk" } },
	/* escapes that carry a payload: not literals of the pattern */
	{ "foo\\x41bar", { "foo", "a", "bar", "41bar", "fooabar", "x41" } },
	{ "foo\\x{42}cdef", { "foo", "b", "cdef", "42", "{42}cdef" } },
	{ "foo\\101bcd", { "foo", "a", "bcd", "101bcd", "fooabcd" } },
	{ "foo\\cZbcd", { "foo", "\x1a", "zbcd", "bcd", "cz" } },
	{ "foo\\p{L}bcd", { "foo", "x", "bcd", "{l}bcd", "l" } },
	/* a brace that is no quantifier is a literal (fuzz_tails found the
	 * anchor reader running past the end of "(…){0,…" without '}') */
	{ "(abc|def){0,x", { "abc", "def", "{0,x", "{", "0,x" } },
	{ "(abc|def){2}ghi", { "abc", "def", "ghi", "abcdef" } },
	{ "(abc|def){0,2}ghij", { "abc", "def", "ghij", "ghi" } },
	/* an empty last alternative matches anywhere (fuzz_tails) */
	{ "xyz(abc|def|)", { "xyz", "abc", "def", "x" } },
	{ "(abc|def|)ghi", { "abc", "def", "ghi", "gh" } },
	/* case beyond ASCII: the text is folded, the regex caseless */
	{ "Évaluation\\s+de", { "évaluation", "Évaluation", "de", "x" } },
	/* a tail only so far on: near ones and far ones both occur */
	{ "(alpha|beta)[^.]{0,4}(gamma|delta)",
	  { "alpha", "beta", "gamma", "delta", "x", "yy", "." } },
	{ "(情報|資料)[^。]{0,2}(返却|返還)",
	  { "情報", "資料", "を", "の", "返却", "返還", "。" } },
	{ "(ab|abcdefghijklmnopqrstuvwx)(?:xy|z){0,2}tail",
	  { "ab", "abcdefghijklmnopqrstuvwx", "xy", "z", "tail", "abxyz" } },
	{ "(abc|def)\\s?(?=g)ghi", { "abc", "def", "ghi", "defghi", "g" } },
	{ "(abc|def)(x)\\2?ghi", { "abc", "def", "x", "xx", "ghi" } },
	/* a grapheme cluster is any number of characters */
	{ "(abc|def)\\X{0,2}ghi",
	  { "abc", "def", "ghi", "x", QMARKS QMARKS,
	    "abc" QMARKS QMARKS "ghi" } },
	/* after an optional first group the literal is an anchor too */
	{ "(cyber)?security[^.]{0,6}(operations?|upkeep)",
	  { "cyber", "security", "operation", "operations", "upkeep", "x",
	    "." } },
	/* two tails, each of which must follow (security and polic; 一時
	 * within 7 characters, 中止 or 停止 within 12) */
	{ "(agency|office)\\s+(\\S+\\s+){0,3}security\\s+polic(y|ies)\\b",
	  { "agency", "office", "security", "policy", "policies", "police",
	    "it", "." } },
	{ "(本業務|作業)[^。]{0,4}一時[^。]{0,3}(中止|停止)",
	  { "本業務", "作業", "を", "一時", "中止", "停止", "。" } },
	/* what may come before a tail of no bounded length: at most two
	 * words, or no '.', or neither (struct gap in match.c) */
	{ "\\b(shall|to)\\s+(\\S+\\s+){0,1}return\\s+(data|files)\\b",
	  { "shall", "to", "x", "return", "data", "files", ".", "yy" } },
	{ "(alpha|beta)\\w*\\b[^.]*(gamma|delta)",
	  { "alpha", "betas", "gamma", "delta", ".", "x", "a.b" } },
	{ "(alpha|beta)\\S*gamma", { "alpha", "beta", "gamma", ".", "x" } },
	{ "(alpha|beta)[^ ]*gamma", { "alpha", "beta", "gamma", ".", "-" } },
	{ "(alpha|beta)[ a-z]*gamma", { "alpha", "beta", "gamma", ".", "x" } },
	/* ranges: '+' to '/' holds '.'; kana hold neither it nor a space */
	{ "(alpha|beta)[+-/x]*gamma", { "alpha", "beta", "gamma", ".", "+" } },
	{ "(alpha|beta)[ -#]*gamma", { "alpha", "beta", "gamma", "!", "." } },
	{ "(alpha|beta)[\\W]*gamma", { "alpha", "beta", "gamma", ",", "." } },
	{ "(alpha|beta)[ぁ-ん]*gamma", { "alpha", "beta", "gamma", "を", "." } },
	{ "(alpha|beta)[^\\s]*?\\.?\\w*gamma",
	  { "alpha", "beta", "gamma", ".", "x.", "y" } },
	{ "(alpha|beta)(\\s+\\w+){1,2}\\W+gamma",
	  { "alpha", "beta", "gamma", ".", ",", "zz" } },
	{ "(情報|資料)\\s*\\S*?(返却)", { "情報", "資料", "を", "返却", "。", "." } },
	/* anchors at word boundaries only: a leading \\b, and \\s after
	 * whole words (not "tox", "xto", "oto") */
	{ "\\b(to|at)\\s+gamma", { "to", "at", "tox", "xto", "oto", "gamma" } },
	{ "\\bonly\\s+gamma", { "only", "onlyx", "xonly", "gamma", "-" } },
	{ "\\b%\\s*gamma", { "5", "%", "gamma", "x", "-" } },
	{ "\\b(sen[dt]|to)\\s+gamma", { "send", "sent", "sen", "to", "gamma" } },
	/* tried from the tail (a short whole word before a long tail),
	 * back a few words, or bytes and no '.' */
	{ "\\b(shall|to)\\s+(\\S+\\s+){0,2}return\\s+(\\S+\\s+){0,1}(data|files)\\b",
	  { "shall", "to", "tomorrow", "return", "data", "files", "x", ".",
	    "returns" } },
	{ "\\b(to|if)\\s[^.]{0,10}gammas",
	  { "to", "if", "x", "gammas", ".", "tox", "gamma", "yyyy" } },
};

static void test_regex_tails_are_sound(void **state)
{
	struct strbuf yaml = STRBUF_INIT, text = STRBUF_INIT;
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct check_report rep = CHECK_REPORT_INIT;
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	const size_t nrx = sizeof(tail_cases) / sizeof(*tail_cases);
	uint32_t seed = 12345;
	size_t i, t, nw, found = 0;

	(void)state;
	strbuf_addstr(&yaml, "id: tails\nversion: '1'\n"
			     "title: {ja: a, en: a}\nitems:\n");
	for (i = 0; i < nrx; i++) {
		strbuf_addf(&yaml,
			    "  - id: R%zu\n    title: {ja: a, en: a}\n"
			    "    severity: mandatory\n    match:\n"
			    "      scope: document\n      all:\n"
			    "        - regex: ['",
			    i);
		strbuf_addstr(&yaml, tail_cases[i].regex);
		strbuf_addstr(&yaml, "']\n");
	}
	m = own_matcher(yaml.buf, yaml.len, &cl);
	for (t = 0; t < 400 * nrx; t++) {
		struct text_norm n = TEXT_NORM_INIT;
		const struct cl_regex *rx;
		size_t k, words, c = t % nrx;
		int want, got;

		for (nw = 0; nw < 10 && tail_cases[c].words[nw]; nw++)
			;
		strbuf_reset(&text);
		seed = seed * 1103515245u + 12345u;
		words = 1 + (seed >> 16) % 12;
		for (k = 0; k < words; k++) {
			seed = seed * 1103515245u + 12345u;
			strbuf_addstr(&text,
				      tail_cases[c].words[(seed >> 16) % nw]);
			/* Now and then a new paragraph or list item. */
			if ((seed >> 8) % 16 == 0)
				strbuf_addstr(&text, "\n\n");
			else if ((seed >> 8) % 16 == 1)
				strbuf_addstr(&text, "\n- ");
			else if ((seed >> 8) % 3)
				strbuf_addch(&text, ' ');
		}
		assert_int_equal(check_buffer(&rep, m, "r.md", text.buf,
					      text.len),
				 0);
		{
			/* The text as the matcher normalizes it: blocks
			 * set apart by '\n'. */
			struct doc *d = NULL;
			uint32_t st[64];
			size_t ns = 0, b;

			assert_int_equal(doc_parse(&d, "r.md", text.buf,
						   text.len, DOC_COPY, NULL),
					 0);
			for (b = 0; b < d->nblocks && ns < 64; b++)
				st[ns++] = d->blocks[b].start;
			assert_int_equal(text_normalize_blocks(
						 &n, text.buf, text.len,
						 TEXT_NORM_MARKUP, st, ns),
					 0);
			doc_free(d);
		}
		rx = &cl->items[c].groups[0].regexes[0];
		/* A match inside one block of PCRE2's whole-text scan. */
		want = 0;
		for (size_t a = 0, e; a <= n.len && !want; a = e + 1) {
			const char *nl = memchr(n.buf + a, '\n', n.len - a);

			e = nl ? (size_t)(nl - n.buf) : n.len;
			want = pcre2_match(rx->code, (PCRE2_SPTR)n.buf, e, a,
					   0, md, NULL) >= 0;
		}
		got = rep.result.findings[c].status == FINDING_SATISFIED;
		if (want != got)
			fail_msg("/%s/ on \"%s\": PCRE2 says %d, the matcher "
				 "%d",
				 tail_cases[c].regex, text.buf, want, got);
		found += got;
		check_report_release(&rep);
		text_norm_release(&n);
	}
	/* The texts do hit the regexes, often enough to mean something. */
	assert_true(found > 40 * nrx);
	pcre2_match_data_free(md);
	matcher_free(m);
	checklist_free(cl);
	strbuf_release(&yaml);
	strbuf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_alone_only, setup, teardown),
		cmocka_unit_test(test_same_bytes_different_rules),
		cmocka_unit_test(test_shared_regex),
		cmocka_unit_test(test_no_pattern_at_all),
		cmocka_unit_test(test_punctuation_anchor),
		cmocka_unit_test(test_same_words_two_regexes),
		cmocka_unit_test(test_subject_decides),
		cmocka_unit_test(test_regex_needs_subject),
		cmocka_unit_test_setup_teardown(test_evidence_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_evidence_first_satisfying_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_item_hit_lists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_serialize_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_section_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_sections_among_many,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_spec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_text_parts, setup, teardown),
		cmocka_unit_test(test_scan_paths_agree),
		cmocka_unit_test(test_long_term_across_parts),
		cmocka_unit_test(test_wide_automaton),
		cmocka_unit_test(test_wider_automaton),
		cmocka_unit_test(test_regex_tails_are_sound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
