/* gui-test-util.h: driving the wizard's real window in the ui suite
 *
 * The ui suite is one program, test-gui, run under Xvfb in a network
 * namespace of its own (tests/netns-run: nothing can leave the machine),
 * once with LANGUAGE=en and once with LANGUAGE=ja. Each page's tests live
 * in their own file and register themselves from main() in test-gui.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sesame-window.h"

G_BEGIN_DECLS

void          gui_test_init            (int           *argc,
                                        char        ***argv);
const char   *gui_test_ui_language     (void);
gboolean      gui_test_ui_is_japanese  (void);
void          gui_test_assert_renderer (GtkWindow           *window);

/* A window without an application, on @page (nullable: the first), with
 * the plan from tests/data/@plan_file (nullable: a new plan), the report
 * in @report_language (nullable: the plan's), and checks that contact
 * nothing beyond this namespace unless @session says otherwise (nullable:
 * no internet, short deadline). Presented and mapped when it returns. */
SesameWindow *gui_test_open_window     (const char          *plan_file,
                                        const char          *report_language,
                                        const char          *page,
                                        SesameProbeSession  *session);
void          gui_test_close_window    (SesameWindow        *window);

/* A session for tests: no internet, 1.5 s deadline */
SesameProbeSession *gui_test_session_new (void);

/* Waits until @widget is mapped, then until it has painted @n frames */
void          gui_test_wait_for_frames (GtkWidget           *widget,
                                        guint                n);
/* Saves gui-<page>-ui_<lang>-<tag>.png in the build directory */
void          gui_test_screenshot      (SesameWindow        *window,
                                        const char          *tag);

/* Runs the main loop until @condition holds; fails the test after @timeout_ms */
typedef gboolean (*GuiTestCondition) (gpointer data);
void          gui_test_wait_until      (GuiTestCondition     condition,
                                        gpointer             data,
                                        guint                timeout_ms);
void          gui_test_iterate         (guint                ms);

gboolean      gui_test_action_enabled  (SesameWindow        *window,
                                        const char          *name);
void          gui_test_activate        (SesameWindow        *window,
                                        const char          *name);

/* The first widget under @root (depth first) of @type whose visible text
 * is @text: a button's or label's label, a preferences row's title, an
 * editable's text, a check button's label; %NULL @text matches any. */
GtkWidget    *gui_test_find            (GtkWidget           *root,
                                        GType                type,
                                        const char          *text);
/* All of them, in order */
GPtrArray    *gui_test_find_all        (GtkWidget           *root,
                                        GType                type,
                                        const char          *text);
/* What @widget shows as its text: a button's or label's label, a row's
 * title, an editable's text; %NULL for none */
const char   *gui_test_widget_text     (GtkWidget           *widget);

/* Presses Tab until the focus is on a widget that says @text, or inside
 * one (a row's check button, an entry row's text); fails the test when
 * Tab goes round the window without getting there */
GtkWidget    *gui_test_tab_to          (SesameWindow        *window,
                                        const char          *text);

/* The first visible toplevel window of @type (a file chooser, a message
 * dialog, the shortcuts window), or %NULL */
GtkWindow    *gui_test_find_toplevel   (GType                type);
/* Waits until a toplevel of @type is shown (and returns it), or gone */
GtkWindow    *gui_test_wait_for_toplevel  (GType                type,
                                           guint                timeout_ms);
void          gui_test_wait_toplevel_gone (GType                type,
                                           guint                timeout_ms);

/* Whether @widget is visible all the way up to its window */
gboolean      gui_test_is_shown        (GtkWidget           *widget);

/* The widgets keyboard focus visits from the window on, with Tab, until it
 * comes round again (at most @limit); only those visible */
GPtrArray    *gui_test_focus_chain     (SesameWindow        *window,
                                        guint                limit);

/* Activates @widget as Enter or space would (a button's "activate" fires
 * its click after a short press animation) and lets the result happen */
void          gui_test_press           (GtkWidget           *widget);

/* Whether the focus chain stops on @widget or on something inside it */
gboolean      gui_test_chain_reaches   (GPtrArray           *chain,
                                        GtkWidget           *widget);

/* Types @text into @editable as a person would (replacing what is there) */
void          gui_test_type            (GtkWidget           *editable,
                                        const char          *text);

G_END_DECLS
