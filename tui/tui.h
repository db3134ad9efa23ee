/*
 * tui.h - the ncurses face of specreview.  Everything here draws and
 * reads keys; review logic lives in the engine (src/review.h).
 *
 * Shape (after tig): every user action is declared once in ACTIONS below;
 * the action enum, the names used in key bindings, the help screen and
 * the man page come from it.  Default key bindings are text in the same
 * "bind KEY ACTION" format a user's ~/.config/specreview/keys file uses,
 * parsed by the same parser.  Each screen is a view (one file each,
 * view-*.c) that fills a small table of callbacks; scrolling, selection,
 * search and resizing are written once, in list.c, for every list.
 */
#ifndef SR_TUI_H
#define SR_TUI_H

#include <stddef.h>

#include "i18n.h"

struct review;
struct review_history;

/* Starts the TUI; returns the program's exit status. */
int tui_main(const char *repo, const char *ref);

/* ---- actions ----------------------------------------------------------- */

#define ACTIONS(X)                                                               \
	X(NONE, "none", N_("Do nothing"))                                        \
	X(MOVE_UP, "move-up", N_("Move the cursor up one line"))                 \
	X(MOVE_DOWN, "move-down", N_("Move the cursor down one line"))           \
	X(PAGE_UP, "page-up", N_("Move up one screen"))                          \
	X(PAGE_DOWN, "page-down", N_("Move down one screen"))                    \
	X(HALF_UP, "half-page-up", N_("Move up half a screen"))                  \
	X(HALF_DOWN, "half-page-down", N_("Move down half a screen"))            \
	X(FIRST, "first-line", N_("Go to the first line"))                       \
	X(LAST, "last-line", N_("Go to the last line"))                          \
	X(SCROLL_LEFT, "scroll-left", N_("Scroll long lines left"))              \
	X(SCROLL_RIGHT, "scroll-right", N_("Scroll long lines right"))           \
	X(TOGGLE_WRAP, "toggle-wrap", N_("Wrap long lines, or scroll them"))     \
	X(SEARCH, "search", N_("Search forward"))                                \
	X(SEARCH_BACK, "search-back", N_("Search backward"))                     \
	X(FIND_NEXT, "find-next", N_("Next match, or the item's next evidence")) \
	X(FIND_PREV, "find-prev", N_("Previous match or evidence"))              \
	X(ENTER, "enter", N_("Open the selected line"))                          \
	X(SWITCH_PANE, "switch-pane", N_("Switch between text and checklist"))   \
	X(FILTER, "filter-state", N_("Show only specs in one state (cycles)"))   \
	X(SORT, "sort", N_("Sort specs by path, state or gaps (cycles)"))        \
	X(NEXT_GAP, "next-gap", N_("Jump to the next open gap"))                 \
	X(ANNOTATE, "annotate", N_("Annotate the current line"))                 \
	X(DISPOSE, "disposition", N_("Set a disposition on the selected item"))  \
	X(RECORD, "record", N_("Record the review: decision and summary"))       \
	X(SIGN_OFF, "sign-off", N_("Sign off the spec (adviser)"))               \
	X(OPINION, "opinion", N_("Record an opinion (CIO assistant)"))           \
	X(HISTORY, "history", N_("Show the spec's review records"))              \
	X(DIFF, "diff", N_("Show what changed since the last review"))           \
	X(SPELL, "spelling", N_("Suggestions for a misspelt word on the line"))  \
	X(SURVEY, "survey", N_("Show the survey of all specs (rates, bands)"))   \
	X(REFRESH, "refresh", N_("Reload specs and records"))                    \
	X(HELP, "help", N_("Show this help"))                                    \
	X(QUIT, "quit", N_("Close the view, or quit from the spec list"))

#define ACTION_ENUM(id, name, help) ACT_##id,
enum action { ACTIONS(ACTION_ENUM) ACT__COUNT };
#undef ACTION_ENUM

const char *action_name(enum action a);
/* The help line of an action, in English: _(action_help(a)) to show it. */
const char *action_help(enum action a);
/* Parses an action name; -1 when unknown. */
int action_parse(const char *name);

/* ---- keys ---------------------------------------------------------------- */

/* Keys as wget_wch returns them: a code point, or KEY_* + KEY_OFFSET. */
#define KEY_OFFSET 0x110000
enum action keys_lookup(int key);
/* "j", "Up", "C-f", "F1", "Enter" for a key; into buf of size n. */
void keys_name(int key, char *buf, size_t n);
/* All keys bound to `a`, as "j, Down" (static buffer per call is not
 * used: written into buf). */
void keys_for(enum action a, char *buf, size_t n);
/* Loads the defaults, then the user's file if any; errors to `msg`. */
int keys_init(char *msg, size_t n);
/* Exposed for tests and the man page: the default bindings text. */
extern const char keys_default[];

#endif
