/* sesame-shell-quote.h: strings made safe for the shell a command is pasted into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char      *sesame_shell_quote_posix         (const char *text);
char      *sesame_shell_quote_windows       (const char *text);

G_END_DECLS
