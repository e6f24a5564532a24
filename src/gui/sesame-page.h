/* sesame-page.h: one step of the wizard
 *
 * The page contract (after gnome-initial-setup): a page edits the
 * SesamePlan it is given and sets #SesamePage:complete when the person may
 * go on; the window alone owns Back and Next, and one static table in
 * sesame-window.c gives the page order. Pages share the window's
 * #SesameProbeSession (the network checks, started with the window) and
 * may move the window with the "win.go-to" action (a page name).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sesame-catalog.h"
#include "sesame-plan.h"
#include "sesame-probe-session.h"

G_BEGIN_DECLS

#define SESAME_TYPE_PAGE (sesame_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (SesamePage, sesame_page, SESAME, PAGE, AdwBin)

/**
 * SesamePageClass:
 * @shown: called each time the page becomes the visible page, after the
 *   window has switched to it (in either direction). Refresh what depends on
 *   the plan here and start work the page needs; the default does nothing.
 * @leave: called just before the window moves away from the page, forward
 *   or back, and when the window closes. Cancel pending work here, quietly;
 *   the plan already holds the answers, so there is nothing to "apply".
 *   The default does nothing.
 * @back: called before @leave when the person goes back to an earlier page:
 *   stop work whose results only later pages need, quietly. The default
 *   does nothing.
 */
struct _SesamePageClass
{
  AdwBinClass parent_class;

  void (*shown) (SesamePage *self);
  void (*leave) (SesamePage *self);
  void (*back)  (SesamePage *self);

  /*< private >*/
  gpointer padding[7];
};

SesamePlan    *sesame_page_get_plan     (SesamePage *self);
SesameCatalog *sesame_page_get_catalog  (SesamePage *self);
SesameProbeSession *sesame_page_get_session (SesamePage *self);
gboolean       sesame_page_get_complete (SesamePage *self);
void           sesame_page_set_complete (SesamePage *self,
                                         gboolean    complete);
const char    *sesame_page_get_title    (SesamePage *self);
void           sesame_page_set_title    (SesamePage *self,
                                         const char *title);

/* For the window: run the vfuncs */
void           sesame_page_shown        (SesamePage *self);
void           sesame_page_leave        (SesamePage *self);
void           sesame_page_back         (SesamePage *self);

G_END_DECLS
