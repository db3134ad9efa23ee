/*
 * fuzz_text.c - libFuzzer target for src/text.c: decoding, widths,
 * fitting, normalization (with and without markup) and the line index.
 *
 * Checks the invariants text.h promises: decoding always makes progress
 * and utf8_find_invalid finds where it first fails, fitting never cuts a
 * character, normalized text is valid UTF-8 and its map is non-decreasing
 * and points inside the original.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decode(const char *s, size_t len)
{
	size_t i = 0, n = 0, bad = len;

	while (i < len) {
		uint32_t cp;
		int valid;
		size_t k = utf8_decode(s + i, len - i, &cp, &valid);
		char enc[4];

		assert(k >= 1 && k <= 4 && k <= len - i);
		if (valid) {
			assert(utf8_encode(cp, enc) == k);
			assert(!memcmp(enc, s + i, k));
		} else {
			assert(k == 1 && cp == TEXT_REPLACEMENT);
			if (bad == len)
				bad = i;
		}
		i += k;
		n++;
	}
	assert(n == utf8_count(s, len));
	/* the first sequence decoding finds invalid, blocks read at once
	 * or not */
	assert(utf8_find_invalid(s, len) == bad);
}

static void check_width(const char *s, size_t len)
{
	size_t w = text_width(s, len, 3), cols = 0;

	for (size_t max = 0; max < 12; max += 3) {
		size_t n = text_fit(s, len, 3, max, &cols);
		uint32_t cp;

		assert(n <= len && cols <= max && cols <= w);
		assert(text_width(s, n, 3) == cols);
		if (n == 0 || n == len)
			continue;
		/* The rest starts a character that is not a combining mark. */
		utf8_decode(s + n, len - n, &cp, NULL);
		assert(cp == '\t' || text_cp_width(cp) != 0);
		if (utf8_find_invalid(s, len) == len)
			assert(((unsigned char)s[n] & 0xC0) != 0x80);
	}
	if (w <= 20)
		assert(text_fit(s, len, 3, 20, NULL) == len);
}

static void check_norm(const char *s, size_t len, unsigned flags)
{
	struct text_norm n = TEXT_NORM_INIT;
	char *str = NULL;
	size_t k = 0;

	if (text_normalize(&n, s, len, flags) < 0)
		return;
	assert(n.buf[n.len] == '\0');
	assert(utf8_find_invalid(n.buf, n.len) == n.len);
	assert(n.map[n.len] == len);
	for (size_t i = 0; i < n.len; i++) {
		assert(n.map[i] < len);
		if (i > 0)
			assert(n.map[i - 1] <= n.map[i]);
		/* breaks are the '\n', every one */
		if (n.buf[i] == '\n')
			assert(k < n.nbreaks && n.breaks[k++] == i);
	}
	assert(k == n.nbreaks);
	/* Markup that is dropped (a link's URL, a comment) is not read. */
	if (!flags) {
		assert((n.invalid == 0) == (utf8_find_invalid(s, len) == len));
		if (n.invalid)
			assert(n.first_invalid == utf8_find_invalid(s, len));
	} else if (n.invalid) {
		assert(n.first_invalid >= utf8_find_invalid(s, len));
	}
	text_norm_release(&n);
	if (!flags && text_normalize_str(&str, s, len) == 0) {
		size_t l = strlen(str);

		assert(utf8_find_invalid(str, l) == l);
		/* Trimmed (strlen stops early at a NUL of the input). */
		if (!memchr(s, '\0', len))
			assert(l == 0 || (str[0] != ' ' && str[l - 1] != ' '));
		free(str);
	}
}

static void check_lines(const char *s, size_t len)
{
	struct text_lines l = TEXT_LINES_INIT;
	size_t total = 0;

	if (text_lines_init(&l, s, len) < 0)
		return;
	assert(l.n >= 1);
	for (size_t ln = 1; ln <= l.n; ln++) {
		size_t n;
		const char *p = text_lines_get(&l, ln, &n);

		assert(p >= s && p + n <= s + len);
		assert(!memchr(p, '\n', n));
		total += n;
	}
	assert(total <= len);
	for (size_t off = 0; off <= len; off += 1 + off / 4) {
		int line, col;

		text_lines_pos(&l, off, &line, &col);
		assert(line >= 1 && (size_t)line <= l.n && col >= 1);
		assert(l.start[line - 1] <= off);
	}
	text_lines_release(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (size > (1u << 20))
		return 0;
	check_decode(s, size);
	check_width(s, size);
	check_norm(s, size, 0);
	check_norm(s, size, TEXT_NORM_MARKUP);
	check_lines(s, size);
	return 0;
}
