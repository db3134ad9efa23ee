/*
 * strbuf.h - a growable, NUL-terminated byte buffer (after git's strbuf.h).
 *
 * Invariants:
 *  - `buf` is never NULL and `buf[len] == '\0'` always, so `buf` can be
 *    used as a C string (it may also hold NUL bytes of its own);
 *  - `alloc == 0` means `buf` points at a shared static empty string and
 *    nothing has been allocated;
 *  - allocation failure never aborts: the buffer keeps what it had, sets
 *    the sticky `failed` flag and every later append is a no-op.  Callers
 *    check `failed` once, where they hand the result on, and report
 *    SR_ENOMEM.
 *
 * Declare with `struct strbuf sb = STRBUF_INIT;`, free with strbuf_release().
 */
#ifndef SR_STRBUF_H
#define SR_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

extern char strbuf_slopbuf[];

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
	int failed;
};

#define STRBUF_INIT { 0, 0, strbuf_slopbuf, 0 }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and reinitialises `sb`; NULL if failed. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Makes room for `extra` more bytes; 0 or SR_ENOMEM. */
int strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);

/* The appends that need to grow the buffer; use the ones below. */
void strbuf_add_grow(struct strbuf *sb, const void *data, size_t len);
void strbuf_addch_grow(struct strbuf *sb, int c);

/*
 * The appends of large outputs (a check's JSON is tens of megabytes):
 * inline while there is room, so a literal's strlen is a constant and
 * a byte is a store.
 */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->failed || len >= sb->alloc - sb->len) {
		strbuf_add_grow(sb, data, len);
		return;
	}
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

static inline void strbuf_addch(struct strbuf *sb, int c)
{
	if (sb->failed || sb->len + 1 >= sb->alloc) {
		strbuf_addch_grow(sb, c);
		return;
	}
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/*
 * Appends `s` safe for a terminal: control characters (C0, DEL, C1) and
 * invalid bytes become \xNN, so a hostile file name or message can
 * never send an escape sequence.  Valid UTF-8 text is kept.
 */
void strbuf_add_printable(struct strbuf *sb, const char *s);

/* Appends a decimal number (much cheaper than strbuf_addf). */
void strbuf_add_int(struct strbuf *sb, long long v);

/* Removes trailing ASCII whitespace. */
void strbuf_rtrim(struct strbuf *sb);

/* Appends `s` as the contents of a JSON string, quotes included. */
void strbuf_add_json_str(struct strbuf *sb, const char *s, size_t len);
/* Appends `s` escaped for XML text and attribute values. */
void strbuf_add_xml_str(struct strbuf *sb, const char *s, size_t len);

#endif
