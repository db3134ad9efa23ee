/*
 * doc.c - a spec as front matter, blocks, sections and sentences.
 *
 * Three passes, each linear: the lines are read once into blocks (one
 * small state machine: open paragraph or list item, fenced code, HTML
 * comment, grid table), the blocks are read once into sections (a stack
 * of open sections), and each block's bytes are read once into sentences.
 * Nothing looks ahead: a decision that needs the next line (setext
 * underline, a short numbered line that turns out to continue) is made
 * when that line arrives by changing the block already recorded.
 *
 * Per-block facts needed only while parsing (where the text after a list
 * marker starts, the numbering of a heading) live in a private array
 * parallel to doc->blocks.
 */
#include "doc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "error.h"
#include "i18n.h"
#include "strbuf.h"
#include "util.h"
#include "ytree.h"
#include "banned.h"

/* ---- characters ----------------------------------------------------- */

#define IDEO_SPACE "\xE3\x80\x80" /* U+3000 */

static int is_blank_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

static int ideo_space_at(const char *s, uint32_t i, uint32_t end)
{
	return end - i >= 3 && !memcmp(s + i, IDEO_SPACE, 3);
}

/* Skips spaces, tabs and U+3000 from i. */
static uint32_t skip_space(const char *s, uint32_t i, uint32_t end)
{
	for (;;) {
		if (i < end && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (ideo_space_at(s, i, end))
			i += 3;
		else
			return i;
	}
}

/* The end of s[start..end) without trailing white space and U+3000. */
static uint32_t rtrim_space(const char *s, uint32_t start, uint32_t end)
{
	for (;;) {
		if (end > start && is_blank_byte((unsigned char)s[end - 1]))
			end--;
		else if (end - start >= 3 && !memcmp(s + end - 3, IDEO_SPACE, 3))
			end -= 3;
		else
			return end;
	}
}

static int space_at(const char *s, uint32_t i, uint32_t end)
{
	return (i < end && (s[i] == ' ' || s[i] == '\t')) ||
	       ideo_space_at(s, i, end);
}

/* Decodes the code point at i (0 and length 0 at the end). */
static uint32_t dec(const char *s, uint32_t i, uint32_t end, uint32_t *cp)
{
	if (i >= end) {
		*cp = 0;
		return 0;
	}
	if ((unsigned char)s[i] < 0x80) {
		*cp = (unsigned char)s[i];
		return 1;
	}
	return (uint32_t)utf8_decode(s + i, end - i, cp, NULL);
}

static int starts_with(const char *s, uint32_t i, uint32_t end,
		       const char *lit)
{
	size_t n = strlen(lit);

	return end - i >= n && !memcmp(s + i, lit, n);
}

/* Whether w[0 .. n) is one of the words of list (n > 0). */
static int is_one_of(const char *w, size_t n, const char *const *list,
		     size_t nlist)
{
	size_t k;

	for (k = 0; k < nlist; k++)
		if (list[k][0] == w[0] && strlen(list[k]) == n &&
		    !memcmp(list[k], w, n))
			return 1;
	return 0;
}

static int is_ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_alnum(unsigned char c)
{
	return is_ascii_alpha(c) || (c >= '0' && c <= '9');
}

/* ---- numbering and bullets ------------------------------------------- */

enum mark_kind {
	MK_NONE,
	MK_BULLET,      /* - * + ・ ● ○ ■ □ ※ ... */
	MK_DAI,         /* 第1 (bare), 第1編, 第1部, 第1章 */
	MK_SETSU,       /* 第1節 */
	MK_JO,          /* 第1条 */
	MK_KOU,         /* 第1款, 第1項 */
	MK_DECIMAL,     /* 1.  1.1  1.1.1  １．  1　(U+3000) */
	MK_PAREN_NUM,   /* (1) （1） ⑴ */
	MK_NUM_PAREN,   /* 1) 1） */
	MK_CIRCLED,     /* ① .. ㊿ */
	MK_KANA,        /* ア． イ、 ウ<space> */
	MK_PAREN_KANA,  /* (ア) （ア） ㋐ */
	MK_ALPHA,       /* A. */
	MK_ROMAN,       /* I.  IV.  Ⅰ */
	MK_LETTER,      /* a)  (a): list items only */
};

struct marker {
	enum mark_kind kind;
	uint32_t start, end; /* the numbering as written */
	uint32_t rest;       /* the text after it, spaces skipped */
	int level;           /* natural heading level, 0 for bullets */
	int ascii;           /* ASCII numbering, which does not interrupt a
			      * running English paragraph */
};

/* Digits (ASCII or full-width); *nd counts them, *val is their value. */
static uint32_t scan_digits(const char *s, uint32_t i, uint32_t end, int *nd,
			    int *val)
{
	*nd = 0;
	*val = 0;
	for (;;) {
		int d;

		if (i < end && s[i] >= '0' && s[i] <= '9') {
			d = s[i] - '0';
			i++;
		} else if (end - i >= 3 && (unsigned char)s[i] == 0xEF &&
			   (unsigned char)s[i + 1] == 0xBC &&
			   (unsigned char)s[i + 2] >= 0x90 &&
			   (unsigned char)s[i + 2] <= 0x99) {
			d = (unsigned char)s[i + 2] - 0x90;
			i += 3;
		} else {
			return i;
		}
		if (*nd < 8)
			*val = *val * 10 + d;
		(*nd)++;
	}
}

static int is_kanji_digit(uint32_t cp)
{
	switch (cp) {
	case 0x3007: case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB:
	case 0x4E94: case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D:
	case 0x5341: case 0x767E: case 0x5343: case 0x96F6:
		return 1;
	default:
		return 0;
	}
}

/* The katakana used as numbering (ア..ン, not small or voiced). */
static int is_marker_kana(uint32_t cp)
{
	static const uint16_t kana[] = {
		0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,
		0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF,
		0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD,
		0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,
		0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA,
		0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F2, 0x30F3,
	};
	size_t i;

	if (cp < 0x30A2 || cp > 0x30F3)
		return 0;
	for (i = 0; i < SR_ARRAY_SIZE(kana); i++)
		if (kana[i] == cp)
			return 1;
	return 0;
}

static int is_bullet_cp(uint32_t cp)
{
	switch (cp) {
	case 0x30FB: /* ・ */
	case 0xFF65: /* ･ */
	case 0x2022: /* • */
	case 0x2023: /* ‣ */
	case 0x203B: /* ※ */
	case 0x25CF: /* ● */
	case 0x25CB: /* ○ */
	case 0x25EF: /* ◯ */
	case 0x25CE: /* ◎ */
	case 0x25A0: /* ■ */
	case 0x25A1: /* □ */
	case 0x25AA: /* ▪ */
	case 0x25C6: /* ◆ */
	case 0x25C7: /* ◇ */
	case 0x25B8: /* ▸ */
	case 0x2605: /* ★ */
	case 0x2606: /* ☆ */
		return 1;
	default:
		return 0;
	}
}

static int is_open_paren(const char *s, uint32_t i, uint32_t end,
			 uint32_t *next)
{
	if (i < end && s[i] == '(') {
		*next = i + 1;
		return 1;
	}
	if (starts_with(s, i, end, "\xEF\xBC\x88")) { /* （ */
		*next = i + 3;
		return 1;
	}
	return 0;
}

static int is_close_paren(const char *s, uint32_t i, uint32_t end,
			  uint32_t *next)
{
	if (i < end && s[i] == ')') {
		*next = i + 1;
		return 1;
	}
	if (starts_with(s, i, end, "\xEF\xBC\x89")) { /* ） */
		*next = i + 3;
		return 1;
	}
	return 0;
}

/* '.' or '．' at i. */
static int is_dot(const char *s, uint32_t i, uint32_t end, uint32_t *next)
{
	if (i < end && s[i] == '.') {
		*next = i + 1;
		return 1;
	}
	if (starts_with(s, i, end, "\xEF\xBC\x8E")) {
		*next = i + 3;
		return 1;
	}
	return 0;
}

/* What may follow "1." or "1)": space, the end, or a non-ASCII letter. */
static int number_follow_ok(const char *s, uint32_t i, uint32_t end)
{
	return i >= end || space_at(s, i, end) ||
	       (unsigned char)s[i] >= 0x80;
}

/* 第N章 and friends; i is just after 第. */
static int parse_dai(struct marker *m, const char *s, uint32_t i,
		     uint32_t end)
{
	uint32_t j, cp, n;
	int nd, val, spaced = 0;

	if (i < end && s[i] == ' ') {
		i = skip_space(s, i, end);
		spaced = 1;
	}
	j = scan_digits(s, i, end, &nd, &val);
	if (!nd) {
		while ((n = dec(s, j, end, &cp)) && is_kanji_digit(cp)) {
			j += n;
			nd++;
		}
	}
	if (!nd || nd > 6)
		return 0;
	if (j < end && s[j] == ' ') {
		uint32_t k = skip_space(s, j, end);

		n = dec(s, k, end, &cp);
		switch (cp) {
		case 0x7DE8: case 0x90E8: case 0x7AE0: case 0x7BC0:
		case 0x6761: case 0x6B3E: case 0x9805:
			j = k;
			break;
		default:
			break;
		}
	}
	n = dec(s, j, end, &cp);
	switch (cp) {
	case 0x7DE8: /* 編 */
	case 0x90E8: /* 部 */
	case 0x7AE0: /* 章 */
		m->kind = MK_DAI;
		m->level = 1;
		break;
	case 0x7BC0: /* 節 */
		m->kind = MK_SETSU;
		m->level = 2;
		break;
	case 0x6761: /* 条 */
		m->kind = MK_JO;
		m->level = 2;
		break;
	case 0x6B3E: /* 款 */
	case 0x9805: /* 項 */
		m->kind = MK_KOU;
		m->level = 3;
		break;
	default:
		/* bare 第1 needs a space after it */
		if (spaced || !(j >= end || space_at(s, j, end)))
			return 0;
		m->kind = MK_DAI;
		m->level = 1;
		m->end = j;
		return 1;
	}
	m->end = j + n;
	return 1;
}

/* 1.  1.1  1.1.1.  1)  １．  1　; i is at the first digit. */
static int parse_decimal(struct marker *m, const char *s, uint32_t i,
			 uint32_t end, int heading)
{
	int nd, val, groups = 0, vals[8], depth, trailing_dot = 0;
	uint32_t j, k;

	m->ascii = s[i] >= '0' && s[i] <= '9';
	j = scan_digits(s, i, end, &nd, &val);
	if (nd > 3)
		return 0;
	vals[groups++] = val;
	while (is_dot(s, j, end, &k)) {
		uint32_t q = scan_digits(s, k, end, &nd, &val);

		if (!nd) {
			trailing_dot = 1;
			j = k;
			break;
		}
		if (nd > 3)
			return 0;
		if (groups < (int)SR_ARRAY_SIZE(vals))
			vals[groups] = val;
		groups++;
		j = q;
	}
	if (groups == 1 && !trailing_dot && is_close_paren(s, j, end, &k)) {
		if (!number_follow_ok(s, k, end))
			return 0;
		m->kind = MK_NUM_PAREN;
		m->level = 5;
		m->end = k;
		return 1;
	}
	if (trailing_dot) {
		if (!number_follow_ok(s, j, end))
			return 0;
	} else if (groups > 1) {
		if (!(j >= end || space_at(s, j, end)))
			return 0;
	} else {
		/* a bare number: "1　目的", or "# 1 Purpose" in a heading */
		if (!(j >= end && heading) && !ideo_space_at(s, j, end) &&
		    !(heading && nd <= 2 && space_at(s, j, end)))
			return 0;
	}
	/* "1.0" and "2.0.0" are top-level numbers */
	depth = groups < (int)SR_ARRAY_SIZE(vals) ? groups
						 : (int)SR_ARRAY_SIZE(vals);
	while (depth > 1 && vals[depth - 1] == 0)
		depth--;
	m->kind = MK_DECIMAL;
	m->level = depth + 1;
	m->end = j;
	return 1;
}

/*
 * Recognizes a bullet or numbering at s[c..end).  In a heading (the text
 * of a Markdown heading) bullets are not looked for and a bare number
 * followed by a space counts.  Returns 1 and fills *m, or 0.
 */
static int parse_marker(struct marker *m, const char *s, uint32_t c,
			uint32_t end, int heading)
{
	uint32_t cp, cp2, n, i, j, k;
	int nd, val;

	memset(m, 0, sizeof(*m));
	if (c >= end)
		return 0;
	/* "**第1章 総則**": numbering inside emphasis */
	if (end - c > 2 && ((s[c] == '*' && s[c + 1] == '*') ||
			    (s[c] == '_' && s[c + 1] == '_')) &&
	    !space_at(s, c + 2, end) && s[c + 2] != '*' && s[c + 2] != '_') {
		c += 2;
		heading |= 2; /* no bullets */
	}
	m->start = c;
	n = dec(s, c, end, &cp);
	i = c + n;
	if (cp == '-' || cp == '*' || cp == '+') {
		if (heading || !space_at(s, i, end))
			return 0;
		m->kind = MK_BULLET;
		m->end = i;
	} else if (is_bullet_cp(cp)) {
		if (heading)
			return 0;
		/* ○○株式会社 is a placeholder, not a bullet */
		dec(s, i, end, &cp2);
		if (cp2 == cp)
			return 0;
		m->kind = MK_BULLET;
		m->end = i;
	} else if (cp == 0x7B2C) { /* 第 */
		if (!parse_dai(m, s, i, end))
			return 0;
	} else if ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19)) {
		if (!parse_decimal(m, s, c, end, heading & 1))
			return 0;
	} else if (is_open_paren(s, c, end, &i)) {
		j = scan_digits(s, i, end, &nd, &val);
		if (nd >= 1 && nd <= 3 && is_close_paren(s, j, end, &k)) {
			m->kind = MK_PAREN_NUM;
			m->level = 4;
			m->ascii = s[c] == '(' && s[i] >= '0' && s[i] <= '9';
			m->end = k;
		} else if ((n = dec(s, i, end, &cp2)) && is_marker_kana(cp2) &&
			   is_close_paren(s, i + n, end, &k)) {
			m->kind = MK_PAREN_KANA;
			m->level = 6;
			m->end = k;
		} else if (s[c] == '(' && cp2 >= 'a' && cp2 <= 'z' &&
			   i + 1 < end && s[i + 1] == ')' &&
			   space_at(s, i + 2, end) && !heading) {
			m->kind = MK_LETTER;
			m->ascii = 1;
			m->end = i + 2;
		} else {
			return 0;
		}
	} else if (cp >= 0x2474 && cp <= 0x2487) { /* ⑴..⒇ */
		m->kind = MK_PAREN_NUM;
		m->level = 4;
		m->end = i;
	} else if ((cp >= 0x2460 && cp <= 0x2473) ||  /* ①..⑳ */
		   (cp >= 0x3251 && cp <= 0x325F) ||  /* ㉑..㉟ */
		   (cp >= 0x32B1 && cp <= 0x32BF)) {  /* ㊱..㊿ */
		m->kind = MK_CIRCLED;
		m->level = 5;
		m->end = i;
	} else if (cp >= 0x32D0 && cp <= 0x32FE) { /* ㋐.. */
		m->kind = MK_PAREN_KANA;
		m->level = 6;
		m->end = i;
	} else if (is_marker_kana(cp)) {
		if (is_dot(s, i, end, &k) || starts_with(s, i, end, "\xE3\x80\x81"))
			m->end = is_dot(s, i, end, &k) ? k : i + 3;
		else if (space_at(s, i, end))
			m->end = i;
		else
			return 0;
		m->kind = MK_KANA;
		m->level = 6;
	} else if (cp >= 'A' && cp <= 'Z') {
		int roman = 1;

		for (j = c; j < end && s[j] >= 'A' && s[j] <= 'Z' && j - c < 8; j++)
			if (s[j] != 'I' && s[j] != 'V' && s[j] != 'X')
				roman = 0;
		if (j >= end || s[j] != '.' || !space_at(s, j + 1, end))
			return 0;
		if (roman && j - c <= 6) {
			m->kind = MK_ROMAN;
			m->level = 1;
		} else if (j - c == 1) {
			m->kind = MK_ALPHA;
			m->level = 2;
		} else {
			return 0;
		}
		m->ascii = 1;
		m->end = j + 1;
	} else if (cp >= 'a' && cp <= 'z' && i < end && s[i] == ')' &&
		   space_at(s, i + 1, end) && !heading) {
		m->kind = MK_LETTER;
		m->ascii = 1;
		m->end = i + 1;
	} else if (cp >= 0x2160 && cp <= 0x216B) { /* Ⅰ..Ⅻ */
		m->kind = MK_ROMAN;
		m->level = 1;
		m->end = is_dot(s, i, end, &k) ? k : i;
	} else {
		return 0;
	}
	m->rest = skip_space(s, m->end, end);
	return 1;
}

/*
 * Whether the text after a numbering reads as a heading: short, no 。,
 * not ending like a sentence or mid-sentence (、 ,).  *cont is set when it
 * ends with a particle or function word, so that a continuation line on
 * the next line makes it a list item after all.
 */
static int numbered_is_heading(const char *s, uint32_t rest, uint32_t end,
			       int *cont)
{
	static const char *const words[] = {
		"a", "all", "an", "and", "any", "are", "as", "at", "be", "by",
		"for", "from", "in", "is", "must", "of", "on", "or", "shall",
		"that", "the", "to", "which", "will", "with",
	};
	uint32_t e = rtrim_space(s, rest, end), i, n, cp = 0, last = 0;
	int count = 0, comma = 0;

	*cont = 0;
	while (e > rest && (s[e - 1] == '*' || s[e - 1] == '_'))
		e--;
	e = rtrim_space(s, rest, e);
	for (i = rest; i < e; i += n) {
		n = dec(s, i, e, &cp);
		if (cp == 0x3002 || ++count > 40)
			return 0;
		/* "受託者は、" opens a sentence, never a heading; another
		 * 、 makes a continued line a list item. */
		if (cp == 0x3001 || cp == 0xFF0C) {
			if (last == 0x306F)
				return 0;
			comma = 1;
		}
		last = cp;
	}
	switch (last) {
	case '.': case ',': case 0xFF0E: case 0xFF0C: case 0x3001:
		return 0;
	case 0x306F: case 0x304C: case 0x3092: case 0x306B: case 0x3067:
	case 0x3068: case 0x3082: case 0x306E: case 0x3084: case 0x3078:
		*cont = 1; /* は が を に で と も の や へ */
		return 1;
	default:
		break;
	}
	if (comma)
		*cont = 1;
	if (last >= 'a' && last <= 'z') {
		i = e;
		while (i > rest && e - i < 8 && is_ascii_alpha((unsigned char)s[i - 1]))
			i--;
		if (e > i && is_one_of(s + i, e - i, words, SR_ARRAY_SIZE(words)))
			*cont = 1;
	}
	return 1;
}

/*
 * Whether heading text is really a sentence: long, and ending like one
 * (。 ． or a period, before any closing emphasis).
 */
static int reads_as_sentence(const char *s, uint32_t cs, uint32_t ce)
{
	uint32_t e = ce;

	while (e > cs && (s[e - 1] == '*' || s[e - 1] == '_' ||
			  s[e - 1] == ' '))
		e--;
	if (e == cs)
		return 0;
	if (!(s[e - 1] == '.' ||
	      (e - cs >= 3 && (!memcmp(s + e - 3, "\xe3\x80\x82", 3) ||
			       !memcmp(s + e - 3, "\xef\xbc\x8e", 3)))))
		return 0;
	return utf8_count(s + cs, e - cs) > 40;
}

/* ---- line shapes ------------------------------------------------------ */

/* --- *** ___ (three or more, spaces allowed between) */
static int is_thematic(const char *s, uint32_t c, uint32_t end)
{
	char ch = s[c];
	int n = 0;

	for (; c < end; c++) {
		if (s[c] == ch)
			n++;
		else if (!is_blank_byte((unsigned char)s[c]))
			return 0;
	}
	return n >= 3;
}

/* === or --- (two or more, trailing spaces allowed) */
static int is_setext_underline(const char *s, uint32_t c, uint32_t end)
{
	char ch = s[c];
	uint32_t i = c;

	while (i < end && s[i] == ch)
		i++;
	return i - c >= 2 && rtrim_space(s, i, end) == i;
}

/* A pipe table separator row (|---|:--:|) or a grid border (+---+). */
static int is_table_rule(const char *s, uint32_t c, uint32_t end)
{
	int dash = 0;

	for (; c < end; c++) {
		switch (s[c]) {
		case '-': case '=':
			dash = 1;
			break;
		case '|': case '+': case ':': case ' ': case '\t':
			break;
		default:
			return 0;
		}
	}
	return dash;
}

static uint32_t fence_len(const char *s, uint32_t c, uint32_t end)
{
	uint32_t i = c;

	while (i < end && s[i] == s[c])
		i++;
	return i - c;
}

/* ---- the parser ------------------------------------------------------- */

struct block_aux {
	uint32_t cstart, cend; /* heading text / paragraph text */
	uint32_t mstart, mend; /* numbering, mstart == mend without */
	uint32_t rest;         /* text after a list marker or numbering */
	int natural;           /* level from the numbering */
	enum mark_kind mark;
	unsigned char md;      /* a Markdown heading (ATX or setext) */
	unsigned char cont;    /* numbered heading a continuation line turns
				* into a list item */
};

struct parser {
	struct doc *doc;
	const char *s;
	uint32_t len;
	struct sr_error *err;
	size_t balloc, secalloc, fmalloc, auxalloc;
	struct block_aux *aux;
	long open;        /* block that takes continuation lines */
	long setext;      /* block on the previous line a setext underline
			   * may turn into a heading */
	long code;        /* open fenced code block */
	char fence;
	uint32_t fencelen;
	int comment;      /* inside a multi-line HTML comment */
	int grid;         /* after a grid table border (+---+) */
	long grid_row;    /* the grid row block being extended */
	unsigned char prev_last; /* last non-space byte of the previous line */
	long resume;      /* paragraph or list item a page footer cut in
			   * the middle of a sentence: the next line of
			   * text continues it */
	size_t first_line;       /* index of the first body line */
	struct strbuf names;     /* sections' numbers and titles so far */
	size_t *name_off;        /* per section: where they are in names */
	size_t name_alloc;
};

#define NO_NAME ((size_t)-1)

static int oom(struct parser *p)
{
	return sr_error_add(p->err, SR_ENOMEM, p->doc->path, 0, 0,
			    _("out of memory"));
}

static int add_block(struct parser *p, enum doc_block_kind kind,
		     uint32_t start, uint32_t end, uint32_t line, long *idx)
{
	struct doc *doc = p->doc;
	struct doc_block *b;

	if (SR_ALLOC_GROW(doc->blocks, doc->nblocks + 1, p->balloc) < 0 ||
	    SR_ALLOC_GROW(p->aux, doc->nblocks + 1, p->auxalloc) < 0)
		return oom(p);
	p->resume = -1; /* anything after a footer but a paragraph line */
	b = &doc->blocks[doc->nblocks];
	b->kind = kind;
	b->start = start;
	b->end = end;
	b->line = line;
	b->nlines = 1;
	b->level = 0;
	b->section = -1;
	memset(&p->aux[doc->nblocks], 0, sizeof(p->aux[0]));
	p->aux[doc->nblocks].cstart = start;
	p->aux[doc->nblocks].cend = end;
	p->aux[doc->nblocks].rest = start;
	*idx = (long)doc->nblocks++;
	return 0;
}

static void extend_block(struct parser *p, long idx, uint32_t end,
			 uint32_t line)
{
	struct doc_block *b = &p->doc->blocks[idx];

	b->end = end;
	b->nlines = line - b->line + 1;
	p->aux[idx].cend = end;
}

static void set_marker(struct parser *p, long idx, const struct marker *m)
{
	p->aux[idx].mstart = m->start;
	p->aux[idx].mend = m->end;
	p->aux[idx].rest = m->rest;
	p->aux[idx].natural = m->level;
	p->aux[idx].mark = m->kind;
}

/* A setext underline under block `idx`: does it make a heading? */
static int setext_applies(struct parser *p, long idx, char ch)
{
	const struct doc_block *b = &p->doc->blocks[idx];
	const struct block_aux *a = &p->aux[idx];

	if (b->kind == DOC_PARAGRAPH)
		return ch == '=' || b->nlines == 1;
	/* "1.0 BACKGROUND" underlined */
	return (b->kind == DOC_HEADING || b->kind == DOC_LIST_ITEM) &&
	       !a->md && a->mstart != a->mend && b->nlines == 1;
}

/*
 * Whether the last block is a list item numbered the same way: then a
 * short item after it is one more item of the enumeration, not a heading
 * ("1. Design a platform ... features:" then "1. CKAN version 2.8").
 */
static int follows_same_items(const struct parser *p, const struct marker *m)
{
	size_t last = p->doc->nblocks - 1;

	return p->doc->nblocks > 0 &&
	       p->doc->blocks[last].kind == DOC_LIST_ITEM &&
	       p->aux[last].mark == m->kind && p->aux[last].natural == m->level;
}

/* A full-width digit (０-９) at s[i]. */
static int is_fw_digit_at(const char *s, uint32_t i, uint32_t end)
{
	return end - i >= 3 && (unsigned char)s[i] == 0xEF &&
	       (unsigned char)s[i + 1] == 0xBC &&
	       (unsigned char)s[i + 2] >= 0x90 && (unsigned char)s[i + 2] <= 0x99;
}

/* A dash of a page footer: - － – — ―. Returns its length, or 0. */
static uint32_t footer_dash(const char *s, uint32_t i, uint32_t end)
{
	uint32_t cp, n;

	if (i >= end)
		return 0;
	if (s[i] == '-')
		return 1;
	n = dec(s, i, end, &cp);
	return cp == 0xFF0D || cp == 0x2013 || cp == 0x2014 || cp == 0x2015
		       ? n
		       : 0;
}

/*
 * A page footer of a converted PDF: "- 4 -", "－ ４ －" alone on a line
 * (c..le, c at the first non-space byte).
 */
static int is_page_footer(const char *s, uint32_t c, uint32_t le)
{
	uint32_t i = c, n, digits = 0;

	if (!(n = footer_dash(s, i, le)))
		return 0;
	i = skip_space(s, i + n, le);
	while (i < le && digits < 5) {
		if (s[i] >= '0' && s[i] <= '9')
			i++;
		else if (is_fw_digit_at(s, i, le))
			i += 3;
		else
			break;
		digits++;
	}
	if (!digits || digits > 4)
		return 0;
	i = skip_space(s, i, le);
	if (!(n = footer_dash(s, i, le)))
		return 0;
	return rtrim_space(s, i + n, le) == i + n;
}

/* Whether text c..e ends a sentence (。．.!?！？:：) or a table row. */
static int ends_sentence(const char *s, uint32_t c, uint32_t e)
{
	uint32_t k = rtrim_space(s, c, e), cp = 0, j;

	if (k == c)
		return 1;
	j = k - 1;
	while (j > c && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	dec(s, j, k, &cp);
	return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == '|' ||
	       cp == 0x3002 || cp == 0xFF0E || cp == 0xFF01 || cp == 0xFF1F ||
	       cp == 0xFF1A;
}

static int parse_line(struct parser *p, uint32_t ls, uint32_t le,
		      uint32_t line)
{
	const char *s = p->s;
	struct block_aux *a;
	struct marker m;
	long setext = p->setext, idx = -1;
	uint32_t c0, c, n;
	unsigned char b, prev_last = p->prev_last;
	int ret = 0, table_line, cont;

	p->setext = -1;
	if (p->code >= 0) {
		extend_block(p, p->code, le, line);
		c = skip_space(s, ls, le);
		if (c < le && s[c] == p->fence &&
		    fence_len(s, c, le) >= p->fencelen &&
		    rtrim_space(s, c, le) == c + fence_len(s, c, le))
			p->code = -1;
		goto out;
	}
	if (p->comment) {
		if (memmem(s + ls, le - ls, "-->", 3))
			p->comment = 0;
		goto out;
	}
	c0 = skip_space(s, ls, le);
	c = c0;
	while (c < le && s[c] == '>') /* block quotes: look inside */
		c = skip_space(s, c + 1, le);
	if (c >= le) {
		p->open = -1;
		p->grid = 0;
		goto out;
	}
	/* A page footer is never text.  When it cuts a paragraph in the
	 * middle of a sentence, the paragraph goes on after it. */
	if (c == c0 && is_page_footer(s, c, le)) {
		size_t last = p->doc->nblocks - 1;

		p->open = -1;
		if (p->doc->nblocks &&
		    (p->doc->blocks[last].kind == DOC_PARAGRAPH ||
		     p->doc->blocks[last].kind == DOC_LIST_ITEM) &&
		    !ends_sentence(s, p->aux[last].cstart,
				   p->doc->blocks[last].end))
			p->resume = (long)last;
		goto out;
	}
	b = (unsigned char)s[c];
	table_line = b == '|' || (b == '+' && is_table_rule(s, c, le));
	if (!table_line)
		p->grid = 0;

	if ((b == '`' || b == '~') && (n = fence_len(s, c, le)) >= 3) {
		p->open = -1;
		if ((ret = add_block(p, DOC_CODE, c0, le, line, &idx)) < 0)
			goto out;
		p->code = idx;
		p->fence = (char)b;
		p->fencelen = n;
		goto out;
	}
	if (b == '<' && starts_with(s, c, le, "<!--")) {
		p->open = -1;
		if (!memmem(s + c + 4, le - c - 4, "-->", 3))
			p->comment = 1;
		goto out;
	}
	if (setext >= 0 && (b == '=' || b == '-') &&
	    is_setext_underline(s, c, le) && setext_applies(p, setext, b)) {
		struct doc_block *h = &p->doc->blocks[setext];

		a = &p->aux[setext];
		a->cend = rtrim_space(s, a->cstart, h->end);
		if (h->kind == DOC_PARAGRAPH &&
		    parse_marker(&m, s, a->cstart, a->cend, 1))
			set_marker(p, setext, &m);
		h->kind = DOC_HEADING;
		h->level = b == '=' ? 1 : 2;
		h->end = le;
		h->nlines = line - h->line + 1;
		a->md = 1;
		a->cont = 0;
		p->open = -1;
		goto out;
	}
	if ((b == '-' || b == '*' || b == '_') && is_thematic(s, c, le)) {
		p->open = -1;
		goto out;
	}
	if (b == '#') {
		n = fence_len(s, c, le);
		if (n <= 6 && (c + n >= le || space_at(s, c + n, le) ||
			       (unsigned char)s[c + n] >= 0x80)) {
			uint32_t cs = skip_space(s, c + n, le);
			uint32_t ce = rtrim_space(s, cs, le), k = ce;

			while (k > cs && s[k - 1] == '#')
				k--;
			if (k == cs || s[k - 1] == ' ' || s[k - 1] == '\t')
				ce = rtrim_space(s, cs, k);
			p->open = -1;
			/* "### Contractor shall not use … of the contract." is
			 * a clause that a converter made a heading: text. */
			if (reads_as_sentence(s, cs, ce)) {
				ret = add_block(p, DOC_PARAGRAPH, c0, le, line,
						&idx);
				if (ret == 0)
					p->aux[idx].cstart = cs;
				goto out;
			}
			if ((ret = add_block(p, DOC_HEADING, c0, le, line, &idx)) < 0)
				goto out;
			p->doc->blocks[idx].level = (int)n;
			a = &p->aux[idx];
			a->md = 1;
			a->cstart = cs;
			a->cend = ce;
			if (parse_marker(&m, s, cs, ce, 1))
				set_marker(p, idx, &m);
			goto out;
		}
	}
	if (table_line) {
		p->open = -1;
		if (is_table_rule(s, c, le)) {
			if (b == '+')
				p->grid = 1;
			p->grid_row = -1;
			goto out;
		}
		if (p->grid && p->grid_row >= 0) {
			extend_block(p, p->grid_row, le, line);
			goto out;
		}
		if ((ret = add_block(p, DOC_TABLE_ROW, c0, le, line, &idx)) < 0)
			goto out;
		p->aux[idx].cstart = c;
		if (p->grid)
			p->grid_row = idx;
		goto out;
	}
	if (b == ':' && starts_with(s, c, le, ":::")) { /* pandoc div */
		p->open = -1;
		goto out;
	}
	if (parse_marker(&m, s, c, le, 0)) {
		/* "...in paragraph\n7.2.4 of this clause" continues */
		int running = m.ascii && p->open >= 0 &&
			      p->doc->blocks[p->open].kind == DOC_PARAGRAPH &&
			      (is_ascii_alnum(prev_last) || prev_last == ',' ||
			       prev_last == '-');

		if (!running) {
			enum doc_block_kind kind = DOC_LIST_ITEM;

			cont = 0;
			if (m.kind != MK_BULLET && m.kind != MK_LETTER &&
			    !follows_same_items(p, &m) &&
			    numbered_is_heading(s, m.rest, le, &cont))
				kind = DOC_HEADING;
			p->open = -1;
			if ((ret = add_block(p, kind, c0, le, line, &idx)) < 0)
				goto out;
			a = &p->aux[idx];
			a->cstart = c;
			/* "- > quoted item": the item's text is after the > */
			while (m.rest < le && s[m.rest] == '>')
				m.rest = skip_space(s, m.rest + 1, le);
			a->rest = m.rest;
			if (m.kind != MK_BULLET) {
				set_marker(p, idx, &m);
				p->setext = idx;
			}
			if (kind == DOC_HEADING) {
				p->doc->blocks[idx].level = m.level;
				a->cont = (unsigned char)cont;
				if (cont)
					p->open = idx;
			} else {
				p->open = idx;
			}
			goto out;
		}
	}
	if (p->open >= 0) {
		struct doc_block *o = &p->doc->blocks[p->open];

		if (o->kind == DOC_HEADING) { /* it was a wrapped list item */
			o->kind = DOC_LIST_ITEM;
			o->level = 0;
			p->aux[p->open].cont = 0;
		}
		extend_block(p, p->open, le, line);
		if (o->kind == DOC_PARAGRAPH)
			p->setext = p->open;
		goto out;
	}
	if (p->resume >= 0) {
		extend_block(p, p->resume, le, line);
		p->open = p->resume;
		p->resume = -1;
		goto out;
	}
	if ((ret = add_block(p, DOC_PARAGRAPH, c0, le, line, &idx)) < 0)
		goto out;
	p->aux[idx].cstart = c;
	p->open = idx;
	p->setext = idx;
out:
	n = rtrim_space(s, ls, le);
	p->prev_last = n > ls ? (unsigned char)s[n - 1] : 0;
	return ret;
}

static int parse_body(struct parser *p)
{
	const struct text_lines *l = &p->doc->lines;
	size_t i;
	int ret = 0;

	p->open = p->setext = p->code = p->grid_row = p->resume = -1;
	for (i = p->first_line; i < l->n; i++) {
		uint32_t ls = l->start[i];
		uint32_t le = i + 1 < l->n ? l->start[i + 1] : p->len;

		if (ls < p->doc->body_start)
			ls = p->doc->body_start;
		if (le > ls && p->s[le - 1] == '\n')
			le--;
		if (le > ls && p->s[le - 1] == '\r')
			le--;
		if ((ret = parse_line(p, ls, le, (uint32_t)i + 1)) < 0)
			break;
	}
	return ret;
}

/* ---- sections --------------------------------------------------------- */

/*
 * A heading title, s[a, b) appended to sb: markup (emphasis, HTML tags,
 * pandoc attributes, backslash escapes) removed, white space runs made
 * one space.  With `unparen`, a title wholly in brackets loses them
 * (第1条（目的）).
 */
static void make_title(struct strbuf *sb, const char *s, uint32_t a,
		       uint32_t b, int unparen)
{
	size_t base = sb->len, len;
	int space = 0, no_gt = 0, no_brace = 0;
	uint32_t i = a;
	char *t;

	while (i < b) {
		unsigned char c = (unsigned char)s[i];
		const char *q;

		if (c == '<' && !no_gt && i + 1 < b &&
		    (is_ascii_alpha((unsigned char)s[i + 1]) || s[i + 1] == '/' ||
		     s[i + 1] == '!')) {
			if ((q = memchr(s + i, '>', b - i))) {
				i = (uint32_t)(q - s) + 1;
				continue;
			}
			no_gt = 1;
		}
		if (c == '{' && !no_brace && i + 1 < b &&
		    (s[i + 1] == '#' || s[i + 1] == '.')) {
			if ((q = memchr(s + i, '}', b - i))) {
				i = (uint32_t)(q - s) + 1;
				continue;
			}
			no_brace = 1;
		}
		if (c == '*' || (c == '_' && i + 1 < b && s[i + 1] == '_')) {
			i += c == '_' ? 2 : 1;
			continue;
		}
		if (c == '\\' && i + 1 < b && s[i + 1] > ' ' &&
		    (unsigned char)s[i + 1] < 0x7F && !is_ascii_alnum((unsigned char)s[i + 1])) {
			i++;
			c = (unsigned char)s[i];
		}
		if (is_blank_byte(c) || ideo_space_at(s, i, b)) {
			space = 1;
			i += c == 0xE3 ? 3 : 1;
			continue;
		}
		if (space && sb->len > base)
			strbuf_addch(sb, ' ');
		space = 0;
		strbuf_addch(sb, c);
		i++;
	}
	t = sb->buf + base;
	len = sb->len - base;
	if (unparen && !sb->failed && len >= 2) {
		size_t ol = 0, cl = 0;
		const char *q;

		if (t[0] == '(')
			ol = 1;
		else if (len >= 3 && !memcmp(t, "\xEF\xBC\x88", 3))
			ol = 3;
		if (t[len - 1] == ')')
			cl = 1;
		else if (len >= 3 && !memcmp(t + len - 3, "\xEF\xBC\x89", 3))
			cl = 3;
		/* only when the first closing bracket is the last character */
		if (ol && cl && len >= ol + cl &&
		    strcspn(t, ")") >= len - cl &&
		    (!(q = strstr(t, "\xEF\xBC\x89")) ||
		     (size_t)(q - t) == len - cl)) {
			memmove(t, t + ol, len - ol - cl);
			strbuf_setlen(sb, sb->len - ol - cl);
		}
	}
}

static int add_section(struct parser *p, size_t bi, int level, long parent)
{
	struct doc *doc = p->doc;
	const struct block_aux *a = &p->aux[bi];
	struct doc_section *sec;
	uint32_t ts;
	int ret = 0;

	if (SR_ALLOC_GROW(doc->sections, doc->nsections + 1, p->secalloc) < 0) {
		ret = oom(p);
		goto out;
	}
	sec = &doc->sections[doc->nsections++];
	memset(sec, 0, sizeof(*sec));
	sec->heading = bi;
	sec->level = level;
	sec->start = doc->blocks[bi].start;
	sec->end = doc->blocks[bi].end;
	sec->body_start = doc->blocks[bi].end;
	sec->parent = parent;
	/* The number and the title go to p->names, their offsets to
	 * p->name_off until the sections are all there. */
	if (SR_ALLOC_GROW(p->name_off, 2 * doc->nsections, p->name_alloc) < 0) {
		ret = oom(p);
		goto out;
	}
	ts = a->cstart;
	p->name_off[2 * doc->nsections - 2] = NO_NAME;
	if (a->mstart != a->mend) {
		p->name_off[2 * doc->nsections - 2] = p->names.len;
		strbuf_add(&p->names, p->s + a->mstart, a->mend - a->mstart);
		strbuf_addch(&p->names, '\0');
		ts = a->rest;
	}
	if (ts > a->cend)
		ts = a->cend;
	p->name_off[2 * doc->nsections - 1] = p->names.len;
	make_title(&p->names, p->s, ts, a->cend, a->mstart != a->mend);
	strbuf_addch(&p->names, '\0');
out:
	return ret;
}

/* Same numbering kind and depth, another number: "### 2.1" and "2.2". */
static int continues_numbering(const struct parser *p, size_t h1, size_t h2)
{
	const struct block_aux *a = &p->aux[h1], *b = &p->aux[h2];

	return a->mstart != a->mend && a->mark == b->mark &&
	       a->natural == b->natural &&
	       (a->mend - a->mstart != b->mend - b->mstart ||
		memcmp(p->s + a->mstart, p->s + b->mstart, a->mend - a->mstart));
}

/*
 * Levels and nesting.  A numbered heading under a Markdown heading of
 * level L is shifted so that it sits below it: the first numbered heading
 * in that Markdown section fixes the shift (L + 1 - its own level, when
 * positive) for all of them, so that numbering kinds keep their order
 * (1. above （1） above ①) whatever the Markdown level.  Except when that
 * first one continues the Markdown heading's own numbering ("### 2.1",
 * then a bold "**2.2 ...**" line): it is the heading's sibling.
 */
static int build_sections(struct parser *p)
{
	struct doc *doc = p->doc;
	long *stack = NULL;
	int *shift = NULL;
	size_t depth = 0, nheadings = 0, bi;
	int ret = 0;

	for (bi = 0; bi < doc->nblocks; bi++)
		nheadings += doc->blocks[bi].kind == DOC_HEADING;
	if (!nheadings)
		goto out;
	stack = malloc(nheadings * sizeof(*stack));
	shift = malloc(nheadings * sizeof(*shift));
	/* A section per heading: room for them at once. */
	if (!stack || !shift ||
	    SR_ALLOC_GROW(doc->sections, nheadings, p->secalloc) < 0 ||
	    SR_ALLOC_GROW(p->name_off, 2 * nheadings, p->name_alloc) < 0) {
		ret = oom(p);
		goto out;
	}
	for (bi = 0; bi < doc->nblocks; bi++) {
		struct doc_block *b = &doc->blocks[bi];
		int level = b->level;

		if (b->kind == DOC_HEADING) {
			const struct block_aux *a = &p->aux[bi];

			if (!a->md) {
				long md = -1;
				size_t k;

				level = a->natural;
				for (k = depth; k-- > 0;)
					if (p->aux[doc->sections[stack[k]].heading].md) {
						md = stack[k];
						break;
					}
				if (md >= 0 && shift[md] < 0 &&
				    continues_numbering(p, doc->sections[md].heading, bi)) {
					level = doc->sections[md].level;
				} else if (md >= 0) {
					int ml = doc->sections[md].level;

					if (shift[md] < 0)
						shift[md] = level <= ml ? ml + 1 - level : 0;
					level += shift[md];
					if (level <= ml)
						level = ml + 1;
				}
			}
			b->level = level;
			while (depth > 0 && doc->sections[stack[depth - 1]].level >= level) {
				doc->sections[stack[depth - 1]].end = doc->blocks[bi - 1].end;
				depth--;
			}
			if ((ret = add_section(p, bi, level,
					       depth ? stack[depth - 1] : -1)) < 0)
				goto out;
			shift[doc->nsections - 1] = -1;
			stack[depth++] = (long)doc->nsections - 1;
		}
		b->section = depth ? stack[depth - 1] : -1;
	}
	while (depth > 0) {
		doc->sections[stack[depth - 1]].end = doc->blocks[doc->nblocks - 1].end;
		depth--;
	}
	/* Numbers and titles: one allocation for all of them. */
	if (p->names.failed) {
		ret = oom(p);
		goto out;
	}
	doc->names = strbuf_detach(&p->names, NULL);
	for (bi = 0; bi < doc->nsections; bi++) {
		size_t n = p->name_off[2 * bi];

		doc->sections[bi].number = n == NO_NAME ? NULL : doc->names + n;
		doc->sections[bi].title = doc->names + p->name_off[2 * bi + 1];
	}
out:
	free(stack);
	free(shift);
	return ret;
}

/* ---- sentences -------------------------------------------------------- */

static int add_sentence(const char *s, struct doc_sentences *out, size_t bi,
			uint32_t a, uint32_t b)
{
	a = skip_space(s, a, b);
	while (a < b && is_blank_byte((unsigned char)s[a]))
		a = skip_space(s, a + 1, b);
	b = rtrim_space(s, a, b);
	if (a >= b)
		return 0;
	if (SR_ALLOC_GROW(out->v, out->n + 1, out->alloc) < 0)
		return SR_ENOMEM;
	out->v[out->n].start = a;
	out->v[out->n].end = b;
	out->v[out->n].block = bi;
	out->n++;
	return 0;
}

/* Closing brackets, quotes and emphasis that stay with a sentence end. */
static uint32_t skip_closers(const char *s, uint32_t i, uint32_t end)
{
	static const char *const closers[] = {
		"\xE3\x80\x8D", "\xE3\x80\x8F", "\xEF\xBC\x89", "\xE3\x80\x91",
		"\xE3\x80\x95", "\xE3\x80\x89", "\xE3\x80\x8B", "\xE2\x80\x9D",
		"\xE2\x80\x99",
	};
	size_t k;

	while (i < end) {
		unsigned char c = (unsigned char)s[i];

		if (c == ')' || c == ']' || c == '"' || c == '\'' || c == '*' ||
		    c == '_') {
			i++;
			continue;
		}
		/* Each closer starts E3 80, E2 80 or EF BC; most sentences
		 * are followed by a letter, kana or kanji. */
		if (c < 0x80 || end - i < 3 ||
		    !(((c == 0xE3 || c == 0xE2) &&
		       (unsigned char)s[i + 1] == 0x80) ||
		      (c == 0xEF && (unsigned char)s[i + 1] == 0xBC)))
			break;
		for (k = 0; k < SR_ARRAY_SIZE(closers); k++)
			if (!memcmp(s + i, closers[k], 3))
				break;
		if (k == SR_ARRAY_SIZE(closers))
			break;
		i += 3;
	}
	return i;
}

/*
 * Whether the '.' at i ends an abbreviation or a number rather than a
 * sentence: e.g. i.e. U.S. 7.2.3. (a dot inside the word), etc. No. Art.
 * and single capitals (initials).  Looks back at most 16 bytes.
 */
static int is_abbrev(const char *s, uint32_t from, uint32_t i)
{
	static const char *const abbrevs[] = {
		"Art", "Ch", "Co", "Corp", "Dr", "Fig", "Inc", "Jr", "Ltd", "Mr",
		"Mrs", "Ms", "No", "Nos", "Para", "Sec", "St", "Vol", "approx",
		"cf", "etc", "vs",
	};
	uint32_t w = i - from > 16 ? i - 16 : from, t = i, k;

	while (t > w && !is_blank_byte((unsigned char)s[t - 1]) &&
	       s[t - 1] != '(' && s[t - 1] != '[' && s[t - 1] != '"')
		t--;
	for (k = t; k < i; k++)
		if (s[k] == '.')
			return 1;
	if (t == i)
		return 0;
	if (i - t == 1 && s[t] >= 'A' && s[t] <= 'Z')
		return 1;
	return is_one_of(s + t, i - t, abbrevs, SR_ARRAY_SIZE(abbrevs));
}


/*
 * Where split_sentences must look next from i: a '|', '.', '!' or '?',
 * EF BC or EF BD (． ！ ？ ｡, among the other full-width forms), E3 80 82
 * (。; 、 and kana start with E3 too), or b.  Text is mostly passed over,
 * so with SSE2 sixteen bytes are looked at a time.
 */
static const unsigned char sentence_stop[256] = {
	['|'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1,
};

static uint32_t next_stop(const char *s, uint32_t i, uint32_t b)
{
#ifdef __SSE2__
	const __m128i bar = _mm_set1_epi8('|'), dot = _mm_set1_epi8('.'),
		      bang = _mm_set1_epi8('!'), ques = _mm_set1_epi8('?'),
		      ef = _mm_set1_epi8((char)0xEF),
		      bc = _mm_set1_epi8((char)0xBC),
		      bd = _mm_set1_epi8((char)0xBD),
		      e3 = _mm_set1_epi8((char)0xE3),
		      x80 = _mm_set1_epi8((char)0x80),
		      x82 = _mm_set1_epi8((char)0x82);

	/* s[i + 17] is read for what starts at s[i + 15]. */
	for (; b - i > 17; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i y = _mm_loadu_si128((const __m128i *)(s + i + 1));
		__m128i z = _mm_loadu_si128((const __m128i *)(s + i + 2));
		__m128i m = _mm_or_si128(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, bar),
					      _mm_cmpeq_epi8(x, dot)),
				 _mm_or_si128(_mm_cmpeq_epi8(x, bang),
					      _mm_cmpeq_epi8(x, ques))),
		    _mm_or_si128(
			_mm_and_si128(_mm_cmpeq_epi8(x, ef),
				      _mm_or_si128(_mm_cmpeq_epi8(y, bc),
						   _mm_cmpeq_epi8(y, bd))),
			_mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(x, e3),
						    _mm_cmpeq_epi8(y, x80)),
				      _mm_cmpeq_epi8(z, x82))));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);

		if (mask)
			return i + (uint32_t)__builtin_ctz(mask);
	}
#endif
	for (; i < b; i++) {
		unsigned char c = (unsigned char)s[i];

		if (sentence_stop[c] ||
		    (c == 0xEF && i + 1 < b &&
		     ((unsigned char)s[i + 1] == 0xBC ||
		      (unsigned char)s[i + 1] == 0xBD)) ||
		    (c == 0xE3 && i + 2 < b && (unsigned char)s[i + 1] == 0x80 &&
		     (unsigned char)s[i + 2] == 0x82))
			return i;
	}
	return b;
}

static int split_sentences(const char *s, struct doc_sentences *out,
			   size_t bi, uint32_t a, uint32_t b, int table)
{
	uint32_t i = a, st = a, j;
	int ret = 0;

	while ((i = next_stop(s, i, b)) < b) {
		unsigned char c = (unsigned char)s[i];

		j = 0;
		switch (c) {
		case '|':
			if (table) {
				if ((ret = add_sentence(s, out, bi, st, i)) < 0)
					return ret;
				st = i + 1;
			}
			break;
		case '.': case '!': case '?':
			j = skip_closers(s, i + 1, b);
			if ((j < b && !is_blank_byte((unsigned char)s[j])) ||
			    (c == '.' && is_abbrev(s, a, i)))
				j = 0;
			break;
		case 0xE3: /* 。 */
			if (b - i >= 3 && (unsigned char)s[i + 1] == 0x80 &&
			    (unsigned char)s[i + 2] == 0x82)
				j = skip_closers(s, i + 3, b);
			break;
		case 0xEF: /* ． ！ ？ ｡, not ． between full-width digits */
			if (b - i >= 3 && (unsigned char)s[i + 1] == 0xBD &&
			    (unsigned char)s[i + 2] == 0xA1)
				j = skip_closers(s, i + 3, b);
			else if (b - i >= 3 && (unsigned char)s[i + 1] == 0xBC &&
			    ((unsigned char)s[i + 2] == 0x81 ||
			     (unsigned char)s[i + 2] == 0x9F ||
			     ((unsigned char)s[i + 2] == 0x8E &&
			      !(i - a >= 3 && is_fw_digit_at(s, i - 3, b) &&
				is_fw_digit_at(s, i + 3, b)))))
				j = skip_closers(s, i + 3, b);
			break;
		default:
			break;
		}
		if (j) {
			if ((ret = add_sentence(s, out, bi, st, j)) < 0)
				return ret;
			st = i = j;
		} else {
			i++;
		}
	}
	return add_sentence(s, out, bi, st, b);
}

/* Where each block's sentences are to be read from, when they are. */
static void set_text_ranges(struct parser *p)
{
	struct doc *doc = p->doc;
	size_t bi;

	for (bi = 0; bi < doc->nblocks; bi++) {
		struct doc_block *b = &doc->blocks[bi];
		const struct block_aux *a = &p->aux[bi];

		switch (b->kind) {
		case DOC_HEADING:
			b->text_start = a->cstart;
			b->text_end = a->cend;
			break;
		case DOC_PARAGRAPH:
			b->text_start = a->cstart;
			b->text_end = b->end;
			break;
		case DOC_LIST_ITEM:
			b->text_start = a->rest;
			b->text_end = b->end;
			break;
		case DOC_TABLE_ROW:
			b->text_start = b->start;
			b->text_end = b->end;
			break;
		case DOC_CODE:
			b->text_start = b->text_end = b->start;
			break;
		}
	}
}

int doc_block_sentences(const struct doc *doc, size_t bi,
			struct doc_sentences *out)
{
	const struct doc_block *b = &doc->blocks[bi];

	switch (b->kind) {
	case DOC_HEADING:
		return add_sentence(doc->text, out, bi, b->text_start,
				    b->text_end);
	case DOC_PARAGRAPH:
	case DOC_LIST_ITEM:
	case DOC_TABLE_ROW:
		return split_sentences(doc->text, out, bi, b->text_start,
				       b->text_end, b->kind == DOC_TABLE_ROW);
	case DOC_CODE:
		break;
	}
	return 0;
}

int doc_sentences(const struct doc *doc, struct doc_sentences *out)
{
	size_t bi;
	int ret = 0;

	for (bi = 0; bi < doc->nblocks && ret == 0; bi++)
		ret = doc_block_sentences(doc, bi, out);
	return ret;
}

void doc_sentences_release(struct doc_sentences *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->alloc = 0;
}

/* ---- front matter ----------------------------------------------------- */

/*
 * The front matter is read into a tree (ytree.h), its positions shifted
 * to the file's, and walked as a streaming reader would: key by key,
 * every problem up to a syntax error reported, nothing after the mapping
 * looked at.  Anchors and aliases are the front matter's own: an anchor
 * on a key's value names that key's values (a list's, flattened), and an
 * alias copies them.
 */

struct fm_anchor {
	char *name;
	char **values;
	size_t nvalues;
};

struct fm_walker {
	struct parser *p;
	struct ytree_loader ld;
	uint32_t start; /* the front matter's byte offset in the file */
	struct fm_anchor *anchors;
	size_t nanchors, aalloc;
};

/* How a walk ended: at the mapping's end, or where the parser stopped. */
enum { FM_DONE = 1, FM_STOPPED, FM_OOM };

static void free_values(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Where byte `off` of the front matter is in the file. */
static void fm_locate(const void *arg, size_t off, int *line, int *col)
{
	const struct fm_walker *w = arg;

	text_lines_pos(&w->p->doc->lines, w->start + off, line, col);
}

static int push_value(char ***v, size_t *n, const char *s, size_t len)
{
	char *copy = sr_strndup(s, len);
	char **nv = NULL;
	int ret = 0;

	if (!copy || !(nv = realloc(*v, (*n + 1) * sizeof(**v)))) {
		ret = SR_ENOMEM;
		goto out;
	}
	nv[(*n)++] = copy;
	*v = nv;
	copy = NULL;
out:
	free(copy);
	return ret;
}

static int remember_anchor(struct fm_walker *w, const char *name,
			   char **values, size_t n)
{
	struct fm_anchor *an;
	size_t i;
	int ret = 0;

	if (!name)
		goto out;
	if (SR_ALLOC_GROW(w->anchors, w->nanchors + 1, w->aalloc) < 0) {
		ret = SR_ENOMEM;
		goto out;
	}
	an = &w->anchors[w->nanchors++];
	memset(an, 0, sizeof(*an));
	if (!(an->name = strdup(name)))
		ret = SR_ENOMEM;
	for (i = 0; i < n && ret == 0; i++)
		ret = push_value(&an->values, &an->nvalues, values[i],
				 strlen(values[i]));
out:
	return ret;
}

/* Appends the values of the anchor the alias `a` names. */
static int resolve_alias(struct fm_walker *w, const struct ytree_node *a,
			 char ***v, size_t *n)
{
	const struct fm_anchor *an = NULL;
	size_t i;
	int ret = 0;

	for (i = w->nanchors; i-- > 0 && !an;)
		if (!strcmp(w->anchors[i].name, a->anchor))
			an = &w->anchors[i];
	if (!an) {
		ytree_problem_at(&w->ld, a,
				 _("unknown alias *%s in front matter"),
				 a->anchor);
		goto out;
	}
	for (i = 0; i < an->nvalues && ret == 0; i++)
		ret = push_value(v, n, an->values[i], strlen(an->values[i]));
out:
	return ret;
}

/* 1 true, 0 false, -1 neither. */
static int parse_bool(const char *v)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcmp(v, "\xE3\x81\xAF\xE3\x81\x84")) /* はい */
		return 1;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcmp(v, "\xE3\x81\x84\xE3\x81\x84\xE3\x81\x88")) /* いいえ */
		return 0;
	return -1;
}

/* Files one key (at node kn, its value at vn) and its values, taken
 * over, into fm and meta. */
static int fm_store(struct fm_walker *w, char *key,
		    const struct ytree_node *kn, const struct ytree_node *vn,
		    char **values, size_t nvalues, int is_list)
{
	static const char *const bools[] = { "cloud", "personal_data",
					     "sensitive" };
	struct doc *doc = w->p->doc;
	struct doc_fm_entry *e;
	enum doc_tristate *tri[3];
	char **str = NULL;
	size_t i;
	int ret = 0;

	tri[0] = &doc->meta.cloud;
	tri[1] = &doc->meta.personal_data;
	tri[2] = &doc->meta.sensitive;
	if (doc_fm_get(doc, key)) {
		ytree_problem_at(&w->ld, kn,
				 _("duplicate front matter key \"%s\""), key);
		goto out;
	}
	for (i = 0; i < SR_ARRAY_SIZE(bools); i++) {
		int v;

		if (strcmp(key, bools[i]))
			continue;
		if (is_list) {
			ytree_problem_at(
			    &w->ld, vn,
			    _("%s: expected true or false, got a list"), key);
			goto out;
		}
		if (!nvalues)
			break;
		if ((v = parse_bool(values[0])) < 0) {
			ytree_problem_at(&w->ld, vn,
					 _("%s: expected true or false "
					   "(yes/no, はい/いいえ), got \"%s\""),
					 key, values[0]);
			goto out;
		}
		*tri[i] = v ? DOC_TRUE : DOC_FALSE;
		free(values[0]);
		if (!(values[0] = strdup(v ? "true" : "false"))) {
			nvalues = 0;
			ret = SR_ENOMEM;
			goto out;
		}
	}
	if (!strcmp(key, "title"))
		str = &doc->meta.title;
	else if (!strcmp(key, "kind"))
		str = &doc->meta.kind;
	else if (!strcmp(key, "owner"))
		str = &doc->meta.owner;
	else if (!strcmp(key, "system"))
		str = &doc->meta.system;
	else if (!strcmp(key, "lang"))
		str = &doc->meta.lang;
	if (str && is_list) {
		ytree_problem_at(&w->ld, vn,
				 _("%s: expected a single value, got a list"),
				 key);
		goto out;
	}
	if (str && nvalues && !(*str = strdup(values[0]))) {
		ret = SR_ENOMEM;
		goto out;
	}
	if (SR_ALLOC_GROW(doc->fm, doc->nfm + 1, w->p->fmalloc) < 0) {
		ret = SR_ENOMEM;
		goto out;
	}
	e = &doc->fm[doc->nfm++];
	e->key = key;
	e->values = values;
	e->nvalues = nvalues;
	e->line = kn->line;
	e->col = kn->col;
	key = NULL;
	values = NULL;
	nvalues = 0;
out:
	free(key);
	free_values(values, nvalues);
	return ret;
}

/*
 * The values of `vn`, the value of `key`: a scalar's (none when null), an
 * alias's, a list's entries.  0, SR_ENOMEM, or FM_STOPPED: the parser
 * stopped inside the list.
 */
static int fm_values(struct fm_walker *w, const char *key,
		     const struct ytree_node *vn, char ***values,
		     size_t *nvalues)
{
	size_t i;
	int bad = 0, ret = 0;

	switch (vn->kind) {
	case YTREE_SCALAR:
		if (!vn->null &&
		    push_value(values, nvalues, vn->str, vn->len) < 0)
			return SR_ENOMEM;
		return remember_anchor(w, vn->anchor, *values, *nvalues);
	case YTREE_ALIAS:
		return resolve_alias(w, vn, values, nvalues);
	default:
		break;
	}
	for (i = 0; i < vn->nkids && ret == 0; i++) {
		const struct ytree_node *e = vn->kids[i];

		if (e->kind == YTREE_SCALAR)
			ret = push_value(values, nvalues, e->str, e->len);
		else if (e->kind == YTREE_ALIAS)
			ret = resolve_alias(w, e, values, nvalues);
		else if (!bad++)
			ytree_problem_at(&w->ld, e,
					 _("%s: a list in front matter holds "
					   "plain values only"),
					 key);
	}
	if (ret < 0)
		return ret;
	if (!vn->complete)
		return FM_STOPPED;
	return remember_anchor(w, vn->anchor, *values, *nvalues);
}

/* One key and its value (NULL: not read): 0 to go on, FM_STOPPED or
 * FM_OOM. */
static int fm_pair(struct fm_walker *w, const struct ytree_node *kn,
		   const struct ytree_node *vn)
{
	char *key = NULL, **values = NULL;
	size_t nvalues = 0;
	int ret;

	if (kn->kind != YTREE_SCALAR) {
		ytree_problem_at(&w->ld, kn,
				 _("front matter keys must be plain words"));
		return kn->complete && vn && vn->complete ? 0 : FM_STOPPED;
	}
	if (!vn)
		return FM_STOPPED;
	if (vn->kind == YTREE_MAP) {
		ytree_problem_at(
		    &w->ld, vn,
		    _("%s: nested mappings are not allowed in front matter"),
		    kn->str);
		return vn->complete ? 0 : FM_STOPPED;
	}
	if (!(key = sr_strndup(kn->str, kn->len)))
		return FM_OOM;
	ret = fm_values(w, key, vn, &values, &nvalues);
	if (ret == 0) /* fm_store takes key and values over */
		ret = fm_store(w, key, kn, vn, values, nvalues,
			       vn->kind == YTREE_SEQ);
	else {
		free(key);
		free_values(values, nvalues);
	}
	return ret == SR_ENOMEM ? FM_OOM : ret;
}

/* Walks the front matter's mapping: FM_DONE, FM_STOPPED or FM_OOM. */
static int fm_mapping(struct fm_walker *w, const struct ytree_node *map)
{
	size_t i;
	int ret;

	for (i = 0; i < map->nkids; i += 2) {
		ret = fm_pair(w, map->kids[i],
			      i + 1 < map->nkids ? map->kids[i + 1] : NULL);
		if (ret)
			return ret;
	}
	return map->complete ? FM_DONE : FM_STOPPED;
}

static int parse_yaml(struct parser *p, uint32_t start, uint32_t end)
{
	struct fm_walker w;
	const struct ytree_options opt = {
		.flags = YTREE_DETECT_ENCODING,
		.aliases = YTREE_ALIASES_KEEP,
		.max_aliases = SR_MAX_YAML_ALIASES,
		.line_offset = 1, /* it starts on the file's second line */
		.locate = fm_locate,
		.locate_arg = &w,
		.too_deep = N_("front matter is nested too deeply"),
		.too_many_aliases =
			N_("too many aliases in front matter (the limit is %d)"),
		.syntax = N_("invalid front matter"),
	};
	struct ytree_node *root = NULL;
	size_t i;
	int ret, end_of_walk = FM_STOPPED;

	memset(&w, 0, sizeof(w));
	w.p = p;
	w.start = start;
	ytree_loader_init(&w.ld, &opt, p->doc->path, p->s + start,
			  end - start);
	ytree_parse(&w.ld, &root);
	if (root && root->kind == YTREE_MAP) {
		end_of_walk = fm_mapping(&w, root);
	} else if (root) {
		if (!ytree_is_empty(root))
			ytree_problem_at(&w.ld, root,
					 _("front matter must be a mapping of "
					   "keys to values"));
		end_of_walk = FM_DONE; /* nothing after it is read */
	}
	/* A walk that ended before the parser did never saw its stop. */
	if (end_of_walk == FM_OOM)
		w.ld.oom = 1;
	if (end_of_walk != FM_STOPPED)
		ytree_drop_stop(&w.ld);
	ret = ytree_loader_finish(&w.ld, ytree_loader_status(&w.ld), p->err);
	ytree_node_free(root);
	for (i = 0; i < w.nanchors; i++) {
		free(w.anchors[i].name);
		free_values(w.anchors[i].values, w.anchors[i].nvalues);
	}
	free(w.anchors);
	return ret;
}

/* Line i (0-based) is exactly `fence` with optional trailing spaces. */
static int line_is(const struct parser *p, size_t i, const char *fence,
		   uint32_t from)
{
	const struct text_lines *l = &p->doc->lines;
	uint32_t ls = l->start[i] > from ? l->start[i] : from;
	uint32_t le = i + 1 < l->n ? l->start[i + 1] : p->len;

	return starts_with(p->s, ls, le, fence) &&
	       rtrim_space(p->s, ls + 3, le) == ls + 3;
}

/* Finds and parses the front matter; sets body_start and first_line. */
static int front_matter(struct parser *p)
{
	const struct text_lines *l = &p->doc->lines;
	uint32_t bom = p->len >= 3 && !memcmp(p->s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	size_t i;

	p->doc->body_start = bom;
	p->first_line = 0;
	if (!line_is(p, 0, "---", bom))
		return 0;
	for (i = 1; i < l->n; i++) {
		if (!line_is(p, i, "---", 0) && !line_is(p, i, "...", 0))
			continue;
		p->doc->body_start = i + 1 < l->n ? l->start[i + 1] : p->len;
		p->first_line = i + 1;
		return parse_yaml(p, l->n > 1 ? l->start[1] : p->len,
				  l->start[i]);
	}
	return sr_error_add(
	    p->err, SR_EPARSE, p->doc->path, 1, 1,
	    _("front matter is not closed (no \"---\" line after it)"));
}

/* ---- the API ---------------------------------------------------------- */

int doc_parse(struct doc **out, const char *path, const char *text,
	      size_t len, unsigned flags, struct sr_error *err)
{
	struct parser p;
	struct doc *doc = NULL;
	struct text_lines lines = TEXT_LINES_INIT;
	size_t bad, long_line, nb;
	int ret = 0;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.names = (struct strbuf)STRBUF_INIT;
	if (!text)
		text = "";
	if (len > SR_MAX_SPEC_BYTES) {
		ret = sr_error_add(err, SR_ELIMIT, path, 0, 0,
				   _("file is %zu bytes, over the limit of %u"),
				   len, SR_MAX_SPEC_BYTES);
		goto out;
	}
	if (sr_looks_binary(text, len)) {
		ret = sr_error_add(err, SR_EBINARY, path, 0, 0,
				   _("binary file (it contains NUL bytes)"));
		goto out;
	}
	/* Memory goes with lines (blocks, sentences): a file of millions of
	 * short lines is refused before any of it, and so is a line longer
	 * than any a spec has (which the screen and the reports could not
	 * show either).  The line index stops at them. */
	ret = text_lines_init_max(&lines, text, len, SR_MAX_LINES,
				  SR_MAX_LINE_BYTES, &long_line);
	if (ret == SR_ELIMIT && long_line) {
		ret = sr_error_add(err, SR_ELIMIT, path, (int)long_line, 0,
				   _("the line is longer than %u bytes, over "
				     "the limit"),
				   SR_MAX_LINE_BYTES);
		goto out;
	} else if (ret == SR_ELIMIT) {
		ret = sr_error_add(err, SR_ELIMIT, path, 0, 0,
				   _("more than %u lines, over the limit"),
				   SR_MAX_LINES);
		goto out;
	} else if (ret < 0) {
		ret = sr_error_add(err, ret, path, 0, 0, _("out of memory"));
		goto out;
	}
	if (!(doc = calloc(1, sizeof(*doc)))) {
		ret = sr_error_add(err, SR_ENOMEM, path, 0, 0,
				   _("out of memory"));
		goto out;
	}
	doc->meta.cloud = doc->meta.personal_data = doc->meta.sensitive =
		DOC_UNSET;
	p.doc = doc;
	p.err = err;
	if (path && !(doc->path = strdup(path))) {
		ret = oom(&p);
		goto out;
	}
	if (flags & DOC_COPY) {
		char *copy = malloc(len + 1);

		if (!copy) {
			ret = oom(&p);
			goto out;
		}
		memcpy(copy, text, len);
		copy[len] = '\0';
		doc->text = copy;
		doc->text_owned = 1;
	} else {
		doc->text = text;
	}
	doc->len = len;
	p.s = doc->text;
	p.len = (uint32_t)len;
	doc->lines = lines;
	doc->lines.buf = doc->text; /* the copy, with DOC_COPY */
	lines = (struct text_lines)TEXT_LINES_INIT;
	if ((bad = utf8_find_invalid(doc->text, len)) < len) {
		int line, col;

		text_lines_pos(&doc->lines, bad, &line, &col);
		sr_error_warn(err, path, line, col,
			      _("invalid UTF-8 (shown as U+FFFD)"));
	} else {
		doc->lines.valid = 1;
	}
	/* Room at once for as many blocks as a spec usually has (one in
	 * every other line, one in 64 bytes at most: lines of nothing make
	 * none); grown one at a time, they were reallocated a dozen times. */
	nb = (doc->lines.n < len / 32 ? doc->lines.n : len / 32) / 2 + 8;
	if (SR_ALLOC_GROW(doc->blocks, nb, p.balloc) < 0 ||
	    SR_ALLOC_GROW(p.aux, nb, p.auxalloc) < 0) {
		ret = oom(&p);
		goto out;
	}
	if ((ret = front_matter(&p)) < 0 || (ret = parse_body(&p)) < 0 ||
	    (ret = build_sections(&p)) < 0)
		goto out;
	set_text_ranges(&p);
	*out = doc;
	doc = NULL;
out:
	text_lines_release(&lines);
	strbuf_release(&p.names);
	free(p.name_off);
	free(p.aux);
	doc_free(doc);
	return ret;
}

void doc_free(struct doc *doc)
{
	size_t i;

	if (!doc)
		return;
	free(doc->path);
	if (doc->text_owned)
		free((char *)doc->text);
	text_lines_release(&doc->lines);
	free(doc->meta.title);
	free(doc->meta.kind);
	free(doc->meta.owner);
	free(doc->meta.system);
	free(doc->meta.lang);
	for (i = 0; i < doc->nfm; i++) {
		free(doc->fm[i].key);
		free_values(doc->fm[i].values, doc->fm[i].nvalues);
	}
	free(doc->fm);
	free(doc->blocks);
	free(doc->names);
	free(doc->sections);
	free(doc);
}

const struct doc_fm_entry *doc_fm_get(const struct doc *doc, const char *key)
{
	size_t i;

	for (i = 0; i < doc->nfm; i++)
		if (!strcmp(doc->fm[i].key, key))
			return &doc->fm[i];
	return NULL;
}
