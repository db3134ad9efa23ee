/*
 * fuzz_tails.c - the regex filters of match.c on arbitrary patterns
 * and texts.  The input's first line is a regex, the rest a spec; a
 * one-item checklist holding the regex is matched against the spec by
 * two matchers, one with the filters and one without
 * (SPECREVIEW_NO_TAILS), and the two reports must be the same to the
 * byte.  The filters (the anchors' word boundaries, the tails, trying a
 * regex from its tail) only skip attempts that cannot match: any
 * difference is a pattern read wrong.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checklist.h"
#include "match.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int report(struct checklist *cl, const char *text, size_t len,
		  int tails, struct strbuf *out)
{
	struct check_report rep = CHECK_REPORT_INIT;
	struct matcher *m = NULL;
	int ret;

	if (!tails)
		setenv("SPECREVIEW_NO_TAILS", "1", 1);
	ret = matcher_new(&m, cl, NULL);
	unsetenv("SPECREVIEW_NO_TAILS");
	if (ret < 0)
		return ret;
	ret = check_buffer(&rep, m, "fuzz", text, len);
	if (ret == 0)
		ret = check_report_serialize(&rep, out);
	check_report_release(&rep);
	matcher_free(m);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', size);
	struct strbuf yaml = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct checklist *cl = NULL;
	size_t i, plen;
	int ra, rb;

	if (!nl || size > 4096 || (plen = (size_t)(nl - s)) == 0 || plen > 300)
		return 0;
	strbuf_addstr(&yaml, "id: f\nversion: '1'\ntitle: {ja: a, en: a}\n"
			     "items:\n  - id: R\n    title: {ja: a, en: a}\n"
			     "    severity: mandatory\n    match:\n"
			     "      scope: document\n      all:\n"
			     "        - regex: ['");
	for (i = 0; i < plen; i++) {
		if (s[i] == '\'')
			strbuf_addch(&yaml, '\'');
		strbuf_addch(&yaml, s[i]);
	}
	strbuf_addstr(&yaml, "']\n");
	if (!yaml.failed &&
	    checklist_load_buffer(&cl, yaml.buf, yaml.len, "f.yaml", NULL) ==
		0) {
		ra = report(cl, nl + 1, size - plen - 1, 1, &a);
		rb = report(cl, nl + 1, size - plen - 1, 0, &b);
		if (ra != rb || a.len != b.len || memcmp(a.buf, b.buf, a.len))
			abort();
		checklist_free(cl);
	}
	strbuf_release(&yaml);
	strbuf_release(&a);
	strbuf_release(&b);
	return 0;
}
