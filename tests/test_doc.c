/*
 * test_doc.c - front matter, blocks, headings and numbering, sections,
 * sentences.
 */
#include "testutil.h"

#include "doc.h"
#include "error.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

static struct doc *parse_ok(const char *text)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;
	int ret = doc_parse(&doc, "spec.md", text, strlen(text), 0, &err);

	if (ret != 0 || err.nerrors)
		for (size_t i = 0; i < err.n; i++)
			fprintf(stderr, "%d:%d: %s\n", err.diags[i].line,
				err.diags[i].col, err.diags[i].msg);
	assert_int_equal(ret, 0);
	assert_non_null(doc);
	assert_int_equal(err.nerrors, 0);
	sr_error_release(&err);
	return doc;
}

/* Parses text expected to fail with `code`; returns the diagnostics. */
static void parse_fail(const char *text, int code, struct sr_error *err)
{
	struct doc *doc = (struct doc *)1;

	assert_int_equal(doc_parse(&doc, "spec.md", text, strlen(text), 0, err),
			 code);
	assert_null(doc);
	assert_true(err->nerrors >= 1);
}

static int range_is(const struct doc *doc, uint32_t start, uint32_t end,
		    const char *want)
{
	size_t n = strlen(want);

	if (end - start != n || memcmp(doc->text + start, want, n)) {
		fprintf(stderr, "got \"%.*s\", want \"%s\"\n",
			(int)(end - start), doc->text + start, want);
		return 0;
	}
	return 1;
}

/* Sentence i of the doc, every block split (doc_sentences). */
static struct doc_sentence sentence(const struct doc *doc, size_t i)
{
	struct doc_sentences all = DOC_SENTENCES_INIT;
	struct doc_sentence one;

	assert_int_equal(doc_sentences(doc, &all), 0);
	assert_true(i < all.n);
	one = all.v[i];
	doc_sentences_release(&all);
	return one;
}

static size_t nsentences(const struct doc *doc)
{
	struct doc_sentences all = DOC_SENTENCES_INIT;
	size_t n;

	assert_int_equal(doc_sentences(doc, &all), 0);
	n = all.n;
	doc_sentences_release(&all);
	return n;
}

static void assert_sentence(const struct doc *doc, size_t i, const char *want)
{
	struct doc_sentence one = sentence(doc, i);

	assert_true(range_is(doc, one.start, one.end, want));
}

static void assert_block(const struct doc *doc, size_t i,
			 enum doc_block_kind kind, const char *want)
{
	assert_true(i < doc->nblocks);
	assert_int_equal(doc->blocks[i].kind, kind);
	assert_true(range_is(doc, doc->blocks[i].start, doc->blocks[i].end,
			     want));
}

/* The section a heading block opens. */
static const struct doc_section *heading_section(const struct doc *doc,
						 size_t block)
{
	long s = doc->blocks[block].section;

	assert_true(s >= 0 && (size_t)s < doc->nsections);
	assert_int_equal(doc->sections[s].heading, block);
	return &doc->sections[s];
}

/* ---- front matter ----------------------------------------------------- */

static void test_front_matter_fields(void **state)
{
	static const char text[] =
		"---\n"
		"title: 庁内ネットワーク運用保守業務 調達仕様書\n"
		"kind: operations\n"
		"owner: 情報システム課\n"
		"cloud: true\n"
		"personal_data: いいえ\n"
		"sensitive: Yes\n"
		"budget_code: R7-0042\n"
		"tags: [ネットワーク, 運用]\n"
		"reviewers:\n"
		"  - 山田\n"
		"  - 佐藤\n"
		"---\n"
		"# 第1章 総則\n";
	struct doc *doc = parse_ok(text);
	const struct doc_fm_entry *e;

	(void)state;
	assert_string_equal(doc->meta.title,
			    "庁内ネットワーク運用保守業務 調達仕様書");
	assert_string_equal(doc->meta.kind, "operations");
	assert_string_equal(doc->meta.owner, "情報システム課");
	assert_null(doc->meta.system);
	assert_null(doc->meta.lang);
	assert_int_equal(doc->meta.cloud, DOC_TRUE);
	assert_int_equal(doc->meta.personal_data, DOC_FALSE);
	assert_int_equal(doc->meta.sensitive, DOC_TRUE);
	assert_int_equal(doc->nfm, 9);

	e = doc_fm_get(doc, "budget_code");
	assert_non_null(e);
	assert_int_equal(e->nvalues, 1);
	assert_string_equal(e->values[0], "R7-0042");
	assert_int_equal(e->line, 8);
	assert_int_equal(e->col, 1);

	e = doc_fm_get(doc, "personal_data");
	assert_non_null(e);
	assert_string_equal(e->values[0], "false");
	e = doc_fm_get(doc, "sensitive");
	assert_string_equal(e->values[0], "true");

	e = doc_fm_get(doc, "tags");
	assert_int_equal(e->nvalues, 2);
	assert_string_equal(e->values[0], "ネットワーク");
	assert_string_equal(e->values[1], "運用");
	e = doc_fm_get(doc, "reviewers");
	assert_int_equal(e->nvalues, 2);
	assert_string_equal(e->values[1], "佐藤");
	assert_null(doc_fm_get(doc, "missing"));

	/* the body starts after the closing fence, lines count from 1 */
	assert_true(range_is(doc, doc->body_start, (uint32_t)doc->len,
			     "# 第1章 総則\n"));
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].line, 14);
	doc_free(doc);
}

static void test_front_matter_empty_and_dots(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("---\n---\n本文。\n");
	assert_int_equal(doc->nfm, 0);
	assert_int_equal(doc->meta.cloud, DOC_UNSET);
	assert_int_equal(doc->nblocks, 1);
	doc_free(doc);

	/* "..." closes too; an empty value leaves the flag unset */
	doc = parse_ok("---\ncloud:\ntitle: x\n...\n本文。\n");
	assert_int_equal(doc->meta.cloud, DOC_UNSET);
	assert_int_equal(doc_fm_get(doc, "cloud")->nvalues, 0);
	assert_string_equal(doc->meta.title, "x");
	doc_free(doc);

	/* no front matter: "----" is a rule, not a fence */
	doc = parse_ok("----\n本文。\n");
	assert_int_equal(doc->nfm, 0);
	assert_int_equal(doc->body_start, 0);
	doc_free(doc);
}

struct fm_error_case {
	const char *text;
	int line, col;
	const char *msg; /* a part of the message */
};

static void test_front_matter_errors(void **state)
{
	static const struct fm_error_case cases[] = {
		/* YAML syntax: position from libyaml, in file coordinates */
		{ "---\ntitle: a\nkind: b: c\n---\n", 3, 8, "invalid front matter" },
		{ "---\ntitle: [a, b\n---\n", 3, 1, "invalid front matter" },
		/* a value that is not a boolean */
		{ "---\ntitle: t\ncloud: maybe\n---\n", 3, 8, "cloud: expected true or false" },
		{ "---\npersonal_data: [yes]\n---\n", 2, 16, "got a list" },
		/* nested mapping */
		{ "---\nsystem:\n  name: x\n---\n", 3, 3, "nested mappings" },
		{ "---\ntitle:\n  - a\n  - b\n---\n", 3, 3, "single value" },
		{ "---\nkind: a\nkind: b\n---\n", 3, 1, "duplicate" },
		{ "---\njust a line\n---\n", 2, 1, "mapping" },
		{ "---\ntags: [[a]]\n---\n", 2, 8, "plain values only" },
		{ "---\ntitle: *nowhere\n---\n", 2, 8, "unknown alias" },
		/* Positions after a lone CR, which libyaml counts as a line
		 * break and the spec's line index does not (fuzz_frontmatter
		 * found them a line off). */
		{ "---\ntitle: a\rkind: b\ncloud: maybe\n---\n", 3, 8, "cloud: expected" },
		{ "---\ntitle: 調達\rcloud: [yes]\n---\n", 2, 18, "got a list" },
		/* not closed: reported on the opening line */
		{ "---\ntitle: 調達仕様書\n\n# 第1章\n", 1, 1, "not closed" },
		{ "---", 1, 1, "not closed" },
	};

	(void)state;
	for (size_t i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		struct sr_error err = SR_ERROR_INIT;

		parse_fail(cases[i].text, SR_EPARSE, &err);
		if (err.diags[0].line != cases[i].line ||
		    err.diags[0].col != cases[i].col ||
		    !strstr(err.diags[0].msg, cases[i].msg))
			fail_msg("case %zu: got %d:%d: %s", i, err.diags[0].line,
				 err.diags[0].col, err.diags[0].msg);
		assert_string_equal(err.diags[0].path, "spec.md");
		sr_error_release(&err);
	}
}

static void test_front_matter_reports_every_problem(void **state)
{
	struct sr_error err = SR_ERROR_INIT;

	(void)state;
	parse_fail("---\ncloud: maybe\nsensitive: 2\nsystem:\n  a: b\n---\n",
		   SR_EPARSE, &err);
	assert_int_equal(err.nerrors, 3);
	assert_int_equal(err.diags[0].line, 2);
	assert_int_equal(err.diags[1].line, 3);
	assert_int_equal(err.diags[2].line, 5);
	sr_error_release(&err);
}

static void test_front_matter_aliases(void **state)
{
	struct strbuf_like { char buf[8192]; size_t len; } t;
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc;
	int i;

	(void)state;
	doc = parse_ok("---\nowner: &o 総務課\nsystem: *o\nlist: &l [a, b]\n"
		       "again: *l\n---\n");
	assert_string_equal(doc->meta.system, "総務課");
	assert_int_equal(doc_fm_get(doc, "again")->nvalues, 2);
	doc_free(doc);

	/* more aliases than SR_MAX_YAML_ALIASES is an error */
	t.len = (size_t)snprintf(t.buf, sizeof(t.buf), "---\nk: &a x\nl: [");
	for (i = 0; i < SR_MAX_YAML_ALIASES + 1; i++)
		t.len += (size_t)snprintf(t.buf + t.len, sizeof(t.buf) - t.len,
					  "%s*a", i ? ", " : "");
	snprintf(t.buf + t.len, sizeof(t.buf) - t.len, "]\n---\n");
	parse_fail(t.buf, SR_EPARSE, &err);
	assert_non_null(strstr(err.diags[0].msg, "too many aliases"));
	sr_error_release(&err);
}

/* ---- numbering ------------------------------------------------------ */

struct heading_case {
	const char *line;
	int level;
	const char *number; /* NULL: none */
	const char *title;
};

static void test_numbering_headings(void **state)
{
	static const struct heading_case cases[] = {
		{ "第3章 作業の実施に当たっての遵守事項", 1, "第3章", "作業の実施に当たっての遵守事項" },
		{ "第３章　再委託", 1, "第３章", "再委託" },
		{ "第三章 情報セキュリティ", 1, "第三章", "情報セキュリティ" },
		{ "第 2 章 調達案件の概要", 1, "第 2 章", "調達案件の概要" },
		{ "第１　総則", 1, "第１", "総則" },
		{ "第2節 運用", 2, "第2節", "運用" },
		{ "第3条 秘密の保持", 2, "第3条", "秘密の保持" },
		{ "第1条（目的）", 2, "第1条", "目的" },
		{ "第十二条（再委託の禁止）", 2, "第十二条", "再委託の禁止" },
		{ "第2条（目的）及び（範囲）", 2, "第2条", "（目的）及び（範囲）" },
		{ "1. 調達件名", 2, "1.", "調達件名" },
		{ "１．目的", 2, "１．", "目的" },
		{ "1　業務の概要", 2, "1", "業務の概要" },
		{ "1.1 情報セキュリティ", 3, "1.1", "情報セキュリティ" },
		{ "１．２　作業体制", 3, "１．２", "作業体制" },
		{ "1.1.1 Access control", 4, "1.1.1", "Access control" },
		{ "3.2. 納品", 3, "3.2.", "納品" },
		{ "2.0 OBJECTIVES", 2, "2.0", "OBJECTIVES" },
		{ "（1）再委託", 4, "（1）", "再委託" },
		{ "（１）　秘密保持", 4, "（１）", "秘密保持" },
		{ "(2) 情報の返却", 4, "(2)", "情報の返却" },
		{ "⑴ 監査", 4, "⑴", "監査" },
		{ "1) 事前承認", 5, "1)", "事前承認" },
		{ "① 作業場所", 5, "①", "作業場所" },
		{ "⑳ 二十番目", 5, "⑳", "二十番目" },
		{ "ア 作業者の管理", 6, "ア", "作業者の管理" },
		{ "イ．資料の管理", 6, "イ．", "資料の管理" },
		{ "(ウ) 記録媒体", 6, "(ウ)", "記録媒体" },
		{ "（エ）外部接続", 6, "（エ）", "外部接続" },
		{ "㋐ 教育", 6, "㋐", "教育" },
		{ "A. Scope", 2, "A.", "Scope" },
		{ "IV. Security requirements", 1, "IV.", "Security requirements" },
		{ "Ⅱ．業務内容", 1, "Ⅱ．", "業務内容" },
		{ "**第4章 納品**", 1, "第4章", "納品" },
		{ "1. Weekly status reports", 2, "1.", "Weekly status reports" },
		/* Markdown headings carrying numbering keep Markdown levels */
		{ "## 第3章 再委託", 2, "第3章", "再委託" },
		{ "### 1.2 Security", 3, "1.2", "Security" },
		{ "# 1 Purpose of IT Requirements", 1, "1", "Purpose of IT Requirements" },
		{ "## **（1）再委託の承認** ##", 2, "（1）", "再委託の承認" },
		{ "## 概要", 2, NULL, "概要" },
		{ "# <span id=\"x\"></span>Confidentiality {#conf}", 1, NULL, "Confidentiality" },
	};

	(void)state;
	for (size_t i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		const struct heading_case *c = &cases[i];
		const struct doc_section *sec;
		struct doc *doc = parse_ok(c->line);

		if (doc->nblocks != 1 || doc->blocks[0].kind != DOC_HEADING)
			fail_msg("case %zu (%s): not a heading", i, c->line);
		sec = heading_section(doc, 0);
		if (doc->blocks[0].level != c->level || sec->level != c->level)
			fail_msg("case %zu (%s): level %d, want %d", i, c->line,
				 doc->blocks[0].level, c->level);
		if (c->number)
			assert_non_null(sec->number);
		else
			assert_null(sec->number);
		if (c->number && strcmp(sec->number, c->number))
			fail_msg("case %zu: number \"%s\"", i, sec->number);
		if (strcmp(sec->title, c->title))
			fail_msg("case %zu: title \"%s\"", i, sec->title);
		assert_int_equal(nsentences(doc), 1);
		doc_free(doc);
	}
}

static void test_numbered_sentences_are_list_items(void **state)
{
	static const char *const lines[] = {
		/* ends with 。 */
		"① 受託者は、本業務の実施に当たり、再委託をしてはならない。",
		"（1）受託者は秘密を保持すること。",
		/* too long to be a heading */
		"ア 受託者は本業務で取り扱う情報を業務終了後に担当職員の指示に従い返却し又は復元不可能な方法で消去すること",
		/* a sentence inside, or cut after a comma */
		"1. 承認を得ること。ただし軽微なものを除く",
		"（2）受託者は、",
		"1.1 The contractor shall protect all information.",
		"第5条 受託者は、秘密を保持しなければならない。",
		/* bullets are always list items */
		"- 情報セキュリティ",
		"・ 目的外利用の禁止",
		"※ 詳細は別紙のとおり",
		"● 監査",
		/* letters are list markers only */
		"a) 監査",
		"(b) Audit",
	};

	(void)state;
	for (size_t i = 0; i < SR_ARRAY_SIZE(lines); i++) {
		struct doc *doc = parse_ok(lines[i]);

		if (doc->nblocks != 1 || doc->blocks[0].kind != DOC_LIST_ITEM)
			fail_msg("case %zu (%s): kind %d", i, lines[i],
				 doc->nblocks ? (int)doc->blocks[0].kind : -1);
		assert_int_equal(doc->nsections, 0);
		assert_int_equal(doc->blocks[0].level, 0);
		assert_int_equal(doc->blocks[0].section, -1);
		doc_free(doc);
	}
}

static void test_not_numbering(void **state)
{
	static const char *const lines[] = {
		"2020年4月1日から実施する",
		"1.5倍の処理性能を確保すること",
		"第三者に委託してはならない",
		"○○株式会社",
		"10年間保存すること",
		"**重要** 以下を遵守すること",
		"アクセス制御を行うこと",
		"#hashtag is not a heading",
	};

	(void)state;
	for (size_t i = 0; i < SR_ARRAY_SIZE(lines); i++) {
		struct doc *doc = parse_ok(lines[i]);

		if (doc->nblocks != 1 || doc->blocks[0].kind != DOC_PARAGRAPH)
			fail_msg("case %zu (%s): kind %d", i, lines[i],
				 (int)doc->blocks[0].kind);
		doc_free(doc);
	}
}

/* ---- Markdown structure ---------------------------------------------- */

static void test_atx_and_setext(void **state)
{
	static const char text[] =
		"調達仕様書\n"
		"=========\n"
		"\n"
		"概要\n"
		"----\n"
		"本書は調達の内容を定める。\n"
		"\n"
		"---\n"
		"\n"
		"### 作業場所 ###\n"
		"1.0 BACKGROUND\n"
		"--------------\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_int_equal(doc->nblocks, 5);
	assert_block(doc, 0, DOC_HEADING, "調達仕様書\n=========");
	assert_int_equal(doc->blocks[0].level, 1);
	assert_int_equal(doc->blocks[0].nlines, 2);
	assert_string_equal(heading_section(doc, 0)->title, "調達仕様書");
	assert_block(doc, 1, DOC_HEADING, "概要\n----");
	assert_int_equal(doc->blocks[1].level, 2);
	assert_int_equal(doc->blocks[1].line, 4);
	assert_block(doc, 2, DOC_PARAGRAPH, "本書は調達の内容を定める。");
	/* "---" after a blank line is a rule: no block */
	assert_block(doc, 3, DOC_HEADING, "### 作業場所 ###");
	assert_int_equal(doc->blocks[3].level, 3);
	assert_string_equal(heading_section(doc, 3)->title, "作業場所");
	assert_int_equal(doc->blocks[4].kind, DOC_HEADING);
	assert_int_equal(doc->blocks[4].level, 2);
	assert_string_equal(heading_section(doc, 4)->number, "1.0");
	assert_string_equal(heading_section(doc, 4)->title, "BACKGROUND");
	/* a heading is one sentence, without its marks */
	assert_sentence(doc, 0, "調達仕様書");
	assert_sentence(doc, 3, "作業場所");
	doc_free(doc);
}

/* A clause written as a heading by a converter is text, not a heading. */
static void test_sentence_heading_is_text(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("### Contractor shall not use, copy or disclose Government "
		       "data except as required for the performance of the "
		       "contract.\n\n### Short title\n");
	assert_int_equal(doc->nblocks, 2);
	assert_int_equal(doc->blocks[0].kind, DOC_PARAGRAPH);
	assert_int_equal(doc->blocks[1].kind, DOC_HEADING);
	assert_int_equal(doc->nsections, 1);
	doc_free(doc);
}

static void test_setext_needs_a_paragraph(void **state)
{
	struct doc *doc;

	(void)state;
	/* a list item is not underlined; a multi-line paragraph over --- is
	 * closed by a rule */
	doc = parse_ok("- 項目\n---\n行一\n行二\n---\n");
	assert_int_equal(doc->nblocks, 2);
	assert_int_equal(doc->blocks[0].kind, DOC_LIST_ITEM);
	assert_block(doc, 1, DOC_PARAGRAPH, "行一\n行二");
	assert_int_equal(doc->nsections, 0);
	doc_free(doc);
}

static void test_sections_nest(void **state)
{
	static const char text[] =
		"前文。\n"                               /* 0: no section */
		"第1章 総則\n"                           /* 1 */
		"1. 目的\n"                              /* 2 */
		"本書は調達の内容を定める。\n"           /* 3 */
		"2. 用語\n"                              /* 4 */
		"（1）受託者\n"                          /* 5 */
		"① 定義\n"                               /* 6 */
		"受託者とは契約の相手方をいう。\n"       /* 7 */
		"第2章 作業内容\n"                       /* 8 */
		"ア 設計\n";                             /* 9 */
	struct doc *doc = parse_ok(text);
	const struct doc_section *s;

	(void)state;
	assert_int_equal(doc->nblocks, 10);
	assert_int_equal(doc->nsections, 7);
	assert_int_equal(doc->blocks[0].section, -1);
	s = heading_section(doc, 1);
	assert_int_equal(s->parent, -1);
	assert_int_equal(s->level, 1);
	assert_int_equal(s->start, doc->blocks[1].start);
	assert_int_equal(s->end, doc->blocks[7].end);
	assert_int_equal(s->body_start, doc->blocks[1].end);
	assert_int_equal(heading_section(doc, 2)->parent, doc->blocks[1].section);
	assert_int_equal(doc->blocks[3].section, doc->blocks[2].section);
	assert_int_equal(heading_section(doc, 2)->end, doc->blocks[3].end);
	assert_int_equal(heading_section(doc, 4)->parent, doc->blocks[1].section);
	assert_int_equal(heading_section(doc, 5)->parent, doc->blocks[4].section);
	assert_int_equal(heading_section(doc, 6)->parent, doc->blocks[5].section);
	assert_int_equal(doc->blocks[7].section, doc->blocks[6].section);
	assert_int_equal(heading_section(doc, 8)->parent, -1);
	assert_int_equal(heading_section(doc, 9)->parent, doc->blocks[8].section);
	assert_int_equal(heading_section(doc, 9)->end, doc->len - 1);
	doc_free(doc);
}

static void test_numbering_under_markdown(void **state)
{
	static const char text[] =
		"## 情報セキュリティ\n"
		"1. 基本方針\n"
		"（1）秘密保持\n"
		"2. 管理体制\n"
		"## 納品\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	/* 1. would be level 2 like the Markdown heading: it goes below it,
	 * and （1） keeps its place below 1. */
	assert_int_equal(doc->blocks[1].level, 3);
	assert_int_equal(doc->blocks[2].level, 5);
	assert_int_equal(doc->blocks[3].level, 3);
	assert_int_equal(heading_section(doc, 1)->parent, doc->blocks[0].section);
	assert_int_equal(heading_section(doc, 2)->parent, doc->blocks[1].section);
	assert_int_equal(heading_section(doc, 3)->parent, doc->blocks[0].section);
	assert_int_equal(heading_section(doc, 4)->parent, -1);
	doc_free(doc);
}

static void test_numbering_continues_markdown(void **state)
{
	static const char text[] =
		"## 2.0 Scope\n"
		"### 2.1 Tasks\n"
		"**2.2 Expectations**\n"
		"**2.3 Deliverables**\n"
		"## 第3章 再委託\n"
		"第4章 納品\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	/* a bold "2.2" after "### 2.1" is its sibling, not its child */
	assert_int_equal(doc->blocks[2].level, 3);
	assert_int_equal(heading_section(doc, 2)->parent, doc->blocks[0].section);
	assert_int_equal(doc->blocks[3].level, 3);
	assert_int_equal(heading_section(doc, 3)->parent, doc->blocks[0].section);
	assert_int_equal(doc->blocks[5].level, 2);
	assert_int_equal(heading_section(doc, 5)->parent, -1);
	doc_free(doc);

	/* the same number again is a child (a list under "## 1. Overview") */
	doc = parse_ok("## 1. Overview\n1. Reports\n2. Meetings\n");
	assert_int_equal(doc->blocks[1].level, 3);
	assert_int_equal(doc->blocks[2].level, 3);
	assert_int_equal(heading_section(doc, 2)->parent, 0);
	doc_free(doc);
}

static void test_list_items_and_continuations(void **state)
{
	static const char text[] =
		"（1）再委託\n"
		"① 受託者は、本業務の全部又は一部を第三者に\n"
		"  再委託してはならない。\n"
		"② 受託者は、再委託する場合には、\n"
		"あらかじめ担当職員の承認を得ること。\n"
		"- 情報の目的外利用の禁止\n"
		"  （業務終了後も同様とする。）\n"
		"\n"
		"本文の段落は\n"
		"複数行にわたる。\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_int_equal(doc->nblocks, 5);
	assert_int_equal(doc->blocks[0].kind, DOC_HEADING);
	assert_block(doc, 1, DOC_LIST_ITEM,
		     "① 受託者は、本業務の全部又は一部を第三者に\n"
		     "  再委託してはならない。");
	assert_int_equal(doc->blocks[1].line, 2);
	assert_int_equal(doc->blocks[1].nlines, 2);
	assert_int_equal(doc->blocks[2].kind, DOC_LIST_ITEM);
	assert_int_equal(doc->blocks[2].nlines, 2);
	assert_int_equal(doc->blocks[3].kind, DOC_LIST_ITEM);
	assert_int_equal(doc->blocks[3].nlines, 2);
	assert_block(doc, 4, DOC_PARAGRAPH, "本文の段落は\n複数行にわたる。");
	/* the list items are in the （1） section */
	assert_int_equal(doc->blocks[1].section, doc->blocks[0].section);
	assert_int_equal(doc->blocks[4].section, doc->blocks[0].section);
	/* a list item's sentence starts after its marker */
	assert_sentence(doc, 1, "受託者は、本業務の全部又は一部を第三者に\n"
				"  再委託してはならない。");
	assert_sentence(doc, 3, "情報の目的外利用の禁止\n"
				"  （業務終了後も同様とする。）");
	doc_free(doc);

	/* a quoted item's text starts after the > */
	doc = parse_ok("- > Data shall stay in Japan.\n");
	assert_sentence(doc, 0, "Data shall stay in Japan.");
	doc_free(doc);
}

static void test_items_after_items_stay_items(void **state)
{
	static const char text[] =
		"1.  Build a platform with the following features:\n"
		"\n"
		"    1.  CKAN version 2.8\n"
		"\n"
		"    2.  Branding support for every agency and custom domains\n"
		"\n"
		"    3.  Dataset hosting\n"
		"（1）再委託\n"
		"① 受託者は、再委託をしてはならない。\n"
		"② 作業場所\n"
		"（2）秘密保持\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_int_equal(doc->nblocks, 8);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(doc->blocks[i].kind, DOC_LIST_ITEM);
	assert_int_equal(doc->blocks[4].kind, DOC_HEADING);
	assert_int_equal(doc->blocks[6].kind, DOC_LIST_ITEM);
	/* another kind of numbering after the items is a heading again */
	assert_int_equal(doc->blocks[7].kind, DOC_HEADING);
	assert_int_equal(heading_section(doc, 7)->parent, -1);
	doc_free(doc);
}

static void test_wrapped_numbered_line_is_list_item(void **state)
{
	struct doc *doc;

	(void)state;
	/* short and without 。, but ends with a particle and goes on */
	doc = parse_ok("① 受託者は、再委託の承認を得る場合は\n"
		       "様式第1号により申請すること。\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].kind, DOC_LIST_ITEM);
	assert_int_equal(doc->nsections, 0);
	doc_free(doc);

	/* "…は、" opens a sentence: a line broken mid-word goes on below */
	doc = parse_ok("（９）　受託者は、当省が実施する情報セキュリティ監査を受け入\n"
		       "れること。\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].kind, DOC_LIST_ITEM);
	assert_int_equal(nsentences(doc), 1);
	doc_free(doc);

	/* a title ending otherwise stays a heading over its body */
	doc = parse_ok("（2）業務の実施について\n受託者は誠実に業務を行う。\n");
	assert_int_equal(doc->nblocks, 2);
	assert_int_equal(doc->blocks[0].kind, DOC_HEADING);
	assert_int_equal(doc->blocks[1].kind, DOC_PARAGRAPH);
	doc_free(doc);
}

static void test_english_paragraph_not_cut_by_numbers(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("The contractor shall comply with paragraph\n"
		       "7.2.4 of this clause and the schedule.\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].kind, DOC_PARAGRAPH);
	assert_int_equal(nsentences(doc), 1);
	doc_free(doc);

	doc = parse_ok("The contractor shall:\n1. Report incidents\n");
	assert_int_equal(doc->nblocks, 2);
	doc_free(doc);
}

static void test_table_rows(void **state)
{
	static const char text[] =
		"| 項目 | 要件 |\n"
		"|------|:----:|\n"
		"| 再委託 | 事前に承認を得ること。 |\n"
		"\n"
		"+------+------+\n"
		"| 区分 | 内容 |\n"
		"+======+======+\n"
		"| 監査 | 年1回 |\n"
		"| 実施 | 実地 |\n"
		"+------+------+\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_int_equal(doc->nblocks, 4);
	assert_block(doc, 0, DOC_TABLE_ROW, "| 項目 | 要件 |");
	assert_block(doc, 1, DOC_TABLE_ROW, "| 再委託 | 事前に承認を得ること。 |");
	assert_int_equal(doc->blocks[1].line, 3);
	assert_block(doc, 2, DOC_TABLE_ROW, "| 区分 | 内容 |");
	/* a grid row spans its lines */
	assert_block(doc, 3, DOC_TABLE_ROW, "| 監査 | 年1回 |\n| 実施 | 実地 |");
	assert_int_equal(doc->blocks[3].nlines, 2);
	/* cells are sentences */
	assert_sentence(doc, 0, "項目");
	assert_sentence(doc, 1, "要件");
	assert_sentence(doc, 2, "再委託");
	assert_sentence(doc, 3, "事前に承認を得ること。");
	doc_free(doc);
}

static void test_code_and_comments(void **state)
{
	static const char text[] =
		"<!-- 作成者メモ\n"
		"# 見出しではない\n"
		"-->\n"
		"```yaml\n"
		"# 見出しではない\n"
		"\n"
		"```\n"
		"::: {.note}\n"
		"本文。\n"
		":::\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_int_equal(doc->nblocks, 2);
	assert_block(doc, 0, DOC_CODE, "```yaml\n# 見出しではない\n\n```");
	assert_int_equal(doc->blocks[0].line, 4);
	assert_int_equal(doc->blocks[0].nlines, 4);
	assert_block(doc, 1, DOC_PARAGRAPH, "本文。");
	assert_int_equal(doc->nsections, 0);
	assert_int_equal(nsentences(doc), 1);
	doc_free(doc);
}

/* ---- sentences -------------------------------------------------------- */

static void test_cjk_sentence_across_lines(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("受託者は、本業務の実施に当たり知り得た情報を\n"
		       "第三者に開示してはならない。また、業務終了後も\n"
		       "同様とする。\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(nsentences(doc), 2);
	assert_sentence(doc, 0, "受託者は、本業務の実施に当たり知り得た情報を\n"
				"第三者に開示してはならない。");
	assert_sentence(doc, 1, "また、業務終了後も\n同様とする。");
	assert_int_equal(sentence(doc, 1).block, 0);
	doc_free(doc);

	/* closing brackets stay with the sentence; ！ ？ ． split */
	doc = parse_ok("「速やかに報告すること。」とする。確認したか？はい！"
		       "以上．終わり");
	assert_int_equal(nsentences(doc), 6);
	assert_sentence(doc, 0, "「速やかに報告すること。」");
	assert_sentence(doc, 1, "とする。");
	assert_sentence(doc, 2, "確認したか？");
	assert_sentence(doc, 3, "はい！");
	assert_sentence(doc, 4, "以上．");
	assert_sentence(doc, 5, "終わり");
	doc_free(doc);

	/* curly quotes (E2 80 ..) and 』 too, and a kana or a letter after
	 * the stop is no closer */
	doc = parse_ok("He wrote “Report it at once.” Then ‘stop.’ "
		       "『終わり。』次。あ");
	assert_int_equal(nsentences(doc), 5);
	assert_sentence(doc, 0, "He wrote “Report it at once.”");
	assert_sentence(doc, 1, "Then ‘stop.’");
	assert_sentence(doc, 2, "『終わり。』");
	assert_sentence(doc, 3, "次。");
	assert_sentence(doc, 4, "あ");
	doc_free(doc);

	/* A stray lead byte (invalid UTF-8) does not hide the stop after it,
	 * nor does kana hide 。 right after it. */
	doc = parse_ok("Stop\xE3. Next\xE3\x81。あ。");
	assert_int_equal(nsentences(doc), 3);
	assert_sentence(doc, 0, "Stop\xE3.");
	assert_sentence(doc, 1, "Next\xE3\x81。");
	assert_sentence(doc, 2, "あ。");
	doc_free(doc);
}

/*
 * Stops are looked for sixteen bytes at a time: every kind of stop, after
 * near misses (、「」 are E3 80 too, kana E3 81, a stray lead byte), at
 * every offset in such a block.
 */
static void test_sentence_stops_at_every_offset(void **state)
{
	static const char *const stops[] = { "。", "．", "！", "？", "｡",
					      "!",  "?",  "." };
	static const char *const misses[] = { "、あ「x」", "\xE3", "x|",
					      "x（１）Ａ１．２" };
	char text[320], want[256];

	(void)state;
	for (size_t k = 0; k < 40; k++)
		for (size_t s = 0; s < SR_ARRAY_SIZE(stops); s++)
			for (size_t m = 0; m < SR_ARRAY_SIZE(misses); m++) {
				struct doc *doc;

				snprintf(want, sizeof(want), "%.*s%s%s", (int)k,
					 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					 misses[m], stops[s]);
				snprintf(text, sizeof(text), "%s 次の文。", want);
				doc = parse_ok(text);
				assert_int_equal(nsentences(doc), 2);
				assert_sentence(doc, 0, want);
				assert_sentence(doc, 1, "次の文。");
				doc_free(doc);
			}
}

/*
 * A page footer of a converted PDF ("- 4 -") is never text; where it cuts
 * a paragraph or list item in the middle of a sentence, the block goes on
 * after it (one sentence, as a reader reads it).
 */
static void test_page_footer(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("（６）　受託者は、インシデントが発生した場合は、\n\n"
		       "- 4 -\n\n"
		       "速やかに当省に報告すること。\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].kind, DOC_LIST_ITEM);
	assert_int_equal(nsentences(doc), 1);
	assert_int_equal(doc->blocks[0].nlines, 5);
	doc_free(doc);

	doc = parse_ok("The contractor shall report every incident\n\n"
		       "－ １２ －\n"
		       "within one hour.\n");
	assert_int_equal(doc->nblocks, 1);
	assert_block(doc, 0, DOC_PARAGRAPH,
		     "The contractor shall report every incident\n\n"
		     "－ １２ －\nwithin one hour.");
	doc_free(doc);

	/* A sentence that ended: the footer goes, the paragraphs stay two. */
	doc = parse_ok("報告すること。\n\n- 4 -\n\n次の段落。\n");
	assert_int_equal(doc->nblocks, 2);
	assert_block(doc, 0, DOC_PARAGRAPH, "報告すること。");
	assert_block(doc, 1, DOC_PARAGRAPH, "次の段落。");
	doc_free(doc);

	/* A heading after the footer ends the chance to go on. */
	doc = parse_ok("受託者は、\n\n- 5 -\n\n# 第２章\n\n本文。\n");
	assert_int_equal(doc->nblocks, 3);
	assert_block(doc, 0, DOC_PARAGRAPH, "受託者は、");
	assert_int_equal(doc->blocks[1].kind, DOC_HEADING);
	assert_block(doc, 2, DOC_PARAGRAPH, "本文。");
	doc_free(doc);

	/* Not footers: a list item, a range, a number in text. */
	doc = parse_ok("- 4 - 5 days\n- 10 -\n");
	assert_int_equal(doc->nblocks, 1);
	assert_int_equal(doc->blocks[0].kind, DOC_LIST_ITEM);
	doc_free(doc);
	doc = parse_ok("- 12345 -\n");
	assert_int_equal(doc->nblocks, 1);
	doc_free(doc);
}

static void test_english_sentences(void **state)
{
	struct doc *doc;

	(void)state;
	doc = parse_ok("Protect data, e.g. logs and backups, as in section 1.1 "
		       "of the SOW. The vendor (i.e. the contractor) shall\n"
		       "report incidents to the U.S. Government, etc. without "
		       "delay! Is that clear? See No. 5 and Art. 3. Done");
	assert_int_equal(nsentences(doc), 5);
	assert_sentence(doc, 0, "Protect data, e.g. logs and backups, as in "
				"section 1.1 of the SOW.");
	assert_sentence(doc, 1, "The vendor (i.e. the contractor) shall\n"
				"report incidents to the U.S. Government, etc. "
				"without delay!");
	assert_sentence(doc, 2, "Is that clear?");
	assert_sentence(doc, 3, "See No. 5 and Art. 3.");
	assert_sentence(doc, 4, "Done");
	doc_free(doc);

	/* emphasis and a closing parenthesis stay with the sentence */
	doc = parse_ok("**Data shall stay in the US.** (See the annex.) Next");
	assert_int_equal(nsentences(doc), 3);
	assert_sentence(doc, 0, "**Data shall stay in the US.**");
	assert_sentence(doc, 1, "(See the annex.)");
	doc_free(doc);
}

/* ---- encodings and limits ------------------------------------------- */

static void test_crlf_and_bom(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF---\r\n"
		"title: 仕様書\r\n"
		"cloud: no\r\n"
		"---\r\n"
		"第1章 総則\r\n"
		"受託者は、\r\n"
		"秘密を保持すること。\r\n"
		"\r\n"
		"| 項目 |\r\n";
	struct doc *doc = parse_ok(text);

	(void)state;
	assert_string_equal(doc->meta.title, "仕様書");
	assert_int_equal(doc->meta.cloud, DOC_FALSE);
	assert_int_equal(doc->nblocks, 3);
	assert_block(doc, 0, DOC_HEADING, "第1章 総則");
	assert_int_equal(doc->blocks[0].line, 5);
	assert_string_equal(heading_section(doc, 0)->title, "総則");
	assert_block(doc, 1, DOC_PARAGRAPH, "受託者は、\r\n秘密を保持すること。");
	assert_block(doc, 2, DOC_TABLE_ROW, "| 項目 |");
	assert_sentence(doc, 1, "受託者は、\r\n秘密を保持すること。");
	doc_free(doc);

	/* a BOM without front matter: the body starts after it */
	doc = parse_ok("\xEF\xBB\xBF# 概要\n");
	assert_int_equal(doc->body_start, 3);
	assert_block(doc, 0, DOC_HEADING, "# 概要");
	assert_int_equal(doc->blocks[0].level, 1);
	doc_free(doc);
}

static void test_invalid_utf8_warns(void **state)
{
	static const char text[] = "第1章 総則\n受託者は\xff秘密を保持する。\n";
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;

	(void)state;
	assert_int_equal(doc_parse(&doc, "spec.md", text, strlen(text), 0, &err),
			 0);
	assert_non_null(doc);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.nerrors, 0);
	assert_int_equal(err.diags[0].severity, SR_SEV_WARNING);
	assert_int_equal(err.diags[0].line, 2);
	assert_int_equal(err.diags[0].col, 5);
	assert_string_equal(err.diags[0].msg, "invalid UTF-8 (shown as U+FFFD)");
	assert_int_equal(doc->nblocks, 2);
	assert_int_equal(nsentences(doc), 2);
	doc_free(doc);
	sr_error_release(&err);
}

static void test_binary_and_limit(void **state)
{
	static const char bin[] = "# 概要\n\0\x01\x02";
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = (struct doc *)1;
	char *big;

	(void)state;
	assert_int_equal(doc_parse(&doc, "a.bin", bin, sizeof(bin) - 1, 0, &err),
			 SR_EBINARY);
	assert_null(doc);
	assert_int_equal(err.nerrors, 1);
	sr_error_release(&err);

	big = malloc(SR_MAX_SPEC_BYTES + 1);
	assert_non_null(big);
	memset(big, 'a', SR_MAX_SPEC_BYTES + 1);
	assert_int_equal(doc_parse(&doc, "big.md", big, SR_MAX_SPEC_BYTES + 1, 0,
				   &err),
			 SR_ELIMIT);
	assert_null(doc);
	free(big);
	sr_error_release(&err);
}

/* Millions of short lines are refused before they cost memory. */
static void test_line_limit(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;
	size_t n = SR_MAX_LINES + 1;
	char *buf = malloc(n);

	(void)state;
	assert_non_null(buf);
	memset(buf, '\n', n);
	assert_int_equal(doc_parse(&doc, "many.md", buf, n, 0, &err), SR_ELIMIT);
	assert_null(doc);
	assert_non_null(strstr(err.diags[0].msg, "lines"));
	sr_error_release(&err);
	/* One fewer is fine. */
	assert_int_equal(doc_parse(&doc, "many.md", buf, n - 1, 0, &err), 0);
	doc_free(doc);
	sr_error_release(&err);
	free(buf);
}

/* A line over SR_MAX_LINE_BYTES is refused with its number. */
static void test_line_length_limit(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;
	size_t n = 4 + SR_MAX_LINE_BYTES + 1;
	char *buf = malloc(n);

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "a\nb\n", 4);
	memset(buf + 4, 'x', n - 4);
	assert_int_equal(doc_parse(&doc, "long.md", buf, n, 0, &err),
			 SR_ELIMIT);
	assert_null(doc);
	assert_int_equal(err.diags[0].line, 3);
	assert_non_null(strstr(err.diags[0].msg, "line is longer"));
	sr_error_release(&err);
	/* At the limit, with or without a newline after it, is fine. */
	assert_int_equal(doc_parse(&doc, "long.md", buf, n - 1, 0, &err), 0);
	doc_free(doc);
	buf[n - 1] = '\n';
	assert_int_equal(doc_parse(&doc, "long.md", buf, n, 0, &err), 0);
	doc_free(doc);
	sr_error_release(&err);
	free(buf);
}

static void test_copy_flag_and_empty(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;
	char *buf = strdup("# 概要\n本文。\n");

	(void)state;
	assert_int_equal(doc_parse(&doc, NULL, buf, strlen(buf), DOC_COPY, &err),
			 0);
	memset(buf, 'x', strlen(buf));
	free(buf);
	assert_true(doc->text_owned);
	assert_null(doc->path);
	assert_block(doc, 1, DOC_PARAGRAPH, "本文。");
	doc_free(doc);

	assert_int_equal(doc_parse(&doc, "e.md", "", 0, 0, &err), 0);
	assert_int_equal(doc->nblocks, 0);
	assert_int_equal(doc->nsections, 0);
	assert_int_equal(nsentences(doc), 0);
	doc_free(doc);
	doc_free(NULL);
	assert_int_equal(err.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_front_matter_fields),
		cmocka_unit_test(test_front_matter_empty_and_dots),
		cmocka_unit_test(test_front_matter_errors),
		cmocka_unit_test(test_front_matter_reports_every_problem),
		cmocka_unit_test(test_front_matter_aliases),
		cmocka_unit_test(test_numbering_headings),
		cmocka_unit_test(test_numbered_sentences_are_list_items),
		cmocka_unit_test(test_not_numbering),
		cmocka_unit_test(test_atx_and_setext),
		cmocka_unit_test(test_setext_needs_a_paragraph),
		cmocka_unit_test(test_sentence_heading_is_text),
		cmocka_unit_test(test_sections_nest),
		cmocka_unit_test(test_numbering_under_markdown),
		cmocka_unit_test(test_numbering_continues_markdown),
		cmocka_unit_test(test_list_items_and_continuations),
		cmocka_unit_test(test_items_after_items_stay_items),
		cmocka_unit_test(test_wrapped_numbered_line_is_list_item),
		cmocka_unit_test(test_english_paragraph_not_cut_by_numbers),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_code_and_comments),
		cmocka_unit_test(test_cjk_sentence_across_lines),
		cmocka_unit_test(test_sentence_stops_at_every_offset),
		cmocka_unit_test(test_page_footer),
		cmocka_unit_test(test_english_sentences),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_invalid_utf8_warns),
		cmocka_unit_test(test_binary_and_limit),
		cmocka_unit_test(test_copy_flag_and_empty),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_line_length_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
