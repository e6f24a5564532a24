/* sesame-application.h: the wizard's application object and command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SESAME_TYPE_APPLICATION (sesame_application_get_type ())

G_DECLARE_FINAL_TYPE (SesameApplication, sesame_application, SESAME, APPLICATION, AdwApplication)

SesameApplication *sesame_application_new (void);

G_END_DECLS
