/*
 * fuzz_frontmatter.c - libFuzzer target for a spec's YAML front matter.
 *
 * The input is placed between "---" lines ahead of a short body, so every
 * execution reaches the front matter reader (fuzz_doc mostly exercises
 * the body).  Any bytes give a document or diagnostics with positions,
 * never a crash, a leak or a hang; an accepted document's typed fields
 * agree with its raw entries, and entry positions lie inside the front
 * matter.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char body[] = "---\n# 第1章 総則\n本文。\n";

static void check_str(const struct doc *d, const char *key, const char *v)
{
	const struct doc_fm_entry *e = doc_fm_get(d, key);

	if (v) {
		assert(e && e->nvalues == 1 && !strcmp(e->values[0], v));
	}
}

static void check_tri(const struct doc *d, const char *key,
		      enum doc_tristate t)
{
	const struct doc_fm_entry *e = doc_fm_get(d, key);

	if (t == DOC_UNSET)
		return;
	assert(e && e->nvalues == 1);
	assert(!strcmp(e->values[0], t == DOC_TRUE ? "true" : "false"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sr_error err = SR_ERROR_INIT;
	struct doc *d = NULL;
	size_t len = 4 + size + 1 + sizeof(body) - 1, i;
	char *text;
	int lines = 2; /* "---" and the closing line */

	if (size > (1u << 16))
		return 0;
	text = malloc(len);
	if (!text)
		return 0;
	memcpy(text, "---\n", 4);
	memcpy(text + 4, data, size);
	text[4 + size] = '\n';
	memcpy(text + 5 + size, body, sizeof(body) - 1);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (doc_parse(&d, "fm.md", text, len, 0, &err) == 0) {
		check_str(d, "title", d->meta.title);
		check_str(d, "kind", d->meta.kind);
		check_str(d, "owner", d->meta.owner);
		check_str(d, "system", d->meta.system);
		check_str(d, "lang", d->meta.lang);
		check_tri(d, "cloud", d->meta.cloud);
		check_tri(d, "personal_data", d->meta.personal_data);
		check_tri(d, "sensitive", d->meta.sensitive);
		assert(d->body_start <= len);
		for (i = 0; i < d->nfm; i++)
			assert(d->fm[i].line >= 1 && d->fm[i].line <= lines);
		doc_free(d);
	} else {
		assert(err.nerrors > 0 || err.oom);
		for (i = 0; i < err.n; i++)
			assert(err.diags[i].msg && err.diags[i].line >= 0);
	}
	sr_error_release(&err);
	free(text);
	return 0;
}
