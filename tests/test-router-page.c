/* test-router-page.c: the router page in the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-test-util.h"
#include "gui-tests.h"

static void
test_shown (void)
{
  SesameWindow *window = gui_test_open_window ("seed-plan.json", "en", "router", NULL);
  SesamePage *page = sesame_window_get_page (window, "router");

  g_assert_cmpstr (sesame_window_get_page_name (window), ==, "router");
  g_assert_nonnull (sesame_page_get_title (page));
  gui_test_screenshot (window, "seed");

  gui_test_close_window (window);
}

void
gui_test_add_router_page_tests (void)
{
  g_test_add_func ("/gui/router/shown", test_shown);
}
