/*
 * test_samples.c - the shipped checklist against a human reviewer.
 *
 *  1. Every sample spec named in specs/expected.yaml is checked with the
 *     built-in checklist, and every item's status must equal the status
 *     the reviewer gave it.  Mismatches are all printed (spec, item,
 *     expected, got) before the test fails with their count.
 *  2. Every spec template (templates/<kind>.<lang>.md) has no applicable
 *     item that is missing, partial or by reference.
 *  3. Every clause snippet templates/clauses/OS-NN.<lang>.md, checked on
 *     its own, satisfies its own item.
 *
 * The engine is linked, not run as a program: one matcher serves every
 * spec.  docs/sample-specs.md explains the expected statuses.
 */
#include "testutil.h"

#include <glob.h>
#include <yaml.h>

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "match.h"

/*
 * Known engine gaps: cases where the reviewer's status (kept in
 * specs/expected.yaml) can only be reached by a change to the engine in
 * src/, not by the checklist.  The test accepts `engine_gives` for them
 * and says so; when the engine starts to agree with the reviewer the
 * entry must be removed (the test fails until it is).  Keep this table as
 * short as possible: every entry is a bug report for the engine owner.
 */
struct known_engine_gap {
	const char *spec, *item;
	const char *engine_gives; /* the status the engine reports today */
	const char *why;
};

static const struct known_engine_gap known_engine_gaps[] = {
	/* none at present */
	{ NULL, NULL, NULL, NULL },
};

struct expectation {
	char *spec, *item, *status;
	int seen;
};

struct expectations {
	struct expectation *v;
	size_t n, alloc;
};

static void exp_add(struct expectations *e, const char *spec,
		    const char *item, const char *status)
{
	if (e->n == e->alloc) {
		e->alloc = e->alloc ? 2 * e->alloc : 256;
		e->v = realloc(e->v, e->alloc * sizeof(*e->v));
		assert_non_null(e->v);
	}
	e->v[e->n].spec = strdup(spec);
	e->v[e->n].item = strdup(item);
	e->v[e->n].status = strdup(status);
	e->v[e->n].seen = 0;
	assert_non_null(e->v[e->n].spec);
	assert_non_null(e->v[e->n].item);
	assert_non_null(e->v[e->n].status);
	e->n++;
}

static void exp_free(struct expectations *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].spec);
		free(e->v[i].item);
		free(e->v[i].status);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->alloc = 0;
}

static const char *scalar(yaml_document_t *doc, yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	(void)doc;
	return (const char *)node->data.scalar.value;
}

/* Reads specs/expected.yaml: {spec path: {item id: status}}. */
static void load_expectations(struct expectations *e)
{
	const char *path = t_src("specs/expected.yaml");
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *p, *q;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc))
		fail_msg("%s:%lu: %s", path,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error");
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		fail_msg("%s: not a mapping of spec paths", path);
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const char *spec =
			scalar(&doc, yaml_document_get_node(&doc, p->key));
		yaml_node_t *items = yaml_document_get_node(&doc, p->value);

		if (!spec || !items || items->type != YAML_MAPPING_NODE)
			fail_msg("%s: each spec must map item ids to statuses",
				 path);
		for (q = items->data.mapping.pairs.start;
		     q < items->data.mapping.pairs.top; q++) {
			const char *item = scalar(
				&doc, yaml_document_get_node(&doc, q->key));
			const char *status = scalar(
				&doc, yaml_document_get_node(&doc, q->value));

			if (!item || !status)
				fail_msg("%s: %s: bad item entry", path, spec);
			exp_add(e, spec, item, status);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	assert_true(e->n > 0);
}

struct engine {
	struct checklist *cl;
	struct matcher *m;
};

static int setup(void **state)
{
	struct engine *g = calloc(1, sizeof(*g));
	struct sr_error err = SR_ERROR_INIT;

	assert_non_null(g);
	if (check_load_default_checklist(&g->cl, &err) < 0) {
		for (size_t i = 0; i < err.n; i++)
			fprintf(stderr, "checklist %d:%d: %s\n",
				err.diags[i].line, err.diags[i].col,
				err.diags[i].msg);
		fail_msg("the built-in checklist does not load");
	}
	assert_int_equal(matcher_new(&g->m, g->cl, &err), 0);
	sr_error_release(&err);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct engine *g = *state;

	matcher_free(g->m);
	checklist_free(g->cl);
	free(g);
	return 0;
}

/* Checks the file at t_src(rel); fails the test if it cannot. */
static void check_rel(struct engine *g, struct check_report *rep,
		      const char *rel)
{
	const char *path = t_src(rel);

	if (check_file(rep, g->m, path) < 0 || !rep->checked) {
		for (size_t i = 0; i < rep->diags.n; i++)
			fprintf(stderr, "%s: %s\n", rel,
				rep->diags.diags[i].msg);
		fail_msg("%s could not be checked", rel);
	}
}

static const struct finding *find_item(const struct check_report *rep,
				       const char *id)
{
	for (size_t i = 0; i < rep->result.nfindings; i++)
		if (!strcmp(rep->result.findings[i].item->id, id))
			return &rep->result.findings[i];
	return NULL;
}

static const struct known_engine_gap *known_gap(const char *spec,
						const char *item)
{
	for (const struct known_engine_gap *k = known_engine_gaps; k->spec;
	     k++)
		if (!strcmp(k->spec, spec) && !strcmp(k->item, item))
			return k;
	return NULL;
}

/* Paths matching t_src(pattern), relative to the source tree. */
static size_t glob_rel(const char *pattern, glob_t *gl)
{
	char pat[4200];

	snprintf(pat, sizeof(pat), "%s/%s", t_srcdir(), pattern);
	if (glob(pat, 0, NULL, gl) != 0) {
		gl->gl_pathc = 0;
		gl->gl_pathv = NULL;
		return 0;
	}
	return gl->gl_pathc;
}

static const char *rel_of(const char *path)
{
	return path + strlen(t_srcdir()) + 1;
}

/* (1) Every item of every sample spec has the reviewer's status. */
static void test_samples_match_reviewer(void **state)
{
	struct engine *g = *state;
	struct expectations e = { 0 };
	size_t i, j, mismatches = 0, gaps = 0;
	glob_t gl;

	load_expectations(&e);
	for (i = 0; i < e.n; i++) {
		struct check_report rep = CHECK_REPORT_INIT;
		const char *spec = e.v[i].spec;

		if (e.v[i].seen)
			continue;
		check_rel(g, &rep, spec);
		/* Every item of the checklist needs an expectation. */
		for (j = 0; j < rep.result.nfindings; j++) {
			const char *id = rep.result.findings[j].item->id;
			size_t k;

			for (k = i; k < e.n; k++)
				if (!strcmp(e.v[k].spec, spec) &&
				    !strcmp(e.v[k].item, id))
					break;
			if (k == e.n) {
				fprintf(stderr,
					"MISMATCH %s %s: no expected status in "
					"specs/expected.yaml\n",
					spec, id);
				mismatches++;
			}
		}
		for (j = i; j < e.n; j++) {
			const struct finding *f;
			const struct known_engine_gap *gap;
			const char *got;

			if (strcmp(e.v[j].spec, spec))
				continue;
			e.v[j].seen = 1;
			f = find_item(&rep, e.v[j].item);
			got = f ? finding_status_name(f->status) : "(no item)";
			gap = known_gap(spec, e.v[j].item);
			if (!strcmp(got, e.v[j].status)) {
				if (gap) {
					fprintf(stderr,
						"FIXED %s %s: the engine now "
						"gives %s; remove it from "
						"known_engine_gaps\n",
						spec, e.v[j].item, got);
					mismatches++;
				}
				continue;
			}
			if (gap && !strcmp(got, gap->engine_gives)) {
				fprintf(stderr,
					"known engine gap %s %s: expected %s, "
					"got %s (%s)\n",
					spec, e.v[j].item, e.v[j].status, got,
					gap->why);
				gaps++;
				continue;
			}
			fprintf(stderr, "MISMATCH %s %s: expected %s, got %s\n",
				spec, e.v[j].item, e.v[j].status, got);
			mismatches++;
		}
		check_report_release(&rep);
	}
	/* Every sample spec needs expectations. */
	for (size_t d = 0; d < 2; d++) {
		static const char *const pats[] = { "specs/*.md",
						    "specs/*/*.md" };

		glob_rel(pats[d], &gl);
		for (j = 0; j < gl.gl_pathc; j++) {
			const char *rel = rel_of(gl.gl_pathv[j]);
			size_t k;

			for (k = 0; k < e.n; k++)
				if (!strcmp(e.v[k].spec, rel))
					break;
			if (k == e.n) {
				fprintf(stderr,
					"MISMATCH %s: sample spec without "
					"expectations in specs/expected.yaml\n",
					rel);
				mismatches++;
			}
		}
		if (gl.gl_pathv)
			globfree(&gl);
	}
	fprintf(stderr, "%zu expectations, %zu known engine gaps, "
			"%zu mismatches\n",
		e.n, gaps, mismatches);
	exp_free(&e);
	if (mismatches)
		fail_msg("%zu statuses differ from specs/expected.yaml",
			 mismatches);
}

/* (2) A spec template leaves no applicable clause open. */
static void test_templates_complete(void **state)
{
	static const char *const kinds[] = { "development", "operations",
					     "cloud" };
	static const char *const langs[] = { "ja", "en" };
	struct engine *g = *state;
	size_t bad = 0, n = 0;
	glob_t gl;

	/* The six templates must all exist ... */
	for (size_t k = 0; k < 3; k++)
		for (size_t l = 0; l < 2; l++) {
			char rel[64];

			snprintf(rel, sizeof(rel), "templates/%s.%s.md",
				 kinds[k], langs[l]);
			if (access(t_src(rel), R_OK) != 0) {
				fprintf(stderr, "MISSING template %s\n", rel);
				bad++;
			}
		}
	/* ... and every template there is (not the README) is complete. */
	glob_rel("templates/*.md", &gl);
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		const char *rel = rel_of(gl.gl_pathv[i]);
		struct check_report rep = CHECK_REPORT_INIT;

		if (!strncmp(rel, "templates/README", 16))
			continue;
		n++;
		check_rel(g, &rep, rel);
		for (size_t j = 0; j < rep.result.nfindings; j++) {
			const struct finding *f = &rep.result.findings[j];

			if (f->status == FINDING_SATISFIED ||
			    f->status == FINDING_NOT_APPLICABLE)
				continue;
			fprintf(stderr, "OPEN %s %s: %s\n", rel, f->item->id,
				finding_status_name(f->status));
			bad++;
		}
		check_report_release(&rep);
	}
	if (gl.gl_pathv)
		globfree(&gl);
	assert_true(n >= 6);
	if (bad)
		fail_msg("%zu template problems", bad);
}

/* (3) A clause snippet, alone, satisfies its own item. */
static void test_clause_snippets_satisfy_their_item(void **state)
{
	struct engine *g = *state;
	size_t bad = 0;
	glob_t gl;

	glob_rel("templates/clauses/*.md", &gl);
	assert_true(gl.gl_pathc >= 2 * g->cl->nitems);
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		const char *rel = rel_of(gl.gl_pathv[i]);
		const char *base = strrchr(rel, '/') + 1;
		struct check_report rep = CHECK_REPORT_INIT;
		const struct finding *f;
		char id[64];
		size_t len = strcspn(base, ".");

		assert_true(len < sizeof(id));
		memcpy(id, base, len);
		id[len] = '\0';
		check_rel(g, &rep, rel);
		f = find_item(&rep, id);
		if (!f) {
			fprintf(stderr, "SNIPPET %s: no item %s\n", rel, id);
			bad++;
		} else if (f->status != FINDING_SATISFIED) {
			fprintf(stderr, "SNIPPET %s: %s is %s\n", rel, id,
				finding_status_name(f->status));
			bad++;
		}
		check_report_release(&rep);
	}
	if (gl.gl_pathv)
		globfree(&gl);
	if (bad)
		fail_msg("%zu clause snippets do not satisfy their item", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_match_reviewer),
		cmocka_unit_test(test_templates_complete),
		cmocka_unit_test(test_clause_snippets_satisfy_their_item),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
