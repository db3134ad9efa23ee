/*
 * jsonv.h - a strict JSON validator and a tiny path lookup for tests
 * (RFC 8259 grammar; strings must be valid UTF-8 after unescaping).
 */
#ifndef SR_JSONV_H
#define SR_JSONV_H

#include <string.h>

struct jsonv {
	const char *s;
	size_t i, n;
	int depth;
};

static int jv_value(struct jsonv *j);

static void jv_ws(struct jsonv *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\n' ||
			       j->s[j->i] == '\r' || j->s[j->i] == '\t'))
		j->i++;
}

static int jv_lit(struct jsonv *j, const char *lit)
{
	size_t l = strlen(lit);
	if (j->n - j->i < l || memcmp(j->s + j->i, lit, l))
		return 0;
	j->i += l;
	return 1;
}

static int jv_string(struct jsonv *j)
{
	if (j->i >= j->n || j->s[j->i] != '"')
		return 0;
	j->i++;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			j->i++;
			if (j->i >= j->n)
				return 0;
			c = (unsigned char)j->s[j->i];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++) {
					char h = j->i + k < j->n ? j->s[j->i + k] : 0;
					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F')))
						return 0;
				}
				j->i += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || !c)
				return 0;
			j->i++;
			continue;
		}
		if (c >= 0x80) {
			int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			if (!len || c > 0xf4 || j->i + (size_t)len > j->n)
				return 0;
			for (int k = 1; k < len; k++)
				if (((unsigned char)j->s[j->i + k] & 0xc0) != 0x80)
					return 0;
			j->i += (size_t)len;
			continue;
		}
		j->i++;
	}
	return 0;
}

static int jv_number(struct jsonv *j)
{
	size_t st = j->i;
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i >= j->n)
		return 0;
	if (j->s[j->i] == '0')
		j->i++;
	else if (j->s[j->i] >= '1' && j->s[j->i] <= '9')
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	else
		return 0;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			return 0;
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
			return 0;
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	return j->i > st;
}

static int jv_container(struct jsonv *j, char open, char close, int object)
{
	if (++j->depth > 200)
		return 0;
	j->i++; /* open */
	(void)open;
	jv_ws(j);
	if (j->i < j->n && j->s[j->i] == close) {
		j->i++;
		j->depth--;
		return 1;
	}
	for (;;) {
		jv_ws(j);
		if (object) {
			if (!jv_string(j))
				return 0;
			jv_ws(j);
			if (j->i >= j->n || j->s[j->i] != ':')
				return 0;
			j->i++;
		}
		if (!jv_value(j))
			return 0;
		jv_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == close) {
			j->i++;
			j->depth--;
			return 1;
		}
		return 0;
	}
}

static int jv_value(struct jsonv *j)
{
	jv_ws(j);
	if (j->i >= j->n)
		return 0;
	switch (j->s[j->i]) {
	case '{': return jv_container(j, '{', '}', 1);
	case '[': return jv_container(j, '[', ']', 0);
	case '"': return jv_string(j);
	case 't': return jv_lit(j, "true");
	case 'f': return jv_lit(j, "false");
	case 'n': return jv_lit(j, "null");
	default: return jv_number(j);
	}
}

/* 1 when `s` is exactly one valid JSON value (surrounding space allowed). */
static inline int json_valid(const char *s)
{
	struct jsonv j = { s, 0, strlen(s), 0 };
	if (!jv_value(&j))
		return 0;
	jv_ws(&j);
	return j.i == j.n;
}

/*
 * 1 when the XML is well-formed enough for our output: declaration,
 * balanced and properly nested elements, quoted attributes, no raw '<' or
 * '&' outside markup except entities.
 */
static inline int xml_balanced(const char *s)
{
	const char *stack[64];
	size_t lens[64];
	int depth = 0;
	const char *p = s;

	if (strncmp(p, "<?xml", 5))
		return 0;
	p = strstr(p, "?>");
	if (!p)
		return 0;
	p += 2;
	while (*p) {
		if (*p == '&') {
			if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
			    strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) &&
			    strncmp(p, "&apos;", 6))
				return 0;
			p++;
			continue;
		}
		if (*p != '<') {
			if (*p == '>')
				return 0;
			p++;
			continue;
		}
		if (p[1] == '/') {
			const char *name = p + 2;
			size_t l = strcspn(name, ">");
			if (!depth || l != lens[depth - 1] ||
			    strncmp(name, stack[depth - 1], l))
				return 0;
			depth--;
			p = name + l + 1;
			continue;
		}
		{
			const char *name = p + 1;
			size_t l = strcspn(name, " />");
			const char *q = name + l;
			char quote = 0;
			for (; *q; q++) {
				if (quote) {
					if (*q == quote)
						quote = 0;
					else if (*q == '<')
						return 0;
				} else if (*q == '"' || *q == '\'') {
					quote = *q;
				} else if (*q == '>') {
					break;
				}
			}
			if (!*q)
				return 0;
			if (q[-1] != '/') {
				if (depth == 64)
					return 0;
				stack[depth] = name;
				lens[depth++] = l;
			}
			p = q + 1;
		}
	}
	return depth == 0;
}

#endif
