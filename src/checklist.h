/*
 * checklist.h - the checklist model and its strict YAML loader.
 *
 * A checklist is a YAML file (format: docs/checklist-format.md):
 *
 *   id: outsourcing-security            # [a-z0-9-]+
 *   version: "1.0"                      # a string
 *   title: {ja: ..., en: ...}           # both languages required
 *   source: ...                         # the standard it encodes
 *   by_reference:                       # optional: wording that defers to
 *     any: [契約書に記載のとおり, ...]      # another document
 *     regex: ['far 52\.\d+']
 *   empty_markers: [特になし, なし, n/a]  # optional: a section body that is
 *                                       # only one of these says "absent"
 *   exclude: [廃棄物]                    # optional: longer words inside
 *                                       # which a term is not a hit
 *   items:
 *     - id: OS-05                       # unique, [A-Za-z0-9_.-]+
 *       title: {ja: ..., en: ...}
 *       guidance: {ja: ..., en: ...}
 *       severity: mandatory             # mandatory|conditional|recommended
 *       reference: "4.1.1(2)(a)(オ)"
 *       tags:
 *         threat: [external, human-error, insider]
 *         property: [confidentiality, integrity, availability]
 *       applies_when:                   # all must hold; a key the spec's
 *         kind: [development, operations]  # front matter lacks holds
 *         cloud: true
 *       template: OS-05                 # templates/clauses/OS-05.<lang>.md
 *       match:
 *         scope: sentence               # sentence|paragraph|section|document
 *         all:                          # every group must hit in one unit
 *           - any: [インシデント, incident*]   # the first group is the
 *           - any: [報告, report*]            # subject of the clause
 *             regex: ['within \d+ hours']
 *         regex: [...]                  # optional: one more group
 *         not_alone: [事故]              # never sufficient on their own
 *         exclude: [事故米]              # item-specific exclusions
 *       examples:                       # self-tests run by `lint`
 *         satisfied: [ "...", ... ]
 *         missing: [ "...", ... ]
 *
 * Terms are normalized like spec text (text_normalize_str) when loaded, so
 * "ＩＳＭＡＰ" and "ismap" are one term.  A term made of ASCII letters or
 * digits at an end must sit on a word boundary there; a trailing '*' lifts
 * that at the end ("subcontract*" matches "subcontractors").  Regexes are
 * PCRE2 (UTF, caseless) applied to normalized text.
 *
 * The loader is strict: unknown keys (with "did you mean"), wrong types,
 * missing required keys, duplicate keys and item ids, empty groups, bad
 * regexes (PCRE2's message and offset), invalid UTF-8, too many aliases,
 * too deep nesting, an empty or binary or oversized file are all errors,
 * each reported with its position, every one of them, and a checklist with
 * any error is never returned.
 */
#ifndef SR_CHECKLIST_H
#define SR_CHECKLIST_H

#include <stddef.h>

struct sr_error;

/* Groups in one item (match.all plus match.regex): a bit each in a mask. */
#define CL_MAX_GROUPS 32

enum cl_severity { CL_MANDATORY, CL_CONDITIONAL, CL_RECOMMENDED };
enum cl_scope { CL_SENTENCE, CL_PARAGRAPH, CL_SECTION, CL_DOCUMENT };

enum cl_threat {
	CL_THREAT_EXTERNAL = 1 << 0,
	CL_THREAT_HUMAN_ERROR = 1 << 1,
	CL_THREAT_INSIDER = 1 << 2,
};
enum cl_property {
	CL_PROP_CONFIDENTIALITY = 1 << 0,
	CL_PROP_INTEGRITY = 1 << 1,
	CL_PROP_AVAILABILITY = 1 << 2,
};

struct cl_text {
	char *ja, *en; /* owned */
};

/* A term as written and as matched. */
struct cl_term {
	char *text;   /* as written in the file (owned) */
	char *norm;   /* normalized, without a trailing '*' (owned) */
	int prefix;   /* written with a trailing '*' */
	int line, col;
};

struct cl_regex {
	char *pattern; /* owned */
	void *code;    /* compiled pcre2_code_8 *, owned */
	int line, col;
};

/* A group hits when any of its terms or regexes matches. */
struct cl_group {
	struct cl_term *terms;
	size_t nterms;
	struct cl_regex *regexes;
	size_t nregexes;
};

/*
 * A condition on the spec's front matter: holds when the spec does not
 * have `key`, or when any of its values equals (case-insensitively) one
 * of `values`.  Booleans are stored as "true" / "false".
 */
struct cl_cond {
	char *key;
	char **values;
	size_t nvalues;
};

struct cl_example {
	char *text;
	int line, col;
};

struct cl_item {
	char *id;
	struct cl_text title, guidance;
	enum cl_severity severity;
	char *reference;  /* may be NULL */
	unsigned threat;  /* enum cl_threat bits */
	unsigned property; /* enum cl_property bits */
	struct cl_cond *conds;
	size_t nconds;
	char *template_id; /* may be NULL */
	enum cl_scope scope;
	struct cl_group *groups; /* match.all, then match.regex as a group */
	size_t ngroups;
	struct cl_term *not_alone;
	size_t nnot_alone;
	struct cl_term *exclude;
	size_t nexclude;
	struct cl_example *ex_satisfied, *ex_missing;
	size_t nex_satisfied, nex_missing;
	int line, col; /* where the item starts */
};

struct checklist {
	char *path; /* as given to the loader, owned */
	char *id, *version, *source;
	struct cl_text title;
	struct cl_group by_reference; /* may be empty */
	struct cl_term *empty_markers;
	size_t nempty_markers;
	struct cl_term *exclude;
	size_t nexclude;
	struct cl_item *items;
	size_t nitems;
};

/*
 * Loads and validates a checklist.  On success *out is a new checklist
 * (free with checklist_free()).  On failure *out is NULL, the return is a
 * negative code and `err` (may be NULL) holds every problem found, sorted
 * by position (at most 100, then a "too many errors" line):
 *   SR_EPARSE     content problems (syntax, schema, invalid UTF-8, empty);
 *   SR_ELIMIT     the file is over SR_MAX_CHECKLIST_BYTES, or its YAML over
 *                 SR_MAX_YAML_DEPTH / SR_MAX_YAML_ALIASES, or aliases that
 *                 expand to more than SR_MAX_CHECKLIST_BYTES;
 *   SR_EBINARY    a NUL byte (position of the first one);
 *   SR_ENOTFOUND, SR_EIO, SR_EINVAL   the file cannot be read;
 *   SR_ENOMEM.
 */
int checklist_load_file(struct checklist **out, const char *path,
			struct sr_error *err);
/* Same from memory; `path` is used in messages only. */
int checklist_load_buffer(struct checklist **out, const char *buf,
			  size_t len, const char *path, struct sr_error *err);
void checklist_free(struct checklist *cl);

/* The item with `id`, or NULL. */
const struct cl_item *checklist_item_find(const struct checklist *cl,
					  const char *id);

const char *cl_severity_name(enum cl_severity s);
const char *cl_scope_name(enum cl_scope s);
/* "ja" gives the Japanese text when present, else English. */
const char *cl_text_get(const struct cl_text *t, const char *lang);

#endif
