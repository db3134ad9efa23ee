/*
 * cmd-log.c - `specreview log`: the audit trail of review records.
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
#include "table.h"
#include "banned.h"

static int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct review_history h = REVIEW_HISTORY_INIT;
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	struct strbuf o = STRBUF_INIT;
	const char *spec = NULL;
	int opt, ret = 0, json = 0;
	size_t i;

	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if ((ret = cli_parse_text_json("log", optarg, &json)))
				return ret;
			break;
		case 'h':
			return cli_help("log");
		default:
			return cli_usage_error("log", _("bad option"));
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("log", _("name at most one spec"));
	if (review_open(&rv, cli_globals.repo, cli_globals.ref, 0, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (optind < argc) {
		long k = review_find_spec(rv, argv[optind]);

		/* A spec that no longer exists still has its history. */
		spec = k >= 0 ? rv->specs[k].path : argv[optind];
	}
	if (review_history(rv, spec, &h, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (h.problems.n)
		cli_print_diags(&h.problems);
	if (json)
		strbuf_addstr(&o, "{\"version\":1,\"records\":[");
	for (i = 0; i < h.n; i++) {
		const struct record *r = h.recs[i];
		long k;
		int current;
		char when[21];

		if (!r)
			continue;
		k = review_find_spec(rv, r->spec);
		current = k >= 0 && !strcmp(rv->specs[k].blob, r->spec_blob);
		record_format_time(r->time, when);
		if (json) {
			strbuf_addstr(&o, o.buf[o.len - 1] == '[' ? "\n{" : ",\n{");
			strbuf_addf(&o, "\"time\":\"%s\",\"who\":", when);
			cli_json_str(&o, r->name);
			strbuf_addstr(&o, ",\"email\":");
			cli_json_str(&o, r->email);
			strbuf_addf(&o, ",\"role\":\"%s\",\"decision\":\"%s\","
				       "\"spec\":",
				    rec_role_name(r->role),
				    rec_decision_name(r->decision));
			cli_json_str(&o, r->spec);
			strbuf_addf(&o, ",\"spec_blob\":\"%s\",\"current\":%s,"
				       "\"commit\":\"%s\",\"path\":",
				    r->spec_blob, current ? "true" : "false",
				    h.files[i].commit);
			cli_json_str(&o, h.files[i].path);
			strbuf_addstr(&o, ",\"summary\":");
			cli_json_str(&o, r->summary);
			strbuf_addch(&o, '}');
		} else {
			strbuf_addf(&o, "%s  ", when);
			table_cell(&o, r->name, 16);
			strbuf_addch(&o, ' ');
			table_cell(&o, rec_role_name(r->role), 14);
			table_cell(&o, rec_decision_name(r->decision), 16);
			strbuf_addf(&o, "%.7s%s  ", r->spec_blob,
				    current ? " " : "~");
			strbuf_add_printable(&o, r->spec);
			strbuf_addch(&o, '\n');
		}
	}
	if (json)
		strbuf_addstr(&o, "\n]}\n");
	else if (!h.n)
		strbuf_addstr(&o, _("(no records yet)\n"));
	else
		strbuf_addstr(&o,
			      _("(~ = made on text that has changed since)\n"));
	ret = cli_write_stdout(o.buf, o.len);
out:
	cli_print_diags(&err);
	review_history_release(&h);
	review_free(rv);
	strbuf_release(&o);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_log_entry = {
	"log",
	"[SPEC] [--format text|json]",
	N_("show the audit trail of review records"),
	N_("Lists the records on the records branch, newest first: time, who,\n"
	"role, decision, the spec blob the record was made on ('~' when the\n"
	"spec has changed since) and the spec.\n"
	"\n"
	"  -f, --format FORMAT   text (default) or json\n"),
	cmd_log,
};

