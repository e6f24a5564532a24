/* gui-tests.h: each page's tests, registered by test-gui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

void gui_test_add_welcome_page_tests   (void);
void gui_test_add_router_page_tests    (void);
void gui_test_add_host_page_tests      (void);
void gui_test_add_services_page_tests  (void);
void gui_test_add_checks_page_tests    (void);
void gui_test_add_checklist_page_tests (void);
void gui_test_add_row_layout_tests     (void);
