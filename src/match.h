/*
 * match.h - finding checklist clauses in a document.
 *
 * Model.  matcher_new() compiles every term of every item of a checklist
 * (and the checklist's by-reference and exclusion phrases) into one
 * Aho-Corasick automaton over normalized UTF-8 bytes, a dense DFA with
 * byte classes, so that one pass over a document finds every hit of every
 * term.  Regexes (PCRE2, JIT-compiled when available) run once each over
 * the same normalized text.  A compiled matcher is read-only: any number of
 * threads may call matcher_run() on it at once.
 *
 * Evaluation of an item, per unit of its scope (sentence, paragraph = a
 * paragraph, list item, table row or heading, section = a heading with
 * everything under it, or the whole document):
 *   - a hit counts for a unit when it lies wholly inside it; hits inside a
 *     longer exclusion phrase (checklist or item `exclude`) never count,
 *     nor do hits in a section whose body is only an empty marker
 *     (特になし, N/A, ...), heading included;
 *   - SATISFIED: some unit has a hit of every group, and not all of those
 *     hits are `not_alone` terms;
 *   - BY_REFERENCE: not satisfied, and some unit with a (not `not_alone`)
 *     hit of the first group also holds a by-reference phrase
 *     (契約書に定めるとおり, "as set out in the contract", ...);
 *   - PARTIAL: otherwise, some unit hits the first group (the subject of
 *     the clause) but not every group;
 *   - MISSING: otherwise;
 *   - NOT_APPLICABLE: the item's applies_when conditions rule it out for
 *     this document's front matter (a key the front matter lacks holds).
 * Evidence lists up to MATCH_MAX_EVIDENCE units that justify the status
 * (the satisfying units, the by-reference units, or the best partial
 * units), each with the hits inside it.
 */
#ifndef SR_MATCH_H
#define SR_MATCH_H

#include <stddef.h>
#include <stdint.h>

struct checklist;
struct cl_item;
struct doc;
struct sr_error;
struct matcher;

#define MATCH_MAX_EVIDENCE 5
#define MATCH_MAX_GROUPS 32

enum finding_status {
	FINDING_SATISFIED,
	FINDING_PARTIAL,
	FINDING_BY_REFERENCE,
	FINDING_MISSING,
	FINDING_NOT_APPLICABLE,
};

/*
 * Where something is, as 1-based line and code point column; the end is
 * exclusive.  Filled by check_resolve() (check.h), zero until then.
 */
struct match_pos {
	int line, col, end_line, end_col;
};

/* A term or phrase found in the document (original byte offsets). */
struct match_hit {
	uint32_t start, end;
	int group; /* index in item->groups, or -1 for a by-reference phrase */
	struct match_pos pos;
	char *text; /* the words as written (in the result's strings; set by
		     * check_resolve) */
};

/* A scope unit that justifies a finding. */
struct match_evidence {
	uint32_t start, end; /* the unit, original byte offsets */
	struct match_hit *hits;
	size_t nhits;
	struct match_pos pos;
	char *quote; /* one-line quote of the unit (in the result's strings;
		      * set by check_resolve) */
};

struct finding {
	const struct cl_item *item;
	enum finding_status status;
	unsigned groups_hit; /* bit g: group g hit in the best unit */
	struct match_evidence *evidence;
	size_t nevidence;
};

struct match_result {
	struct finding *findings; /* one per checklist item, in order */
	size_t nfindings;
	char *strings; /* what the quotes and hit texts point into (owned):
			* one allocation, not one a string */
};

#define MATCH_RESULT_INIT { NULL, 0, NULL }

/*
 * Compiles the checklist.  The checklist must outlive the matcher.
 * Returns 0, SR_ENOMEM, or SR_ELIMIT (more groups than MATCH_MAX_GROUPS).
 */
int matcher_new(struct matcher **out, const struct checklist *cl,
		struct sr_error *err);
void matcher_free(struct matcher *m);

/*
 * Evaluates every item of the matcher's checklist on `doc`.  *out must be
 * initialised (MATCH_RESULT_INIT); it is released first.  Returns 0 or
 * SR_ENOMEM / SR_ELIMIT.
 */
int matcher_run(struct match_result *out, const struct matcher *m,
		const struct doc *doc, struct sr_error *err);
void match_result_release(struct match_result *r);

/* Whether the item applies to a document with this front matter. */
int match_item_applies(const struct cl_item *item, const struct doc *doc);

/* "satisfied", "partial", "by-reference", "missing", "not-applicable". */
const char *finding_status_name(enum finding_status s);

#endif
