#include "table.h"

#include <string.h>

#include "strbuf.h"
#include "text.h"
#include "banned.h"

void table_cell(struct strbuf *out, const char *s, size_t width)
{
	size_t len = s ? strlen(s) : 0, cols = 0, fit;

	fit = text_fit(s ? s : "", len, 0, width, &cols);
	strbuf_add(out, s ? s : "", fit);
	if (cols < width)
		strbuf_addchars(out, ' ', width - cols);
}
