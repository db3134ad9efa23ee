/*
 * test_checklist.c - the checklist loader: a valid file's model, every kind
 * of malformed input with its exact position, and the shipped checklist.
 */
#include "testutil.h"

#include "checklist.h"
#include "error.h"
#include "strbuf.h"
#include "util.h"

#define HEAD                                                               \
	"id: t\n"                                                          \
	"version: '1'\n"                                                   \
	"title: {ja: あ, en: a}\n"                                          \
	"items:\n"
/* Lines 5-10 when it follows HEAD. */
#define ITEM                                                               \
	"  - id: A-1\n"                                                    \
	"    title: {ja: い, en: i}\n"                                      \
	"    severity: mandatory\n"                                        \
	"    match:\n"                                                     \
	"      all:\n"                                                     \
	"        - any: [x]\n"

static const char valid_yaml[] =
	"# a test checklist\n"
	"id: test-list\n"
	"version: 1.0\n"
	"title: {ja: テスト, en: Test}\n"
	"source: ガイドライン\n"
	"by_reference:\n"
	"  any: [契約書に記載のとおり]\n"
	"  regex: ['far 52\\.\\d+']\n"
	"empty_markers: [特になし, N/A]\n"
	"exclude: [廃棄物]\n"
	"items:\n"
	"  - id: T-01\n" /* line 12 */
	"    title: {ja: 報告, en: Reporting}\n"
	"    guidance: {ja: 書くこと, en: Write it}\n"
	"    severity: conditional\n"
	"    reference: \"4.1(2)\"\n"
	"    tags:\n"
	"      threat: [external, insider]\n"
	"      property: [integrity]\n"
	"    applies_when:\n"
	"      Kind: [Development, operations]\n"
	"      cloud: true\n"
	"    template: T-01\n"
	"    match:\n"
	"      scope: paragraph\n"
	"      all:\n"
	"        - any: [インシデント, Incident*]\n" /* line 27 */
	"        - any: [ＩＳＭＡＰ]\n"
	"          regex: ['within \\d+ hours']\n"
	"      regex: ['\\d+時間以内']\n"
	"      not_alone: [事故]\n"
	"      exclude: [事故米]\n"
	"    examples:\n"
	"      satisfied: [\"インシデントは報告する\"]\n"
	"      missing: [\"なし\"]\n"
	"  - id: T-02\n"
	"    title: {ja: 二, en: Two}\n"
	"    severity: recommended\n"
	"    match:\n"
	"      all:\n"
	"        - any: [foo]\n";

static void test_valid(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	const struct cl_item *it;

	(void)state;
	assert_int_equal(checklist_load_buffer(&cl, valid_yaml,
					       strlen(valid_yaml), "v.yaml",
					       &err),
			 0);
	assert_int_equal(err.n, 0);
	assert_non_null(cl);
	assert_string_equal(cl->path, "v.yaml");
	assert_string_equal(cl->id, "test-list");
	assert_string_equal(cl->version, "1.0");
	assert_string_equal(cl->title.ja, "テスト");
	assert_string_equal(cl->title.en, "Test");
	assert_string_equal(cl->source, "ガイドライン");
	assert_int_equal(cl->by_reference.nterms, 1);
	assert_int_equal(cl->by_reference.nregexes, 1);
	assert_non_null(cl->by_reference.regexes[0].code);
	assert_int_equal(cl->nempty_markers, 2);
	assert_string_equal(cl->empty_markers[1].text, "N/A");
	assert_string_equal(cl->empty_markers[1].norm, "n/a");
	assert_int_equal(cl->nexclude, 1);
	assert_int_equal(cl->nitems, 2);

	it = &cl->items[0];
	assert_string_equal(it->id, "T-01");
	assert_int_equal(it->line, 12);
	assert_int_equal(it->col, 5);
	assert_string_equal(it->guidance.en, "Write it");
	assert_int_equal(it->severity, CL_CONDITIONAL);
	assert_string_equal(it->reference, "4.1(2)");
	assert_int_equal(it->threat, CL_THREAT_EXTERNAL | CL_THREAT_INSIDER);
	assert_int_equal(it->property, CL_PROP_INTEGRITY);
	assert_int_equal(it->nconds, 2);
	assert_string_equal(it->conds[0].key, "kind");
	assert_int_equal(it->conds[0].nvalues, 2);
	assert_string_equal(it->conds[0].values[0], "development");
	assert_string_equal(it->conds[0].values[1], "operations");
	assert_string_equal(it->conds[1].key, "cloud");
	assert_int_equal(it->conds[1].nvalues, 1);
	assert_string_equal(it->conds[1].values[0], "true");
	assert_string_equal(it->template_id, "T-01");
	assert_int_equal(it->scope, CL_PARAGRAPH);

	/* match.all, then match.regex as one more group */
	assert_int_equal(it->ngroups, 3);
	assert_int_equal(it->groups[0].nterms, 2);
	assert_int_equal(it->groups[0].nregexes, 0);
	assert_string_equal(it->groups[0].terms[0].norm, "インシデント");
	assert_int_equal(it->groups[0].terms[0].prefix, 0);
	assert_string_equal(it->groups[0].terms[1].text, "Incident*");
	assert_string_equal(it->groups[0].terms[1].norm, "incident");
	assert_int_equal(it->groups[0].terms[1].prefix, 1);
	assert_int_equal(it->groups[0].terms[1].line, 27);
	assert_int_equal(it->groups[0].terms[1].col, 25);
	assert_string_equal(it->groups[1].terms[0].text, "ＩＳＭＡＰ");
	assert_string_equal(it->groups[1].terms[0].norm, "ismap");
	assert_int_equal(it->groups[1].nregexes, 1);
	assert_string_equal(it->groups[1].regexes[0].pattern,
			    "within \\d+ hours");
	assert_int_equal(it->groups[2].nterms, 0);
	assert_int_equal(it->groups[2].nregexes, 1);
	assert_string_equal(it->groups[2].regexes[0].pattern, "\\d+時間以内");
	assert_non_null(it->groups[2].regexes[0].code);
	assert_int_equal(it->nnot_alone, 1);
	assert_string_equal(it->not_alone[0].norm, "事故");
	assert_int_equal(it->nexclude, 1);
	assert_int_equal(it->nex_satisfied, 1);
	assert_string_equal(it->ex_satisfied[0].text, "インシデントは報告する");
	assert_int_equal(it->nex_missing, 1);

	it = &cl->items[1];
	assert_int_equal(it->scope, CL_SENTENCE); /* the default */
	assert_int_equal(it->severity, CL_RECOMMENDED);
	assert_int_equal(it->nconds, 0);
	assert_null(it->reference);
	assert_null(it->template_id);
	assert_null(it->guidance.ja);
	assert_int_equal(it->ngroups, 1);

	assert_ptr_equal(checklist_item_find(cl, "T-02"), &cl->items[1]);
	assert_null(checklist_item_find(cl, "T-03"));
	checklist_free(cl);
	sr_error_release(&err);
}

static void test_names(void **state)
{
	struct cl_text both = { (char *)"日本語", (char *)"English" };
	struct cl_text ja = { (char *)"日本語", NULL };
	struct cl_text en = { NULL, (char *)"English" };

	(void)state;
	assert_string_equal(cl_severity_name(CL_MANDATORY), "mandatory");
	assert_string_equal(cl_severity_name(CL_CONDITIONAL), "conditional");
	assert_string_equal(cl_severity_name(CL_RECOMMENDED), "recommended");
	assert_string_equal(cl_scope_name(CL_SENTENCE), "sentence");
	assert_string_equal(cl_scope_name(CL_DOCUMENT), "document");
	assert_string_equal(cl_text_get(&both, "ja"), "日本語");
	assert_string_equal(cl_text_get(&both, "en"), "English");
	assert_string_equal(cl_text_get(&both, "fr"), "English");
	assert_string_equal(cl_text_get(&en, "ja"), "English");
	assert_string_equal(cl_text_get(&ja, "en"), "日本語");
	checklist_free(NULL);
}

/* ---- malformed input: one problem each, at an exact position ---------- */

struct bad_case {
	const char *name;
	const char *yaml;
	size_t len; /* 0: strlen(yaml) */
	int code;
	int line, col;
	const char *msg; /* a substring of the message */
};

#define A8 "*a,*a,*a,*a,*a,*a,*a,*a,"
#define ALIAS9(x) "[" x "," x "," x "," x "," x "," x "," x "," x "," x "]"

static const struct bad_case bad_cases[] = {
	{ "syntax error", "id: t\n  bad: x\n", 0, SR_EPARSE, 2, 6,
	  "syntax error: mapping values are not allowed" },
	{ "unclosed flow", HEAD "  - [a\n", 0, SR_EPARSE, 6, 1,
	  "syntax error: did not find expected ',' or ']'" },
	{ "unknown key, suggestion", HEAD ITEM "    tilte: x\n", 0, SR_EPARSE,
	  11, 5, "unknown key 'tilte' (did you mean 'title'?)" },
	{ "unknown key", HEAD ITEM "    colour: red\n", 0, SR_EPARSE, 11, 5,
	  "unknown key 'colour' in 'item' (valid: id, title," },
	{ "not a list", "id: t\nversion: '1'\ntitle: {ja: あ, en: a}\n"
	  "items: foo\n", 0, SR_EPARSE, 4, 8,
	  "expected a list for 'items', got a string" },
	{ "not a string", HEAD ITEM "    reference: [a]\n", 0, SR_EPARSE, 11,
	  16, "expected a string for 'reference', got a list" },
	{ "not a mapping", HEAD ITEM "    tags: x\n", 0, SR_EPARSE, 11, 11,
	  "expected a mapping for 'tags', got a string" },
	{ "null value", HEAD ITEM "    reference:\n", 0, SR_EPARSE, 11, 15,
	  "expected a string for 'reference', got nothing" },
	{ "missing key", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    match: {all: [{any: [x]}]}\n", 0, SR_EPARSE, 5, 5,
	  "missing required key 'severity'" },
	{ "missing title language", "id: t\nversion: '1'\ntitle: {ja: あ}\n"
	  "items:\n" ITEM, 0, SR_EPARSE, 3, 8, "missing required key 'en'" },
	{ "duplicate key", "id: t\nversion: '1'\nversion: '2'\n"
	  "title: {ja: あ, en: a}\nitems:\n" ITEM, 0, SR_EPARSE, 3, 1,
	  "duplicate key 'version' (first at line 2)" },
	{ "duplicate applies_when key", HEAD ITEM
	  "    applies_when: {kind: a, Kind: b}\n", 0, SR_EPARSE, 11, 29,
	  "duplicate key 'Kind' (first at line 11)" },
	{ "duplicate item id", HEAD ITEM ITEM, 0, SR_EPARSE, 11, 9,
	  "duplicate item id 'A-1' (first at line 5)" },
	{ "no items", "id: t\nversion: '1'\ntitle: {ja: あ, en: a}\n"
	  "items: []\n", 0, SR_EPARSE, 4, 8, "empty list for 'items'" },
	{ "empty group", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      all:\n        - {}\n",
	  0, SR_EPARSE, 10, 11, "empty group in 'all'" },
	{ "empty any", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      all:\n"
	  "        - any: []\n", 0, SR_EPARSE, 10, 16, "empty list for 'any'" },
	{ "empty all", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match: {all: []}\n", 0, SR_EPARSE, 8,
	  18, "empty list for 'all'" },
	{ "empty term", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      all:\n"
	  "        - any: [x, '']\n", 0, SR_EPARSE, 10, 20,
	  "empty string for 'any'" },
	{ "term of spaces", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      all:\n"
	  "        - any: [x, ' *']\n", 0, SR_EPARSE, 10, 20,
	  "term ' *' in 'any' is empty once normalized" },
	{ "bad regex", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      all:\n"
	  "        - regex: ['a(b']\n", 0, SR_EPARSE, 10, 23,
	  "invalid regex in 'regex': missing closing parenthesis" },
	{ "bad plain regex", HEAD ITEM "      regex: [a(b]\n", 0, SR_EPARSE,
	  11, 18, "invalid regex in 'regex': missing closing parenthesis" },
	{ "duplicate match", HEAD ITEM
	  "  - id: A-2\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n"
	  "    match: {all: [{any: [y]}]}\n"
	  "    match: {all: [{any: [y]}]}\n", 0, SR_EPARSE, 15, 5,
	  "duplicate key 'match' (first at line 14)" },
	{ "regex matching nothing", HEAD ITEM "      regex: ['x?']\n", 0,
	  SR_EPARSE, 11, 15, "regex 'x?' in 'regex' matches an empty string" },
	{ "bad severity", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatroy\n    match: {all: [{any: [x]}]}\n", 0,
	  SR_EPARSE, 7, 15,
	  "invalid severity 'mandatroy' (valid: mandatory, conditional, "
	  "recommended)" },
	{ "bad scope", HEAD ITEM "      scope: line\n", 0, SR_EPARSE, 11, 14,
	  "invalid scope 'line' (valid: sentence, paragraph, section, "
	  "document)" },
	{ "bad threat", HEAD ITEM "    tags: {threat: [external, alien]}\n", 0,
	  SR_EPARSE, 11, 31, "invalid threat 'alien' (valid: external, " },
	{ "bad property", HEAD ITEM "    tags: {property: [secrecy]}\n", 0,
	  SR_EPARSE, 11, 23, "invalid property 'secrecy' (valid: " },
	{ "bad checklist id", "id: Test_1\nversion: '1'\n"
	  "title: {ja: あ, en: a}\nitems:\n" ITEM, 0, SR_EPARSE, 1, 5,
	  "invalid checklist id 'Test_1'" },
	{ "template with a slash", HEAD ITEM "    template: ../x\n", 0,
	  SR_EPARSE, 11, 15, "invalid template '../x'" },
	{ "applies_when list", HEAD ITEM "    applies_when: [kind]\n", 0,
	  SR_EPARSE, 11, 19, "expected a mapping for 'applies_when'" },
	{ "applies_when value", HEAD ITEM "    applies_when: {kind: {a: b}}\n",
	  0, SR_EPARSE, 11, 26, "expected a string for 'kind', got a mapping" },
	{ "group not a mapping", HEAD "  - id: A-1\n"
	  "    title: {ja: い, en: i}\n    severity: mandatory\n"
	  "    match: {all: [[x]]}\n", 0, SR_EPARSE, 8, 19,
	  "expected a mapping for 'all', got a list" },
	{ "top level a list", "- a\n- b\n", 0, SR_EPARSE, 1, 1,
	  "expected a mapping at the top of the checklist, got a list" },
	{ "non-string key", HEAD ITEM "    [a]: b\n", 0, SR_EPARSE, 11, 5,
	  "expected a key in 'item', got a list" },
	{ "invalid UTF-8", "id: t\nversion: '1'\ntitle: {ja: \xe3\x81, en: a}\n",
	  0, SR_EPARSE, 3, 13, "invalid UTF-8 (byte 0xE3)" },
	{ "control character", "id: t\x01\n", 0, SR_EPARSE, 1, 6,
	  "syntax error: control characters are not allowed" },
	{ "second document", "id: t\n---\nid: u\n", 0, SR_EPARSE, 2, 1,
	  "found a second one" },
	{ "undefined alias", "id: *x\n", 0, SR_EPARSE, 1, 5,
	  "alias '*x' refers to no complete anchor" },
	{ "recursive alias", "a: &a [*a]\n", 0, SR_EPARSE, 1, 8,
	  "alias '*a' refers to no complete anchor" },
	{ "alias bomb",
	  "a: &a " ALIAS9("x") "\n"
	  "b: &b " ALIAS9("*a") "\n"
	  "c: &c " ALIAS9("*b") "\n"
	  "d: &d " ALIAS9("*c") "\n"
	  "e: &e " ALIAS9("*d") "\n"
	  "f: &f " ALIAS9("*e") "\n"
	  "g: &g " ALIAS9("*f") "\n"
	  "h: &h " ALIAS9("*g") "\n"
	  "i: &i " ALIAS9("*h") "\n",
	  0, SR_ELIMIT, 7, 14, "aliases expand to more than 4194304 bytes" },
	{ "too many aliases", "a: &a x\nb: [" A8 A8 A8 A8 A8 A8 A8 A8 "*a]\n", 0,
	  SR_ELIMIT, 2, 5 + 3 * 64, "too many aliases (more than 64)" },
	{ "deep nesting",
	  "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]]]]]]]]]]\n",
	  0, SR_ELIMIT, 1, 35, "nesting deeper than 32 levels" },
	{ "empty file", "", 0, SR_EPARSE, 0, 0, "empty checklist" },
	{ "only comments", "# nothing here\n\n", 0, SR_EPARSE, 0, 0,
	  "empty checklist" },
	{ "null document", "---\n...\n", 0, SR_EPARSE, 0, 0,
	  "empty checklist" },
	{ "binary", "id: t\0\x01\x02", 8, SR_EBINARY, 1, 6,
	  "binary file (NUL byte)" },
	{ "NUL escape", HEAD ITEM "    reference: \"a\\0b\"\n", 0, SR_EPARSE,
	  11, 16, "NUL character in 'reference'" },
	{ "too many groups", HEAD "  - id: A-1\n    title: {ja: い, en: i}\n"
	  "    severity: mandatory\n    match:\n      regex: [y]\n      all: ["
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, {any: [x]}, "
	  "{any: [x]}, {any: [x]}]\n", 0, SR_EPARSE, 10, 12,
	  "too many groups (33, at most 32 counting 'regex')" },
};

/* Returns 0, or 1 after printing what differs. */
static int run_bad_case(const struct bad_case *c)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = (struct checklist *)1;
	size_t len = c->len ? c->len : strlen(c->yaml);
	int ret, failed = 0;

	ret = checklist_load_buffer(&cl, c->yaml, len, "bad.yaml", &err);
	if (ret != c->code || err.nerrors != 1 || err.n != 1 ||
	    err.diags[0].line != c->line || err.diags[0].col != c->col ||
	    !strstr(err.diags[0].msg, c->msg)) {
		size_t i;

		print_error("case '%s': ret %d (want %d), %zu diagnostics\n",
			    c->name, ret, c->code, err.n);
		for (i = 0; i < err.n; i++)
			print_error("  %d:%d: %s\n", err.diags[i].line,
				    err.diags[i].col, err.diags[i].msg);
		print_error("  want %d:%d: ...%s...\n", c->line, c->col,
			    c->msg);
		failed = 1;
	}
	assert_null(cl);
	assert_true(err.n > 0);
	assert_string_equal(err.diags[0].path, "bad.yaml");
	sr_error_release(&err);
	return failed;
}

static void test_bad_inputs(void **state)
{
	size_t i;
	int failed = 0;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(bad_cases); i++)
		failed |= run_bad_case(&bad_cases[i]);
	assert_int_equal(failed, 0);
}

/* ---- several problems, all reported in order --------------------------- */

static void test_every_problem(void **state)
{
	static const char yaml[] =
		"id: t\n"
		"version: '1'\n"
		"title: {ja: あ}\n"                    /* 3: missing en */
		"sorce: x\n"                            /* 4: unknown key */
		"items:\n"
		"  - id: A-1\n"
		"    title: {ja: い, en: i}\n"
		"    severity: must\n"                  /* 8: bad severity */
		"    match:\n"
		"      all:\n"
		"        - any: []\n"                   /* 11: empty any */
		"        - regex: ['(']\n"              /* 12: bad regex */
		"  - id: A-1\n"                         /* 13: duplicate id */
		"    title: {ja: い, en: i}\n"
		"    severity: mandatory\n"
		"    match: {all: [{any: [x]}], scope: para}\n"; /* 16 */
	static const int lines[] = { 3, 4, 8, 11, 12, 13, 16 };
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	size_t i;

	(void)state;
	assert_int_equal(checklist_load_buffer(&cl, yaml, strlen(yaml), "m",
					       &err),
			 SR_EPARSE);
	assert_null(cl);
	assert_int_equal(err.nerrors, SR_ARRAY_SIZE(lines));
	for (i = 0; i < SR_ARRAY_SIZE(lines); i++)
		assert_int_equal(err.diags[i].line, lines[i]);
	assert_non_null(strstr(err.diags[1].msg, "did you mean 'source'?"));
	sr_error_release(&err);
}

/* Past 100 problems the loader says so once and stops. */
static void test_too_many_problems(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	int i;

	(void)state;
	strbuf_addstr(&sb, HEAD ITEM);
	for (i = 0; i < 150; i++)
		strbuf_addf(&sb, "    x%d: y\n", i);
	assert_false(sb.failed);
	assert_int_equal(checklist_load_buffer(&cl, sb.buf, sb.len, "m",
					       &err),
			 SR_EPARSE);
	assert_null(cl);
	assert_int_equal(err.n, 101);
	assert_non_null(strstr(err.diags[100].msg, "too many errors"));
	assert_int_equal(err.diags[99].line, 110);
	sr_error_release(&err);
	strbuf_release(&sb);
}

/* Aliases may share lists, but not expand beyond the size limit. */
static void test_aliases(void **state)
{
	static const char ok[] =
		"id: t\n"
		"version: '1'\n"
		"title: &t {ja: あ, en: a}\n"
		"items:\n"
		"  - id: A-1\n"
		"    title: *t\n"
		"    severity: mandatory\n"
		"    match: &m\n"
		"      all:\n"
		"        - any: &terms [委託, outsourc*]\n"
		"  - id: A-2\n"
		"    title: *t\n"
		"    severity: mandatory\n"
		"    match: {all: [{any: *terms}, {any: [x]}]}\n";
	struct strbuf sb = STRBUF_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	int i;

	(void)state;
	assert_int_equal(checklist_load_buffer(&cl, ok, strlen(ok), "a", &err),
			 0);
	assert_int_equal(cl->nitems, 2);
	assert_string_equal(cl->items[1].title.en, "a");
	assert_int_equal(cl->items[1].ngroups, 2);
	assert_string_equal(cl->items[1].groups[0].terms[1].norm, "outsourc");
	assert_int_equal(cl->items[1].groups[0].terms[1].prefix, 1);
	checklist_free(cl);
	cl = NULL;

	/* 60 aliases of a 100 KB string: 6 MB from a 100 KB file */
	strbuf_addstr(&sb, "a: &a '");
	strbuf_addchars(&sb, 'x', 100000);
	strbuf_addstr(&sb, "'\nb: [");
	for (i = 0; i < 60; i++)
		strbuf_addstr(&sb, i ? ", *a" : "*a");
	strbuf_addstr(&sb, "]\n");
	assert_false(sb.failed);
	assert_int_equal(checklist_load_buffer(&cl, sb.buf, sb.len, "a", &err),
			 SR_ELIMIT);
	assert_null(cl);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.diags[0].line, 2);
	assert_int_equal(err.diags[0].col, 5 + 4 * 41); /* the 42nd */
	assert_non_null(strstr(err.diags[0].msg, "aliases expand to more"));
	sr_error_release(&err);
	strbuf_release(&sb);
}

static void test_limits(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	size_t len = SR_MAX_CHECKLIST_BYTES + 1;
	char *big = malloc(len);
	char *dir;
	char path[4200];
	FILE *f;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	assert_int_equal(checklist_load_buffer(&cl, big, len, "big", &err),
			 SR_ELIMIT);
	assert_null(cl);
	assert_int_equal(err.n, 1);
	sr_error_release(&err);

	/* The same through a file: refused before it is read. */
	dir = t_mkdtemp();
	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(big, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(checklist_load_file(&cl, path, &err), SR_ELIMIT);
	assert_null(cl);
	sr_error_release(&err);

	snprintf(path, sizeof(path), "%s/none.yaml", dir);
	assert_int_equal(checklist_load_file(&cl, path, &err), SR_ENOTFOUND);
	assert_null(cl);
	assert_int_equal(err.n, 1);
	sr_error_release(&err);

	/* err may be NULL */
	assert_int_equal(checklist_load_buffer(&cl, "", 0, "e", NULL),
			 SR_EPARSE);

	/* a file with a BOM and CRLF line ends loads; positions ignore the
	 * BOM */
	snprintf(path, sizeof(path), "%s/ok.yaml", dir);
	t_write(path, "\xEF\xBB\xBFid: t\r\nversion: '1'\r\n"
		      "title: {ja: あ, en: a}\r\nitems:\r\n"
		      "  - id: A-1\r\n    title: {ja: い, en: i}\r\n"
		      "    severity: mandatory\r\n"
		      "    match: {all: [{any: [x]}]}\r\n");
	assert_int_equal(checklist_load_file(&cl, path, &err), 0);
	assert_int_equal(cl->items[0].line, 5);
	assert_int_equal(cl->items[0].col, 5);
	assert_string_equal(cl->path, path);
	checklist_free(cl);
	t_rm_rf(dir);
	free(dir);
	free(big);
}

/* ---- the shipped checklist --------------------------------------------- */

static void test_shipped(void **state)
{
	const char *path = t_src("checklists/outsourcing-security.yaml");
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret;

	(void)state;
	ret = checklist_load_file(&cl, path, &err);
	for (i = 0; i < err.n; i++) {
		strbuf_reset(&sb);
		sr_diag_format(&sb, &err.diags[i]);
		print_error("%s\n", sb.buf);
	}
	strbuf_release(&sb);
	assert_int_equal(ret, 0);
	assert_int_equal(cl->nitems, 28);
	for (i = 0; i < cl->nitems; i++) {
		char id[32];

		snprintf(id, sizeof(id), "OS-%02zu", i + 1);
		assert_string_equal(cl->items[i].id, id);
		assert_true(cl->items[i].ngroups > 0);
		assert_non_null(cl->items[i].title.ja);
		assert_non_null(cl->items[i].title.en);
	}
	checklist_free(cl);
	sr_error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_too_many_problems),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
