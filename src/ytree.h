/*
 * ytree.h - YAML read into a small tree, with the problems of a strict
 * loader and the generic checks of its schema.
 *
 * Model.  Every YAML loader of the engine (checklist.c, record.c,
 * workflow.c's roles.yaml, config.c and doc.c's front matter) reads in two
 * passes.  ytree_parse() turns libyaml's event stream into a tree of
 * struct ytree_node and enforces the input limits while it reads: nesting
 * deeper than SR_MAX_YAML_DEPTH, too many aliases, aliases that expand to
 * too much are refused at the event that crosses the line, never after
 * the fact.  The loader then walks the tree along its own schema, a table
 * of struct ytree_field per mapping, with ytree_fields(), ytree_get_str(),
 * ytree_check_list() and ytree_get_enum() doing the generic checks, and
 * records what else it finds wrong with ytree_problem_at().  Which keys
 * exist, what they mean and the wording of schema problems stay in the
 * loader; the YAML is read and its problems are placed here.
 *
 * Problems.  A struct ytree_loader collects the problems of one text,
 * each at its 1-based line and code point column (libyaml's marks are
 * 0-based and its reader errors give byte offsets: both are converted
 * here, into the caller's coordinates when the text is part of a file).
 * Past opt->max_errors problems one "too many errors" line is added and
 * the rest are only counted.  The problem that stopped the parser (a
 * syntax error, a limit, a second document) is held and reported after
 * the walk's, which is the order of the text; ytree_loader_finish() hands
 * everything to the caller's sr_error, sorted by position under
 * YTREE_SORT.
 *
 * Partial trees.  When the parser stops, ytree_parse() still gives the
 * tree read so far, in which collections whose end was not read have
 * `complete` clear and a mapping may end with a key.  Loaders that report
 * every problem before a syntax error (config, front matter) walk it; the
 * others throw it away.
 *
 * Aliases.  Each loader picks a policy (enum ytree_aliases): keep alias
 * nodes for the walk to interpret, resolve them to their anchor's node
 * (not a copy, and only a node already complete, so the tree has no
 * cycles), or refuse anchors, aliases and tags.
 *
 * Ownership.  The tree is the caller's (ytree_node_free(), partial or
 * not); alias targets point into the same tree.  Strings from
 * ytree_get_str() are the caller's.  The loader owns its problems until
 * ytree_loader_finish() moves them to the caller's sr_error.
 */
#ifndef SR_YTREE_H
#define SR_YTREE_H

#include <stddef.h>

#include "error.h"

enum ytree_kind { YTREE_SCALAR, YTREE_SEQ, YTREE_MAP, YTREE_ALIAS };

/* How a scalar was written; YTREE_NO_STYLE for other nodes. */
enum ytree_style {
	YTREE_NO_STYLE,
	YTREE_PLAIN,
	YTREE_SINGLE_QUOTED,
	YTREE_DOUBLE_QUOTED,
	YTREE_LITERAL,
	YTREE_FOLDED,
};

struct ytree_node {
	enum ytree_kind kind;
	/* Where it starts and (scalars) ends, 1-based, code point columns. */
	int line, col;
	int end_line, end_col;
	/* YTREE_SCALAR: the value, NUL-terminated but holding NULs of its
	 * own when the YAML escapes them (len says), stored with the node;
	 * else NULL. */
	char *str;
	size_t len;
	enum ytree_style style;
	/* A plain "", "~", "null", "Null" or "NULL" (untagged, under
	 * YTREE_STRICT_NULL). */
	unsigned null : 1;
	/* Read to its end: always for scalars and aliases. */
	unsigned complete : 1;
	/* Reported already (a refused alias): the checks below fail on it
	 * without saying more. */
	unsigned bad : 1;
	/* Its anchor, or for YTREE_ALIAS the anchor it names; owned. */
	char *anchor;
	/* YTREE_ALIAS under YTREE_ALIASES_RESOLVE: the anchored node. */
	const struct ytree_node *target;
	/* YTREE_SEQ: the items; YTREE_MAP: key, value, key, value...  Owned. */
	struct ytree_node **kids;
	size_t nkids, akids;
	/* Nodes and scalar bytes in it, aliases expanded. */
	size_t weight;
};

enum ytree_aliases {
	/* Anchors stay on their nodes; an alias is a YTREE_ALIAS node that
	 * names one, for the walk to make sense of. */
	YTREE_ALIASES_KEEP,
	/* An alias points at the latest complete node with its anchor.  An
	 * alias to none stops the parser, and so does the alias that makes
	 * them all expand to more than max_expansion bytes. */
	YTREE_ALIASES_RESOLVE,
	/* Anchors, aliases and tags are problems where they stand, and the
	 * parser goes on; an alias becomes a `bad` node. */
	YTREE_ALIASES_REFUSE,
};

enum ytree_flags {
	/* Problems handed over sorted by position. */
	YTREE_SORT = 1 << 0,
	/* A tagged plain scalar is never null ("!!str ~" is "~"). */
	YTREE_STRICT_NULL = 1 << 1,
	/* "missing required key 'k' in 'what'", not just "... 'k'". */
	YTREE_SAY_WHERE = 1 << 2,
	/* libyaml takes the encoding from a BOM, UTF-16 included; else the
	 * text is read as UTF-8 whatever it starts with. */
	YTREE_DETECT_ENCODING = 1 << 3,
};

/*
 * What differs between loaders.  Fields left zero take the defaults, so
 * that a loader's table names only what is particular to it.
 */
struct ytree_options {
	unsigned flags; /* enum ytree_flags */
	enum ytree_aliases aliases;
	size_t max_aliases;   /* KEEP, RESOLVE: per text; 0 for no limit */
	size_t max_expansion; /* RESOLVE: bytes aliases may expand to */
	size_t max_errors;    /* problems recorded; 0 for all */
	/* Lines of the file before the text's first (front matter). */
	int line_offset;
	/*
	 * Where byte `off` of the text is in the caller's coordinates, for
	 * reader errors and ytree_problem_at_offset().  NULL: counted in the
	 * text, line breaks as libyaml counts them, plus line_offset.
	 */
	void (*locate)(const void *arg, size_t off, int *line, int *col);
	const void *locate_arg;
	/* What a non-null scalar is called in "expected X, got Y". */
	const char *scalar_noun; /* "a string" */
	/* Wording of what stops the parser; the formats take the limit. */
	const char *second_doc;	      /* "only one YAML document is allowed" */
	const char *too_deep;	      /* "nesting deeper than %d levels" */
	const char *too_many_aliases; /* "too many aliases (more than %d)" */
	/*
	 * A libyaml error.  NULL: "syntax error: PROBLEM (CONTEXT at line L,
	 * column C)"; else "<syntax>: PROBLEM CONTEXT".
	 */
	const char *syntax;
};

/* The reading of one text: its problems, the one that stopped it. */
struct ytree_loader {
	const struct ytree_options *opt;
	const char *path; /* in messages; not owned */
	/* The text, not owned; a caller may step over a BOM before
	 * ytree_parse(). */
	const char *buf;
	size_t len;
	struct sr_error diags; /* the problems recorded */
	size_t nerr;	       /* problems found, recorded or not */
	int truncated;	       /* the last one says "too many errors" */
	int oom;	       /* out of memory; a walk sets it too */
	char *stop_msg;	       /* the problem that stopped the parser */
	int stop_line, stop_col;
	size_t mark_char, mark_byte; /* mark_offset()'s last place */
};

/*
 * Prepares `ld` to read `buf` (len bytes, need not be NUL-terminated),
 * named `path` in messages; `opt`, `path` and `buf` must outlive it.
 * Allocates nothing.
 */
void ytree_loader_init(struct ytree_loader *ld, const struct ytree_options *opt,
		       const char *path, const char *buf, size_t len);

/*
 * Reads the text into *root (NULL for an empty stream).  Returns 0, or
 * the code of what stopped it: SR_EPARSE (syntax, a second document, an
 * unknown alias), SR_ELIMIT (depth, aliases) or SR_ENOMEM, with the
 * problem held.  *root is set either way, to what was read.
 */
int ytree_parse(struct ytree_loader *ld, struct ytree_node **root);

/*
 * ytree_parse() for a whole file of at most `limit` bytes that must say
 * something: a larger one is refused with `too_big` (a format taking the
 * size as %zu and the limit as %u) and SR_ELIMIT before it is read, an
 * empty one with `empty` and SR_EPARSE.
 */
int ytree_parse_file(struct ytree_loader *ld, size_t limit,
		     const char *too_big, const char *empty,
		     struct ytree_node **root);

/* Forgets the held problem: the walk stopped before the parser did. */
void ytree_drop_stop(struct ytree_loader *ld);

/* SR_ENOMEM, SR_EPARSE when there was a problem (held or not), else 0. */
int ytree_loader_status(const struct ytree_loader *ld);

/*
 * Reports the held problem, adds "out of memory" when ld->oom or `ret`
 * says so (and a line naming `ret` when it is an error no problem
 * explains), sorts under YTREE_SORT and moves every problem to `err` (may
 * be NULL).  Frees what `ld` holds.  Returns `ret`, or SR_ENOMEM.
 */
int ytree_loader_finish(struct ytree_loader *ld, int ret, struct sr_error *err);

void ytree_node_free(struct ytree_node *n);

/* Records a problem at a position, at a node, at byte `off` of the text. */
void ytree_problem(struct ytree_loader *ld, int line, int col, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));
void ytree_problem_at(struct ytree_loader *ld, const struct ytree_node *n,
		      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ytree_problem_at_offset(struct ytree_loader *ld, size_t off,
			     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- walking ----------------------------------------------------------- */

/* A resolved alias's target; any other node itself. */
const struct ytree_node *ytree_deref(const struct ytree_node *n);

/* A root that says nothing: none, or a null scalar. */
int ytree_is_empty(const struct ytree_node *root);

/* "a list", "a mapping", "nothing", "an alias" or the scalar noun. */
const char *ytree_kind_name(const struct ytree_loader *ld,
			    const struct ytree_node *n);

/* One key of a mapping's schema. */
struct ytree_field {
	const char *name;
	int required;
};

#define YTREE_MAX_FIELDS 32

/*
 * Checks that `map` (named `what` in messages) is a mapping of keys from
 * f[0..nf) and sets val[i] to the value of f[i], aliases resolved (NULL
 * when absent).  Reports keys that are not strings, unknown keys (naming
 * the closest known one, or all of them), duplicate keys and missing
 * required keys.  Returns 1 when `map` is a mapping, even with problems;
 * else 0 (reported, unless `bad`).
 */
int ytree_fields(struct ytree_loader *ld, const struct ytree_node *map,
		 const char *what, const struct ytree_field *f, size_t nf,
		 const struct ytree_node **val);

/* Flags of the checks below. */
enum ytree_check { YTREE_EMPTY_OK = 1 << 0 };

/*
 * Whether `n` is a string: a scalar, not null, without NULs, not empty
 * unless YTREE_EMPTY_OK.  1, or 0 after reporting why not.
 */
int ytree_check_str(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, unsigned flags);

/* A copy of the string `n` (may be NULL), or NULL: reported, or out of
 * memory (ld->oom set).  The caller frees it. */
char *ytree_get_str(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, unsigned flags);

/* Whether `n` is a list, not empty unless YTREE_EMPTY_OK; 1 or 0. */
int ytree_check_list(struct ytree_loader *ld, const struct ytree_node *n,
		     const char *what, unsigned flags);

/*
 * The index of the string `n` in names[0..nnames), or -1 after reporting
 * "invalid WHAT 'x' (valid: a, b, c)".
 */
int ytree_get_enum(struct ytree_loader *ld, const struct ytree_node *n,
		   const char *what, const char *const *names, size_t nnames,
		   unsigned flags);

/*
 * Appends `s` (valid UTF-8) as a double-quoted YAML scalar that reads
 * back byte for byte: quotes, backslashes, tabs, controls, C1, NEL, LS,
 * PS, BOM and non-characters escaped.  With indent >= 0 a line break is
 * written as "\n" plus an escaped break and `indent` spaces, so long texts
 * stay readable (a space starting a continuation is escaped, as YAML
 * would strip it); with indent < 0 the scalar stays on one line.
 */
struct strbuf;
void ytree_emit_str(struct strbuf *sb, const char *s, int indent);

#endif
