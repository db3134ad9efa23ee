/*
 * ytree.c - libyaml's events to a tree, problems with positions, and the
 * generic checks of a schema walk.
 *
 * The tree is built from the event stream with an explicit stack, so
 * nesting costs no C stack and is refused at SR_MAX_YAML_DEPTH while it is
 * read.  Under YTREE_ALIASES_RESOLVE every node carries a weight (nodes
 * plus scalar bytes, aliases expanded); an alias adds its target's weight
 * to the running total, so a "billion laughs" text is refused at the alias
 * that crosses the limit, before anything is expanded.  An anchor is only
 * registered once its node is complete, so an alias cannot point into a
 * node that contains it.
 */
#include "ytree.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

/* ---- problems --------------------------------------------------------- */

void ytree_loader_init(struct ytree_loader *ld, const struct ytree_options *opt,
		       const char *path, const char *buf, size_t len)
{
	memset(ld, 0, sizeof(*ld));
	ld->opt = opt;
	ld->path = path;
	ld->buf = buf;
	ld->len = len;
}

static void vproblem(struct ytree_loader *ld, int line, int col,
		     const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	size_t max = ld->opt->max_errors;

	ld->nerr++;
	if (ld->truncated)
		return;
	if (max && ld->nerr > max) {
		sr_error_add(&ld->diags, SR_EPARSE, ld->path, 0, 0,
			     _("too many errors, stopped after %zu"), max);
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

void ytree_problem(struct ytree_loader *ld, int line, int col, const char *fmt,
		   ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, line, col, fmt, ap);
	va_end(ap);
}

void ytree_problem_at(struct ytree_loader *ld, const struct ytree_node *n,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, n->line, n->col, fmt, ap);
	va_end(ap);
}

static int add_lines(int line, int offset)
{
	return line > INT_MAX - offset ? INT_MAX : line + offset;
}

/*
 * Line and column of byte `off` of the text, counting line breaks as
 * libyaml does for the common cases ("\n", "\r\n", a lone "\r").
 */
static void locate(const struct ytree_loader *ld, size_t off, int *line,
		   int *col)
{
	size_t i, start = 0, l = 1;

	if (ld->opt->locate) {
		ld->opt->locate(ld->opt->locate_arg, off, line, col);
		return;
	}
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
	*line =
	    add_lines(l >= INT_MAX ? INT_MAX : (int)l, ld->opt->line_offset);
	l = utf8_count(ld->buf + start, off - start) + 1;
	*col = l >= INT_MAX ? INT_MAX : (int)l;
}

/*
 * Byte offset of character `index` of the text (libyaml's marks count
 * characters).  Marks arrive mostly in order, so the walk resumes from
 * the last one asked for.
 */
static size_t mark_offset(struct ytree_loader *ld, size_t index)
{
	size_t c = ld->mark_char, b = ld->mark_byte;

	if (index < c)
		c = b = 0;
	while (c < index && b < ld->len) {
		b++;
		while (b < ld->len && ((unsigned char)ld->buf[b] & 0xC0) == 0x80)
			b++;
		c++;
	}
	ld->mark_char = c;
	ld->mark_byte = b;
	return b;
}

/*
 * Line and column of a libyaml mark.  With a caller's locate() the mark's
 * character index is placed by it, so that line breaks are counted as the
 * caller counts them (libyaml also breaks lines at a lone "\r").
 */
static void mark_pos(struct ytree_loader *ld, yaml_mark_t m, int *line,
		     int *col)
{
	if (ld->opt->locate) {
		locate(ld, mark_offset(ld, m.index), line, col);
		return;
	}
	*line = add_lines(m.line >= INT_MAX - 1 ? INT_MAX : (int)m.line + 1,
			  ld->opt->line_offset);
	*col = m.column >= INT_MAX - 1 ? INT_MAX : (int)m.column + 1;
}

void ytree_problem_at_offset(struct ytree_loader *ld, size_t off,
			     const char *fmt, ...)
{
	int line = 0, col = 0;
	va_list ap;

	locate(ld, off, &line, &col);
	va_start(ap, fmt);
	vproblem(ld, line, col, fmt, ap);
	va_end(ap);
}

/* Holds the problem that stops the parser until the walk is done. */
static void stop(struct ytree_loader *ld, int line, int col, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void stop(struct ytree_loader *ld, int line, int col, const char *fmt,
		 ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	assert(!ld->stop_msg);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (sb.failed) {
		ld->oom = 1;
		strbuf_release(&sb);
		return;
	}
	ld->stop_msg = strbuf_detach(&sb, NULL);
	ld->stop_line = line;
	ld->stop_col = col;
}

void ytree_drop_stop(struct ytree_loader *ld)
{
	free(ld->stop_msg);
	ld->stop_msg = NULL;
}

int ytree_loader_status(const struct ytree_loader *ld)
{
	if (ld->oom)
		return SR_ENOMEM;
	return ld->nerr || ld->stop_msg ? SR_EPARSE : 0;
}

/* Stable insertion sort by position: problems are few (max_errors). */
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

int ytree_loader_finish(struct ytree_loader *ld, int ret, struct sr_error *err)
{
	if (ld->stop_msg) {
		ytree_problem(ld, ld->stop_line, ld->stop_col, "%s",
			      ld->stop_msg);
		ytree_drop_stop(ld);
	}
	if (ld->oom)
		ret = SR_ENOMEM;
	if (ret == SR_ENOMEM)
		sr_error_add(&ld->diags, SR_ENOMEM, ld->path, 0, 0,
			     _("out of memory"));
	else if (ret < 0 && !ld->diags.nerrors)
		sr_error_add(&ld->diags, ret, ld->path, 0, 0, "%s",
			     sr_strerror(ret));
	if (ld->opt->flags & YTREE_SORT)
		sort_diags(&ld->diags, ld->diags.n - (size_t)ld->truncated);
	if (err && sr_error_move(err, &ld->diags) < 0)
		ret = SR_ENOMEM;
	sr_error_release(&ld->diags);
	return ret;
}

/* ---- YAML events to a tree -------------------------------------------- */

void ytree_node_free(struct ytree_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		ytree_node_free(n->kids[i]);
	free(n->kids);
	free(n->anchor);
	free(n);
}

static size_t add_sat(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

struct yparse {
	struct ytree_loader *ld;
	const struct ytree_options *opt;
	yaml_parser_t parser;
	struct ytree_node *stack[SR_MAX_YAML_DEPTH];
	size_t depth;
	struct ytree_node *root;
	struct ytree_node **anchored; /* complete nodes with an anchor */
	size_t nanchored, aanchored;
	size_t naliases;
	size_t expanded; /* weight added by aliases so far */
	int ndocs;
};

static void syntax_error(struct yparse *yp)
{
	struct ytree_loader *ld = yp->ld;
	yaml_parser_t *p = &yp->parser;
	int line = 0, col = 0;

	if (p->error == YAML_MEMORY_ERROR) {
		ld->oom = 1;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		locate(ld, p->problem_offset, &line, &col);
	} else {
		mark_pos(ld, p->problem_mark, &line, &col);
	}
	if (yp->opt->syntax)
		stop(ld, line, col, "%s: %s%s%s", _(yp->opt->syntax),
		     p->problem ? p->problem : "YAML error",
		     p->context ? " " : "", p->context ? p->context : "");
	else if (p->error == YAML_READER_ERROR)
		stop(ld, line, col, _("syntax error: %s"),
		     p->problem ? p->problem : _("unreadable input"));
	else if (p->context) {
		int cline, ccol;

		mark_pos(ld, p->context_mark, &cline, &ccol);
		stop(ld, line, col,
		     _("syntax error: %s (%s at line %d, column %d)"),
		     p->problem ? p->problem : _("invalid YAML"), p->context,
		     cline, ccol);
	} else
		stop(ld, line, col, _("syntax error: %s"),
		     p->problem ? p->problem : _("invalid YAML"));
}

/* A node; a scalar's value (`len` bytes) is stored with it. */
static struct ytree_node *node_new(struct yparse *yp, enum ytree_kind kind,
				   const yaml_event_t *ev,
				   const yaml_char_t *anchor, size_t len)
{
	struct ytree_node *n;

	if (len >= SIZE_MAX - sizeof(*n))
		return NULL;
	n = calloc(1, sizeof(*n) + (kind == YTREE_SCALAR ? len + 1 : 0));
	if (!n)
		return NULL;
	if (kind == YTREE_SCALAR)
		n->str = (char *)(n + 1);
	n->kind = kind;
	mark_pos(yp->ld, ev->start_mark, &n->line, &n->col);
	mark_pos(yp->ld, ev->end_mark, &n->end_line, &n->end_col);
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
static int attach(struct yparse *yp, struct ytree_node *n)
{
	struct ytree_node *parent;

	if (!yp->depth) {
		if (yp->root) { /* cannot happen: one document, one root */
			ytree_node_free(n);
			return SR_EPARSE;
		}
		yp->root = n;
		return 0;
	}
	parent = yp->stack[yp->depth - 1];
	if (SR_ALLOC_GROW(parent->kids, parent->nkids + 1, parent->akids) < 0) {
		ytree_node_free(n);
		return SR_ENOMEM;
	}
	parent->kids[parent->nkids++] = n;
	return 0;
}

/* A complete node's weight counts in the collection around it. */
static void add_weight(struct yparse *yp, const struct ytree_node *n)
{
	struct ytree_node *parent;

	if (!yp->depth)
		return;
	parent = yp->stack[yp->depth - 1];
	parent->weight = add_sat(parent->weight, n->weight);
}

static int remember_anchor(struct yparse *yp, struct ytree_node *n)
{
	if (!n->anchor || yp->opt->aliases != YTREE_ALIASES_RESOLVE)
		return 0;
	if (SR_ALLOC_GROW(yp->anchored, yp->nanchored + 1, yp->aanchored) < 0)
		return SR_ENOMEM;
	yp->anchored[yp->nanchored++] = n;
	return 0;
}

/* Under YTREE_ALIASES_REFUSE, anchors and tags are problems; parsing goes
 * on.  Elsewhere the anchor is what the node keeps. */
static const yaml_char_t *anchor_of(struct yparse *yp, const yaml_event_t *ev,
				    const yaml_char_t *anchor,
				    const yaml_char_t *tag)
{
	int line, col;

	if (yp->opt->aliases != YTREE_ALIASES_REFUSE)
		return anchor;
	mark_pos(yp->ld, ev->start_mark, &line, &col);
	if (anchor)
		ytree_problem(
		    yp->ld, line, col,
		    _("anchors and aliases are not allowed here ('&%s')"),
		    (const char *)anchor);
	if (tag)
		ytree_problem(yp->ld, line, col,
			      _("tags are not allowed here ('%s')"),
			      (const char *)tag);
	return NULL;
}

static int is_null(const struct yparse *yp, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	if ((yp->opt->flags & YTREE_STRICT_NULL) &&
	    !ev->data.scalar.plain_implicit)
		return 0;
	return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static enum ytree_style style_of(yaml_scalar_style_t s)
{
	switch (s) {
	case YAML_PLAIN_SCALAR_STYLE:
		return YTREE_PLAIN;
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return YTREE_SINGLE_QUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return YTREE_DOUBLE_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
		return YTREE_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return YTREE_FOLDED;
	default:
		return YTREE_NO_STYLE;
	}
}

static int on_scalar(struct yparse *yp, const yaml_event_t *ev)
{
	const yaml_char_t *anchor =
	    anchor_of(yp, ev, ev->data.scalar.anchor, ev->data.scalar.tag);
	struct ytree_node *n;

	n = node_new(yp, YTREE_SCALAR, ev, anchor, ev->data.scalar.length);
	if (!n)
		return SR_ENOMEM;
	memcpy(n->str, ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	n->style = style_of(ev->data.scalar.style);
	n->null = is_null(yp, ev);
	n->complete = 1;
	n->weight = add_sat(1, n->len);
	add_weight(yp, n);
	if (remember_anchor(yp, n) < 0) {
		ytree_node_free(n);
		return SR_ENOMEM;
	}
	return attach(yp, n);
}

/* The latest complete node anchored `name`, or NULL. */
static const struct ytree_node *find_anchor(const struct yparse *yp,
					    const char *name)
{
	size_t i;

	for (i = yp->nanchored; i > 0; i--)
		if (!strcmp(yp->anchored[i - 1]->anchor, name))
			return yp->anchored[i - 1];
	return NULL;
}

static int on_alias(struct yparse *yp, const yaml_event_t *ev)
{
	const struct ytree_options *opt = yp->opt;
	const char *name = (const char *)ev->data.alias.anchor;
	const struct ytree_node *target = NULL;
	struct ytree_node *n;
	int line, col;

	mark_pos(yp->ld, ev->start_mark, &line, &col);

	if (opt->aliases == YTREE_ALIASES_REFUSE) {
		ytree_problem(yp->ld, line, col,
			      _("anchors and aliases are not allowed here "
				"('*%s')"),
			      name);
	} else if (opt->max_aliases && ++yp->naliases > opt->max_aliases) {
		stop(yp->ld, line, col,
		     opt->too_many_aliases
			 ? _(opt->too_many_aliases)
			 : _("too many aliases (more than %d)"),
		     (int)opt->max_aliases);
		return SR_ELIMIT;
	}
	if (opt->aliases == YTREE_ALIASES_RESOLVE) {
		if (!(target = find_anchor(yp, name))) {
			stop(
			    yp->ld, line, col,
			    _("alias '*%s' refers to no complete anchor before "
			      "it"),
			    name);
			return SR_EPARSE;
		}
		yp->expanded = add_sat(yp->expanded, target->weight);
		if (yp->expanded > opt->max_expansion) {
			stop(yp->ld, line, col,
			     _("aliases expand to more than %zu bytes"),
			     opt->max_expansion);
			return SR_ELIMIT;
		}
	}
	n = node_new(yp, YTREE_ALIAS, ev, ev->data.alias.anchor, 0);
	if (!n)
		return SR_ENOMEM;
	n->target = target;
	n->complete = 1;
	n->bad = opt->aliases == YTREE_ALIASES_REFUSE;
	if (target)
		n->weight = target->weight;
	add_weight(yp, n);
	return attach(yp, n);
}

static int on_start(struct yparse *yp, const yaml_event_t *ev,
		    enum ytree_kind kind)
{
	const yaml_char_t *anchor;
	struct ytree_node *n;
	int ret;

	if (kind == YTREE_MAP)
		anchor = anchor_of(yp, ev, ev->data.mapping_start.anchor,
				   ev->data.mapping_start.tag);
	else
		anchor = anchor_of(yp, ev, ev->data.sequence_start.anchor,
				   ev->data.sequence_start.tag);
	if (yp->depth >= SR_MAX_YAML_DEPTH) {
		int line, col;

		mark_pos(yp->ld, ev->start_mark, &line, &col);
		stop(yp->ld, line, col,
		     yp->opt->too_deep ? _(yp->opt->too_deep)
				       : _("nesting deeper than %d levels"),
		     SR_MAX_YAML_DEPTH);
		return SR_ELIMIT;
	}
	n = node_new(yp, kind, ev, anchor, 0);
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
	struct ytree_node *n;

	if (!yp->depth) /* libyaml balances its events */
		return SR_EPARSE;
	n = yp->stack[--yp->depth];
	n->complete = 1;
	add_weight(yp, n);
	return remember_anchor(yp, n);
}

int ytree_parse(struct ytree_loader *ld, struct ytree_node **root)
{
	struct yparse yp;
	yaml_event_t ev;
	int ret = 0, done = 0;

	memset(&yp, 0, sizeof(yp));
	memset(&ev, 0, sizeof(ev));
	yp.ld = ld;
	yp.opt = ld->opt;
	*root = NULL;
	if (!yaml_parser_initialize(&yp.parser)) {
		ld->oom = 1;
		return SR_ENOMEM;
	}
	yaml_parser_set_input_string(&yp.parser, (const unsigned char *)ld->buf,
				     ld->len);
	if (!(yp.opt->flags & YTREE_DETECT_ENCODING))
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
				int line, col;

				mark_pos(ld, ev.start_mark, &line, &col);
				stop(ld, line, col, "%s",
				     yp.opt->second_doc
					 ? _(yp.opt->second_doc)
					 : _("only one YAML document is "
					     "allowed"));
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
			ret = on_start(&yp, &ev, YTREE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			ret = on_start(&yp, &ev, YTREE_MAP);
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
out:
	if (ret == SR_ENOMEM)
		ld->oom = 1;
	*root = yp.root;
	yaml_event_delete(&ev);
	yaml_parser_delete(&yp.parser);
	free(yp.anchored);
	return ret;
}

/* ---- walking ----------------------------------------------------------- */

const struct ytree_node *ytree_deref(const struct ytree_node *n)
{
	return n && n->kind == YTREE_ALIAS && n->target ? n->target : n;
}

int ytree_is_empty(const struct ytree_node *root)
{
	return !root || (root->kind == YTREE_SCALAR && root->null);
}

int ytree_parse_file(struct ytree_loader *ld, size_t limit,
		     const char *too_big, const char *empty,
		     struct ytree_node **root)
{
	int ret;

	*root = NULL;
	if (ld->len > limit) {
		ytree_problem(ld, 0, 0, too_big, ld->len, (unsigned)limit);
		return SR_ELIMIT;
	}
	if ((ret = ytree_parse(ld, root)) < 0)
		return ret;
	if (ytree_is_empty(*root)) {
		ytree_problem(ld, 1, 1, "%s", empty);
		return SR_EPARSE;
	}
	return 0;
}

const char *ytree_kind_name(const struct ytree_loader *ld,
			    const struct ytree_node *n)
{
	n = ytree_deref(n);
	switch (n->kind) {
	case YTREE_SEQ:
		return _("a list");
	case YTREE_MAP:
		return _("a mapping");
	case YTREE_ALIAS:
		return _("an alias");
	default:
		if (n->null)
			return _("nothing");
		return ld->opt->scalar_noun ? _(ld->opt->scalar_noun)
					    : _("a string");
	}
}

int ytree_fields(struct ytree_loader *ld, const struct ytree_node *map,
		 const char *what, const struct ytree_field *f, size_t nf,
		 const struct ytree_node **val)
{
	const struct ytree_node *keyn[YTREE_MAX_FIELDS];
	size_t i, c, j;

	assert(nf <= YTREE_MAX_FIELDS);
	for (i = 0; i < nf; i++)
		val[i] = keyn[i] = NULL;
	map = ytree_deref(map);
	if (map->bad)
		return 0;
	if (map->kind != YTREE_MAP) {
		ytree_problem_at(ld, map,
				 _("expected a mapping for '%s', got %s"), what,
				 ytree_kind_name(ld, map));
		return 0;
	}
	for (i = 0; i + 1 < map->nkids; i += 2) {
		const struct ytree_node *k = ytree_deref(map->kids[i]);
		size_t best = 0, bestd = (size_t)-1;

		if (k->bad)
			continue;
		if (k->kind != YTREE_SCALAR || k->null) {
			ytree_problem_at(ld, k,
					 _("expected a key in '%s', got %s"),
					 what, ytree_kind_name(ld, k));
			continue;
		}
		for (j = 0; j < nf && strcmp(k->str, f[j].name); j++)
			;
		/* Unknown: the nearest name, for the message. */
		for (c = 0; j == nf && c < nf; c++) {
			size_t d = sr_edit_distance(k->str, f[c].name);

			if (d < bestd) {
				bestd = d;
				best = c;
			}
		}
		if (j < nf) {
			if (keyn[j]) {
				ytree_problem_at(
				    ld, k,
				    _("duplicate key '%s' (first at "
				      "line %d)"),
				    k->str, keyn[j]->line);
				continue;
			}
			keyn[j] = k;
			val[j] = ytree_deref(map->kids[i + 1]);
		} else if (bestd <= 2 && bestd < strlen(f[best].name)) {
			ytree_problem_at(ld, k,
					 _("unknown key '%s' (did you mean "
					   "'%s'?)"),
					 k->str, f[best].name);
		} else {
			struct strbuf sb = STRBUF_INIT;

			for (j = 0; j < nf; j++)
				strbuf_addf(&sb, "%s%s", j ? ", " : "",
					    f[j].name);
			if (sb.failed)
				ld->oom = 1;
			ytree_problem_at(
			    ld, k, _("unknown key '%s' in '%s' (valid: %s)"),
			    k->str, what, sb.buf);
			strbuf_release(&sb);
		}
	}
	for (j = 0; j < nf; j++) {
		if (!f[j].required || keyn[j])
			continue;
		if (ld->opt->flags & YTREE_SAY_WHERE)
			ytree_problem_at(ld, map,
					 _("missing required key '%s' in '%s'"),
					 f[j].name, what);
		else
			ytree_problem_at(
			    ld, map, _("missing required key '%s'"), f[j].name);
	}
	return 1;
}

int ytree_check_str(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, unsigned flags)
{
	n = ytree_deref(n);
	if (n->bad)
		return 0;
	if (n->kind != YTREE_SCALAR || n->null) {
		ytree_problem_at(ld, n, _("expected a string for '%s', got %s"),
				 what, ytree_kind_name(ld, n));
		return 0;
	}
	if (!n->len && !(flags & YTREE_EMPTY_OK)) {
		ytree_problem_at(ld, n, _("empty string for '%s'"), what);
		return 0;
	}
	if (memchr(n->str, '\0', n->len)) {
		ytree_problem_at(ld, n, _("NUL character in '%s'"), what);
		return 0;
	}
	return 1;
}

char *ytree_get_str(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, unsigned flags)
{
	char *s;

	if (!n || !ytree_check_str(ld, n, what, flags))
		return NULL;
	n = ytree_deref(n);
	s = sr_strndup(n->str, n->len);
	if (!s)
		ld->oom = 1;
	return s;
}

int ytree_check_list(struct ytree_loader *ld, const struct ytree_node *n,
		     const char *what, unsigned flags)
{
	n = ytree_deref(n);
	if (n->bad)
		return 0;
	if (n->kind != YTREE_SEQ) {
		ytree_problem_at(ld, n, _("expected a list for '%s', got %s"),
				 what, ytree_kind_name(ld, n));
		return 0;
	}
	if (!n->nkids && !(flags & YTREE_EMPTY_OK)) {
		ytree_problem_at(ld, n, _("empty list for '%s'"), what);
		return 0;
	}
	return 1;
}

int ytree_get_enum(struct ytree_loader *ld, const struct ytree_node *n,
		   const char *what, const char *const *names, size_t nnames,
		   unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!ytree_check_str(ld, n, what, flags))
		return -1;
	n = ytree_deref(n);
	for (i = 0; i < nnames; i++)
		if (!strcmp(n->str, names[i]))
			return (int)i;
	for (i = 0; i < nnames; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", names[i]);
	if (sb.failed)
		ld->oom = 1;
	ytree_problem_at(ld, n, _("invalid %s '%s' (valid: %s)"), what, n->str,
			 sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* ---- writing ---------------------------------------------------------- */

/* See ytree.h. */
void ytree_emit_str(struct strbuf *sb, const char *s, int indent)
{
	size_t len = strlen(s), i = 0;

	strbuf_addch(sb, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, c);
			i++;
		} else if (c == '\n') {
			strbuf_addstr(sb, "\\n");
			i++;
			if (i < len && indent >= 0) {
				strbuf_addstr(sb, "\\\n");
				strbuf_addchars(sb, ' ', (size_t)indent);
				if (s[i] == ' ') {
					strbuf_addstr(sb, "\\ ");
					i++;
				}
			}
		} else if (c == '\t') {
			strbuf_addstr(sb, "\\t");
			i++;
		} else if ((c < 0x20 || c == 0x7f)) {
			strbuf_addf(sb, "\\u%04X", (unsigned)c);
			i++;
		} else if (c < 0x80) {
			strbuf_addch(sb, c);
			i++;
		} else {
			n = utf8_decode(s + i, len - i, &cp, NULL);
			/*
			 * C1 controls, NEL, LS, PS (line breaks to YAML), the
			 * BOM and the non-characters libyaml refuses.
			 */
			if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
			    cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
			    cp == 0xffff)
				strbuf_addf(sb, "\\u%04X", (unsigned)cp);
			else
				strbuf_add(sb, s + i, n);
			i += n;
		}
	}
	strbuf_addch(sb, '"');
}
