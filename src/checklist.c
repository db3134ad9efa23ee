/*
 * checklist.c - the checklist model and its strict loader.
 *
 * Loading happens in two passes.  First, libyaml's event stream is turned
 * into a small tree of our own (struct ynode), which is where the input
 * limits are enforced: nesting depth, the number of aliases, and the size
 * of what aliases expand to (so a "billion laughs" file is refused while it
 * is being read, not after it has been expanded).  An alias becomes a node
 * that points at its anchor's node without copying it, and an anchor is
 * only registered once its node is complete, so the tree has no cycles.
 *
 * Second, the tree is walked along the schema (one function per mapping
 * type, each with a table of its keys), filling a struct checklist and
 * recording every problem with its position.  The walk never stops at the
 * first problem; the checklist is thrown away at the end if there was any.
 * Problems are collected in a private sr_error, sorted by position and
 * handed to the caller's.
 */
#include "checklist.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "error.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

/* Past this many problems a loader says so once and stops recording. */
#define CL_MAX_ERRORS 100

/* ---- the YAML tree --------------------------------------------------- */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP, Y_ALIAS };

struct ynode {
	enum ykind kind;
	int line, col;         /* 1-based start */
	int end_line, end_col; /* 1-based end (scalars) */
	char *str;             /* scalar value, NUL-terminated (owned) */
	size_t len;
	yaml_scalar_style_t style;
	int null;              /* a plain "", "~" or "null" */
	char *anchor;          /* owned, may be NULL */
	int complete;          /* collection end seen: aliases may use it */
	/* Y_SEQ: the items; Y_MAP: key, value, key, value, ... (owned) */
	struct ynode **kids;
	size_t nkids, akids;
	const struct ynode *target; /* Y_ALIAS: the anchored node */
	size_t weight; /* nodes + scalar bytes, aliases expanded */
};

static void ynode_free(struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n->anchor);
	free(n);
}

static const struct ynode *deref(const struct ynode *n)
{
	return n && n->kind == Y_ALIAS ? n->target : n;
}

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static int mark_line(yaml_mark_t m)
{
	return m.line >= INT_MAX - 1 ? INT_MAX : (int)m.line + 1;
}

static int mark_col(yaml_mark_t m)
{
	return m.column >= INT_MAX - 1 ? INT_MAX : (int)m.column + 1;
}

/* ---- problems -------------------------------------------------------- */

struct loader {
	const char *path;
	const char *buf; /* the text being parsed (after a BOM) */
	size_t len;
	struct sr_error diags; /* this load's problems */
	size_t nerr;
	int truncated; /* the last diagnostic says "too many errors" */
	int oom;
};

static void vproblem(struct loader *ld, int line, int col, const char *fmt,
		     va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	ld->nerr++;
	if (ld->truncated)
		return;
	if (ld->nerr > CL_MAX_ERRORS) {
		sr_error_add(&ld->diags, SR_EPARSE, ld->path, 0, 0,
			     "too many errors, stopped after %d",
			     CL_MAX_ERRORS);
		ld->truncated = 1;
		goto out;
	}
	strbuf_vaddf(&sb, fmt, ap);
	if (sb.failed) {
		ld->oom = 1;
		goto out;
	}
	sr_error_add(&ld->diags, SR_EPARSE, ld->path, line, col, "%s", sb.buf);
out:
	if (ld->diags.oom)
		ld->oom = 1;
	strbuf_release(&sb);
}

static void problem(struct loader *ld, int line, int col, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
static void problem(struct loader *ld, int line, int col, const char *fmt,
		    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, line, col, fmt, ap);
	va_end(ap);
}

static void problem_at(struct loader *ld, const struct ynode *n,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem_at(struct loader *ld, const struct ynode *n,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, n->line, n->col, fmt, ap);
	va_end(ap);
}

/*
 * Line and column of byte `off` of the text, counting line breaks as
 * libyaml does for the common cases ("\n", "\r\n", a lone "\r").
 */
static void offset_pos(const struct loader *ld, size_t off, int *line,
		       int *col)
{
	size_t i, start = 0, l = 1;

	if (off > ld->len)
		off = ld->len;
	for (i = 0; i < off; i++) {
		if (ld->buf[i] == '\n' ||
		    (ld->buf[i] == '\r' &&
		     (i + 1 >= ld->len || ld->buf[i + 1] != '\n'))) {
			l++;
			start = i + 1;
		}
	}
	*line = l >= INT_MAX ? INT_MAX : (int)l;
	l = utf8_count(ld->buf + start, off - start) + 1;
	*col = l >= INT_MAX ? INT_MAX : (int)l;
}

/* Stable insertion sort by position: there are at most CL_MAX_ERRORS. */
static void sort_diags(struct sr_error *e, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct sr_diag d = e->diags[i];

		for (j = i; j > 0; j--) {
			const struct sr_diag *p = &e->diags[j - 1];

			if (p->line < d.line ||
			    (p->line == d.line && p->col <= d.col))
				break;
			e->diags[j] = e->diags[j - 1];
		}
		e->diags[j] = d;
	}
}

/* ---- YAML events to a tree ------------------------------------------- */

struct yparse {
	struct loader *ld;
	yaml_parser_t parser;
	struct ynode *stack[SR_MAX_YAML_DEPTH];
	size_t depth;
	struct ynode *root;
	struct ynode **anchored; /* complete nodes with an anchor */
	size_t nanchored, aanchored;
	size_t naliases;
	size_t expanded; /* weight added by aliases so far */
	int ndocs;
};

static void syntax_error(struct yparse *yp)
{
	yaml_parser_t *p = &yp->parser;
	int line = 0, col = 0;

	if (p->error == YAML_MEMORY_ERROR) {
		yp->ld->oom = 1;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		offset_pos(yp->ld, p->problem_offset, &line, &col);
		problem(yp->ld, line, col, "syntax error: %s",
			p->problem ? p->problem : "unreadable input");
		return;
	}
	line = mark_line(p->problem_mark);
	col = mark_col(p->problem_mark);
	if (p->context)
		problem(yp->ld, line, col,
			"syntax error: %s (%s at line %d, column %d)",
			p->problem ? p->problem : "invalid YAML", p->context,
			mark_line(p->context_mark), mark_col(p->context_mark));
	else
		problem(yp->ld, line, col, "syntax error: %s",
			p->problem ? p->problem : "invalid YAML");
}

static struct ynode *node_new(enum ykind kind, yaml_mark_t start,
			      yaml_mark_t end, const yaml_char_t *anchor)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->line = mark_line(start);
	n->col = mark_col(start);
	n->end_line = mark_line(end);
	n->end_col = mark_col(end);
	n->weight = 1;
	if (anchor && !(n->anchor = strdup((const char *)anchor))) {
		free(n);
		return NULL;
	}
	return n;
}

/*
 * Hangs `n` under the collection being built (or makes it the root); from
 * then on the tree owns it.  On failure `n` is freed.
 */
static int attach(struct yparse *yp, struct ynode *n)
{
	struct ynode *parent;

	if (!yp->depth) {
		if (yp->root) { /* cannot happen: one document, one root */
			ynode_free(n);
			return SR_EPARSE;
		}
		yp->root = n;
		return 0;
	}
	parent = yp->stack[yp->depth - 1];
	if (SR_ALLOC_GROW(parent->kids, parent->nkids + 1, parent->akids) < 0) {
		ynode_free(n);
		return SR_ENOMEM;
	}
	parent->kids[parent->nkids++] = n;
	return 0;
}

static int remember_anchor(struct yparse *yp, struct ynode *n)
{
	if (!n->anchor)
		return 0;
	if (SR_ALLOC_GROW(yp->anchored, yp->nanchored + 1, yp->aanchored) < 0)
		return SR_ENOMEM;
	yp->anchored[yp->nanchored++] = n;
	return 0;
}

static int is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !ev->data.scalar.plain_implicit)
		return 0;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static int on_scalar(struct yparse *yp, const yaml_event_t *ev)
{
	struct ynode *n;

	n = node_new(Y_SCALAR, ev->start_mark, ev->end_mark,
		     ev->data.scalar.anchor);
	if (!n)
		return SR_ENOMEM;
	n->str = sr_strndup((const char *)ev->data.scalar.value,
			    ev->data.scalar.length);
	if (!n->str) {
		ynode_free(n);
		return SR_ENOMEM;
	}
	n->len = ev->data.scalar.length;
	n->style = ev->data.scalar.style;
	n->null = is_null_scalar(ev);
	n->complete = 1;
	n->weight = add_sat(1, n->len);
	if (yp->depth)
		yp->stack[yp->depth - 1]->weight =
			add_sat(yp->stack[yp->depth - 1]->weight, n->weight);
	if (remember_anchor(yp, n) < 0) {
		ynode_free(n);
		return SR_ENOMEM;
	}
	return attach(yp, n);
}

static int on_alias(struct yparse *yp, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct ynode *target = NULL;
	struct ynode *n;
	size_t i;

	if (++yp->naliases > SR_MAX_YAML_ALIASES) {
		problem(yp->ld, mark_line(ev->start_mark),
			mark_col(ev->start_mark),
			"too many aliases (more than %d)", SR_MAX_YAML_ALIASES);
		return SR_ELIMIT;
	}
	/* The latest complete node with that anchor. */
	for (i = yp->nanchored; i > 0; i--) {
		if (!strcmp(yp->anchored[i - 1]->anchor, name)) {
			target = yp->anchored[i - 1];
			break;
		}
	}
	if (!target) {
		problem(yp->ld, mark_line(ev->start_mark),
			mark_col(ev->start_mark),
			"alias '*%s' refers to no complete anchor before it",
			name);
		return SR_EPARSE;
	}
	yp->expanded = add_sat(yp->expanded, target->weight);
	if (yp->expanded > SR_MAX_CHECKLIST_BYTES) {
		problem(yp->ld, mark_line(ev->start_mark),
			mark_col(ev->start_mark),
			"aliases expand to more than %u bytes",
			(unsigned)SR_MAX_CHECKLIST_BYTES);
		return SR_ELIMIT;
	}
	n = node_new(Y_ALIAS, ev->start_mark, ev->end_mark, NULL);
	if (!n)
		return SR_ENOMEM;
	n->target = target;
	n->weight = target->weight;
	n->complete = 1;
	if (yp->depth)
		yp->stack[yp->depth - 1]->weight =
			add_sat(yp->stack[yp->depth - 1]->weight, n->weight);
	return attach(yp, n);
}

static int on_start(struct yparse *yp, const yaml_event_t *ev,
		    enum ykind kind)
{
	const yaml_char_t *anchor = kind == Y_MAP
					    ? ev->data.mapping_start.anchor
					    : ev->data.sequence_start.anchor;
	struct ynode *n;
	int ret;

	if (yp->depth >= SR_MAX_YAML_DEPTH) {
		problem(yp->ld, mark_line(ev->start_mark),
			mark_col(ev->start_mark),
			"nesting deeper than %d levels", SR_MAX_YAML_DEPTH);
		return SR_ELIMIT;
	}
	n = node_new(kind, ev->start_mark, ev->end_mark, anchor);
	if (!n)
		return SR_ENOMEM;
	ret = attach(yp, n);
	if (ret < 0)
		return ret;
	yp->stack[yp->depth++] = n;
	return 0;
}

static int on_end(struct yparse *yp)
{
	struct ynode *n;

	if (!yp->depth) /* libyaml balances its events */
		return SR_EPARSE;
	n = yp->stack[--yp->depth];
	n->complete = 1;
	if (yp->depth)
		yp->stack[yp->depth - 1]->weight =
			add_sat(yp->stack[yp->depth - 1]->weight, n->weight);
	return remember_anchor(yp, n);
}

/*
 * Parses ld->buf into a tree (*root, NULL for an empty stream).  Returns 0
 * or a negative code; syntax errors and limits are reported to `ld`.
 */
static int parse_tree(struct loader *ld, struct ynode **root)
{
	struct yparse yp;
	yaml_event_t ev;
	int ret = 0, done = 0;

	memset(&yp, 0, sizeof(yp));
	memset(&ev, 0, sizeof(ev));
	yp.ld = ld;
	*root = NULL;
	if (!yaml_parser_initialize(&yp.parser))
		return SR_ENOMEM;
	yaml_parser_set_input_string(&yp.parser,
				     (const unsigned char *)ld->buf, ld->len);
	yaml_parser_set_encoding(&yp.parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&yp.parser, &ev)) {
			syntax_error(&yp);
			ret = yp.parser.error == YAML_MEMORY_ERROR ? SR_ENOMEM
								   : SR_EPARSE;
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (yp.ndocs++) {
				problem(ld, mark_line(ev.start_mark),
					mark_col(ev.start_mark),
					"a checklist is one YAML document, "
					"found a second one");
				ret = SR_EPARSE;
			}
			break;
		case YAML_SCALAR_EVENT:
			ret = on_scalar(&yp, &ev);
			break;
		case YAML_ALIAS_EVENT:
			ret = on_alias(&yp, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ret = on_start(&yp, &ev, Y_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			ret = on_start(&yp, &ev, Y_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			ret = on_end(&yp);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (ret < 0)
			goto out;
	}
	*root = yp.root;
	yp.root = NULL;
out:
	yaml_event_delete(&ev);
	yaml_parser_delete(&yp.parser);
	ynode_free(yp.root);
	free(yp.anchored);
	return ret;
}

/* ---- walking the tree: generic checks -------------------------------- */

static const char *kind_name(const struct ynode *n)
{
	n = deref(n);
	switch (n->kind) {
	case Y_SEQ:
		return "a list";
	case Y_MAP:
		return "a mapping";
	default:
		return n->null ? "nothing" : "a string";
	}
}

struct field {
	const char *name;
	int required;
};

#define MAX_FIELDS 16

/*
 * Checks that `map` is a mapping of the keys in `f` and stores the value
 * of each (alias resolved) in val[i] (NULL when absent).  Reports unknown
 * keys (with a suggestion), duplicate keys and missing required keys.
 * Returns 1 when `map` is a mapping (even with problems), else 0.
 */
static int get_fields(struct loader *ld, const struct ynode *map,
		      const char *what, const struct field *f, size_t nf,
		      const struct ynode **val)
{
	const struct ynode *keyn[MAX_FIELDS];
	size_t i, j;

	assert(nf <= MAX_FIELDS);
	for (i = 0; i < nf; i++)
		val[i] = keyn[i] = NULL;
	map = deref(map);
	if (map->kind != Y_MAP) {
		problem_at(ld, map, "expected a mapping for '%s', got %s",
			   what, kind_name(map));
		return 0;
	}
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct ynode *k = deref(map->kids[i]);
		size_t best = 0, bestd = (size_t)-1;

		if (k->kind != Y_SCALAR || k->null) {
			problem_at(ld, k, "expected a key in '%s', got %s",
				   what, kind_name(k));
			continue;
		}
		for (j = 0; j < nf; j++) {
			size_t d;

			if (!strcmp(k->str, f[j].name))
				break;
			d = sr_edit_distance(k->str, f[j].name);
			if (d < bestd) {
				bestd = d;
				best = j;
			}
		}
		if (j < nf) {
			if (keyn[j]) {
				problem_at(ld, k,
					   "duplicate key '%s' (first at line "
					   "%d)",
					   k->str, keyn[j]->line);
				continue;
			}
			keyn[j] = k;
			val[j] = deref(map->kids[i + 1]);
		} else if (bestd <= 2 && bestd < strlen(f[best].name)) {
			problem_at(ld, k,
				   "unknown key '%s' (did you mean '%s'?)",
				   k->str, f[best].name);
		} else {
			struct strbuf sb = STRBUF_INIT;

			for (j = 0; j < nf; j++)
				strbuf_addf(&sb, "%s%s", j ? ", " : "",
					    f[j].name);
			if (sb.failed)
				ld->oom = 1;
			problem_at(ld, k, "unknown key '%s' in '%s' (valid: %s)",
				   k->str, what, sb.buf);
			strbuf_release(&sb);
		}
	}
	for (j = 0; j < nf; j++)
		if (f[j].required && !keyn[j])
			problem_at(ld, map, "missing required key '%s'",
				   f[j].name);
	return 1;
}

/* `n` is a non-empty string scalar; reports why not otherwise. */
static int check_str(struct loader *ld, const struct ynode *n,
		     const char *what)
{
	n = deref(n);
	if (n->kind != Y_SCALAR || n->null) {
		problem_at(ld, n, "expected a string for '%s', got %s", what,
			   kind_name(n));
		return 0;
	}
	if (!n->len) {
		problem_at(ld, n, "empty string for '%s'", what);
		return 0;
	}
	if (memchr(n->str, '\0', n->len)) {
		problem_at(ld, n, "NUL character in '%s'", what);
		return 0;
	}
	return 1;
}

/* A copy of a string scalar, or NULL (reported, or out of memory). */
static char *get_str(struct loader *ld, const struct ynode *n,
		     const char *what)
{
	char *s;

	if (!n || !check_str(ld, n, what))
		return NULL;
	n = deref(n);
	s = sr_strndup(n->str, n->len);
	if (!s)
		ld->oom = 1;
	return s;
}

/* `n` is a non-empty list; reports why not otherwise. */
static int check_list(struct loader *ld, const struct ynode *n,
		      const char *what)
{
	n = deref(n);
	if (n->kind != Y_SEQ) {
		problem_at(ld, n, "expected a list for '%s', got %s", what,
			   kind_name(n));
		return 0;
	}
	if (!n->nkids) {
		problem_at(ld, n, "empty list for '%s'", what);
		return 0;
	}
	return 1;
}

static int id_char(int c, int item)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
		return 1;
	return item && ((c >= 'A' && c <= 'Z') || c == '_' || c == '.');
}

/* An identifier: checklist ids [a-z0-9-]+, item and template ids
 * [A-Za-z0-9_.-]+ (they name files, so no '/'). */
static char *get_id(struct loader *ld, const struct ynode *n,
		    const char *what, int item)
{
	char *s = get_str(ld, n, what);
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i]; i++)
		if (!id_char((unsigned char)s[i], item))
			break;
	if (s[i] || !strcmp(s, ".") || !strcmp(s, "..")) {
		problem_at(ld, deref(n), "invalid %s '%s' (use %s)", what, s,
			   item ? "letters, digits, '-', '_' and '.'"
				: "lowercase letters, digits and '-'");
		free(s);
		return NULL;
	}
	return s;
}

/* The index of `s` in names[], or -1 after reporting it. */
static int get_enum(struct loader *ld, const struct ynode *n,
		    const char *what, const char *const *names, size_t nnames)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!check_str(ld, n, what))
		return -1;
	n = deref(n);
	for (i = 0; i < nnames; i++)
		if (!strcmp(n->str, names[i]))
			return (int)i;
	for (i = 0; i < nnames; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", names[i]);
	if (sb.failed)
		ld->oom = 1;
	problem_at(ld, n, "invalid %s '%s' (valid: %s)", what, n->str,
		   sb.buf);
	strbuf_release(&sb);
	return -1;
}

static void text_release(struct cl_text *t)
{
	free(t->ja);
	free(t->en);
	t->ja = t->en = NULL;
}

static void get_text(struct loader *ld, const struct ynode *n,
		     const char *what, struct cl_text *t)
{
	static const struct field f[] = { { "ja", 1 }, { "en", 1 } };
	const struct ynode *v[2];

	if (!get_fields(ld, n, what, f, 2, v))
		return;
	if (v[0])
		t->ja = get_str(ld, v[0], "ja");
	if (v[1])
		t->en = get_str(ld, v[1], "en");
}

/* ---- terms and regexes ------------------------------------------------ */

static void term_release(struct cl_term *t)
{
	free(t->text);
	free(t->norm);
}

static void terms_free(struct cl_term *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		term_release(&t[i]);
	free(t);
}

/* Fills *t from the scalar `n`; returns 1, or 0 when it is no term. */
static int get_term(struct loader *ld, const struct ynode *n,
		    const char *what, struct cl_term *t)
{
	size_t len;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (!check_str(ld, n, what))
		goto out;
	n = deref(n);
	t->line = n->line;
	t->col = n->col;
	len = n->len;
	if (len && n->str[len - 1] == '*') {
		t->prefix = 1;
		len--;
	}
	t->text = sr_strndup(n->str, n->len);
	if (!t->text || text_normalize_str(&t->norm, n->str, len) < 0) {
		ld->oom = 1;
		goto out;
	}
	if (!*t->norm) {
		problem_at(ld, n, "term '%s' in '%s' is empty once normalized",
			   t->text, what);
		goto out;
	}
	ret = 1;
out:
	if (!ret) {
		term_release(t);
		memset(t, 0, sizeof(*t));
	}
	return ret;
}

static void get_terms(struct loader *ld, const struct ynode *n,
		      const char *what, struct cl_term **out, size_t *nout)
{
	size_t i;

	if (!check_list(ld, n, what))
		return;
	n = deref(n);
	*out = calloc(n->nkids, sizeof(**out));
	if (!*out) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		if (get_term(ld, n->kids[i], what, &(*out)[*nout]))
			(*nout)++;
}

static void regex_release(struct cl_regex *r)
{
	free(r->pattern);
	pcre2_code_free(r->code);
}

/*
 * Column of byte `off` of a scalar's value, when the value is written
 * verbatim on one line (plain, or quoted without escapes); else the
 * scalar's own column.
 */
static int scalar_col(const struct ynode *n, size_t off)
{
	size_t cps = utf8_count(n->str, n->len), c;

	if (n->line != n->end_line || off > n->len)
		return n->col;
	if (n->style == YAML_PLAIN_SCALAR_STYLE &&
	    (size_t)(n->end_col - n->col) == cps)
		c = 0;
	else if ((n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		  n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
		 (size_t)(n->end_col - n->col) == cps + 2)
		c = 1;
	else
		return n->col;
	c += (size_t)n->col + utf8_count(n->str, off);
	return c >= INT_MAX ? n->col : (int)c;
}

static int get_regex(struct loader *ld, const struct ynode *n,
		     const char *what, struct cl_regex *r)
{
	pcre2_match_context *mctx = NULL;
	pcre2_match_data *md = NULL;
	PCRE2_SIZE erroff = 0;
	int errcode = 0, ret = 0, rc;

	memset(r, 0, sizeof(*r));
	if (!check_str(ld, n, what))
		goto out;
	n = deref(n);
	r->line = n->line;
	r->col = n->col;
	r->pattern = sr_strndup(n->str, n->len);
	if (!r->pattern) {
		ld->oom = 1;
		goto out;
	}
	r->code = pcre2_compile((PCRE2_SPTR)n->str, n->len,
				PCRE2_UTF | PCRE2_CASELESS | PCRE2_UCP,
				&errcode, &erroff, NULL);
	if (!r->code) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			msg[0] = '\0';
		problem(ld, n->line, scalar_col(n, erroff),
			"invalid regex in '%s': %s", what, (char *)msg);
		goto out;
	}
	/* A pattern that matches nothing would make its group always hit. */
	mctx = pcre2_match_context_create(NULL);
	md = pcre2_match_data_create(1, NULL);
	if (!mctx || !md) {
		ld->oom = 1;
		goto out;
	}
	pcre2_set_match_limit(mctx, 100000);
	rc = pcre2_match(r->code, (PCRE2_SPTR) "", 0, 0, 0, md, mctx);
	if (rc >= 0) {
		problem_at(ld, n, "regex '%s' in '%s' matches an empty string",
			   r->pattern, what);
		goto out;
	}
	ret = 1;
out:
	pcre2_match_data_free(md);
	pcre2_match_context_free(mctx);
	if (!ret) {
		regex_release(r);
		memset(r, 0, sizeof(*r));
	}
	return ret;
}

static void get_regexes(struct loader *ld, const struct ynode *n,
			const char *what, struct cl_regex **out, size_t *nout)
{
	size_t i;

	if (!check_list(ld, n, what))
		return;
	n = deref(n);
	*out = calloc(n->nkids, sizeof(**out));
	if (!*out) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		if (get_regex(ld, n->kids[i], what, &(*out)[*nout]))
			(*nout)++;
}

static void group_release(struct cl_group *g)
{
	size_t i;

	terms_free(g->terms, g->nterms);
	for (i = 0; i < g->nregexes; i++)
		regex_release(&g->regexes[i]);
	free(g->regexes);
	memset(g, 0, sizeof(*g));
}

static void get_group(struct loader *ld, const struct ynode *n,
		      const char *what, struct cl_group *g)
{
	static const struct field f[] = { { "any", 0 }, { "regex", 0 } };
	const struct ynode *v[2];

	if (!get_fields(ld, n, what, f, 2, v))
		return;
	if (!v[0] && !v[1]) {
		problem_at(ld, deref(n), "empty group in '%s' (give 'any' "
			   "or 'regex')", what);
		return;
	}
	if (v[0])
		get_terms(ld, v[0], "any", &g->terms, &g->nterms);
	if (v[1])
		get_regexes(ld, v[1], "regex", &g->regexes, &g->nregexes);
}

/* ---- items ------------------------------------------------------------ */

static const char *const severity_names[] = { "mandatory", "conditional",
					      "recommended" };
static const char *const scope_names[] = { "sentence", "paragraph",
					   "section", "document" };
static const char *const threat_names[] = { "external", "human-error",
					    "insider" };
static const char *const property_names[] = { "confidentiality",
					      "integrity", "availability" };

static unsigned get_bits(struct loader *ld, const struct ynode *n,
			 const char *what, const char *const *names,
			 size_t nnames)
{
	unsigned bits = 0;
	size_t i;

	if (!check_list(ld, n, what))
		return 0;
	n = deref(n);
	for (i = 0; i < n->nkids; i++) {
		int k = get_enum(ld, n->kids[i], what, names, nnames);

		if (k >= 0)
			bits |= 1u << k;
	}
	return bits;
}

static void get_tags(struct loader *ld, const struct ynode *n,
		     struct cl_item *it)
{
	static const struct field f[] = { { "threat", 0 }, { "property", 0 } };
	const struct ynode *v[2];

	if (!get_fields(ld, n, "tags", f, 2, v))
		return;
	if (v[0])
		it->threat = get_bits(ld, v[0], "threat", threat_names,
				      SR_ARRAY_SIZE(threat_names));
	if (v[1])
		it->property = get_bits(ld, v[1], "property", property_names,
					SR_ARRAY_SIZE(property_names));
}

/* A copy of a scalar, ASCII-lowercased. */
static char *get_lower(struct loader *ld, const struct ynode *n,
		       const char *what)
{
	char *s = get_str(ld, n, what), *p;

	for (p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

static void cond_release(struct cl_cond *c)
{
	size_t i;

	free(c->key);
	for (i = 0; i < c->nvalues; i++)
		free(c->values[i]);
	free(c->values);
}

static void get_cond(struct loader *ld, const struct ynode *k,
		     const struct ynode *v, struct cl_cond *c)
{
	size_t i;

	/* Messages name the key as written. */
	const char *what = deref(k)->str;

	c->key = get_lower(ld, k, "applies_when");
	v = deref(v);
	if (v->kind == Y_SEQ) {
		if (!check_list(ld, v, what))
			return;
		c->values = calloc(v->nkids, sizeof(*c->values));
		if (!c->values) {
			ld->oom = 1;
			return;
		}
		for (i = 0; i < v->nkids; i++) {
			char *s = get_lower(ld, v->kids[i], what);

			if (s)
				c->values[c->nvalues++] = s;
		}
		return;
	}
	c->values = calloc(1, sizeof(*c->values));
	if (!c->values) {
		ld->oom = 1;
		return;
	}
	if ((c->values[0] = get_lower(ld, v, what)))
		c->nvalues = 1;
}

/* A string with its index, for finding duplicates by sorting. */
struct keyed {
	const char *key;
	size_t idx;
};

static int cmp_keyed_nocase(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcasecmp(x->key, y->key);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Sorts k[0..n) and sets first[k.idx] to the index of the first entry
 * with the same key, for every entry but the first of each key (whose
 * first[] must be (size_t)-1 on entry).
 */
static void find_dups(struct keyed *k, size_t n, size_t *first,
		      int (*cmp)(const void *, const void *))
{
	size_t i, f;

	qsort(k, n, sizeof(*k), cmp);
	for (i = 1; i < n; i++) {
		struct keyed a = k[i - 1], b = k[i];

		b.idx = a.idx; /* compare keys only */
		if (cmp(&a, &b))
			continue;
		f = first[k[i - 1].idx];
		first[k[i].idx] = f != (size_t)-1 ? f : k[i - 1].idx;
	}
}

/*
 * applies_when: a mapping of front-matter keys to a value or a list of
 * values.  Its keys are free, so duplicates are found by sorting rather
 * than with a key table.
 */
static void get_conds(struct loader *ld, const struct ynode *n,
		      struct cl_item *it)
{
	struct keyed *keys = NULL;
	size_t *first = NULL, npairs, i, nk = 0;

	n = deref(n);
	if (n->kind != Y_MAP) {
		problem_at(ld, n, "expected a mapping for 'applies_when', got "
			   "%s", kind_name(n));
		return;
	}
	npairs = n->nkids / 2;
	if (!npairs) {
		problem_at(ld, n, "empty mapping for 'applies_when'");
		return;
	}
	keys = malloc(npairs * sizeof(*keys));
	first = malloc(npairs * sizeof(*first));
	it->conds = calloc(npairs, sizeof(*it->conds));
	if (!keys || !first || !it->conds) {
		ld->oom = 1;
		goto out;
	}
	for (i = 0; i < npairs; i++) {
		const struct ynode *k = deref(n->kids[2 * i]);

		first[i] = (size_t)-1;
		if (k->kind == Y_SCALAR && !k->null) {
			keys[nk].key = k->str;
			keys[nk++].idx = i;
		}
	}
	find_dups(keys, nk, first, cmp_keyed_nocase);
	for (i = 0; i < npairs; i++) {
		const struct ynode *k = deref(n->kids[2 * i]);

		if (first[i] != (size_t)-1) {
			problem_at(ld, k, "duplicate key '%s' (first at line "
				   "%d)", k->str,
				   deref(n->kids[2 * first[i]])->line);
			continue;
		}
		get_cond(ld, k, n->kids[2 * i + 1], &it->conds[it->nconds++]);
	}
out:
	free(keys);
	free(first);
}

static void examples_free(struct cl_example *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].text);
	free(e);
}

static void get_example_list(struct loader *ld, const struct ynode *n,
			     const char *what, struct cl_example **out,
			     size_t *nout)
{
	size_t i;

	if (!check_list(ld, n, what))
		return;
	n = deref(n);
	*out = calloc(n->nkids, sizeof(**out));
	if (!*out) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct ynode *e = deref(n->kids[i]);
		char *s = get_str(ld, e, what);

		if (!s)
			continue;
		(*out)[*nout].text = s;
		(*out)[*nout].line = e->line;
		(*out)[*nout].col = e->col;
		(*nout)++;
	}
}

static void get_examples(struct loader *ld, const struct ynode *n,
			 struct cl_item *it)
{
	static const struct field f[] = { { "satisfied", 0 },
					  { "missing", 0 } };
	const struct ynode *v[2];

	if (!get_fields(ld, n, "examples", f, 2, v))
		return;
	if (v[0])
		get_example_list(ld, v[0], "satisfied", &it->ex_satisfied,
				 &it->nex_satisfied);
	if (v[1])
		get_example_list(ld, v[1], "missing", &it->ex_missing,
				 &it->nex_missing);
}

static void get_match(struct loader *ld, const struct ynode *n,
		      struct cl_item *it)
{
	enum { M_SCOPE, M_ALL, M_REGEX, M_NOT_ALONE, M_EXCLUDE, M_N };
	static const struct field f[] = {
		{ "scope", 0 },	    { "all", 1 },     { "regex", 0 },
		{ "not_alone", 0 }, { "exclude", 0 },
	};
	const struct ynode *v[M_N];
	size_t i, ngroups;

	if (!get_fields(ld, n, "match", f, M_N, v))
		return;
	if (v[M_SCOPE]) {
		int s = get_enum(ld, v[M_SCOPE], "scope", scope_names,
				 SR_ARRAY_SIZE(scope_names));
		if (s >= 0)
			it->scope = (enum cl_scope)s;
	}
	if (v[M_ALL] && check_list(ld, v[M_ALL], "all")) {
		ngroups = v[M_ALL]->nkids + (v[M_REGEX] != NULL);
		if (ngroups > CL_MAX_GROUPS)
			problem_at(ld, v[M_ALL], "too many groups (%zu, at "
				   "most %d counting 'regex')", ngroups,
				   CL_MAX_GROUPS);
		it->groups = calloc(ngroups, sizeof(*it->groups));
		if (!it->groups) {
			ld->oom = 1;
			return;
		}
		for (i = 0; i < v[M_ALL]->nkids; i++)
			get_group(ld, v[M_ALL]->kids[i], "all",
				  &it->groups[it->ngroups++]);
		if (v[M_REGEX]) {
			struct cl_group *g = &it->groups[it->ngroups++];

			get_regexes(ld, v[M_REGEX], "regex", &g->regexes,
				    &g->nregexes);
		}
	} else if (v[M_REGEX]) {
		struct cl_group g = { NULL, 0, NULL, 0 };

		/* Still check the patterns. */
		get_regexes(ld, v[M_REGEX], "regex", &g.regexes, &g.nregexes);
		group_release(&g);
	}
	if (v[M_NOT_ALONE])
		get_terms(ld, v[M_NOT_ALONE], "not_alone", &it->not_alone,
			  &it->nnot_alone);
	if (v[M_EXCLUDE])
		get_terms(ld, v[M_EXCLUDE], "exclude", &it->exclude,
			  &it->nexclude);
}

static void item_release(struct cl_item *it)
{
	size_t i;

	free(it->id);
	text_release(&it->title);
	text_release(&it->guidance);
	free(it->reference);
	for (i = 0; i < it->nconds; i++)
		cond_release(&it->conds[i]);
	free(it->conds);
	free(it->template_id);
	for (i = 0; i < it->ngroups; i++)
		group_release(&it->groups[i]);
	free(it->groups);
	terms_free(it->not_alone, it->nnot_alone);
	terms_free(it->exclude, it->nexclude);
	examples_free(it->ex_satisfied, it->nex_satisfied);
	examples_free(it->ex_missing, it->nex_missing);
}

static void get_item(struct loader *ld, const struct ynode *n,
		     struct cl_item *it)
{
	enum {
		I_ID, I_TITLE, I_GUIDANCE, I_SEVERITY, I_REFERENCE, I_TAGS,
		I_APPLIES, I_TEMPLATE, I_MATCH, I_EXAMPLES, I_N
	};
	static const struct field f[] = {
		{ "id", 1 },	      { "title", 1 },	 { "guidance", 0 },
		{ "severity", 1 },    { "reference", 0 }, { "tags", 0 },
		{ "applies_when", 0 }, { "template", 0 }, { "match", 1 },
		{ "examples", 0 },
	};
	const struct ynode *v[I_N];

	n = deref(n);
	it->line = n->line;
	it->col = n->col;
	if (!get_fields(ld, n, "item", f, I_N, v))
		return;
	if (v[I_ID])
		it->id = get_id(ld, v[I_ID], "item id", 1);
	if (v[I_TITLE])
		get_text(ld, v[I_TITLE], "title", &it->title);
	if (v[I_GUIDANCE])
		get_text(ld, v[I_GUIDANCE], "guidance", &it->guidance);
	if (v[I_SEVERITY]) {
		int s = get_enum(ld, v[I_SEVERITY], "severity", severity_names,
				 SR_ARRAY_SIZE(severity_names));
		if (s >= 0)
			it->severity = (enum cl_severity)s;
	}
	if (v[I_REFERENCE])
		it->reference = get_str(ld, v[I_REFERENCE], "reference");
	if (v[I_TAGS])
		get_tags(ld, v[I_TAGS], it);
	if (v[I_APPLIES])
		get_conds(ld, v[I_APPLIES], it);
	if (v[I_TEMPLATE])
		it->template_id = get_id(ld, v[I_TEMPLATE], "template", 1);
	if (v[I_MATCH])
		get_match(ld, v[I_MATCH], it);
	if (v[I_EXAMPLES])
		get_examples(ld, v[I_EXAMPLES], it);
}

/* The value of an item's `id` key, or the item itself. */
static const struct ynode *item_id_node(const struct ynode *item)
{
	size_t k;

	item = deref(item);
	for (k = 0; item->kind == Y_MAP && k + 1 < item->nkids; k += 2) {
		const struct ynode *key = deref(item->kids[k]);

		if (key->kind == Y_SCALAR && !strcmp(key->str, "id"))
			return deref(item->kids[k + 1]);
	}
	return item;
}

/* Reports every item whose id an earlier item already has. */
static void check_item_ids(struct loader *ld, const struct ynode *items,
			   const struct checklist *cl)
{
	struct keyed *keys = NULL;
	size_t *first = NULL, i, n = 0;

	items = deref(items);
	if (!cl->nitems)
		return;
	keys = malloc(cl->nitems * sizeof(*keys));
	first = malloc(cl->nitems * sizeof(*first));
	if (!keys || !first) {
		ld->oom = 1;
		goto out;
	}
	for (i = 0; i < cl->nitems; i++) {
		first[i] = (size_t)-1;
		if (cl->items[i].id) {
			keys[n].key = cl->items[i].id;
			keys[n++].idx = i;
		}
	}
	find_dups(keys, n, first, cmp_keyed);
	for (i = 0; i < cl->nitems; i++) {
		if (first[i] == (size_t)-1)
			continue;
		problem_at(ld, item_id_node(items->kids[i]),
			   "duplicate item id '%s' (first at line %d)",
			   cl->items[i].id,
			   item_id_node(items->kids[first[i]])->line);
	}
out:
	free(keys);
	free(first);
}

/* ---- the checklist ---------------------------------------------------- */

static void get_checklist(struct loader *ld, const struct ynode *root,
			  struct checklist *cl)
{
	enum {
		C_ID, C_VERSION, C_TITLE, C_SOURCE, C_BYREF, C_EMPTY,
		C_EXCLUDE, C_ITEMS, C_N
	};
	static const struct field f[] = {
		{ "id", 1 },	   { "version", 1 },	   { "title", 1 },
		{ "source", 0 },   { "by_reference", 0 }, { "empty_markers", 0 },
		{ "exclude", 0 },  { "items", 1 },
	};
	const struct ynode *v[C_N];
	size_t i;

	root = deref(root);
	if (root->kind != Y_MAP) {
		problem_at(ld, root, "expected a mapping at the top of the "
			   "checklist, got %s", kind_name(root));
		return;
	}
	if (!get_fields(ld, root, "checklist", f, C_N, v))
		return;
	if (v[C_ID])
		cl->id = get_id(ld, v[C_ID], "checklist id", 0);
	if (v[C_VERSION])
		cl->version = get_str(ld, v[C_VERSION], "version");
	if (v[C_TITLE])
		get_text(ld, v[C_TITLE], "title", &cl->title);
	if (v[C_SOURCE])
		cl->source = get_str(ld, v[C_SOURCE], "source");
	if (v[C_BYREF])
		get_group(ld, v[C_BYREF], "by_reference", &cl->by_reference);
	if (v[C_EMPTY])
		get_terms(ld, v[C_EMPTY], "empty_markers", &cl->empty_markers,
			  &cl->nempty_markers);
	if (v[C_EXCLUDE])
		get_terms(ld, v[C_EXCLUDE], "exclude", &cl->exclude,
			  &cl->nexclude);
	if (!v[C_ITEMS] || !check_list(ld, v[C_ITEMS], "items"))
		return;
	cl->items = calloc(v[C_ITEMS]->nkids, sizeof(*cl->items));
	if (!cl->items) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < v[C_ITEMS]->nkids; i++)
		get_item(ld, v[C_ITEMS]->kids[i], &cl->items[cl->nitems++]);
	check_item_ids(ld, v[C_ITEMS], cl);
}

void checklist_free(struct checklist *cl)
{
	size_t i;

	if (!cl)
		return;
	free(cl->path);
	free(cl->id);
	free(cl->version);
	free(cl->source);
	text_release(&cl->title);
	group_release(&cl->by_reference);
	terms_free(cl->empty_markers, cl->nempty_markers);
	terms_free(cl->exclude, cl->nexclude);
	for (i = 0; i < cl->nitems; i++)
		item_release(&cl->items[i]);
	free(cl->items);
	free(cl);
}

int checklist_load_buffer(struct checklist **out, const char *buf,
			  size_t len, const char *path, struct sr_error *err)
{
	struct loader ld;
	struct ynode *root = NULL;
	struct checklist *cl = NULL;
	const char *nul;
	size_t bad;
	int ret = 0, line, col;

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	if (len > SR_MAX_CHECKLIST_BYTES) {
		problem(&ld, 0, 0, "checklist is %zu bytes, over the limit "
			"of %u", len, (unsigned)SR_MAX_CHECKLIST_BYTES);
		ret = SR_ELIMIT;
		goto out;
	}
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		buf += 3;
		len -= 3;
	}
	ld.buf = buf;
	ld.len = len;
	if ((nul = memchr(buf, '\0', len))) {
		offset_pos(&ld, (size_t)(nul - buf), &line, &col);
		problem(&ld, line, col, "binary file (NUL byte), not a "
			"YAML checklist");
		ret = SR_EBINARY;
		goto out;
	}
	if ((bad = utf8_find_invalid(buf, len)) < len) {
		offset_pos(&ld, bad, &line, &col);
		problem(&ld, line, col, "invalid UTF-8 (byte 0x%02X)",
			(unsigned)(unsigned char)buf[bad]);
		ret = SR_EPARSE;
		goto out;
	}
	ret = parse_tree(&ld, &root);
	if (ret < 0)
		goto out;
	if (!root || (root->kind == Y_SCALAR && root->null)) {
		problem(&ld, 0, 0, "empty checklist");
		ret = SR_EPARSE;
		goto out;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl || (path && !(cl->path = strdup(path)))) {
		ret = SR_ENOMEM;
		goto out;
	}
	get_checklist(&ld, root, cl);
	if (ld.oom)
		ret = SR_ENOMEM;
	else if (ld.nerr)
		ret = SR_EPARSE;
	else {
		*out = cl;
		cl = NULL;
	}
out:
	if (ld.oom && ret != SR_ENOMEM)
		ret = SR_ENOMEM;
	if (ret == SR_ENOMEM)
		sr_error_add(&ld.diags, SR_ENOMEM, path, 0, 0,
			     "out of memory");
	sort_diags(&ld.diags, ld.diags.n - (size_t)ld.truncated);
	if (err && sr_error_move(err, &ld.diags) < 0)
		ret = SR_ENOMEM;
	sr_error_release(&ld.diags);
	ynode_free(root);
	checklist_free(cl);
	return ret;
}

int checklist_load_file(struct checklist **out, const char *path,
			struct sr_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	ret = sr_read_file(&buf, &len, path, SR_MAX_CHECKLIST_BYTES, err);
	if (ret < 0)
		goto out;
	ret = checklist_load_buffer(out, buf, len, path, err);
out:
	free(buf);
	return ret;
}

const struct cl_item *checklist_item_find(const struct checklist *cl,
					  const char *id)
{
	size_t i;

	for (i = 0; cl && id && i < cl->nitems; i++)
		if (!strcmp(cl->items[i].id, id))
			return &cl->items[i];
	return NULL;
}

const char *cl_severity_name(enum cl_severity s)
{
	return (unsigned)s < SR_ARRAY_SIZE(severity_names) ? severity_names[s]
							    : "?";
}

const char *cl_scope_name(enum cl_scope s)
{
	return (unsigned)s < SR_ARRAY_SIZE(scope_names) ? scope_names[s] : "?";
}

const char *cl_text_get(const struct cl_text *t, const char *lang)
{
	if (lang && !strcmp(lang, "ja"))
		return t->ja ? t->ja : t->en;
	return t->en ? t->en : t->ja;
}
