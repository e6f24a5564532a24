/* sesame-temp-listener.h: listen on a port for the length of a check, when nothing else does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_TYPE_TEMP_LISTENER (sesame_temp_listener_get_type ())

G_DECLARE_FINAL_TYPE (SesameTempListener, sesame_temp_listener, SESAME, TEMP_LISTENER, GObject)

SesameTempListener *sesame_temp_listener_new           (const char          *protocol,
                                                        guint16              port,
                                                        GError             **error);
SesameTempListener *sesame_temp_listener_new_for_family (const char        *protocol,
                                                         guint16            port,
                                                         GSocketFamily      family,
                                                         GError           **error);
void                sesame_temp_listener_expect        (SesameTempListener  *self,
                                                        const guint8        *nonce,
                                                        gsize                nonce_size);
gboolean            sesame_temp_listener_get_arrived   (SesameTempListener  *self);
guint               sesame_temp_listener_get_accepted  (SesameTempListener  *self);
void                sesame_temp_listener_close         (SesameTempListener  *self);

G_END_DECLS
