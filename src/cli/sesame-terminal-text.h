/* sesame-terminal-text.h: text made harmless for a terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      *sesame_terminal_text     (const char *text,
                                     gssize      length);

G_END_DECLS
