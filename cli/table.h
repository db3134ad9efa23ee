/*
 * table.h - width-aware columns for text output: padding counts screen
 * columns (kanji take two), never bytes, so Japanese stays aligned.
 */
#ifndef SR_CLI_TABLE_H
#define SR_CLI_TABLE_H

#include <stddef.h>

struct strbuf;

/* Appends `s`, cut to `width` columns, then spaces up to `width`. */
void table_cell(struct strbuf *out, const char *s, size_t width);

#endif
