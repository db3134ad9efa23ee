/*
 * doc.h - a spec as a document: front matter, blocks, sections, sentences.
 *
 * Model.  doc_parse() takes the original bytes of a spec (Markdown or plain
 * text) and records structure as byte ranges [start, end) into `text`,
 * never copying the text itself.  Structure is read from the original,
 * before any normalization, because numbering such as ① or ⑴ means
 * something that NFKC erases.
 *
 *  - front matter: an optional YAML mapping between a first line "---" and
 *    the next "---" (or "..."); its values are scalars or lists of scalars.
 *    The known keys fill `meta`; every key is also kept in `fm` for
 *    checklist conditions (applies_when).
 *  - blocks: the body is cut into headings, paragraphs, list items, table
 *    rows and code blocks.  A heading is an ATX (#) or setext (===, ---)
 *    Markdown heading, or a line that starts with legal or Japanese
 *    numbering and is short and has no sentence end: 第1章, 第2節, 第3条,
 *    第1条（目的）, 1., 1.1, 1.1.1, （1）, (1), ⑴, ①, ア, (ア), （ア）, ㋐,
 *    A., I..  Numbered lines that read as sentences (end with 。 or a
 *    period, or are long) are list items instead.  Lines starting with -,
 *    *, +, ・ or a number marker are list items; continuation lines
 *    (indented, or not starting a new block) belong to the block above.
 *    Lines starting with | (or grid-table borders +---+) are table rows.
 *  - sections: each heading opens a section that runs to the next heading
 *    of the same or a higher level (so sections nest); `parent` links them.
 *    Markdown levels are 1..6; numbering gets levels from its kind (第N章 1,
 *    第N節 2, 第N条 2, 1. 2, 1.1 3, 1.1.1 4, （1） 4, ① 5, ア 6, (ア) 6),
 *    but a numbered heading is never shallower than the Markdown heading
 *    it sits under.  Text before the first heading is in no section.
 *  - sentences: paragraphs and list items are split after 。 ．! ? and
 *    after '.' followed by whitespace or the end (not inside 1.1, e.g., or
 *    a number).  A block without a sentence end is one sentence.  A
 *    heading is one sentence.  Sentences may span lines.
 *
 * Line numbers are 1-based and count from the first line of the file (the
 * front matter included), so evidence points at the real line.
 */
#ifndef SR_DOC_H
#define SR_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

struct sr_error;

enum doc_block_kind {
	DOC_HEADING,
	DOC_PARAGRAPH,
	DOC_LIST_ITEM,
	DOC_TABLE_ROW,
	DOC_CODE,
};

struct doc_block {
	enum doc_block_kind kind;
	uint32_t start, end;   /* byte range in doc->text, trailing newline
				* excluded */
	uint32_t line, nlines; /* first line (1-based) and line count */
	int level;             /* heading level (1 = top), 0 otherwise */
	long section;          /* index of the innermost section containing
				* this block (the one it opens, for a
				* heading), or -1 */
};

struct doc_section {
	size_t heading;       /* index of its heading block */
	int level;
	uint32_t start, end;  /* from the heading to the end of the section,
			       * subsections included */
	uint32_t body_start;  /* first byte after the heading block */
	long parent;          /* enclosing section or -1 */
	char *number;         /* numbering as written ("第1章", "（1）", "①",
			       * "1.2"), or NULL for Markdown headings; owned */
	char *title;          /* heading text without marks or numbering,
			       * owned */
};

struct doc_sentence {
	uint32_t start, end; /* byte range, trimmed of surrounding space */
	size_t block;
};

/* One front matter key; `values` has one entry for a scalar. */
struct doc_fm_entry {
	char *key;
	char **values;
	size_t nvalues;
	int line, col; /* position of the key in the file */
};

enum doc_tristate { DOC_UNSET = -1, DOC_FALSE = 0, DOC_TRUE = 1 };

struct doc_meta {
	char *title, *kind, *owner, *system, *lang; /* owned, may be NULL */
	enum doc_tristate cloud, personal_data, sensitive;
};

struct doc {
	char *path;          /* owned, for messages */
	const char *text;    /* the original bytes (not owned unless
			      * text_owned) */
	size_t len;
	int text_owned;
	uint32_t body_start; /* first byte after the front matter */
	struct text_lines lines;
	struct doc_meta meta;
	struct doc_fm_entry *fm;
	size_t nfm;
	struct doc_block *blocks;
	size_t nblocks;
	struct doc_section *sections;
	size_t nsections;
	struct doc_sentence *sentences;
	size_t nsentences;
};

/*
 * Parses `text` (len bytes, need not be NUL-terminated, must outlive the
 * doc unless DOC_COPY is given) named `path` for messages.  Returns 0 and
 * a new doc in *out (free with doc_free()), or a negative code with
 * diagnostics in `err`:
 *  - SR_EBINARY for a file with NUL bytes,
 *  - SR_ELIMIT over SR_MAX_SPEC_BYTES,
 *  - SR_EPARSE for malformed front matter (with its line and column).
 * Invalid UTF-8 is not an error: a warning with the position of the first
 * invalid byte is added to `err` and parsing continues.
 */
enum doc_flags { DOC_COPY = 1 << 0 };
int doc_parse(struct doc **out, const char *path, const char *text,
	      size_t len, unsigned flags, struct sr_error *err);
void doc_free(struct doc *doc);

/* The front matter entry for `key`, or NULL. */
const struct doc_fm_entry *doc_fm_get(const struct doc *doc, const char *key);

#endif
