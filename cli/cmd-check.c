/*
 * cmd-check.c - `specreview check`: check spec files against a checklist.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "checklist.h"
#include "cli.h"
#include "error.h"
#include "format.h"
#include "i18n.h"
#include "match.h"
#include "review.h"
#include "specs.h"
#include "spell.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "banned.h"

struct check_ctx {
	struct format_state fmt;
	struct review *rv;              /* git mode: for dispositions */
	struct review_history *hist;
	const size_t *idx;
	int color, verbose, progress;
	size_t total;
	int any_failing, any_error;
	struct sr_error errors; /* specs that could not be checked */
	struct strbuf out;
	/* check --spell, --stem */
	int spell_on, stem;
	struct spell *sp;
};

#define C_RESET "\033[m"
#define C_BOLD "\033[1m"

static const char *status_color(enum finding_status s)
{
	switch (s) {
	case FINDING_SATISFIED: return "\033[32m";
	case FINDING_PARTIAL: return "\033[33m";
	case FINDING_BY_REFERENCE: return "\033[35m";
	case FINDING_MISSING: return "\033[31m";
	case FINDING_NOT_APPLICABLE: return "\033[2m";
	}
	return "";
}

static void text_finding(const struct check_ctx *c, struct strbuf *o,
			 const struct check_report *rep,
			 const struct finding *f)
{
	int line = rep->body_line, col = 1;
	size_t e;

	if (f->nevidence) {
		line = f->evidence[0].pos.line;
		col = f->evidence[0].pos.col;
	}
	strbuf_add_printable(o, rep->path);
	strbuf_addf(o, ":%d:%d: %s ", line, col, f->item->id);
	if (c->color)
		strbuf_addf(o, "%s%s%s", status_color(f->status),
			    finding_status_name(f->status), C_RESET);
	else
		strbuf_addstr(o, finding_status_name(f->status));
	strbuf_addf(o, ": %s", cl_text_get(&f->item->title, i18n_lang()));
	if (f->item->severity == CL_RECOMMENDED)
		strbuf_addf(o, " (%s)", _("recommended"));
	strbuf_addch(o, '\n');
	if (!c->verbose)
		return;
	for (e = 0; e < f->nevidence; e++)
		strbuf_addf(o, "    %d:%d: %s\n", f->evidence[e].pos.line,
			    f->evidence[e].pos.col, f->evidence[e].quote);
}

static void text_spec(const struct check_ctx *c, struct strbuf *o,
		      const struct check_report *rep)
{
	const struct check_summary *s = &rep->summary;
	size_t i;

	if (c->color)
		strbuf_addstr(o, C_BOLD);
	strbuf_add_printable(o, rep->path);
	strbuf_addstr(o, ": ");
	strbuf_addf(o, _("%zu/%zu mandatory satisfied"), s->mandatory_satisfied,
		    s->mandatory);
	if (c->color)
		strbuf_addstr(o, C_RESET);
	strbuf_addstr(o, " (");
	strbuf_addf(o, _("partial %zu, missing %zu, by reference %zu"),
		    s->partial, s->missing, s->by_reference);
	if (s->items != s->applicable)
		strbuf_addf(o, _(", not applicable %zu"),
			    s->items - s->applicable);
	strbuf_addstr(o, ")");
	if (rep->title) {
		strbuf_addstr(o, " ");
		format_quote(o, rep->title, 0, strlen(rep->title));
	}
	strbuf_addch(o, '\n');
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];

		if (f->status == FINDING_NOT_APPLICABLE ||
		    (f->status == FINDING_SATISFIED && !c->verbose))
			continue;
		text_finding(c, o, rep, f);
	}
}

static void progress(struct check_ctx *c, size_t done)
{
	if (!c->progress)
		return;
	if (done < c->total) {
		fputc('\r', stderr);
		fprintf(stderr, _("checking %zu/%zu specs"), done, c->total);
	} else {
		fprintf(stderr, "\r\033[K");
	}
}

/*
 * --spell: the misspellings of a checked spec.  Its text is read again
 * (a report does not keep it); from git under the review's lock, since
 * workers may be reading the repository at the same time.
 */
static int spell_report(struct check_ctx *c, const struct check_report *rep,
			size_t index, struct spell_result *res)
{
	struct sr_error err = SR_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (c->rv) {
		size_t i = c->idx ? c->idx[index] : index;

		pthread_mutex_lock(&c->rv->lock);
		ret = review_read_spec(c->rv, i, &buf, &len, &err);
		pthread_mutex_unlock(&c->rv->lock);
	} else {
		ret = sr_read_file(&buf, &len, rep->path, SR_MAX_SPEC_BYTES,
				   &err);
	}
	if (ret == 0)
		ret = spell_check_text(c->sp, buf, len, SPELL_SUGGEST, res);
	if (ret < 0) {
		cli_print_diags(&err);
		cli_error(_("%s: cannot spell: %s"), rep->path,
			  sr_strerror(ret));
	}
	free(buf);
	sr_error_release(&err);
	return ret;
}

/*
 * On the worker that checked the spec: the dispositions recorded on its
 * text, and (without --spell, whose Hunspell handle is not to be shared)
 * its rendering, so that emitting it is only copying it out.
 */
static void prepare(struct check_report *rep, size_t index, void *ctx)
{
	const struct check_ctx *c = ctx;
	struct strbuf o = STRBUF_INIT;

	/* In a repository, gaps a reviewer dispositioned on this text. */
	if (c->hist && rep->checked)
		review_dispositions(c->rv, c->idx ? c->idx[index] : index,
				    c->hist, rep);
	if (c->sp)
		return;
	if (c->fmt.kind != FORMAT_TEXT)
		format_spec_part(&o, &c->fmt, rep);
	else if (rep->checked)
		text_spec(c, &o, rep);
	/* Out of memory: nothing rendered, emit() renders it. */
	if (!o.failed && o.len)
		rep->rendered = strbuf_detach(&o, &rep->rendered_len);
	strbuf_release(&o);
}

static int emit(struct check_report *rep, size_t index, void *ctx)
{
	struct check_ctx *c = ctx;
	struct spell_result spelling = SPELL_RESULT_INIT;
	size_t i;
	int ret;

	/* Warnings (invalid UTF-8, ...) and errors about this spec. */
	if (rep->diags.n) {
		if (c->progress)
			fprintf(stderr, "\r\033[K");
		cli_print_diags(&rep->diags);
	}
	if (rep->status < 0) {
		c->any_error = 1;
		for (i = 0; i < rep->diags.n; i++)
			sr_error_add(&c->errors, SR_ERROR,
				     rep->diags.diags[i].path,
				     rep->diags.diags[i].line,
				     rep->diags.diags[i].col, "%s",
				     rep->diags.diags[i].msg);
		if (!rep->diags.n)
			sr_error_add(&c->errors, rep->status, rep->path, 0, 0,
				     "%s", sr_strerror(rep->status));
	} else if (rep->summary.failing) {
		c->any_failing = 1;
	}
	if (c->sp && rep->checked && spell_report(c, rep, index, &spelling) < 0)
		c->any_error = 1;
	if (rep->rendered) {
		if (c->fmt.kind == FORMAT_TEXT)
			strbuf_add(&c->out, rep->rendered, rep->rendered_len);
		else
			format_add_part(&c->out, &c->fmt, rep->rendered,
					rep->rendered_len);
	} else if (c->fmt.kind == FORMAT_TEXT) {
		if (rep->checked)
			text_spec(c, &c->out, rep);
		if (c->sp && rep->checked)
			format_spelling_text(&c->out, rep->path, &spelling,
					     _("spelling"));
	} else {
		c->fmt.spelling = c->sp && rep->checked ? &spelling : NULL;
		format_spec(&c->out, &c->fmt, rep);
		c->fmt.spelling = NULL;
	}
	spell_result_release(&spelling);
	progress(c, index + 1);
	if (c->out.len >= 65536 || index + 1 == c->total) {
		/* Whole pages, but for the last: the rest waits for more. */
		size_t n = index + 1 == c->total ? c->out.len
						 : c->out.len & ~(size_t)4095;

		if (c->out.failed) {
			cli_error("%s", _("out of memory"));
			return EXIT_USAGE;
		}
		ret = cli_write_stdout(c->out.buf, n);
		memmove(c->out.buf, c->out.buf + n, c->out.len - n);
		strbuf_setlen(&c->out, c->out.len - n);
		return ret;
	}
	return 0;
}

static int load_checklist(struct checklist **cl, const char *path)
{
	struct sr_error err = SR_ERROR_INIT;
	int ret;

	ret = path ? checklist_load_file(cl, path, &err)
		   : check_load_default_checklist(cl, &err);
	cli_print_diags(&err);
	sr_error_release(&err);
	return ret;
}

/*
 * --stem in a repository: the review's checklist gets the inflections of
 * its terms and its matcher is built again.
 */
static int stem_checklist(struct spell *sp, struct checklist *cl,
			  struct matcher **m, struct sr_error *err)
{
	int ret = spell_expand_checklist(sp, cl, NULL);

	if (ret < 0)
		return sr_error_add(err, ret, NULL, 0, 0, _("out of memory"));
	matcher_free(*m);
	*m = NULL;
	return matcher_new(m, cl, err);
}

/* Specs from git: every spec at the revision, or those named. */
static int check_repo(struct check_ctx *c, int argc, char **argv,
		      const char *ref, int worktree, int jobs)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history hist = REVIEW_HISTORY_INIT;
	struct review *rv = NULL;
	size_t *idx = NULL, n = 0;
	int ret;

	/* Results cached without --stem must not answer for it. */
	ret = review_open(&rv, cli_globals.repo, ref ? ref : cli_globals.ref,
			  (worktree ? REVIEW_WORKTREE : 0) |
				  (c->stem ? REVIEW_NO_CACHE : 0),
			  &err);
	if (ret == 0 && (c->spell_on || c->stem))
		ret = spell_open_review(&c->sp, rv, &err);
	if (ret == 0 && c->stem)
		ret = stem_checklist(c->sp, rv->cl, &rv->m, &err);
	cli_print_diags(&err);
	if (ret < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if ((ret = spec_pick(rv, argc, argv, worktree, &idx, &n)) != 0)
		goto out;
	if (review_history(rv, NULL, &hist, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto out;
	}
	c->rv = rv;
	c->hist = &hist;
	c->idx = idx;
	c->fmt.cl = rv->cl;
	c->total = idx ? n : rv->nspecs;
	c->progress = c->total > 1 && cli_show_progress() &&
		      !isatty(STDOUT_FILENO);
	format_begin(&c->out, &c->fmt);
	ret = review_check_all(rv, idx, n, jobs, prepare, emit, c);
	if (ret)
		goto out;
	format_end(&c->out, &c->fmt, &c->errors);
	ret = cli_write_stdout(c->out.buf, c->out.len);
out:
	c->hist = NULL;
	review_history_release(&hist);
	free(idx);
	review_free(rv);
	sr_error_release(&err);
	return ret;
}

/* The specs named on the command line, and the normalizer's tables. */
struct listing {
	int argc;
	char **argv;
	struct spec_list specs;
	int ret;
};

static void *list_specs(void *arg)
{
	struct listing *l = arg;
	int i;

	text_norm_tables();
	for (i = 0; i < l->argc; i++)
		if (spec_list_add(&l->specs, l->argv[i]) < 0) {
			l->ret = -1;
			break;
		}
	return NULL;
}

static int check_paths(struct check_ctx *c, int argc, char **argv,
		       const char *checklist_path, int jobs)
{
	struct listing l = { argc, argv, SPEC_LIST_INIT, 0 };
	struct spec_list *specs = &l.specs;
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct sr_error err = SR_ERROR_INIT;
	pthread_t tid;
	int listing, ret = 0;

	/*
	 * Before the first spec is checked, the checklist is read and its
	 * matcher built (about 14 ms), the specs are listed (4 ms for a
	 * directory of 2,000) and the normalizer's tables built (1 ms):
	 * on another thread, the last two are done by the time the matcher
	 * is.
	 */
	listing = pthread_create(&tid, NULL, list_specs, &l) == 0;
	if (!listing)
		list_specs(&l); /* no thread: here, then */
	if (load_checklist(&cl, checklist_path) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if ((c->spell_on || c->stem) && spell_open_default(&c->sp, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto out;
	}
	if (c->stem && spell_expand_checklist(c->sp, cl, NULL) < 0) {
		cli_error("%s", _("out of memory"));
		ret = EXIT_USAGE;
		goto out;
	}
	if (matcher_new(&m, cl, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto out;
	}
	if (listing)
		pthread_join(tid, NULL);
	listing = 0;
	if (l.ret < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!specs->n) {
		cli_error("%s", _("no spec files found"));
		ret = EXIT_USAGE;
		goto out;
	}
	c->fmt.cl = cl;
	c->total = specs->n;
	c->progress = specs->n > 1 && cli_show_progress() &&
		      !isatty(STDOUT_FILENO);
	format_begin(&c->out, &c->fmt);
	ret = check_files(m, specs->paths, specs->n, jobs, prepare, emit, c);
	if (ret)
		goto out;
	format_end(&c->out, &c->fmt, &c->errors);
	ret = cli_write_stdout(c->out.buf, c->out.len);
out:
	if (listing)
		pthread_join(tid, NULL);
	matcher_free(m);
	checklist_free(cl);
	spec_list_release(specs);
	sr_error_release(&err);
	return ret;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "checklist", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "ref", required_argument, NULL, 'r' },
		{ "worktree", no_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "spell", no_argument, NULL, 'S' },
		{ "stem", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_ctx c;
	const char *checklist_path = NULL, *ref = NULL;
	long jobs = 2;
	int opt, ret = 0, fmt = FORMAT_TEXT, worktree = 0;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.out, 0);
	while ((opt = getopt_long(argc, argv, "c:f:j:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			checklist_path = optarg;
			break;
		case 'f':
			fmt = format_parse(optarg);
			if (fmt < 0)
				return cli_usage_error(
				    "check",
				    _("unknown format '%s' "
				      "(text, json, sarif, junit)"),
				    optarg);
			break;
		case 'j':
			jobs = strtol(optarg, NULL, 10);
			if (jobs < 1 || jobs > 16)
				return cli_usage_error(
				    "check", _("--jobs takes 1 to 16"));
			break;
		case 'r':
			ref = optarg;
			break;
		case 'w':
			worktree = 1;
			break;
		case 'v':
			c.verbose = 1;
			break;
		case 'S':
			c.spell_on = 1;
			break;
		case 'T':
			c.stem = 1;
			break;
		case 'h':
			return cli_help("check");
		default:
			return cli_usage_error("check", _("bad option"));
		}
	}
	if (worktree && (ref || cli_globals.ref))
		return cli_usage_error("check",
				       _("--worktree and --ref exclude "
					 "each other"));
	if (c.spell_on && fmt != FORMAT_TEXT && fmt != FORMAT_JSON)
		return cli_usage_error("check", _("--spell works with the text "
						  "and json formats"));
	c.fmt.kind = (enum format_kind)fmt;
	c.color = fmt == FORMAT_TEXT && cli_use_color(stdout);
	/*
	 * Files on disk when they are named; specs from
	 * git with --ref, --worktree, or when nothing is named.
	 */
	if (ref || worktree || cli_globals.ref || optind >= argc) {
		if (checklist_path)
			return cli_usage_error("check",
					       _("--checklist reads files on "
						 "disk; in a repository the "
						 "checklist comes from "
						 ".specreview.yaml"));
		ret = check_repo(&c, argc - optind, argv + optind, ref,
				 worktree, (int)jobs);
	} else {
		ret = check_paths(&c, argc - optind, argv + optind,
				  checklist_path, (int)jobs);
	}
	if (ret == 0)
		ret = c.any_error ? EXIT_USAGE : c.any_failing ? EXIT_FINDINGS : 0;
	spell_free(c.sp);
	format_release(&c.fmt);
	sr_error_release(&c.errors);
	strbuf_release(&c.out);
	return ret;
}

const struct cmd_entry cmd_check_entry = {
	"check",
	"[--ref REF | --worktree] [--checklist FILE] [--format FMT] [-v] [-j N] "
	"[--spell] [--stem] [SPEC...]",
	N_("check specs for the mandatory security clauses"),
	N_("Checks specs against the checklist and reports every clause that is\n"
	"missing, partial or only given by reference.\n"
	"\n"
	"Named files (or directories, searched for *.md, *.markdown and *.txt)\n"
	"are read from disk.  With --ref, or when no SPEC is named inside a git\n"
	"repository, specs are read from a commit (default HEAD) without a\n"
	"checkout, found by the spec globs of its .specreview.yaml, and SPEC\n"
	"names repository paths; results are cached per blob.  --worktree\n"
	"reads the working tree's files instead (uncommitted drafts).\n"
	"\n"
	"  -c, --checklist FILE  the checklist for files on disk (default: the\n"
	"                        built-in outsourcing-security checklist)\n"
	"  -f, --format FORMAT   text (default), json, sarif or junit\n"
	"  -v, --verbose         also show satisfied clauses and the evidence\n"
	"  -j, --jobs N          check N specs at a time (default 2)\n"
	"      --ref REF         read specs from commit REF\n"
	"      --worktree        read specs from the working tree\n"
	"      --spell           also list misspelt English words (text and\n"
	"                        json; see `specreview help spell`); they do\n"
	"                        not change the exit status\n"
	"      --stem            let English terms match their inflections\n"
	"                        (\"subcontract\" finds \"subcontracted\"), as\n"
	"                        the dictionary confirms them (results are\n"
	"                        then not cached)\n"
	"\n"
	"Exit status: 0 when no applicable mandatory clause is missing, partial\n"
	"or by reference; 1 when some are; 2 on usage errors or when a spec\n"
	"cannot be read (the others are still checked).\n"),
	cmd_check,
};
