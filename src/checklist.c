/*
 * checklist.c - the checklist model and its strict loader.
 *
 * Loading happens in two passes (ytree.h).  First, the YAML is read into a
 * small tree, which is where the input limits are enforced: nesting depth,
 * the number of aliases, and the size of what aliases expand to (so a
 * "billion laughs" file is refused while it is being read, not after it
 * has been expanded).  An alias becomes a node that points at its anchor's
 * node without copying it.
 *
 * Second, the tree is walked along the schema (one function per mapping
 * type, each with a table of its keys), filling a struct checklist and
 * recording every problem with its position.  The walk never stops at the
 * first problem; the checklist is thrown away at the end if there was any.
 * Problems are sorted by position and handed to the caller's sr_error.
 */
#include "checklist.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "ytree.h"
#include "banned.h"

/* Past this many problems a loader says so once and stops recording. */
#define CL_MAX_ERRORS 100

/*
 * Aliases are resolved (a checklist may share term lists that way) within
 * the limits; a tagged plain scalar is a string, never null, as YAML says.
 */
static const struct ytree_options checklist_yaml = {
	.flags = YTREE_SORT | YTREE_STRICT_NULL,
	.aliases = YTREE_ALIASES_RESOLVE,
	.max_aliases = SR_MAX_YAML_ALIASES,
	.max_expansion = SR_MAX_CHECKLIST_BYTES,
	.max_errors = CL_MAX_ERRORS,
	.second_doc =
		N_("a checklist is one YAML document, found a second one"),
};

/* ---- walking the tree: identifiers and texts ------------------------- */

static int id_char(int c, int item)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
		return 1;
	return item && ((c >= 'A' && c <= 'Z') || c == '_' || c == '.');
}

/* An identifier: checklist ids [a-z0-9-]+, item and template ids
 * [A-Za-z0-9_.-]+ (they name files, so no '/'). */
static char *get_id(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, int item)
{
	char *s = ytree_get_str(ld, n, what, 0);
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i]; i++)
		if (!id_char((unsigned char)s[i], item))
			break;
	if (s[i] || !strcmp(s, ".") || !strcmp(s, "..")) {
		ytree_problem_at(ld, ytree_deref(n),
				 _("invalid %s '%s' (use %s)"), what, s,
				 item ? _("letters, digits, '-', '_' and '.'")
				      : _("lowercase letters, digits and '-'"));
		free(s);
		return NULL;
	}
	return s;
}

static void text_release(struct cl_text *t)
{
	free(t->ja);
	free(t->en);
	t->ja = t->en = NULL;
}

static void get_text(struct ytree_loader *ld, const struct ytree_node *n,
		     const char *what, struct cl_text *t)
{
	static const struct ytree_field f[] = { { "ja", 1 }, { "en", 1 } };
	const struct ytree_node *v[2];

	if (!ytree_fields(ld, n, what, f, 2, v))
		return;
	if (v[0])
		t->ja = ytree_get_str(ld, v[0], "ja", 0);
	if (v[1])
		t->en = ytree_get_str(ld, v[1], "en", 0);
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
static int get_term(struct ytree_loader *ld, const struct ytree_node *n,
		    const char *what, struct cl_term *t)
{
	size_t len;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (!ytree_check_str(ld, n, what, 0))
		goto out;
	n = ytree_deref(n);
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
		ytree_problem_at(
		    ld, n, _("term '%s' in '%s' is empty once normalized"),
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

/*
 * A list of `what` (terms or regexes): an array of n->nkids elements of
 * `size` bytes in *out, filled by get() from each scalar; *nout counts the
 * ones it took.
 */
static void get_list(struct ytree_loader *ld, const struct ytree_node *n,
		     const char *what, size_t size,
		     int (*get)(struct ytree_loader *, const struct ytree_node *,
				const char *, void *),
		     void **out, size_t *nout)
{
	size_t i;

	if (!ytree_check_list(ld, n, what, 0))
		return;
	n = ytree_deref(n);
	*out = calloc(n->nkids, size);
	if (!*out) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		if (get(ld, n->kids[i], what, (char *)*out + *nout * size))
			(*nout)++;
}

static int get_term_v(struct ytree_loader *ld, const struct ytree_node *n,
		      const char *what, void *t)
{
	return get_term(ld, n, what, t);
}

static void get_terms(struct ytree_loader *ld, const struct ytree_node *n,
		      const char *what, struct cl_term **out, size_t *nout)
{
	void *v = NULL;

	get_list(ld, n, what, sizeof(**out), get_term_v, &v, nout);
	if (v)
		*out = v;
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
static int scalar_col(const struct ytree_node *n, size_t off)
{
	size_t cps = utf8_count(n->str, n->len), c;

	if (n->line != n->end_line || off > n->len)
		return n->col;
	if (n->style == YTREE_PLAIN && (size_t)(n->end_col - n->col) == cps)
		c = 0;
	else if ((n->style == YTREE_SINGLE_QUOTED ||
		  n->style == YTREE_DOUBLE_QUOTED) &&
		 (size_t)(n->end_col - n->col) == cps + 2)
		c = 1;
	else
		return n->col;
	c += (size_t)n->col + utf8_count(n->str, off);
	return c >= INT_MAX ? n->col : (int)c;
}

static int get_regex(struct ytree_loader *ld, const struct ytree_node *n,
		     const char *what, struct cl_regex *r)
{
	pcre2_match_context *mctx = NULL;
	pcre2_match_data *md = NULL;
	PCRE2_SIZE erroff = 0;
	int errcode = 0, ret = 0, rc;

	memset(r, 0, sizeof(*r));
	if (!ytree_check_str(ld, n, what, 0))
		goto out;
	n = ytree_deref(n);
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
		ytree_problem(ld, n->line, scalar_col(n, erroff),
			      _("invalid regex in '%s': %s"), what,
			      (char *)msg);
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
		ytree_problem_at(
		    ld, n, _("regex '%s' in '%s' matches an empty string"),
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

static int get_regex_v(struct ytree_loader *ld, const struct ytree_node *n,
		       const char *what, void *r)
{
	return get_regex(ld, n, what, r);
}

static void get_regexes(struct ytree_loader *ld, const struct ytree_node *n,
			const char *what, struct cl_regex **out, size_t *nout)
{
	void *v = NULL;

	get_list(ld, n, what, sizeof(**out), get_regex_v, &v, nout);
	if (v)
		*out = v;
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

static void get_group(struct ytree_loader *ld, const struct ytree_node *n,
		      const char *what, struct cl_group *g)
{
	static const struct ytree_field f[] = { { "any", 0 }, { "regex", 0 } };
	const struct ytree_node *v[2];

	if (!ytree_fields(ld, n, what, f, 2, v))
		return;
	if (!v[0] && !v[1]) {
		ytree_problem_at(
		    ld, ytree_deref(n),
		    _("empty group in '%s' (give 'any' or 'regex')"), what);
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

static unsigned get_bits(struct ytree_loader *ld, const struct ytree_node *n,
			 const char *what, const char *const *names,
			 size_t nnames)
{
	unsigned bits = 0;
	size_t i;

	if (!ytree_check_list(ld, n, what, 0))
		return 0;
	n = ytree_deref(n);
	for (i = 0; i < n->nkids; i++) {
		int k = ytree_get_enum(ld, n->kids[i], what, names, nnames, 0);

		if (k >= 0)
			bits |= 1u << k;
	}
	return bits;
}

static void get_tags(struct ytree_loader *ld, const struct ytree_node *n,
		     struct cl_item *it)
{
	static const struct ytree_field f[] = { { "threat", 0 },
						{ "property", 0 } };
	const struct ytree_node *v[2];

	if (!ytree_fields(ld, n, "tags", f, 2, v))
		return;
	if (v[0])
		it->threat = get_bits(ld, v[0], "threat", threat_names,
				      SR_ARRAY_SIZE(threat_names));
	if (v[1])
		it->property = get_bits(ld, v[1], "property", property_names,
					SR_ARRAY_SIZE(property_names));
}

/* A copy of a scalar, ASCII-lowercased. */
static char *get_lower(struct ytree_loader *ld, const struct ytree_node *n,
		       const char *what)
{
	char *s = ytree_get_str(ld, n, what, 0), *p;

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

static void get_cond(struct ytree_loader *ld, const struct ytree_node *k,
		     const struct ytree_node *v, struct cl_cond *c)
{
	size_t i;

	/* Messages name the key as written. */
	const char *what = ytree_deref(k)->str;

	c->key = get_lower(ld, k, "applies_when");
	v = ytree_deref(v);
	if (v->kind == YTREE_SEQ) {
		if (!ytree_check_list(ld, v, what, 0))
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
static void get_conds(struct ytree_loader *ld, const struct ytree_node *n,
		      struct cl_item *it)
{
	struct keyed *keys = NULL;
	size_t *first = NULL, npairs, i, nk = 0;

	n = ytree_deref(n);
	if (n->kind != YTREE_MAP) {
		ytree_problem_at(ld, n,
				 _("expected a mapping for 'applies_when', "
				   "got %s"),
				 ytree_kind_name(ld, n));
		return;
	}
	npairs = n->nkids / 2;
	if (!npairs) {
		ytree_problem_at(ld, n, _("empty mapping for 'applies_when'"));
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
		const struct ytree_node *k = ytree_deref(n->kids[2 * i]);

		first[i] = (size_t)-1;
		if (k->kind == YTREE_SCALAR && !k->null) {
			keys[nk].key = k->str;
			keys[nk++].idx = i;
		}
	}
	find_dups(keys, nk, first, cmp_keyed_nocase);
	for (i = 0; i < npairs; i++) {
		const struct ytree_node *k = ytree_deref(n->kids[2 * i]);

		if (first[i] != (size_t)-1) {
			const struct ytree_node *f =
				ytree_deref(n->kids[2 * first[i]]);

			ytree_problem_at(ld, k,
					 _("duplicate key '%s' (first at line "
					   "%d)"),
					 k->str, f->line);
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

static void get_example_list(struct ytree_loader *ld,
			     const struct ytree_node *n, const char *what,
			     struct cl_example **out, size_t *nout)
{
	size_t i;

	if (!ytree_check_list(ld, n, what, 0))
		return;
	n = ytree_deref(n);
	*out = calloc(n->nkids, sizeof(**out));
	if (!*out) {
		ld->oom = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct ytree_node *e = ytree_deref(n->kids[i]);
		char *s = ytree_get_str(ld, e, what, 0);

		if (!s)
			continue;
		(*out)[*nout].text = s;
		(*out)[*nout].line = e->line;
		(*out)[*nout].col = e->col;
		(*nout)++;
	}
}

static void get_examples(struct ytree_loader *ld, const struct ytree_node *n,
			 struct cl_item *it)
{
	static const struct ytree_field f[] = { { "satisfied", 0 },
						{ "missing", 0 } };
	const struct ytree_node *v[2];

	if (!ytree_fields(ld, n, "examples", f, 2, v))
		return;
	if (v[0])
		get_example_list(ld, v[0], "satisfied", &it->ex_satisfied,
				 &it->nex_satisfied);
	if (v[1])
		get_example_list(ld, v[1], "missing", &it->ex_missing,
				 &it->nex_missing);
}

static void get_match(struct ytree_loader *ld, const struct ytree_node *n,
		      struct cl_item *it)
{
	enum { M_SCOPE, M_ALL, M_REGEX, M_NOT_ALONE, M_EXCLUDE, M_N };
	static const struct ytree_field f[] = {
		{ "scope", 0 },	    { "all", 1 },     { "regex", 0 },
		{ "not_alone", 0 }, { "exclude", 0 },
	};
	const struct ytree_node *v[M_N];
	size_t i, ngroups;

	if (!ytree_fields(ld, n, "match", f, M_N, v))
		return;
	if (v[M_SCOPE]) {
		int s = ytree_get_enum(ld, v[M_SCOPE], "scope", scope_names,
				       SR_ARRAY_SIZE(scope_names), 0);
		if (s >= 0)
			it->scope = (enum cl_scope)s;
	}
	if (v[M_ALL] && ytree_check_list(ld, v[M_ALL], "all", 0)) {
		ngroups = v[M_ALL]->nkids + (v[M_REGEX] != NULL);
		if (ngroups > CL_MAX_GROUPS)
			ytree_problem_at(ld, v[M_ALL],
					 _("too many groups (%zu, at most %d "
					   "counting 'regex')"),
					 ngroups, CL_MAX_GROUPS);
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

static void get_item(struct ytree_loader *ld, const struct ytree_node *n,
		     struct cl_item *it)
{
	enum {
		I_ID, I_TITLE, I_GUIDANCE, I_SEVERITY, I_REFERENCE, I_TAGS,
		I_APPLIES, I_TEMPLATE, I_MATCH, I_EXAMPLES, I_N
	};
	static const struct ytree_field f[] = {
		{ "id", 1 },	      { "title", 1 },	 { "guidance", 0 },
		{ "severity", 1 },    { "reference", 0 }, { "tags", 0 },
		{ "applies_when", 0 }, { "template", 0 }, { "match", 1 },
		{ "examples", 0 },
	};
	const struct ytree_node *v[I_N];

	n = ytree_deref(n);
	it->line = n->line;
	it->col = n->col;
	if (!ytree_fields(ld, n, "item", f, I_N, v))
		return;
	if (v[I_ID])
		it->id = get_id(ld, v[I_ID], "item id", 1);
	if (v[I_TITLE])
		get_text(ld, v[I_TITLE], "title", &it->title);
	if (v[I_GUIDANCE])
		get_text(ld, v[I_GUIDANCE], "guidance", &it->guidance);
	if (v[I_SEVERITY]) {
		int s = ytree_get_enum(ld, v[I_SEVERITY], "severity",
				       severity_names,
				       SR_ARRAY_SIZE(severity_names), 0);
		if (s >= 0)
			it->severity = (enum cl_severity)s;
	}
	if (v[I_REFERENCE])
		it->reference =
		    ytree_get_str(ld, v[I_REFERENCE], "reference", 0);
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
static const struct ytree_node *item_id_node(const struct ytree_node *item)
{
	size_t k;

	item = ytree_deref(item);
	for (k = 0; item->kind == YTREE_MAP && k + 1 < item->nkids; k += 2) {
		const struct ytree_node *key = ytree_deref(item->kids[k]);

		if (key->kind == YTREE_SCALAR && !strcmp(key->str, "id"))
			return ytree_deref(item->kids[k + 1]);
	}
	return item;
}

/* Reports every item whose id an earlier item already has. */
static void check_item_ids(struct ytree_loader *ld,
			   const struct ytree_node *items,
			   const struct checklist *cl)
{
	struct keyed *keys = NULL;
	size_t *first = NULL, i, n = 0;

	items = ytree_deref(items);
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
		ytree_problem_at(ld, item_id_node(items->kids[i]),
				 _("duplicate item id '%s' (first at line %d)"),
				 cl->items[i].id,
				 item_id_node(items->kids[first[i]])->line);
	}
out:
	free(keys);
	free(first);
}

/* ---- the checklist ---------------------------------------------------- */

static void get_checklist(struct ytree_loader *ld,
			  const struct ytree_node *root, struct checklist *cl)
{
	enum {
		C_ID, C_VERSION, C_TITLE, C_SOURCE, C_BYREF, C_EMPTY,
		C_EXCLUDE, C_ITEMS, C_N
	};
	static const struct ytree_field f[] = {
		{ "id", 1 },	   { "version", 1 },	   { "title", 1 },
		{ "source", 0 },   { "by_reference", 0 }, { "empty_markers", 0 },
		{ "exclude", 0 },  { "items", 1 },
	};
	const struct ytree_node *v[C_N];
	size_t i;

	root = ytree_deref(root);
	if (root->kind != YTREE_MAP) {
		ytree_problem_at(ld, root,
				 _("expected a mapping at the top of the "
				   "checklist, got %s"),
				 ytree_kind_name(ld, root));
		return;
	}
	if (!ytree_fields(ld, root, "checklist", f, C_N, v))
		return;
	if (v[C_ID])
		cl->id = get_id(ld, v[C_ID], "checklist id", 0);
	if (v[C_VERSION])
		cl->version = ytree_get_str(ld, v[C_VERSION], "version", 0);
	if (v[C_TITLE])
		get_text(ld, v[C_TITLE], "title", &cl->title);
	if (v[C_SOURCE])
		cl->source = ytree_get_str(ld, v[C_SOURCE], "source", 0);
	if (v[C_BYREF])
		get_group(ld, v[C_BYREF], "by_reference", &cl->by_reference);
	if (v[C_EMPTY])
		get_terms(ld, v[C_EMPTY], "empty_markers", &cl->empty_markers,
			  &cl->nempty_markers);
	if (v[C_EXCLUDE])
		get_terms(ld, v[C_EXCLUDE], "exclude", &cl->exclude,
			  &cl->nexclude);
	if (!v[C_ITEMS] || !ytree_check_list(ld, v[C_ITEMS], "items", 0))
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
	struct ytree_loader ld;
	struct ytree_node *root = NULL;
	struct checklist *cl = NULL;
	const char *nul;
	size_t bad;
	int ret = 0;

	*out = NULL;
	ytree_loader_init(&ld, &checklist_yaml, path, buf, len);
	if (len > SR_MAX_CHECKLIST_BYTES) {
		ytree_problem(&ld, 0, 0,
			      _("checklist is %zu bytes, over the limit of %u"),
			      len, (unsigned)SR_MAX_CHECKLIST_BYTES);
		ret = SR_ELIMIT;
		goto out;
	}
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
		ld.buf += 3;
		ld.len -= 3;
	}
	if ((nul = memchr(ld.buf, '\0', ld.len))) {
		ytree_problem_at_offset(&ld, (size_t)(nul - ld.buf),
					_("binary file (NUL byte), not a YAML "
					  "checklist"));
		ret = SR_EBINARY;
		goto out;
	}
	if ((bad = utf8_find_invalid(ld.buf, ld.len)) < ld.len) {
		ytree_problem_at_offset(&ld, bad,
					_("invalid UTF-8 (byte 0x%02X)"),
					(unsigned)(unsigned char)ld.buf[bad]);
		ret = SR_EPARSE;
		goto out;
	}
	ret = ytree_parse(&ld, &root);
	if (ret < 0)
		goto out;
	if (ytree_is_empty(root)) {
		ytree_problem(&ld, 0, 0, _("empty checklist"));
		ret = SR_EPARSE;
		goto out;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl || (path && !(cl->path = strdup(path)))) {
		ret = SR_ENOMEM;
		goto out;
	}
	get_checklist(&ld, root, cl);
	ret = ytree_loader_status(&ld);
	if (!ret) {
		*out = cl;
		cl = NULL;
	}
out:
	ret = ytree_loader_finish(&ld, ret, err);
	if (ret < 0 && *out) {
		checklist_free(*out);
		*out = NULL;
	}
	ytree_node_free(root);
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
