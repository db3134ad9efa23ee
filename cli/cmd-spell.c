/*
 * cmd-spell.c - `specreview spell`: misspelt English words in specs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "format.h"
#include "i18n.h"
#include "review.h"
#include "specs.h"
#include "spell.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

struct spell_ctx {
	struct spell *sp;
	int json;
	size_t nspecs;    /* specs written (JSON) */
	int any_miss, any_error;
	struct sr_error errors; /* specs that could not be read (JSON) */
	struct strbuf out;
};

/* Spells one spec's text and writes what it found. */
static int spell_one(struct spell_ctx *c, const char *path, const char *buf,
		     size_t len)
{
	struct spell_result res = SPELL_RESULT_INIT;
	int ret;

	if (sr_looks_binary(buf, len)) {
		sr_error_add(&c->errors, SR_EBINARY, path, 0, 0, "%s",
			     _("not a text file"));
		if (!c->json)
			cli_error(_("%s: not a text file"), path);
		c->any_error = 1;
		return 0;
	}
	if ((ret = spell_check_text(c->sp, buf, len, SPELL_SUGGEST, &res)) < 0) {
		cli_error("%s: %s", path, sr_strerror(ret));
		spell_result_release(&res);
		return EXIT_USAGE;
	}
	if (res.n)
		c->any_miss = 1;
	if (c->json) {
		strbuf_addstr(&c->out, c->nspecs++ ? ",\n{" : "\n{");
		strbuf_addstr(&c->out, "\"path\":");
		cli_json_str(&c->out, path);
		strbuf_addstr(&c->out, ",\"spelling\":");
		format_spelling_json(&c->out, &res);
		strbuf_addch(&c->out, '}');
	} else {
		format_spelling_text(&c->out, path, &res, NULL);
	}
	spell_result_release(&res);
	if (c->out.failed) {
		cli_error("%s", _("out of memory"));
		return EXIT_USAGE;
	}
	if (c->out.len >= 65536) {
		ret = cli_write_stdout(c->out.buf, c->out.len);
		strbuf_reset(&c->out);
		return ret;
	}
	return 0;
}

/* A spec that cannot be read: said now in text, listed in JSON. */
static void read_failed(struct spell_ctx *c, struct sr_error *err)
{
	if (c->json)
		sr_error_move(&c->errors, err);
	else
		cli_print_diags(err);
	c->any_error = 1;
}

static int spell_paths(struct spell_ctx *c, int argc, char **argv)
{
	struct spec_list specs = SPEC_LIST_INIT;
	struct sr_error err = SR_ERROR_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < (size_t)argc; i++)
		if (spec_list_add(&specs, argv[i]) < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
	if (!specs.n) {
		cli_error("%s", _("no spec files found"));
		ret = EXIT_USAGE;
		goto out;
	}
	if (spell_open_default(&c->sp, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto out;
	}
	cli_print_diags(&err); /* warnings about the word lists */
	sr_error_release(&err);
	for (i = 0; i < specs.n && ret == 0; i++) {
		char *buf = NULL;
		size_t len = 0;

		if (sr_read_file(&buf, &len, specs.paths[i], SR_MAX_SPEC_BYTES,
				 &err) < 0) {
			read_failed(c, &err);
			sr_error_release(&err);
			continue;
		}
		ret = spell_one(c, specs.paths[i], buf, len);
		free(buf);
	}
out:
	spec_list_release(&specs);
	sr_error_release(&err);
	return ret;
}

/* Specs from git: those named, or every spec at the revision. */
static int spell_repo(struct spell_ctx *c, int argc, char **argv,
		      const char *ref, int worktree)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	size_t *idx = NULL, n = 0, i;
	int ret;

	ret = review_open(&rv, cli_globals.repo, ref ? ref : cli_globals.ref,
			  (worktree ? REVIEW_WORKTREE : 0) | REVIEW_NO_CACHE,
			  &err);
	if (ret == 0)
		ret = spell_open_review(&c->sp, rv, &err);
	cli_print_diags(&err);
	sr_error_release(&err);
	if (ret < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if ((ret = spec_pick(rv, argc, argv, worktree, &idx, &n)) != 0)
		goto out;
	if (!idx)
		n = rv->nspecs;
	for (i = 0; i < n && ret == 0; i++) {
		size_t k = idx ? idx[i] : i;
		char *buf = NULL;
		size_t len = 0;

		if (review_read_spec(rv, k, &buf, &len, &err) < 0) {
			read_failed(c, &err);
			sr_error_release(&err);
			continue;
		}
		ret = spell_one(c, rv->specs[k].path, buf, len);
		free(buf);
	}
out:
	free(idx);
	review_free(rv);
	sr_error_release(&err);
	return ret;
}

static void json_errors(struct strbuf *o, const struct sr_error *err)
{
	size_t i;

	for (i = 0; i < err->n; i++) {
		const struct sr_diag *d = &err->diags[i];

		strbuf_addstr(o, i ? ",{\"path\":" : "{\"path\":");
		cli_json_str(o, d->path);
		strbuf_addf(o, ",\"line\":%d,\"column\":%d,\"message\":",
			    d->line, d->col);
		cli_json_str(o, d->msg);
		strbuf_addch(o, '}');
	}
}

static int cmd_spell(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ref", required_argument, NULL, 'r' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct spell_ctx c;
	const char *ref = NULL;
	int opt, ret, worktree = 0;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.out, 0);
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (cli_parse_text_json("spell", optarg, &c.json))
				return EXIT_USAGE;
			break;
		case 'r':
			ref = optarg;
			break;
		case 'w':
			worktree = 1;
			break;
		case 'h':
			return cli_help("spell");
		default:
			return cli_usage_error("spell", _("bad option"));
		}
	}
	if (worktree && (ref || cli_globals.ref))
		return cli_usage_error("spell",
				       _("--worktree and --ref exclude "
					 "each other"));
	if (c.json)
		strbuf_addstr(&c.out, "{\"version\":1,\"specs\":[");
	/* As in check: files when named, git with --ref, --worktree or
	 * when nothing is named. */
	if (ref || worktree || cli_globals.ref || optind >= argc)
		ret = spell_repo(&c, argc - optind, argv + optind, ref,
				 worktree);
	else
		ret = spell_paths(&c, argc - optind, argv + optind);
	if (ret == 0) {
		if (c.json) {
			strbuf_addstr(&c.out, "\n],\"errors\":[");
			json_errors(&c.out, &c.errors);
			strbuf_addstr(&c.out, "]}\n");
		}
		if (c.out.failed) {
			cli_error("%s", _("out of memory"));
			ret = EXIT_USAGE;
		} else {
			ret = cli_write_stdout(c.out.buf, c.out.len);
		}
	}
	if (ret == 0)
		ret = c.any_error ? EXIT_USAGE : c.any_miss ? EXIT_FINDINGS : 0;
	spell_free(c.sp);
	sr_error_release(&c.errors);
	strbuf_release(&c.out);
	return ret;
}

const struct cmd_entry cmd_spell_entry = {
	"spell",
	"[--ref REF | --worktree] [--format text|json] [SPEC...]",
	N_("find misspelt English words in specs"),
	N_("Spells the English of specs with Hunspell and prints each misspelt\n"
	"word as PATH:LINE:COLUMN: word (suggestions: a, b, c).  Japanese\n"
	"text, code, URLs, e-mail addresses, paths, numbers, identifiers and\n"
	"acronyms of up to six capitals are not checked.\n"
	"\n"
	"Files are found as by check: named files (or directories) on disk,\n"
	"with en_US; with --ref, --worktree, or when no SPEC is named in a git\n"
	"repository, the specs of a commit (default HEAD) or of the working\n"
	"tree, with the dictionaries of its .specreview.yaml.  The built-in\n"
	"word list (checklists/words.dic), the repository's `words:` file and\n"
	"the personal list ~/.config/specreview/words add to the dictionaries.\n"
	"Dictionaries are looked up in $DICPATH and /usr/share/hunspell.\n"
	"\n"
	"  -f, --format FORMAT   text (default) or json\n"
	"      --ref REF         read specs from commit REF\n"
	"      --worktree        read specs from the working tree\n"
	"\n"
	"Exit status: 0 when nothing is misspelt, 1 when something is, 2 on\n"
	"usage errors, a missing dictionary, or a spec that cannot be read\n"
	"(the others are still spelt).\n"),
	cmd_spell,
};
