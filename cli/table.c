#include "table.h"

#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "banned.h"

void table_cell(struct strbuf *out, const char *s, size_t width)
{
	struct strbuf safe = STRBUF_INIT;
	size_t cols = 0, fit;

	/* Names come from repositories and records: escape them first. */
	strbuf_add_printable(&safe, s ? s : "");
	fit = text_fit(safe.buf, safe.len, 0, width, &cols);
	strbuf_add(out, safe.buf, fit);
	if (cols < width)
		strbuf_addchars(out, ' ', width - cols);
	strbuf_release(&safe);
}
