/*
 * fuzz_doc.c - libFuzzer target for doc_parse(): any bytes give a doc or
 * diagnostics, never a crash, a leak or a hang, and a doc always keeps
 * the invariants doc.h promises: blocks in order and disjoint, ranges
 * inside the text, sections nested inside their parents, every block
 * inside its section and every sentence inside its block.
 */
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			__builtin_trap();                                    \
	} while (0)

static void check_blocks(const struct doc *d)
{
	size_t i;

	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];

		CHECK(b->start <= b->end && b->end <= d->len);
		CHECK(b->start >= d->body_start);
		CHECK(i == 0 || d->blocks[i - 1].end <= b->start);
		CHECK(b->line >= 1 && b->nlines >= 1);
		CHECK(b->line + b->nlines - 1 <= d->lines.n);
		CHECK((b->kind == DOC_HEADING) == (b->level > 0));
		CHECK(b->section >= -1 && b->section < (long)d->nsections);
		if (b->section >= 0) {
			const struct doc_section *s = &d->sections[b->section];

			CHECK(s->start <= b->start && b->end <= s->end);
			CHECK(s->heading <= i);
		}
		if (b->kind == DOC_HEADING) {
			CHECK(b->section >= 0);
			CHECK(d->sections[b->section].heading == i);
		}
	}
}

static void check_sections(const struct doc *d)
{
	size_t i;

	for (i = 0; i < d->nsections; i++) {
		const struct doc_section *s = &d->sections[i];
		const struct doc_block *h;

		CHECK(s->heading < d->nblocks);
		h = &d->blocks[s->heading];
		CHECK(h->kind == DOC_HEADING && h->level == s->level);
		CHECK(s->start == h->start && s->body_start == h->end);
		CHECK(s->start <= s->end && s->end <= d->len);
		CHECK(s->title != NULL);
		CHECK(i == 0 || d->sections[i - 1].heading < s->heading);
		CHECK(s->parent >= -1 && s->parent < (long)i);
		if (s->parent >= 0) {
			const struct doc_section *p = &d->sections[s->parent];

			CHECK(p->level < s->level);
			CHECK(p->start <= s->start && s->end <= p->end);
		}
		/* the previous section either contains this one or ended */
		if (i > 0) {
			const struct doc_section *q = &d->sections[i - 1];

			CHECK(q->end <= s->start ||
			      (long)(i - 1) == s->parent ||
			      (q->start <= s->start && s->end <= q->end));
		}
	}
}

/* Every block's sentences, split one block at a time, are the doc's. */
static void check_sentences(const struct doc *d)
{
	struct doc_sentences all = DOC_SENTENCES_INIT, one = DOC_SENTENCES_INIT;
	size_t i;

	CHECK(doc_sentences(d, &all) == 0);
	for (i = 0; i < d->nblocks; i++)
		CHECK(doc_block_sentences(d, i, &one) == 0);
	CHECK(one.n == all.n);
	for (i = 0; i < all.n; i++) {
		const struct doc_sentence *s = &all.v[i];
		const struct doc_block *b;

		CHECK(s->start == one.v[i].start && s->end == one.v[i].end &&
		      s->block == one.v[i].block);
		CHECK(s->block < d->nblocks);
		b = &d->blocks[s->block];
		CHECK(b->kind != DOC_CODE);
		CHECK(b->start <= s->start && s->start < s->end &&
		      s->end <= b->end);
		CHECK(b->start <= b->text_start && b->text_start <= s->start &&
		      s->end <= b->text_end && b->text_end <= b->end);
		if (i > 0) {
			CHECK(all.v[i - 1].block <= s->block);
			CHECK(all.v[i - 1].end <= s->start);
		}
	}
	doc_sentences_release(&all);
	doc_sentences_release(&one);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *doc = NULL;
	size_t i;
	int ret;

	ret = doc_parse(&doc, "fuzz.md", (const char *)data, size, 0, &err);
	CHECK((ret == 0) == (doc != NULL));
	CHECK(ret == 0 || err.nerrors > 0);
	for (i = 0; i < err.n; i++)
		CHECK(err.diags[i].msg && err.diags[i].line >= 0 &&
		      err.diags[i].col >= 0);
	if (doc) {
		CHECK(doc->len == size && doc->body_start <= size);
		for (i = 0; i < doc->nfm; i++) {
			CHECK(doc->fm[i].key != NULL);
			CHECK(doc_fm_get(doc, doc->fm[i].key) == &doc->fm[i]);
		}
		check_blocks(doc);
		check_sections(doc);
		check_sentences(doc);
	}
	doc_free(doc);
	sr_error_release(&err);
	return 0;
}
