#include "text.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include <stdatomic.h>
#define UTF8_SSSE3 1 /* utf8_valid_ssse3, when the processor has it */
#define TEXT_AVX512 1 /* the _wide forms, when it has AVX-512 */
#define WIDE_TARGET __attribute__((target("avx512f,avx512bw,bmi2,popcnt")))
#endif

#include "error.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* ---- UTF-8 ---------------------------------------------------------- */

size_t utf8_decode(const char *str, size_t len, uint32_t *cp, int *valid)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	uint32_t v;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		if (valid)
			*valid = 1;
		return 1;
	}
	/*
	 * The second byte's allowed range depends on the first: this rules
	 * out overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and
	 * values above U+10FFFF (F4 90..) in one place.
	 */
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
	} else {
		goto invalid;
	}
	if (len < n)
		goto invalid;
	{
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (s[1] < lo || s[1] > hi)
			goto invalid;
	}
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			goto invalid;
		v = (v << 6) | (s[k] & 0x3F);
	}
	*cp = v;
	if (valid)
		*valid = 1;
	return n;

invalid:
	*cp = TEXT_REPLACEMENT;
	if (valid)
		*valid = 0;
	return 1;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = TEXT_REPLACEMENT;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The length of the well-formed sequence at s, 0 if there is none: what
 * utf8_decode reads, without the code point, for the scans over a whole
 * text below.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	/* Most of Japanese: with these lead bytes any continuation bytes
	 * make a character (E0 and ED restrict the second one). */
	if (len >= 3 && utf8_is_common3(s))
		return 3;
	if (c >= 0xC2 && c <= 0xDF && len >= 2 && (s[1] & 0xC0) == 0x80)
		return 2;
	{
		uint32_t cp;
		int valid;
		size_t n = utf8_decode((const char *)s, len, &cp, &valid);

		return valid ? n : 0;
	}
}

/* Bytes from s[i] on that are ASCII, a word at a time. */
static size_t ascii_run(const unsigned char *s, size_t i, size_t len)
{
	size_t j = i;

	while (j + 8 <= len) {
		uint64_t w;

		memcpy(&w, s + j, 8);
		if (w & 0x8080808080808080ull)
			break;
		j += 8;
	}
	while (j < len && s[j] < 0x80)
		j++;
	return j - i;
}

static size_t find_invalid_bytewise(const unsigned char *s, size_t i,
				    size_t len)
{
	while (i < len) {
		size_t n;

		if (s[i] < 0x80) {
			i += ascii_run(s, i, len);
			continue;
		}
		/* Runs of most of Japanese, as in utf8_seq_len. */
		while (len - i >= 3 && utf8_is_common3(s + i))
			i += 3;
		if (i == len || s[i] < 0x80)
			continue;
		if (!(n = utf8_seq_len(s + i, len - i)))
			return i;
		i += n;
	}
	return len;
}

#ifdef UTF8_SSSE3
/*
 * UTF-8 validation sixteen bytes at a time, by the lookup algorithm of
 * Keiser and Lemire ("Validating UTF-8 in less than one instruction per
 * byte", 2021).  Each byte is looked at with the one before: three
 * tables, indexed by the high and the low nibble of the first and the
 * high nibble of the second, give the errors each allows, and the pair
 * is wrong where an error is in all three.  The second and third bytes
 * after a lead of three or four bytes must be continuations, which is
 * what the top bit the tables leave says (U8_TWO_CONTS).
 */
#define U8_TOO_SHORT 0x01      /* a lead, then no continuation */
#define U8_TOO_LONG 0x02       /* ASCII, then a continuation */
#define U8_OVERLONG_3 0x04     /* E0 80..9F */
#define U8_TOO_LARGE 0x08      /* F4..FF 90..BF */
#define U8_SURROGATE 0x10      /* ED A0..BF */
#define U8_OVERLONG_2 0x20     /* C0, C1 */
#define U8_TOO_LARGE_1000 0x40 /* F5..FF 80..8F */
#define U8_OVERLONG_4 0x40     /* F0 80..8F */
#define U8_TWO_CONTS 0x80      /* a continuation, then another */
#define U8_CARRY (U8_TOO_SHORT | U8_TOO_LONG | U8_TWO_CONTS)
#define U8_BIG (U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000)
#define U8_CONT (U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS)

static const uint8_t u8_first_high[16] = {
	/* 0___ ASCII */
	U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
	U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
	/* 10__ continuation */
	U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,
	/* 1100, 1101: leads of two */
	U8_TOO_SHORT | U8_OVERLONG_2, U8_TOO_SHORT,
	/* 1110: of three; 1111: of four */
	U8_TOO_SHORT | U8_OVERLONG_3 | U8_SURROGATE,
	U8_TOO_SHORT | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_OVERLONG_4,
};
static const uint8_t u8_first_low[16] = {
	U8_CARRY | U8_OVERLONG_3 | U8_OVERLONG_2 | U8_OVERLONG_4, /* 0 */
	U8_CARRY | U8_OVERLONG_2,				  /* 1 */
	U8_CARRY, U8_CARRY,					  /* 2, 3 */
	U8_CARRY | U8_TOO_LARGE,				  /* 4 */
	U8_BIG, U8_BIG, U8_BIG, U8_BIG, U8_BIG, U8_BIG, U8_BIG, U8_BIG,
	U8_BIG | U8_SURROGATE, /* D */
	U8_BIG, U8_BIG,
};
static const uint8_t u8_second_high[16] = {
	/* 0___ ASCII */
	U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
	U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
	/* 1000, 1001, 101_: continuations */
	U8_CONT | U8_OVERLONG_3 | U8_TOO_LARGE_1000 | U8_OVERLONG_4,
	U8_CONT | U8_OVERLONG_3 | U8_TOO_LARGE,
	U8_CONT | U8_SURROGATE | U8_TOO_LARGE,
	U8_CONT | U8_SURROGATE | U8_TOO_LARGE,
	/* 11__ leads */
	U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
};

#define U8_TARGET __attribute__((target("ssse3")))

U8_TARGET static inline __m128i u8_lookup(const uint8_t *table, __m128i x)
{
	return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)table), x);
}

U8_TARGET static inline __m128i u8_high(__m128i x)
{
	return _mm_and_si128(_mm_srli_epi16(x, 4), _mm_set1_epi8(0x0F));
}

U8_TARGET static inline __m128i u8_low(__m128i x)
{
	return _mm_and_si128(x, _mm_set1_epi8(0x0F));
}

U8_TARGET static inline int u8_any(__m128i x)
{
	return _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) !=
	       0xFFFF;
}

/* What is wrong with the sixteen bytes of x, prev the sixteen before. */
U8_TARGET static inline __m128i u8_errors(__m128i x, __m128i prev)
{
	__m128i p1 = _mm_alignr_epi8(x, prev, 15);
	__m128i p2 = _mm_alignr_epi8(x, prev, 14);
	__m128i p3 = _mm_alignr_epi8(x, prev, 13);
	__m128i pair = _mm_and_si128(
		_mm_and_si128(u8_lookup(u8_first_high, u8_high(p1)),
			      u8_lookup(u8_first_low, u8_low(p1))),
		u8_lookup(u8_second_high, u8_high(x)));
	/* Bytes two and three after a lead of three or four (E0.., F0..)
	 * get the top bit: where pair has it too, they are right. */
	__m128i must = _mm_or_si128(
		_mm_subs_epu8(p2, _mm_set1_epi8((char)(0xE0 - 0x80))),
		_mm_subs_epu8(p3, _mm_set1_epi8((char)(0xF0 - 0x80))));

	return _mm_xor_si128(
		_mm_and_si128(must, _mm_set1_epi8((char)0x80)), pair);
}

/*
 * Where the blocks of 64 bytes from s end, or the start of the first
 * that has an error or finishes a character the block before cut short:
 * the bytes before are valid UTF-8 but for a character cut there.
 */
U8_TARGET static size_t utf8_valid_ssse3(const unsigned char *s,
					 size_t len)
{
	/* The last bytes of a block that an ASCII one cannot finish: a
	 * lead of four, three or two, three, two or one before its end. */
	const __m128i cut = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1,
					  -1, -1, -1, -1, (char)0xEF,
					  (char)0xDF, (char)0xBF);
	__m128i prev = _mm_setzero_si128();
	size_t i;
	int k;

	for (i = 0; len - i >= 64; i += 64) {
		__m128i in[4], err = _mm_setzero_si128();

		for (k = 0; k < 4; k++)
			in[k] = _mm_loadu_si128(
				(const __m128i *)(s + i + 16 * (size_t)k));
		if (!_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(in[0], in[1]),
						    _mm_or_si128(in[2], in[3]))))
			err = _mm_subs_epu8(prev, cut);
		else
			for (k = 0; k < 4; k++)
				err = _mm_or_si128(
					err, u8_errors(in[k],
						       k ? in[k - 1] : prev));
		if (u8_any(err))
			return i;
		prev = in[3];
	}
	return i;
}
#endif

#ifdef TEXT_AVX512
/*
 * Whether the _wide forms run: the processor has AVX-512 BW and
 * SPECREVIEW_NO_AVX512 is not set, asked once (-1 until then; 0 forced
 * by text_simd_narrow).
 */
static atomic_int text_wide_state = -1;

static int text_wide(void)
{
	int w = atomic_load_explicit(&text_wide_state, memory_order_relaxed);

	if (w < 0) {
		w = __builtin_cpu_supports("avx512f") &&
		    __builtin_cpu_supports("avx512bw") &&
		    __builtin_cpu_supports("bmi2") &&
		    __builtin_cpu_supports("popcnt") &&
		    !getenv("SPECREVIEW_NO_AVX512");
		atomic_store_explicit(&text_wide_state, w,
				      memory_order_relaxed);
	}
	return w;
}

/* A table of 16 bytes in each 128-bit lane, looked up by nibbles. */
WIDE_TARGET static inline __m512i u8w_lookup(const uint8_t *table,
					     __m512i x)
{
	return _mm512_shuffle_epi8(
		_mm512_broadcast_i32x4(
			_mm_loadu_si128((const __m128i *)table)),
		x);
}

/* x moved up n bytes, the last n of prev coming in (the lanes of a
 * 512-bit shuffle are 128 bits: each takes the 16 bytes before it). */
#define U8W_PREV(x, prev, n)                                                   \
	_mm512_alignr_epi8(                                                    \
		(x),                                                           \
		_mm512_permutex2var_epi64(                                     \
			(prev), _mm512_set_epi64(13, 12, 11, 10, 9, 8, 7, 6),  \
			(x)),                                                  \
		16 - (n))

/* u8_errors() on 64 bytes. */
WIDE_TARGET static inline __m512i u8w_errors(__m512i x, __m512i prev)
{
	const __m512i nib = _mm512_set1_epi8(0x0F);
	__m512i p1 = U8W_PREV(x, prev, 1), p2 = U8W_PREV(x, prev, 2),
		p3 = U8W_PREV(x, prev, 3);
	__m512i pair = _mm512_and_si512(
		_mm512_and_si512(
			u8w_lookup(u8_first_high,
				   _mm512_and_si512(_mm512_srli_epi16(p1, 4),
						    nib)),
			u8w_lookup(u8_first_low, _mm512_and_si512(p1, nib))),
		u8w_lookup(u8_second_high,
			   _mm512_and_si512(_mm512_srli_epi16(x, 4), nib)));
	__m512i must = _mm512_or_si512(
		_mm512_subs_epu8(p2, _mm512_set1_epi8((char)(0xE0 - 0x80))),
		_mm512_subs_epu8(p3, _mm512_set1_epi8((char)(0xF0 - 0x80))));

	return _mm512_xor_si512(
		_mm512_and_si512(must, _mm512_set1_epi8((char)0x80)), pair);
}

/* utf8_valid_ssse3() a block of 64 bytes a step. */
WIDE_TARGET static size_t utf8_valid_wide(const unsigned char *s, size_t len)
{
	/* The last bytes of a block that an ASCII one cannot finish. */
	static const uint8_t cut_bytes[64] = {
		[0 ... 60] = 0xFF, [61] = 0xEF, [62] = 0xDF, [63] = 0xBF,
	};
	const __m512i cut = _mm512_loadu_si512((const void *)cut_bytes);
	__m512i prev = _mm512_setzero_si512();
	size_t i;

	for (i = 0; len - i >= 64; i += 64) {
		__m512i x = _mm512_loadu_si512((const void *)(s + i)), err;

		if (!_mm512_movepi8_mask(x))
			err = _mm512_subs_epu8(prev, cut);
		else
			err = u8w_errors(x, prev);
		if (_mm512_test_epi8_mask(err, err))
			return i;
		prev = x;
	}
	return i;
}
#endif

void text_simd_narrow(int narrow)
{
#ifdef TEXT_AVX512
	atomic_store_explicit(&text_wide_state, narrow ? 0 : -1,
			      memory_order_relaxed);
#else
	(void)narrow;
#endif
}

size_t utf8_find_invalid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

#ifdef UTF8_SSSE3
	if (len >= 64 && __builtin_cpu_supports("ssse3")) {
		/* What is before i is valid but for a character that may be
		 * cut at i: from its start on, byte by byte. */
#ifdef TEXT_AVX512
		i = text_wide() ? utf8_valid_wide(s, len)
				: utf8_valid_ssse3(s, len);
#else
		i = utf8_valid_ssse3(s, len);
#endif
		i = i ? i - 1 : 0;
		while (i > 0 && (s[i] & 0xC0) == 0x80)
			i--;
	}
#endif
	return find_invalid_bytewise(s, i, len);
}

size_t utf8_count(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n = 0;

	while (i < len) {
		size_t k;

		if (s[i] < 0x80) {
			k = ascii_run(s, i, len);
			i += k;
			n += k;
			continue;
		}
		/* An invalid byte is one character, as utf8_decode reads it. */
		k = utf8_seq_len(s + i, len - i);
		i += k ? k : 1;
		n++;
	}
	return n;
}

int text_is_cjk(uint32_t cp)
{
	if (cp < 0x2E80)
		return 0;
	return (cp <= 0x2FDF) ||		 /* radicals, Kangxi */
	       (cp >= 0x3001 && cp <= 0x303F) || /* CJK punctuation */
	       (cp >= 0x3040 && cp <= 0x30FF) || /* hiragana, katakana */
	       (cp >= 0x3190 && cp <= 0x319F) || /* kanbun */
	       (cp >= 0x31C0 && cp <= 0x31FF) || /* strokes, kana ext. */
	       (cp >= 0x3200 && cp <= 0x33FF) || /* enclosed, compat. */
	       (cp >= 0x3400 && cp <= 0x4DBF) || /* ext. A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) || /* unified ideographs */
	       (cp >= 0xF900 && cp <= 0xFAFF) || /* compat. ideographs */
	       (cp >= 0xFE30 && cp <= 0xFE4F) || /* compat. forms */
	       (cp >= 0xFF01 && cp <= 0xFF9F) || /* full/half-width */
	       (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	       (cp >= 0x1B000 && cp <= 0x1B16F) || /* kana supplement */
	       (cp >= 0x20000 && cp <= 0x3FFFF);   /* ext. B and later */
}

/* ---- screen width ---------------------------------------------------- */

int text_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x7F)
		return 1;
	if (cp < 0xA0)
		return 1; /* DEL and C1 controls: callers escape them */
	if (cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
	    (cp >= 0xE0100 && cp <= 0xE01EF))
		return 0;
	if (cp > 0x10FFFF)
		return 1;
	w = utf8proc_charwidth((utf8proc_int32_t)cp);
	if (w == 0) {
		utf8proc_category_t cat =
		    utf8proc_category((utf8proc_int32_t)cp);

		/* Zero width only for marks and format characters. */
		if (cat != UTF8PROC_CATEGORY_MN &&
		    cat != UTF8PROC_CATEGORY_ME &&
		    cat != UTF8PROC_CATEGORY_MC &&
		    cat != UTF8PROC_CATEGORY_CF &&
		    !(cp >= 0x1160 && cp <= 0x11FF))
			return 1;
	}
	return w > 2 ? 2 : w;
}

/* Advances *col past code point `cp` (tabs stop at multiples of 8). */
static inline size_t advance_col(size_t col, uint32_t cp)
{
	if (cp == '\t')
		return (col / 8 + 1) * 8;
	return col + (size_t)text_cp_width(cp);
}

size_t text_width(const char *s, size_t len, size_t startcol)
{
	size_t i = 0, col = startcol;

	while (i < len) {
		uint32_t cp;

		i += utf8_decode(s + i, len - i, &cp, NULL);
		col = advance_col(col, cp);
	}
	return col - startcol;
}

size_t text_fit(const char *s, size_t len, size_t startcol, size_t maxcols,
		size_t *cols)
{
	size_t i = 0, col = startcol, end;

	/* maxcols may be SIZE_MAX for "no limit". */
	end = maxcols > SIZE_MAX - startcol ? SIZE_MAX : startcol + maxcols;

	while (i < len) {
		size_t j, c;
		uint32_t cp;

		/* A cluster: one character and the zero-width ones after it. */
		j = i + utf8_decode(s + i, len - i, &cp, NULL);
		c = advance_col(col, cp);
		while (j < len) {
			size_t n = utf8_decode(s + j, len - j, &cp, NULL);

			if (cp == '\t' || text_cp_width(cp) != 0)
				break;
			j += n;
		}
		if (c > end)
			break;
		col = c;
		i = j;
	}
	if (cols)
		*cols = col - startcol;
	return i;
}

/* ---- normalization ---------------------------------------------------- */

/*
 * Each BMP code point has a precomputed entry (built once, under
 * pthread_once, so two threads may normalize at once): the low byte holds
 * E_* flags, the rest a payload.  A "simple" entry (no E_REPL, E_ASC,
 * E_SLOW, E_WS, E_DROP) means the character is its own normal form, and
 * is copied as is: that and the ASCII table are the hot path.
 */
enum {
	E_REPL = 1 << 0,  /* replaced by the string at pool[payload] */
	E_ASC = 1 << 1,	  /* replaced by the ASCII byte in the payload */
	E_SLOW = 1 << 2,  /* replaced by what utf8proc says, asked each time */
	E_WS = 1 << 3,	  /* whitespace */
	E_DROP = 1 << 4,  /* invisible format character: removed */
	E_MARK = 1 << 5,  /* combines with the character before it */
	E_LONGV = 1 << 6, /* ー or a dash: dropped after katakana */
	E_TRIG = 1 << 7,  /* may end an okurigana variant (simple only) */
	/* Classes of a character, kept in norm.last for the last one
	 * emitted, and in a simple entry's otherwise unused payload bits. */
	L_CJK = 1 << 8,
	L_KATA = 1 << 9,
	L_KANA = 1 << 10, /* hiragana or katakana: takes ゛ ゜ as marks */
	L_OKPRE = 1 << 11, /* comes before an okurigana variant's E_TRIG */
};

/* The classes kept of the last character emitted. */
#define L_ALL (L_CJK | L_KATA | L_KANA | L_OKPRE)

#define E_PAYLOAD(e) ((e) >> 8)
#define NORM_OPTS                                                              \
	(UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |              \
	 UTF8PROC_STABLE)

static uint32_t norm_tab[0x10000];
static unsigned char norm_pool[1 << 16];
static pthread_once_t norm_once = PTHREAD_ONCE_INIT;

/* ASCII classes. */
enum { A_PLAIN, A_SPACE, A_NL, A_MARKUP };
static unsigned char ascii_plain[128], ascii_markup[128];
/* The bytes bol() can do something with at the start of a line. */
static unsigned char may_start_markup[256];
static unsigned char ascii_lower[128];

static int is_kata(uint32_t cp)
{
	return (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x31F0 && cp <= 0x31FF);
}

/*
 * The next to last characters of the okurigana variants (okuri_rules and
 * 行ない): only after one of them can an E_TRIG character end a variant.
 */
static int is_okuri_pre(uint32_t cp)
{
	/* 又 及 び く り な */
	return cp == 0x53C8 || cp == 0x53CA || cp == 0x3073 || cp == 0x304F ||
	       cp == 0x308A || cp == 0x306A;
}

static uint32_t cp_class(uint32_t cp)
{
	if (cp < 0x2E80)
		return 0;
	return (text_is_cjk(cp) ? L_CJK : 0) | (is_kata(cp) ? L_KATA : 0) |
	       ((cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA)
		    ? L_KANA
		    : 0) |
	       (is_okuri_pre(cp) ? L_OKPRE : 0);
}

/* The spacing sound marks ゛ ゜ combine only with kana. */
static int is_spacing_sound_mark(uint32_t cp)
{
	return cp == 0x309B || cp == 0x309C;
}

static int is_space_cp(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 ||
	       cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
	       cp == 0x3000;
}

static int is_drop_cp(uint32_t cp)
{
	return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) ||
	       (cp >= 0xE0000 && cp <= 0xE007F) ||
	       (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Can `cp` combine with what precedes it (so NFC may change the pair)?
 * p is its property. */
static int is_mark_prop(uint32_t cp, const utf8proc_property_t *p)
{
	if (cp < 0x300)
		return 0;
	if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2) ||
	    cp == 0x309B || cp == 0x309C || cp == 0xFF9E || cp == 0xFF9F)
		return 1;
	return p->combining_class != 0 ||
	       (p->comb_index != 0xFFFF && (p->comb_index & 0x8000)) ||
	       p->category == UTF8PROC_CATEGORY_MN ||
	       p->category == UTF8PROC_CATEGORY_MC ||
	       p->category == UTF8PROC_CATEGORY_ME;
}

static int is_mark_cp(uint32_t cp)
{
	return cp >= 0x300 &&
	       is_mark_prop(cp, utf8proc_get_property((utf8proc_int32_t)cp));
}

static int is_longv_cp(uint32_t cp)
{
	return cp == 0x30FC || cp == 0xFF70 || cp == 0x2212 || cp == 0x2015 ||
	       cp == 0x2010;
}

/* Our own unifications, applied after NFKC and case folding. */
static uint32_t fold_cp(uint32_t cp)
{
	switch (cp) {
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x2212:
	case 0xFF0D:
		return '-';
	case 0x301C:
	case 0xFF5E:
		return '~';
	}
	return cp;
}

/* Whether NFKC and case folding leave the code point of property p as
 * it is. */
static int is_simple_prop(const utf8proc_property_t *p)
{
	return p->decomp_seqindex == 0xFFFF && p->casefold_seqindex == 0xFFFF;
}

/*
 * NFKC + case folding + fold_cp() of one code point (of property p), into
 * out[] (room for `max`).  Returns the count, or 0 when utf8proc fails.
 */
static size_t map_one(uint32_t cp, const utf8proc_property_t *p,
		      uint32_t *out, size_t max)
{
	utf8proc_int32_t buf[64];
	utf8proc_ssize_t n;

	if (cp == 0x309B || cp == 0x309C || is_simple_prop(p)) {
		out[0] = fold_cp(cp);
		return 1;
	}
	n = utf8proc_decompose_char(
	    (utf8proc_int32_t)cp, buf, 64,
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD, NULL);
	if (n <= 0 || n > 64)
		return 0;
	n = utf8proc_reencode(buf, n, NORM_OPTS);
	if (n <= 0 || (size_t)n > max)
		return 0;
	/* reencode leaves UTF-8 in buf: decode it back. */
	{
		const char *u = (const char *)buf;
		size_t len = (size_t)n, i = 0, k = 0;

		while (i < len && k < max) {
			uint32_t c;

			i += utf8_decode(u + i, len - i, &c, NULL);
			out[k++] = fold_cp(c);
		}
		return k;
	}
}

/* The entry of a code point, computed (used to fill the table: its
 * property is looked up once, which halves the table's build). */
static uint32_t compute_entry(uint32_t cp, size_t *pool_len)
{
	const utf8proc_property_t *p;
	uint32_t rep[64], e = 0;
	size_t n, bytes = 0;
	int mark;

	if (is_space_cp(cp))
		return E_WS;
	if (is_drop_cp(cp))
		return E_DROP;
	if (is_longv_cp(cp))
		e |= E_LONGV;
	p = utf8proc_get_property((utf8proc_int32_t)cp);
	mark = is_mark_prop(cp, p);
	n = map_one(cp, p, rep, 64);
	if (n == 0)
		return e | cp_class(cp) | (mark ? E_MARK : 0);
	if (mark || (rep[0] != cp && is_mark_cp(rep[0])))
		e |= E_MARK;
	if (n == 1 && rep[0] == cp) {
		switch (cp) {
		case 0x306F: /* は */
		case 0x3073: /* び */
		case 0x306B: /* に */
		case 0x6271: /* 扱 */
		case 0x3046: /* う */
		case 0x308F: /* わ */
		case 0x3048: /* え */
		case 0x3063: /* っ */
		case 0x3044: /* い */
			e |= E_TRIG;
		}
		return e | cp_class(cp);
	}
	if (n == 1 && rep[0] < 0x80 && !is_space_cp(rep[0]))
		return e | E_ASC | (rep[0] << 8);
	if (!pool_len)
		return e | E_SLOW;
	for (size_t k = 0; k < n; k++) {
		char tmp[4];

		bytes += utf8_encode(rep[k], tmp);
	}
	if (bytes > 255 || *pool_len + 1 + bytes > sizeof(norm_pool))
		return e | E_SLOW;
	e |= E_REPL | (uint32_t)(*pool_len << 8);
	norm_pool[(*pool_len)++] = (unsigned char)bytes;
	for (size_t k = 0; k < n; k++)
		*pool_len += utf8_encode(rep[k], (char *)norm_pool + *pool_len);
	return e;
}

static void norm_build(void)
{
	size_t pool_len = 1; /* offset 0 unused */

	for (int c = 0; c < 128; c++) {
		unsigned char cls = A_PLAIN;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
		    c == '\f')
			cls = A_SPACE;
		else if (c == '\n')
			cls = A_NL;
		ascii_plain[c] = cls;
		if (cls == A_PLAIN && strchr("*_~`<[]!|{\\&", c))
			cls = A_MARKUP;
		ascii_markup[c] = cls;
		ascii_lower[c] =
		    (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		may_start_markup[c] = c && strchr(" \t`~:<-=+|*_>#", c);
	}
	for (uint32_t cp = 0x80; cp < 0x10000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		norm_tab[cp] = compute_entry(cp, &pool_len);
	}
}

static uint32_t entry_of(uint32_t cp)
{
	if (cp < 0x10000)
		return norm_tab[cp];
	if (cp >= 0x20000 && cp <= 0x3FFFF && !(cp >= 0x2F800 && cp <= 0x2FA1F))
		return L_CJK; /* ideographs: simple */
	return compute_entry(cp, NULL);
}

/* Normalization state. */
enum { P_WS = 1, P_PARA = 2, P_GYONAI = 4 };

#define NORM_LINKS 4

struct norm {
	char *buf;
	uint32_t *map; /* cap + 1 entries */
	size_t o, cap;
	unsigned pend; /* P_* */
	uint32_t pend_off;
	unsigned nl;   /* newlines in the pending whitespace run */
	uint32_t last; /* L_* of the last emitted character */
	int oom;
	size_t budget; /* bytes markup lookahead may still scan */
	size_t invalid, first_invalid;
	struct {
		size_t close, end;
	} links[NORM_LINKS]; /* [text](url) */
	int nlinks;
	unsigned rewrites; /* okurigana rewrites so far */
	const uint32_t *starts; /* of blocks, ascending */
	size_t nstarts, istart;  /* ... and the next one not yet passed */
	uint32_t *breaks; /* where the '\n' of paragraph breaks went */
	size_t nbreaks, abreaks;
};

static int norm_reserve(struct norm *st, size_t extra)
{
	size_t cap;
	char *b;
	uint32_t *m;

	if (st->cap - st->o >= extra)
		return 0;
	if (st->oom)
		return SR_ENOMEM;
	cap = st->cap + st->cap / 2 + extra + 64;
	if (cap > SIZE_MAX / sizeof(uint32_t) - 1)
		goto oom;
	b = realloc(st->buf, cap + 1);
	if (!b)
		goto oom;
	st->buf = b;
	m = realloc(st->map, (cap + 1) * sizeof(uint32_t));
	if (!m)
		goto oom;
	st->map = m;
	st->cap = cap;
	return 0;
oom:
	st->oom = 1;
	return SR_ENOMEM;
}

static void add_ws(struct norm *st, size_t off, int newline)
{
	if (!(st->pend & P_WS)) {
		st->pend |= P_WS;
		st->pend_off = (uint32_t)off;
		st->nl = 0;
	}
	if (newline && ++st->nl >= 2)
		st->pend |= P_PARA;
}

/* The output from `at` on is made again: the breaks noted there go. */
static void drop_breaks(struct norm *st, size_t at)
{
	while (st->nbreaks && st->breaks[st->nbreaks - 1] >= at)
		st->nbreaks--;
}

/* Replaces `cut` bytes at buf[at] by `rep` (words, never a break); new
 * bytes map where buf[at] did. */
static void splice(struct norm *st, size_t at, size_t cut, const char *rep,
		   size_t replen)
{
	uint32_t m = st->map[at];
	size_t k;

	assert(st->cap - st->o >= replen);
	assert(!memchr(rep, '\n', replen) && !memchr(st->buf + at, '\n', cut));
	/* The breaks after the cut move with the text. */
	for (k = st->nbreaks; k > 0 && st->breaks[k - 1] >= at + cut; k--)
		st->breaks[k - 1] = (uint32_t)(st->breaks[k - 1] - cut + replen);
	memmove(st->buf + at + replen, st->buf + at + cut, st->o - at - cut);
	memmove(st->map + at + replen, st->map + at + cut,
		(st->o - at - cut) * sizeof(uint32_t));
	memcpy(st->buf + at, rep, replen);
	for (k = 0; k < replen; k++)
		st->map[at + k] = m;
	st->o = st->o + replen - cut;
}

static int tail_is(const struct norm *st, const char *s, size_t n)
{
	return st->o >= n && !memcmp(st->buf + st->o - n, s, n);
}

/*
 * Okurigana variants, rewritten in the output once their last character
 * is there, so spaces and markup between the characters do not matter.
 * `at` is where in the pattern the `cut` bytes replaced by `rep` start.
 */
static const struct okuri {
	const char *pat, *rep;
	unsigned char len, replen, at, cut;
} okuri_rules[] = {
#define OKURI(pat, rep, at, cut)                                               \
	{                                                                      \
		pat, rep, sizeof(pat) - 1, sizeof(rep) - 1, at, cut            \
	}
    OKURI("又は", "また", 0, 3),   OKURI("及び", "およ", 0, 3),
    OKURI("並びに", "なら", 0, 3), OKURI("若しくは", "も", 0, 3),
    OKURI("取り扱", "", 3, 3),	   OKURI("行なう", "", 3, 3),
    OKURI("行なわ", "", 3, 3),	   OKURI("行なえ", "", 3, 3),
    OKURI("行なっ", "", 3, 3),
#undef OKURI
};

/*
 * Called after a possible last character of a variant (E_TRIG, three
 * bytes) was emitted.  Returns 1 when the output was rewritten (or will
 * be, for 行ない).  Hot: は, に, い are everywhere.
 */
static int okuri(struct norm *st)
{
	const char *t = st->buf + st->o - 3;

	for (size_t k = 0; k < SR_ARRAY_SIZE(okuri_rules); k++) {
		const struct okuri *r = &okuri_rules[k];

		if (r->pat[r->len - 1] != t[2] || r->pat[r->len - 2] != t[1] ||
		    !tail_is(st, r->pat, r->len))
			continue;
		splice(st, st->o - r->len + r->at, r->cut, r->rep, r->replen);
		st->rewrites++;
		return 1;
	}
	/* 行ない → 行い, but not in 行ないし (ないし, "or"). */
	if (t[2] == "い"[2] && tail_is(st, "行ない", 9)) {
		st->pend |= P_GYONAI;
		st->rewrites++;
		return 1;
	}
	return 0;
}

/*
 * A '\n' goes to st->o: noted (rewrites of the output keep the notes
 * with it: drop_breaks, splice).  Out of the way of resolve, which runs
 * at every space.
 */
static __attribute__((noinline)) void note_break(struct norm *st)
{
	if (SR_ALLOC_GROW(st->breaks, st->nbreaks + 1, st->abreaks) < 0)
		st->oom = 1;
	else
		st->breaks[st->nbreaks++] = (uint32_t)st->o;
}

/* Settles pending whitespace (and 行ない) before `next` is emitted. */
static void resolve(struct norm *st, uint32_t next, uint32_t next_cls)
{
	if (st->pend & P_GYONAI) {
		if (next != 0x3057 /* し */ && tail_is(st, "行ない", 9))
			splice(st, st->o - 6, 3, "", 0);
	}
	if ((st->pend & P_WS) && st->o > 0) {
		if (st->pend & P_PARA) {
			note_break(st);
			st->buf[st->o] = '\n';
			st->map[st->o++] = st->pend_off;
			st->last = 0;
		} else if (!((st->last | next_cls) & L_CJK)) {
			st->buf[st->o] = ' ';
			st->map[st->o++] = st->pend_off;
			st->last = 0;
		}
	}
	st->pend = 0;
	st->nl = 0;
}

/* Emits an already normalized code point that came from `off`. */
static void put_cp(struct norm *st, uint32_t cp, size_t off)
{
	uint32_t cls;
	size_t n;

	if (is_space_cp(cp)) {
		add_ws(st, off, cp == '\n');
		return;
	}
	if (cp == 0x30FC && (st->last & L_KATA) && !(st->pend & P_WS))
		return;
	if (norm_reserve(st, 16) < 0)
		return;
	cls = cp_class(cp);
	if (st->pend)
		resolve(st, cp, cls);
	n = utf8_encode(cp, st->buf + st->o);
	for (size_t k = 0; k < n; k++)
		st->map[st->o + k] = (uint32_t)off;
	st->o += n;
	st->last = cls;
	if (cp < 0x10000 && (norm_tab[cp] & E_TRIG))
		okuri(st);
}

/*
 * Normalizes source code point `cp` at `off` (entry `e`) and emits it.
 * Returns the number of bytes at the end of the output that are exactly
 * this character's normal form (so a combining mark after it may still
 * recompose it), or 0.
 */
static size_t feed_cp(struct norm *st, uint32_t cp, uint32_t e, size_t off)
{
	unsigned rewrites = st->rewrites;
	uint32_t rep[64];
	size_t n = 0, start;

	if (e & E_DROP)
		return 0;
	if (e & E_WS) {
		add_ws(st, off, 0);
		return 0;
	}
	if ((e & E_LONGV) && (st->last & L_KATA) && !(st->pend & P_WS))
		return 0;
	if (e & E_ASC) {
		rep[n++] = E_PAYLOAD(e);
	} else if (e & E_REPL) {
		const unsigned char *p = norm_pool + E_PAYLOAD(e);
		size_t len = p[0], i = 0;

		while (i < len && n < SR_ARRAY_SIZE(rep))
			i += utf8_decode((const char *)p + 1 + i, len - i,
					 &rep[n++], NULL);
	} else if (e & E_SLOW) {
		n = map_one(cp, utf8proc_get_property((utf8proc_int32_t)cp),
			    rep, SR_ARRAY_SIZE(rep));
	}
	if (n == 0)
		rep[n++] = cp;
	/* Settle pending whitespace first, to know where our output starts. */
	if (st->pend && !is_space_cp(rep[0])) {
		if (norm_reserve(st, 16) < 0)
			return 0;
		resolve(st, rep[0], cp_class(rep[0]));
	}
	start = st->o;
	for (size_t k = 0; k < n; k++)
		put_cp(st, rep[k], off);
	if (st->pend & ~P_GYONAI)
		return 0; /* it ended in whitespace */
	if (st->rewrites == rewrites)
		return st->o >= start ? st->o - start : 0;
	/* Okurigana rewrites leave the character that triggered them last. */
	if (n == 1) {
		char tmp[4];
		size_t k = utf8_encode(rep[0], tmp);

		if (tail_is(st, tmp, k))
			return k;
	}
	return 0;
}

/* Class of the last character of the output, read from the buffer. */
static uint32_t last_class(const struct norm *st)
{
	size_t k = st->o;
	uint32_t cp;

	if (k == 0)
		return 0;
	do
		k--;
	while (k > 0 && ((unsigned char)st->buf[k] & 0xC0) == 0x80 &&
	       st->o - k < 4);
	utf8_decode(st->buf + k, st->o - k, &cp, NULL);
	return cp_class(cp);
}

/*
 * Combining marks from `i`, after a base character (have_base: source at
 * `src`, output from buf[out]) or standalone (src == i).  The base's
 * output is taken back and base and marks are composed (and the marks
 * reordered) by utf8proc.  Rare: decomposed text, half-width dakuten.
 * Returns the offset after the marks.
 */
static size_t cluster(struct norm *st, const char *s, size_t len, size_t src,
		      size_t out, size_t i, int have_base)
{
	struct strbuf sb = STRBUF_INIT;
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t n;
	size_t j = i;
	uint32_t cp;

	/* ゛ and ゜ on their own stay as they are: they take no marks. */
	utf8_decode(s + src, len - src, &cp, NULL);
	if (have_base && is_spacing_sound_mark(cp)) {
		have_base = 0;
		src = i;
	}
	while (j < len) {
		int valid;
		size_t k = utf8_decode(s + j, len - j, &cp, &valid);

		/* Invisible characters between marks do not split them. */
		if (j > i &&
		    (!valid || (!(entry_of(cp) & E_MARK) && !is_drop_cp(cp)) ||
		     (is_spacing_sound_mark(cp) && !(st->last & L_KANA))))
			break;
		j += k;
	}
	/* The cluster, with the spacing sound marks made combining. */
	strbuf_grow(&sb, j - src);
	for (size_t k = src; k < j;) {
		size_t m = utf8_decode(s + k, j - k, &cp, NULL);
		char tmp[4];

		if (is_spacing_sound_mark(cp))
			strbuf_add(&sb, tmp, utf8_encode(cp - 2, tmp));
		else if (!is_drop_cp(cp))
			strbuf_add(&sb, s + k, m);
		k += m;
	}
	if (sb.failed) {
		st->oom = 1;
		goto out;
	}
	if (have_base) {
		/* The cluster is made again from `out` on. */
		drop_breaks(st, out);
		st->o = out;
		st->last = last_class(st);
	}
	n = utf8proc_map((const utf8proc_uint8_t *)sb.buf,
			 (utf8proc_ssize_t)sb.len, &res, NORM_OPTS);
	if (n < 0) {
		if (n == UTF8PROC_ERROR_NOMEM)
			st->oom = 1;
		goto out;
	}
	for (size_t k = 0; k < (size_t)n;) {
		k += utf8_decode((const char *)res + k, (size_t)n - k, &cp,
				 NULL);
		put_cp(st, fold_cp(cp), src);
	}
out:
	free(res);
	strbuf_release(&sb);
	return j;
}

/* ---- markup ---- */

static int is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int space_before(const unsigned char *s, size_t i)
{
	if (i == 0 || is_ascii_space(s[i - 1]))
		return 1;
	return i >= 3 && s[i - 3] == 0xE3 && s[i - 2] == 0x80 &&
	       s[i - 1] == 0x80;
}

static int space_at(const unsigned char *s, size_t len, size_t i)
{
	if (i >= len || is_ascii_space(s[i]))
		return 1;
	return i + 2 < len && s[i] == 0xE3 && s[i + 1] == 0x80 &&
	       s[i + 2] == 0x80;
}

static void put_ascii(struct norm *st, unsigned char c, size_t off)
{
	put_cp(st, ascii_lower[c], off);
}

/* Markup lookahead is bounded in total, so hostile input stays linear. */
static size_t scan_limit(struct norm *st, size_t i, size_t len, size_t want)
{
	size_t n = len - i;

	if (n > want)
		n = want;
	if (n > st->budget)
		n = st->budget;
	return i + n;
}

static void spend(struct norm *st, size_t n)
{
	st->budget = n > st->budget ? 0 : st->budget - n;
}

/* A pandoc attribute block {.cls}, {#id}, {key=val}, {-}: its end or 0. */
static size_t attr_block(struct norm *st, const unsigned char *s, size_t len,
			 size_t i)
{
	size_t j = i + 1, lim = scan_limit(st, i, len, 256);

	while (j < lim && s[j] == ' ')
		j++;
	if (j >= lim)
		return 0;
	if (s[j] == '-' && j + 1 < lim && s[j + 1] == '}')
		return j + 2;
	if (s[j] != '.' && s[j] != '#' && s[j] != '=') {
		size_t k = j;

		while (k < lim &&
		       (is_alnum(s[k]) || s[k] == '-' || s[k] == '_'))
			k++;
		if (k == j || k >= lim || s[k] != '=')
			return 0;
	}
	for (; j < lim; j++) {
		if (s[j] == '}') {
			spend(st, j - i);
			return j + 1;
		}
		if (s[j] == '{' || s[j] == '\n')
			break;
	}
	spend(st, j - i);
	return 0;
}

/*
 * A link or span at '[' (i): on success records where its ']' is and
 * where what follows it ends ("(url)", "{attrs}", "[ref]"), returns 1.
 */
static int link_at(struct norm *st, const unsigned char *s, size_t len,
		   size_t i)
{
	size_t j, lim = scan_limit(st, i, len, 2048), close = 0, end = 0;
	int depth = 0;

	if (st->nlinks == NORM_LINKS)
		return 0;
	for (j = i + 1; j < lim; j++) {
		if (s[j] == '\\') {
			j++;
		} else if (s[j] == '[') {
			depth++;
		} else if (s[j] == ']') {
			if (depth-- == 0) {
				close = j;
				break;
			}
		} else if (s[j] == '\n' && j + 1 < lim && s[j + 1] == '\n') {
			break;
		}
	}
	spend(st, j - i);
	if (!close || close + 1 >= len)
		return 0;
	j = close + 1;
	if (s[j] == '(') {
		lim = scan_limit(st, j, len, 2048);
		depth = 0;
		for (j++; j < lim && s[j] != '\n'; j++) {
			if (s[j] == '(') {
				depth++;
			} else if (s[j] == ')' && depth-- == 0) {
				end = j + 1;
				break;
			}
		}
		spend(st, j - close);
	} else if (s[j] == '{') {
		end = attr_block(st, s, len, j);
	} else if (s[j] == '[') {
		lim = scan_limit(st, j, len, 256);
		for (j++; j < lim && s[j] != '\n' && s[j] != '['; j++) {
			if (s[j] == ']') {
				end = j + 1;
				break;
			}
		}
		spend(st, j - close);
	}
	if (!end)
		return 0;
	st->links[st->nlinks].close = close;
	st->links[st->nlinks].end = end;
	st->nlinks++;
	return 1;
}

static int block_tag(const unsigned char *name, size_t n)
{
	static const char *const tags[] = {
	    "br",    "p",     "div",	    "li",      "tr",  "td", "th",
	    "table", "tbody", "thead",	    "tfoot",   "ul",  "ol", "dl",
	    "dt",    "dd",    "hr",	    "h1",      "h2",  "h3", "h4",
	    "h5",    "h6",    "blockquote", "caption", "pre",
	};

	for (size_t k = 0; k < SR_ARRAY_SIZE(tags); k++) {
		if (strlen(tags[k]) != n)
			continue;
		for (size_t m = 0; m < n; m++)
			if ((name[m] | 0x20) != tags[k][m])
				goto next;
		return 1;
	next:;
	}
	return 0;
}

/* An HTML comment or tag at '<' (i): its end, or 0; *ws for block tags. */
static size_t html_at(struct norm *st, const unsigned char *s, size_t len,
		      size_t i, int *ws)
{
	size_t j = i + 1, k, lim;

	*ws = 0;
	if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
		const unsigned char *e;

		lim = scan_limit(st, i, len, 1 << 16);
		if (lim - i < 7)
			return 0;
		e = memmem(s + i + 4, lim - i - 4, "-->", 3);
		spend(st, (e ? (size_t)(e - s) : lim) - i);
		return e ? (size_t)(e - s) + 3 : 0;
	}
	if (j < len && s[j] == '/')
		j++;
	if (j >= len || !((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z'))
		return 0;
	for (k = j; k < len && (is_alnum(s[k]) || s[k] == '-'); k++)
		;
	if (k >= len || !(s[k] == '>' || s[k] == '/' || is_ascii_space(s[k])))
		return 0;
	lim = scan_limit(st, k, len, 2048);
	for (size_t m = k; m < lim; m++) {
		if (s[m] == '>') {
			spend(st, m - i);
			*ws = block_tag(s + j, k - j);
			return m + 1;
		}
		if (s[m] == '<' ||
		    (s[m] == '\n' && m + 1 < lim && s[m + 1] == '\n'))
			break;
	}
	spend(st, lim - i);
	return 0;
}

static int is_punct(unsigned char c)
{
	return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
	       (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

/* &amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xN; at s[i]. */
static size_t entity(struct norm *st, const unsigned char *s, size_t len,
		     size_t i)
{
	static const struct {
		const char *name;
		uint32_t cp;
	} names[] = {
	    {"amp", '&'},  {"lt", '<'},	   {"gt", '>'},
	    {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0},
	};
	size_t j = i + 1, k;
	uint32_t cp = 0;

	for (k = j; k < len && k - j < 10 && s[k] != ';'; k++)
		;
	if (k >= len || s[k] != ';' || k == j)
		goto literal;
	if (s[j] == '#') {
		int hex = j + 1 < k && (s[j + 1] | 0x20) == 'x';
		size_t d = j + 1 + (size_t)hex;

		if (d == k)
			goto literal;
		for (; d < k; d++) {
			unsigned char c = s[d];
			uint32_t v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = (c | 0x20) - 'a' + 10;
			else
				goto literal;
			cp = cp * (hex ? 16 : 10) + v;
			if (cp > 0x10FFFF)
				goto literal;
		}
		if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
			goto literal;
	} else {
		size_t m;

		for (m = 0; m < SR_ARRAY_SIZE(names); m++)
			if (strlen(names[m].name) == k - j &&
			    !memcmp(names[m].name, s + j, k - j))
				break;
		if (m == SR_ARRAY_SIZE(names))
			goto literal;
		cp = names[m].cp;
	}
	if (cp < 0x80)
		put_ascii(st, (unsigned char)cp, i);
	else
		feed_cp(st, cp, entry_of(cp), i);
	return k + 1;
literal:
	put_ascii(st, '&', i);
	return i + 1;
}

/* One markup-special ASCII byte at s[i]; returns the offset after it. */
static size_t markup(struct norm *st, const unsigned char *s, size_t len,
		     size_t i)
{
	unsigned char c = s[i];
	size_t j;
	int ws;

	switch (c) {
	case '|':
		add_ws(st, i, 0);
		return i + 1;
	case '*':
	case '_':
	case '~':
	case '`': {
		int keep;

		for (j = i; j < len && s[j] == c; j++)
			;
		if (space_before(s, i) && space_at(s, len, j))
			keep = 1; /* 2 * 3: not emphasis */
		else if (c == '_')
			keep = i > 0 && j < len && is_alnum(s[i - 1]) &&
			       is_alnum(s[j]); /* snake_case */
		else if (c == '*')
			keep = i > 0 && j < len && s[i - 1] >= '0' &&
			       s[i - 1] <= '9' && s[j] >= '0' && s[j] <= '9';
		else
			keep = c == '~' && j - i == 1; /* 1~3 */
		if (keep)
			for (size_t k = i; k < j; k++)
				put_ascii(st, c, k);
		return j;
	}
	case '<':
		j = html_at(st, s, len, i, &ws);
		if (!j)
			break;
		if (ws)
			add_ws(st, i, 0);
		return j;
	case '!':
		if (i + 1 < len && s[i + 1] == '[' &&
		    link_at(st, s, len, i + 1))
			return i + 2;
		break;
	case '[':
		if (link_at(st, s, len, i))
			return i + 1;
		break;
	case ']':
		while (st->nlinks && st->links[st->nlinks - 1].close < i)
			st->nlinks--;
		if (st->nlinks && st->links[st->nlinks - 1].close == i)
			return st->links[--st->nlinks].end;
		break;
	case '{':
		j = attr_block(st, s, len, i);
		if (j)
			return j;
		break;
	case '\\':
		if (i + 1 < len && s[i + 1] == '\n')
			return i + 1; /* hard line break */
		if (i + 1 < len && is_punct(s[i + 1])) {
			put_ascii(st, s[i + 1], i + 1);
			return i + 2;
		}
		break;
	case '&':
		return entity(st, s, len, i);
	}
	put_ascii(st, c, i);
	return i + 1;
}

/*
 * A line (from `j`, after its indentation) that is only markup: a table
 * border (|---|:--:|, +----+), a rule or setext underline (---, ===,
 * ***), a code or div fence (```, ~~~, :::) or an HTML comment.  Returns
 * the offset after its '\n' (or len), 0 for any other line.
 */
static size_t markup_line(struct norm *st, const unsigned char *s, size_t len,
			  size_t j)
{
	size_t k, rules = 0, pipes = 0, dashes = 0;
	unsigned char c;

	if (j >= len)
		return 0;
	c = s[j];
	k = j;
	if (c == '`' || c == '~' || c == ':')
		while (k < len && s[k] == c)
			k++;
	if (k - j >= 3) {
		for (; k < len && s[k] != '\n'; k++)
			if (c == '`' && s[k] == '`')
				return 0; /* ```inline``` code */
	} else if (c == '<') {
		int ws;

		k = html_at(st, s, len, j, &ws);
		if (!k || s[j + 1] != '!')
			return 0;
		for (; k < len && s[k] != '\n'; k++)
			if (!is_ascii_space(s[k]))
				return 0;
	} else if (c == '-' || c == '=' || c == '+' || c == ':' || c == '|' ||
		   c == '*' || c == '_') {
		for (k = j; k < len && s[k] != '\n'; k++) {
			c = s[k];
			if (c == '-' || c == '=' || c == '*' || c == '_') {
				rules++;
				dashes += c == '-';
			} else if (c == '|') {
				pipes++;
			} else if (c != '+' && c != ':' && c != ' ' &&
				   c != '\t' && c != '\r') {
				return 0;
			}
		}
		if (rules < 3 && !(pipes && dashes))
			return 0;
	} else {
		return 0;
	}
	return k < len ? k + 1 : len;
}

/*
 * At the start of a line (MARKUP): skips markup-only lines, then turns
 * indentation, blockquote marks, ATX heading marks and a list bullet
 * into whitespace.  Returns where the line's text starts.
 */
static size_t bol(struct norm *st, const unsigned char *s, size_t len, size_t i)
{
	size_t j, e;

	for (;;) {
		for (j = i; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		e = markup_line(st, s, len, j);
		if (!e)
			break;
		i = e;
	}
	while (j < len && s[j] == '>') {
		j++;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
	}
	if (j < len && s[j] == '#') {
		size_t k = j;

		while (k < len && s[k] == '#' && k - j < 7)
			k++;
		if (k - j <= 6 && (k == len || is_ascii_space(s[k])))
			j = k;
	} else if (j + 1 < len && (s[j] == '-' || s[j] == '*' || s[j] == '+') &&
		   (s[j + 1] == ' ' || s[j + 1] == '\t')) {
		j++;
	}
	if (j > i)
		add_ws(st, i, 0);
	return j;
}

/* Drops what is still pending at the end of the input. */
static void finish(struct norm *st)
{
	if ((st->pend & P_GYONAI) && tail_is(st, "行ない", 9))
		splice(st, st->o - 6, 3, "", 0);
	st->pend = 0;
}

/*
 * At `line`, the start of a line after a newline: when a block starts on
 * it (after its indentation), the newline is a paragraph break.  There
 * is no newline between them: looked for back from the block's start,
 * which is its indentation away from the last one (from the line, it was
 * the whole line, every line of a paragraph).
 */
static void block_break(struct norm *st, const unsigned char *s,
			size_t line)
{
	size_t b;

	while (st->istart < st->nstarts && st->starts[st->istart] < line)
		st->istart++;
	if (st->istart == st->nstarts)
		return;
	for (b = st->starts[st->istart]; b > line && s[b - 1] != '\n'; b--)
		;
	if (b == line) {
		st->pend |= P_PARA;
		st->istart++;
	}
}

/* What a character's entry must not have to be copied as it is. */
#define PLAIN_NOT                                                            \
	(E_REPL | E_ASC | E_SLOW | E_WS | E_DROP | E_LONGV | E_TRIG)

#ifdef __SSE2__
/*
 * The plain ASCII run of norm_run, sixteen bytes at a time while they are
 * visible ASCII but markup (and whatever markup the table knows is
 * plain too, which the byte loop then takes), with single spaces between:
 * the same bytes, lower-cased, each mapped to itself.  s[*i] is plain;
 * stops before lim.  Returns the output's new end.
 */
static size_t ascii_block(struct norm *st, const unsigned char *s,
			  size_t *i, size_t lim, size_t o)
{
#define MK(c) _mm_cmpeq_epi8(x, _mm_set1_epi8(c))
	const __m128i lo = _mm_set1_epi8(0x20), hi = _mm_set1_epi8(0x7f),
		      up_lo = _mm_set1_epi8('A' - 1),
		      up_hi = _mm_set1_epi8('Z' + 1),
		      bit = _mm_set1_epi8(0x20), four = _mm_set1_epi32(4);
	size_t k = *i;

	while (k + 17 <= lim) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + k));
		__m128i vis = _mm_and_si128(_mm_cmpgt_epi8(x, lo),
					    _mm_cmplt_epi8(x, hi));
		/* The markup of ascii_markup: * _ ~ ` < [ ] ! | { \ & */
		__m128i mk = _mm_or_si128(
		    _mm_or_si128(_mm_or_si128(MK('*'), MK('_')),
				 _mm_or_si128(MK('~'), MK('`'))),
		    _mm_or_si128(
			_mm_or_si128(_mm_or_si128(MK('<'), MK('[')),
				     _mm_or_si128(MK(']'), MK('!'))),
			_mm_or_si128(_mm_or_si128(MK('|'), MK('{')),
				     _mm_or_si128(MK('\\'), MK('&')))));
		__m128i up, m;
		unsigned plain, space, next;

		plain = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(mk, vis));
		space = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lo));
		next = s[k + 16] > 0x20 && s[k + 16] < 0x7f &&
		       ascii_markup[s[k + 16]] == A_PLAIN;
		plain |= next << 16;
		/* Each byte plain, or a space before a plain one. */
		if (((plain | (space & (plain >> 1))) & 0xffff) != 0xffff)
			break;
		up = _mm_and_si128(_mm_cmpgt_epi8(x, up_lo),
				   _mm_cmplt_epi8(x, up_hi));
		_mm_storeu_si128((__m128i *)(st->buf + o),
				 _mm_add_epi8(x, _mm_and_si128(up, bit)));
		m = _mm_add_epi32(_mm_set1_epi32((int)k),
				  _mm_setr_epi32(0, 1, 2, 3));
		for (size_t q = 0; q < 16; q += 4) {
			_mm_storeu_si128((__m128i *)(st->map + o + q), m);
			m = _mm_add_epi32(m, four);
		}
		o += 16;
		k += 16;
	}
	*i = k;
	return o;
#undef MK
}
#endif

#ifdef __SSE2__
/* Whether the 15 bytes at q (16 readable) are five characters of the
 * kind utf8_is_common3() takes. */
static inline int common3x5(const unsigned char *q)
{
	/* As signed bytes: continuations 0x80..0xBF are below -64, leads
	 * 0xE1..0xEF between -32 and -16. */
	const __m128i x = _mm_loadu_si128((const __m128i *)q);
	__m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64));
	__m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-32)),
				     _mm_cmplt_epi8(x, _mm_set1_epi8(-16)));
	unsigned c, l;

	lead = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)),
				lead);
	c = (unsigned)_mm_movemask_epi8(cont);
	l = (unsigned)_mm_movemask_epi8(lead);
	return (l & 0x1249) == 0x1249 && (c & 0x6DB6) == 0x6DB6;
}

/*
 * The run of plain three-byte characters of norm_run, five at a time:
 * after the character at i, copied to o with class *cls, while the next
 * five are all copied as they are (as the loop after it decides, one at
 * a time) and there is room below lim (16 bytes and 16 offsets are
 * written from o + 3).  Returns the offset of the last character taken,
 * *o its output's, *cls its class.
 */
static size_t common3_run(struct norm *st, const unsigned char *s,
			  size_t len, size_t i, size_t *o, uint32_t *cls,
			  size_t lim)
{
	size_t out = *o;
	uint32_t c = *cls;

	while (out + 21 <= lim && i + 19 < len && common3x5(s + i + 3)) {
		const unsigned char *q = s + i + 3;
		uint32_t prev = c;
		int bad = 0;
		__m128i m;

		for (int k = 0; k < 15; k += 3) {
			uint32_t e = norm_tab[((uint32_t)(q[k] & 0x0F) << 12) |
					      ((uint32_t)(q[k + 1] & 0x3F) << 6) |
					      (q[k + 2] & 0x3F)];
			uint32_t f = e & (PLAIN_NOT | E_MARK);

			/* the loop's test after it, written out: as a shared
			 * function it compiled to slower code (4-6 ms on the
			 * bench corpus) */
			bad |= f && (f != E_TRIG || (prev & L_OKPRE));
			prev = e & L_ALL;
		}
		if (bad)
			break;
		_mm_storeu_si128((__m128i *)(st->buf + out + 3),
				 _mm_loadu_si128((const __m128i *)q));
		m = _mm_set1_epi32((int)i);
		_mm_storeu_si128((__m128i *)(st->map + out + 3),
				 _mm_add_epi32(m, _mm_setr_epi32(3, 3, 3, 6)));
		_mm_storeu_si128((__m128i *)(st->map + out + 7),
				 _mm_add_epi32(m, _mm_setr_epi32(6, 6, 9, 9)));
		_mm_storeu_si128((__m128i *)(st->map + out + 11),
				 _mm_add_epi32(m, _mm_setr_epi32(9, 12, 12, 12)));
		_mm_storeu_si128((__m128i *)(st->map + out + 15),
				 _mm_set1_epi32((int)i + 15));
		i += 15;
		out += 15;
		c = prev;
	}
	*o = out;
	*cls = c;
	return i;
}
#endif

static void norm_run(struct norm *st, const char *src, size_t len,
		     unsigned flags)
{
	const unsigned char *s = (const unsigned char *)src;
	int mk = (flags & TEXT_NORM_MARKUP) != 0;
	const unsigned char *acls = mk ? ascii_markup : ascii_plain;
	size_t i = 0, cl_src = 0, cl_out = 0;
	int cl_ok = 0; /* the last source character may take marks */

	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	if (mk)
		i = bol(st, s, len, i);
	while (i < len && !st->oom) {
		unsigned char c = s[i];
		uint32_t cp, e;
		size_t n, r;
		int valid = 1;

		if (st->cap - st->o < 16 && norm_reserve(st, 16) < 0)
			break;
		if (c < 0x80) {
			unsigned char k = acls[c];

			if (k == A_PLAIN) {
				size_t o, lim;

				if (st->pend)
					resolve(st, c, 0);
				o = st->o;
				lim = i + (st->cap - o - 8);
				if (lim > len)
					lim = len;
#ifdef __SSE2__
				o = ascii_block(st, s, &i, lim, o);
#endif
				/* The rest byte by byte (all of it without
				 * SSE2: s[i] is plain and i < lim). */
				while (i < lim && (c = s[i]) < 0x80 &&
				       acls[c] == A_PLAIN) {
					st->buf[o] = (char)ascii_lower[c];
					st->map[o++] = (uint32_t)i++;
					/* One space between words is kept as
					 * it is: what add_ws and resolve would
					 * make of it. */
					if (i + 1 < lim && s[i] == ' ' &&
					    s[i + 1] < 0x80 &&
					    acls[s[i + 1]] == A_PLAIN) {
						st->buf[o] = ' ';
						st->map[o++] = (uint32_t)i++;
					}
				}
				st->o = o;
				st->last = 0;
				cl_src = i - 1;
				cl_out = o - 1;
				cl_ok = 1;
				continue;
			}
			cl_ok = 0;
			if (k == A_SPACE) {
				add_ws(st, i++, 0);
			} else if (k == A_NL) {
				add_ws(st, i++, 1);
				if (st->istart < st->nstarts)
					block_break(st, s, i);
				/* Most lines start with nothing bol() does
				 * anything with (a letter, a kanji). */
				if (mk && i < len && may_start_markup[s[i]])
					i = bol(st, s, len, i);
			} else {
				i = markup(st, s, len, i);
			}
			continue;
		}
		if (i + 2 < len && utf8_is_common3(s + i)) {
			/*
			 * Most of Japanese: three bytes, and with these lead
			 * bytes never overlong nor a surrogate.
			 */
			cp = ((uint32_t)(c & 0x0F) << 12) |
			     ((uint32_t)(s[i + 1] & 0x3F) << 6) |
			     (s[i + 2] & 0x3F);
			n = 3;
		} else {
			n = utf8_decode(src + i, len - i, &cp, &valid);
		}
		if (!valid) {
			if (!st->invalid++)
				st->first_invalid = i;
			put_cp(st, TEXT_REPLACEMENT, i);
			cl_ok = 0;
			i++;
			continue;
		}
		e = cp < 0x10000 ? norm_tab[cp] : entry_of(cp);
		if (e & E_DROP) {
			i += n; /* and a mark after it still joins the base */
			continue;
		}
		if ((e & E_MARK) &&
		    (!is_spacing_sound_mark(cp) || (st->last & L_KANA))) {
			i = cluster(st, src, len, cl_ok ? cl_src : i, cl_out, i,
				    cl_ok);
			cl_ok = 0;
			continue;
		}
		/* Copied as it is: a simple character, or one that could
		 * end an okurigana variant where none can end. */
		if (!(e & PLAIN_NOT) ||
		    ((e & PLAIN_NOT) == E_TRIG && !(st->last & L_OKPRE))) {
			uint32_t cls = e & L_ALL;
			size_t o, lim;
			char *buf;
			uint32_t *map;

			if (st->pend)
				resolve(st, cp, cls);
			/* In locals: a byte stored through st->buf could
			 * change st's fields, for the compiler. */
			buf = st->buf;
			map = st->map;
			o = st->o;
			for (size_t k = 0; k < n; k++) {
				buf[o + k] = (char)s[i + k];
				map[o + k] = (uint32_t)i;
			}
			/* Japanese text is mostly runs of such characters of
			 * three bytes: copy them on while there is room (a
			 * character's three offsets in one store). */
			lim = st->cap - 8;
#ifdef __SSE2__
			if (n == 3)
				i = common3_run(st, s, len, i, &o, &cls, lim);
#endif
			while (n == 3 && o + 6 <= lim && i + 5 < len) {
				const unsigned char *q = s + i + 3;
				uint32_t e2;

				if (!utf8_is_common3(q))
					break;
				e2 = norm_tab[((uint32_t)(q[0] & 0x0F) << 12) |
					      ((uint32_t)(q[1] & 0x3F) << 6) |
					      (q[2] & 0x3F)];
				if ((e2 & (PLAIN_NOT | E_MARK)) &&
				    ((e2 & (PLAIN_NOT | E_MARK)) != E_TRIG ||
				     (cls & L_OKPRE)))
					break;
				i += 3;
				o += 3;
				memcpy(buf + o, q, 3);
#ifdef __SSE2__
				_mm_storeu_si128((__m128i *)(map + o),
						 _mm_set1_epi32((int)i));
#else
				for (size_t k = 0; k < 3; k++)
					map[o + k] = (uint32_t)i;
#endif
				cls = e2 & L_ALL;
			}
			cl_src = i;
			cl_out = o;
			cl_ok = 1;
			st->o = o + n;
			st->last = cls;
			i += n;
			continue;
		}
		r = feed_cp(st, cp, e, i);
		cl_ok = r != 0;
		cl_src = i;
		cl_out = st->o - r;
		i += n;
	}
	finish(st);
}

void text_norm_release(struct text_norm *n)
{
	free(n->buf);
	free(n->map);
	free(n->breaks);
	n->buf = NULL;
	n->map = NULL;
	n->breaks = NULL;
	n->nbreaks = 0;
	n->len = 0;
	n->invalid = 0;
	n->first_invalid = 0;
}

int text_normalize(struct text_norm *out, const char *src, size_t len,
		   unsigned flags)
{
	return text_normalize_blocks(out, src, len, flags, NULL, 0);
}

void text_norm_tables(void)
{
	pthread_once(&norm_once, norm_build);
}

int text_normalize_blocks(struct text_norm *out, const char *src, size_t len,
			  unsigned flags, const uint32_t *starts,
			  size_t nstarts)
{
	struct norm st;
	int ret = 0;

	text_norm_release(out);
	if (len > UINT32_MAX)
		return SR_ELIMIT;
	text_norm_tables();
	memset(&st, 0, sizeof(st));
	st.starts = starts;
	st.nstarts = nstarts;
	st.budget = 4 * len + 65536;
	/* A break before each block and about as many again (blank lines
	 * in paragraphs, the ends of lists): room for them at once. */
	if (norm_reserve(&st, len + len / 8 + 64) < 0 ||
	    SR_ALLOC_GROW(st.breaks, 2 * nstarts + 16, st.abreaks) < 0) {
		ret = SR_ENOMEM;
		goto out;
	}
	norm_run(&st, src, len, flags);
	if (st.oom) {
		ret = SR_ENOMEM;
		goto out;
	}
	st.buf[st.o] = '\0';
	st.map[st.o] = (uint32_t)len;
	out->buf = st.buf;
	out->map = st.map;
	out->len = st.o;
	out->invalid = st.invalid;
	out->first_invalid = st.first_invalid;
	out->breaks = st.breaks;
	out->nbreaks = st.nbreaks;
	st.buf = NULL;
	st.map = NULL;
	st.breaks = NULL;
out:
	free(st.buf);
	free(st.map);
	free(st.breaks);
	return ret;
}

int text_normalize_str(char **out, const char *s, size_t len)
{
	struct text_norm n = TEXT_NORM_INIT;
	size_t b = 0, e;
	int ret;

	*out = NULL;
	ret = text_normalize(&n, s, len, 0);
	if (ret < 0)
		return ret;
	e = n.len;
	while (b < e && (n.buf[b] == ' ' || n.buf[b] == '\n'))
		b++;
	while (e > b && (n.buf[e - 1] == ' ' || n.buf[e - 1] == '\n'))
		e--;
	memmove(n.buf, n.buf + b, e - b);
	n.buf[e - b] = '\0';
	*out = n.buf;
	n.buf = NULL;
	text_norm_release(&n);
	return 0;
}

/* ---- line index ---------------------------------------------------- */

int text_lines_init(struct text_lines *l, const char *buf, size_t len)
{
	return text_lines_init_max(l, buf, len, (size_t)-1, (size_t)-1, NULL);
}

/* The line ending at buf[at] ('\n', or the end at len) was read: a
 * line of text_lines_init_max. */
static int line_read(uint32_t **start, size_t *n, size_t *alloc, size_t at,
		     size_t len, size_t max_newlines, size_t max_line_bytes,
		     size_t *long_line)
{
	if (at - (*start)[*n - 1] > max_line_bytes) {
		if (long_line)
			*long_line = *n;
		return SR_ELIMIT;
	}
	if (at == len)
		return 0;
	/* *n is the number of this '\n' */
	if (*n > max_newlines)
		return SR_ELIMIT;
	if (SR_ALLOC_GROW(*start, *n + 1, *alloc) < 0)
		return SR_ENOMEM;
	(*start)[(*n)++] = (uint32_t)(at + 1);
	return 0;
}

int text_lines_init_max(struct text_lines *l, const char *buf, size_t len,
			size_t max_newlines, size_t max_line_bytes,
			size_t *long_line)
{
	size_t alloc = 0, n = 0, i = 0;
	uint32_t *start = NULL;
	int ret = 0;

	l->start = NULL;
	l->n = 0;
	l->buf = buf;
	l->len = 0;
	l->valid = 0;
	if (long_line)
		*long_line = 0;
	if (len > UINT32_MAX)
		return SR_ELIMIT;
	/* Room for lines of 64 bytes: few specs need it to grow. */
	if ((ret = SR_ALLOC_GROW(start, len / 64 + 1, alloc)) < 0)
		goto out;
	start[n++] = 0;
#ifdef __SSE2__
	/* Lines are short: 64 bytes at a time, each '\n' of them taken
	 * from a mask (a call to memchr a line cost half as much again). */
	for (; len - i >= 64; i += 64) {
		const __m128i nl = _mm_set1_epi8('\n');
		uint64_t mask = 0;
		int k;

		for (k = 0; k < 4; k++) {
			__m128i x = _mm_loadu_si128(
				(const __m128i *)(buf + i + 16 * k));
			unsigned m = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(x, nl));

			mask |= (uint64_t)m << (16 * k);
		}
		for (; mask; mask &= mask - 1)
			if ((ret = line_read(&start, &n, &alloc,
					     i + (size_t)__builtin_ctzll(mask),
					     len, max_newlines, max_line_bytes,
					     long_line)) < 0)
				goto out;
	}
#endif
	for (; i < len; i++)
		if (buf[i] == '\n' &&
		    (ret = line_read(&start, &n, &alloc, i, len, max_newlines,
				     max_line_bytes, long_line)) < 0)
			goto out;
	/* and the last line, which no '\n' ends */
	if ((ret = line_read(&start, &n, &alloc, len, len, max_newlines,
			     max_line_bytes, long_line)) < 0)
		goto out;
	l->start = start;
	l->n = n;
	l->len = len;
	start = NULL;
out:
	free(start);
	return ret;
}

void text_lines_release(struct text_lines *l)
{
	free(l->start);
	l->start = NULL;
	l->n = 0;
	l->buf = NULL;
	l->len = 0;
	l->valid = 0;
}

size_t text_lines_line(const struct text_lines *l, size_t off)
{
	size_t lo = 0, hi = l->n;

	assert(l->n > 0); /* initialised by text_lines_init() */
	/* The last line whose start is <= off. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

#ifdef TEXT_AVX512
/* count_valid() 64 bytes a step, the last bytes masked. */
WIDE_TARGET static size_t count_valid_wide(const unsigned char *s,
					   size_t len)
{
	const __m512i cont = _mm512_set1_epi8(-65); /* above: not one */
	size_t i = 0, n = 0;
	__mmask64 m;

	for (; len - i >= 64; i += 64)
		n += (size_t)_mm_popcnt_u64(_mm512_cmpgt_epi8_mask(
			_mm512_loadu_si512((const void *)(s + i)), cont));
	if (i < len) {
		m = _bzhi_u64(~0ull, (unsigned)(len - i));
		n += (size_t)_mm_popcnt_u64(_mm512_mask_cmpgt_epi8_mask(
			m, _mm512_maskz_loadu_epi8(m, s + i), cont));
	}
	return n;
}
#endif

/*
 * Code points in valid UTF-8: the bytes that are not continuations,
 * sixteen at a time.  utf8_count reads invalid bytes as characters of
 * their own, which this does not.
 */
static size_t count_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n = 0;

#ifdef TEXT_AVX512
	if (text_wide())
		return count_valid_wide(s, len);
#endif
#ifdef __SSE2__
	/*
	 * Continuations are 0x80..0xBF: as signed bytes, -128..-65.  The
	 * others count one each, summed by psadbw into two 64-bit halves
	 * (a popcount is a call into libgcc on the baseline x86-64).
	 */
	if (len >= 16) {
		const __m128i one = _mm_set1_epi8(1), zero = _mm_setzero_si128();
		__m128i acc = zero;

		for (; len - i >= 16; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(s + i));

			acc = _mm_add_epi64(
			    acc, _mm_sad_epu8(_mm_and_si128(_mm_cmpgt_epi8(
							  x, _mm_set1_epi8(-65)),
						      one),
					      zero));
		}
		/* Each half is below 2^32: a text's offsets are 32-bit. */
		n += (uint32_t)_mm_cvtsi128_si32(acc) +
		     (uint32_t)_mm_cvtsi128_si32(_mm_unpackhi_epi64(acc, acc));
	}
#endif
	/* Spans are mostly short: eight bytes at a time, a continuation
	 * the top bit without the one below it; a multiply adds the eight
	 * top bits up in the top byte. */
	for (; len - i >= 8; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		w = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
		n += 8 - (size_t)((w * 0x0101010101010101ull) >> 56);
	}
	for (; i < len; i++)
		n += (s[i] & 0xC0) != 0x80;
	return n;
}

static size_t count_cols(const struct text_lines *l, size_t from, size_t n)
{
	return l->valid ? count_valid(l->buf + from, n)
			: utf8_count(l->buf + from, n);
}

void text_lines_pos(const struct text_lines *l, size_t off, int *line, int *col)
{
	size_t ln, s;

	if (off > l->len)
		off = l->len;
	ln = text_lines_line(l, off);
	s = l->start[ln - 1];
	if (line)
		*line = ln > INT32_MAX ? INT32_MAX : (int)ln;
	if (col) {
		size_t c = count_cols(l, s, off - s) + 1;

		*col = c > INT32_MAX ? INT32_MAX : (int)c;
	}
}

/* The line of off, which is on line `from` or after it: a few lines on,
 * as a rule, found in steps that double, then halved. */
static size_t line_from(const struct text_lines *l, size_t off, size_t from)
{
	size_t lo = from, hi = from + 1, step = 1;

	/* start[lo - 1] <= off; find hi with start[hi - 1] > off */
	while (hi <= l->n && l->start[hi - 1] <= off) {
		lo = hi;
		hi += step;
		step *= 2;
	}
	if (hi > l->n + 1)
		hi = l->n + 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->start[mid - 1] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void text_lines_pos_at(const struct text_lines *l,
		       struct text_pos_cursor *cur, size_t off, int *line,
		       int *col)
{
	size_t c, ln;

	if (off > l->len)
		off = l->len;
	if (!cur->line || off < cur->off) {
		text_lines_pos(l, off, line, col);
		cur->off = off;
		cur->line = (size_t)*line;
		cur->col = *col;
		return;
	}
	if (cur->line < l->n && off >= l->start[cur->line]) {
		/* on a later line: counted from its start */
		ln = line_from(l, off, cur->line + 1);
		c = count_cols(l, l->start[ln - 1], off - l->start[ln - 1]) + 1;
		cur->off = off;
		cur->line = ln;
		cur->col = c > INT32_MAX ? INT32_MAX : (int)c;
		*line = ln > INT32_MAX ? INT32_MAX : (int)ln;
		*col = cur->col;
		return;
	}
	c = (size_t)cur->col + count_cols(l, cur->off, off - cur->off);
	cur->off = off;
	cur->col = c > INT32_MAX ? INT32_MAX : (int)c;
	*line = (int)cur->line;
	*col = cur->col;
}

const char *text_lines_get(const struct text_lines *l, size_t line, size_t *len)
{
	size_t s, e;

	if (line < 1 || line > l->n) {
		*len = 0;
		return l->buf ? l->buf + l->len : "";
	}
	s = l->start[line - 1];
	if (line < l->n) {
		e = l->start[line] - 1; /* the '\n' */
		if (e > s && l->buf[e - 1] == '\r')
			e--;
	} else {
		e = l->len;
	}
	*len = e - s;
	return l->buf + s;
}
