/*
 * ui.h - what the views share: drawing, the generic list, views, prompts.
 */
#ifndef SR_TUI_UI_H
#define SR_TUI_UI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stddef.h>

#include "tui.h"

struct review;
struct review_history;
struct check_report;
struct spell;

/* ---- drawing ------------------------------------------------------------- */

enum ui_color {
	C_DEFAULT,
	C_TITLE,   /* title and status bars */
	C_OK,      /* satisfied */
	C_PARTIAL,
	C_MISSING,
	C_BYREF,
	C_DIM,     /* not applicable, line numbers */
	C_HIT,     /* evidence in the text */
	C_NOTE,    /* annotated lines */
	C_ADD,     /* diff */
	C_DEL,
	C_HEADER,  /* group headers */
	C__COUNT
};

struct ui {
	int color;   /* colors in use (a terminal with colors, no NO_COLOR) */
	int utf8;    /* the locale is UTF-8; else ASCII fallback */
	int rows, cols;
	char status[512];
	int status_error;
	struct review *rv;
	struct review_history *hist;
	unsigned hist_gen; /* bumped whenever the history is reloaded */
	struct spell *spell; /* opened on first use; NULL if it failed */
	int spell_tried;
	int quit;
};

/* Re-reads the records branch (after a record was committed). */
int ui_reload_history(void);

extern struct ui ui;

/* Attributes of a color role (with a monochrome fallback). */
int ui_attr(enum ui_color c);

/*
 * Draws s[0..len) at (y, x) in at most `width` columns, starting `skip`
 * columns into the text: control characters are shown as ^X, never sent
 * to the terminal; wide characters are never cut (a space stands in).
 * Returns the columns used.
 */
int ui_draw(int y, int x, const char *s, size_t len, int skip, int width,
	    int attr);
/*
 * Drawing a line in several runs of different attributes: a pen keeps
 * the position, the columns left, the horizontal scroll and the column
 * within the line (for tabs), so that runs join up exactly as one
 * ui_draw call would draw them.
 */
struct ui_pen {
	int y, x, width; /* where, and how many columns at most */
	int skip;        /* columns scrolled off to the left */
	int col;         /* column within the line so far */
	int used;        /* columns drawn so far */
};
void ui_run(struct ui_pen *pen, const char *s, size_t len, int attr);

/*
 * Bytes of s[0..len) that fit in `maxcols` columns drawn from column
 * `col` of their line, by the widths ui_draw uses (^X for controls, tab
 * stops), never separating a character from its combining marks.
 */
size_t ui_fit(const char *s, size_t len, int col, int maxcols, int *cols);
/* Bytes of the character at `s` with its zero-width marks. */
size_t ui_cluster(const char *s, size_t len);

/* Fills the rest of a line with spaces in `attr`. */
void ui_fill(int y, int x, int width, int attr);
/* A mark for a finding status: ✓ ◐ ✗ ↗ – (ASCII: + ~ x > -). */
const char *ui_status_mark(int status);
int ui_status_color(int status);
/* Sets the status line message (printf-style). */
void ui_message(int error, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- the generic list ---------------------------------------------------- */

struct list;
struct list_ops {
	/* Draws row `row` at (y, x) in `width` columns; `selected` set when
	 * it is the cursor row of the focused list. */
	void (*draw)(struct list *l, size_t row, int y, int x, int width,
		     int selected);
	/* The row's text for searching (may return NULL). */
	const char *(*text)(struct list *l, size_t row, size_t *len);
};

struct list {
	const struct list_ops *ops;
	void *data;
	size_t nrows;
	size_t pos;  /* cursor row */
	size_t top;  /* first row shown */
	int y, x, h, w; /* where it was last drawn */
	int skip;    /* horizontal scroll, columns */
	int focused;
};

void list_init(struct list *l, const struct list_ops *ops, void *data);
void list_set_rows(struct list *l, size_t nrows);
void list_draw(struct list *l, int y, int x, int h, int w);
/* Moves the cursor; keeps it visible. */
void list_goto(struct list *l, size_t row);
/* Handles movement, scrolling and search; 1 when handled. */
int list_action(struct list *l, enum action a);
/* Selects the row under a mouse click at (y, x); 1 when it hit. */
int list_click(struct list *l, int y, int x);
void list_wheel(struct list *l, int down);

/* ---- views ----------------------------------------------------------------- */

struct view;
struct view_ops {
	const char *name;
	/* Draws the whole view below the title line. */
	void (*draw)(struct view *v, int y, int x, int h, int w);
	/* Handles an action; 1 when handled (else the list gets it). */
	int (*action)(struct view *v, enum action a);
	/* The list that gets movement and search. */
	struct list *(*focus)(struct view *v);
	/* Title line text. */
	void (*title)(struct view *v, char *buf, size_t n);
	/* Called when idle (no key for a moment); 1 when it wants a redraw. */
	int (*idle)(struct view *v);
	/* Mouse: 1 when handled. */
	int (*click)(struct view *v, int y, int x);
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	void *data;
	struct view *parent;
};

/* Pushes a view on the stack (it becomes the current one). */
void view_push(struct view *v);
/* Pops and closes the current view. */
void view_pop(void);

struct view *view_specs_new(void);
struct view *view_review_new(size_t spec);
struct view *view_history_new(size_t spec);
struct view *view_diff_new(size_t spec);
struct view *view_help_new(void);
struct view *view_survey_new(void);
struct view *view_text_new(const char *title, const char *text);

/* ---- prompts ------------------------------------------------------------- */

/*
 * A multi-line editor in a box over the screen.  `initial` may be NULL.
 * On every change `autosave(text, ctx)` is called (may be NULL) so that
 * nothing typed is lost.  Returns a new string (caller frees) on confirm
 * (Ctrl-D), NULL on cancel (Esc).
 */
char *ui_edit(const char *title, const char *initial,
	      void (*autosave)(const char *text, void *ctx), void *ctx);
/* A one-line prompt on the status line; NULL on Esc. */
char *ui_prompt(const char *label);
/* A menu of choices; returns the index or -1 on Esc. */
int ui_choose(const char *title, const char *const *choices, size_t n,
	      size_t initial);
/* Shows text in a box until a key; 'y' returns 1, anything else 0. */
int ui_confirm(const char *title, const char *text, const char *question);

/* Redraws the whole screen now. */
void ui_redraw(void);

#endif
