/*
 * cmd-record.c - `specreview record`: make a review record without the TUI.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "record.h"
#include "review.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* ITEM=DISPOSITION[:NOTE] */
static int parse_disp(char *arg, struct review_disp *d)
{
	char *eq = strchr(arg, '='), *colon;
	int v;

	if (!eq)
		return -1;
	*eq = '\0';
	colon = strchr(eq + 1, ':');
	if (colon)
		*colon = '\0';
	v = rec_disposition_parse(eq + 1);
	if (v < 0)
		return -1;
	d->item = arg;
	d->disposition = (enum rec_disposition)v;
	d->note = colon ? colon + 1 : NULL;
	d->line = 0;
	return 0;
}

/* LINE:NOTE */
static int parse_note(char *arg, struct review_note *n)
{
	char *colon = strchr(arg, ':'), *end;
	long line;

	if (!colon)
		return -1;
	*colon = '\0';
	line = strtol(arg, &end, 10);
	if (*end || end == arg || line < 1 || line > 0x7fffffff)
		return -1;
	n->line = (int)line;
	n->note = colon + 1;
	n->item = NULL;
	return 0;
}

static int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "decision", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "summary", required_argument, NULL, 's' },
		{ "disposition", required_argument, NULL, 'D' },
		{ "annotate", required_argument, NULL, 'a' },
		{ "ref", required_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct review_request req;
	struct review_disp *disps = NULL;
	struct review_note *notes = NULL;
	size_t adisps = 0, anotes = 0;
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	struct record *rec = NULL;
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT;
	const char *ref = NULL;
	char commit[STORE_OID_HEX] = "";
	int opt, ret = 0, dry = 0, have_decision = 0;

	memset(&req, 0, sizeof(req));
	req.role = -1;
	while ((opt = getopt_long(argc, argv, "d:r:s:D:a:nh", opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'd':
			ret = rec_decision_parse(optarg);
			if (ret < 0)
				return cli_usage_error(
				    "record",
				    _("unknown decision '%s' "
				      "(comment, request-changes, "
				      "approve, sign-off, opinion)"),
				    optarg);
			req.decision = (enum rec_decision)ret;
			have_decision = 1;
			ret = 0;
			break;
		case 'r':
			req.role = rec_role_parse(optarg);
			if (req.role < 0)
				return cli_usage_error(
				    "record",
				    _("unknown role '%s' (author, "
				      "reviewer, adviser, "
				      "cio-assistant)"),
				    optarg);
			break;
		case 's':
			req.summary = optarg;
			break;
		case 'D':
			if (SR_ALLOC_GROW(disps, req.ndisps + 1, adisps) < 0)
				goto oom;
			if (parse_disp(optarg, &disps[req.ndisps]) < 0) {
				ret = cli_usage_error(
				    "record", _("--disposition takes ITEM="
						"DISPOSITION[:NOTE] with "
						"must-fix, accepted, "
						"not-applicable, "
						"false-positive or "
						"satisfied-elsewhere"));
				goto out;
			}
			req.ndisps++;
			break;
		case 'a':
			if (SR_ALLOC_GROW(notes, req.nnotes + 1, anotes) < 0)
				goto oom;
			if (parse_note(optarg, &notes[req.nnotes]) < 0) {
				ret = cli_usage_error(
				    "record", _("--annotate takes LINE:NOTE"));
				goto out;
			}
			req.nnotes++;
			break;
		case 'R':
			ref = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case 'h':
			ret = cli_help("record");
			goto out;
		default:
			ret = cli_usage_error("record", _("bad option"));
			goto out;
		}
	}
	if (optind + 1 != argc) {
		ret = cli_usage_error("record", _("name exactly one spec"));
		goto out;
	}
	if (!have_decision) {
		ret = cli_usage_error("record", _("--decision is required"));
		goto out;
	}
	req.spec = argv[optind];
	req.disps = disps;
	req.notes = notes;
	if (review_open(&rv, cli_globals.repo, ref ? ref : cli_globals.ref, 0,
			&err) < 0) {
		ret = EXIT_USAGE;
		goto diags;
	}
	ret = review_prepare(rv, &req, &rec, &err);
	if (ret == 0 && dry) {
		if (record_emit(rec, &out) < 0)
			goto oom;
		ret = cli_write_stdout(out.buf, out.len);
		goto diags;
	}
	if (ret == 0)
		ret = review_commit(rv, rec, commit, &path, &err);
	if (ret == 0) {
		printf(_("recorded %s on %s as %s (%s)\n"),
		       rec_decision_name(rec->decision), rec->spec,
		       rec_role_name(rec->role), rec->email);
		printf(_("%s in %.12s on %s\n"), path.buf, commit,
		       rv->records_ref);
	}
	/* A refusal (role, state) is a finding; anything else is input. */
	ret = ret == 0 ? 0 : ret == SR_EDENIED ? EXIT_FINDINGS : EXIT_USAGE;
diags:
	cli_print_diags(&err);
	if (ret && rec == NULL && !err.n)
		cli_error("%s", _("nothing was recorded"));
	goto out;
oom:
	cli_error("%s", _("out of memory"));
	ret = EXIT_USAGE;
out:
	record_free(rec);
	review_free(rv);
	free(disps);
	free(notes);
	strbuf_release(&out);
	strbuf_release(&path);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_record_entry = {
	"record",
	"SPEC --decision D [--role R] [--summary TEXT] [--disposition ITEM=D[:NOTE]]... [--annotate LINE:NOTE]... [--ref REF] [--dry-run]",
	N_("record a review decision on a committed spec"),
	N_("Commits a review record for SPEC (a repository path) at REF (default\n"
	"HEAD) to the records branch, without touching the working tree.\n"
	"\n"
	"  -d, --decision D      comment, request-changes, approve, sign-off,\n"
	"                        opinion\n"
	"  -r, --role R          author, reviewer, adviser, cio-assistant\n"
	"                        (default: the role the decision needs)\n"
	"  -s, --summary TEXT    required for request-changes and opinion\n"
	"  -D, --disposition ITEM=DISPOSITION[:NOTE]\n"
	"                        must-fix, accepted, not-applicable,\n"
	"                        false-positive, satisfied-elsewhere\n"
	"  -a, --annotate LINE:NOTE\n"
	"                        a note on a line of the spec\n"
	"  -n, --dry-run         print the record that would be committed\n"
	"\n"
	"request-changes and approve need the reviewer role, sign-off the\n"
	"adviser role (after an approval of the same text), opinion the\n"
	"cio-assistant role (after a sign-off); roles are in roles.yaml on the\n"
	"records branch ('specreview roles').  The author and committer are\n"
	"user.name and user.email from git config (GIT_AUTHOR_* honoured).\n"
	"\n"
	"Exit status: 0 recorded, 1 refused (role or state), 2 bad input;\n"
	"nothing is committed unless the status is 0.\n"),
	cmd_record,
};
