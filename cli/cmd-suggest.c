/*
 * cmd-suggest.c - `specreview suggest`: for each clause a spec lacks,
 * where it belongs and the model wording to paste.
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
#include "strbuf.h"
#include "template.h"
#include "banned.h"

static void text_suggestions(struct strbuf *o, const struct check_report *rep,
			     const char *lang)
{
	size_t i, n = 0;

	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];
		const char *sec, *tmpl, *p;
		size_t slen = 0, tlen = 0;

		if (f->status == FINDING_SATISFIED ||
		    f->status == FINDING_NOT_APPLICABLE)
			continue;
		n++;
		sec = template_section(f->item->id, lang, &slen);
		tmpl = check_clause_template(f->item, lang, &tlen);
		strbuf_add_printable(o, rep->path);
		strbuf_addf(o, ": %s %s: %s\n", f->item->id,
			    finding_status_name(f->status),
			    cl_text_get(&f->item->title, lang));
		if (sec)
			strbuf_addf(o, _("  belongs in: %.*s\n"), (int)slen,
				    sec);
		if (!tmpl)
			continue;
		strbuf_addf(
		    o, _("  model wording (templates/clauses/%s.%s.md):\n"),
		    f->item->template_id, lang);
		for (p = tmpl; p < tmpl + tlen;) {
			const char *e = memchr(p, '\n', (size_t)(tmpl + tlen - p));
			size_t len = e ? (size_t)(e - p) : (size_t)(tmpl + tlen - p);

			strbuf_addf(o, "    %.*s\n", (int)len, p);
			p += len + 1;
		}
		strbuf_addch(o, '\n');
	}
	if (!n) {
		strbuf_add_printable(o, rep->path);
		strbuf_addf(o, ": %s\n", _("every applicable clause is there"));
	}
}

static void json_suggestions(struct strbuf *o, const struct check_report *rep,
			     const char *lang, int first)
{
	size_t i, n = 0;

	strbuf_addstr(o, first ? "\n{\"path\":" : ",\n{\"path\":");
	cli_json_str(o, rep->path);
	strbuf_addf(o, ",\"lang\":\"%s\",\"suggestions\":[", lang);
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];
		const char *sec, *tmpl;
		size_t slen = 0, tlen = 0;

		if (f->status == FINDING_SATISFIED ||
		    f->status == FINDING_NOT_APPLICABLE)
			continue;
		sec = template_section(f->item->id, lang, &slen);
		tmpl = check_clause_template(f->item, lang, &tlen);
		strbuf_addstr(o, n++ ? ",{\"item\":" : "{\"item\":");
		cli_json_str(o, f->item->id);
		strbuf_addf(o, ",\"status\":\"%s\",\"section\":",
			    finding_status_name(f->status));
		if (sec)
			strbuf_add_json_str(o, sec, slen);
		else
			strbuf_addstr(o, "null");
		strbuf_addstr(o, ",\"text\":");
		if (tmpl)
			strbuf_add_json_str(o, tmpl, tlen);
		else
			strbuf_addstr(o, "null");
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, "]}");
}

static int cmd_suggest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sr_error err = SR_ERROR_INIT;
	struct checklist *cl = NULL;
	struct matcher *m = NULL;
	struct strbuf o = STRBUF_INIT;
	const char *force_lang = NULL;
	int opt, ret = 0, json = 0, i, any = 0;

	while ((opt = getopt_long(argc, argv, "f:l:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if ((ret = cli_parse_text_json("suggest", optarg, &json)))
				return ret;
			break;
		case 'l':
			if (strcmp(optarg, "ja") && strcmp(optarg, "en"))
				return cli_usage_error("suggest",
						       _("--lang is ja or en"));
			force_lang = optarg;
			break;
		case 'h':
			return cli_help("suggest");
		default:
			return cli_usage_error("suggest", _("bad option"));
		}
	}
	if (optind >= argc)
		return cli_usage_error("suggest", _("name a spec"));
	if (check_load_default_checklist(&cl, &err) < 0 ||
	    matcher_new(&m, cl, &err) < 0) {
		cli_print_diags(&err);
		ret = EXIT_USAGE;
		goto out;
	}
	if (json)
		strbuf_addstr(&o, "{\"version\":1,\"specs\":[");
	for (i = optind; i < argc; i++) {
		struct check_report rep = CHECK_REPORT_INIT;
		const char *lang;

		if (check_file(&rep, m, argv[i]) < 0) {
			cli_print_diags(&rep.diags);
			check_report_release(&rep);
			ret = EXIT_USAGE;
			continue;
		}
		lang = force_lang ? force_lang
		       : rep.lang && !strcmp(rep.lang, "en") ? "en" : "ja";
		if (json)
			json_suggestions(&o, &rep, lang, !any);
		else
			text_suggestions(&o, &rep, lang);
		any = 1;
		check_report_release(&rep);
	}
	if (json)
		strbuf_addstr(&o, "\n]}\n");
	if (cli_write_stdout(o.buf, o.len))
		ret = EXIT_USAGE;
out:
	matcher_free(m);
	checklist_free(cl);
	strbuf_release(&o);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_suggest_entry = {
	"suggest",
	"[--format text|json] [--lang ja|en] SPEC...",
	N_("show where each missing clause belongs and its model wording"),
	N_("For each applicable clause a spec lacks (missing, partial or only by\n"
	"reference): the chapter of the template skeleton it belongs in and\n"
	"the model wording from templates/clauses, in the spec's language\n"
	"(front matter 'lang'; --lang to choose).\n"),
	cmd_suggest,
};
