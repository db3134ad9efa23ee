/*
 * cmd-report.c - `specreview report`: the survey (実態調査) of every spec
 * at a commit, and its history.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "report.h"
#include "review.h"
#include "strbuf.h"
#include "banned.h"

struct progress_ctx {
	const char *what;
	int shown;
};

static int show_progress(size_t done, size_t total, void *ctx)
{
	struct progress_ctx *p = ctx;

	if (done < total) {
		fprintf(stderr, "\r%s %zu/%zu", _(p->what), done, total);
		p->shown = 1;
	} else if (p->shown) {
		fprintf(stderr, "\r\033[K");
		p->shown = 0;
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"ref", required_argument, NULL, 'r'},
	    {"history", no_argument, NULL, 'H'},
	    {"since", required_argument, NULL, 's'},
	    {"every-commit", no_argument, NULL, 'e'},
	    {"lang", required_argument, NULL, 'l'},
	    {"width", required_argument, NULL, 'w'},
	    {"table", required_argument, NULL, 't'},
	    {"bom", no_argument, NULL, 'b'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct report_format_opts fo;
	struct report_history_opts ho;
	struct progress_ctx pc = {NULL, 0};
	struct sr_error err = SR_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	struct review *rv = NULL;
	struct report *rep = NULL;
	const char *ref = NULL, *since = NULL;
	int opt, ret = 0, history = 0, table = -1, progress;
	size_t i;
	long jobs = 2, width = 0;

	memset(&fo, 0, sizeof(fo));
	memset(&ho, 0, sizeof(ho));
	fo.lang = report_default_lang();
	while ((opt = getopt_long(argc, argv, "f:j:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if ((ret = report_format_parse(optarg)) < 0)
				return cli_usage_error(
				    "report",
				    _("unknown format '%s' (text, "
				      "md, csv, json, html)"),
				    optarg);
			fo.format = (enum report_format)ret;
			ret = 0;
			break;
		case 'r':
			ref = optarg;
			break;
		case 'H':
			history = 1;
			break;
		case 's':
			since = optarg;
			break;
		case 'e':
			ho.every_commit = 1;
			break;
		case 'l':
			if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
				return cli_usage_error(
				    "report", _("--lang takes ja or en"));
			fo.lang = optarg;
			break;
		case 'w':
			width = strtol(optarg, NULL, 10);
			if (width < 60 || width > 1000)
				return cli_usage_error(
				    "report", _("--width takes 60 to 1000"));
			break;
		case 't':
			if ((table = report_csv_table_parse(optarg)) < 0)
				return cli_usage_error(
				    "report",
				    _("unknown table '%s' (items, "
				      "bands, groups, specs, "
				      "history)"),
				    optarg);
			break;
		case 'b':
			fo.bom = 1;
			break;
		case 'j':
			jobs = strtol(optarg, NULL, 10);
			if (jobs < 1 || jobs > 16)
				return cli_usage_error(
				    "report", _("--jobs takes 1 to 16"));
			break;
		case 'h':
			return cli_help("report");
		default:
			return cli_usage_error("report", _("bad option"));
		}
	}
	if (optind != argc)
		return cli_usage_error("report", _("no arguments expected"));
	if ((since || ho.every_commit) && !history)
		return cli_usage_error("report", _("--since and --every-commit "
						   "go with --history"));
	if (table >= 0 && fo.format != REPORT_CSV)
		return cli_usage_error("report", _("--table goes with --format "
						   "csv"));
	if (table == REPORT_CSV_HISTORY && !history)
		return cli_usage_error("report", _("--table history needs "
						   "--history"));
	if (since && report_parse_date(since, &ho.since, &err) < 0) {
		cli_print_diags(&err);
		sr_error_release(&err);
		return EXIT_USAGE;
	}
	fo.table = table >= 0 ? (enum report_csv_table)table
		   : history  ? REPORT_CSV_HISTORY
			      : REPORT_CSV_ITEMS;
	fo.width = (size_t)width;
	ho.jobs = (int)jobs;
	progress = cli_show_progress();

	ret = report_open_review(&rv, cli_globals.repo,
				 ref ? ref : cli_globals.ref, &err);
	if (ret == 0)
		ret = report_new(&rep, rv, &err);
	cli_print_diags(&err);
	sr_error_release(&err);
	if (ret < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!rv->nspecs)
		cli_error(
		    _("no specs match the spec globs at %.12s: nothing to "
		      "survey"),
		    rv->commit);
	pc.what = N_("checking specs");
	ret = report_check_all(rep, (int)jobs, progress ? show_progress : NULL,
			       &pc);
	if (ret < 0) {
		cli_error("%s", sr_strerror(ret));
		ret = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < rep->nspecs; i++)
		if (rep->specs[i].failed)
			cli_error(_("%s: cannot be checked: %s"),
				  rep->specs[i].path, rep->specs[i].error);
	if (history) {
		pc.what = N_("history: commits");
		ret = report_history(rep, &ho, progress ? show_progress : NULL,
				     &pc, &err);
		if (pc.shown)
			fprintf(stderr, "\r\033[K");
		cli_print_diags(&err);
		if (ret < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
	}
	if (report_format(&out, rep, &fo) < 0) {
		cli_error("%s", _("out of memory"));
		ret = EXIT_USAGE;
		goto out;
	}
	ret = cli_write_stdout(out.buf, out.len);
out:
	report_free(rep);
	review_free(rv);
	sr_error_release(&err);
	strbuf_release(&out);
	return ret;
}

const struct cmd_entry cmd_report_entry = {
    "report",
    "[--ref REF] [--format FMT] [--history [--since DATE] [--every-commit]]",
    N_("survey every spec: rates per item, bands, coverage, trend"),
    N_("The survey (実態調査) of every spec at REF (default HEAD): for each\n"
    "checklist item the specs it applies to, those satisfying it, partial,\n"
    "missing or by reference only, and its rate (実施率 = satisfied /\n"
    "applicable); the items counted in rate bands (100%, 95-<100%,\n"
    "90-<95%, <90%) with shares and the cumulative row; groups by threat\n"
    "and property tag; and per spec its coverage of applicable mandatory\n"
    "items, open gaps and review state.  Results come from the same cache\n"
    "as `check`.  docs/report-format.md describes every format.\n"
    "\n"
    "  -f, --format FORMAT   text (default), md, csv, json or html\n"
    "      --ref REF         the commit to survey\n"
    "      --history         also the rates at each month's last commit,\n"
    "                        from the first commit with specs\n"
    "      --since DATE      history from DATE (YYYY-MM or YYYY-MM-DD)\n"
    "      --every-commit    history at each commit that changed the specs\n"
    "                        or the checklist, not each month\n"
    "      --lang ja|en      language of titles and labels (default: ja\n"
    "                        when the locale is Japanese, else en)\n"
    "      --width N         text: columns (default 80)\n"
    "      --table TABLE     csv: items (default), bands, groups, specs or\n"
    "                        history (the default with --history)\n"
    "      --bom             csv: start with a UTF-8 byte order mark\n"
    "                        (for Excel)\n"
    "  -j, --jobs N          check N specs at a time (default 2)\n"
    "\n"
    "Exit status: 0, or 2 on usage errors and when the repository cannot\n"
    "be read.\n"),
    cmd_report,
};
