/*
 * cmd-lint.c - `specreview lint`: validate checklists and run their
 * self-test examples.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checklist.h"
#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "match.h"
#include "util.h"
#include "banned.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_term(char ***v, size_t *n, size_t *alloc,
		     const struct cl_term *t)
{
	if (SR_ALLOC_GROW(*v, *n + 1, *alloc) < 0)
		return -1;
	(*v)[(*n)++] = t->text;
	return 0;
}

/*
 * Prints every literal term of the checklist as written, without the '*'
 * of prefix terms, once each: the input of `grep -F -f` in make bench.
 */
static int print_terms(const struct checklist *cl)
{
	char **v = NULL;
	size_t n = 0, alloc = 0, i, g, k;
	int ret = 0;

	for (i = 0; i < cl->nitems && ret >= 0; i++)
		for (g = 0; g < cl->items[i].ngroups && ret >= 0; g++)
			for (k = 0; k < cl->items[i].groups[g].nterms; k++)
				if ((ret = push_term(&v, &n, &alloc,
						     &cl->items[i].groups[g].terms[k])) < 0)
					break;
	for (k = 0; k < cl->by_reference.nterms && ret >= 0; k++)
		ret = push_term(&v, &n, &alloc, &cl->by_reference.terms[k]);
	if (ret < 0) {
		free(v);
		cli_error("%s", _("out of memory"));
		return EXIT_USAGE;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i]);

		if (len && v[i][len - 1] == '*')
			len--;
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		printf("%.*s\n", (int)len, v[i]);
	}
	free(v);
	return 0;
}

/* 0 valid, 1 problems, 2 unreadable. */
static int lint_one(const char *path, int examples, int terms)
{
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	int ret, failures = 0;

	ret = checklist_load_file(&cl, path, &err);
	if (ret < 0) {
		cli_print_diags(&err);
		sr_error_release(&err);
		return ret == SR_EPARSE ? EXIT_FINDINGS : EXIT_USAGE;
	}
	if (terms) {
		ret = print_terms(cl);
		checklist_free(cl);
		return ret;
	}
	if (examples) {
		if ((ret = matcher_new(&m, cl, &err)) == 0)
			failures = check_run_examples(cl, m, &err);
	}
	cli_print_diags(&err);
	if (ret == 0 && failures == 0) {
		size_t i, nex = 0;

		for (i = 0; i < cl->nitems; i++)
			nex += cl->items[i].nex_satisfied +
			       cl->items[i].nex_missing;
		printf(_("%s: ok (%zu items, %zu examples)\n"), path,
		       cl->nitems, examples ? nex : 0);
	}
	matcher_free(m);
	checklist_free(cl);
	sr_error_release(&err);
	if (ret < 0 || failures < 0)
		return EXIT_USAGE;
	return failures ? EXIT_FINDINGS : 0;
}

static int cmd_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-examples", no_argument, NULL, 'n' },
		{ "terms", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, i, ret = 0, examples = 1, terms = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			examples = 0;
			break;
		case 't':
			terms = 1;
			break;
		case 'h':
			return cli_help("lint");
		default:
			return cli_usage_error("lint", _("bad option"));
		}
	}
	if (optind >= argc)
		return cli_usage_error("lint", _("no checklist named"));
	for (i = optind; i < argc; i++) {
		int r = lint_one(argv[i], examples, terms);

		if (r > ret)
			ret = r;
	}
	return ret;
}

const struct cmd_entry cmd_lint_entry = {
	"lint",
	"[--no-examples] [--terms] CHECKLIST...",
	N_("validate checklists and run their examples"),
	N_("Loads each checklist strictly and reports every problem as\n"
	"FILE:LINE:COLUMN: message.  Then runs each item's examples through\n"
	"the matcher: examples.satisfied must be satisfied, examples.missing\n"
	"must not be.\n"
	"\n"
	"  --no-examples   only validate the format\n"
	"  --terms         print every literal term, once, and nothing else\n"
	"\n"
	"Exit status: 0 all valid, 1 problems found, 2 usage error or a file\n"
	"that cannot be read.\n"),
	cmd_lint,
};
