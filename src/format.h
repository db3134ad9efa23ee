/*
 * format.h - machine-readable output of check reports: JSON, SARIF 2.1.0
 * and JUnit XML (docs/output-formats.md documents them).
 *
 * Output is produced spec by spec so that a caller checking thousands of
 * specs never holds them all: format_begin(), then format_spec() for each
 * report in order, then format_end().  Each appends to a strbuf that the
 * caller writes out and resets.  Columns are 1-based code points (SARIF
 * says so with columnKind "unicodeCodePoints").
 */
#ifndef SR_FORMAT_H
#define SR_FORMAT_H

#include <stddef.h>

struct check_report;
struct checklist;
struct spell_result;
struct sr_error;
struct strbuf;

enum format_kind { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF, FORMAT_JUNIT };

/* Parses "text", "json", "sarif", "junit"; returns -1 if unknown. */
int format_parse(const char *name);

/* Longest evidence text quoted in output, in bytes (cut on a character). */
#define FORMAT_MAX_QUOTE 240

/* Where an output stream is: set kind and cl, zero the rest; release it
 * with format_release(). */
struct format_state {
	enum format_kind kind;
	const struct checklist *cl;
	size_t nspecs;   /* specs written so far */
	size_t nresults; /* SARIF results written so far */
	/* The misspellings of the spec given to format_spec next, written
	 * as its JSON "spelling" array (check --spell); NULL: no array. */
	const struct spell_result *spelling;
	/* JSON: item i's finding before its status, item_json[item_off[2i]
	 * .. item_off[2i+1]), and after it up to its evidence, .. [2i+2]:
	 * the same in every spec, so format_begin renders them once (NULL:
	 * each finding renders its own). */
	char *item_json;
	size_t *item_off;
};

void format_begin(struct strbuf *out, struct format_state *st);
/* Frees what format_begin made; st may be used again after format_begin. */
void format_release(struct format_state *st);
/*
 * Appends one spec.  A report without a document (the spec could not be
 * read) is left out of JSON and SARIF (the caller lists its diagnostics
 * in format_end's `errors`) and is an <error> test case in JUnit.
 */
void format_spec(struct strbuf *out, struct format_state *st,
		 const struct check_report *rep);
/*
 * The same in two steps, so that specs can be rendered on several
 * threads: format_spec_part() renders a spec as a part that follows
 * others (reading only st->kind and st->cl, and no spelling),
 * format_add_part() appends parts in order, on one thread, and drops the
 * separator before the first.
 */
void format_spec_part(struct strbuf *out, const struct format_state *st,
		      const struct check_report *rep);
void format_add_part(struct strbuf *out, struct format_state *st,
		     const char *part, size_t len);
/* `errors`: problems not tied to a reported spec (may be NULL). */
void format_end(struct strbuf *out, struct format_state *st,
		const struct sr_error *errors);

/*
 * Appends a one-line quote of text[start..end): whitespace runs become one
 * space, control characters are dropped, cut to FORMAT_MAX_QUOTE bytes on a
 * character boundary with "…" when cut.
 */
void format_quote(struct strbuf *out, const char *text, size_t start,
		  size_t end);

/* ---- spelling (spell.h) ---- */

/*
 * Appends a JSON array of misspellings:
 * [{"line":N,"column":N,"word":"...","suggestions":["...",...]},...]
 */
void format_spelling_json(struct strbuf *out, const struct spell_result *r);

/*
 * Appends one line per misspelling, "PATH:LINE:COL: word (suggestions:
 * a, b, c)", with "LABEL: " before the word when `label` is not NULL.
 */
void format_spelling_text(struct strbuf *out, const char *path,
			  const struct spell_result *r, const char *label);

#endif
