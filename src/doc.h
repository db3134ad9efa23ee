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
 *    第1条（目的）, 1., 1.1, 1.1.1, （1）, (1), ⑴, 1), ①, ア, (ア), （ア）, ㋐,
 *    A., I., Ⅰ (full-width digits and kanji numerals too; emphasis around
 *    the line is looked through).  Numbered lines that read as sentences
 *    (contain 。, end with a period, 、 or a comma, or are over 40 code
 *    points after the number) are list items instead, and so is a short
 *    numbered line ending in a particle (は, を, ...) or a function word
 *    when the next line continues it.  Lines starting with -, *, +, ・,
 *    ●, ○, ■, □, ※, a) or (a) are always list items; continuation lines
 *    (not blank, not starting a new block) belong to the block above.
 *    ASCII numbering (7.2.4, A.) does not cut a paragraph whose previous
 *    line ends in a letter, digit or comma: it is a wrapped line.  Lines
 *    starting with | are table rows, one block each; in a grid table
 *    (+---+ borders) a row is all its lines between borders; separator
 *    rows are not blocks.  Fenced code (``` ~~~) is one block.  HTML
 *    comments, thematic breaks, pandoc ::: fences and blank lines make no
 *    block; a leading "> " is looked through.
 *  - sections: each heading opens a section that runs to the next heading
 *    of the same or a higher level (so sections nest); `parent` links them.
 *    Markdown levels are 1..6; numbering gets levels from its kind (第N章,
 *    第N編, 第N部, bare 第N, I. 1; 第N節, 第N条, 1., A. 2; 第N款, 第N項,
 *    1.1 3; 1.1.1, （1）, ⑴ 4; 1), ① 5; ア, (ア), ㋐ 6; one more per
 *    further decimal component, "1.0" counting as "1.").  Under a Markdown
 *    heading of level L numbered headings are shifted below it: the first
 *    one fixes the shift (L + 1 - its level, when positive) for the rest,
 *    so that 1. stays above （1）.  Except that when this first one
 *    continues the Markdown heading's own numbering ("### 2.1" then
 *    "**2.2 ...**"), it is the Markdown heading's sibling.  Text before the
 *    first heading is in no section.
 *  - sentences: paragraphs, list items (after their marker) and table rows
 *    (cell by cell) are split after 。 ． ！ ？ ! ? (closing brackets,
 *    quotes and ** staying with the sentence) and after '.' followed by
 *    whitespace or the end (not inside 1.1, nor after e.g., i.e., U.S.,
 *    etc., No., Art., an initial...).  A block without a sentence end is
 *    one sentence.  A heading is one sentence (its text without # marks
 *    or the setext underline).  Sentences may span lines.  Code blocks
 *    have none.  They are split when asked for (doc_block_sentences):
 *    the matcher needs those of a few blocks, for items of sentence
 *    scope, and nothing else needs them.
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
	uint32_t text_start, text_end; /* what its sentences are read from:
					* after a list marker or numbering,
					* a heading's text; empty for code */
};

struct doc_section {
	size_t heading;       /* index of its heading block */
	int level;
	uint32_t start, end;  /* from the heading to the end of the section,
			       * subsections included */
	uint32_t body_start;  /* first byte after the heading block */
	long parent;          /* enclosing section or -1 */
	char *number;         /* numbering as written ("第1章", "（1）", "①",
			       * "1.2"), or NULL for Markdown headings; in
			       * doc->names */
	char *title;          /* heading text without marks or numbering, in
			       * doc->names */
};

struct doc_sentence {
	uint32_t start, end; /* byte range, trimmed of surrounding space */
	size_t block;
};

/* Sentences as they are split, appended. */
struct doc_sentences {
	struct doc_sentence *v;
	size_t n, alloc;
};

#define DOC_SENTENCES_INIT { NULL, 0, 0 }

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
	uint32_t body_start; /* first byte after the front matter (and after
			      * a UTF-8 BOM) */
	struct text_lines lines;
	struct doc_meta meta;
	struct doc_fm_entry *fm;
	size_t nfm;
	struct doc_block *blocks;
	size_t nblocks;
	struct doc_section *sections;
	size_t nsections;
	char *names; /* the sections' numbers and titles, owned */
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
 *
 * Front matter: title, kind, owner, system and lang are strings;
 * cloud, personal_data and sensitive are booleans (true/false, yes/no,
 * はい/いいえ; kept in fm as "true"/"false"); an empty value leaves a key
 * unset (no values).  Nested mappings, lists inside lists, a list for a
 * single-valued key, a bad boolean and a duplicate key are errors; every
 * one is reported.  Anchors and aliases of plain values and lists work,
 * up to SR_MAX_YAML_ALIASES aliases.  A file whose first line is "---"
 * must close its front matter with a "---" or "..." line.
 */
enum doc_flags { DOC_COPY = 1 << 0 };
int doc_parse(struct doc **out, const char *path, const char *text,
	      size_t len, unsigned flags, struct sr_error *err);
void doc_free(struct doc *doc);

/* The front matter entry for `key`, or NULL. */
const struct doc_fm_entry *doc_fm_get(const struct doc *doc, const char *key);

/*
 * Appends the sentences of block b to *out (none for a code block), or
 * of every block, in order.  Returns 0 or SR_ENOMEM (*out keeps what was
 * appended).
 */
int doc_block_sentences(const struct doc *doc, size_t b,
			struct doc_sentences *out);
int doc_sentences(const struct doc *doc, struct doc_sentences *out);
void doc_sentences_release(struct doc_sentences *s);

#endif
