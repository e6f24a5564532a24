/* sesame-rtt.h: the round trips one probe run has measured, shared by its probes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SESAME_TYPE_RTT (sesame_rtt_get_type ())

typedef struct _SesameRtt SesameRtt;

GType      sesame_rtt_get_type     (void) G_GNUC_CONST;
SesameRtt *sesame_rtt_new          (void);
SesameRtt *sesame_rtt_ref          (SesameRtt   *self);
void       sesame_rtt_unref        (SesameRtt   *self);
void       sesame_rtt_add_sample   (SesameRtt   *self,
                                    const char  *source,
                                    gint64       rtt_ms);
gint64     sesame_rtt_get_longest  (SesameRtt   *self);
gint64     sesame_rtt_get_internet (SesameRtt   *self);
guint      sesame_rtt_get_samples  (SesameRtt   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SesameRtt, sesame_rtt_unref)

G_END_DECLS
