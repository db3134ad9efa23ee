/*
 * cmd-verify.c - `specreview verify`: is the records branch what it
 * claims to be?
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "i18n.h"
#include "store.h"
#include "strbuf.h"
#include "verify.h"
#include "banned.h"

/*
 * The records branch named by .specreview.yaml at --ref (default HEAD),
 * or the default when there is no such commit (a bare server repository
 * that only holds records).
 */
static char *records_ref(struct store *s, struct sr_error *err)
{
	struct sr_config c;
	struct sr_error quiet = SR_ERROR_INIT;
	char commit[STORE_OID_HEX];
	char *ref = NULL;

	if (store_resolve(s, cli_globals.ref ? cli_globals.ref : "HEAD", commit,
			  &quiet) < 0) {
		sr_error_release(&quiet);
		if (cli_globals.ref) {
			sr_error_add(err, SR_ENOTFOUND, NULL, 0, 0,
				     _("unknown revision '%s'"),
				     cli_globals.ref);
			return NULL;
		}
		if (config_init(&c) < 0)
			return NULL;
	} else if (store_load_config(s, commit, &c, err) < 0) {
		config_release(&c);
		return NULL;
	}
	ref = config_records_ref(&c);
	config_release(&c);
	return ref;
}

static void emit_text(const struct verify_report *rep, const char *ref,
		      struct strbuf *o)
{
	char commits[64], records[64], sigs[64];
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct verify_violation *v = &rep->v[i];

		strbuf_addf(o, "%.12s ", v->commit[0] ? v->commit : _("(range)"));
		if (v->path) {
			strbuf_add_printable(o, v->path);
			if (v->line)
				strbuf_addf(o, ":%d:%d", v->line, v->col);
			strbuf_addstr(o, ": ");
		}
		strbuf_add_printable(o, v->message);
		strbuf_addf(o, " [%s]\n", v->kind);
	}
	snprintf(commits, sizeof(commits),
		 dngettext(SR_TEXTDOMAIN, "%zu commit", "%zu commits",
			   rep->ncommits),
		 rep->ncommits);
	snprintf(records, sizeof(records),
		 dngettext(SR_TEXTDOMAIN, "%zu record", "%zu records",
			   rep->nrecords),
		 rep->nrecords);
	snprintf(sigs, sizeof(sigs),
		 dngettext(SR_TEXTDOMAIN, "%zu good signature",
			   "%zu good signatures", rep->nsigned),
		 rep->nsigned);
	strbuf_addf(o, _("verify %s"), ref);
	if (rep->from[0])
		strbuf_addf(o, " %.12s..%.12s", rep->from, rep->to);
	/* TRANSLATORS: commits, records and good signatures, counted. */
	strbuf_addf(o, _(": %s, %s, %s: "), commits, records, sigs);
	if (rep->n)
		strbuf_addf(o, "%s\n",
			    dngettext(SR_TEXTDOMAIN, "%zu violation",
				      "%zu violations", rep->n));
	else
		strbuf_addf(o, "%s\n", _("ok"));
}

static void emit_json(const struct verify_report *rep, const char *ref,
		      struct strbuf *o)
{
	size_t i;

	strbuf_addstr(o, "{\"ref\":");
	cli_json_str(o, ref);
	strbuf_addstr(o, ",\"from\":");
	cli_json_str(o, rep->from[0] ? rep->from : NULL);
	strbuf_addstr(o, ",\"to\":");
	cli_json_str(o, rep->to[0] ? rep->to : NULL);
	strbuf_addf(o,
		    ",\"commits\":%zu,\"records\":%zu,\"signatures\":%zu,"
		    "\"ok\":%s,\"violations\":[",
		    rep->ncommits, rep->nrecords, rep->nsigned,
		    rep->n ? "false" : "true");
	for (i = 0; i < rep->n; i++) {
		const struct verify_violation *v = &rep->v[i];

		strbuf_addstr(o, i ? ",{\"commit\":" : "{\"commit\":");
		cli_json_str(o, v->commit[0] ? v->commit : NULL);
		strbuf_addstr(o, ",\"path\":");
		cli_json_str(o, v->path);
		strbuf_addf(o, ",\"line\":%d,\"col\":%d,\"kind\":", v->line,
			    v->col);
		cli_json_str(o, v->kind);
		strbuf_addstr(o, ",\"message\":");
		cli_json_str(o, v->message);
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, "]}\n");
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"range", required_argument, NULL, 'r'},
	    {"format", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct verify_report rep = VERIFY_REPORT_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct store *s = NULL;
	struct strbuf o = STRBUF_INIT;
	const char *range = NULL;
	char *ref = NULL;
	int opt, ret = 0, json = 0;

	while ((opt = getopt_long(argc, argv, "r:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			range = optarg;
			break;
		case 'f':
			if ((ret =
				 cli_parse_text_json("verify", optarg, &json)))
				return ret;
			break;
		case 'h':
			return cli_help("verify");
		default:
			return cli_usage_error("verify", _("bad option"));
		}
	}
	if (optind != argc)
		return cli_usage_error("verify", _("verify takes no arguments"));
	if (range && !strstr(range, ".."))
		return cli_usage_error("verify", _("--range takes OLD..NEW"));
	if (store_open(&s, cli_globals.repo, &err) < 0 ||
	    !(ref = records_ref(s, &err)) ||
	    verify_records(s, ref, range, &rep, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (json)
		emit_json(&rep, ref, &o);
	else
		emit_text(&rep, ref, &o);
	if (o.failed) {
		cli_error("%s", _("out of memory"));
		ret = EXIT_USAGE;
		goto out;
	}
	ret = cli_write_stdout(o.buf, o.len);
	if (ret == 0 && rep.n)
		ret = EXIT_FINDINGS;
out:
	cli_print_diags(&err);
	if (ret == EXIT_USAGE && !err.n && !o.failed)
		cli_error("%s", _("verify failed"));
	verify_report_release(&rep);
	strbuf_release(&o);
	free(ref);
	store_free(s);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_verify_entry = {
    "verify",
    "[--range OLD..NEW] [--format text|json]",
    N_("check that the records branch is append-only, authorized and signed"),
    N_("Walks the records branch, oldest commit first, and reports every\n"
    "violation with its commit and file:\n"
    "\n"
    "  - a commit that modifies, renames or deletes a record (records are\n"
    "    only ever added), or adds anything but records and roles.yaml;\n"
    "  - a record that does not parse, is filed under another spec or name,\n"
    "    whose `who` is not the commit's author, or whose author did not\n"
    "    hold the role its decision needs in roles.yaml as of the parent\n"
    "    commit;\n"
    "  - a spec commit or blob named by a record that does not exist here;\n"
    "  - roles.yaml changed by someone who was not an admin;\n"
    "  - a missing signature where one is required (sign-offs and opinions\n"
    "    of people with SSH keys in roles.yaml; every commit when it says\n"
    "    require_signatures: true), or a signature not made by one of the\n"
    "    author's keys in roles.yaml within its valid dates.\n"
    "\n"
    "  -r, --range OLD..NEW  only the commits a push from OLD to NEW adds\n"
    "                        (OLD all zeros: a new branch), and whether it\n"
    "                        is a fast-forward; for pre-receive hooks\n"
    "  -f, --format F        text (default) or json\n"
    "\n"
    "Signatures are checked with ssh-keygen (openssh-client).\n"
    "Exit status: 0 clean, 1 violations, 2 errors.\n"),
    cmd_verify,
};
