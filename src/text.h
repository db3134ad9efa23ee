/*
 * text.h - UTF-8 decoding, screen widths, and normalization for matching.
 *
 * Model.  Specs are UTF-8 byte strings.  Nothing here assumes they are
 * valid: an invalid byte decodes as U+FFFD consuming exactly one byte, so
 * every function makes progress and never reads past `len`.
 *
 * Normalization turns the original text into the form terms are matched
 * in: NFKC, case folded, full-width/half-width unified, long-vowel marks
 * after katakana dropped (データセンター == データセンタ), dash and wave-dash
 * variants unified, okurigana variants unified (又は == または, 及び ==
 * および, 取り扱い == 取扱い, 行なう == 行う), whitespace runs collapsed to
 * one space and removed entirely next to a CJK character (委 託 → 委託,
 * 令和 7 年 → 令和7年), and, with TEXT_NORM_MARKUP, Markdown emphasis,
 * heading marks, HTML tags, pandoc attributes ({.underline}) and table pipes
 * stripped.  A single newline inside a paragraph is treated as whitespace
 * (so a sentence broken across lines matches as one); a blank line becomes
 * one '\n', which no term contains, so nothing matches across paragraphs.
 *
 * Every normalized byte remembers the original byte offset it came from
 * (`map`), so a match in normalized text maps back to the exact original
 * line and column.  `map` is non-decreasing.
 *
 * The rules in detail:
 *  - NFKC and case folding (utf8proc); half-width katakana and their
 *    sound marks compose (ｶﾞ → ガ), and so do a kana and a following
 *    ゛ or ゜.  Invisible format characters (ZWSP, soft hyphen, BOM,
 *    variation selectors) are dropped.
 *  - ー (and ｰ, − U+2212, ― U+2015, ‐ U+2010) right after a katakana is
 *    dropped, wherever it is in the word (インターフェース → インタフェス,
 *    the same as インタフェース).  Other dashes (‐ ‑ ‒ – — ― − －) become
 *    '-'; 〜 and ～ become '~'.
 *  - 又は → または, 及び → および, 並びに → ならびに, 若しくは → もしくは,
 *    取り扱 → 取扱, 行な → 行 before う わ え っ, and before い unless
 *    ないし follows.
 *  - Whitespace (space, tab, CR, U+3000 and other spaces, a single
 *    newline) collapses to one ' ', dropped when the normalized character
 *    before or after it is CJK (text_is_cjk), at the start and at the end.
 *    Whitespace holding a blank line becomes one '\n' instead.
 *  - With TEXT_NORM_MARKUP, at a line start: indentation, '>' quote marks,
 *    ATX heading marks and a "- ", "* " or "+ " bullet are whitespace;
 *    lines that are only markup (table borders |---|:-:|, +---+, rules and
 *    setext underlines ---, ===, ***, fences ``` ~~~ :::, an HTML comment)
 *    vanish with their newline.  Inline: runs of * _ ~~ ` are removed
 *    unless they stand between spaces (2 * 3), a '_' between letters or
 *    digits (snake_case) and a '*' between digits stay; HTML tags and
 *    comments are removed (block tags such as <br> and <td> count as
 *    whitespace); pandoc attributes {.cls #id key=val} are removed;
 *    [text](url), [text]{attrs} and [text][ref] keep only the text; '|' is
 *    whitespace; a backslash escape keeps the character; &amp; &lt; &gt;
 *    &quot; &apos; &nbsp; and numeric entities are decoded.
 *
 * Map: a character that becomes several (㌔ → キロ) maps every output byte
 * to its own offset; rewritten okurigana map inserted bytes to the start
 * of the character they replace (又は → また from 又, は from は); a
 * collapsed whitespace run maps to its first byte.
 *
 * Checklist terms go through text_normalize() too (without MARKUP), so a
 * term and the text it should match are always normalized the same way.
 */
#ifndef SR_TEXT_H
#define SR_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ---- UTF-8 ---------------------------------------------------------- */

#define TEXT_REPLACEMENT 0xFFFDu

/*
 * Decodes one code point at `s` (at most `len` bytes, len > 0).  Stores it
 * in *cp and returns the number of bytes consumed (1..4).  Invalid or
 * truncated sequences, overlongs and surrogates give TEXT_REPLACEMENT and
 * consume 1 byte.  *valid (may be NULL) is set to 0 for those, else 1.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp, int *valid);

/*
 * Whether the three bytes at s (all readable) are a character of the
 * commonest kind, most of Japanese: a lead E1..EF but ED, with which any
 * two continuations are valid, never overlong nor a surrogate.  The hot
 * loops over text take such runs without decoding them.
 */
static inline int utf8_is_common3(const unsigned char *s)
{
	return s[0] >= 0xE1 && s[0] <= 0xEF && s[0] != 0xED &&
	       (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80;
}

/* Encodes `cp` into `out` (4 bytes of room); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);

/*
 * Returns the byte offset of the first invalid sequence in s[0..len), or
 * `len` when all of it is valid UTF-8.
 */
size_t utf8_find_invalid(const char *s, size_t len);

/*
 * Where the processor has AVX-512, the functions of this file read text
 * 64 bytes a step (SPECREVIEW_NO_AVX512 says not to, read once).  Tests
 * compare: narrow 1 takes the forms without it, 0 what the processor has.
 */
void text_simd_narrow(int narrow);

/* Number of code points in s[0..len) (invalid bytes count one each). */
size_t utf8_count(const char *s, size_t len);

/* ---- screen width ---------------------------------------------------- */

/*
 * Columns a code point takes on a terminal: 0 for combining marks, zero
 * width joiners and variation selectors; 2 for East Asian Wide and
 * Fullwidth characters and emoji presentation; 1 otherwise.  Control
 * characters are given 1 (callers escape them before drawing); invalid
 * bytes decode as U+FFFD, which is 1.
 */
int text_cp_width(uint32_t cp);

/*
 * Width of s[0..len) in columns when drawn starting at column `startcol`
 * (tabs advance to the next multiple of 8 counted from column 0).
 */
size_t text_width(const char *s, size_t len, size_t startcol);

/*
 * Longest prefix of s[0..len) that fits in `maxcols` columns starting at
 * `startcol`, never cutting a character (nor separating a combining mark
 * from its base).  Returns its length in bytes; *cols (may be NULL)
 * receives its width.
 */
size_t text_fit(const char *s, size_t len, size_t startcol, size_t maxcols,
		size_t *cols);

/* ---- normalization ---------------------------------------------------- */

enum text_norm_flags {
	TEXT_NORM_MARKUP = 1 << 0, /* strip Markdown/HTML/pandoc markup */
};

struct text_norm {
	char *buf;     /* normalized UTF-8, NUL-terminated */
	size_t len;    /* bytes in buf */
	uint32_t *map; /* len + 1 entries: map[i] = offset in the original of
			* the character that produced buf[i]; map[len] = the
			* original length */
	size_t invalid;       /* number of invalid UTF-8 sequences seen */
	size_t first_invalid; /* offset of the first one (when invalid > 0) */
	uint32_t *breaks;     /* where buf has a '\n' (paragraph and block
			       * breaks: it has no other), ascending */
	size_t nbreaks;
};

#define TEXT_NORM_INIT { NULL, 0, NULL, 0, 0, NULL, 0 }

/*
 * Normalizes src[0..len) (at most UINT32_MAX bytes) into *out, which must
 * be initialised (TEXT_NORM_INIT) and is released first; the caller owns
 * the result and frees it with text_norm_release().  A leading UTF-8 BOM
 * is skipped and CR is treated as whitespace.  Invalid bytes become
 * U+FFFD and are counted (bytes inside markup that is removed, such as a
 * link's URL, are not read).  Returns 0, SR_ENOMEM or SR_ELIMIT.
 *
 * Fast: ASCII and characters already in normal form take a table lookup,
 * not a call into utf8proc.  The tables are built once, on first use, and
 * are safe to share: several threads may normalize at once.
 */
int text_normalize(struct text_norm *out, const char *src, size_t len,
		   unsigned flags);

/*
 * The same, given where the document's blocks start (byte offsets into
 * src, ascending): a line that starts a block is set apart by '\n', as a
 * blank line sets a paragraph apart, so that no term is found across two
 * list items or a heading and the line after it.
 */
int text_normalize_blocks(struct text_norm *out, const char *src, size_t len,
			  unsigned flags, const uint32_t *starts,
			  size_t nstarts);

void text_norm_release(struct text_norm *n);

/*
 * Builds the normalizer's tables (about a millisecond), which the first
 * normalization does otherwise: a program may have another thread build
 * them while it does something else.  Safe to call from any thread, any
 * number of times.
 */
void text_norm_tables(void);

/*
 * Normalizes a short string (a checklist term) without markup stripping
 * and without a map.  *out is a new NUL-terminated string (caller frees).
 * Leading and trailing spaces are removed.  Returns 0 or SR_ENOMEM.
 */
int text_normalize_str(char **out, const char *s, size_t len);

/*
 * Classification used by normalization and by segmentation: CJK ideographs,
 * kana, CJK punctuation and full-width forms (what the space-removal rule
 * calls "CJK").
 */
int text_is_cjk(uint32_t cp);

/* ---- line index ---------------------------------------------------- */

/*
 * Byte offsets of line starts in a buffer, for turning an offset into a
 * 1-based line and code point column.  Lines end at '\n'; a '\r' before it
 * belongs to the line's end.
 */
struct text_lines {
	uint32_t *start; /* start[i] = offset of line i+1 */
	size_t n;        /* number of lines (at least 1) */
	const char *buf;
	size_t len;
	int valid; /* buf is valid UTF-8 (whoever checked it says so):
		    * columns are then counted sixteen bytes at a time */
};

#define TEXT_LINES_INIT { NULL, 0, NULL, 0, 0 }

int text_lines_init(struct text_lines *l, const char *buf, size_t len);
/*
 * text_lines_init() that gives up (SR_ELIMIT, *l left empty) at more than
 * max_newlines '\n', or at a line of more than max_line_bytes bytes (its
 * '\n' not counted): *long_line is then its 1-based number, else 0.  A
 * parser checks its limits on the index instead of reading the text for
 * them first.
 */
int text_lines_init_max(struct text_lines *l, const char *buf, size_t len,
			size_t max_newlines, size_t max_line_bytes,
			size_t *long_line);
void text_lines_release(struct text_lines *l);

/* 1-based line containing byte `off` (off <= len). */
size_t text_lines_line(const struct text_lines *l, size_t off);

/* Line (1-based) and code point column (1-based) of byte `off`. */
void text_lines_pos(const struct text_lines *l, size_t off, int *line,
		    int *col);

/*
 * The same for offsets asked mostly in increasing order: the last answer
 * is kept, a later offset on its line is counted on from it instead of
 * from the line's start (a paragraph is often one long line), and a later
 * line is looked for from it.
 */
struct text_pos_cursor {
	size_t off, line; /* line 0: nothing kept */
	int col;
};

#define TEXT_POS_CURSOR_INIT { 0, 0, 0 }

void text_lines_pos_at(const struct text_lines *l,
		       struct text_pos_cursor *cur, size_t off, int *line,
		       int *col);

/* The bytes of 1-based line `line` without its '\r\n' or '\n'. */
const char *text_lines_get(const struct text_lines *l, size_t line,
			   size_t *len);

#endif
