#include "format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "check.h"
#include "checklist.h"
#include "doc.h"
#include "i18n.h"
#include "spell.h"
#include "strbuf.h"
#include "text.h"
#include "banned.h"

int format_parse(const char *name)
{
	static const char *const names[] = { "text", "json", "sarif",
					     "junit" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

static int is_graphic_ascii(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static int is_blank_ascii(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void format_quote(struct strbuf *out, const char *text, size_t start,
		  size_t end)
{
	size_t i = start, room = FORMAT_MAX_QUOTE;
	int space = 0;

	while (i < end && is_blank_ascii(text[i]))
		i++;
	while (i < end) {
		uint32_t cp;
		size_t n;

		if (is_graphic_ascii((unsigned char)text[i])) {
			/* A run of visible ASCII, with the single spaces
			 * between its words, is copied as it is (and read
			 * no further than the room it can have). */
			n = 1;
#ifdef __SSE2__
			/* sixteen bytes at a time (and the one after) */
			for (; n + 17 <= end - i && n <= room; n += 16) {
				const __m128i sp = _mm_set1_epi8(' '),
					      del = _mm_set1_epi8(0x7f);
				__m128i x = _mm_loadu_si128(
					(const __m128i *)(text + i + n));
				__m128i y = _mm_loadu_si128(
					(const __m128i *)(text + i + n + 1));
				__m128i vx = _mm_and_si128(_mm_cmpgt_epi8(x, sp),
							   _mm_cmplt_epi8(x, del));
				__m128i vy = _mm_and_si128(_mm_cmpgt_epi8(y, sp),
							   _mm_cmplt_epi8(y, del));
				unsigned ok = (unsigned)_mm_movemask_epi8(
					_mm_or_si128(vx, _mm_and_si128(
						_mm_cmpeq_epi8(x, sp), vy)));

				if (ok != 0xffff) {
					n += (size_t)__builtin_ctz(~ok);
					break;
				}
			}
#endif
			for (; i + n < end && n <= room; n++)
				if (!is_graphic_ascii((unsigned char)text[i + n]) &&
				    (text[i + n] != ' ' || i + n + 1 == end ||
				     !is_graphic_ascii(
					     (unsigned char)text[i + n + 1])))
					break;
			if (space) {
				if (room < 2)
					break;
				strbuf_addch(out, ' ');
				room--;
				space = 0;
			}
			if (n > room) {
				/* A space would be written only with a
				 * character after it. */
				strbuf_add(out, text + i,
					   room && text[i + room - 1] == ' '
						   ? room - 1
						   : room);
				break;
			}
			strbuf_add(out, text + i, n);
			room -= n;
			i += n;
			continue;
		}
		if (is_blank_ascii(text[i])) {
			space = 1;
			i++;
			continue;
		}
		/* A run of three-byte characters (most of Japanese) but the
		 * ideographic space, copied as it is too. */
		for (n = 0; i + n + 3 <= end && n + 3 <= room; n += 3) {
			const unsigned char *q =
				(const unsigned char *)text + i + n;

			if (!utf8_is_common3(q) ||
			    (q[0] == 0xE3 && q[1] == 0x80 && q[2] == 0x80))
				break;
		}
		if (n > 3) {
			if (space) {
				if (room < n + 1)
					n -= 3;
				strbuf_addch(out, ' ');
				room--;
				space = 0;
			}
			strbuf_add(out, text + i, n);
			room -= n;
			i += n;
			continue;
		}
		n = utf8_decode(text + i, end - i, &cp, NULL);
		if (cp == 0x3000) {
			space = 1;
			i += n;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			i += n;
			continue;
		}
		if (n + space > room)
			break;
		if (space) {
			strbuf_addch(out, ' ');
			room--;
			space = 0;
		}
		if (cp == TEXT_REPLACEMENT)
			strbuf_addstr(out, "\xef\xbf\xbd");
		else
			strbuf_add(out, text + i, n);
		room -= n;
		i += n;
	}
	if (i < end)
		strbuf_addstr(out, "\xe2\x80\xa6"); /* … */
}

static void json_key_str(struct strbuf *o, const char *key, const char *val)
{
	strbuf_addch(o, '"');
	strbuf_addstr(o, key);
	strbuf_addstr(o, "\":");
	if (val)
		strbuf_add_json_str(o, val, strlen(val));
	else
		strbuf_addstr(o, "null");
}

static void json_pos(struct strbuf *o, const struct match_pos *p,
		     const char *text)
{
	/* The hot path of large outputs: no printf. */
	strbuf_addstr(o, "\"line\":");
	strbuf_add_int(o, p->line);
	strbuf_addstr(o, ",\"column\":");
	strbuf_add_int(o, p->col);
	strbuf_addstr(o, ",\"end_line\":");
	strbuf_add_int(o, p->end_line);
	strbuf_addstr(o, ",\"end_column\":");
	strbuf_add_int(o, p->end_col);
	strbuf_addstr(o, ",\"text\":");
	strbuf_add_json_str(o, text ? text : "", text ? strlen(text) : 0);
}

/* What a finding of `it` has before its status, and after it up to the
 * evidence (to be rendered once, see struct format_state). */
static void json_item_head(struct strbuf *o, const struct cl_item *it)
{
	strbuf_addch(o, '{');
	json_key_str(o, "item", it->id);
	strbuf_addch(o, ',');
	json_key_str(o, "severity", cl_severity_name(it->severity));
	strbuf_addstr(o, ",\"status\":");
}

static void json_item_tail(struct strbuf *o, const struct cl_item *it)
{
	strbuf_addch(o, ',');
	json_key_str(o, "title", it->title.en);
	strbuf_addch(o, ',');
	json_key_str(o, "title_ja", it->title.ja);
}

static void json_finding(struct strbuf *o, const struct finding *f,
			 const struct check_disposition *disp,
			 const struct format_state *st)
{
	const char *status = finding_status_name(f->status);
	/* Its item's index, when it is one of the checklist's items (else
	 * its part is rendered here). */
	uintptr_t at = (uintptr_t)f->item, items = (uintptr_t)st->cl->items;
	size_t e, h, i = (at - items) / sizeof(*f->item);

	if (st->item_json && at >= items && i < st->cl->nitems) {
		const size_t *off = st->item_off + 2 * i;

		strbuf_add(o, st->item_json + off[0], off[1] - off[0]);
		strbuf_add_json_str(o, status, strlen(status));
		strbuf_add(o, st->item_json + off[1], off[2] - off[1]);
	} else {
		json_item_head(o, f->item);
		strbuf_add_json_str(o, status, strlen(status));
		json_item_tail(o, f->item);
	}
	if (disp && disp->disposition) {
		strbuf_addstr(o, ",\"disposition\":{");
		json_key_str(o, "disposition", disp->disposition);
		strbuf_addch(o, ',');
		json_key_str(o, "justification", disp->justification);
		strbuf_addch(o, '}');
	}
	strbuf_addstr(o, ",\"evidence\":[");
	for (e = 0; e < f->nevidence; e++) {
		const struct match_evidence *ev = &f->evidence[e];

		strbuf_addstr(o, e ? ",{" : "{");
		json_pos(o, &ev->pos, ev->quote);
		strbuf_addstr(o, ",\"hits\":[");
		for (h = 0; h < ev->nhits; h++) {
			strbuf_addstr(o, h ? ",{" : "{");
			json_pos(o, &ev->hits[h].pos, ev->hits[h].text);
			if (ev->hits[h].group < 0)
				strbuf_addstr(o, ",\"group\":null,"
						 "\"by_reference\":true}");
			else {
				strbuf_addstr(o, ",\"group\":");
				strbuf_add_int(o, ev->hits[h].group + 1);
				strbuf_addch(o, '}');
			}
		}
		strbuf_addstr(o, "]}");
	}
	strbuf_addstr(o, "]}");
}

static void json_diags(struct strbuf *o, const struct sr_error *err)
{
	size_t i;

	for (i = 0; err && i < err->n; i++) {
		const struct sr_diag *dg = &err->diags[i];

		strbuf_addstr(o, i ? ",{" : "{");
		json_key_str(o, "path", dg->path);
		strbuf_addf(o, ",\"line\":%d,\"column\":%d,", dg->line, dg->col);
		json_key_str(o, "severity", dg->severity == SR_SEV_WARNING
						    ? "warning"
						    : "error");
		strbuf_addch(o, ',');
		json_key_str(o, "message", dg->msg);
		strbuf_addch(o, '}');
	}
}

static void json_spec(struct strbuf *o, const struct check_report *rep,
		      const struct format_state *st)
{
	const struct check_summary *s = &rep->summary;
	const struct checklist *cl = st->cl;
	size_t i, index = st->nspecs;

	strbuf_addstr(o, index ? ",\n{" : "\n{");
	json_key_str(o, "path", rep->path);
	strbuf_addch(o, ',');
	json_key_str(o, "title", rep->title);
	strbuf_addch(o, ',');
	json_key_str(o, "kind", rep->kind);
	strbuf_addch(o, ',');
	json_key_str(o, "lang", rep->lang);
	strbuf_addstr(o, ",\"checklist\":{");
	json_key_str(o, "id", cl->id);
	strbuf_addch(o, ',');
	json_key_str(o, "version", cl->version);
	strbuf_addf(o, "},\"summary\":{\"items\":%zu,\"applicable\":%zu,"
		       "\"mandatory\":%zu,\"mandatory_satisfied\":%zu,"
		       "\"satisfied\":%zu,\"partial\":%zu,\"missing\":%zu,"
		       "\"by_reference\":%zu},\"findings\":[",
		    s->items, s->applicable, s->mandatory,
		    s->mandatory_satisfied, s->satisfied, s->partial,
		    s->missing, s->by_reference);
	for (i = 0; i < rep->result.nfindings; i++) {
		if (i)
			strbuf_addch(o, ',');
		json_finding(o, &rep->result.findings[i],
			     rep->disps ? &rep->disps[i] : NULL, st);
	}
	strbuf_addstr(o, "],\"warnings\":[");
	json_diags(o, &rep->diags);
	strbuf_addch(o, ']');
	if (st->spelling) {
		strbuf_addstr(o, ",\"spelling\":");
		format_spelling_json(o, st->spelling);
	}
	strbuf_addch(o, '}');
}

/* ---- spelling --------------------------------------------------------- */

void format_spelling_json(struct strbuf *out, const struct spell_result *r)
{
	size_t i, k;

	strbuf_addch(out, '[');
	for (i = 0; i < r->n; i++) {
		const struct spell_miss *m = &r->v[i];

		strbuf_addstr(out, i ? ",{\"line\":" : "{\"line\":");
		strbuf_add_int(out, m->line);
		strbuf_addstr(out, ",\"column\":");
		strbuf_add_int(out, m->col);
		strbuf_addch(out, ',');
		json_key_str(out, "word", m->word);
		strbuf_addstr(out, ",\"suggestions\":[");
		for (k = 0; k < m->nsuggestions; k++) {
			if (k)
				strbuf_addch(out, ',');
			strbuf_add_json_str(out, m->suggestions[k],
					    strlen(m->suggestions[k]));
		}
		strbuf_addstr(out, "]}");
	}
	strbuf_addch(out, ']');
}

void format_spelling_text(struct strbuf *out, const char *path,
			  const struct spell_result *r, const char *label)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		const struct spell_miss *m = &r->v[i];

		strbuf_add_printable(out, path);
		strbuf_addf(out, ":%d:%d: %s%s", m->line, m->col,
			    label ? label : "", label ? ": " : "");
		strbuf_add_printable(out, m->word);
		for (k = 0; k < m->nsuggestions; k++)
			strbuf_addf(out, "%s%s",
				    k ? ", " : _(" (suggestions: "),
				    m->suggestions[k]);
		strbuf_addstr(out, m->nsuggestions ? ")\n" : "\n");
	}
}

/* ---- SARIF --------------------------------------------------------- */

static const char *sarif_level(const struct cl_item *it)
{
	return it->severity == CL_RECOMMENDED ? "warning" : "error";
}

static void sarif_begin(struct strbuf *o, const struct checklist *cl)
{
	size_t i;

	strbuf_addstr(o, "{\"$schema\":\"https://json.schemastore.org/"
			 "sarif-2.1.0.json\",\"version\":\"2.1.0\","
			 "\"runs\":[{\"tool\":{\"driver\":{"
			 "\"name\":\"specreview\",\"version\":\"" SR_VERSION
			 "\",\"rules\":[");
	for (i = 0; i < cl->nitems; i++) {
		const struct cl_item *it = &cl->items[i];

		strbuf_addstr(o, i ? ",{" : "{");
		json_key_str(o, "id", it->id);
		strbuf_addstr(o, ",\"shortDescription\":{");
		json_key_str(o, "text", it->title.en);
		strbuf_addstr(o, "},\"fullDescription\":{");
		json_key_str(o, "text", it->guidance.en ? it->guidance.en
							: it->title.en);
		strbuf_addf(o, "},\"defaultConfiguration\":{\"level\":\"%s\"},"
			       "\"properties\":{",
			    sarif_level(it));
		json_key_str(o, "severity", cl_severity_name(it->severity));
		strbuf_addch(o, ',');
		json_key_str(o, "reference", it->reference);
		strbuf_addstr(o, "}}");
	}
	strbuf_addstr(o, "]}},\"columnKind\":\"unicodeCodePoints\","
			 "\"results\":[");
}

static void sarif_spec(struct strbuf *o, const struct check_report *rep,
		       size_t *nresults)
{
	size_t i;

	if (!rep->checked)
		return;
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];
		struct strbuf msg = STRBUF_INIT;
		struct match_pos p = { rep->body_line, 1, rep->body_line, 1 };

		if (f->status == FINDING_SATISFIED ||
		    f->status == FINDING_NOT_APPLICABLE)
			continue;
		if (f->nevidence)
			p = f->evidence[0].pos;
		strbuf_addf(&msg, "%s %s: %s", f->item->id,
			    finding_status_name(f->status), f->item->title.en);
		strbuf_addstr(o, (*nresults)++ ? ",\n{" : "\n{");
		json_key_str(o, "ruleId", f->item->id);
		strbuf_addf(o, ",\"ruleIndex\":%zu,\"level\":\"%s\","
			       "\"message\":{",
			    i, check_finding_fails(f) ? "error" : "warning");
		json_key_str(o, "text", msg.buf);
		strbuf_addstr(o, "},\"locations\":[{\"physicalLocation\":{"
				 "\"artifactLocation\":{");
		json_key_str(o, "uri", rep->path);
		strbuf_addf(o, "},\"region\":{\"startLine\":%d,"
			       "\"startColumn\":%d,\"endLine\":%d,"
			       "\"endColumn\":%d}}}],\"properties\":{",
			    p.line, p.col, p.end_line, p.end_col);
		json_key_str(o, "status", finding_status_name(f->status));
		strbuf_addch(o, '}');
		if (rep->disps && rep->disps[i].disposition) {
			/* A reviewer dispositioned this gap on this text. */
			strbuf_addstr(o, ",\"suppressions\":[{\"kind\":"
					 "\"external\",\"status\":\"accepted\",");
			json_key_str(o, "justification",
				     rep->disps[i].justification);
			strbuf_addstr(o, "}]");
		}
		strbuf_addch(o, '}');
		strbuf_release(&msg);
	}
}

/* ---- JUnit --------------------------------------------------------- */

static void xml_attr(struct strbuf *o, const char *name, const char *val)
{
	strbuf_addf(o, " %s=\"", name);
	if (val)
		strbuf_add_xml_str(o, val, strlen(val));
	strbuf_addch(o, '"');
}

static void junit_spec(struct strbuf *o, const struct check_report *rep)
{
	const struct check_summary *s = &rep->summary;
	struct strbuf tmp = STRBUF_INIT;
	size_t i;

	strbuf_addstr(o, "  <testsuite");
	xml_attr(o, "name", rep->path);
	if (!rep->checked) {
		strbuf_addstr(o, " tests=\"1\" failures=\"0\" errors=\"1\">\n"
				 "    <testcase");
		xml_attr(o, "classname", rep->path);
		xml_attr(o, "name", "read");
		strbuf_addstr(o, ">\n      <error");
		xml_attr(o, "message", rep->diags.n ? rep->diags.diags[0].msg
						     : "cannot check");
		strbuf_addstr(o, "/>\n    </testcase>\n  </testsuite>\n");
		return;
	}
	strbuf_addf(o, " tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
		    s->items, s->failing, s->items - s->applicable);
	for (i = 0; i < rep->result.nfindings; i++) {
		const struct finding *f = &rep->result.findings[i];

		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%s %s", f->item->id, f->item->title.en);
		strbuf_addstr(o, "    <testcase");
		xml_attr(o, "classname", rep->path);
		xml_attr(o, "name", tmp.buf);
		if (f->status == FINDING_SATISFIED) {
			strbuf_addstr(o, "/>\n");
			continue;
		}
		strbuf_addstr(o, ">\n");
		if (f->status == FINDING_NOT_APPLICABLE) {
			strbuf_addstr(o, "      <skipped message=\"not "
					 "applicable\"/>\n");
		} else if (check_finding_fails(f)) {
			strbuf_addstr(o, "      <failure");
			xml_attr(o, "message", finding_status_name(f->status));
			xml_attr(o, "type", cl_severity_name(f->item->severity));
			strbuf_addstr(o, "/>\n");
		} else {
			strbuf_addstr(o, "      <system-out>");
			strbuf_addstr(o, finding_status_name(f->status));
			strbuf_addstr(o, " (recommended)</system-out>\n");
		}
		strbuf_addstr(o, "    </testcase>\n");
	}
	strbuf_addstr(o, "  </testsuite>\n");
	strbuf_release(&tmp);
}

/* ---- dispatch ---------------------------------------------------------- */

/* The items' parts of their findings (struct format_state), or none
 * when out of memory. */
static void json_items(struct format_state *st)
{
	const struct checklist *cl = st->cl;
	struct strbuf b = STRBUF_INIT;
	size_t i;

	if (!(st->item_off = malloc((2 * cl->nitems + 1) *
				    sizeof(*st->item_off))))
		return;
	for (i = 0; i < cl->nitems; i++) {
		st->item_off[2 * i] = b.len;
		json_item_head(&b, &cl->items[i]);
		st->item_off[2 * i + 1] = b.len;
		json_item_tail(&b, &cl->items[i]);
	}
	st->item_off[2 * cl->nitems] = b.len;
	if (b.failed) {
		strbuf_release(&b);
		format_release(st);
		return;
	}
	st->item_json = strbuf_detach(&b, NULL);
}

void format_release(struct format_state *st)
{
	free(st->item_json);
	free(st->item_off);
	st->item_json = NULL;
	st->item_off = NULL;
}

void format_begin(struct strbuf *out, struct format_state *st)
{
	st->nspecs = st->nresults = 0;
	format_release(st);
	switch (st->kind) {
	case FORMAT_JSON:
		strbuf_addstr(out, "{\"version\":1,\"specs\":[");
		json_items(st);
		break;
	case FORMAT_SARIF:
		sarif_begin(out, st->cl);
		break;
	case FORMAT_JUNIT:
		strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				   "<testsuites name=\"specreview\">\n");
		break;
	case FORMAT_TEXT:
		break;
	}
}

void format_spec(struct strbuf *out, struct format_state *st,
		 const struct check_report *rep)
{
	switch (st->kind) {
	case FORMAT_JSON:
		if (!rep->checked)
			return;
		json_spec(out, rep, st);
		break;
	case FORMAT_SARIF:
		sarif_spec(out, rep, &st->nresults);
		break;
	case FORMAT_JUNIT:
		junit_spec(out, rep);
		break;
	case FORMAT_TEXT:
		return;
	}
	st->nspecs++;
}

/*
 * About what a spec's part takes, a little more: JSON gives a finding
 * some 200 bytes, a unit of evidence 300 with its quote, a hit 100.
 * Grown from nothing, the bench corpus's parts (26 KB) took 15 reallocs
 * each, most of them copies.
 */
static size_t spec_part_size(const struct check_report *rep)
{
	const struct match_result *res = &rep->result;
	size_t n = 1024, i, e;

	for (i = 0; i < res->nfindings; i++) {
		n += 256;
		for (e = 0; e < res->findings[i].nevidence; e++)
			n += 384 + 128 * res->findings[i].evidence[e].nhits;
	}
	return n;
}

void format_spec_part(struct strbuf *out, const struct format_state *st,
		      const struct check_report *rep)
{
	/* As after a first spec with a first result.  Only the fields set
	 * before a run are read: the emitting thread updates the others. */
	struct format_state later = { 0 };

	later.kind = st->kind;
	later.cl = st->cl;
	later.nspecs = later.nresults = 1;
	later.item_json = st->item_json;
	later.item_off = st->item_off;
	if (st->kind != FORMAT_TEXT)
		strbuf_grow(out, spec_part_size(rep));
	format_spec(out, &later, rep);
}

void format_add_part(struct strbuf *out, struct format_state *st,
		     const char *part, size_t len)
{
	/* JSON specs and SARIF results begin with a ",\n" that the first
	 * of them must not have. */
	int first = st->kind == FORMAT_JSON    ? st->nspecs == 0
		    : st->kind == FORMAT_SARIF ? st->nresults == 0
					       : 0;

	if (!len)
		return;
	if (first && part[0] == ',') {
		part++;
		len--;
	}
	strbuf_add(out, part, len);
	st->nspecs++;
	if (st->kind == FORMAT_SARIF)
		st->nresults++;
}

void format_end(struct strbuf *out, struct format_state *st,
		const struct sr_error *errors)
{
	switch (st->kind) {
	case FORMAT_JSON:
		strbuf_addstr(out, "\n],\"errors\":[");
		json_diags(out, errors);
		strbuf_addstr(out, "]}\n");
		break;
	case FORMAT_SARIF:
		strbuf_addstr(out, "\n]}]}\n");
		break;
	case FORMAT_JUNIT:
		strbuf_addstr(out, "</testsuites>\n");
		break;
	case FORMAT_TEXT:
		break;
	}
}
