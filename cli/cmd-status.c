/*
 * cmd-status.c - `specreview status`: every spec's review state,
 * coverage and open gaps.
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

struct status_ctx {
	struct review *rv;
	struct review_history *h;
	int json, color;
	struct strbuf out;
	int failed;
	int unreadable; /* a spec could not be read or checked */
};

/* Records of one spec, for open gaps. */
static const struct record **spec_records(const struct review_history *h,
					  const char *spec, size_t *n)
{
	const struct record **v = malloc((h->n ? h->n : 1) * sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < h->n; i++)
		if (h->recs[i] && !strcmp(h->recs[i]->spec, spec))
			v[(*n)++] = h->recs[i];
	return v;
}

static int status_emit(struct check_report *rep, size_t index, void *ctx)
{
	struct status_ctx *c = ctx;
	struct strbuf *o = &c->out;
	const struct store_entry *e = &c->rv->specs[index];
	const struct record **recs;
	struct wf_status st;
	size_t n = 0, gaps = 0;
	char when[21] = "";

	if (review_spec_status(c->rv, index, c->h, &st) < 0 ||
	    !(recs = spec_records(c->h, e->path, &n))) {
		c->failed = 1;
		return EXIT_USAGE;
	}
	if (rep->checked)
		gaps = workflow_open_gaps(rep, recs, n);
	else
		cli_print_diags(&rep->diags);
	if (st.last)
		record_format_time(st.last->time, when);
	if (!rep->checked)
		c->unreadable = 1;
	if (c->json) {
		strbuf_addstr(o, index ? ",\n{" : "\n{");
		strbuf_addstr(o, "\"path\":");
		cli_json_str(o, e->path);
		strbuf_addf(o, ",\"state\":\"%s\",\"stale\":%s,\"blob\":\"%s\"",
			    wf_state_name(st.state), st.stale ? "true" : "false",
			    e->blob);
		if (st.stale && st.by)
			strbuf_addf(o, ",\"state_blob\":\"%s\"", st.by->spec_blob);
		strbuf_addstr(o, ",\"title\":");
		cli_json_str(o, rep->title);
		if (rep->checked)
			strbuf_addf(o, ",\"mandatory\":%zu,\"satisfied\":%zu,"
				       "\"open_gaps\":%zu",
				    rep->summary.mandatory,
				    rep->summary.mandatory_satisfied, gaps);
		else
			strbuf_addstr(o, ",\"mandatory\":null,\"satisfied\":null,"
					 "\"open_gaps\":null");
		strbuf_addstr(o, ",\"last\":");
		if (st.last) {
			strbuf_addstr(o, "{\"who\":");
			cli_json_str(o, st.last->name);
			strbuf_addstr(o, ",\"email\":");
			cli_json_str(o, st.last->email);
			strbuf_addf(o, ",\"role\":\"%s\",\"decision\":\"%s\","
				       "\"time\":\"%s\"}",
				    rec_role_name(st.last->role),
				    rec_decision_name(st.last->decision), when);
		} else {
			strbuf_addstr(o, "null");
		}
		strbuf_addch(o, '}');
	} else {
		struct strbuf state = STRBUF_INIT, cov = STRBUF_INIT,
			      last = STRBUF_INIT;

		strbuf_addstr(&state, wf_state_name(st.state));
		if (st.stale)
			strbuf_addch(&state, '*');
		if (rep->checked)
			strbuf_addf(&cov, "%zu/%zu", rep->summary.mandatory_satisfied,
				    rep->summary.mandatory);
		else
			strbuf_addstr(&cov, _("error"));
		if (st.last)
			strbuf_addf(&last, "%.10s %s (%s, %s)", when,
				    st.last->name, rec_role_name(st.last->role),
				    rec_decision_name(st.last->decision));
		table_cell(o, state.buf, 19);
		table_cell(o, cov.buf, 7);
		strbuf_addf(o, "%4zu  ", gaps);
		table_cell(o, e->path, 34);
		strbuf_addf(o, " %s\n", last.buf);
		strbuf_release(&state);
		strbuf_release(&cov);
		strbuf_release(&last);
	}
	free(recs);
	if (o->len > 65536) {
		int r = cli_write_stdout(o->buf, o->len);

		strbuf_reset(o);
		return r;
	}
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "ref", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_ctx c;
	struct review_history h = REVIEW_HISTORY_INIT;
	struct sr_error err = SR_ERROR_INIT;
	const char *ref = NULL;
	int opt, ret = 0;

	memset(&c, 0, sizeof(c));
	strbuf_init(&c.out, 0);
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if ((ret = cli_parse_text_json("status", optarg, &c.json)))
				return ret;
			break;
		case 'r':
			ref = optarg;
			break;
		case 'h':
			return cli_help("status");
		default:
			return cli_usage_error("status", _("bad option"));
		}
	}
	if (optind != argc)
		return cli_usage_error("status", _("no arguments expected"));
	if (review_open(&c.rv, cli_globals.repo, ref ? ref : cli_globals.ref,
			0, &err) < 0 ||
	    review_history(c.rv, NULL, &h, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	c.h = &h;
	if (h.problems.n)
		cli_print_diags(&h.problems);
	if (c.json) {
		strbuf_addstr(&c.out, "{\"version\":1,\"ref\":");
		strbuf_addf(&c.out, "\"%s\",\"specs\":[", c.rv->commit);
	} else {
		/* TRANSLATORS: the column headers of `specreview status`:
		   keep each within its column (19, 7, 4 and 34 columns;
		   kanji take two). */
		table_cell(&c.out, _("STATE"), 19);
		table_cell(&c.out, _("COVER"), 7);
		table_cell(&c.out, _("GAPS"), 6);
		table_cell(&c.out, _("SPEC"), 34);
		strbuf_addf(&c.out, " %s\n", _("LAST"));
	}
	ret = review_check_all(c.rv, NULL, 0, 2, NULL, status_emit, &c);
	if (ret)
		goto out;
	if (c.json)
		strbuf_addstr(&c.out, "\n]}\n");
	else if (!c.rv->nspecs)
		strbuf_addstr(&c.out, _("(no specs match the spec globs)\n"));
	else
		strbuf_addstr(&c.out, _("(* = changed since that state was "
					"reached)\n"));
	ret = cli_write_stdout(c.out.buf, c.out.len);
	/* Every row is shown; a spec that could not be read (a corrupt or
	 * missing object) is an input error all the same. */
	if (!ret && c.unreadable)
		ret = EXIT_USAGE;
out:
	cli_print_diags(&err);
	review_history_release(&h);
	review_free(c.rv);
	sr_error_release(&err);
	strbuf_release(&c.out);
	return ret;
}

const struct cmd_entry cmd_status_entry = {
	"status",
	"[--ref REF] [--format text|json]",
	N_("show every spec's review state, coverage and open gaps"),
	N_("For every spec at REF (default HEAD): its state (draft, in-review,\n"
	"changes-requested, reviewed, signed-off, cleared; '*' when the spec\n"
	"changed since that state was reached), mandatory clauses satisfied,\n"
	"open gaps (gaps without an accepted, not-applicable, false-positive or\n"
	"satisfied-elsewhere disposition), and the last action.\n"
	"\n"
	"  -f, --format FORMAT   text (default) or json\n"
	"      --ref REF         the commit to read specs from\n"),
	cmd_status,
};

