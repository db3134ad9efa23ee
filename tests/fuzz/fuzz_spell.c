/*
 * fuzz_spell.c - libFuzzer target for the spelling scanner: any bytes
 * must give misspellings that lie inside the text, in order, with the
 * line and column that the line index gives for their offsets; never a
 * crash, a leak or a hang.  Uses the tiny test dictionary (run from the
 * source tree, as `make fuzz` does).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "spell.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct spell *sp; /* opened once, reachable until exit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *dicts[] = { "tests/data/spell/tiny" };
	struct spell_result r = SPELL_RESULT_INIT;
	struct text_lines tl = TEXT_LINES_INIT;
	const char *text = (const char *)data;
	size_t i;

	if (!sp) {
		struct spell_opts o;

		memset(&o, 0, sizeof(o));
		o.dicts = dicts;
		o.ndicts = 1;
		if (spell_open(&sp, &o, NULL) < 0)
			__builtin_trap();
	}
	if (spell_check_text(sp, text, size, SPELL_SUGGEST, &r) < 0 ||
	    text_lines_init(&tl, text, size) < 0)
		__builtin_trap();
	for (i = 0; i < r.n; i++) {
		const struct spell_miss *m = &r.v[i];
		int line, col;

		if (m->start >= m->end || m->end > size || !m->word ||
		    !*m->word || m->end_col <= m->col ||
		    (i && m->start < r.v[i - 1].end))
			__builtin_trap();
		text_lines_pos(&tl, m->start, &line, &col);
		if (line != m->line || col != m->col)
			__builtin_trap();
	}
	text_lines_release(&tl);
	spell_result_release(&r);
	return 0;
}
