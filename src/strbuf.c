#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "banned.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	sb->failed = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	if (sb->failed) {
		strbuf_release(sb);
		if (len)
			*len = 0;
		return NULL;
	}
	if (!sb->alloc && strbuf_grow(sb, 0) < 0) {
		strbuf_release(sb);
		return NULL;
	}
	res = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, nalloc;
	char *nbuf;

	if (sb->failed)
		return SR_ENOMEM;
	if (extra > (size_t)-1 / 2 - sb->len)
		goto fail;
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	nalloc = sb->alloc ? sb->alloc : 64;
	while (nalloc < want)
		nalloc = nalloc / 2 * 3 + 16;
	nbuf = realloc(sb->alloc ? sb->buf : NULL, nalloc);
	if (!nbuf)
		goto fail;
	if (!sb->alloc)
		nbuf[0] = '\0';
	sb->buf = nbuf;
	sb->alloc = nalloc;
	return 0;
fail:
	sb->failed = 1;
	return SR_ENOMEM;
}

void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_add_grow(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len) < 0)
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addch_grow(struct strbuf *sb, int c)
{
	if (strbuf_grow(sb, 1) < 0)
		return;
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	if (strbuf_grow(sb, n) < 0)
		return;
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (sb->failed)
		return;
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, cp);
	va_end(cp);
	if (n < 0) {
		sb->failed = 1;
		return;
	}
	if (!sb->alloc || (size_t)n >= sb->alloc - sb->len) {
		if (strbuf_grow(sb, (size_t)n) < 0)
			return;
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		if (n < 0) {
			sb->buf[sb->len] = '\0';
			sb->failed = 1;
			return;
		}
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_printable(struct strbuf *sb, const char *s)
{
	size_t i = 0, len = strlen(s);

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = 1;

		if (c >= 0x20 && c < 0x7f) {
			strbuf_addch(sb, (char)c);
			i++;
			continue;
		}
		/* A valid multibyte sequence that is not a C1 control. */
		if (c >= 0xc2 && c <= 0xf4) {
			size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2, k;

			for (k = 1; k < need && i + k < len &&
				    ((unsigned char)s[i + k] & 0xc0) == 0x80;
			     k++)
				;
			if (k == need &&
			    !(c == 0xc2 && (unsigned char)s[i + 1] < 0xa0)) {
				strbuf_add(sb, s + i, need);
				i += need;
				continue;
			}
		}
		strbuf_addf(sb, "\\x%02x", c);
		i += n;
	}
}

/* Two digits at a time: a check's JSON has four numbers a position. */
void strbuf_add_int(struct strbuf *sb, long long v)
{
	static const char pairs[] = "00010203040506070809"
				    "10111213141516171819"
				    "20212223242526272829"
				    "30313233343536373839"
				    "40414243444546474849"
				    "50515253545556575859"
				    "60616263646566676869"
				    "70717273747576777879"
				    "80818283848586878889"
				    "90919293949596979899";
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v
				     : (unsigned long long)v;

	for (; u >= 100; u /= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (u % 100), 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(e - p));
}

void strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len > 0 &&
	       (sb->buf[sb->len - 1] == ' ' || sb->buf[sb->len - 1] == '\t' ||
		sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

/* A byte a JSON string cannot hold as it is. */
static int json_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

#define ONES64 0x0101010101010101ull
#define HIGHS64 0x8080808080808080ull

/* Whether the 8 bytes of w may hold one of json_special (never a false
 * no): a byte below 0x20, or '"', '\\' or DEL. */
static int json_word_maybe_special(uint64_t w)
{
	uint64_t q = w ^ (ONES64 * '"'), b = w ^ (ONES64 * '\\'),
		 d = w ^ (ONES64 * 0x7f);

	return ((((w - ONES64 * 0x20) & ~w) | ((q - ONES64) & ~q) |
		 ((b - ONES64) & ~b) | ((d - ONES64) & ~d)) &
		HIGHS64) != 0;
}

void strbuf_add_json_str(struct strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	strbuf_addch(sb, '"');
	for (;;) {
		unsigned char c;
		const char *esc = NULL;
		size_t lim;

		/* Most text needs no escape: a word at a time to the word
		 * that may hold one, then byte by byte in it. */
		for (; i + 8 <= len; i += 8) {
			uint64_t w;

			memcpy(&w, u + i, 8);
			if (json_word_maybe_special(w))
				break;
		}
		lim = len - i > 8 ? i + 8 : len;
		while (i < lim && !json_special(u[i]))
			i++;
		if (i == lim) {
			if (lim == len)
				break;
			continue;
		}
		c = u[i];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: break;
		}
		strbuf_add(sb, s + run, i - run);
		run = ++i;
		if (esc) {
			strbuf_addstr(sb, esc);
		} else {
			char e[7] = { '\\', 'u', '0', '0', hex[c >> 4],
				      hex[c & 15], 0 };
			strbuf_addstr(sb, e);
		}
	}
	strbuf_add(sb, s + run, len - run);
	strbuf_addch(sb, '"');
}

void strbuf_add_xml_str(struct strbuf *sb, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc;

		switch (c) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&apos;"; break;
		default:
			/* XML 1.0 forbids most C0 controls, even escaped. */
			if (c >= 0x20 || c == '\n' || c == '\t')
				continue;
			esc = "\xef\xbf\xbd"; /* U+FFFD */
		}
		strbuf_add(sb, s + run, i - run);
		run = i + 1;
		strbuf_addstr(sb, esc);
	}
	strbuf_add(sb, s + run, len - run);
}
