/*
 * fuzz_match.c - the document model and the matcher on arbitrary bytes,
 * with the shipped checklist: no crash, no leak, and every finding's
 * evidence lies inside the document with ordered positions.  A second
 * matcher reads long texts without AVX-512 (SPECREVIEW_NO_AVX512) and
 * must give the same report to the byte (make fuzz seeds it with the
 * sample specs, of up to 16 KB: inputs long enough to be read in parts).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "checklist.h"
#include "match.h"
#include "strbuf.h"

static struct checklist *cl;
static struct matcher *m, *narrow;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check_report rep = CHECK_REPORT_INIT, back = CHECK_REPORT_INIT;
	struct check_report other = CHECK_REPORT_INIT;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	size_t i, e;

	if (!m) {
		if (check_load_default_checklist(&cl, NULL) < 0 ||
		    matcher_new(&m, cl, NULL) < 0)
			abort();
		setenv("SPECREVIEW_NO_AVX512", "1", 1);
		if (matcher_new(&narrow, cl, NULL) < 0)
			abort();
		unsetenv("SPECREVIEW_NO_AVX512");
	}
	if (check_buffer(&rep, m, "fuzz", (const char *)data, size) == 0) {
		if (rep.result.nfindings != cl->nitems)
			abort();
		for (i = 0; i < rep.result.nfindings; i++) {
			const struct finding *f = &rep.result.findings[i];

			for (e = 0; e < f->nevidence; e++) {
				const struct match_evidence *ev = &f->evidence[e];

				if (ev->start > ev->end || ev->end > size ||
				    ev->pos.line < 1 ||
				    ev->pos.line > ev->pos.end_line)
					abort();
			}
		}
		/* The cache form gives the report back exactly. */
		if (check_report_serialize(&rep, &a) == 0) {
			if (check_report_deserialize(&back, cl, a.buf, a.len) < 0 ||
			    check_report_serialize(&back, &b) < 0 ||
			    a.len != b.len || memcmp(a.buf, b.buf, a.len))
				abort();
			/* ... and so does the other way of reading it. */
			if (check_buffer(&other, narrow, "fuzz",
					 (const char *)data, size) != 0 ||
			    check_report_serialize(&other, &c) < 0 ||
			    a.len != c.len || memcmp(a.buf, c.buf, a.len))
				abort();
		}
	}
	check_report_release(&rep);
	check_report_release(&back);
	check_report_release(&other);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return 0;
}
