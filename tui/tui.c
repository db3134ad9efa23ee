/*
 * tui.c - start-up, the main loop, the view stack, prompts and the
 * editor.  Signals only set a flag; the loop restores the terminal.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "review.h"
#include "spell.h"
#include "strbuf.h"
#include "text.h"
#include "ui.h"
#include "util.h"
#include "banned.h"

#define MIN_COLS 40
#define MIN_ROWS 10

static volatile sig_atomic_t got_signal;
static struct view *current;

static void on_signal(int sig)
{
	got_signal = sig;
}

void view_push(struct view *v)
{
	if (!v)
		return;
	v->parent = current;
	current = v;
}

void view_pop(void)
{
	struct view *v = current;

	if (!v)
		return;
	current = v->parent;
	if (v->ops->close)
		v->ops->close(v);
	free(v);
}

static void draw_title(void)
{
	char buf[512] = "";

	if (current && current->ops->title)
		current->ops->title(current, buf, sizeof(buf));
	ui_fill(0, 0, ui.cols, ui_attr(C_TITLE));
	ui_draw(0, 1, buf, strlen(buf), 0, ui.cols - 2, ui_attr(C_TITLE));
}

static void draw_status(void)
{
	char help[64], hint[80];
	int used, w;

	/* The message, and at the right, while it leaves room, the key of
	 * the help ("?, F1 help"). */
	keys_for(ACT_HELP, help, sizeof(help));
	/* TRANSLATORS: the hint at the right of the status line, after
	   the keys that open the help ("?, F1 help"); short. */
	snprintf(hint, sizeof(hint), "%.8s %s", help, _("help"));
	w = (int)text_width(hint, strlen(hint), 0);
	ui_fill(ui.rows - 1, 0, ui.cols, A_NORMAL);
	used = ui_draw(ui.rows - 1, 0, ui.status, strlen(ui.status), 0,
		       ui.cols - w - 2,
		       ui.status_error ? ui_attr(C_MISSING) : (int)A_NORMAL);
	if (used < ui.cols - w - 2)
		ui_draw(ui.rows - 1, ui.cols - w - 1, hint, strlen(hint), 0, w,
			ui_attr(C_DIM));
}

void ui_redraw(void)
{
	getmaxyx(stdscr, ui.rows, ui.cols);
	erase();
	if (ui.cols < MIN_COLS || ui.rows < MIN_ROWS) {
		const char *m = _("terminal too small: at least 40x10, please");

		ui_draw(0, 0, m, strlen(m), 0, ui.cols, A_BOLD);
		refresh();
		return;
	}
	if (current)
		current->ops->draw(current, 1, 0, ui.rows - 2, ui.cols);
	draw_title();
	draw_status();
	refresh();
}

/* Reads one key; KEY_* codes come back as KEY_OFFSET + code. */
static int read_key(int *is_timeout)
{
	wint_t ch;
	int r;

	*is_timeout = 0;
	r = get_wch(&ch);
	if (r == ERR) {
		struct termios t;

		/* A terminal that was hung up (closed without SIGHUP reaching
		 * us) answers EIO: end as SIGHUP would, not spin on it. */
		if (tcgetattr(STDIN_FILENO, &t) < 0 && errno == EIO)
			got_signal = SIGHUP;
		*is_timeout = 1;
		return -1;
	}
	if (r == KEY_CODE_YES)
		return (int)ch + KEY_OFFSET;
	if (ch == '\r')
		return '\n';
	if (ch == 127 || ch == 8)
		return KEY_BACKSPACE + KEY_OFFSET;
	return (int)ch;
}

/* ---- prompts ---------------------------------------------------------- */

static void box_frame(int y, int x, int h, int w, const char *title)
{
	int i;

	for (i = 0; i < h; i++)
		ui_fill(y + i, x, w, A_NORMAL);
	attrset(ui_attr(C_TITLE));
	for (i = 0; i < w; i++)
		mvaddch(y, x + i, ' ');
	ui_draw(y, x + 1, title, strlen(title), 0, w - 2, ui_attr(C_TITLE));
	attrset(A_NORMAL);
	for (i = 1; i < h; i++) {
		mvaddch(y + i, x, ACS_VLINE);
		mvaddch(y + i, x + w - 1, ACS_VLINE);
	}
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	for (i = 1; i < w - 1; i++)
		mvaddch(y + h - 1, x + i, ACS_HLINE);
}

/* Inserts code point `cp` at byte `at`. */
static void insert_cp(struct strbuf *sb, size_t *at, uint32_t cp)
{
	char enc[4];
	size_t n = utf8_encode(cp, enc);
	struct strbuf tail = STRBUF_INIT;

	strbuf_add(&tail, sb->buf + *at, sb->len - *at);
	strbuf_setlen(sb, *at);
	strbuf_add(sb, enc, n);
	strbuf_add(sb, tail.buf, tail.len);
	strbuf_release(&tail);
	*at += n;
}

static size_t prev_cp(const char *s, size_t at)
{
	if (!at)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static size_t next_cp(const char *s, size_t len, size_t at)
{
	uint32_t cp;

	return at < len ? at + utf8_decode(s + at, len - at, &cp, NULL) : at;
}

static void delete_range(struct strbuf *sb, size_t from, size_t to)
{
	memmove(sb->buf + from, sb->buf + to, sb->len - to);
	strbuf_setlen(sb, sb->len - (to - from));
}

char *ui_prompt(const char *label)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at = 0;
	int timeout, key;

	for (;;) {
		int lw = (int)text_width(label, strlen(label), 0), used;

		ui_fill(ui.rows - 1, 0, ui.cols, A_NORMAL);
		ui_draw(ui.rows - 1, 0, label, strlen(label), 0, lw, A_BOLD);
		used = ui_draw(ui.rows - 1, lw, sb.buf, at, 0, ui.cols - lw - 1,
			       A_NORMAL);
		ui_draw(ui.rows - 1, lw + used, sb.buf + at, sb.len - at, 0,
			ui.cols - lw - used - 1, A_NORMAL);
		move(ui.rows - 1, lw + used);
		curs_set(1);
		refresh();
		key = read_key(&timeout);
		if (got_signal || (timeout && got_signal))
			break;
		if (timeout)
			continue;
		if (key == 27) {
			curs_set(0);
			strbuf_release(&sb);
			ui_message(0, " ");
			return NULL;
		}
		if (key == '\n')
			break;
		if (key == KEY_RESIZE + KEY_OFFSET) {
			ui_redraw();
		} else if (key == KEY_BACKSPACE + KEY_OFFSET) {
			size_t p = prev_cp(sb.buf, at);

			delete_range(&sb, p, at);
			at = p;
		} else if (key == KEY_LEFT + KEY_OFFSET) {
			at = prev_cp(sb.buf, at);
		} else if (key == KEY_RIGHT + KEY_OFFSET) {
			at = next_cp(sb.buf, sb.len, at);
		} else if (key >= ' ' && key < KEY_OFFSET && sb.len < 200) {
			insert_cp(&sb, &at, (uint32_t)key);
		}
	}
	curs_set(0);
	return strbuf_detach(&sb, NULL);
}

/* Visual lines of the editor text, wrapped at `w` columns. */
struct vline {
	size_t start, end;
};

static size_t layout(const char *s, size_t len, int w, struct vline *v,
		     size_t max)
{
	size_t n = 0, i = 0;

	while (n < max) {
		size_t nl = i, fit;
		const char *e = memchr(s + i, '\n', len - i);

		nl = e ? (size_t)(e - s) : len;
		fit = text_fit(s + i, nl - i, 0, (size_t)w, NULL);
		if (fit == 0 && nl > i)
			fit = next_cp(s, len, i) - i;
		v[n].start = i;
		v[n].end = i + fit;
		n++;
		i += fit;
		if (i == nl) {
			if (!e)
				break;
			i++;
		}
	}
	return n;
}

char *ui_edit(const char *title, const char *initial,
	      void (*autosave)(const char *text, void *ctx), void *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	size_t at, top = 0;
	int timeout, key, changed = 0;
	static struct vline v[4096];

	strbuf_addstr(&sb, initial ? initial : "");
	at = sb.len;
	for (;;) {
		int w = ui.cols - 4 < 78 ? ui.cols - 4 : 78;
		int h = ui.rows - 4 < 14 ? ui.rows - 4 : 14;
		int y0 = (ui.rows - h) / 2, x0 = (ui.cols - w) / 2;
		int inner = h - 3, cy = 0, cx = 0, i;
		size_t nv = layout(sb.buf, sb.len, w - 2, v, SR_ARRAY_SIZE(v)),
		       cur = 0;
		const char *hint = _("Ctrl-D save · Esc cancel");

		for (cur = 0; cur + 1 < nv && v[cur + 1].start <= at; cur++)
			;
		if (cur < top)
			top = cur;
		if (inner > 0 && cur >= top + (size_t)inner)
			top = cur - (size_t)inner + 1;
		box_frame(y0, x0, h, w, title);
		for (i = 0; i < inner && top + (size_t)i < nv; i++) {
			struct vline *l = &v[top + (size_t)i];

			ui_draw(y0 + 1 + i, x0 + 1, sb.buf + l->start,
				l->end - l->start, 0, w - 2, A_NORMAL);
		}
		ui_draw(y0 + h - 2, x0 + 1, hint, strlen(hint), 0, w - 2,
			ui_attr(C_DIM));
		cy = (int)(cur - top);
		cx = (int)text_width(sb.buf + v[cur].start, at - v[cur].start, 0);
		move(y0 + 1 + cy, x0 + 1 + (cx < w - 2 ? cx : w - 3));
		curs_set(1);
		refresh();
		key = read_key(&timeout);
		if (got_signal)
			break;
		if (timeout)
			continue;
		if (key == 27) {
			curs_set(0);
			strbuf_release(&sb);
			return NULL;
		}
		if (key == 4) /* Ctrl-D */
			break;
		changed = 1;
		if (key == KEY_RESIZE + KEY_OFFSET) {
			ui_redraw();
			changed = 0;
		} else if (key == '\n') {
			insert_cp(&sb, &at, '\n');
		} else if (key == KEY_BACKSPACE + KEY_OFFSET) {
			size_t p = prev_cp(sb.buf, at);

			delete_range(&sb, p, at);
			at = p;
		} else if (key == KEY_DC + KEY_OFFSET) {
			delete_range(&sb, at, next_cp(sb.buf, sb.len, at));
		} else if (key == KEY_LEFT + KEY_OFFSET) {
			at = prev_cp(sb.buf, at);
			changed = 0;
		} else if (key == KEY_RIGHT + KEY_OFFSET) {
			at = next_cp(sb.buf, sb.len, at);
			changed = 0;
		} else if (key == KEY_UP + KEY_OFFSET && cur > 0) {
			at = v[cur - 1].start +
			     text_fit(sb.buf + v[cur - 1].start,
				      v[cur - 1].end - v[cur - 1].start, 0,
				      (size_t)cx, NULL);
			changed = 0;
		} else if (key == KEY_DOWN + KEY_OFFSET && cur + 1 < nv) {
			at = v[cur + 1].start +
			     text_fit(sb.buf + v[cur + 1].start,
				      v[cur + 1].end - v[cur + 1].start, 0,
				      (size_t)cx, NULL);
			changed = 0;
		} else if (key == KEY_HOME + KEY_OFFSET || key == 1) {
			at = v[cur].start;
			changed = 0;
		} else if (key == KEY_END + KEY_OFFSET || key == 5) {
			at = v[cur].end;
			changed = 0;
		} else if ((key >= ' ' || key == '\t') && key < KEY_OFFSET) {
			insert_cp(&sb, &at, (uint32_t)key);
		} else {
			changed = 0;
		}
		if (changed && autosave && !sb.failed)
			autosave(sb.buf, ctx);
	}
	curs_set(0);
	return strbuf_detach(&sb, NULL);
}

int ui_choose(const char *title, const char *const *choices, size_t n,
	      size_t initial)
{
	size_t pos = initial < n ? initial : 0, i;
	int timeout, key;

	for (;;) {
		int w = ui.cols - 4 < 50 ? ui.cols - 4 : 50;
		int h = (int)n + 3 < ui.rows - 2 ? (int)n + 3 : ui.rows - 2;
		int y0 = (ui.rows - h) / 2, x0 = (ui.cols - w) / 2;

		box_frame(y0, x0, h, w, title);
		for (i = 0; i < n && (int)i < h - 2; i++) {
			int attr = i == pos ? A_REVERSE : A_NORMAL;

			ui_fill(y0 + 1 + (int)i, x0 + 1, w - 2, attr);
			ui_draw(y0 + 1 + (int)i, x0 + 2, choices[i],
				strlen(choices[i]), 0, w - 4, attr);
		}
		refresh();
		key = read_key(&timeout);
		if (got_signal)
			return -1;
		if (timeout)
			continue;
		switch (keys_lookup(key)) {
		case ACT_MOVE_UP:
			pos = pos ? pos - 1 : n - 1;
			continue;
		case ACT_MOVE_DOWN:
			pos = pos + 1 < n ? pos + 1 : 0;
			continue;
		case ACT_ENTER:
			return (int)pos;
		case ACT_QUIT:
			return -1;
		default:
			break;
		}
		if (key == KEY_RESIZE + KEY_OFFSET)
			ui_redraw();
		else if (key >= '1' && key <= '9' && (size_t)(key - '1') < n)
			return key - '1';
	}
}

int ui_confirm(const char *title, const char *text, const char *question)
{
	size_t top = 0;
	int timeout, key;

	for (;;) {
		int w = ui.cols - 2, h = ui.rows - 2, y0 = 1, x0 = 1, i;
		const char *p = text;
		size_t line = 0;

		box_frame(y0, x0, h, w, title);
		/* Long lines wrap (an error names a long path, a record a
		 * long note): what is asked about is shown whole.  `top`
		 * counts screen rows. */
		for (i = 0; *p && i < h - 3;) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p), off = 0;

			do {
				size_t n = ui_fit(p + off, len - off, 0, w - 2,
						  NULL);

				if (!n && off < len) /* wider than the box */
					n = ui_cluster(p + off, len - off);
				if (line++ >= top && i < h - 3) {
					ui_draw(y0 + 1 + i, x0 + 1, p + off, n,
						0, w - 2, A_NORMAL);
					i++;
				}
				off += n;
			} while (off < len);
			p += len + (e ? 1 : 0);
		}
		ui_draw(y0 + h - 2, x0 + 1, question, strlen(question), 0, w - 2,
			A_BOLD);
		refresh();
		key = read_key(&timeout);
		if (got_signal)
			return 0;
		if (timeout)
			continue;
		if (key == KEY_RESIZE + KEY_OFFSET) {
			ui_redraw();
			continue;
		}
		if (keys_lookup(key) == ACT_MOVE_DOWN ||
		    keys_lookup(key) == ACT_PAGE_DOWN) {
			top++;
			continue;
		}
		if (keys_lookup(key) == ACT_MOVE_UP) {
			top = top ? top - 1 : 0;
			continue;
		}
		return key == 'y' || key == 'Y';
	}
}

int ui_reload_history(void)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history fresh = REVIEW_HISTORY_INIT;
	int ret = review_history(ui.rv, NULL, &fresh, &err);

	if (ret == 0) {
		review_history_release(ui.hist);
		*ui.hist = fresh;
		ui.hist_gen++;
	} else {
		review_history_release(&fresh);
		ui_message(1, _("cannot reload the records: %s"),
			   err.n ? err.diags[0].msg : sr_strerror(ret));
	}
	sr_error_release(&err);
	return ret;
}

/* ---- the main loop ---------------------------------------------------- */

static void init_colors(void)
{
	const char *nc = getenv("NO_COLOR");

	ui.color = has_colors() && !(nc && *nc);
	if (!ui.color)
		return;
	start_color();
	use_default_colors();
	/* Foregrounds only (plus a reverse title): readable on dark and
	 * light backgrounds alike. */
	init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(C_OK, COLOR_GREEN, -1);
	init_pair(C_PARTIAL, COLOR_YELLOW, -1);
	init_pair(C_MISSING, COLOR_RED, -1);
	init_pair(C_BYREF, COLOR_MAGENTA, -1);
	init_pair(C_DIM, COLOR_BLUE, -1);
	init_pair(C_HIT, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_NOTE, COLOR_YELLOW, -1);
	init_pair(C_ADD, COLOR_GREEN, -1);
	init_pair(C_DEL, COLOR_RED, -1);
	init_pair(C_HEADER, COLOR_CYAN, -1);
}

static void handle_mouse(void)
{
	MEVENT ev;
	struct list *l;

	if (getmouse(&ev) != OK || !current)
		return;
	l = current->ops->focus ? current->ops->focus(current) : NULL;
	if (ev.bstate & BUTTON4_PRESSED) {
		if (l)
			list_wheel(l, 0);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		if (l)
			list_wheel(l, 1);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		if (current->ops->click)
			current->ops->click(current, ev.y, ev.x);
		else if (l)
			list_click(l, ev.y, ev.x);
	}
}

static int run(void)
{
	int timeout, key;

	ui_redraw();
	while (current && !ui.quit && !got_signal) {
		struct list *l;
		enum action a;

		key = read_key(&timeout);
		if (got_signal)
			break;
		if (timeout) {
			if (current->ops->idle && current->ops->idle(current))
				ui_redraw();
			continue;
		}
		if (key == KEY_RESIZE + KEY_OFFSET) {
			ui_redraw();
			continue;
		}
		if (key == KEY_MOUSE + KEY_OFFSET) {
			handle_mouse();
			ui_redraw();
			continue;
		}
		a = keys_lookup(key);
		ui.status[0] = '\0';
		ui.status_error = 0;
		if (a == ACT_NONE) {
			char name[16];

			keys_name(key, name, sizeof(name));
			ui_message(1, _("%s is not bound; ? for help"), name);
		} else if (current->ops->action &&
			   current->ops->action(current, a)) {
			/* handled by the view */
		} else if ((l = current->ops->focus
					? current->ops->focus(current)
					: NULL) &&
			   list_action(l, a)) {
			/* moved, scrolled or searched */
		} else if (a == ACT_HELP) {
			view_push(view_help_new());
		} else if (a == ACT_QUIT) {
			view_pop();
		}
		if (current)
			ui_redraw();
	}
	return got_signal ? 128 + got_signal : 0;
}

int tui_main(const char *repo, const char *ref)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review_history hist = REVIEW_HISTORY_INIT;
	struct sigaction sa;
	char msg[256];
	int ret;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "specreview: %s\n",
			_("the review screen needs a terminal; for output to "
			  "a pipe use 'specreview check' or 'status'"));
		return 2;
	}
	if (keys_init(msg, sizeof(msg)) < 0) {
		fprintf(stderr, "specreview: %s\n", msg);
		return 2;
	}
	if (review_open(&ui.rv, repo, ref, 0, &err) < 0 ||
	    review_history(ui.rv, NULL, &hist, &err) < 0) {
		size_t i;

		for (i = 0; i < err.n; i++) {
			struct strbuf sb = STRBUF_INIT;

			sr_diag_format(&sb, &err.diags[i]);
			fprintf(stderr, "specreview: %s\n", sb.buf);
			strbuf_release(&sb);
		}
		fprintf(stderr, "specreview: %s\n",
			_("run it inside a specs repository, or give --repo "
			  "DIR"));
		sr_error_release(&err);
		review_history_release(&hist);
		review_free(ui.rv);
		return 2;
	}
	ui.hist = &hist;
	ui.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(250);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
			  BUTTON5_PRESSED,
		  NULL);
	init_colors();
	if (!ui.utf8)
		ui_message(1, "%s",
			   _("no UTF-8 locale: Japanese shown as ?; "
			     "set LANG=C.UTF-8 or ja_JP.UTF-8"));
	view_push(view_specs_new());
	ret = run();
	while (current)
		view_pop();
	endwin();
	spell_free(ui.spell);
	review_history_release(&hist);
	review_free(ui.rv);
	sr_error_release(&err);
	if (got_signal)
		fprintf(stderr,
			_("specreview: stopped by signal %d; drafts are "
			  "saved\n"),
			(int)got_signal);
	return ret;
}
